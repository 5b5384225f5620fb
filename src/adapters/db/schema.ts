// Row types of the Tandem database, shared by both dialects. Timestamps are epoch milliseconds and JSON is text,
// so SQLite and PostgreSQL return identical rows and one store implementation serves both.

import type { Generated } from "kysely";

export interface CustomersTable {
  id: string;
  external_id: string | null;
  name: string | null;
  email: string | null;
  locale: string | null;
  attributes: string; // JSON object
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  customer_id: string;
  channel: string;
  language: string | null;
  status: string;
  assignee_id: string | null;
  tier: number | null;
  priority: number;
  /** Skill the escalation asks for (lower case); null when none. */
  skill: string | null;
  reasons: string; // JSON array of reason codes
  last_seq: number;
  version: number;
  ai_turns_unresolved: number;
  created_at: number;
  updated_at: number;
  queued_at: number | null;
  assigned_at: number | null;
  first_human_response_at: number | null;
  resolved_at: number | null;
  resolution_code: string | null;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  author: string;
  author_id: string | null;
  author_name: string | null;
  client_message_id: string | null;
  /** author + author id + client message id: idempotency is per sender, not global. */
  idempotency_key: string | null;
  text: string;
  internal: number;
  triage: string | null;
  meta: string | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  display_name: string;
  role: string;
  tier: number;
  skills: string; // JSON array
  languages: string; // JSON array
  capacity: number;
  presence: string;
  business_hours: string | null; // JSON
  last_assigned_at: number | null;
  created_at: number;
}

export interface TokensTable {
  hash: string;
  kind: string; // "agent" | "conversation"
  subject_id: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  conversation_id: string;
  type: string;
  actor_kind: string;
  actor_id: string | null;
  data: string; // JSON
  created_at: number;
}

export interface Database {
  customers: CustomersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  users: UsersTable;
  tokens: TokensTable;
  events: EventsTable;
}
