// The event bus port: realtime fan-out between the use cases and every connected socket, on this node or others.

import type { Conversation, Message } from "../domain/model.ts";

export type StreamEvent =
  | { type: "message"; message: Message }
  | { type: "status"; conversation: Conversation }
  | { type: "triage"; conversationId: string; messageSeq: number; triage: NonNullable<Message["triage"]> }
  | { type: "typing"; conversationId: string; author: "ai" | "agent"; name?: string | null }
  | { type: "sla"; conversationId: string; level: "warning" | "breached"; metric: string; dueAt: string }
  | { type: "assist"; conversationId: string; assist: unknown }
  /** LLM tokens as they are generated, ahead of the stored AI message. */
  | { type: "ai_delta"; conversationId: string; text: string }
  /** The knowledge base changed on some node: every node re-reads that source. */
  | { type: "kb_change"; origin: string; change: { type: "source_replaced"; sourceId: string; chunkCount: number } | { type: "source_deleted"; sourceId: string } }
  /** An admin changed the canned-response library on some node: every other node re-reads it. */
  | { type: "canned_change"; origin: string; responseId: string }
  /** Delivery may have had a gap (the bus reconnected): subscribers re-read from storage. Local, never published. */
  | { type: "resync" };

export interface Bus {
  publish(topic: string, event: StreamEvent): Promise<void>;
  /**
   * The same events to each of several topics, delivered in this order on each; one bus message per topic where
   * the bus has messages (Redis), so a unit's events cost one wake-up per subscriber, not one per event.
   */
  publishAll(topicList: readonly string[], events: readonly StreamEvent[]): Promise<void>;
  /** Returns an unsubscribe function. Handlers must not throw. */
  subscribe(topic: string, handler: (event: StreamEvent) => void): () => void;
  close(): Promise<void>;
}

export const topics = {
  conversation: (id: string) => `conv:${id}`,
  /** Everything agents' consoles need: new, changed and escalated conversations, and their messages. */
  agents: "agents",
  knowledge: "knowledge",
  canned: "canned",
} as const;
