// Unit tests of the raise a later customer message calls for while people have the conversation: only up, the
// queue's tier moves but a held conversation's tier stays its agent's, and nothing for what is already counted.

import { describe, expect, it } from "vitest";
import type { Conversation, TriageResult } from "../model.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRules } from "../triage/routing-rules.ts";
import { reprioritise } from "./reprioritise.ts";

type State = Pick<Conversation, "status" | "assigneeId" | "tier" | "reasons" | "priority">;
type Verdict = Pick<TriageResult, "route" | "reasons" | "tier">;

/** The brief's example: uncertainty counted 10, as an operator may set it. */
const RULES: RoutingRules = {
  ...DEFAULT_ROUTING_RULES,
  reasons: { ...DEFAULT_ROUTING_RULES.reasons, low_confidence: { ...DEFAULT_ROUTING_RULES.reasons.low_confidence, priority: 10 } },
};

const QUEUED: State = { status: "waiting_human", assigneeId: null, tier: 1, reasons: ["low_confidence"], priority: 10 };
const HELD: State = { ...QUEUED, status: "human", assigneeId: "agent-a" };
/** "This is ridiculous, I'm contacting my lawyer." */
const LAWYER: Verdict = { route: "human", reasons: ["legal_compliance", "frustration", "negative_sentiment", "low_confidence"], tier: 3 };
const CALM: Verdict = { route: "ai", reasons: [], tier: 1 };

describe("reprioritise", () => {
  it("raises a queued conversation's priority, merges the reasons and moves it up to the judged tier", () => {
    const r = reprioritise(QUEUED, LAWYER, {}, RULES);
    expect(r).toMatchObject({
      priority: { from: 10, to: 50, breakdown: { priority: 50, explanation: "legal_compliance 50" } },
      tier: { from: 1, to: 3, judged: 3 },
      reasons: ["low_confidence", "legal_compliance", "frustration", "negative_sentiment"],
      added: ["legal_compliance", "frustration", "negative_sentiment"],
      held: false,
      tierRaiseSuggested: false,
      agentNote: null, // nobody holds it: the queue's order is the signal
    });
  });

  it("asks a queued conversation moved up a tier for the new message's skill, and leaves a held one's alone", () => {
    const lawyer = { ...LAWYER, intent: "legal_compliance" };
    expect(reprioritise({ ...QUEUED, skill: "orders" }, lawyer, {}, RULES)?.skill).toEqual({ from: "orders", to: "legal" });
    expect(reprioritise({ ...HELD, skill: "orders" }, lawyer, {}, RULES)?.skill).toEqual({ from: "orders", to: "orders" });
    // An intent with no skill keeps the one the conversation had.
    expect(reprioritise({ ...QUEUED, skill: "orders" }, { ...LAWYER, intent: "greeting" }, {}, RULES)?.skill).toEqual({ from: "orders", to: "orders" });
  });

  it("raises a held conversation's priority but leaves its tier to the agent, and tells them", () => {
    const r = reprioritise(HELD, LAWYER, {}, RULES);
    expect(r).toMatchObject({ priority: { from: 10, to: 50 }, tier: { from: 1, to: 1, judged: 3 }, held: true, tierRaiseSuggested: true });
    expect(r?.agentNote).toBe(
      "Priority raised from 10 to 50 (legal_compliance 50) after the customer's latest message. " +
        "New reasons: legal_compliance, frustration, negative_sentiment. " +
        "Triage judges it tier 3; it stays tier 1 with you: transfer it if it needs tier 3.",
    );
  });

  it("does nothing for a calm follow-up", () => {
    expect(reprioritise(QUEUED, CALM, {}, RULES)).toBeNull();
    expect(reprioritise(HELD, { route: "ai", reasons: ["low_confidence"], tier: 1 }, {}, RULES)).toBeNull();
  });

  it("does nothing when the message only says the AI would not cope: people already have it", () => {
    const aiLimits: Verdict = { route: "human", reasons: ["out_of_scope", "unresolved_after_turns"], tier: 1 };
    expect(reprioritise({ ...QUEUED, reasons: ["human_requested"], priority: 0 }, aiLimits, {}, RULES)).toBeNull();
  });

  it("does nothing when everything the message fired is already counted", () => {
    const angry: State = { ...QUEUED, tier: 2, reasons: ["frustration", "negative_sentiment"], priority: 40 };
    expect(reprioritise(angry, { route: "human", reasons: ["frustration"], tier: 2 }, {}, RULES)).toBeNull();
  });

  it("never lowers the priority, even when the merged reasons now add up to less", () => {
    // Escalated when the customer was a VIP (50 + 20); the lookup since says they are not.
    const was: State = { ...QUEUED, tier: 3, reasons: ["legal_compliance"], priority: 70 };
    const r = reprioritise(was, { route: "human", reasons: ["complaint"], tier: 2 }, { plan: "basic" }, RULES);
    expect(r).toMatchObject({ priority: { from: 70, to: 70, breakdown: null }, tier: { from: 3, to: 3 }, added: ["complaint"] });
  });

  it("never moves a queued conversation down a tier", () => {
    const tier3: State = { ...QUEUED, tier: 3, reasons: ["legal_compliance"], priority: 50 };
    const r = reprioritise(tier3, { route: "human", reasons: ["frustration"], tier: 2 }, {}, RULES);
    expect(r).toMatchObject({ priority: { from: 50, to: 50 }, tier: { from: 3, to: 3 }, added: ["frustration"] });
  });

  it("adds the VIP boost the customer's attributes call for to the new priority", () => {
    const r = reprioritise(QUEUED, { route: "human", reasons: ["complaint"], tier: 2 }, { plan: "Enterprise" }, RULES);
    expect(r?.priority).toMatchObject({ from: 10, to: 50 });
    expect(r?.priority.breakdown?.explanation).toBe("complaint 30 + VIP customer (plan Enterprise) 20 = 50");
  });

  it("merges only reasons the operator's rules escalate on", () => {
    const quiet: RoutingRules = {
      ...RULES,
      reasons: { ...RULES.reasons, negative_sentiment: { ...RULES.reasons.negative_sentiment, escalate: false } },
    };
    const r = reprioritise(QUEUED, { route: "human", reasons: ["frustration", "negative_sentiment"], tier: 2 }, {}, quiet);
    expect(r?.added).toEqual(["frustration"]);
  });

  it("flags a held conversation only when there is something for its agent to act on", () => {
    // A new reason that raises nothing (a plain request for a person) is recorded but not put to the agent.
    const r = reprioritise(HELD, { route: "human", reasons: ["human_requested"], tier: 1 }, {}, RULES);
    expect(r).toMatchObject({ priority: { from: 10, to: 10 }, added: ["human_requested"], agentNote: null });
  });

  it.each(["ai", "resolved"] as const)("leaves a conversation in %s alone: escalation is another path", (status) => {
    expect(reprioritise({ ...QUEUED, status }, LAWYER, {}, RULES)).toBeNull();
  });
});
