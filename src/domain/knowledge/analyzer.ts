// Language-aware text analysis for retrieval: one function turns text into index terms, the same for chunks and queries.

import { stemmer as stemNl } from "@orama/stemmers/dutch";
import { stemmer as stemEn } from "@orama/stemmers/english";
import { stemmer as stemFr } from "@orama/stemmers/french";
import { stemmer as stemDe } from "@orama/stemmers/german";
import { stemmer as stemIt } from "@orama/stemmers/italian";
import { stemmer as stemPt } from "@orama/stemmers/portuguese";
import { stemmer as stemEs } from "@orama/stemmers/spanish";
import { STOPWORDS } from "./stopwords.ts";
import {
  phraseRewriter,
  rulesOfGroups,
  SYNONYMS,
  type SynonymGroups,
  withChatSpellingsWritten,
  withCustom,
} from "./synonyms.ts";

/** Languages with a Snowball stemmer and a stopword list; anything else is analysed without stemming. */
export const STEMMED_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl"] as const;
export type StemmedLanguage = (typeof STEMMED_LANGUAGES)[number];

const STEMMERS: Record<StemmedLanguage, (w: string) => string> = {
  en: stemEn,
  es: stemEs,
  fr: stemFr,
  de: stemDe,
  pt: stemPt,
  it: stemIt,
  nl: stemNl,
};

