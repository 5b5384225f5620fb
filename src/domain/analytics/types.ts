// The vocabulary of analytics: a conversation's log reduced to what metrics need, the per-conversation facts
// derived from it, and the summable totals every figure is a ratio of. Times are epoch milliseconds.

import type { SlaPolicy } from "../sla/index.ts";
import type { SlaFacts } from "./sla-attainment.ts";

/** One event of a conversation's append-only log (created, escalated, claimed, resolved, csat, assist_rating...). */
export interface LogEvent {
  type: string;
  actorKind: string;
  actorId: string | null;
  at: number;
  data: Record<string, unknown>;
}

/** One message, without its text: who wrote it, when, and the few attributes metrics read. */
export interface LogMessage {
  seq: number;
  author: "customer" | "ai" | "agent" | "system";
  authorId: string | null;
  internal: boolean;
  at: number;
  /** The triage intent, for customer messages that were triaged. */
  intent?: string | null;
  /** LLM token usage recorded on an AI message (meta.usage), when an LLM produced it. */
  promptTokens?: number;
  completionTokens?: number;
  /** A cost the responder recorded itself (meta.costUsd), in US dollars. */
  costUsd?: number;
  /** What an AI message was (meta.kind: answer, action, small_talk, action_confirmation, boundary...), when known. */
  kind?: string;
}

export interface ConversationLog {
  conversationId: string;
  customerId: string;
  events: readonly LogEvent[];
  messages: readonly LogMessage[];
}

export interface FactsContext {
  now: number;
  /** How long a customer must stay away before an unconfirmed AI resolution counts (default 7 days). */
  returnWindowMs: number;
  /** Creation times of the same customer's other conversations: a new one inside the window is "coming back". */
  otherConversationsAt: readonly number[];
  /** Concurrent-conversation capacity of an agent; an hour holding one of 5 conversations is 1/5 agent-hour. */
  capacityOf(agentId: string): number;
  /** The desk's SLA targets per tier (default DEFAULT_SLA_POLICY, which is what the desk runs unless told otherwise). */
  slaPolicy?: SlaPolicy;
}

/**
 * What became of a conversation the AI kept: confirmed by the customer; not back within the window; back within the
 * window; still inside the window (pending); or nothing to resolve (the customer's last message got no answer).
 */
export type AiOutcome = "confirmed" | "no_return" | "returned" | "pending" | "unanswered";

/** Time an agent held the conversation, for utilisation and cost. */
export interface AgentSegment {
  agentId: string;
  start: number;
  end: number;
  /** Duration divided by the agent's capacity: the share of one agent's time this conversation took. */
  loadMs: number;
}

/** Everything the metrics say about one conversation; a conversation without a customer message has none. */
export interface ConversationFacts {
  conversationId: string;
  customerId: string;
  /** UTC day (YYYY-MM-DD) of the first customer message, kept for reference; dashboards group by startedAt. */
  day: string;
  /**
   * The first customer message: every figure of the conversation belongs to the local day (in the zone a dashboard
   * asks for) of this instant.
   */
  startedAt: number;
  /** Intent of the first customer message's triage ("unknown" when it was not triaged). */
  intent: string;
  /** Left the AI for a person: an escalation, or an agent taking it over from the AI (reason "agent_takeover"). */
  escalated: boolean;
  escalatedAt: number | null;
  /** Reasons and tier of the first escalation out of the AI. */
  reasons: string[];
  tier: number | null;
  /** Null for escalated conversations. */
  aiOutcome: AiOutcome | null;
  aiResolved: boolean;
  /** First customer message to the AI's resolution (only when aiResolved). */
  aiHandleMs: number | null;
  /** When a pending outcome (AI resolution or SLA timer) becomes decided. */
  recheckAt: number | null;
  humanResolved: boolean;
  /** First customer message to the human resolution (only when humanResolved). */
  humanHandleMs: number | null;
  /** Time agents held it, summed over assignments (only when humanResolved and someone held it). */
  agentHandleMs: number | null;
  /** An agent used an assist suggestion as is or edited (assist_rating events). */
  assisted: boolean;
  csatScore: number | null;
  csatResolvedBy: "ai" | "human" | null;
  firstResponseMs: number | null;
  firstHumanResponseMs: number | null;
  agentSegments: AgentSegment[];
  promptTokens: number;
  completionTokens: number;
  /** Recorded LLM cost in millionths of a dollar (integers sum exactly in SQL). */
  recordedCostMicros: number;
  /** SLA timers of the first escalation into the queue (null when the conversation never entered it). */
  sla: SlaFacts | null;
}

