// The storage port: everything the use cases need from a database, and nothing about which one.

import type {
  AuthorKind,
  BusinessHours,
  Channel,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  Customer,
  Message,
  Presence,
  EscalationReason,
  Role,
  Tier,
  TriageResult,
  User,
} from "../domain/model.ts";

/** What triage needs of an earlier message: who wrote it, the text, its stored frustration, the AI's pending ask. */
export interface Turn {
  seq: number;
  author: Message["author"];
  text: string;
  /** The frustration triage gave a customer message, without parsing the rest of its triage. */
  frustration: number | null;
  /** The AI asked something and awaits the answer ("did that solve it?", a slot or a confirmation). */
  awaitsReply: boolean;
}

export interface NewCustomer {
  externalId?: string | null;
  name?: string | null;
  email?: string | null;
  locale?: string | null;
  attributes?: Record<string, unknown>;
}

export interface NewMessage {
  author: AuthorKind;
  authorId?: string | null;
  authorName?: string | null;
  clientMessageId?: string | null;
  idempotencyKey?: string | null;
  text: string;
  internal?: boolean;
  triage?: TriageResult | null;
  meta?: Record<string, unknown> | null;
}

export interface ConversationPatch {
  status?: ConversationStatus;
  assigneeId?: string | null;
  tier?: Tier | null;
  reasons?: EscalationReason[];
  language?: string | null;
  priority?: number;
  skill?: string | null;
  aiTurnsUnresolved?: number;
  queuedAt?: number | null;
  assignedAt?: number | null;
  firstHumanResponseAt?: number | null;
  resolvedAt?: number | null;
  resolutionCode?: string | null;
}

export interface NewEvent {
  type: string;
  actorKind: AuthorKind | "system";
  actorId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * What the unit's work will read first, so the store can fetch it together with the conversation instead of one
 * round trip each (on PostgreSQL every statement is a network round trip, and a customer message needs all three).
 * A hint only: the unit's methods return the same answers with or without it.
 */
export interface UnitPrefetch {
  idempotencyKey?: string;
  recentTurns?: number;
  customer?: boolean;
}

/**
 * Work on one conversation, isolated from every other unit on it: no other writer interleaves, and its writes
 * land all together or not at all. The store may run a unit's function more than once (optimistic concurrency
 * retries after a write conflict), and only the last run's writes land: the function must keep its effects
 * inside the unit, or reset them at its start.
 */
export interface ConversationUnit {
  readonly conversation: Conversation;
  findMessageByKey(idempotencyKey: string): Promise<Message | null>;
  /** The last `limit` customer-visible turns in seq order, read narrowly for triage on every message. */
  recentTurns(limit: number): Promise<Turn[]>;
  customer(): Promise<Customer | null>;
  /** Appends with seq = lastSeq + 1 and advances the conversation's lastSeq. */
  insertMessage(message: NewMessage): Promise<Message>;
  /** Applies the patch and bumps the version; returns the new row. */
  update(patch: ConversationPatch): Promise<Conversation>;
  appendEvent(event: NewEvent): Promise<void>;
  /** Locks an agent's row and counts the conversations they hold, for capacity-safe assignment. */
  lockAgentLoad(userId: string): Promise<{ user: User; load: number } | null>;
}

export interface ConversationFilter {
  status?: ConversationStatus[];
  tier?: Tier;
  assigneeId?: string;
  customerId?: string;
  limit?: number;
  /** Only conversations whose queuedAt falls in one of these ranges (after, upTo] (epoch ms). */
  queuedWithin?: { after: number; upTo: number }[];
  /** Keyset pagination on (updatedAt desc, id desc): rows strictly after this one in that order. */
  before?: { updatedAt: number; id: string };
}

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  tier?: Tier;
  skills?: string[];
  languages?: string[];
  capacity?: number;
  presence?: Presence;
  businessHours?: BusinessHours | null;
}

export type UserPatch = Partial<Omit<NewUser, "email">> & { lastAssignedAt?: number };

export interface StoredToken {
  hash: string;
  kind: "agent" | "conversation";
  subjectId: string;
  expiresAt: number;
  revokedAt: number | null;
}

export interface Store {
  readonly dialect: "sqlite" | "postgres";
  ping(): Promise<void>;
  close(): Promise<void>;

  createCustomer(input: NewCustomer): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | null>;
  findCustomerByExternalId(externalId: string): Promise<Customer | null>;
  updateCustomer(id: string, patch: NewCustomer): Promise<Customer | null>;

  createConversation(input: { customerId: string; channel: Channel; language?: string | null }): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | null>;
  listConversations(filter: ConversationFilter): Promise<Conversation[]>;
  countOpenByAssignee(): Promise<Map<string, number>>;
  /** Runs fn as one isolated unit of work on the conversation (see ConversationUnit); found: false when it does not exist. A throw discards every write. */
  withConversation<T>(
    id: string,
    fn: (unit: ConversationUnit) => Promise<T>,
    prefetch?: UnitPrefetch,
  ): Promise<{ found: true; value: T } | { found: false }>;

  listMessages(conversationId: string, options: { afterSeq?: number; limit?: number; includeInternal?: boolean }): Promise<Message[]>;
  /**
   * Customer messages the AI owes a reply: the last message of a conversation the AI owns, from the customer,
   * stored in (after, upTo] (epoch ms); oldest first.
   */
  listAwaitingAi(range: { after: number; upTo: number; limit: number }): Promise<Message[]>;
  listEvents(conversationId: string): Promise<ConversationEvent[]>;
  /** Events of the given types across conversations, oldest first (reports, ratings, reviews). */
  listEventsByType(types: string[], options?: { since?: number; limit?: number }): Promise<ConversationEvent[]>;

  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  getUserAuth(email: string): Promise<{ user: User; passwordHash: string } | null>;
  listUsers(): Promise<User[]>;
  updateUser(id: string, patch: UserPatch): Promise<User | null>;

  insertToken(token: StoredToken): Promise<void>;
  findToken(hash: string): Promise<StoredToken | null>;
  revokeTokens(kind: StoredToken["kind"], subjectId: string, at: number): Promise<void>;
}
