// The routing policy as data: which signals send a conversation to a person, at which tier. Operators override
// it with a JSON or YAML file; this module validates such a file and merges it over the defaults.
import { z } from "zod";
import { ESCALATION_INTENTS } from "./intent/index.ts";
import { REASON_CODES, type ReasonCode, type Tier } from "./types.ts";

export type RulesErrorCode = "RULES_INVALID";

export class RulesError extends Error {
  readonly code: RulesErrorCode;

  constructor(code: RulesErrorCode, message: string) {
    super(message);
    this.name = "RulesError";
    this.code = code;
  }
}

const tier = z.union([z.literal(1), z.literal(2), z.literal(3)], { error: "tier must be 1, 2 or 3" });
const unit = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} must be between 0 and 1`)
    .max(1, `${what} must be between 0 and 1`);
/**
 * How urgently a person should pick the conversation up once it waits in its tier's queue: higher first, then the
 * oldest. Integers, so operators can reason about ties; 100 leaves room above the defaults without inviting an
 * arms race of ever larger numbers. Rules files written before priorities existed keep the defaults (merge below).
 */
export const MAX_PRIORITY = 100;
const priority = z
  .number({ error: "priority must be a number" })
  .int("priority must be a whole number")
  .min(0, `priority must be between 0 and ${MAX_PRIORITY}`)
  .max(MAX_PRIORITY, `priority must be between 0 and ${MAX_PRIORITY}`);
const base = { escalate: z.boolean({ error: "escalate must be true or false" }), tier, priority };

const reasonSchemas = {
  /** Fires when sentiment <= threshold. */
  negative_sentiment: z.strictObject({
    ...base,
    threshold: z
      .number()
      .min(-1, "threshold must be between -1 and 0")
      .max(0, "threshold must be between -1 and 0"),
  }),
  /** Fires when frustration >= threshold. */
  frustration: z.strictObject({
    ...base,
    threshold: unit("threshold").refine((x) => x > 0, "threshold must be above 0"),
  }),
  human_requested: z.strictObject(base),
  complaint: z.strictObject(base),
  legal_compliance: z.strictObject(base),
  judgment_call: z.strictObject(base),
  out_of_scope: z.strictObject(base),
  /** Fires when the intent's calibrated confidence is below threshold (and the message is not out of scope). */
  low_confidence: z.strictObject({ ...base, threshold: unit("threshold") }),
  /** Fires once the AI has answered `turns` times without the customer confirming resolution. */
  unresolved_after_turns: z.strictObject({
    ...base,
    turns: z.number().int("turns must be a whole number").min(1, "turns must be at least 1").max(100),
  }),
  /**
   * Fires for customers whose lifetime value reaches `lifetimeValue`, or whose plan is listed (case-insensitive).
   * Its `priority` is added to any escalation of such a customer (who they are), on top of the highest priority
   * among the escalation's reasons (what is wrong).
   */
  vip_customer: z.strictObject({
    ...base,
    lifetimeValue: z.number().min(0, "lifetimeValue must be 0 or more").nullable(),
    plans: z.array(z.string().min(1)).max(100),
    /** Tiers added to an escalation from a VIP ("executive complaint": complaint tier 2 + 1 = 3). */
    tierBoost: z.number().int().min(0).max(2),
  }),
  /** Fires when frustration has risen by at least `slope` per turn over >= minTurns turns and is at least minLevel. */
  predicted_frustration: z.strictObject({
    ...base,
    slope: unit("slope").refine((x) => x > 0, "slope must be above 0"),
    minTurns: z.number().int().min(3, "minTurns must be at least 3").max(20),
    minLevel: unit("minLevel"),
  }),
} satisfies Record<ReasonCode, z.ZodType>;

const intentRule = z.strictObject({
  /** Reason recorded when this intent is predicted; null for routine intents that only set a tier. */
  reason: z
    .enum(REASON_CODES, {
      error: (i) => `unknown reason ${JSON.stringify(i.input)} (known: ${REASON_CODES.join(", ")})`,
    })
    .nullable(),
  tier,
});

/** A skill as agents' profiles spell it once normalised (trimmed, lower case), so rules and agents meet. */
export const MAX_SKILL_LENGTH = 40;
const isSkillName = (k: string) => k.length >= 1 && k.length <= MAX_SKILL_LENGTH && k === k.trim().toLowerCase();

const skills = z
  .record(z.string(), z.array(z.string().min(1, "an intent label must not be empty")))
  .superRefine((map, ctx) => {
    for (const skill of Object.keys(map))
      if (!isSkillName(skill))
        ctx.addIssue({
          code: "custom",
          path: [skill],
          message: `a skill is 1 to ${MAX_SKILL_LENGTH} lower-case characters with no surrounding spaces`,
        });
    const owner = new Map<string, string>();
    for (const [skill, intents] of Object.entries(map)) {
      for (const intent of intents) {
        const prior = owner.get(intent);
        if (prior !== undefined && prior !== skill)
          ctx.addIssue({
            code: "custom",
            path: [skill],
            message: `intent ${JSON.stringify(intent)} is already listed under skill ${JSON.stringify(prior)}; an intent needs one skill`,
          });
        owner.set(intent, skill);
      }
    }
  });

export const routingRulesSchema = z.strictObject({
  version: z.literal(1, { error: "version must be 1" }),
  reasons: z.strictObject(reasonSchemas),
  /** Intent label -> reason and tier. Labels of an operator's own model go here too. */
  intents: z.record(z.string().min(1), intentRule),
  /**
   * Skill -> the intents that need it. An escalated conversation asks for the skill of the intent that escalated it,
   * and assignment offers it to agents with that skill first (see the assignment index for when it stops waiting
   * for one). An intent listed nowhere needs no skill.
   */
  skills,
  /** Tier of a message no rule says anything about. */
  defaultTier: tier,
});

export type RoutingRules = z.infer<typeof routingRulesSchema>;
export type IntentRule = z.infer<typeof intentRule>;

function defaultIntents(): Record<string, IntentRule> {
  const intents: Record<string, IntentRule> = {};
  for (const [name, e] of Object.entries(ESCALATION_INTENTS))
    intents[name] = { reason: e.reason, tier: e.tier as Tier };
  return intents;
}

/**
 * The defaults from the product brief. config/routing-rules.default.yaml states the same values for operators to
 * copy (a test keeps the two equal once merged: a key the file leaves out, like the priorities in files written
 * before they existed, keeps its default). Thresholds were set by reading the cues, not fitted to an evaluation set.
 */
export const DEFAULT_ROUTING_RULES: RoutingRules = deepFreeze({
  version: 1,
  // Priorities: legal exposure first, then an angry customer (frustration, then a complaint or very negative
  // sentiment, then frustration still rising), then cases needing judgment or where the AI went round in circles;
  // a plain request for a person, and the model's uncertainty, wait their turn. A VIP adds 20 to any of them.
  reasons: {
    negative_sentiment: { escalate: true, tier: 1, priority: 30, threshold: -0.75 },
    frustration: { escalate: true, tier: 2, priority: 40, threshold: 0.6 },
    human_requested: { escalate: true, tier: 1, priority: 0 },
    complaint: { escalate: true, tier: 2, priority: 30 },
    legal_compliance: { escalate: true, tier: 3, priority: 50 },
    judgment_call: { escalate: true, tier: 2, priority: 10 },
    out_of_scope: { escalate: true, tier: 1, priority: 0 },
    low_confidence: { escalate: true, tier: 1, priority: 0, threshold: 0.3 },
    unresolved_after_turns: { escalate: true, tier: 1, priority: 10, turns: 3 },
    vip_customer: {
      escalate: true,
      tier: 2,
      priority: 20,
      lifetimeValue: 10000,
      plans: ["enterprise", "vip"],
      tierBoost: 1,
    },
    predicted_frustration: {
      escalate: true,
      tier: 2,
      priority: 20,
      slope: 0.12,
      minTurns: 3,
      minLevel: 0.35,
    },
  },
  intents: defaultIntents(),
  // The starter model's intents, by the teams a support desk usually has. Product questions need no specialist.
  skills: {
    accounts: ["account_access", "account_management"],
    orders: ["order_status", "place_order", "cancel_order", "delivery_info"],
    billing: ["billing_info", "payment_methods", "invoice_request"],
    refunds: ["refund_policy", "refund_dispute"],
    complaints: ["complaint"],
    legal: ["legal_compliance"],
    technical: ["complex_problem"],
  },
  defaultTier: 1,
});

const skillIndexes = new WeakMap<RoutingRules, Map<string, string>>();

/** The skill an intent needs under these rules, or null when none does. */
export function skillForIntent(intent: string | null | undefined, rules: RoutingRules): string | null {
  if (!intent) return null;
  let index = skillIndexes.get(rules);
  if (!index) {
    index = new Map();
    for (const [skill, intents] of Object.entries(rules.skills)) for (const i of intents) index.set(i, skill);
    skillIndexes.set(rules, index);
  }
  return index.get(intent) ?? null;
}

/**
 * Validates an operator's rules (already parsed from JSON or YAML) and merges them over the defaults: a file may
 * set only what it changes. Throws RulesError RULES_INVALID naming every problem with its path.
 */
export function parseRoutingRules(input: unknown, source = "routing rules"): RoutingRules {
  if (input === null || input === undefined) return DEFAULT_ROUTING_RULES;
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new RulesError(
      "RULES_INVALID",
      `${source}: expected a mapping at the top level, got ${describe(input)}`,
    );
  }
  const merged = mergeOver(
    DEFAULT_ROUTING_RULES as unknown as Record<string, unknown>,
    input as Record<string, unknown>,
  );
  const parsed = routingRulesSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.join(".");
      if (issue.code === "unrecognized_keys" && path === "reasons") {
        return `reasons: unknown reason ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (known: ${REASON_CODES.join(", ")})`;
      }
      if (issue.code === "unrecognized_keys")
        return `${path || "(top level)"}: unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
      return `${path || "(top level)"}: ${issue.message}`;
    });
    throw new RulesError("RULES_INVALID", `${source} is invalid: ${problems.join("; ")}`);
  }
  return deepFreeze(parsed.data);
}

/** Objects merge key by key; arrays and scalars replace. `intents` entries merge per intent. */
function mergeOver(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = base[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? mergeOver(prior, value) : value;
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  return Array.isArray(x) ? "a list" : typeof x;
}

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
