// Which language a conversation is in: what the customer's notices are written in and which agents may take it.
//
// A conversation starts with the locale the widget declared, which is the browser's: a guess. A German customer on
// an English laptop writes German, and must not be told "I'm connecting you with a member of our team" after a German
// answer, nor be queued for agents who only speak English. So what the customer writes overrides the declared
// locale, once it is detected surely; a short or mixed message ("ok", "merci", "I want to cancel, bitte") never does.

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

/** The conversation's language after a customer message, or null when it stays as it is. */
export function conversationLanguageAfter(current: string | null, detected: DetectedLanguage): string | null {
  if (detected.language === "und" || detected.language === current) return null;
  const needed = current ? SWITCH_LANGUAGE_CONFIDENCE : SET_LANGUAGE_CONFIDENCE;
  return detected.languageConfidence >= needed ? detected.language : null;
}
