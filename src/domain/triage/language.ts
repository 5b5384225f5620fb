// Which language a customer writes in, with confidence, so replies and agent routing can follow it.
//
// Hand-written rather than franc: franc's trigram profiles misread short support messages (it calls short English
// Afrikaans) and cost tens of microseconds; function words plus script ranges decide the languages Tandem
// supports in about a microsecond, and anything too short to judge falls back to what the conversation knows.
import { roundThousandths } from "./round.ts";
import { type AnalysedText, analyseText, type ScriptCounts } from "./text.ts";
import { type LatinLanguage, SUPPORTED_LATIN_LANGUAGES } from "./vocabulary.ts";

export interface LanguageResult {
  /** BCP-47 primary tag, or "und" when nothing can be said and no fallback is known. */
  language: string;
  /** [0, 1]; the fallback's confidence is reported as FALLBACK_CONFIDENCE. */
  confidence: number;
  source: "detected" | "fallback" | "undetermined";
}

/** Below this many words (or letters) a message is not judged: "ok", "hi", "merci" are said in every language. */
export const MIN_WORDS = 3;
export const MIN_LETTERS = 8;
/** Detection below this confidence yields to a known conversation language. */
export const MIN_CONFIDENCE = 0.35;
export const FALLBACK_CONFIDENCE = 0.5;

// The function words of each language are in vocabulary.ts: the tokeniser looks each word up there once, for every
// scorer, and a token's facts.languages says which languages the word is a function word of.

// Letters that only some of the languages use: one hit is worth half a function word.
const CHAR_HINTS: [RegExp, LatinLanguage[]][] = [
  [/[ñ¿¡]/, ["es"]],
  [/[çœ]|[êûîôë]/, ["fr"]],
  [/[ß]|[äöü]/, ["de"]],
  [/[ãõ]/, ["pt"]],
  [/[ìò]/, ["it"]],
  [/ij/, ["nl"]],
];

// Scripts that name their language outright (within what a support desk meets). Han without kana reads as Chinese.
const SCRIPT_LANGUAGE: [keyof ScriptCounts, string][] = [
  ["cyrillic", "ru"],
  ["greek", "el"],
  ["arabic", "ar"],
  ["hebrew", "he"],
  ["devanagari", "hi"],
  ["thai", "th"],
  ["hangul", "ko"],
  ["kana", "ja"],
  ["han", "zh"],
];

/**
 * Email addresses and web addresses, which are written in no language: "alex@example.com", a customer's answer to
 * "what is your email?", read as Portuguese by its "com" ("with"). A mention ("@support") is a word and stays. The
 * analysis flags the few messages that may hold one, so the others pay nothing.
 */
