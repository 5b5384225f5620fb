// Adapts stored conversation data to the pure triage engine: history as turns, the language we already know,
// the customer's attributes and the AI turns without resolution.

import { readFollowUpReply } from "../domain/answer/messages.ts";
import type { Triage } from "../domain/triage/triage.ts";
import type { HistoryTurn } from "../domain/triage/types.ts";
import type { InboundTriage } from "./conversation-service.ts";

/** `answererAvailable`: a knowledge-base responder judges answerability, so model uncertainty alone does not escalate. */
export function createInboundTriage(
  triage: Triage,
  options: { answererAvailable?: boolean } = {},
): InboundTriage {
  return {
    triage({ text, history, conversation, customer }) {
      // The latest AI or agent message, found from the end: no copy of a long history per message.
      let lastAi: (typeof history)[number] | undefined;
      for (let i = history.length - 1; i >= 0 && lastAi === undefined; i--) {
        const m = history[i];
        if (m !== undefined && (m.author === "ai" || m.author === "agent")) lastAi = m;
      }
      const expectingReply = lastAi?.author === "ai" && lastAi.awaitsReply;
      const turns: HistoryTurn[] = [];
      for (const m of history) {
        if (m.author === "system") continue;
        turns.push({
          role: m.author === "customer" ? "customer" : m.author === "ai" ? "ai" : "agent",
          text: m.text,
          frustration: m.frustration ?? undefined,
        });
      }
      // "great, and can I pay with Klarna?" says the last answer helped before asking more: as the responder does, the
      // count of AI turns without resolution starts again, so a customer with three questions is not handed over for
      // having asked them.
      const confirmsLast = expectingReply === true && readFollowUpReply(text).verdict === "resolved";
      const localeLanguage = customer?.locale ? customer.locale.split(/[-_]/)[0]?.toLowerCase() : undefined;
      return triage({
        text,
        history: turns,
        fallbackLanguage: conversation.language ?? localeLanguage,
        customer: { attributes: customer?.attributes ?? {} },
        aiTurnsUnresolved: confirmsLast ? 0 : conversation.aiTurnsUnresolved,
        expectingReply,
        answererAvailable: options.answererAvailable === true,
      });
    },
  };
}
