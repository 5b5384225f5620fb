// The AI front line: answers a customer message from the knowledge base (or an LLM grounded in it), runs routine
// actions, asks "did that solve it?" and records the answer, and hands over plainly when it cannot resolve.

import type { PendingAction } from "../domain/actions/dialog.ts";
import type { Answerer, AnswerResult } from "../domain/answer/answerer.ts";
import {
  boundaryMessage,
  followUpQuestion,
  onlyTells,
  readFollowUpReply,
  saysSmallTalk,
} from "../domain/answer/messages.ts";
import { goesInCircles } from "../domain/answer/repeats.ts";
import { analyzerFor } from "../domain/knowledge/analyzer.ts";
import { isAcknowledgement } from "../domain/triage/acknowledgement.ts";
import { actionHandoverEntry, actionTurnEntry, boundaryMeta } from "../domain/handoff/index.ts";
import type { Message, Tier } from "../domain/model.ts";
import type { StreamEvent } from "../ports/bus.ts";
import type { Responder, ResponderContext, ResponderOutcome } from "../ports/responder.ts";

/** Small talk the AI handles without the knowledge base. */
const SMALL_TALK: Record<string, Record<string, string>> = {
  greeting: {
    en: "Hi! I'm the virtual assistant. How can I help you today?",
    es: "¡Hola! Soy el asistente virtual. ¿En qué puedo ayudarte?",
    fr: "Bonjour ! Je suis l'assistant virtuel. Comment puis-je vous aider ?",
    de: "Hallo! Ich bin der virtuelle Assistent. Wie kann ich helfen?",
    pt: "Olá! Sou o assistente virtual. Como posso ajudar?",
    it: "Ciao! Sono l'assistente virtuale. Come posso aiutarti?",
    nl: "Hallo! Ik ben de virtuele assistent. Waarmee kan ik je helpen?",
  },
  thanks: {
    en: "You're welcome! Is there anything else I can help with?",
    es: "¡De nada! ¿Puedo ayudarte con algo más?",
    fr: "Avec plaisir ! Puis-je vous aider pour autre chose ?",
    de: "Gern geschehen! Kann ich sonst noch helfen?",
    pt: "De nada! Posso ajudar com mais alguma coisa?",
    it: "Prego! Posso aiutarti con qualcos'altro?",
    nl: "Graag gedaan! Kan ik je nog ergens anders mee helpen?",
  },
  goodbye: {
    en: "Goodbye, and thanks for contacting us!",
    es: "¡Adiós y gracias por contactarnos!",
    fr: "Au revoir et merci de nous avoir contactés !",
    de: "Auf Wiedersehen und danke für Ihre Nachricht!",
    pt: "Adeus e obrigado pelo contacto!",
    it: "Arrivederci e grazie per averci contattato!",
    nl: "Tot ziens en bedankt voor je bericht!",
  },
};

const RESOLVED_THANKS: Record<string, string> = {
  en: "Great, I'm glad that helped! I'll close this conversation; write here any time if you need anything else.",
  es: "¡Genial, me alegro de haber ayudado! Cierro esta conversación; escríbenos cuando quieras.",
  fr: "Parfait, ravi d'avoir pu aider ! Je clôture cette conversation ; écrivez-nous quand vous voulez.",
  de: "Super, freut mich, dass es geholfen hat! Ich schließe dieses Gespräch; schreiben Sie jederzeit wieder.",
  pt: "Ótimo, fico contente por ter ajudado! Vou encerrar esta conversa; escreva aqui sempre que precisar.",
  it: "Perfetto, sono contento di esserti stato utile! Chiudo questa conversazione; scrivici quando vuoi.",
  nl: "Fijn dat het geholpen heeft! Ik sluit dit gesprek; schrijf hier gerust als je nog iets nodig hebt.",
};

const ANYTHING_ELSE: Record<string, string> = {
  en: "Is there anything else I can help you with?",
  es: "¿Puedo ayudarte con algo más?",
  fr: "Puis-je vous aider pour autre chose ?",
  de: "Kann ich Ihnen sonst noch helfen?",
  pt: "Posso ajudar com mais alguma coisa?",
  it: "Posso aiutarti con qualcos'altro?",
  nl: "Kan ik je ergens anders mee helpen?",
};

/**
 * The message has no word a knowledge base could be searched for ("can you help me?", "I have a question"). An empty
 * knowledge base has nothing to search for any message, and must still hand over.
 */
function asksNothing(text: string, language: string | null): boolean {
  return analyzerFor(language ?? "en").terms(text).length === 0;
}