// Words, numbers and identifiers with inner dots, hyphens or apostrophes ("2fa", "e-mail", "v1.2", "don't").
const WORD_RE = /[\p{L}\p{N}]+(?:[.'’_-][\p{L}\p{N}]+)*/gu;
// Joints that make compounds and identifiers ("e-mail", "mail.google.com", "user_name"); apostrophes are not among
// them: contractions are stopwords as a whole and elisions are stripped above.
const JOINT_RE = /[._-]+/u;
const DIACRITICS_RE = /\p{M}+/gu;
const ELISION_RE = /^(?:l|d|j|qu|n|s|c|m|t|all|dell|nell|sull)['’]/u; // French/Italian elided articles: "l'adresse"

/**
 * Words that only ask a question after another ("how long", "how soon"): "long" in "How long do refunds take?" asks
 * for a duration (see answer-type.ts), which the knowledge base states as "within 5 business days", never as
 * "long"; as a term it matched "as long as it is unused" in the returns section instead. Keyed "previous word": the
 * pair's second word is dropped. ("as long as" itself was tried too: it cost StackFAQ abstention F1 0.006.)
 */
const FUNCTION_PHRASES: Record<string, ReadonlySet<string>> = {
  en: new Set(["how long", "how soon", "how often", "how far", "how fast", "how quickly", "too late"]),
};

export interface Analyzer {
  readonly language: string;
  /** Index terms in order of appearance (stopwords removed, stemmed, accents folded). */
  terms(text: string): string[];
  /** Whether a lower-cased surface word is a stopword in this language. */
  isStopword(word: string): boolean;
  /**
   * Whether a term is one a phrase synonym writes for several words ("openinghour" for "opening hours"): made on
   * purpose, never two words typed as one.
   */
  isPhraseTerm(term: string): boolean;
}

/** Base language code of a BCP-47 tag: "en-GB" → "en". */
export function baseLanguage(tag: string | null | undefined): string {
  if (!tag) return "en";
  const base = tag.toLowerCase().split(/[-_]/)[0] ?? "en";
  return base.length >= 2 && base.length <= 3 ? base : "en";
}

const analyzers = new Map<string, Analyzer>();
let customSynonyms: SynonymGroups = {};

/**
 * Adds a team's synonym groups to the built-in ones, for every analyzer from now on. Call it once at start-up,
 * before any chunk is indexed: chunks already indexed keep the terms they were analysed with.
 */
export function useCustomSynonyms(groups: SynonymGroups): void {
  customSynonyms = groups;
  analyzers.clear();
}

/** The shared analyzer for a language (cached: each holds a stem cache that makes repeated words free). */
export function analyzerFor(language: string): Analyzer {
  const lang = baseLanguage(language);
  let a = analyzers.get(lang);
  if (!a) {
    a = createAnalyzer(lang);
    analyzers.set(lang, a);
  }
  return a;
}

function createAnalyzer(language: string): Analyzer {
  const stem = (STEMMERS as Record<string, ((w: string) => string) | undefined>)[language];
  const stop = STOPWORDS[language] ?? new Set<string>();
  // Snowball stemming costs microseconds per word; a bounded cache turns the common vocabulary into map lookups.
  const cache = new Map<string, string>();
  const CACHE_LIMIT = 200_000;
  const phraseWords = FUNCTION_PHRASES[language] ?? null;
  const own = customSynonyms[language];
  const synonyms = withCustom(SYNONYMS[language], own ? rulesOfGroups(own) : undefined);
  const rewritePhrases = phraseRewriter(synonyms);
  // Each synonym's term -> its group's first word's term, so "package" and "parcels" both index as "parcel".
  const synonymOf = new Map<string, string>();
  for (const group of synonyms?.words ?? []) {
    const head = analyse(group[0]!);
    if (head === null) continue;
    for (const w of group.slice(1)) {
      const t = analyse(w);
      if (t !== null && t !== head) synonymOf.set(t, head);
    }
  }

  function termOf(word: string): string | null {
    const cached = cache.get(word);
    if (cached !== undefined) return cached === "" ? null : cached;
    let out = analyse(word);
    if (out !== null) out = synonymOf.get(out) ?? out;
    if (cache.size < CACHE_LIMIT) cache.set(word, out ?? "");
    return out;
  }

  /** A word's term before synonyms: elisions and possessives dropped, stopwords out, stemmed, accents folded. */
  function analyse(word: string): string | null {
    let w = word.replaceAll("’", "'");
    if (language === "fr" || language === "it") w = w.replace(ELISION_RE, "");
    if (language === "en" && w.endsWith("'s")) w = w.slice(0, -2);
    let out: string | null;
    // Single letters are kept ("Plan X", "vitamin C"): the stopword lists hold the ones that are noise ("a", "s").
    if (stop.has(w)) out = null;
    else {
      // Stemmers expect plain words; identifiers with punctuation ("v1.2", "e-mail") are kept whole.
      const plain = /^[\p{L}]+$/u.test(w);
      const stemmed = plain && stem ? stem(language === "en" ? verbOfEryNoun(w) : w) : w;
      out = stemmed.normalize("NFKD").replace(DIACRITICS_RE, "");
      if (out.length === 0) out = null;
    }
    return out;
  }

  const phraseTerms = new Set(
    (synonyms?.phrases ?? []).flatMap((p) => p.to.split(" ")).flatMap((w) => termOf(w) ?? []),
  );

  return {
    language,
    terms(text: string): string[] {
      const out: string[] = [];
      let previous = "";
      const lower = withChatSpellingsWritten(text.toLowerCase(), language);
      for (const m of (rewritePhrases ? rewritePhrases(lower) : lower).matchAll(WORD_RE)) {
        const word = m[0];
        const framed = phraseWords !== null && phraseWords.has(`${previous} ${word}`);
        previous = word;
        if (framed) continue;
        const t = termOf(word);
        if (t !== null) out.push(t);
        if (!JOINT_RE.test(word)) continue;
        // "e-mail" also matches "email" and "mail", "mail.google.com" matches "google": the whole identifier, the
        // joined form of hyphenated words and every part (analysed like a word) are all terms.
        if (word.includes("-")) {
          const joined = termOf(word.replaceAll("-", ""));
          if (joined !== null && joined !== t) out.push(joined);
        }
        for (const part of word.split(JOINT_RE)) {
          // A one-letter part ("e" of "e-mail") is a prefix, not a word of its own.
          const p = part.length > 1 || /\p{N}/u.test(part) ? termOf(part) : null;
          if (p !== null && p !== t) out.push(p);
        }
      }
      return out;
    },
    isStopword(word: string): boolean {
      return stop.has(word.toLowerCase());
    },
    isPhraseTerm(term: string): boolean {
      return phraseTerms.has(term);
    },
  };
}

/**
 * Snowball leaves "-ery" nouns apart from the verbs they name ("delivery" → "deliveri", "deliver" → "deliv"), so "Do
 * you deliver to Norway?" missed every "Delivery" heading. Stemming the "-er" form instead joins them ("recovery",
 * "discovery", "machinery"); the four letters before "-er" keep short words ("query", "every", "bakery") as they are.
 */
function verbOfEryNoun(word: string): string {
  const m = /^([a-z]{4,}er)(?:y|ies)$/.exec(word);
  return m ? m[1]! : word;
}
