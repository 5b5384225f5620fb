// The storage the analytics, review and feedback use cases need: read conversation logs, keep the per-conversation
// facts and their daily rollup, aggregate them in the database, and keep reviewers' verdicts and labelled examples.

import type { ConversationFacts, ConversationLog, Totals } from "../domain/analytics/types.ts";

export interface DayRange {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
}

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

  totalsBy(range: DayRange, groupBy: "all" | "day" | "intent"): Promise<{ key: string; totals: Totals }[]>;
  reasonsBy(range: DayRange, groupBy: "all" | "day" | "intent" | "tier" | "week"): Promise<{ key: string; reason: string; count: number }[]>;
  agentLoad(range: DayRange): Promise<{ agentId: string; activeDays: number; conversations: number; loadMs: number }[]>;
  /** Per-conversation facts for CSV export, oldest first. */
  factRows(range: DayRange, limit: number): Promise<Record<string, string | number | null>[]>;

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
