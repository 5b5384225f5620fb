// The event bus port: realtime fan-out between the use cases and every connected socket, on this node or others.

import type { Conversation, Message } from "../domain/model.ts";

export type StreamEvent =
  | { type: "message"; message: Message }
  | { type: "status"; conversation: Conversation }
  | { type: "triage"; conversationId: string; messageSeq: number; triage: NonNullable<Message["triage"]> }
  | { type: "typing"; conversationId: string; author: "ai" | "agent"; name?: string | null }
  | { type: "sla"; conversationId: string; level: "warning" | "breached"; metric: string; dueAt: string }
  | { type: "assist"; conversationId: string; assist: unknown }
  /**
   * LLM tokens as they are generated, ahead of the stored AI message. `streamId` names the answer they belong to (the
   * id of the customer message being answered), so answers generated at the same time can be told apart.
   */
  | { type: "ai_delta"; conversationId: string; streamId: string; text: string }
  /**
   * A streamed answer ended, whatever became of it (stored, withdrawn for a fallback or a handover, dropped because a
   * person took over, or lost to an error): clients drop its draft. The stored message, if any, is a `message` event.
   */
  | { type: "ai_stream_end"; conversationId: string; streamId: string }
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
