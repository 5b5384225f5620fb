// The responder port: who answers a customer message while the AI owns the conversation. Absent = "AI off".

import type { Conversation, Customer, Message, EscalationReason, Tier } from "../domain/model.ts";

export interface ResponderContext {
  conversation: Conversation;
  customer: Customer | null;
  message: Message;
  history: Message[];
  signal: AbortSignal;
}

export type ResponderOutcome =
  | { kind: "reply"; text: string; meta?: Record<string, unknown> }
  | { kind: "escalate"; tier: Tier; reasons: EscalationReason[]; text?: string; meta?: Record<string, unknown> }
  | { kind: "none" };

export interface Responder {
  respond(ctx: ResponderContext): Promise<ResponderOutcome>;
}
