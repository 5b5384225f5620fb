// What a model's reply may tell a customer. The prompt asks for facts from the passages, each cited; a model can
// ignore its prompt, so the reply is held to it here before anyone reads it. A sentence that cites only passages the
// model was never given goes (its claim has no source); an echo of the instructions, or an email address or number
// found neither in the passages nor in the conversation, refuses the whole reply: the extractive answer, or a
// person, takes over.

import { splitSentences } from "../knowledge/chunker.ts";
import type { Passage } from "../knowledge/knowledge-index.ts";
import { echoesInstructions, instructionRuns } from "./prompt-echo.ts";

/** Why a reply was refused; recorded as the fallback's reason, never shown to the customer. */
export type ReplyRefusal = "LLM_UNCITED" | "LLM_PROMPT_ECHO" | "LLM_UNGROUNDED_DETAIL";

const MARKER_RE = /\[(\d{1,2})\]/g;
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * The reply with the sentences that cite only missing passages removed, or why it must not be sent. `said`: what
 * the conversation holds (the customer's messages, earlier replies), where a number or address may also come from.
 */
export function groundReply(
  reply: string,
  passages: readonly Passage[],
  said: readonly string[],
  instructions: string,
): { ok: true; text: string } | { ok: false; error: ReplyRefusal } {
  if (echoesInstructions(reply, instructionRuns(instructions)))
    return { ok: false, error: "LLM_PROMPT_ECHO" };
  const given = (n: string) => Number(n) >= 1 && Number(n) <= passages.length;
  let text = reply;
  for (const sentence of splitSentences(reply)) {
    const cited = [...sentence.matchAll(MARKER_RE)].map((m) => m[1] as string);
    if (cited.length > 0 && !cited.some(given)) text = text.replace(sentence, "");
  }
  text = text.replace(/[ \t]{2,}/g, " ").trim();
  if (![...text.matchAll(MARKER_RE)].some((m) => given(m[1] as string)))
    return { ok: false, error: "LLM_UNCITED" };
  const sources = [...passages.map((p) => `${p.chunk.title}\n${p.chunk.text}`), ...said].join("\n");
  const plain = text.replace(MARKER_RE, " ");
  if (ungroundedAddress(plain, sources) || ungroundedNumber(plain, sources))
    return { ok: false, error: "LLM_UNGROUNDED_DETAIL" };
  return { ok: true, text };
}

/** Whether the text gives an email address the sources do not contain: a made-up contact, or someone else's. */
export function ungroundedAddress(text: string, sources: string): boolean {
  return (text.match(EMAIL_RE) ?? []).some((address) => !sources.includes(address));
}

/** Whether the text states a number the sources do not contain: invented data (an order number, a price, a date). */
export function ungroundedNumber(text: string, sources: string): boolean {
  const known = digitRuns(sources);
  return [...digitRuns(text)].some((run) => !known.has(run));
}

/** Whether a refusal is about what the reply says rather than the provider failing. */
export function isReplyRefusal(error: string): error is ReplyRefusal {
  return error === "LLM_UNCITED" || error === "LLM_PROMPT_ECHO" || error === "LLM_UNGROUNDED_DETAIL";
}

/** The numbers of a text as digit runs without leading zeros: "09:30" and "9.30" hold the same ones. */
function digitRuns(text: string): Set<string> {
  return new Set((text.match(/\d+/g) ?? []).map((d) => d.replace(/^0+(?=\d)/, "")));
}
