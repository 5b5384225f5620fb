// Business hours in an agent's own time zone: is the agent working at an instant, and when does that change,
// so routing skips agents off shift and the customer can be told when a person will reply.

import { z } from "zod";
import type { BusinessHours } from "../model.ts";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Boundary validation for agent settings. A window whose end is not after its start runs past midnight. */
export const businessHoursSchema = z.object({
  tz: z.string().refine(isTimeZone, { message: "unknown IANA time zone" }),
  days: z.partialRecord(
    z.enum(WEEKDAYS),
    z
      .tuple([z.string().regex(HHMM, "expected HH:MM"), z.string().regex(HHMM, "expected HH:MM")])
      .refine(([a, b]) => a !== "24:00" && a !== b, { message: "a window needs distinct start and end" }),
  ),
});

export interface HoursState {
  open: boolean;
  /** Next instant (epoch ms) the open/closed state flips, or null when it never does within a week. */
  changesAt: number | null;
}

const ALWAYS_OPEN: HoursState = { open: true, changesAt: null };
const DAY_MS = 86_400_000;
const HORIZON_DAYS = 8;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock time in `tz` at `at`, expressed as if it were UTC (so date arithmetic stays in plain numbers). */
function wallClockAsUtc(tz: string, at: number): number {
  const parts = formatter(tz).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/** The instant at which the wall clock in `tz` reads `wall` (a wall time encoded as UTC). Handles DST shifts. */
function wallToInstant(tz: string, wall: number): number {
  let guess = wall - (wallClockAsUtc(tz, wall) - wall);
  // A second pass settles the offset when the first guess landed across a DST change.
  guess = wall - (wallClockAsUtc(tz, guess) - guess);
  return guess;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** Merged open intervals [start, end) in epoch ms from yesterday to a week ahead, for one schedule and day. */
function openIntervals(hours: BusinessHours, at: number): Array<[number, number]> {
  const wallNow = wallClockAsUtc(hours.tz, at);
  const today = Math.floor(wallNow / DAY_MS) * DAY_MS;
  const raw: Array<[number, number]> = [];
  for (let d = -1; d <= HORIZON_DAYS; d++) {
    const dayStart = today + d * DAY_MS;
    const weekday = WEEKDAYS[new Date(dayStart).getUTCDay()] as Weekday;
    const window = hours.days[weekday];
    if (!window) continue;
    const open = minutes(window[0]);
    let close = minutes(window[1]);
    if (close <= open) close += 24 * 60; // runs past midnight
    raw.push([
      wallToInstant(hours.tz, dayStart + open * 60_000),
      wallToInstant(hours.tz, dayStart + close * 60_000),
    ]);
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const iv of raw) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

// Agents share a handful of schedules, and routing asks about all of them at once: memoise per schedule. An
// entry computed at instant `from` covers wall days from the day before to eight days after, so it answers any
// instant in [from, from + 1 day) with a full week ahead. Schedules are treated as immutable values.
interface CacheEntry {
  from: number;
  until: number;
  intervals: Array<[number, number]>;
}
const intervalCache = new Map<string, CacheEntry>();
const scheduleKeys = new WeakMap<BusinessHours, string>();
const CACHE_LIMIT = 5_000;

function cachedIntervals(hours: BusinessHours, at: number): Array<[number, number]> | null {
  let key = scheduleKeys.get(hours);
  if (key === undefined) {
    key = `${hours.tz}\u0000${JSON.stringify(hours.days)}`;
    scheduleKeys.set(hours, key);
  }
  const hit = intervalCache.get(key);
  if (hit && at >= hit.from && at < hit.until) return hit.intervals;
  let intervals: Array<[number, number]>;
  try {
    intervals = openIntervals(hours, at);
  } catch {
    return null; // unknown time zone: callers treat the agent as off shift rather than guess
  }
  if (intervalCache.size >= CACHE_LIMIT) intervalCache.clear();
  intervalCache.set(key, { from: at, until: at + DAY_MS, intervals });
  return intervals;
}

/** Whether the schedule is open at `at` and when that next changes. `null` hours means always available. */
export function hoursState(hours: BusinessHours | null, at: number): HoursState {
  if (!hours) return ALWAYS_OPEN;
  const intervals = cachedIntervals(hours, at);
  if (!intervals || intervals.length === 0) return { open: false, changesAt: null };
  const horizonEnd = at + (HORIZON_DAYS - 1) * DAY_MS;
  for (const [start, end] of intervals) {
    if (at < start) return { open: false, changesAt: start };
    if (at < end) return { open: true, changesAt: end >= horizonEnd ? null : end };
  }
  return { open: false, changesAt: null };
}

/** The next instant at or after `at` when the schedule is open (`at` itself when open now); null if never. */
export function nextOpening(hours: BusinessHours | null, at: number): number | null {
  const s = hoursState(hours, at);
  if (s.open) return at;
  return s.changesAt;
}