const ADDRESS_RE = /[^\s@]+@[^\s@]+|(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/gi;

export function detectLanguage(input: AnalysedText | string, fallbackLanguage?: string): LanguageResult {
  const analysed = typeof input === "string" ? analyseText(input) : input;
  if (analysed.mayHoldAddress) {
    const withoutAddresses = analysed.text.replace(ADDRESS_RE, " ");
    if (withoutAddresses !== analysed.text)
      return detectWords(analyseText(withoutAddresses), fallbackLanguage);
  }
  return detectWords(analysed, fallbackLanguage);
}

function detectWords(analysed: AnalysedText, fallbackLanguage: string | undefined): LanguageResult {
  const fallback = normaliseTag(fallbackLanguage);
  const s = analysed.scripts;
  const nonLatin =
    s.cyrillic + s.greek + s.arabic + s.hebrew + s.devanagari + s.thai + s.hangul + s.kana + s.han + s.other;
  const letters = s.latin + nonLatin;

  if (nonLatin > s.latin) {
    // CJK needs few characters per word, so the letter floor is lower for it.
    if (nonLatin < (s.han + s.kana + s.hangul > 0 ? 2 : MIN_LETTERS)) return undecided(fallback);
    let best: keyof ScriptCounts = "other";
    let bestCount = 0;
    for (const [script] of SCRIPT_LANGUAGE) {
      if (s[script] > bestCount) {
        best = script;
        bestCount = s[script];
      }
    }
    // Japanese mixes kanji with kana: any kana at all makes it Japanese.
    if (best === "han" && s.kana > 0) best = "kana";
    const language = SCRIPT_LANGUAGE.find(([script]) => script === best)?.[1];
    if (language === undefined) return undecided(fallback);
    // Cyrillic and Arabic scripts serve several languages; the majority one is a guess, so confidence is capped.
    const ambiguity = best === "cyrillic" || best === "arabic" ? 0.75 : 0.95;
    return { language, confidence: roundThousandths(ambiguity * (bestCount / letters)), source: "detected" };
  }

  if (analysed.wordCount < MIN_WORDS || s.latin < MIN_LETTERS) return undecided(fallback);

  const scores = SCORES; // doubles from the start: the letter hints add 0.5
  for (let k = 0; k < scores.length; k++) scores[k] = 0; // fill() is a call that costs more for seven entries
  let matchedWords = 0;
  for (const t of analysed.tokens) {
    if (t.kind !== "word") continue;
    const mask = t.facts?.languages ?? 0;
    if (mask === 0) continue;
    matchedWords++;
    // One step per language the word belongs to (most belong to one or two), lowest bit first.
    for (let m = mask; m !== 0; m &= m - 1) (scores[31 - Math.clz32(m & -m)] as number)++;
  }
  if (analysed.ascii) {
    // Of the letter hints only Dutch "ij" is ASCII: look for it without lower-casing the whole message.
    if (hasIj(analysed.text)) scores[NL]! += 0.5;
  } else {
    const lower = analysed.text.toLowerCase();
    for (const [re, langs] of CHAR_HINTS) {
      if (re.test(lower)) for (const l of langs) scores[SUPPORTED_LATIN_LANGUAGES.indexOf(l)]! += 0.5;
    }
  }
  let bestK = 0;
  let second = 0;
  for (let k = 1; k < 7; k++) if ((scores[k] as number) > (scores[bestK] as number)) bestK = k;
  for (let k = 0; k < 7; k++) if (k !== bestK && (scores[k] as number) > second) second = scores[k] as number;
  const best = scores[bestK] as number;
  if (best < 1) return undecided(fallback);

  // Confidence grows with the lead over the runner-up and with how much of the text was recognised at all.
  const lead = (best - second) / best;
  const coverage = Math.min(1, matchedWords / Math.max(3, analysed.wordCount * 0.4));
  const evidence = leadEvidence(best - second);
  const scriptPurity = s.latin / letters;
  const confidence = roundThousandths(
    Math.min(1, (0.5 * lead + 0.5 * evidence) * (0.5 + 0.5 * coverage) * scriptPurity),
  );
  const language = SUPPORTED_LATIN_LANGUAGES[bestK] as string;
  if (confidence < MIN_CONFIDENCE && fallback !== undefined && fallback !== language) {
    return { language: fallback, confidence: FALLBACK_CONFIDENCE, source: "fallback" };
  }
  return { language, confidence, source: "detected" };
}

const NL = SUPPORTED_LATIN_LANGUAGES.indexOf("nl");
/** Scratch for detectLanguage's per-language scores (reused: detection is synchronous, and a typed array per call cost more than the scoring). */
const SCORES = new Float64Array(SUPPORTED_LATIN_LANGUAGES.length);

/** Evidence of a lead of `d` words: 1 - e^(-d / 1.5). */
function evidenceOf(d: number): number {
  return 1 - Math.exp(-d / 1.5);
}
// Leads are multiples of 0.5 (a word counts 1, a letter hint 0.5), so the common ones are tabulated: Math.exp took a
// sixth of detection's time. The table holds exactly what evidenceOf returns.
const EVIDENCE = Float64Array.from({ length: 64 }, (_, i) => evidenceOf(i / 2));
function leadEvidence(d: number): number {
  const i = d * 2;
  return Number.isInteger(i) && i < EVIDENCE.length ? (EVIDENCE[i] as number) : evidenceOf(d);
}

function undecided(fallback: string | undefined): LanguageResult {
  return fallback !== undefined
    ? { language: fallback, confidence: FALLBACK_CONFIDENCE, source: "fallback" }
    : { language: "und", confidence: 0, source: "undetermined" };
}

/** /ij/ on the lower-cased text, for ASCII text. "j" is rare, so the native search finds each one to look behind. */
function hasIj(text: string): boolean {
  for (const j of ["j", "J"]) {
    for (let i = text.indexOf(j, 1); i > 0; i = text.indexOf(j, i + 1)) {
      if ((text.charCodeAt(i - 1) | 0x20) === 105) return true; // "i" or "I"
    }
  }
  return false;
}

function normaliseTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary !== undefined && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}
