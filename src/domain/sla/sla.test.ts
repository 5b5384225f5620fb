import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SLA_POLICY,
  evaluateSla,
  nextSlaDeadline,
  type SlaEvent,
  type SlaTimestamps,
  slaDueWindows,
  slaEventsBetween,
  slaInputFor,
  slaPolicySchema,
} from "./sla.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 4, 12, 0);
const targets = { firstResponseMs: 10 * MIN, waitingMs: 5 * MIN };

/** A controllable clock: tests move time explicitly instead of sleeping. */
function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const queued = (over: Partial<SlaTimestamps> = {}): SlaTimestamps => ({
  queuedAt: T0,
  assignedAt: null,
  firstHumanResponseAt: null,
  resolvedAt: null,
  ...over,
});

describe("evaluateSla", () => {
  it("goes ok → warning at 80% → breached at the target as the clock moves", () => {
    const c = clock(T0);
    const waiting = () => evaluateSla(queued(), targets, c.now()).timers.find((t) => t.metric === "waiting");
    expect(waiting()).toMatchObject({ status: "ok", remainingMs: 5 * MIN, running: true });
    c.advance(4 * MIN - 1);
    expect(waiting()?.status).toBe("ok");
    c.advance(1);
    expect(waiting()).toMatchObject({ status: "warning", remainingMs: MIN });
    c.advance(MIN);
    expect(waiting()).toMatchObject({ status: "breached", remainingMs: 0 });
    c.advance(MIN);
    expect(waiting()).toMatchObject({ status: "breached", remainingMs: -MIN, elapsedMs: 6 * MIN });
  });

  it("stops the waiting clock at assignment and the first-response clock at the first human reply", () => {
    const ts = queued({ assignedAt: T0 + 2 * MIN, firstHumanResponseAt: T0 + 12 * MIN });
    const e = evaluateSla(ts, targets, T0 + 60 * MIN);
    expect(e.timers).toEqual([
      expect.objectContaining({
        metric: "first_response",
        running: false,
        status: "breached",
        elapsedMs: 12 * MIN,
      }),
      expect.objectContaining({ metric: "waiting", running: false, status: "ok", elapsedMs: 2 * MIN }),
    ]);
    expect(e.status).toBe("breached");
  });

  it("reports the worst status across timers and ok when nothing is queued", () => {
    expect(evaluateSla(queued(), targets, T0 + 4.5 * MIN).status).toBe("warning");
    expect(evaluateSla(queued({ queuedAt: null }), targets, T0)).toEqual({ status: "ok", timers: [] });
  });

  it("keeps first response on the first escalation when the conversation is requeued", () => {
    const ts = queued({ escalatedAt: T0 - 20 * MIN, assignedAt: T0 - 15 * MIN });
    const e = evaluateSla(ts, targets, T0 + MIN);
    expect(e.timers.find((t) => t.metric === "first_response")?.status).toBe("breached");
    // The assignment belongs to an earlier stint: the current waiting clock still runs.
    expect(e.timers.find((t) => t.metric === "waiting")).toMatchObject({ running: true, elapsedMs: MIN });
  });

  it("warns at a configured fraction", () => {
    expect(evaluateSla(queued(), targets, T0 + 2.5 * MIN, 0.5).timers[1]?.status).toBe("warning");
    expect(evaluateSla(queued(), targets, T0 + 2.5 * MIN, 0.9).timers[1]?.status).toBe("ok");
  });
});

