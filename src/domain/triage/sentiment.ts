// Sentiment of one message in [-1, 1], with the cues that moved it, so an agent sees why a message reads as upset.
//
// Hand-written rather than wrapping VADER: one pass over tokens triage already has, rules tuned for support
// messages and tweets (phrases, contrast, emoji, caps), about ten times VADER-js's throughput, and cues out.
import { MIN_CONFIDENCE } from "./language.ts";
import { roundThousandths } from "./round.ts";
import { LANGUAGE_NEUTRAL, LEXICON } from "./sentiment-lexicon.ts";
import { type AnalysedText, analyseText, type Token } from "./text.ts";
import type { Cue } from "./types.ts";

export interface SentimentResult {
  /** [-1, 1]; 0 when nothing carried sentiment. */
  score: number;
  cues: Cue[];
}

export type SentimentLabel = "negative" | "neutral" | "positive";

/**
 * Label boundaries on the score. Tuned once on the TweetEval validation split (never on test) for macro recall;
 * negative sits closer to zero because people under-state displeasure in writing more than pleasure.
 */
export const SENTIMENT_THRESHOLDS = { negative: -0.1, positive: 0.4 } as const;

export function sentimentLabel(score: number, thresholds = SENTIMENT_THRESHOLDS): SentimentLabel {
  if (score <= thresholds.negative) return "negative";
  if (score >= thresholds.positive) return "positive";
  return "neutral";
}

// Tunables, on the lexicon's -4..+4 scale unless noted.
const NEGATION_SCALE = -0.6; // "not good" is mildly bad, not as bad as "bad"
const NEGATION_WINDOW = 3; // words back from a sentiment word a negator still reaches
const CAPS_BOOST = 0.35; // one shouted word among normal ones
const ELONGATION_BOOST = 0.2; // "goooood"
const BEFORE_CONTRAST = 0.5; // weight of a clause before "but"
const AFTER_CONTRAST = 1.4; // and after it
const EXCLAMATION_STEP = 0.3; // per "!" (up to four) in the direction the message already leans
const PROPER_NOUN_SCALE = 0.5;
const NORMALISER = 12; // score = sum / sqrt(sum^2 + NORMALISER): ~0.5 at one strong word

// Words are rated through their tokens' facts (vocabulary.ts): one lookup per word at analysis, shared with language
// and frustration. The lexicon is looked up here only for what the vocabulary cannot hold: an elongated word's
// plain form ("goooood" -> "good") and emoticon-like words in capitals ("O_o").
/**
 * The lexicon entries a word token can match as written but not by its normalised form, which is lower-cased, has
 * "’" straightened and a hashtag's "#" dropped: in practice a few emoticons (":D", "O_o").
 */
const CASED_ENTRIES = new Map(
  [...LEXICON].filter(([k]) => k !== k.toLowerCase() || k.includes("’") || k.startsWith("#")),
);
/** A word longer than this, or starting with another character than these, matches none of CASED_ENTRIES. */
const LONGEST_CASED_KEY = Math.max(0, ...[...CASED_ENTRIES.keys()].map((k) => k.length));
const CASED_FIRST = new Set([...CASED_ENTRIES.keys()].map((k) => k.charCodeAt(0)));

/** Cue kinds whose weight is a word's or mark's signed contribution; the others (caps, negation...) modify one. */
const VALENCE_CUES = new Set(["lexicon", "phrase", "emoji", "emoticon", "punctuation"]);

/**
 * The sentiment cues that made a message read negative: the words and marks that pulled it down, and the modifiers
 * (capitals, negation, intensifiers) of those words. What explains an escalation to an agent or a reviewer; "please"
 * and "thanks" in the same message explain nothing and would crowd it out.
 */
export function negativeSentimentCues(cues: readonly Cue[]): Cue[] {
  const lastWord = (c: Cue) => c.text.slice(c.text.lastIndexOf(" ") + 1);
  const pulledDown = new Set(cues.filter((c) => VALENCE_CUES.has(c.kind) && c.weight < 0).map(lastWord));
  return cues.filter((c) => (VALENCE_CUES.has(c.kind) ? c.weight < 0 : pulledDown.has(lastWord(c))));
}

/** The message's language as detected (detectLanguage's result fits): decides whether English words are rated. */
export interface SentimentLanguage {
  /** BCP-47 primary tag, "und" when undetermined. */
  language: string;
  /** [0, 1]. */
  confidence: number;
}

