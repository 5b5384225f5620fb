// "What if these were the rules?": re-runs the pure routing decision on the signals stored with recent customer
// messages, so an operator sees which messages would change route before saving a rules file.

import { decideRoute } from "../triage/routing.ts";
import type { RoutingRules } from "../triage/routing-rules.ts";
import type { ReasonCode, Route, Tier } from "../triage/types.ts";

export interface StoredTriageMessage {
  conversationId: string;
  seq: number;
  text: string;
  at: number;
  triage: Record<string, unknown>;
  customerAttributes: Record<string, unknown>;
}

export interface PreviewRow {
  conversationId: string;
  seq: number;
  text: string;
  at: number;
  intent: string;
  before: { route: Route; reasons: ReasonCode[]; tier: Tier };
  after: { route: Route; reasons: ReasonCode[]; tier: Tier };
  changed: boolean;
}

export interface RoutingPreview {
  rows: PreviewRow[];
  summary: { messages: number; humanBefore: number; humanAfter: number; changed: number; toHuman: number; toAi: number };
}

const num = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/**
 * Signals are rebuilt from the stored triage. Two are not stored and are inferred from the original decision: the
 * number of customer turns behind the frustration trend (at least the rule's minimum when predicted_frustration
 * fired) and the AI turns without resolution (the rule's count when unresolved_after_turns fired, else 0). VIP
 * status is judged on the customer's current attributes.
 */
export function previewRouting(messages: readonly StoredTriageMessage[], current: RoutingRules, edited: RoutingRules): RoutingPreview {
  const rows: PreviewRow[] = [];
  for (const m of messages) {
    const t = m.triage;
    const reasons = Array.isArray(t.reasons) ? (t.reasons as ReasonCode[]) : [];
    const cues = Array.isArray(t.frustrationCues) ? (t.frustrationCues as { kind?: string }[]) : [];
    const intent = typeof t.intent === "string" ? t.intent : "none";
    const signals = {
      sentiment: num(t.sentiment),
      frustration: num(t.frustration),
      frustrationTrend: num(t.frustrationTrend),
      frustrationTurns: reasons.includes("predicted_frustration") ? current.reasons.predicted_frustration.minTurns : cues.some((c) => c.kind === "trend") ? 3 : 1,
      humanRequested: reasons.includes("human_requested") || cues.some((c) => c.kind === "human_request"),
      intent,
      confidence: num(t.confidence),
      outOfScope: t.outOfScope === true,
      hasText: intent !== "none",
      aiTurnsUnresolved: reasons.includes("unresolved_after_turns") ? current.reasons.unresolved_after_turns.turns : 0,
      customerAttributes: m.customerAttributes,
    };
    const before = { route: (t.route === "human" ? "human" : "ai") as Route, reasons, tier: (num(t.tier, 1) as Tier) };
    const after = decideRoute(signals, edited);
    const changed = before.route !== after.route || (after.route === "human" && before.tier !== after.tier);
    rows.push({ conversationId: m.conversationId, seq: m.seq, text: m.text, at: m.at, intent, before, after, changed });
  }
  const summary = {
    messages: rows.length,
    humanBefore: rows.filter((r) => r.before.route === "human").length,
    humanAfter: rows.filter((r) => r.after.route === "human").length,
    changed: rows.filter((r) => r.changed).length,
    toHuman: rows.filter((r) => r.before.route === "ai" && r.after.route === "human").length,
    toAi: rows.filter((r) => r.before.route === "human" && r.after.route === "ai").length,
  };
  return { rows, summary };
}
