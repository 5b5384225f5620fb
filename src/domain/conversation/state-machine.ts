// One owner per conversation: every state change is a pure function of (state, command) so the store can apply
// it under a row lock and the property test can replay the event log against the same rules.

import type { ConversationStatus, EscalationReason, Tier } from "../model.ts";

export interface OwnershipState {
  status: ConversationStatus;
  assigneeId: string | null;
  tier: Tier | null;
  reasons: EscalationReason[];
}

export type Command =
  | { kind: "customer_message" }
  | { kind: "ai_message" }
  | { kind: "agent_message"; agentId: string; internal?: boolean }
  | { kind: "escalate"; tier: Tier; reasons: EscalationReason[] }
  /** The customer wrote again while people have the conversation and triage judged it more serious. */
  | { kind: "reprioritise"; tier: Tier; reasons: EscalationReason[] }
  | { kind: "claim"; agentId: string }
  | { kind: "assign"; agentId: string }
  | { kind: "transfer"; toAgentId?: string; toTier?: Tier }
  | { kind: "handback"; agentId: string }
  | { kind: "release"; reason: string }
  | { kind: "resolve"; actorId: string | null; actorRole: "agent" | "ai" | "customer" }
  | { kind: "reopen" };

export type TransitionError =
  | "AI_NOT_OWNER"
  | "ALREADY_ASSIGNED"
  | "NOT_ASSIGNEE"
  | "CONVERSATION_RESOLVED"
  | "ALREADY_RESOLVED"
  | "INVALID_TRANSITION";

export type Transition =
  | { ok: true; next: OwnershipState; event: string | null }
  | { ok: false; error: TransitionError; detail: string };

const ok = (next: OwnershipState, event: string | null): Transition => ({ ok: true, next, event });
const fail = (error: TransitionError, detail: string): Transition => ({ ok: false, error, detail });

/**
 * Decide a command against the current ownership state. `event` names the state change to log
 * (null when the command appends a message without changing ownership).
 */
export function decide(state: OwnershipState, cmd: Command): Transition {
  const s = state.status;
  switch (cmd.kind) {
    case "customer_message":
      // A customer can always write; writing into a resolved conversation reopens it to the AI front line.
      if (s === "resolved") return ok({ status: "ai", assigneeId: null, tier: null, reasons: [] }, "reopened");
      return ok(state, null);

    case "ai_message":
      // The AI never talks over a human: once the conversation left "ai", its late replies are dropped.
      if (s !== "ai") return fail("AI_NOT_OWNER", `the AI does not own a conversation in status ${s}`);
      return ok(state, null);

    case "agent_message":
      if (cmd.internal) return ok(state, null); // internal notes never reach the customer; any agent may add one
      if (s !== "human") return fail("NOT_ASSIGNEE", "claim the conversation before replying");
      if (state.assigneeId !== cmd.agentId) return fail("NOT_ASSIGNEE", "another agent owns this conversation");
      return ok(state, null);

    case "escalate":
      if (s === "ai") return ok({ status: "waiting_human", assigneeId: null, tier: cmd.tier, reasons: cmd.reasons }, "escalated");
      if (s === "waiting_human") {
        // Re-escalation while queued can only raise the tier and add reasons.
        const tier = Math.max(state.tier ?? 1, cmd.tier) as Tier;
        const reasons = [...new Set([...state.reasons, ...cmd.reasons])];
        return ok({ ...state, tier, reasons }, tier !== state.tier || reasons.length !== state.reasons.length ? "requeued" : null);
      }
      if (s === "human") return ok(state, null); // already with a person: nothing to do
      return fail("CONVERSATION_RESOLVED", "a resolved conversation cannot be escalated");

    case "reprioritise": {
      // Only raises: reasons are added, never dropped. The queue's tier may go up (never down); a held
      // conversation's tier is its agent's call, so it stays and the caller flags the suggestion instead.
      if (s !== "waiting_human" && s !== "human") {
        return fail("INVALID_TRANSITION", `only a queued or held conversation is re-prioritised, not one in status ${s}`);
      }
      const tier = s === "waiting_human" ? (Math.max(state.tier ?? 1, cmd.tier) as Tier) : state.tier;
      const reasons = [...new Set([...state.reasons, ...cmd.reasons])];
      const changed = tier !== state.tier || reasons.length !== state.reasons.length;
      return ok(changed ? { ...state, tier, reasons } : state, changed ? "reprioritised" : null);
    }

    case "claim":
    case "assign":
      if (s === "resolved") return fail("CONVERSATION_RESOLVED", "a resolved conversation cannot be claimed");
      if (s === "human") {
        if (state.assigneeId === cmd.agentId) return fail("ALREADY_ASSIGNED", "you already hold this conversation");
        return fail("ALREADY_ASSIGNED", "another agent holds this conversation");
      }
      return ok({ ...state, status: "human", assigneeId: cmd.agentId, tier: state.tier ?? 1 }, cmd.kind === "claim" ? "claimed" : "assigned");

    case "transfer":
      if (s !== "human" && s !== "waiting_human") return fail("INVALID_TRANSITION", `cannot transfer a conversation in status ${s}`);
      if (cmd.toAgentId) return ok({ ...state, status: "human", assigneeId: cmd.toAgentId }, "transferred");
      return ok({ ...state, status: "waiting_human", assigneeId: null, tier: cmd.toTier ?? state.tier ?? 1 }, "transferred");

    case "handback":
      if (s !== "human") return fail("INVALID_TRANSITION", `cannot hand back a conversation in status ${s}`);
      if (state.assigneeId !== cmd.agentId) return fail("NOT_ASSIGNEE", "only the assigned agent can hand back");
      return ok({ status: "ai", assigneeId: null, tier: null, reasons: [] }, "handed_back");

    case "release":
      // The agent went away (disconnect grace expired, or went offline): the conversation returns to the queue.
      if (s !== "human") return fail("INVALID_TRANSITION", `cannot release a conversation in status ${s}`);
      return ok({ ...state, status: "waiting_human", assigneeId: null }, "released");

    case "resolve":
      if (s === "resolved") return fail("ALREADY_RESOLVED", "the conversation is already resolved");
      if (cmd.actorRole === "agent" && s === "human" && state.assigneeId !== cmd.actorId) {
        return fail("NOT_ASSIGNEE", "only the assigned agent can resolve");
      }
      if (cmd.actorRole === "ai" && s !== "ai") return fail("AI_NOT_OWNER", "the AI cannot resolve a conversation it does not own");
      return ok({ status: "resolved", assigneeId: null, tier: state.tier, reasons: state.reasons }, "resolved");

    case "reopen":
      if (s !== "resolved") return fail("INVALID_TRANSITION", "only a resolved conversation can be reopened");
      return ok({ status: "ai", assigneeId: null, tier: null, reasons: [] }, "reopened");
  }
}
