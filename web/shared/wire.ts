// The Tandem wire format as the browser apps see it: a copy of the server's contract (src/server/wire.ts),
// because web code must never import server code. Keep in step with the server when the contract changes.

export type ConversationStatus = "ai" | "waiting_human" | "human" | "resolved";
export type AuthorKind = "customer" | "ai" | "agent" | "system";
export type Tier = 1 | 2 | 3;
export type Presence = "online" | "away" | "offline";
export type Role = "agent" | "supervisor" | "admin";

export type Owner =
  | { kind: "ai" }
  | { kind: "queue"; tier: Tier | null }
  | { kind: "agent"; agentId: string | null; name: string | null }
  | { kind: "none" };

/** Who owns a conversation as its customer sees it: an agent by name only, no queue tier. */
export type CustomerOwner =
  | { kind: "ai" }
  | { kind: "queue" }
  | { kind: "agent"; name: string | null }
  | { kind: "none" };

/** What a customer's token may read of a conversation: no tier, reasons or agent ids (the desk's business). */
export interface CustomerConversation {
  id: string;
  status: ConversationStatus;
  owner: CustomerOwner;
  channel: string;
  language: string | null;
  lastSeq: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

/** The agent view adds the owner's details, routing and SLA timestamps. */
export interface AgentConversation extends Omit<CustomerConversation, "owner"> {
  owner: Owner;
  tier: Tier | null;
  reasons: string[];
  customerId: string;
  assigneeId: string | null;
  priority: number;
  /** The skill the escalation asks for ("billing"); null when none. */
  skill: string | null;
  aiTurnsUnresolved: number;
  queuedAt: string | null;
  assignedAt: string | null;
  firstHumanResponseAt: string | null;
  resolutionCode: string | null;
}

export interface Cue {
  kind: string;
  text: string;
  weight: number;
}

export interface Triage {
  language: string;
  languageConfidence: number;
  sentiment: number;
  sentimentCues: Cue[];
  frustration: number;
  frustrationCues: Cue[];
  frustrationTrend: number;
  intent: string;
  confidence: number;
  outOfScope: boolean;
  route: "ai" | "human";
  reasons: string[];
  tier: Tier;
}

export interface CustomerMessage {
  id: string;
  conversationId: string;
  seq: number;
  author: AuthorKind;
  authorName: string | null;
  text: string;
  clientMessageId: string | null;
  /** Free-form: citations, action confirmations, system message kinds (queued, agent_joined, handed_back, resolved). */
  meta: Record<string, unknown> | null;
  createdAt: string;
}

export interface AgentMessage extends CustomerMessage {
  authorId: string | null;
  internal: boolean;
  triage: Triage | null;
}

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  tier: Tier;
  skills: string[];
  languages: string[];
  capacity: number;
  presence: Presence;
}

/** Events on ws /api/v1/stream (customer). */
export type CustomerStreamEvent =
  | { type: "message"; message: CustomerMessage }
  | { type: "status"; conversation: CustomerConversation }
  | { type: "typing"; author: "ai" | "agent"; name: string | null }
  /**
   * The next piece of an AI answer being generated (LLM mode): plain text, appended to the draft of `streamId`.
   * Answers generated at the same time have different stream ids.
   */
  | { type: "ai_delta"; streamId: string; text: string }
  /**
   * The answer `streamId` ended, whatever became of it: drop its draft. The stored reply, which may differ from what
   * streamed (a withdrawn reply, a handover) or not exist (a person took over), comes as a `message` event.
   */
  | { type: "ai_stream_end"; streamId: string }
  | { type: "pong" }
  | { type: "error"; error: { code: string; message: string } };

/** Events on ws /api/v1/agent/stream. */
export type AgentStreamEvent =
  | { type: "hello"; user: { id: string; displayName: string; role: Role } }
  | { type: "message"; message: AgentMessage }
  | { type: "status"; conversation: AgentConversation }
  | { type: "triage"; conversationId: string; messageSeq: number; triage: Triage }
  | { type: "typing"; conversationId: string; author: "ai" | "agent"; name?: string | null }
  | { type: "sla"; conversationId: string; level: "warning" | "breached"; metric: string; dueAt: string }
  | { type: "assist"; conversationId: string; assist: unknown }
  /** A streamed AI draft, as on the customer stream: the server does not send these to agents; the console ignores them. */
  | { type: "ai_delta"; conversationId: string; streamId: string; text: string }
  | { type: "ai_stream_end"; conversationId: string; streamId: string }
  | { type: "error"; error: { code: string; message: string } };

export interface ApiErrorBody {
  error: { code: string; message: string };
}
