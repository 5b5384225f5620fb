// The routing decision: from the signals of one message to "ai" or "human", the reasons, and the tier of the
// person who should take it. Pure and explicit, so the same inputs always give the same, explainable answer.
import type { RoutingRules } from "./routing-rules.ts";
import type { HistoryTurn, ReasonCode, Route, Tier } from "./types.ts";

export interface RoutingSignals {
  sentiment: number;
  frustration: number;
  frustrationTrend: number;
  /** Customer turns the trend was computed over (including this message). */
  frustrationTurns: number;
  humanRequested: boolean;
  intent: string;
  confidence: number;
  outOfScope: boolean;
  /** False for an empty message: there is no intent to act on, so intent-based reasons do not apply. */
  hasText: boolean;
  aiTurnsUnresolved: number;
  customerAttributes: Record<string, unknown> | undefined;
  /** The AI is waiting for an answer to its own question (see TriageInput.expectingReply). */
  expectingReply?: boolean;
  /** See TriageInput.answererAvailable. */
  answererAvailable?: boolean;
}

export interface RoutingDecision {
  route: Route;
  /** Every reason that fired, in the order of REASON_CODES; escalating or not. */
  reasons: ReasonCode[];
  tier: Tier;
}

// Reasons listed in a fixed order so output is stable and diffable.
const ORDER: readonly ReasonCode[] = [
  "human_requested",
  "legal_compliance",
  "complaint",
  "judgment_call",
  "frustration",
  "predicted_frustration",
  "negative_sentiment",
  "out_of_scope",
  "low_confidence",
  "unresolved_after_turns",
  "vip_customer",
];

/** Bit of each reason in ORDER, for the set of fired reasons (a Set and two filters per message cost more). */
const BIT = new Map<ReasonCode, number>(ORDER.map((code, i) => [code, 1 << i]));
const bit = (code: ReasonCode): number => BIT.get(code) as number;
// The bits decideRoute sets, resolved once rather than looked up on every message.
const HUMAN_REQUESTED = bit("human_requested");
const FRUSTRATION = bit("frustration");
const PREDICTED_FRUSTRATION = bit("predicted_frustration");
const NEGATIVE_SENTIMENT = bit("negative_sentiment");
const OUT_OF_SCOPE = bit("out_of_scope");
const LOW_CONFIDENCE = bit("low_confidence");
const UNRESOLVED_AFTER_TURNS = bit("unresolved_after_turns");
const VIP_CUSTOMER = bit("vip_customer");
const UNCERTAINTY = OUT_OF_SCOPE | LOW_CONFIDENCE;

export function decideRoute(s: RoutingSignals, rules: RoutingRules): RoutingDecision {
  const r = rules.reasons;
  let fired = 0;
  const intentRule =
    s.hasText && Object.hasOwn(rules.intents, s.intent) ? rules.intents[s.intent] : undefined;

  if (s.humanRequested) fired |= HUMAN_REQUESTED;
  if (intentRule?.reason != null && !s.outOfScope) fired |= bit(intentRule.reason);
  if (s.frustration >= r.frustration.threshold) fired |= FRUSTRATION;
  else if (
    s.frustrationTurns >= r.predicted_frustration.minTurns &&
    s.frustrationTrend >= r.predicted_frustration.slope &&
    s.frustration >= r.predicted_frustration.minLevel
  ) {
    // Only while frustration is still below the line: rising towards it is the early warning.
    fired |= PREDICTED_FRUSTRATION;
  }
  if (s.sentiment <= r.negative_sentiment.threshold) fired |= NEGATIVE_SENTIMENT;
  if (s.hasText && s.outOfScope) fired |= OUT_OF_SCOPE;
  else if (s.hasText && s.confidence < r.low_confidence.threshold) fired |= LOW_CONFIDENCE;
  if (s.aiTurnsUnresolved >= r.unresolved_after_turns.turns) fired |= UNRESOLVED_AFTER_TURNS;
  const vip =
    s.customerAttributes !== undefined &&
    isVip(s.customerAttributes, r.vip_customer.lifetimeValue, r.vip_customer.plans);
  if (vip) fired |= VIP_CUSTOMER;

  // The model's uncertainty is reported but does not escalate when something better placed judges the message:
  // the AI's own pending question expects a short reply, and a knowledge base decides answerability itself.
  const deferUncertainty = s.expectingReply === true || s.answererAvailable === true;
  const reasons: ReasonCode[] = [];
  let escalating = 0; // bits, like fired
  let tier: number = intentRule?.tier ?? rules.defaultTier;
  // Fired reasons in ORDER: lowest bit first.
  for (let left = fired; left !== 0; left &= left - 1) {
    const i = 31 - Math.clz32(left & -left);
    const code = ORDER[i] as ReasonCode;
    reasons.push(code);
    if (!r[code].escalate || (deferUncertainty && (UNCERTAINTY & (1 << i)) !== 0)) continue;
    escalating |= 1 << i;
    // The intent's own tier outranks the generic one of its reason (legal intent -> 3 even if legal_compliance says 2).
    const t = intentRule?.reason === code ? intentRule.tier : r[code].tier;
    if (code !== "vip_customer" && t > tier) tier = t;
  }
  const route: Route = escalating !== 0 ? "human" : "ai";
  if (vip && route === "human") tier += r.vip_customer.tierBoost;
  if (vip && escalating === VIP_CUSTOMER) tier = Math.max(tier, r.vip_customer.tier);
  return { route, reasons, tier: Math.min(3, Math.max(1, tier)) as Tier };
}

