// The starter model's intents and what each means for routing: the single place that says which intents a
// person must handle, at which tier, and under which reason code.

import type { ReasonCode, Tier } from "../types.ts";

/** Routine requests the AI can answer on its own. */
export const ROUTINE_INTENTS = [
  "account_access", // password reset, login, 2FA, locked account
  "order_status", // where is my order, shipping, delivery, changing or cancelling an order
  "product_faq", // how a product or feature works, availability, opening hours, contact details
  "billing_info", // invoices, payment methods, plan and account details, refund policy questions
  "form_submission", // giving details to fill a form or record: address, registration, warranty, sign-ups
] as const;

/** Small talk the AI handles with a short reply. */
export const SMALLTALK_INTENTS = ["greeting", "thanks", "goodbye"] as const;

export interface EscalationIntent {
  /** Default complexity tier of the human who should take it. */
  tier: Tier;
  /** Reason code the routing policy records when this intent escalates. */
  reason: ReasonCode;
}

/**
 * Intents that go to a person by default. Tiers follow the product brief: 1 simple, 2 medium (technical
 * questions, refunds), 3 high (legal). A refund dispute or an unusual problem needs judgment, not a lookup.
 */
export const ESCALATION_INTENTS = {
  complaint: { tier: 2, reason: "complaint" },
  legal_compliance: { tier: 3, reason: "legal_compliance" },
  refund_dispute: { tier: 2, reason: "judgment_call" },
  human_request: { tier: 1, reason: "human_requested" },
  complex_problem: { tier: 2, reason: "judgment_call" },
} as const satisfies Record<string, EscalationIntent>;

export type EscalationIntentName = keyof typeof ESCALATION_INTENTS;

/** Label of the explicit out-of-scope class in the starter data (unrelated requests the AI should not attempt). */
export const OUT_OF_SCOPE_INTENT = "out_of_scope";

export const STARTER_INTENTS = [
  ...ROUTINE_INTENTS,
  ...SMALLTALK_INTENTS,
  ...(Object.keys(ESCALATION_INTENTS) as EscalationIntentName[]),
  OUT_OF_SCOPE_INTENT,
] as const;

/** The escalation entry for an intent, or null when the intent is not an escalation intent. */
export function escalationFor(intent: string): EscalationIntent | null {
  return Object.hasOwn(ESCALATION_INTENTS, intent)
    ? ESCALATION_INTENTS[intent as EscalationIntentName]
    : null;
}
