// Messages that only acknowledge ("ok", "got it", "yes", "👍", "never mind"): nothing to classify, answer or hand over. Triage
// names them itself instead of asking the intent model, which has no such class and called "ok" out of scope (a
// person for every "ok" a customer types).

/** What a bare acknowledgement says, matched case-insensitively on the whole trimmed message; plus "k", "kk", ... */
const PHRASES = [
  "ok",
  "okay",
  "okey",
  "okie",
  "cool",
  "great",
  "nice",
  "alright",
  "all right",
  "fine",
  "sure",
  "sure thing",
  "got it",
  "gotcha",
  "understood",
  "noted",
  "i see",
  "makes sense",
  "sounds good",
  "perfect",
  "awesome",
  "excellent",
  "yes",
  "yeah",
  "yep",
  "yup",
  "no",
  "nope",
  "nah",
  // Dropping what was asked: the AI lets it go, nobody is paged.
  "never mind",
  "nevermind",
  "nvm",
  "no worries",
  "no problem",
  "doesn't matter",
  "vale",
  "d'accord",
  "entendido",
  "verstanden",
  "alles klar",
  "prima",
  "👍",
  "👌",
  "🙂",
  "😊",
];

const ACKNOWLEDGEMENT = new RegExp(
  `^(?:k+|${PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`,
  "iu",
);

/** Longest message that can be a bare acknowledgement; longer ones are not even tested. */
const MAX_LENGTH = 24;

/**
 * Most words (runs of letters between spaces) an acknowledgement holds: a message with more is none, which a caller
 * that has already counted the words can tell without the trimming and matching below.
 */
export const ACKNOWLEDGEMENT_MAX_WORDS = Math.max(...PHRASES.map((p) => p.split(" ").length));

/** Whether the message only acknowledges: "ok", "Got it!", "yes.", "👍". */
export function isAcknowledgement(text: string): boolean {
  if (text.length > MAX_LENGTH + 8) return false;
  const t = text
    .trim()
    .replace(/[\s,.;:!?)(…]+$/u, "")
    .replace(/\s+/g, " ");
  return t.length > 0 && t.length <= MAX_LENGTH && ACKNOWLEDGEMENT.test(t);
}