/** AI turns since the last time a person spoke, from history, when the caller does not track it. */
export function countUnresolvedAiTurns(history: readonly HistoryTurn[] | undefined): number {
  if (history === undefined) return 0;
  let n = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const role = history[i]?.role;
    if (role === "agent") break;
    if (role === "ai") n++;
  }
  return n;
}

/** Why a customer counts as a VIP: an explicit `vip: true`, their lifetime value, or their plan. */
export type VipBasis =
  | { by: "flag" }
  | { by: "lifetime_value"; value: number; threshold: number }
  | { by: "plan"; plan: string };

/** VIP by lifetime value (number or numeric string), by plan name, or by an explicit `vip: true` attribute. */
export function isVip(
  attributes: Record<string, unknown> | undefined,
  minLifetimeValue: number | null,
  plans: readonly string[],
): boolean {
  return vipBasis(attributes, minLifetimeValue, plans) !== null;
}

/** What makes the customer a VIP under these settings (the first that applies), or null when nothing does. */
export function vipBasis(
  attributes: Record<string, unknown> | undefined | null,
  minLifetimeValue: number | null,
  plans: readonly string[],
): VipBasis | null {
  if (attributes === undefined || attributes === null || typeof attributes !== "object") return null;
  if (attributes.vip === true) return { by: "flag" };
  if (minLifetimeValue !== null) {
    const raw = attributes.lifetimeValue;
    const ltv =
      typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
    if (Number.isFinite(ltv) && ltv >= minLifetimeValue)
      return { by: "lifetime_value", value: ltv, threshold: minLifetimeValue };
  }
  const plan = attributes.plan;
  if (typeof plan === "string" && plans.length > 0) {
    const p = plan.trim().toLowerCase();
    for (const v of plans) if (v.toLowerCase() === p) return { by: "plan", plan: plan.trim() };
  }
  return null;
}

/** One part of a conversation's queue priority, kept so agents can see why it was served before others. */
export interface PriorityFactor {
  /** `reason`: the escalation reason with the highest priority; `vip_customer`: the boost added for a VIP. */
  kind: "reason" | "vip_customer";
  code: ReasonCode;
  priority: number;
  /** For a VIP, what makes them one, e.g. "plan enterprise". */
  detail?: string;
}

export interface EscalationPriority {
  /** Higher is served first within a tier's queue; 0 when nothing raised it. */
  priority: number;
  /** What it is made of, in the order added up. Empty when the priority is 0. */
  factors: PriorityFactor[];
  /** The same in one line, e.g. "legal_compliance 50 + VIP customer (plan enterprise) 20 = 70". */
  explanation: string;
}

function describeVip(basis: VipBasis | null): string {
  if (basis === null) return "judged by routing";
  if (basis.by === "flag") return "vip: true";
  if (basis.by === "plan") return `plan ${basis.plan}`;
  return `lifetime value ${basis.value} >= ${basis.threshold}`;
}

/**
 * The queue priority of an escalation: the highest `priority` among its reasons (what is wrong; reasons overlap,
 * an angry customer fires frustration and negative sentiment together, so they are not added up), plus the
 * VIP boost when the customer is one (who they are: independent of what is wrong, so it adds). Reasons the rules
 * do not list (the AI failing, an agent's release) count 0. Pure, so the explanation is the computation.
 */
export function escalationPriority(
  reasons: readonly string[],
  customerAttributes: Record<string, unknown> | undefined | null,
  rules: RoutingRules,
): EscalationPriority {
  const r = rules.reasons;
  let top: ReasonCode | null = null;
  // ORDER breaks ties: between equal priorities the reason listed first names the factor.
  for (const code of ORDER) {
    if (code === "vip_customer" || !reasons.includes(code)) continue;
    if (r[code].priority > 0 && (top === null || r[code].priority > r[top].priority)) top = code;
  }
  const factors: PriorityFactor[] = [];
  if (top !== null) factors.push({ kind: "reason", code: top, priority: r[top].priority });
  const basis = vipBasis(customerAttributes, r.vip_customer.lifetimeValue, r.vip_customer.plans);
  // Triage may have judged the customer a VIP from attributes a lookup has since changed: its verdict stands.
  if ((basis !== null || reasons.includes("vip_customer")) && r.vip_customer.priority > 0) {
    factors.push({
      kind: "vip_customer",
      code: "vip_customer",
      priority: r.vip_customer.priority,
      detail: describeVip(basis),
    });
  }
  const priority = factors.reduce((sum, f) => sum + f.priority, 0);
  const parts = factors.map((f) =>
    f.kind === "reason" ? `${f.code} ${f.priority}` : `VIP customer (${f.detail}) ${f.priority}`,
  );
  const explanation =
    parts.length === 0
      ? "no reason raises it: 0"
      : parts.length === 1
        ? (parts[0] as string)
        : `${parts.join(" + ")} = ${priority}`;
  return { priority, factors, explanation };
}
