import { describe, expect, it } from "vitest";
import { DEFAULT_SLA_POLICY } from "../sla/index.ts";
import { deriveFacts } from "./facts.ts";
import { ctx, LogBuilder, MIN, S, T0 } from "./fixtures.test-helper.ts";
import { type SlaRecord, slaFactsOf, slaSummary } from "./sla-attainment.ts";

// Tier 1 (the default policy): a person must answer within 5 minutes and pick the conversation up within 3.
const sla = (log: LogBuilder, now: number) => deriveFacts(log.build(), ctx(now))?.sla ?? null;
const escalatedAt = (id: string, tier = 1) => new LogBuilder(id).customer(T0).event("escalated", T0, { tier, reasons: ["human_requested"] });

describe("SLA facts of one conversation", () => {
  it("meets both targets when an agent picks it up and answers in time", () => {
    const log = escalatedAt("ok").event("claimed", T0 + 2 * MIN, { agentId: "alice" }, "agent", "alice").msg("agent", T0 + 4 * MIN);
    expect(sla(log, T0 + 60 * MIN)).toMatchObject({ tier: 1, response: "met", responseMs: 4 * MIN, wait: "met", waitMs: 2 * MIN, stillQueued: false, recheckAt: null });
  });

  it("breaches at the target itself, as the desk's timer does", () => {
    const log = escalatedAt("late").event("assigned", T0 + 3 * MIN, { agentId: "bob" }).msg("agent", T0 + 5 * MIN);
    expect(sla(log, T0 + 60 * MIN)).toMatchObject({ response: "breached", responseMs: 5 * MIN, wait: "breached", waitMs: 3 * MIN });
  });

  it("does not count an internal note as the first response", () => {
    const log = escalatedAt("note").event("claimed", T0 + MIN, { agentId: "alice" }).msg("agent", T0 + 2 * MIN, { internal: true }).msg("agent", T0 + 6 * MIN);
    expect(sla(log, T0 + 60 * MIN)).toMatchObject({ response: "breached", responseMs: 6 * MIN, wait: "met" });
  });

  it("keeps a conversation still waiting pending until its deadline, then counts it breached", () => {
    const log = escalatedAt("waiting");
    expect(sla(log, T0 + 2 * MIN)).toMatchObject({ response: "pending", wait: "pending", waitMs: null, stillQueued: true, recheckAt: T0 + 3 * MIN });
    // The wait deadline passed: the response timer still runs and tells the refresher when to look again.
    expect(sla(log, T0 + 4 * MIN)).toMatchObject({ response: "pending", wait: "breached", stillQueued: true, recheckAt: T0 + 5 * MIN });
    expect(sla(log, T0 + 6 * MIN)).toMatchObject({ response: "breached", wait: "breached", waitMs: null, stillQueued: true, recheckAt: null });
    expect(deriveFacts(log.build(), ctx(T0 + 2 * MIN))?.recheckAt).toBe(T0 + 3 * MIN);
  });

  it("counts a customer leaving the queue before the target as neither met nor breached, and after it as breached", () => {
    const early = escalatedAt("gave-up-early").event("resolved", T0 + 2 * MIN, { resolvedBy: "human", assigneeId: null }, "customer");
    expect(sla(early, T0 + 60 * MIN)).toMatchObject({ response: "withdrawn", wait: "withdrawn", waitMs: 2 * MIN, stillQueued: false });
    const late = escalatedAt("gave-up-late").event("resolved", T0 + 10 * MIN, { resolvedBy: "human", assigneeId: null }, "customer");
    expect(sla(late, T0 + 60 * MIN)).toMatchObject({ response: "breached", wait: "breached", waitMs: 10 * MIN });
  });

  it("ends the episode at a hand-back: a reply after the AI took over again is not this escalation's answer", () => {
    const log = escalatedAt("handed")
      .event("claimed", T0 + MIN, { agentId: "alice" })
      .event("handed_back", T0 + 2 * MIN, {}, "agent", "alice")
      .event("escalated", T0 + 30 * MIN, { tier: 1, reasons: ["human_requested"] })
      .msg("agent", T0 + 31 * MIN);
    expect(sla(log, T0 + 60 * MIN)).toMatchObject({ response: "withdrawn", responseMs: null, wait: "met", waitMs: MIN });
  });

  it("uses the escalation's tier for its targets", () => {
    // Tier 3: 30 minutes to answer, 20 to pick up.
    const log = escalatedAt("t3", 3).event("claimed", T0 + 15 * MIN, { agentId: "alice" }).msg("agent", T0 + 25 * MIN);
    expect(sla(log, T0 + 60 * MIN)).toMatchObject({ tier: 3, targets: DEFAULT_SLA_POLICY.tiers[3], response: "met", wait: "met" });
  });

  it("runs no SLA clock for a conversation an agent took straight from the AI, nor for one never escalated", () => {
    const takeover = new LogBuilder("takeover").customer(T0).msg("ai", T0 + S).event("claimed", T0 + MIN, { agentId: "alice" }).msg("agent", T0 + 20 * MIN);
    expect(sla(takeover, T0 + 60 * MIN)).toBeNull();
    expect(sla(new LogBuilder("ai").customer(T0).msg("ai", T0 + S), T0 + 60 * MIN)).toBeNull();
    const claimed = { type: "claimed", at: T0, actorKind: "agent", actorId: "a", data: {} };
    expect(slaFactsOf(claimed, [claimed], [], T0)).toBeNull();
  });
});

describe("SLA summary", () => {
  const r = (tier: 1 | 2 | 3, response: SlaRecord["response"], wait: SlaRecord["wait"], waitMs: number | null): SlaRecord => ({ tier, response, wait, waitMs, stillQueued: waitMs === null });

  it("computes attainment over decided timers and nearest-rank queue-wait percentiles, overall and per tier", () => {
    const s = slaSummary([
      r(1, "met", "met", 1 * MIN),
      r(1, "met", "met", 2 * MIN),
      r(1, "breached", "breached", 4 * MIN),
      r(1, "pending", "pending", null), // still queued: not in the percentiles, not in attainment
      r(2, "met", "met", 8 * MIN),
      r(2, "withdrawn", "withdrawn", 3 * MIN),
    ]);
    expect(s.all).toMatchObject({
      escalations: 6, responseMet: 3, responseBreached: 1, responsePending: 1, responseWithdrawn: 1, responseAttainment: 3 / 4,
      waitMet: 3, waitBreached: 1, waitAttainment: 3 / 4, breachedConversations: 1, stillQueued: 1, waitMeasured: 5,
      // Waits 1, 2, 3, 4, 8 min: the median is the 3rd (ceil(0.5 × 5)), p90 the 5th (ceil(0.9 × 5)).
      waitP50Ms: 3 * MIN, waitP90Ms: 8 * MIN,
    });
    const [t1, t2, t3] = s.tiers;
    // Tier 1 waits 1, 2, 4: median the 2nd, p90 the 3rd.
    expect(t1).toMatchObject({ tier: 1, targets: DEFAULT_SLA_POLICY.tiers[1], escalations: 4, responseAttainment: 2 / 3, waitP50Ms: 2 * MIN, waitP90Ms: 4 * MIN });
    // Tier 2 waits 3, 8: median the 1st (ceil(0.5 × 2)), p90 the 2nd.
    expect(t2).toMatchObject({ tier: 2, escalations: 2, responseAttainment: 1, waitP50Ms: 3 * MIN, waitP90Ms: 8 * MIN });
    expect(t3).toMatchObject({ tier: 3, escalations: 0, responseAttainment: null, waitP50Ms: null, waitP90Ms: null });
  });
});