/** Summable counters: the rollup table stores exactly these, and every figure is derived from them. */
export interface Totals {
  conversations: number;
  escalated: number;
  aiResolved: number;
  aiConfirmed: number;
  aiNoReturn: number;
  aiReturned: number;
  aiPending: number;
  aiUnanswered: number;
  aiHandleMsSum: number;
  humanResolved: number;
  humanHandleMsSum: number;
  assistedCount: number;
  assistedHandleMsSum: number;
  unassistedCount: number;
  unassistedHandleMsSum: number;
  csatAiCount: number;
  csatAiSum: number;
  csatAiSatisfied: number;
  csatHumanCount: number;
  csatHumanSum: number;
  csatHumanSatisfied: number;
  firstResponseCount: number;
  firstResponseMsSum: number;
  firstHumanResponseCount: number;
  firstHumanResponseMsSum: number;
  agentHandled: number;
  agentLoadMsSum: number;
  promptTokens: number;
  completionTokens: number;
  recordedCostMicros: number;
  /** SLA counters (see sla-attainment.ts for what met, breached and pending mean). */
  slaEscalations: number;
  slaResponseMet: number;
  slaResponseBreached: number;
  slaResponsePending: number;
  slaWaitMet: number;
  slaWaitBreached: number;
  slaWaitPending: number;
  slaBreachedConversations: number;
  slaStillQueued: number;
  slaWaitCount: number;
  slaWaitMsSum: number;
}

export const TOTAL_KEYS = [
  "conversations", "escalated", "aiResolved", "aiConfirmed", "aiNoReturn", "aiReturned", "aiPending", "aiUnanswered",
  "aiHandleMsSum", "humanResolved", "humanHandleMsSum", "assistedCount", "assistedHandleMsSum", "unassistedCount",
  "unassistedHandleMsSum", "csatAiCount", "csatAiSum", "csatAiSatisfied", "csatHumanCount", "csatHumanSum",
  "csatHumanSatisfied", "firstResponseCount", "firstResponseMsSum", "firstHumanResponseCount",
  "firstHumanResponseMsSum", "agentHandled", "agentLoadMsSum", "promptTokens", "completionTokens", "recordedCostMicros",
  "slaEscalations", "slaResponseMet", "slaResponseBreached", "slaResponsePending", "slaWaitMet", "slaWaitBreached",
  "slaWaitPending", "slaBreachedConversations", "slaStillQueued", "slaWaitCount", "slaWaitMsSum",
] as const satisfies readonly (keyof Totals)[];

export interface CostSettings {
  /** Fully loaded cost of one agent-hour. */
  agentCostPerHour: number;
  /** LLM price per 1,000 prompt and completion tokens (recorded token counts × price). */
  llmCostPer1kPromptTokens: number;
  llmCostPer1kCompletionTokens: number;
}

/** The figures of the dashboard, all derived from Totals; null where the denominator is zero. */
export interface Figures {
  conversations: number;
  /** AI-resolved ÷ decided conversations (pending ones wait for their window). */
  aiResolutionRate: number | null;
  aiResolved: number;
  aiConfirmed: number;
  aiNoReturn: number;
  aiReturned: number;
  aiPending: number;
  escalationRate: number | null;
  escalated: number;
  ahtAiMs: number | null;
  ahtEscalatedMs: number | null;
  ahtAssistedMs: number | null;
  ahtUnassistedMs: number | null;
  assistedCount: number;
  unassistedCount: number;
  csatAi: number | null;
  csatAiCount: number;
  csatAiSatisfiedRate: number | null;
  csatHuman: number | null;
  csatHumanCount: number;
  csatHumanSatisfiedRate: number | null;
  firstResponseMs: number | null;
  firstHumanResponseMs: number | null;
  agentHours: number;
  agentCost: number;
  llmCost: number;
  costPerInteraction: number | null;
  /** What the same conversations would have cost if people had handled every one (see figures.ts). */
  baselineAgentHours: number | null;
  baselineCostPerInteraction: number | null;
  /** 1 − agent-hours ÷ baseline agent-hours. */
  workloadOffAgents: number | null;
  conversationsOffAgents: number;
  /** Escalated conversations under an SLA (their first move to a person was into the queue). */
  slaEscalations: number;
  /** Share of decided first-response timers that were met: met ÷ (met + breached). */
  slaResponseAttainment: number | null;
  slaResponseMet: number;
  slaResponseBreached: number;
  /** No answer yet, target not yet elapsed: left out of attainment. */
  slaResponsePending: number;
  /** The episode ended before the target without a person's answer: neither met nor breached. */
  slaResponseWithdrawn: number;
  /** The same for the queue-wait timer (picked up before its target). */
  slaWaitAttainment: number | null;
  slaWaitMet: number;
  slaWaitBreached: number;
  slaWaitPending: number;
  /** Conversations that breached either target. */
  slaBreachedConversations: number;
  slaStillQueued: number;
  /** Mean queue wait of conversations no longer queued (percentiles are in the overview's SLA summary). */
  slaWaitMeanMs: number | null;
}