/** An opening that asks nothing yet ("can you help me?"). */
const WHAT_DO_YOU_NEED: Record<string, string> = {
  en: "Of course. What can I help you with?",
  es: "Claro. ¿En qué puedo ayudarte?",
  fr: "Bien sûr. En quoi puis-je vous aider ?",
  de: "Gern. Wobei kann ich Ihnen helfen?",
  pt: "Claro. Em que posso ajudar?",
  it: "Certo. In cosa posso aiutarti?",
  nl: "Natuurlijk. Waarmee kan ik je helpen?",
};

/** An opening that tells something and asks nothing the knowledge base holds ("I'm about to order two tables"). */
const WHAT_DO_YOU_NEED_WITH_IT: Record<string, string> = {
  en: "Thanks for letting me know. What would you like me to help you with?",
  es: "Gracias por contármelo. ¿En qué quieres que te ayude?",
  fr: "Merci de me le dire. En quoi puis-je vous aider ?",
  de: "Danke für die Information. Wobei kann ich Ihnen helfen?",
  pt: "Obrigado por me dizer. Em que posso ajudar?",
  it: "Grazie per avermelo detto. In cosa posso aiutarti?",
  nl: "Bedankt dat je het laat weten. Waarmee kan ik je helpen?",
};

/** After "kind of" / "I guess" to "did that solve it?". */
const STILL_MISSING: Record<string, string> = {
  en: "What is still missing? Tell me and I'll look it up, or I can connect you with a person.",
  es: "¿Qué falta todavía? Dímelo y lo busco, o te pongo en contacto con una persona.",
  fr: "Qu'est-ce qui manque encore ? Dites-le-moi et je cherche, ou je vous mets en relation avec une personne.",
  de: "Was fehlt noch? Sagen Sie es mir und ich sehe nach, oder ich verbinde Sie mit einer Person.",
  pt: "O que ainda falta? Diga-me e eu procuro, ou ponho-o em contacto com uma pessoa.",
  it: "Cosa manca ancora? Dimmelo e lo cerco, oppure ti metto in contatto con una persona.",
  nl: "Wat ontbreekt er nog? Zeg het me en ik zoek het op, of ik verbind je met een medewerker.",
};

const pick = (table: Record<string, string>, language: string | null) =>
  table[language ?? "en"] ?? (table.en as string);

/**
 * The language to answer in: what triage detected, else what the conversation or the customer's locale says, else
 * null (the knowledge base's default). "und" ("ok", "LC-10234") is no language: answering it with "I can't answer in
 * your language" told English speakers their language was not supported.
 */
function replyLanguage(
  detected: string | undefined,
  conversation: string | null,
  locale: string | null | undefined,
) {
  if (detected && detected !== "und") return detected;
  if (conversation) return conversation;
  const fromLocale = locale?.split(/[-_]/)[0]?.toLowerCase();
  return fromLocale && /^[a-z]{2,3}$/.test(fromLocale) ? fromLocale : null;
}

/** The events of a streamed answer: its text as it is generated, then one end, whatever becomes of it. */
export type AiStreamEvent = Extract<StreamEvent, { type: "ai_delta" | "ai_stream_end" }>;

export interface AiResponderDeps {
  answerer: Answerer;
  /**
   * Streams LLM tokens to the customer as they are generated (`ai_delta`), under a stream id per answer (the id of the
   * customer message it answers), and closes every answer that streamed with one `ai_stream_end` once the answer
   * call is over: the reply that is stored afterwards may not be what streamed (a withdrawn reply, a handover), or
   * nothing may be stored at all (a person took over, an error).
   */
  onStream?: (event: AiStreamEvent) => void;
  /** Resolves the conversation on the AI's side once the customer confirmed the answer helped. */
  resolveByAi: (conversationId: string, text: string) => Promise<void>;
}

/** The AI's last message, when it is awaiting the customer's answer to "did that solve it?" or an action step. */
function lastAiTurn(history: readonly Message[], before: number): Message | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i] as Message;
    if (m.seq >= before) continue;
    if (m.author === "ai") return m;
    if (m.author === "agent" || (m.author === "system" && m.meta?.kind !== "queued")) return null;
  }
  return null;
}

/** A question of its own after a "no" ("no, is there express to Norway?"), not a restatement ("no, still broken"). */
function asksSomethingElse(rest: string): boolean {
  const words = rest.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length >= 3 && /\?\s*$/u.test(rest);
}

/**
 * One answer's stream: its deltas, then one end once anything streamed. Nothing is sent after the end (a model
 * adapter still calling back after an abort), and an answer that streamed nothing sends no end.
 */
