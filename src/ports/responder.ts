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
  | {
      kind: "escalate";
      tier: Tier;
      reasons: EscalationReason[];
      /** The AI's parting words ("I can't fully resolve this, so I'm connecting you..."). */
      text?: string;
      /**
       * The language `text` is in. The conversation takes it, so the queue notice after it and the agent who is
       * promised to speak it ("a specialist who speaks your language") follow what the customer was just told.
       */
      language?: string;
      meta?: Record<string, unknown>;
    }
  | { kind: "none" };

export interface Responder {
  respond(ctx: ResponderContext): Promise<ResponderOutcome>;
}
