import { describe, expect, it } from "vitest";
import {
  countUnresolvedAiTurns,
  decideRoute,
  escalationPriority,
  isVip,
  type RoutingSignals,
  vipBasis,
} from "./routing.ts";
import { DEFAULT_ROUTING_RULES, parseRoutingRules } from "./routing-rules.ts";
import { REASON_CODES, type ReasonCode } from "./types.ts";

const calm: RoutingSignals = {
  sentiment: 0,
  frustration: 0,
  frustrationTrend: 0,
  frustrationTurns: 1,
  humanRequested: false,
  intent: "order_status",
  confidence: 0.9,
  outOfScope: false,
  hasText: true,
  aiTurnsUnresolved: 0,
  customerAttributes: undefined,
};
const decide = (over: Partial<RoutingSignals>, rules = DEFAULT_ROUTING_RULES) =>
  decideRoute({ ...calm, ...over }, rules);

// One scenario per reason code; the test below checks that the list covers every code.
const scenarios: Record<ReasonCode, Partial<RoutingSignals>> = {
  negative_sentiment: { sentiment: -0.8 },
  frustration: { frustration: 0.7 },
  human_requested: { humanRequested: true },
  complaint: { intent: "complaint" },
  legal_compliance: { intent: "legal_compliance" },
  judgment_call: { intent: "refund_dispute" },
  out_of_scope: { outOfScope: true, intent: "out_of_scope", confidence: 0.2 },
  low_confidence: { confidence: 0.1 },
  unresolved_after_turns: { aiTurnsUnresolved: 3 },
  vip_customer: { customerAttributes: { lifetimeValue: 25000 } },
  predicted_frustration: { frustration: 0.4, frustrationTrend: 0.15, frustrationTurns: 3 },
};

describe("decideRoute", () => {
  it("keeps a calm, confident routine question with the AI at tier 1", () => {
    expect(decide({})).toEqual({ route: "ai", reasons: [], tier: 1 });
  });

  it("has a scenario for every reason code", () => {
    expect(Object.keys(scenarios).sort()).toEqual([...REASON_CODES].sort());
  });

  it.each(Object.entries(scenarios))("escalates with reason %s", (code, signals) => {
    const d = decide(signals);
    expect(d.reasons).toContain(code);
    expect(d.route).toBe("human");
  });

  it("maps reasons to tiers: legal 3, complaint and refunds 2, a plain request for a person 1", () => {
    expect(decide({ intent: "legal_compliance" }).tier).toBe(3);
    expect(decide({ intent: "complaint" }).tier).toBe(2);
    expect(decide({ intent: "refund_dispute" }).tier).toBe(2);
    expect(decide({ intent: "complex_problem" }).tier).toBe(2);
    expect(decide({ humanRequested: true }).tier).toBe(1);
  });

  it("takes the highest tier among the escalating reasons", () => {
    expect(decide({ humanRequested: true, intent: "legal_compliance" })).toMatchObject({
      tier: 3,
      reasons: ["human_requested", "legal_compliance"],
    });
  });

  it("raises a VIP's complaint to tier 3, an executive complaint", () => {
    expect(decide({ intent: "complaint", customerAttributes: { plan: "Enterprise" } })).toMatchObject({
      route: "human",
      tier: 3,
    });
  });

  it("reports a non-escalating reason without sending the conversation to a person", () => {
    const rules = parseRoutingRules({ reasons: { vip_customer: { escalate: false } } });
    expect(decide({ customerAttributes: { vip: true } }, rules)).toEqual({
      route: "ai",
      reasons: ["vip_customer"],
      tier: 1,
    });
  });

  it("does not predict frustration once frustration itself fired, or with too few turns", () => {
    expect(decide({ frustration: 0.8, frustrationTrend: 0.3, frustrationTurns: 4 }).reasons).toEqual([
      "frustration",
    ]);
    expect(decide({ frustration: 0.4, frustrationTrend: 0.3, frustrationTurns: 2 }).reasons).toEqual([]);
  });

  it("reports out of scope rather than low confidence when the model disowns the message", () => {
    expect(decide({ outOfScope: true, confidence: 0.1 }).reasons).toEqual(["out_of_scope"]);
  });

  it("ignores intent-based reasons when the message has no words", () => {
    expect(decide({ hasText: false, intent: "none", confidence: 0 })).toEqual({
      route: "ai",
      reasons: [],
      tier: 1,
    });
  });

  it("does not fire an escalation intent the model marks out of scope", () => {
    expect(decide({ intent: "complaint", outOfScope: true }).reasons).toEqual(["out_of_scope"]);
  });

  it("honours intent mappings for an operator's own labels", () => {
    const rules = parseRoutingRules({
      intents: { contact_human_agent: { reason: "human_requested", tier: 1 } },
    });
    expect(decide({ intent: "contact_human_agent" }, rules)).toMatchObject({
      route: "human",
      reasons: ["human_requested"],
    });
  });

  it("escalates after the configured number of unresolved AI turns", () => {
    const rules = parseRoutingRules({ reasons: { unresolved_after_turns: { turns: 5 } } });
    expect(decide({ aiTurnsUnresolved: 4 }, rules).route).toBe("ai");
    expect(decide({ aiTurnsUnresolved: 5 }, rules).reasons).toEqual(["unresolved_after_turns"]);
  });
});

describe("isVip", () => {
  it("recognises lifetime value (number or numeric string), plan and an explicit flag", () => {
    expect(isVip({ lifetimeValue: 10000 }, 10000, [])).toBe(true);
    expect(isVip({ lifetimeValue: "12000" }, 10000, [])).toBe(true);
    expect(isVip({ lifetimeValue: 9999 }, 10000, [])).toBe(false);
    expect(isVip({ lifetimeValue: "lots" }, 10000, [])).toBe(false);
    expect(isVip({ plan: " VIP " }, null, ["vip"])).toBe(true);
    expect(isVip({ vip: true }, null, [])).toBe(true);
    expect(isVip(undefined, 0, ["vip"])).toBe(false);
  });
});

