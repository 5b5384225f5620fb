// The words customers use for what a support knowledge base names otherwise: "package" for "parcel", "money back"
// for "refund", "log in" for "sign in", "2FA" for "two-factor authentication". BM25 and answerability count only
// the words a passage shares with the question, so a question in the customer's words found nothing, and the AI
// declined what the knowledge base answers.
//
// Written by hand for the support domain rather than learned: the word vectors place antonyms and co-hyponyms as
// close as synonyms ("refund" / "payment", "delete" / "create"), and learning associations from a knowledge base's
// own chunks was tried and measured as noise (bench/results/knowledge.md). Only pairs that mean the same thing in a
// customer's question belong here; a word with a second common sense ("company", "close", "charge") joins only
// inside a phrase that fixes the sense ("close my account").
//
// Both rewrites are applied to chunks and questions alike (the analyzer does it), so they meet in one term.

/** A phrase rewritten before tokenising: lower-case text, whole words. */
interface PhraseRule {
  /** A regular-expression source without capturing groups. */
  pattern: string;
  to: string;
}

export interface SynonymRules {
  phrases: readonly PhraseRule[];
  /** Groups of words that mean the same; each group's words all become the first word's term. */
  words: readonly (readonly string[])[];
}

const EN: SynonymRules = {
  phrases: [
    { pattern: String.raw`(?:log|sign)(?:ged|ging|ed|ing|s)?[ -]?(?:in|on)(?:to)?`, to: "signin" },
    {
      pattern: String.raw`(?:two|2)[ -]?(?:factor|step)(?: authentication| verification| auth)?|2fa|mfa|multi[ -]?factor(?: authentication)?`,
      to: "twofactor",
    },
    { pattern: String.raw`money back`, to: "refund" },
    { pattern: String.raw`(?:don'?t|do not|can'?t|cannot|can not) remember`, to: "forgot" },
    { pattern: String.raw`not what (?:i|we) (?:ordered|bought|paid for)`, to: "wrong item" },
    { pattern: String.raw`send(?:ing)? (?:it |them |this |that |the item |the items )?back`, to: "return" },
    { pattern: String.raw`clos(?:e|ing) (?:my |the |our |an |this )?account`, to: "delete account" },
    { pattern: String.raw`(?:marketing|promotional|promo|advertising) e-?mails?`, to: "newsletter" },
    { pattern: String.raw`opt(?:ed|ing)?[ -]out`, to: "unsubscribe" },
    { pattern: String.raw`gift (?:voucher|certificate)s?`, to: "gift card" },
    { pattern: String.raw`look(?:s|ed|ing)? after`, to: "care for" },
    { pattern: String.raw`where(?:'s| is) my (?:order|parcel|package|delivery)`, to: "track parcel" },
    // Country abbreviations; "us" stays a pronoun.
    { pattern: String.raw`uk|u\.k\.`, to: "united kingdom" },
    { pattern: String.raw`usa|u\.s\.a?\.?`, to: "united states" },
    { pattern: String.raw`eu`, to: "european union" },
  ],
  words: [
    ["parcel", "package"],
    ["delete", "remove", "erase"],
    ["refund", "reimburse", "reimbursement"],
    ["damaged", "broken", "broke", "defective", "faulty", "cracked"],
    ["wrong", "incorrect"],
    ["invoice", "receipt"],
    ["warranty", "guarantee"],
    ["ship", "dispatch"],
    ["forgot", "forget", "forgotten"],
    ["buy", "bought", "purchase"],
    ["voucher", "coupon"],
    ["phone", "telephone"],
    ["vat", "tax"],
    ["unsubscribe", "unsubscribed"],
    // British and American spellings.
    ["colour", "color"],
    ["catalogue", "catalog"],
    ["centre", "center"],
    ["favourite", "favorite"],
    ["grey", "gray"],
    ["jewellery", "jewelry"],
    ["licence", "license"],
    ["instalment", "installment"],
  ],
};

export const SYNONYMS: Readonly<Record<string, SynonymRules>> = { en: EN };

/** One pass over lower-case text that applies every phrase rule, or null when the language has none. */
export function phraseRewriter(rules: SynonymRules | undefined): ((text: string) => string) | null {
  if (!rules || rules.phrases.length === 0) return null;
  // One alternation with a group per rule: a single scan of the text, whichever rule matches.
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${rules.phrases.map((r) => `(${r.pattern})`).join("|")})(?![\\p{L}\\p{N}])`,
    "gu",
  );
  const targets = rules.phrases.map((r) => r.to);
  return (text) =>
    text.replace(re, (...m: unknown[]) => {
      for (let i = 0; i < targets.length; i++) if (m[i + 1] !== undefined) return targets[i]!;
      return m[0] as string;
    });
}
