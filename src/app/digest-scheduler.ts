// Sends the weekly digest once a week at the configured weekday and hour of the analytics time zone. Every node runs
// the timer; a claim in the database makes exactly one of them send, and a node that was down at the hour catches up
// within the grace period.

import { DAY_MS } from "../domain/analytics/calendar.ts";
import { type DigestWeekday, digestWeekEnd, lastDigestSlot } from "../domain/analytics/digest-schedule.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "./conversation-service.ts";

export interface DigestSchedulerDeps {
  clock: Clock;
  log: Logger;
  weekday: DigestWeekday;
  /** Hour of the wall clock in `timeZone` (0-23). */
  hour: number;
  /** IANA zone of the schedule and of the digest's days (default UTC). */
  timeZone?: string;
  /** Records that this week's digest is being sent; false when another node (or an earlier tick) already did. */
  claim(key: string): Promise<boolean>;
  /** Gives the claim back after a failed delivery, so a later tick tries again. */
  release(key: string): Promise<void>;
  /** Builds and delivers the digest of the 7 local days ending `weekEnd` (YYYY-MM-DD). */
  send(weekEnd: string): Promise<{ ok: boolean; error?: string }>;
  /** How often the schedule is checked (default one minute). */
  tickMs?: number;
  /** How long after the slot a late node still sends (default a day). */
  graceMs?: number;
}

export type DigestTick = "not_due" | "already_sent" | "sent" | "failed" | "busy";

export function createDigestScheduler(deps: DigestSchedulerDeps) {
  const graceMs = deps.graceMs ?? DAY_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<DigestTick> | null = null;

  async function check(): Promise<DigestTick> {
    const now = deps.clock.now();
    const slot = lastDigestSlot(now, deps.weekday, deps.hour, deps.timeZone);
    if (now - slot.at >= graceMs) return "not_due";
    const key = `digest_sent:${slot.day}`;
    if (!(await deps.claim(key))) return "already_sent";
    const weekEnd = digestWeekEnd(slot);
    let outcome: { ok: boolean; error?: string };
    try {
      outcome = await deps.send(weekEnd);
    } catch (err) {
      outcome = { ok: false, error: (err as Error).message };
    }
    if (outcome.ok) {
      deps.log.info({ weekEnd }, "weekly digest sent");
      return "sent";
    }
    await deps.release(key).catch(() => {});
    deps.log.warn({ weekEnd, error: outcome.error }, "weekly digest delivery failed; will retry");
    return "failed";
  }

  /** Sends the digest if it is due and nobody has; one check at a time. */
  async function tick(): Promise<DigestTick> {
    if (running) return "busy";
    running = check();
    try {
      return await running;
    } finally {
      running = null;
    }
  }
  const tickLogged = () => void tick().catch((err: Error) => deps.log.error({ err: err.message }, "digest schedule check failed"));

  return {
    tick,
    start(): void {
      if (timer) return;
      timer = setInterval(tickLogged, deps.tickMs ?? 60_000);
      timer.unref();
      tickLogged();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}

export type DigestScheduler = ReturnType<typeof createDigestScheduler>;
