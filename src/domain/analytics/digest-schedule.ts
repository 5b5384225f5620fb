// When the weekly digest is due: a weekday and an hour in UTC. Pure, so the schedule is tested without waiting a week.

import { DAY_MS } from "./calendar.ts";

export const DIGEST_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type DigestWeekday = (typeof DIGEST_WEEKDAYS)[number];

const HOUR_MS = 3_600_000;

/** The latest scheduled instant at or before `now`. */
export function lastDigestSlot(now: number, weekday: DigestWeekday, hourUtc: number): number {
  const midnight = Math.floor(now / DAY_MS) * DAY_MS;
  const today = new Date(midnight).getUTCDay();
  const daysBack = (today - DIGEST_WEEKDAYS.indexOf(weekday) + 7) % 7;
  const slot = midnight - daysBack * DAY_MS + hourUtc * HOUR_MS;
  return slot <= now ? slot : slot - 7 * DAY_MS;
}

/** The first scheduled instant strictly after `now`. */
export function nextDigestSlot(now: number, weekday: DigestWeekday, hourUtc: number): number {
  return lastDigestSlot(now, weekday, hourUtc) + 7 * DAY_MS;
}
