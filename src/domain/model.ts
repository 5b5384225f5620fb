// The nouns of Tandem. Plain data: storage adapters map rows to these, the wire format serialises them.

import type { Cue, ReasonCode, Tier, TriageResult } from "./triage/types.ts";

export type ConversationStatus = "ai" | "waiting_human" | "human" | "resolved";
export type AuthorKind = "customer" | "ai" | "agent" | "system";
export type Role = "agent" | "supervisor" | "admin";
export type Presence = "online" | "away" | "offline";
export type Channel = "web" | "email" | "api";

/** Why a conversation went to people: triage reasons plus what the system itself can cause. */
export type EscalationReason = ReasonCode | "ai_off" | "ai_error" | "cannot_answer" | "action_failed" | "agent_released" | "transferred";

export interface Customer {
  id: string;
  externalId: string | null;
  name: string | null;
  email: string | null;
  locale: string | null;
  /** Free-form context: lifetimeValue, plan, contractTerms, notes, ... */
  attributes: Record<string, unknown>;
  createdAt: string;
}

export interface Conversation {
  id: string;
  customerId: string;
  channel: Channel;
  language: string | null;
  status: ConversationStatus;
  /** Agent user id while status is "human"; null otherwise. */
  assigneeId: string | null;
  tier: Tier | null;
  priority: number;
  /** The skill the escalation asks of the agent who takes it (routing rules' `skills`); null when none. */
  skill: string | null;
  reasons: EscalationReason[];
  /** Last message seq in the conversation (0 when empty). */
  lastSeq: number;
  /** Bumped on every state change; lets clients drop stale status events. */
  version: number;
  /** AI replies since the customer last confirmed resolution or a human took over. */
  aiTurnsUnresolved: number;
  createdAt: string;
  updatedAt: string;
  queuedAt: string | null;
  assignedAt: string | null;
  firstHumanResponseAt: string | null;
  resolvedAt: string | null;
  resolutionCode: string | null;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  author: AuthorKind;
  /** Agent user id for agent messages; null otherwise. */
  authorId: string | null;
  authorName: string | null;
  clientMessageId: string | null;
  text: string;
  /** Internal notes are visible to agents only. */
  internal: boolean;
  triage: TriageResult | null;
  /** Extra structured payload: citations, action results, CSAT prompts. */
  meta: Record<string, unknown> | null;
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  tier: Tier;
  skills: string[];
  languages: string[];
  capacity: number;
  presence: Presence;
  /** Weekly business hours in the agent's time zone, e.g. { tz: "Europe/Paris", days: { mon: ["09:00","17:00"] } }. */
  businessHours: BusinessHours | null;
  lastAssignedAt: string | null;
  createdAt: string;
}

export interface BusinessHours {
  tz: string;
  days: Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", [string, string]>>;
}

/** Append-only record of every state change: who did what and why. */
export interface ConversationEvent {
  id: number;
  conversationId: string;
  type: string;
  actorKind: AuthorKind | "system";
  actorId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export type { Cue, ReasonCode, Tier, TriageResult };
