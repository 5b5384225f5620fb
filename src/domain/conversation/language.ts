// Which language a conversation is in: what the customer's notices are written in and which agents may take it.
//
// A conversation starts with the locale the widget declared, which is the browser's: a guess. A German customer on
// an English laptop writes German, and must not be told "I'm connecting you with a member of our team" after a German
// answer, nor be queued for agents who only speak English. So what the customer writes overrides the declared
// locale: the first message whenever it is detected at all, a later one once it is detected surely; a short or mixed
// message later on ("ok", "merci", "I want to cancel, bitte") never does.

/** What triage detected in one customer message (TriageResult fits). */
export interface DetectedLanguage {
  /** BCP-47 primary tag; "und" when undetermined. */
  language: string;
  /** [0, 1]. */
  languageConfidence: number;
}

/** Enough to set a language the conversation does not have yet. */
export const SET_LANGUAGE_CONFIDENCE = 0.5;
/**
 * Needed to override one it has: a full sentence scores 0.7 to 0.98 (measured on support messages), while a message
 * whose language triage took from the conversation itself scores 0.5 and a sentence with a foreign word in it less.
 */
export const SWITCH_LANGUAGE_CONFIDENCE = 0.7;

/**
 * The conversation's language after a customer message, or null when it stays as it is. `written`: whether the
 * customer wrote before this message. Until they have, the language is only the browser's guess, and their first
 * message sets it as if there were none: "Quiero hablar con una persona" (0.57: "con", "una" and "persona" are
 * Italian too) must not be answered with an English notice because the laptop is American.
 */
export function conversationLanguageAfter(
  current: string | null,
  detected: DetectedLanguage,
  written = true,
): string | null {
  if (detected.language === "und" || detected.language === current) return null;
  const needed = current && written ? SWITCH_LANGUAGE_CONFIDENCE : SET_LANGUAGE_CONFIDENCE;
  return detected.languageConfidence >= needed ? detected.language : null;
}