function answerStream(emit: (event: AiStreamEvent) => void, conversationId: string, streamId: string) {
  let state: "idle" | "streaming" | "ended" = "idle";
  return {
    delta: (text: string): void => {
      if (state === "ended" || text === "") return;
      state = "streaming";
      emit({ type: "ai_delta", conversationId, streamId, text });
    },
    end: (): void => {
      if (state === "streaming") emit({ type: "ai_stream_end", conversationId, streamId });
      state = "ended";
    },
  };
}

export function createAiResponder(deps: AiResponderDeps): Responder {
  return {
    async respond(ctx: ResponderContext): Promise<ResponderOutcome> {
      const { conversation, customer, message, history, signal } = ctx;
      const triage = message.triage;
      const language = replyLanguage(triage?.language, conversation.language, customer?.locale);
      const tier = (triage?.tier ?? 1) as Tier;
      const previous = lastAiTurn(history, message.seq);
      const pendingAction = (previous?.meta?.pendingAction as PendingAction | undefined) ?? null;

      // The customer answers "did that solve it?": resolution is measured, not assumed.
      let question = message.text;
      let previousConfirmed = false;
      if (previous?.meta?.askedResolved && !pendingAction) {
        const reply = readFollowUpReply(message.text);
        if (reply.verdict === "resolved" && reply.rest === "") {
          await deps.resolveByAi(conversation.id, pick(RESOLVED_THANKS, language));
          return { kind: "none" };
        }
        if (reply.verdict === "resolved") {
          // "Yes, and how do I return it?": the last answer helped, and there is a new question to answer.
          question = reply.rest;
          previousConfirmed = true;
        } else if (reply.verdict === "partly") {
          // "Kind of" / "I guess": not a resolution to record, not a "no" to hand over on; ask what is missing,
          // or answer it when the customer already says ("kind of, but what if I lost the receipt?").
          if (reply.rest === "")
            return {
              kind: "reply",
              text: pick(STILL_MISSING, language),
              meta: { kind: "small_talk", intent: "partly_resolved" },
            };
          question = reply.rest;
        } else if (reply.verdict === "unresolved" && asksSomethingElse(reply.rest)) {
          // "No, I need it faster: is there express to Norway?": the answer did not do, and the customer says what
          // would. That question is answered; a "no" to it hands over as any other.
          question = reply.rest;
        } else if (reply.verdict === "unclear" && isAcknowledgement(message.text)) {
          // "never mind", "no worries": the customer lets it go. Neither a resolution nor a "no" to hand over on.
          return {
            kind: "reply",
            text: pick(ANYTHING_ELSE, language),
            meta: { kind: "small_talk", intent: "acknowledgement" },
          };
        } else if (reply.verdict === "unresolved") {
          return {
            kind: "escalate",
            tier,
            reasons: ["cannot_answer"],
            text: boundaryMessage("cannot_answer", language),
            ...(language ? { language } : {}),
            meta: boundaryMeta({ reason: "customer_said_unresolved" }),
          };
        }
      } else if (!pendingAction && isAcknowledgement(message.text)) {
        // "ok", "cool" with nothing asked: nothing to look up and nothing to hand over.
        return {
          kind: "reply",
          text: pick(previous ? ANYTHING_ELSE : (SMALL_TALK.greeting as Record<string, string>), language),
          meta: { kind: "small_talk", intent: "acknowledgement" },
        };
      }

      const intent = triage?.intent ?? null;
      // The intent is the whole message's: "ok thanks, and how do I make a claim?" reads as thanks, but once the
      // thanks is read as the reply to "did that solve it?", what is left is a question to answer.
      if (
        intent &&
        SMALL_TALK[intent] &&
        !pendingAction &&
        question === message.text &&
        (triage?.confidence ?? 0) >= 0.5 &&
        saysSmallTalk(intent, message.text)
      ) {
        return {
          kind: "reply",
          text: pick(SMALL_TALK[intent] as Record<string, string>, language),
          meta: { kind: "small_talk", intent },
        };
      }

      const turns = history
        .filter((m) => !m.internal && m.author !== "system" && m.seq < message.seq)
        .slice(-10)
        .map((m) => ({
          role:
            m.author === "customer"
              ? ("customer" as const)
              : m.author === "ai"
                ? ("ai" as const)
                : ("agent" as const),
          text: m.text,
        }));
      const stream = deps.onStream ? answerStream(deps.onStream, conversation.id, message.id) : null;
      let result: AnswerResult;
      try {
        result = await deps.answerer.answer(
          {
            text: question,
            language,
            history: turns,
            signal,
            identity: customer
              ? { customerId: customer.id, email: customer.email, externalId: customer.externalId }
              : null,
            conversationId: conversation.id,
            intent,
            pendingAction,
          },
          { onDelta: stream?.delta },
        );
      } finally {
        stream?.end();
      }

      switch (result.kind) {
        case "answer":
          // The same answer again to the same question means it did not help; to a new subject it may just be right.
          if (
            !result.newSubject &&
            goesInCircles(history, message.seq, question, result.text, result.language)
          )
            return {
              kind: "escalate",
              tier,
              reasons: ["cannot_answer"],
              text: boundaryMessage("cannot_answer", language),
              ...(language ? { language } : {}),
              meta: boundaryMeta({ reason: "answer_repeated", usage: result.usage }),
            };
          return {
            kind: "reply",
            text: `${result.text}\n\n${followUpQuestion(result.language)}`,
            meta: {
              kind: "answer",
              mode: result.mode,
              citations: result.citations,
              passages: result.passages
                .slice(0, 3)
                .map((p) => ({ documentId: p.documentId, title: p.title, score: p.score })),
              askedResolved: true,
              usage: result.usage,
              // Why LLM mode answered with the embedded answer (a timeout, a provider error, a reply that failed its
              // checks): for the console and the logs, never for the customer.
              ...(result.fallback ? { fallback: result.fallback } : {}),
              ...(previousConfirmed ? { previousConfirmed: true } : {}),
              answered: true,
            },
          };
        case "action": {
          const failed = result.status === "refused" && !result.pending;
          const done = result.status === "done";
          // The parameters gathered so far: this turn's pending state, or last turn's when this one finished it.
          const params =
            result.pending?.params ?? (pendingAction?.action === result.action ? pendingAction.params : null);
          return {
            kind: "reply",
            text: done ? `${result.text}\n\n${followUpQuestion(result.language)}` : result.text,
            meta: {
              kind: result.status === "confirming" ? "action_confirmation" : "action",
              actions: [
                actionTurnEntry({ action: result.action, status: result.status, text: result.text, params }),
              ],
              pendingAction: result.pending,
              usage: result.usage,
              ...(result.status === "confirming"
                ? {
                    options: [
                      { id: "yes", label: "Yes" },
                      { id: "no", label: "No" },
                    ],
                  }
                : {}),
              ...(failed ? { failed: true } : {}),
              ...(done ? { askedResolved: true } : {}),
              ...(previousConfirmed ? { previousConfirmed: true } : {}),
            },
          };
        }
        case "cannot_answer": {
          // "can you help me?", "I have a question" as the opening: nothing asked yet, so ask what it is rather than
          // hand over. After an answer, a message with nothing to search ("why???") still goes to a person.
          if (
            result.reason === "nothing_to_search" &&
            asksNothing(question, result.language) &&
            !pendingAction &&
            (!previous || previous.meta?.kind === "small_talk")
          )
            return {
              kind: "reply",
              text: pick(WHAT_DO_YOU_NEED, language),
              meta: { kind: "small_talk", intent: "nothing_asked" },
            };
          // "sent my return back last week with the label you emailed": an opening that tells and asks nothing the
          // knowledge base holds is asked what the customer needs, once; a person takes what they then ask, if the
          // AI cannot answer it either.
          if (
            result.reason === "not_in_knowledge_base" &&
            !result.partial &&
            !pendingAction &&
            (!previous ||
              (previous.meta?.kind === "small_talk" && previous.meta.intent !== "told_without_asking")) &&
            onlyTells(question, result.language)
          )
            return {
              kind: "reply",
              text: pick(WHAT_DO_YOU_NEED_WITH_IT, language),
              meta: { kind: "small_talk", intent: "told_without_asking" },
            };
          const actionReason =
            result.reason === "action_failed" || result.reason === "action_incomplete" ? result.reason : null;
          // The action that ended in this handover is known when it was prepared over earlier turns (the pending
          // action); one run straight from the customer's message is not named by the answer result.
          const failedAction =
            actionReason && pendingAction
              ? [actionHandoverEntry(pendingAction.action, actionReason, pendingAction.params)]
              : null;
          // The part of a two-question message the AI could answer is said before the handover of the rest.
          const partial = result.partial;
          return {
            kind: "escalate",
            tier,
            reasons: [actionReason ? "action_failed" : "cannot_answer"],
            text: partial ? `${partial.text}\n\n${result.boundaryMessage}` : result.boundaryMessage,
            language: result.language,
            meta: boundaryMeta({
              reason: result.reason,
              detail: result.detail ?? null,
              usage: result.usage,
              ...(failedAction ? { actions: failedAction } : {}),
              // The agent sees which question is still open.
              ...(partial ? { citations: partial.citations, unansweredQuestion: partial.unanswered } : {}),
            }),
          };
        }
      }
    },
  };
}
