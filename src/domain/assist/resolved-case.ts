// Turns a resolved conversation into a case for the similar-case index. Its notes are shown to other agents on
// other customers' conversations ("cases like this were resolved by …"), so they say what resolved the case and
// never who it was: that customer's name, email, phone, card or order numbers are replaced by placeholders.

import type { Conversation, Customer, Message } from "../model.ts";
import type { ResolvedCase } from "./similar-cases.ts";

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
// Seven or more digits with the separators phone numbers are written with; checked before shorter numbers.
const PHONE = /\+?\d(?:[ ().-]{0,2}\d){6,}/g;
// Order, card, account and ticket numbers: any run of four or more digits ("ending 4242", "order 884213").
const NUMBER = /(?<![\p{L}\p{N}])\d{4,}(?![\p{N}])/gu;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Removes what identifies a customer from text another agent will read: emails, phone numbers, long numbers and the
 * given names (each word of the customer's name and email's local part, whole words, any case).
 */
export function redactPersonalData(text: string, names: readonly (string | null | undefined)[] = []): string {
  let out = text.replace(EMAIL, "[email]").replace(PHONE, "[phone]").replace(NUMBER, "[number]");
  const words = new Set<string>();
  for (const n of names) {
    for (const w of (n ?? "").split(/[^\p{L}\p{N}'-]+/u)) if (w.length >= 2) words.add(w);
  }
  if (words.size > 0) {
    const alternatives = [...words]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|");
    out = out.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, "giu"),
      "[customer]",
    );
  }
  return out;
}

/**
 * The case a resolved conversation teaches: the customer's opening messages as the issue, and as notes what
 * resolved it — the agent's last public lines, or for a customer who confirmed the AI's answer, that answer.
 * Null when nothing says what resolved it (the customer closed the chat, nobody answered): a "next step" with no
 * step in it only clutters the panel.
 */
export function resolvedCaseFrom(
  conversation: Pick<Conversation, "id" | "resolutionCode" | "resolvedAt">,
  messages: readonly Message[],
  customer: Pick<Customer, "name" | "email"> | null,
): ResolvedCase | null {
  const visible = messages.filter((m) => !m.internal);
  const customerTexts = visible
    .filter((m) => m.author === "customer")
    .slice(0, 3)
    .map((m) => m.text);
  let notes = visible
    .filter((m) => m.author === "agent")
    .slice(-2)
    .map((m) => m.text);
  if (notes.length === 0 && conversation.resolutionCode === "customer_confirmed") {
    const answer = visible.filter((m) => m.author === "ai" && m.meta?.kind !== "resolution_confirmed").at(-1);
    if (answer) notes = [answer.text];
  }
  if (notes.length === 0 || customerTexts.length === 0) return null;
  const names = [customer?.name, customer?.email?.split("@")[0]];
  return {
    conversationId: conversation.id,
    issueText: customerTexts.join(" "),
    resolutionCode: conversation.resolutionCode ?? "resolved",
    resolutionNotes: redactPersonalData(notes.join(" "), names),
    resolvedAt: conversation.resolvedAt ?? undefined,
  };
}