describe("vipBasis", () => {
  it("says what makes a customer a VIP: the flag first, then lifetime value, then plan", () => {
    expect(vipBasis({ vip: true, plan: "enterprise" }, 10000, ["enterprise"])).toEqual({ by: "flag" });
    expect(vipBasis({ lifetimeValue: "12000" }, 10000, [])).toEqual({
      by: "lifetime_value",
      value: 12000,
      threshold: 10000,
    });
    expect(vipBasis({ plan: " Enterprise " }, 10000, ["enterprise"])).toEqual({
      by: "plan",
      plan: "Enterprise",
    });
    expect(vipBasis({ plan: "free", lifetimeValue: 5 }, 10000, ["enterprise"])).toBeNull();
    expect(vipBasis(null, 0, ["vip"])).toBeNull();
  });
});

describe("escalationPriority", () => {
  const rules = DEFAULT_ROUTING_RULES;

  it("serves a legal question before a plain request for a person", () => {
    const legal = escalationPriority(["legal_compliance"], {}, rules);
    const plain = escalationPriority(["human_requested"], {}, rules);
    expect(legal.priority).toBeGreaterThan(plain.priority);
    expect(plain).toEqual({ priority: 0, factors: [], explanation: "no reason raises it: 0" });
  });

  it("takes the most urgent reason rather than adding overlapping ones up, and names it", () => {
    const p = escalationPriority(["human_requested", "frustration", "negative_sentiment"], undefined, rules);
    expect(p.priority).toBe(rules.reasons.frustration.priority);
    expect(p.factors).toEqual([{ kind: "reason", code: "frustration", priority: 40 }]);
    expect(p.explanation).toBe("frustration 40");
  });

  it("adds the VIP boost to whatever is wrong, and says what makes the customer a VIP", () => {
    const p = escalationPriority(["legal_compliance"], { plan: "enterprise" }, rules);
    expect(p.priority).toBe(50 + 20);
    expect(p.factors).toEqual([
      { kind: "reason", code: "legal_compliance", priority: 50 },
      { kind: "vip_customer", code: "vip_customer", priority: 20, detail: "plan enterprise" },
    ]);
    expect(p.explanation).toBe("legal_compliance 50 + VIP customer (plan enterprise) 20 = 70");
    expect(escalationPriority(["ai_error"], { vip: true }, rules).explanation).toBe(
      "VIP customer (vip: true) 20",
    );
  });

  it("keeps routing's VIP verdict when the customer's attributes no longer say so", () => {
    expect(escalationPriority(["human_requested", "vip_customer"], {}, rules).factors).toEqual([
      { kind: "vip_customer", code: "vip_customer", priority: 20, detail: "judged by routing" },
    ]);
  });

  it("counts reasons the rules do not list (the AI failing, a release) as 0", () => {
    expect(escalationPriority(["ai_error", "action_failed", "agent_released"], {}, rules).priority).toBe(0);
  });

  it("follows an operator's priorities, including switching the VIP boost off", () => {
    const custom = parseRoutingRules({
      reasons: { human_requested: { priority: 60 }, vip_customer: { priority: 0 } },
    });
    expect(escalationPriority(["human_requested", "legal_compliance"], { vip: true }, custom)).toMatchObject({
      priority: 60,
      factors: [{ kind: "reason", code: "human_requested", priority: 60 }],
    });
  });
});

describe("countUnresolvedAiTurns", () => {
  it("counts AI turns since a person last spoke", () => {
    expect(countUnresolvedAiTurns(undefined)).toBe(0);
    expect(
      countUnresolvedAiTurns([
        { role: "ai", text: "a" },
        { role: "agent", text: "b" },
        { role: "customer", text: "c" },
        { role: "ai", text: "d" },
        { role: "customer", text: "e" },
        { role: "ai", text: "f" },
      ]),
    ).toBe(2);
  });
});

describe("routing while the AI awaits an answer", () => {
  const base = {
    sentiment: 0,
    frustration: 0,
    frustrationTrend: 0,
    frustrationTurns: 1,
    humanRequested: false,
    intent: "greeting",
    confidence: 0.1,
    outOfScope: true,
    hasText: true,
    aiTurnsUnresolved: 0,
    customerAttributes: undefined,
  };
  it("does not escalate a short reply the model cannot place when the AI asked a question", () => {
    const d = decideRoute({ ...base, expectingReply: true }, DEFAULT_ROUTING_RULES);
    expect(d.route).toBe("ai");
    expect(d.reasons).toContain("out_of_scope"); // still reported
  });
  it("leaves out-of-scope messages to the knowledge base's answerability check when there is one", () => {
    expect(decideRoute({ ...base, answererAvailable: true }, DEFAULT_ROUTING_RULES).route).toBe("ai");
    expect(
      decideRoute(
        { ...base, answererAvailable: true, intent: "complaint", outOfScope: false, confidence: 0.9 },
        DEFAULT_ROUTING_RULES,
      ).route,
    ).toBe("human");
  });
  it("still escalates the same message when nothing was asked", () => {
    expect(decideRoute({ ...base, expectingReply: false }, DEFAULT_ROUTING_RULES).reasons).toContain(
      "out_of_scope",
    );
  });
  it("still escalates a request for a person while a question is pending", () => {
    expect(
      decideRoute({ ...base, expectingReply: true, humanRequested: true }, DEFAULT_ROUTING_RULES).route,
    ).toBe("human");
  });
});