/**
 * Whether the message is confidently in another language than English, so the lexicon's English words must not be
 * rated: they are homographs there (German "die" is "the", not the verb). Below detection's own confidence floor,
 * or undetermined, the message may be English and every word is rated as before.
 */
export function englishWordsApply(language: SentimentLanguage | null | undefined): boolean {
  if (language == null) return true;
  return (
    language.language === "en" || language.language === "und" || !(language.confidence >= MIN_CONFIDENCE)
  );
}

/**
 * Scores one message. With `language`, a message confidently in another language than English is rated only by
 * what holds in any language (LANGUAGE_NEUTRAL: the lexicon's non-English words, emoji, emoticons) and the usual
 * modifiers, exclamation marks and capitals around them; English and undetermined text is scored exactly as without.
 */
export function scoreSentiment(
  input: AnalysedText | string,
  language?: SentimentLanguage | null,
): SentimentResult {
  const analysed = typeof input === "string" ? analyseText(input) : input;
  const tokens = analysed.tokens;
  const english = englishWordsApply(language);
  const cues: Cue[] = [];
  // A whole message in capitals is shouting, which frustration counts; per-word emphasis would then add nothing.
  const mostlyCaps = analysed.wordCount >= 2 && analysed.capsWordCount / analysed.wordCount > 0.6;

  let contrastAt = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i] as Token;
    if (t.kind === "word" && t.facts?.contrast === true) {
      contrastAt = i;
      break;
    }
  }

  let sum = 0;
  let exclamations = 0;
  let skipNext = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "punct") {
      for (let k = 0; k < t.raw.length; k++) if (t.raw.charCodeAt(k) === 33) exclamations++;
      continue;
    }
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const facts = t.facts;
    let valence: number | undefined;
    let phrase = false;
    const next = tokens[i + 1];
    // The two-word phrases are English ("no problem"; Spanish "no problema" is no such phrase).
    if (
      english &&
      facts?.phrases !== undefined &&
      t.kind === "word" &&
      next !== undefined &&
      next.kind === "word"
    ) {
      valence = facts.phrases.get(next.norm, next.hash);
      phrase = valence !== undefined;
      skipNext = phrase; // the phrase's second word is taken, even by a phrase rated 0 ("kind regards")
    }
    if (!phrase) {
      valence = facts?.valence;
      if (valence === undefined && t.elongated) {
        const plain = collapseRuns(t.norm);
        if (english || LANGUAGE_NEUTRAL.has(plain)) valence = LEXICON.get(plain);
      } else if (valence !== undefined && !english && t.kind === "word" && !LANGUAGE_NEUTRAL.has(t.norm))
        valence = undefined; // an English word in a message that is not English
      if (
        valence === undefined &&
        t.kind === "word" &&
        t.raw.length <= LONGEST_CASED_KEY &&
        t.raw !== t.norm &&
        CASED_FIRST.has(t.raw.charCodeAt(0)) &&
        (english || LANGUAGE_NEUTRAL.has(t.raw))
      )
        valence = CASED_ENTRIES.get(t.raw); // "O_o"-like
      // @mentions, links and lone letters ("L.A.") carry no sentiment.
      if (valence !== undefined && valence !== 0 && t.kind === "word" && isUnratedWord(t.norm)) continue;
    }
    if (valence === undefined || valence === 0) continue;
    // "damn good", "pretty bad": a rated word that modifies the next rated word is only a modifier.
    if (!phrase && facts?.intensifier !== undefined && nextIsRated(tokens, i, english)) continue;
    // "like" is praise as a verb ("I like it"), not as a preposition ("like a horse") or a wish ("would like to").
    if (!phrase && t.norm === "like" && !likeIsVerb(tokens, i)) continue;

    let v = valence;
    // Modifiers in the few words before: the nearest intensifier scales, any negator flips (phrases carry their own).
    if (!phrase) {
      let negated = false;
      for (let back = 1, j = i - 1; j >= 0 && back <= NEGATION_WINDOW; j--) {
        const p = tokens[j] as Token;
        if (p.kind === "punct" && p.raw !== "!" && p.raw !== "?") break; // clause boundary
        if (p.kind !== "word") continue;
        const scale = p.facts?.intensifier;
        if (scale !== undefined && back <= 2) {
          v *= 1 + scale * (back === 1 ? 1 : 0.8);
          if (Math.abs(scale) >= 0.3)
            cues.push({
              kind: scale > 0 ? "intensifier" : "diminisher",
              text: `${p.raw} ${t.raw}`,
              weight: roundThousandths(scale),
            });
        } else if (p.facts?.negator === true || p.norm.endsWith("n't")) {
          negated = true;
          cues.push({ kind: "negation", text: `${p.raw} ${t.raw}`, weight: NEGATION_SCALE });
          break;
        }
        back++;
      }
      if (negated) v *= NEGATION_SCALE;
    }
    if (t.caps && !mostlyCaps) {
      v += Math.sign(v) * CAPS_BOOST * Math.abs(valence) * 0.5;
      cues.push({ kind: "caps", text: t.raw, weight: CAPS_BOOST });
    }
    if (t.elongated) v *= 1 + ELONGATION_BOOST;
    // A capitalised word mid-sentence is often a name or title ("Hall of Fame", "Marvel"), so it counts less.
    if (
      !phrase &&
      t.kind === "word" &&
      !t.caps &&
      isTitleCase(t.raw) &&
      i > 0 &&
      tokens[i - 1]?.kind === "word"
    ) {
      v *= PROPER_NOUN_SCALE;
    }
    if (contrastAt >= 0) v *= i < contrastAt ? BEFORE_CONTRAST : AFTER_CONTRAST;
    sum += v;
    cues.push({
      kind: phrase ? "phrase" : t.kind === "word" ? "lexicon" : t.kind,
      text: phrase ? `${t.raw} ${(next as Token).raw}` : t.raw,
      weight: roundThousandths(v / 4),
    });
  }

  if (sum !== 0 && exclamations > 0) {
    const boost = Math.min(exclamations, 4) * EXCLAMATION_STEP;
    sum += Math.sign(sum) * boost;
    cues.push({
      kind: "punctuation",
      text: "!".repeat(Math.min(exclamations, 4)),
      weight: roundThousandths((Math.sign(sum) * boost) / 4),
    });
  }
  if (mostlyCaps && sum !== 0) sum *= 1.15;
  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + NORMALISER);
  return { score: roundThousandths(score), cues };
}

