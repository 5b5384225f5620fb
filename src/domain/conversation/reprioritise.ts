// A customer who writes again while waiting for (or talking to) a person may be angrier or raise something more
// serious than what escalated the conversation; this decides whether the desk should notice, and how much. Pure, so
// its rules (raise only, never lower; the agent who holds a conversation owns its tier) are tested apart from storage.

import type { Conversation, EscalationReason, Tier, TriageResult } from "../model.ts";
import { type EscalationPriority, escalationPriority } from "../triage/routing.ts";
import { type RoutingRules, skillForIntent } from "../triage/routing-rules.ts";
import type { ReasonCode } from "../triage/types.ts";
import { decide } from "./state-machine.ts";

/**
 * Reasons about the AI's own limits (it does not understand, it went round in circles). Once people own the
 * conversation they say nothing about how urgent the customer's situation is, so they never raise it.
 */
const AI_LIMIT_REASONS: ReadonlySet<ReasonCode> = new Set(["out_of_scope", "low_confidence", "unresolved_after_turns"]);

export interface Reprioritisation {
  priority: {
    from: number;
    to: number;
    /** What `to` is made of; null when the stored priority stays above what the reasons now give (kept, not lowered). */
    breakdown: EscalationPriority | null;
  };
  tier: {
    from: Tier;
    to: Tier;
    /** The tier triage judged the new message at. */
    judged: Tier;
  };
  /** The conversation's reasons after the merge: the old ones first, in their order, then the new ones. */
  reasons: EscalationReason[];
  /** Reasons the new message added. */
  added: EscalationReason[];
  /**
   * The skill asked of whoever takes it. Moved up a tier's queue by what the customer now says, it asks that
   * message's intent's skill when there is one; otherwise it keeps the one it had.
   */
  skill: { from: string | null; to: string | null };
  /** An agent holds the conversation: its tier stays theirs to change. */
  held: boolean;
  /** Triage judged a higher tier than the one an agent holds the conversation at: flagged to them, not applied. */
  tierRaiseSuggested: boolean;
  /** What the agent holding the conversation is told, or null when nothing is theirs to act on (or nobody holds it). */
  agentNote: string | null;
}

/**
 * The raise a new customer message's triage calls for, or null when it calls for none: the conversation is not with
 * people, the message fired no escalating reason, or everything it fired is already counted.
 *
 * Priority is the larger of the stored one and `escalationPriority` over the merged reasons (so a changed VIP
 * attribute or a lowered rule never lowers a waiting customer's place). A queued conversation moves up to the
 * judged tier, never down; a held one keeps its tier.
 */
export function reprioritise(
  conversation: Pick<Conversation, "status" | "assigneeId" | "tier" | "reasons" | "priority"> & { skill?: string | null },
  verdict: Pick<TriageResult, "route" | "reasons" | "tier"> & { intent?: string },
  customerAttributes: Record<string, unknown> | null | undefined,
  rules: RoutingRules,
): Reprioritisation | null {
  if (verdict.route !== "human") return null;
  if (conversation.status !== "waiting_human" && conversation.status !== "human") return null;
  const urgent = verdict.reasons.filter((code) => rules.reasons[code].escalate && !AI_LIMIT_REASONS.has(code));
  if (urgent.length === 0) return null;

  const t = decide(
    { status: conversation.status, assigneeId: conversation.assigneeId, tier: conversation.tier, reasons: conversation.reasons },
    { kind: "reprioritise", tier: verdict.tier, reasons: urgent },
  );
  if (!t.ok) return null;
  const computed = escalationPriority(t.next.reasons, customerAttributes, rules);
  const from = conversation.priority;
  const to = Math.max(from, computed.priority);
  const tierFrom = conversation.tier ?? 1;
  const tierTo = t.next.tier ?? tierFrom;
  const known = new Set(conversation.reasons);
  const added = t.next.reasons.filter((r) => !known.has(r));
  if (to === from && tierTo === tierFrom && added.length === 0) return null;

  const held = conversation.status === "human";
  const tierRaiseSuggested = held && verdict.tier > tierFrom;
  const skillFrom = conversation.skill ?? null;
  const skillTo = tierTo > tierFrom ? (skillForIntent(verdict.intent, rules) ?? skillFrom) : skillFrom;
  const change: Omit<Reprioritisation, "agentNote"> = {
    priority: { from, to, breakdown: computed.priority === to ? computed : null },
    tier: { from: tierFrom, to: tierTo, judged: verdict.tier },
    reasons: t.next.reasons,
    added,
    skill: { from: skillFrom, to: skillTo },
    held,
    tierRaiseSuggested,
  };
  return { ...change, agentNote: held && (to > from || tierRaiseSuggested) ? agentNote(change) : null };
}

/** One line for the agent's timeline, e.g. "Priority raised from 10 to 50 (legal_compliance 50) …". */
function agentNote(c: Omit<Reprioritisation, "agentNote">): string {
  const parts: string[] = [];
  if (c.priority.to > c.priority.from) {
    const why = c.priority.breakdown ? ` (${c.priority.breakdown.explanation})` : "";
    parts.push(`Priority raised from ${c.priority.from} to ${c.priority.to}${why} after the customer's latest message.`);
  } else {
    parts.push("The customer's latest message was judged more serious.");
  }
  if (c.added.length > 0) parts.push(`New reasons: ${c.added.join(", ")}.`);
  if (c.tierRaiseSuggested) {
    parts.push(`Triage judges it tier ${c.tier.judged}; it stays tier ${c.tier.from} with you: transfer it if it needs tier ${c.tier.judged}.`);
  }
  return parts.join(" ");
}