describe("scheduling", () => {
  it("tells the scheduler the next warning or breach instant of a running timer", () => {
    expect(nextSlaDeadline(queued(), targets, T0)).toEqual({
      metric: "waiting",
      kind: "warning",
      at: T0 + 4 * MIN,
    });
    expect(nextSlaDeadline(queued(), targets, T0 + 4 * MIN)).toEqual({
      metric: "waiting",
      kind: "breached",
      at: T0 + 5 * MIN,
    });
    expect(nextSlaDeadline(queued({ assignedAt: T0 + MIN }), targets, T0 + MIN)).toEqual({
      metric: "first_response",
      kind: "warning",
      at: T0 + 8 * MIN,
    });
    expect(
      nextSlaDeadline(queued({ assignedAt: T0, firstHumanResponseAt: T0 + MIN }), targets, T0 + MIN),
    ).toBe(null);
  });

  it("emits every warning and breach exactly once however irregularly the scheduler wakes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 * MIN }), { minLength: 1, maxLength: 40 }),
        fc.option(fc.integer({ min: 0, max: 20 * MIN }), { nil: null }),
        (steps, assignAfter) => {
          const ts = queued({ assignedAt: assignAfter === null ? null : T0 + assignAfter });
          const c = clock(T0);
          let last = T0;
          const seen: SlaEvent[] = [];
          for (const s of steps) {
            c.advance(s);
            seen.push(...slaEventsBetween(ts, targets, last, c.now()));
            last = c.now();
          }
          const all = slaEventsBetween(ts, targets, T0, c.now());
          expect(seen).toEqual(all);
          expect(new Set(seen.map((e) => `${e.metric}:${e.kind}`)).size).toBe(seen.length);
          // No waiting-clock event after the assignment stopped it.
          if (assignAfter !== null) {
            for (const e of seen)
              if (e.metric === "waiting") expect(e.at).toBeLessThanOrEqual(T0 + assignAfter);
          }
        },
      ),
    );
  });
});

describe("due windows", () => {
  const policy = DEFAULT_SLA_POLICY;
  const inWindows = (queuedAt: number, from: number, to: number) =>
    slaDueWindows(policy, from, to).some((w) => queuedAt > w.after && queuedAt <= w.upTo);

  it("covers every conversation with a warning or breach falling due in the checked interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * MIN }),
        fc.integer({ min: 1, max: 10 * MIN }),
        fc.constantFrom(1, 2, 3),
        fc.option(fc.integer({ min: 0, max: 40 * MIN }), { nil: null }),
        (queuedAgo, interval, tier, assignAfter) => {
          const to = T0 + 60 * MIN;
          const from = to - interval;
          const queuedAt = to - queuedAgo;
          const ts = queued({ queuedAt, assignedAt: assignAfter === null ? null : queuedAt + assignAfter });
          const events = slaEventsBetween(ts, policy.tiers[tier as 1 | 2 | 3], from, to, policy.warnAtFraction);
          if (events.length > 0) expect(inWindows(queuedAt, from, to)).toBe(true);
        },
      ),
    );
  });

  it("leaves out what has nothing due: a fresh escalation and one long past every deadline", () => {
    const to = T0 + 60 * MIN;
    const from = to - 1000;
    expect(inWindows(to - 5000, from, to)).toBe(false);
    expect(inWindows(to - 45 * MIN, from, to)).toBe(false);
    expect(inWindows(to - 3 * MIN - 500, from, to)).toBe(true); // tier 1 waiting deadline fell inside the checked second
  });

  it("merges overlapping windows so a long gap between checks reads each conversation once", () => {
    const windows = slaDueWindows(policy, T0, T0 + 60 * MIN);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toEqual({ after: T0 - 30 * MIN, upTo: T0 + 60 * MIN - Math.floor(3 * MIN * 0.8) });
  });
});

describe("configuration", () => {
  it("reads a stored conversation's ISO timestamps and its tier's targets", () => {
    const input = slaInputFor({
      tier: 2,
      queuedAt: new Date(T0).toISOString(),
      assignedAt: null,
      firstHumanResponseAt: null,
      resolvedAt: null,
    });
    expect(input.targets).toEqual(DEFAULT_SLA_POLICY.tiers[2]);
    expect(input.timestamps.queuedAt).toBe(T0);
  });

  it("rejects a policy whose warning fraction is not between 0 and 1", () => {
    expect(slaPolicySchema.safeParse(DEFAULT_SLA_POLICY).success).toBe(true);
    expect(slaPolicySchema.safeParse({ ...DEFAULT_SLA_POLICY, warnAtFraction: 1.2 }).success).toBe(false);
  });
});
