import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES, parseRoutingRules, RulesError, skillForIntent } from "./routing-rules.ts";
import { ESCALATION_INTENTS } from "./intent/index.ts";

function rulesError(input: unknown): RulesError {
  try {
    parseRoutingRules(input, "rules.yaml");
  } catch (err) {
    if (err instanceof RulesError) return err;
    throw err;
  }
  throw new Error("expected RULES_INVALID");
}

describe("parseRoutingRules", () => {
  it("returns the defaults for an empty file", () => {
    expect(parseRoutingRules(null)).toBe(DEFAULT_ROUTING_RULES);
    expect(parseRoutingRules({})).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("merges a partial file over the defaults", () => {
    const rules = parseRoutingRules({
      reasons: { frustration: { threshold: 0.8 } },
      intents: { billing_info: { reason: null, tier: 2 } },
    });
    expect(rules.reasons.frustration).toEqual({ escalate: true, tier: 2, priority: 40, threshold: 0.8 });
    expect(rules.reasons.complaint).toEqual(DEFAULT_ROUTING_RULES.reasons.complaint);
    expect(rules.intents.billing_info).toEqual({ reason: null, tier: 2 });
    expect(rules.intents.complaint).toEqual(DEFAULT_ROUTING_RULES.intents.complaint);
  });

  it("ranks legal questions, frustration and negative sentiment above a plain request for a person by default", () => {
    const p = DEFAULT_ROUTING_RULES.reasons;
    for (const urgent of [p.legal_compliance, p.frustration, p.negative_sentiment]) {
      expect(urgent.priority).toBeGreaterThan(p.human_requested.priority);
    }
    expect(p.legal_compliance.priority).toBeGreaterThan(p.frustration.priority);
  });

  it("keeps the default priorities for a rules file written before priorities existed", () => {
    // A reason written out in full, as in an older copy of the shipped YAML: no priority key anywhere.
    const rules = parseRoutingRules({
      version: 1,
      reasons: {
        legal_compliance: { escalate: true, tier: 2 },
        human_requested: { escalate: true, tier: 1 },
      },
    });
    expect(rules.reasons.legal_compliance).toEqual({ escalate: true, tier: 2, priority: 50 });
    expect(rules.reasons.human_requested.priority).toBe(0);
  });

  it("takes an operator's own priority for a reason", () => {
    expect(
      parseRoutingRules({ reasons: { human_requested: { priority: 35 } } }).reasons.human_requested,
    ).toEqual({
      escalate: true,
      tier: 1,
      priority: 35,
    });
  });

  it("defaults the intent mapping from the intent catalogue", () => {
    for (const [name, e] of Object.entries(ESCALATION_INTENTS))
      expect(DEFAULT_ROUTING_RULES.intents[name]).toEqual({ reason: e.reason, tier: e.tier });
  });

  it("returns frozen rules", () => {
    expect(Object.isFrozen(parseRoutingRules({}).reasons.frustration)).toBe(true);
  });

  it("rejects an unknown reason, naming it and the known ones", () => {
    const err = rulesError({ reasons: { angry_customer: { escalate: true } } });
    expect(err.code).toBe("RULES_INVALID");
    expect(err.message).toContain('unknown reason "angry_customer"');
    expect(err.message).toContain("negative_sentiment");
  });

  it("rejects an unknown reason in an intent mapping", () => {
    expect(rulesError({ intents: { billing_info: { reason: "upset", tier: 1 } } }).message).toMatch(
      /intents\.billing_info\.reason: unknown reason "upset"/,
    );
  });

  it.each([
    [
      { reasons: { frustration: { threshold: 1.5 } } },
      "reasons.frustration.threshold: threshold must be between 0 and 1",
    ],
    [{ reasons: { negative_sentiment: { threshold: 0.4 } } }, "reasons.negative_sentiment.threshold"],
    [{ reasons: { low_confidence: { threshold: "high" } } }, "reasons.low_confidence.threshold"],
    [{ reasons: { unresolved_after_turns: { turns: 0 } } }, "turns must be at least 1"],
    [{ reasons: { unresolved_after_turns: { turns: 2.5 } } }, "turns must be a whole number"],
    [{ reasons: { complaint: { tier: 4 } } }, "tier must be 1, 2 or 3"],
    [{ reasons: { complaint: { escalate: "yes" } } }, "escalate must be true or false"],
    [{ reasons: { vip_customer: { plans: "vip" } } }, "reasons.vip_customer.plans"],
    [
      { reasons: { complaint: { priority: 101 } } },
      "reasons.complaint.priority: priority must be between 0 and 100",
    ],
    [{ reasons: { complaint: { priority: -1 } } }, "priority must be between 0 and 100"],
    [{ reasons: { complaint: { priority: 2.5 } } }, "priority must be a whole number"],
    [{ reasons: { complaint: { priority: "high" } } }, "priority must be a number"],
    [{ reasons: { frustration: { treshold: 0.5 } } }, 'reasons.frustration: unknown key "treshold"'],
    [{ skills: { Billing: ["billing_info"] } }, "a skill is 1 to 40 lower-case characters"],
    [{ skills: { billing: "billing_info" } }, "skills.billing"],
    [
      { skills: { payments: ["billing_info"] } },
      'intent "billing_info" is already listed under skill "billing"; an intent needs one skill',
    ],
    [{ version: 2 }, "version must be 1"],
    [{ colour: "blue" }, 'unknown key "colour"'],
  ])("rejects %j with a clear message", (input, fragment) => {
    const err = rulesError(input);
    expect(err.code).toBe("RULES_INVALID");
    expect(err.message).toContain(fragment);
  });

  it("rejects a top level that is not a mapping", () => {
    expect(rulesError(["a"]).message).toContain("expected a mapping at the top level, got a list");
    expect(rulesError(3).message).toContain("got number");
  });

  it("reports every problem at once", () => {
    const err = rulesError({ reasons: { complaint: { tier: 9 }, frustration: { threshold: -1 } } });
    expect(err.message).toContain("reasons.complaint.tier");
    expect(err.message).toContain("reasons.frustration.threshold");
  });
});

describe("skills", () => {
  it("names the skill each starter intent needs, and none for product questions or small talk", () => {
    expect(skillForIntent("invoice_request", DEFAULT_ROUTING_RULES)).toBe("billing");
    expect(skillForIntent("legal_compliance", DEFAULT_ROUTING_RULES)).toBe("legal");
    expect(skillForIntent("refund_dispute", DEFAULT_ROUTING_RULES)).toBe("refunds");
    expect(skillForIntent("product_faq", DEFAULT_ROUTING_RULES)).toBeNull();
    expect(skillForIntent("greeting", DEFAULT_ROUTING_RULES)).toBeNull();
    expect(skillForIntent(null, DEFAULT_ROUTING_RULES)).toBeNull();
  });

  it("lets an operator add a skill, move intents to it and drop another", () => {
    const rules = parseRoutingRules({ skills: { billing: ["billing_info"], payments: ["payment_methods", "invoice_request"], orders: [] } });
    expect(skillForIntent("billing_info", rules)).toBe("billing");
    expect(skillForIntent("invoice_request", rules)).toBe("payments");
    expect(skillForIntent("order_status", rules)).toBeNull();
    expect(skillForIntent("complaint", rules)).toBe("complaints");
  });
});