/** @mentions, links and lone letters: the lexicon's rating of such a word does not apply. */
function isUnratedWord(norm: string): boolean {
  return norm.length < 2 || norm.charCodeAt(0) === 64 || norm.startsWith("http");
}

const LIKE_SUBJECTS = new Set([
  "i",
  "we",
  "you",
  "they",
  "u",
  "ya",
  "really",
  "totally",
  "definitely",
  "also",
  "still",
  "so",
  "do",
  "did",
  "does",
  "just",
  "actually",
  "gonna",
  "to",
  "will",
  "people",
  "everyone",
  "he",
  "she",
]);

function likeIsVerb(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (next?.norm === "to" && (prev?.norm === "would" || prev?.norm === "i'd" || prev?.norm === "we'd"))
    return false;
  return prev !== undefined && prev.kind === "word" && LIKE_SUBJECTS.has(prev.norm);
}

function nextIsRated(tokens: Token[], i: number, english: boolean): boolean {
  const next = tokens[i + 1];
  if (next === undefined || next.kind !== "word") return false;
  if (!english && !LANGUAGE_NEUTRAL.has(next.norm)) return false;
  const v = next.facts?.valence;
  return v !== undefined && v !== 0;
}

function isTitleCase(raw: string): boolean {
  // ASCII words (nearly all) by character codes: the general test below allocates four strings.
  const c0 = raw.charCodeAt(0);
  if (c0 < 0x80) {
    let ascii = true;
    let restHasUpper = false;
    for (let i = 1; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      if (c >= 65 && c <= 90) restHasUpper = true;
    }
    if (ascii) return c0 >= 65 && c0 <= 90 && raw.length > 1 && !restHasUpper;
  }
  const first = raw.charAt(0);
  return first !== first.toLowerCase() && raw.length > 1 && raw.slice(1) === raw.slice(1).toLowerCase();
}

function collapseRuns(word: string): string {
  // "soooo" -> "so", "goood" -> "good": try doubled letters first, then single.
  const doubled = word.replace(/(\p{L})\1{2,}/gu, "$1$1");
  return LEXICON.has(doubled) ? doubled : word.replace(/(\p{L})\1{2,}/gu, "$1");
}
