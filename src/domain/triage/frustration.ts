// Frustration of a customer in [0, 1] from observable cues, and its trend across the conversation, so a person can
// step in before the customer gives up. Every cue that fired is returned: the score has to explain itself.
import {
  ALL_CUE_REGEXES,
  addUnknownWordGates,
  FIRST_HUMAN_PART,
  type GateBits,
  type GatedRegex,
  openGates,
  PHRASE_RULES,
  type PhraseRule,
  PROFANITY_INDEX,
} from "./frustration-cues.ts";
import { roundThousandths } from "./round.ts";
import { scoreSentiment } from "./sentiment.ts";
import { type AnalysedText, analyseText, type Token } from "./text.ts";
import type { Cue, HistoryTurn } from "./types.ts";

export interface FrustrationResult {
  /** [0, 1]. */
  score: number;
  cues: Cue[];
  /** Least-squares slope of frustration per customer turn over the recent turns; positive = rising. 0 with < 3 turns. */
  trend: number;
  /** Frustration of the recent customer turns, oldest first, ending with this message. */
  turnScores: number[];
  /** The customer asked for a person, in any phrasing Tandem knows. */
  humanRequested: boolean;
  /** This message nearly repeats an earlier customer message. */
  repeated: boolean;
  /** The message says a product hurt someone or could have (a "safety" cue): a product-safety matter. */
  safety: boolean;
}

/** How many earlier customer turns feed repetition and trend; older ones say little about now. */
export const TREND_TURNS = 6;
/** History turns are analysed only this far: the cues of an old turn are in its first lines. */
const HISTORY_CHARS = 1000;
/** Token overlap (Jaccard) at which a message counts as asking the same thing again. */
const REPEAT_SIMILARITY = 0.6;

/** Gate groups of the current message's words (scratch, reused: analysis is synchronous). */
const present: GateBits = { lo: 0, hi: 0 };

/** Every cue regex, in the order cueGates reports them; for the test that checks the gates against the regexes. */
export const CUE_REGEXES: readonly RegExp[] = ALL_CUE_REGEXES.map((rule) => rule.re);

/** Opens in `present` the gates of a word token: the vocabulary's words carry theirs in their facts. */
function addTokenGates(t: Token): void {
  const facts = t.facts;
  if (facts !== undefined) {
    present.lo |= facts.gatesLo;
    present.hi |= facts.gatesHi;
  } else {
    addUnknownWordGates(t.norm, t.plain, present);
  }
}

/** For each of CUE_REGEXES, whether its gate lets it run on this message. */
export function cueGates(analysed: AnalysedText): boolean[] {
  present.lo = 0;
  present.hi = 0;
  for (const t of analysed.tokens) if (t.kind === "word") addTokenGates(t);
  const open = openGates(present);
  return ALL_CUE_REGEXES.map((_, i) => (open & (1 << i)) !== 0);
}

export function scoreFrustration(
  current: AnalysedText | string,
  history: readonly HistoryTurn[] | undefined,
  sentiment?: number,
): FrustrationResult {
  const analysed = typeof current === "string" ? analyseText(current) : current;
  const own = messageCues(analysed, sentiment ?? scoreSentiment(analysed).score);
  const cues = own.cues;
  const humanRequested = own.humanRequested;

  // Earlier customer turns, most recent last, bounded.
  let earlier: readonly HistoryTurn[] = NO_TURNS;
  if (history !== undefined && history.length > 0) {
    const found: HistoryTurn[] = [];
    for (let i = history.length - 1; i >= 0 && found.length < TREND_TURNS; i--) {
      const turn = history[i];
      if (turn !== undefined && turn.role === "customer" && typeof turn.text === "string") found.push(turn);
    }
    earlier = found.reverse();
  }

  const ownWords = earlier.length > 0 ? contentWords(analysed) : EMPTY_WORDS; // only repetition reads it
  let repeated = false;
  const turnScores: number[] = [];
  const earlierWords: Set<string>[] = [];
  for (const turn of earlier) {
    const a = analyseText(turn.text.length > HISTORY_CHARS ? turn.text.slice(0, HISTORY_CHARS) : turn.text);
    const words = contentWords(a);
    if (turn.frustration !== undefined && Number.isFinite(turn.frustration)) {
      turnScores.push(clamp01(turn.frustration));
    } else {
      // A turn that repeats an even earlier one was frustrated too, which is what makes the trend rise.
      const c = messageCues(a, scoreSentiment(a).score);
      let s = c.score;
      if (earlierWords.some((w) => similar(words, w))) s = noisyOr(s, REPEAT_WEIGHT);
      turnScores.push(s);
    }
    if (!repeated && similar(ownWords, words)) repeated = true;
    earlierWords.push(words);
  }
  if (repeated) cues.push({ kind: "repetition", text: analysed.text.slice(0, 80), weight: REPEAT_WEIGHT });

  let score = own.score;
  if (repeated) score = noisyOr(score, REPEAT_WEIGHT);
  turnScores.push(roundThousandths(score));

  const trend = turnScores.length >= 3 ? slope(turnScores) : 0;
  if (trend > 0.05) {
    const w = Math.min(0.35, trend);
    score = noisyOr(score, w);
    cues.push({ kind: "trend", text: `rising over ${turnScores.length} turns`, weight: roundThousandths(w) });
  }
  // Frustration is a state of the conversation: a calm "ok" right after an angry turn is not calm yet.
  const previous = turnScores.length >= 2 ? (turnScores[turnScores.length - 2] as number) : 0;
  if (previous >= 0.3) {
    const w = previous * CARRY_OVER;
    score = noisyOr(score, w);
    cues.push({ kind: "carry_over", text: "frustrated in the previous turn", weight: roundThousandths(w) });
  }
  return {
    score: roundThousandths(score),
    cues,
    trend: roundThousandths(trend),
    turnScores,
    humanRequested,
    repeated,
    safety: own.safety,
  };
}

