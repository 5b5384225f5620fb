// Critical-context flags: the few facts an agent must not miss before replying (a high-value customer,
// earlier complaints, contract terms, legal language, a customer at the end of their patience).

import type { CustomerContext } from "../handoff/customer-context.ts";
import type { EscalationReason, TriageResult } from "../model.ts";

export type FlagKind =
  | "high_value"
  | "prior_complaints"
  | "contract_terms"
  | "legal_language"
  | "strong_negative_sentiment";

export interface CriticalFlag {
  kind: FlagKind;
  severity: "info" | "warning" | "critical";
  label: string;
  /** What triggered it: the value, or the customer's words. */
  evidence: string;
}

export interface FlagThresholds {
  /** Lifetime value at or above which a customer is flagged. */
  highLifetimeValue: number;
  /** Triage sentiment at or below which the latest customer message is flagged. */
  negativeSentiment: number;
  /** Frustration at or above which the latest customer message is flagged. */
  frustration: number;
}

export const DEFAULT_FLAG_THRESHOLDS: FlagThresholds = {
  highLifetimeValue: 5000,
  negativeSentiment: -0.6,
  frustration: 0.7,
};

// Legal and regulatory words across the languages Tandem commonly serves. Word-bounded to avoid "issue" ⊃ "sue".
const LEGAL = new RegExp(
  [
    "lawyers?",
    "attorneys?",
    "solicitors?",
    "legal action",
    "legal (?:team|department|counsel|advice|proceedings)",
    "breach of contract",
    "sue",
    "suing",
    "lawsuit",
    "court",
    "small claims",
    "class action",
    "gdpr",
    "data protection",
    "subject access request",
    "chargeback",
    "ombudsman",
    "regulator",
    "trading standards",
    "consumer protection",
    "better business bureau",
    "bbb",
    "ftc",
    "cfpb",
    "avocat",
    "tribunal",
    "abogado",
    "demanda",
    "anwalt",
    "klage",
    "rgpd",
    "dsgvo",
  ].join("|"),
  "iu",
);
const LEGAL_BOUNDED = new RegExp(`(?<![\\p{L}])(?:${LEGAL.source})(?![\\p{L}])`, "iu");

function money(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/**
 * `reasons` are the conversation's escalation reasons: when routing already judged the customer a VIP (by plan, a
 * `vip` attribute or its own threshold) or the request legal, the panel says so even if the value or the words
 * that decided it are not among the ones checked here — the agent must not learn it from the customer.
 */
export function criticalFlags(
  context: CustomerContext,
  customerTexts: readonly string[],
  latestTriage: TriageResult | null,
  thresholds: FlagThresholds = DEFAULT_FLAG_THRESHOLDS,
  reasons: readonly EscalationReason[] = [],
): CriticalFlag[] {
  const flags: CriticalFlag[] = [];
  const highValue = context.lifetimeValue !== null && context.lifetimeValue >= thresholds.highLifetimeValue;
  if (highValue || reasons.includes("vip_customer")) {
    const value = context.lifetimeValue !== null ? `lifetime value ${money(context.lifetimeValue)}` : null;
    const plan = context.plan ? `plan ${context.plan}` : null;
    flags.push({
      kind: "high_value",
      severity: "warning",
      label: highValue ? "High lifetime value" : "VIP customer",
      evidence: [value, plan].filter(Boolean).join(", ") || "routed as a VIP customer",
    });
  }
  if (context.previousComplaints > 0) {
    flags.push({
      kind: "prior_complaints",
      severity: context.previousComplaints > 1 ? "critical" : "warning",
      label: "Prior complaints",
      evidence: `${context.previousComplaints} previous complaint${context.previousComplaints > 1 ? "s" : ""}`,
    });
  }
  if (context.contractTerms) {
    flags.push({
      kind: "contract_terms",
      severity: "info",
      label: "Contract terms apply",
      evidence: context.contractTerms,
    });
  }
  let legal: string | null = null;
  for (let i = customerTexts.length - 1; i >= 0 && legal === null; i--) {
    const m = LEGAL_BOUNDED.exec(customerTexts[i] as string);
    if (m) legal = `"${m[0]}"`;
  }
  if (legal === null && reasons.includes("legal_compliance"))
    legal = "routed as a legal or compliance request";
  if (legal !== null) {
    flags.push({ kind: "legal_language", severity: "critical", label: "Legal language", evidence: legal });
  }
  if (
    latestTriage &&
    (latestTriage.sentiment <= thresholds.negativeSentiment ||
      latestTriage.frustration >= thresholds.frustration)
  ) {
    const cues = [...latestTriage.frustrationCues, ...latestTriage.sentimentCues]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 3)
      .map((c) => `"${c.text}"`);
    flags.push({
      kind: "strong_negative_sentiment",
      severity: "critical",
      label: "Customer is very upset",
      evidence: `sentiment ${latestTriage.sentiment.toFixed(2)}, frustration ${latestTriage.frustration.toFixed(2)}${cues.length ? `: ${cues.join(", ")}` : ""}`,
    });
  }
  return flags;
}
