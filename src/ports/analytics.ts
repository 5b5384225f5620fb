// The storage the analytics, review and feedback use cases need: read conversation logs, keep the per-conversation
// facts and their daily rollup, aggregate them in the database, and keep reviewers' verdicts and labelled examples.

import type { LocalDays } from "../domain/analytics/calendar.ts";
import type { SlaCount, WaitPercentile } from "../domain/analytics/sla-attainment.ts";
import type { ConversationFacts, ConversationLog, Totals } from "../domain/analytics/types.ts";

/**
 * Inclusive local days in a time zone, with the instants they cover and the zone's offsets over them (build one with
 * dayRange in the analytics service). A conversation is in the range when its first customer message is.
 */
export type DayRange = LocalDays;

export interface LogBundle {
  logs: ConversationLog[];
  /** Creation times of every conversation of the customers involved, by customer id. */
  conversationsByCustomer: Map<string, { id: string; createdAt: number }[]>;
}

export interface EscalationRow {
  eventId: number;
  conversationId: string;
  escalatedAt: number;
  tier: number | null;
  reasons: string[];
  /** The customer message that triggered it (seq), when triage escalated. */
  messageSeq: number | null;
  intent: string;
  status: string;
  resolutionCode: string | null;
  resolvedAt: number | null;
  csatScore: number | null;
  verdict: string | null;
  note: string | null;
  correctedIntent: string | null;
}

export interface ReviewRecord {
  eventId: number;
  conversationId: string;
  verdict: string;
  note: string | null;
  correctedIntent: string | null;
  reviewerId: string;
  escalatedAt: number;
  intent: string;
  tier: number | null;
  reasons: string[];
  reviewedAt: number;
}

export interface TrainingExampleRecord {
  id: string;
  text: string;
  label: string;
  source: string;
  conversationId: string | null;
  messageSeq: number | null;
  createdBy: string | null;
  createdAt: number;
}

export interface StoredMessageText {
  conversationId: string;
  seq: number;
  author: string;
  internal: boolean;
  text: string;
  createdAt: number;
  triage: Record<string, unknown> | null;
}

export interface AnalyticsStore {
  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;

  /** Conversations with an event at or after `since` (ms), with their customers. */
  changedConversations(since: number): Promise<{ conversationId: string; customerId: string }[]>;
  /** Facts whose pending window has closed by `now`. */
  dueForRecheck(now: number, limit: number): Promise<string[]>;
  /** Pending facts of these customers: a new conversation of theirs may mean they came back. */
  pendingOfCustomers(customerIds: readonly string[]): Promise<string[]>;
  loadLogs(conversationIds: readonly string[]): Promise<LogBundle>;
  agentCapacities(): Promise<Map<string, number>>;
  /** Replaces the facts of these conversations (null = no longer an interaction) and re-rolls the affected days. */
  saveFacts(entries: readonly { conversationId: string; facts: ConversationFacts | null }[]): Promise<void>;

  /** Totals over the range, per local day (key YYYY-MM-DD, only days with conversations) or per intent. */
  totalsBy(range: DayRange, groupBy: "all" | "day" | "intent"): Promise<{ key: string; totals: Totals }[]>;
  /** Escalated conversations per reason; "day" and "week" keys are local days (a week by its Monday). */
  reasonsBy(range: DayRange, groupBy: "all" | "day" | "intent" | "tier" | "week"): Promise<{ key: string; reason: string; count: number }[]>;
  /** Agent load; active days are local days. */
  agentLoad(range: DayRange): Promise<{ agentId: string; activeDays: number; conversations: number; loadMs: number }[]>;
  /** Per-conversation facts for CSV export, oldest first; `day` is the local day. */
  factRows(range: DayRange, limit: number): Promise<Record<string, string | number | null>[]>;
  /** Conversations under an SLA grouped by tier and outcomes. */
  slaCounts(range: DayRange): Promise<SlaCount[]>;
  /** Nearest-rank p50 and p90 of the known queue waits, per tier and over all tiers (tier null). */
  waitPercentiles(range: DayRange): Promise<WaitPercentile[]>;

  listEscalations(q: { range: DayRange; limit: number; beforeEventId?: number; reason?: string; unreviewedOnly?: boolean }): Promise<EscalationRow[]>;
  getEscalation(eventId: number): Promise<EscalationRow | null>;
  saveReview(review: ReviewRecord): Promise<void>;
  listReviews(range: DayRange): Promise<ReviewRecord[]>;
  /** Escalations with any of these reasons in the range, newest first. */
  escalationsWithReasons(range: DayRange, reasons: readonly string[], limit: number): Promise<{ conversationId: string; messageSeq: number | null; atSeq: number | null }[]>;
  customerMessages(conversationIds: readonly string[]): Promise<StoredMessageText[]>;
  /** Customer messages with stored triage, newest first (routing-rule preview). */
  recentTriagedMessages(limit: number): Promise<(StoredMessageText & { customerAttributes: Record<string, unknown> })[]>;

  addTrainingExample(e: TrainingExampleRecord): Promise<void>;
  listTrainingExamples(limit: number): Promise<TrainingExampleRecord[]>;
}
