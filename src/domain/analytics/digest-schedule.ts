// When the weekly digest is due: a weekday and an hour of the wall clock in the analytics time zone, so a team in
// New York gets Monday's digest at 08:00 New York time, covering its own Monday-to-Sunday week, winter and summer.
// Pure, so the schedule is tested without waiting a week.

import { addDays, DAY_MS, HOUR_MS, localDayOf, offsetAt } from "./calendar.ts";

export const DIGEST_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type DigestWeekday = (typeof DIGEST_WEEKDAYS)[number];

/** One scheduled sending: the instant, and the local day it falls on (the day after the week it reports). */
export interface DigestSlot {
  at: number;
  day: string;
}

/**
 * The instant the wall clock in `timeZone` reads `hour`:00 on `day`. In an autumn hour that happens twice, the first;
 * in a spring-forward gap that skips it, the instant one gap later (02:00 becomes 03:00), so the slot still exists.
 */
export function localHourInstant(day: string, hour: number, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`) + hour * HOUR_MS;
  // The offsets in force a day either side: a zone changes its offset at most once in between.
  const before = wall - offsetAt(wall - DAY_MS, timeZone);
  const after = wall - offsetAt(wall + DAY_MS, timeZone);
  const reads = (instant: number) => instant + offsetAt(instant, timeZone) === wall;
  const exact = [before, after].filter(reads);
  if (exact.length > 0) return Math.min(...exact);
  return before; // in the gap: the earlier offset lands the hour just past the jump
}

/** The latest scheduled sending at or before `now`. */
export function lastDigestSlot(now: number, weekday: DigestWeekday, hour: number, timeZone = "UTC"): DigestSlot {
  const today = localDayOf(now, timeZone);
  const daysBack = (new Date(`${today}T00:00:00Z`).getUTCDay() - DIGEST_WEEKDAYS.indexOf(weekday) + 7) % 7;
  const day = addDays(today, -daysBack);
  const at = localHourInstant(day, hour, timeZone);
  if (at <= now) return { at, day };
  const earlier = addDays(day, -7);
  return { at: localHourInstant(earlier, hour, timeZone), day: earlier };
}

/** The first scheduled sending strictly after `now`. */
export function nextDigestSlot(now: number, weekday: DigestWeekday, hour: number, timeZone = "UTC"): DigestSlot {
  const next = addDays(lastDigestSlot(now, weekday, hour, timeZone).day, 7);
  return { at: localHourInstant(next, hour, timeZone), day: next };
}

/** The last day of the week a slot's digest reports on: the local day before it is sent. */
export const digestWeekEnd = (slot: DigestSlot): string => addDays(slot.day, -1);