/** A message without history allocates no list of earlier turns. */
const NO_TURNS: readonly HistoryTurn[] = [];
const REPEAT_WEIGHT = 0.35;
const CARRY_OVER = 0.5;

interface MessageCues {
  score: number;
  cues: Cue[];
  humanRequested: boolean;
  safety: boolean;
}

/** Cues a single message shows on its own, combined as independent pieces of evidence (noisy OR). */
function messageCues(analysed: AnalysedText, sentiment: number): MessageCues {
  // One pass over the tokens: the gates the words open, long words in capitals, the longest run of "!" and "?".
  present.lo = 0;
  present.hi = 0;
  let longCaps = 0;
  let bestRun = "";
  for (const t of analysed.tokens) {
    if (t.kind === "word") {
      addTokenGates(t);
      if (t.caps && t.raw.length >= 4) longCaps++;
    } else if (t.kind === "punct" && t.raw.length >= 2) {
      let marks = 0;
      for (let k = 0; k < t.raw.length; k++) {
        const c = t.raw.charCodeAt(k);
        if (c === 33 || c === 63) marks++;
      }
      if (marks >= 2 && marks > bestRun.length) bestRun = t.raw;
    }
  }

  const cues: Cue[] = [];
  let humanRequested = false;
  const open = openGates(present);
  if (open !== 0) {
    // The lower-cased text the regexes read, made only once a gate opens (most messages open none).
    let lower: string | undefined;
    for (let i = 0; i < PHRASE_RULES.length; i++) {
      if ((open & (1 << i)) === 0) continue;
      lower ??= lowerText(analysed);
      const m = (ALL_CUE_REGEXES[i] as GatedRegex).re.exec(lower);
      if (m !== null)
        cues.push({
          kind: (PHRASE_RULES[i] as PhraseRule).kind,
          text: m[0],
          weight: (PHRASE_RULES[i] as PhraseRule).weight,
        });
    }
    let human: RegExpExecArray | null = null;
    for (let i = FIRST_HUMAN_PART; i < PROFANITY_INDEX; i++) {
      if ((open & (1 << i)) === 0) continue;
      lower ??= lowerText(analysed);
      const m = (ALL_CUE_REGEXES[i] as GatedRegex).re.exec(lower);
      if (m !== null && (human === null || m.index < human.index)) human = m;
    }
    if (human !== null) {
      humanRequested = true;
      cues.push({ kind: "human_request", text: human[0].trim(), weight: 0.3 });
    }
    const profanity =
      (open & (1 << PROFANITY_INDEX)) !== 0
        ? (ALL_CUE_REGEXES[PROFANITY_INDEX] as GatedRegex).re.exec((lower ??= lowerText(analysed)))
        : null;
    if (profanity !== null) cues.push({ kind: "profanity", text: profanity[0], weight: 0.35 });
  }

  // Shouting: most words in capitals, or several long capitalised words (a lone "USA" or "ID" is an acronym).
  if (analysed.wordCount >= 3 && analysed.capsWordCount / analysed.wordCount >= 0.6) {
    cues.push({ kind: "caps", text: "ALL CAPS", weight: 0.3 });
  } else if (longCaps >= 2) {
    cues.push({ kind: "caps", text: `${longCaps} words in capitals`, weight: 0.15 });
  }

  // Punctuation runs: "!!!", "???", "?!?".
  if (bestRun !== "")
    cues.push({ kind: "punctuation", text: bestRun, weight: bestRun.length >= 3 ? 0.25 : 0.15 });

  if (sentiment < -0.25)
    cues.push({
      kind: "negative_sentiment",
      text: String(sentiment),
      weight: roundThousandths(-sentiment * 0.4),
    });

  let score = 0;
  for (const c of cues) score = noisyOr(score, c.weight);
  let safety = false;
  for (const c of cues) if (c.kind === "safety") safety = true;
  return { score: roundThousandths(score), cues, humanRequested, safety };
}

function lowerText(analysed: AnalysedText): string {
  const lower = analysed.text.toLowerCase();
  return analysed.ascii ? lower : lower.replaceAll("’", "'");
}

const STOPWORDS = new Set([
  "the",
  "a",
  "an",
  "i",
  "my",
  "me",
  "you",
  "your",
  "it",
  "is",
  "are",
  "to",
  "of",
  "and",
  "or",
  "in",
  "on",
  "for",
  "this",
  "that",
  "do",
  "does",
  "can",
  "be",
  "was",
  "have",
  "has",
  "with",
  "at",
  "so",
  "please",
  "hi",
  "hello",
]);

const EMPTY_WORDS: ReadonlySet<string> = new Set();

function contentWords(a: AnalysedText): Set<string> {
  const words = new Set<string>();
  for (const t of a.tokens)
    if (t.kind === "word" && t.norm.length > 1 && !STOPWORDS.has(t.norm)) words.add(t.norm);
  return words;
}

/** Near-duplicate: enough shared content words that the customer is asking the same thing again. */
function similar(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size < 3 || b.size < 3) return false; // "ok thanks" twice is not asking the same question
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared) >= REPEAT_SIMILARITY;
}

function slope(ys: number[]): number {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (const y of ys) meanY += y;
  meanY /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - meanX) * ((ys[i] as number) - meanY);
    den += (i - meanX) * (i - meanX);
  }
  return den === 0 ? 0 : num / den;
}

function noisyOr(a: number, b: number): number {
  return 1 - (1 - a) * (1 - clamp01(b));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
