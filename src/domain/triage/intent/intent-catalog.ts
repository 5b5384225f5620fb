// The starter model's intents and what each means for routing: the single place that says which intents a
// person must handle, at which tier, and under which reason code.

import type { ReasonCode, Tier } from "../types.ts";

/**
 * Routine requests the AI can answer on its own. Most of what a support desk sees is routine, so the routine side
 * is split finely: a routine question needs a routine label close to it, or the classifier's nearest match is an
 * escalation label that shares its words (a refund question landing in refund_dispute, "how do I contact customer
 * service" in human_request, a failed card payment in complex_problem).
 */
export const ROUTINE_INTENTS = [
  "account_access", // password reset, login, 2FA, locked account
  "account_management", // create, edit, close or delete an account; change email, name, address, profile; newsletter and marketing preferences
  "order_status", // where is my order, tracking, late or missing parcels, changing an order in progress
  "place_order", // buying something: how to order, reorder, pre-order, buy in bulk
  "cancel_order", // cancelling an order or booking before it ships: routine, unlike a disputed refund
  "delivery_info", // shipping options, costs, countries, delivery times, carriers, customs
  "product_faq", // how a product or feature works, sizes, stock, compatibility, warranty
  "contact_info", // opening hours, phone number, email, store locations, how to reach support (not a demand for a person now)
  "billing_info", // plans, prices, subscriptions and their cancellation, charges explained, discounts, balance
  "payment_methods", // accepted methods, adding or changing a card, a payment that failed or was declined
  "invoice_request", // invoices, receipts, VAT details, credit notes
  "refund_policy", // how returns, exchanges and refunds work, return labels, refund timing and status (not a contested refund)
  "form_submission", // giving details to fill a form or record: order numbers, registration, warranty, bookings, reviews and feedback
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
 * Each is kept narrow so routine requests that share its vocabulary stay with the AI:
 * - complaint: dissatisfaction with the service, product or experience, or a wish to file a complaint;
 * - legal_compliance: explicit legal or regulatory matters (lawyers, lawsuits, regulators, GDPR/CCPA requests,
 *   chargeback threats, fraud, product safety);
 * - refund_dispute: a refund or charge the customer contests (double charge, refused or missing refund), not a
 *   question about how refunds work (refund_policy);
 * - human_request: an explicit ask for a human, agent or person, not a question about contact details (contact_info);
 * - complex_problem: multi-step technical failures, problems that persist after the usual fixes, unusual situations.
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
