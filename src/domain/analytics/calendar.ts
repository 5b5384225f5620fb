// Local calendar days in an IANA time zone, for the analytics: a support team in New York wants "today" to start at
// midnight in New York, and a day around a DST change is 23 or 25 hours long. Built on Intl (the runtime's tz
// database); everything else is arithmetic on the zone's UTC offset, piecewise constant between transitions.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The zone's UTC offset (local wall time − UTC) in effect from `from` (epoch ms) until the next entry's `from`. */
export interface ZoneOffset {
  from: number;
  offsetMs: number;
}

/**
 * Inclusive local days `from`..`to` (YYYY-MM-DD) in `timeZone`, with the instants they cover: [startMs, endMs) runs
 * from the first instant of `from` to the first instant of the day after `to`. `offsets` covers that interval
 * (first entry's `from` = startMs), so day arithmetic needs no further time-zone lookups.
 */
export interface LocalDays {
  from: string;
  to: string;
  timeZone: string;
  startMs: number;
  endMs: number;
  offsets: readonly ZoneOffset[];
}

/** IANA names only ("America/New_York", "Etc/GMT+5", "UTC"): Intl also takes raw offsets, which are not zones. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", era: "short", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's canonical name as the runtime knows it ("utc" → "UTC"), or null when it is not an IANA zone. */
export function canonicalTimeZone(name: string): string | null {
  if (name.length > 64 || !ZONE_NAME.test(name)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Local wall time − UTC at instant `ms`, in ms (whole seconds: historical offsets like −0:44:30 included). */
export function offsetAt(ms: number, timeZone: string): number {
  const second = Math.floor(ms / 1000) * 1000;
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(second)) p[part.type] = part.value;
  const year = p.era === "BC" || p.era === "B" ? 1 - Number(p.year) : Number(p.year);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  wall.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  return wall.getTime() - second;
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const wallMidnight = (day: string): number => Date.parse(`${day}T00:00:00Z`);
/** The calendar day `n` days after `day` (before it when negative); YYYY-MM-DD in, YYYY-MM-DD out. */
export const addDays = (day: string, n: number): string => utcDay(wallMidnight(day) + n * DAY_MS);
export const nextDay = (day: string): string => addDays(day, 1);

/** The local calendar day (YYYY-MM-DD) of instant `ms` in `timeZone`. */
export function localDayOf(ms: number, timeZone: string): string {
  return utcDay(ms + offsetAt(ms, timeZone));
}

/**
 * The first instant whose local date is `day`: local midnight, or, where a DST change skips midnight (Chile, Cuba
 * and others spring forward at 00:00), the instant of the change. Local dates never go backwards across a
 * transition, so "the first instant on or after `day`" is well defined and found by bisection when the offset guess
 * misses.
 */
export function dayStartMs(day: string, timeZone: string): number {
  const midnight = wallMidnight(day);
  const first = midnight - offsetAt(midnight, timeZone);
  for (const guess of [first, midnight - offsetAt(first, timeZone)]) {
    if (localDayOf(guess, timeZone) === day && localDayOf(guess - 1, timeZone) < day) return guess;
  }
  let lo = midnight - 36 * HOUR_MS; // before the day whatever the offset (offsets stay within ±26 h)
  let hi = midnight + 36 * HOUR_MS; // on or after it
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDayOf(mid, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Probe spacing when looking for offset changes: no zone changes its offset twice within 12 hours. */
const PROBE_MS = 12 * HOUR_MS;

/** The zone's offsets over [startMs, endMs): probes every 12 hours and bisects each change to the second. */
export function offsetsOver(startMs: number, endMs: number, timeZone: string): ZoneOffset[] {
  const out: ZoneOffset[] = [{ from: startMs, offsetMs: offsetAt(startMs, timeZone) }];
  let at = startMs;
  while (at < endMs - 1) {
    const next = Math.min(at + PROBE_MS, endMs - 1);
    const before = (out.at(-1) as ZoneOffset).offsetMs;
    const after = offsetAt(next, timeZone);
    if (after !== before) {
      let lo = at; // offset `before` here
      let hi = next; // offset `after` here
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo) break;
        if (offsetAt(mid, timeZone) === before) lo = mid;
        else hi = mid;
      }
      out.push({ from: hi, offsetMs: after });
    }
    at = next;
  }
  return out;
}

const cache = new Map<string, LocalDays>();
const CACHE_SIZE = 256;

/**
 * The local days from..to in `timeZone`. Callers validate the days (YYYY-MM-DD, from ≤ to) and the zone first.
 * Memoised: a dashboard asks for the same range four times per page.
 */
export function localDays(from: string, to: string, timeZone: string): LocalDays {
  const key = `${timeZone}|${from}|${to}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const startMs = dayStartMs(from, timeZone);
  const endMs = dayStartMs(nextDay(to), timeZone);
  const range: LocalDays = Object.freeze({ from, to, timeZone, startMs, endMs, offsets: Object.freeze(offsetsOver(startMs, endMs, timeZone)) });
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, range);
  return range;
}

/** The offset in effect at `ms` (which lies in the range). */
export function offsetIn(range: LocalDays, ms: number): number {
  let o = (range.offsets[0] as ZoneOffset).offsetMs;
  for (const piece of range.offsets) {
    if (piece.from > ms) break;
    o = piece.offsetMs;
  }
  return o;
}

/** Days since `range.from` of instant `ms` (in the range): the SQL adapter computes the same expression. */
export function dayIndexIn(range: LocalDays, ms: number): number {
  return Math.floor((ms + offsetIn(range, ms) - wallMidnight(range.from)) / DAY_MS);
}

/** The label of day number `index` of the range. */
export const dayLabel = (range: LocalDays, index: number): string => utcDay(wallMidnight(range.from) + index * DAY_MS);

/** Every day label of the range, in order. */
export function dayLabels(range: LocalDays): string[] {
  const out: string[] = [];
  for (let t = wallMidnight(range.from); t <= wallMidnight(range.to); t += DAY_MS) out.push(utcDay(t));
  return out;
}

/**
 * The first instant of each day of the range, then endMs: from the offsets alone. Day d starts at the first
 * instant whose wall time reaches its midnight: inside the offset piece where that happens, or at the start of a
 * piece that jumped past it.
 */
export function dayStarts(range: LocalDays): number[] {
  const base = wallMidnight(range.from);
  const labels = dayLabels(range).length;
  const out: number[] = [range.startMs];
  let p = 0;
  for (let d = 1; d < labels; d++) {
    const wall = base + d * DAY_MS;
    let start = range.endMs;
    for (; p < range.offsets.length; p++) {
      const piece = range.offsets[p] as ZoneOffset;
      const pieceEnd = range.offsets[p + 1]?.from ?? range.endMs;
      if (piece.from + piece.offsetMs >= wall) {
        start = piece.from;
        break;
      }
      if (wall - piece.offsetMs < pieceEnd) {
        start = wall - piece.offsetMs;
        break;
      }
    }
    out.push(start);
  }
  out.push(range.endMs);
  return out;
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * UTC hours [h, h + 1 h) that a day boundary of the range cuts in two, as their start instants. None for zones
 * whose offsets are whole hours; one per day for India (+5:30), Nepal (+5:45), Newfoundland (−3:30) and the like.
 * An hourly rollup cannot say which day such an hour's conversations belong to, so they are read one by one.
 */
export function splitHours(range: LocalDays): number[] {
  const out = new Set<number>();
  for (const s of dayStarts(range)) if (s % HOUR_MS !== 0) out.add(floorHour(s));
  return [...out].sort((a, b) => a - b);
}
