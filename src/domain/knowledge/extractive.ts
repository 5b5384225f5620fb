// Extractive answers: the few sentences of the best passages that answer the question, each cited to its passage.

import { type Analyzer, analyzerFor } from "./analyzer.ts";
import {
  asksForSteps,
  durationQualifies,
  type ExpectedAnswer,
  expectedAnswer,
  statesAnswer,
  statesSteps,
} from "./answer-type.ts";
import { splitSentences } from "./chunker.ts";
import type { Passage } from "./knowledge-index.ts";

export interface Citation {
  documentId: string;
  title: string;
  /** Source name (file, site, table) the document came from. */
  source: string;
  url: string | null;
  location: string;
  chunkId: string;
}

export interface ExtractiveAnswer {
  text: string;
  /** Each answer sentence with the chunk it was copied from: the evidence that no sentence is uncited. */
  sentences: { text: string; chunkId: string }[];
  citations: Citation[];
}

export interface ExtractiveOptions {
  /** Passages considered, best first. */
  maxPassages: number;
  /** A passage is considered only if its score is at least this share of the best passage's score. */
  relativeScore: number;
  maxSentences: number;
  /** Word budget for the whole answer; the best sentence is always kept. */
  maxWords: number;
  /**
   * The question asks only for what to do, about what was asked before ("how do I do that?" glued to "can I send it
   * back?"): a sentence that says what to do leads whenever one speaks to the question.
   */
  stepsFirst?: boolean;
  /** Sentences the customer was just given: "what do I do now?" asks for what comes after them. */
  alreadySaid?: ReadonlySet<string>;
}

export const DEFAULT_EXTRACTIVE_OPTIONS: ExtractiveOptions = {
  maxPassages: 3,
  relativeScore: 0.6,
  maxSentences: 2,
  maxWords: 70,
};

/** The defaults for a question that asks only for what to do (see ExtractiveOptions.stepsFirst). */
export const STEPS_FIRST_OPTIONS: ExtractiveOptions = { ...DEFAULT_EXTRACTIVE_OPTIONS, stepsFirst: true };

/** A short sentence that is a yes or a no ("Yes.", "No, not yet.", "Sí.", "Nein."). */
const YES_NO_SENTENCE = /^(?:yes|no|sí|si|oui|non|ja|nein|sim|não|nee)(?![\p{L}\p{N}])[^.!?]{0,30}[.!]$/iu;

/** How telling each query term is (idf from the index); without it every term counts the same. */
export type TermWeights = ReadonlyMap<string, number>;

interface Candidate {
  text: string;
  passage: number;
  position: number;
  relevance: number;
  score: number;
  /**
   * The score candidates are ordered by: `score` plus what a sentence saying every word of the question gains. Only
   * the order: whether a sentence supports the lead is judged on `score`, which that bonus would raise out of reach.
   */
  order: number;
  chunkId: string;
  /** The question's terms this sentence contains. */
  asked: string[];
  /** The share of relevance that comes from listing the kind of place asked about (Passage.listed). */
  listedRelevance: number;
  /** Idf of the question's aspect terms (see recordAspect) this sentence contains. */
  aspectOverlap: number;
  /** Whether it states the kind of fact the question asks for (a duration for "how long"); null: untyped question. */
  typed: boolean | null;
}

/**
 * Picks answer sentences by query-term overlap (idf-weighted), position (early sentences of a passage state the
 * point) and passage rank. Sentences are copied verbatim from passages, so every sentence is backed by the
 * passage it is cited to; returns null when no passage is usable.
 */
export function buildExtractiveAnswer(
  question: string,
  passages: Passage[],
  language: string,
  weights: TermWeights | null = null,
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE_OPTIONS,
): ExtractiveAnswer | null {
  if (passages.length === 0) return null;
  const analyzer = analyzerFor(language);
  // The retrieval's terms when given: they hold its typo corrections ("shiping" read as "shipping").
  const queryTerms = new Set(weights ? weights.keys() : analyzer.terms(question));
  const best = passages[0]!.score;
  const expected = expectedAnswer(question, analyzer.language);
  // "How do I return a rug?" is answered by what to do ("To start a return, open the Orders page ..."), ahead of the
  // rule that only says it can be done ("You can return any item within 30 days").
  const howTo = options.stepsFirst === true || asksForSteps(question, analyzer.language);
  // A question for a kind of fact reaches a little lower: the section that states it may rank below one whose heading
  // merely shares a word ("how many days until my parcel gets to Belgium": "Parcel lockers" over "Delivery times").
  // It also reaches two passages deeper for a section whose title or heading names what is asked: "how much is
  // shipping to Germany" finds "Shipping costs" fourth, after three sections that say Germany or shipping; the
  // "Refunds" section that prices returns from the UK is not about "how much is it to ship to the UK".
  const relative = expected ? options.relativeScore * 0.75 : options.relativeScore;
  const titlesOf = (p: Passage) => new Set(analyzer.terms(`${p.chunk.title} ${p.chunk.heading}`));
  const depth = expected ? options.maxPassages + 2 : options.maxPassages;
  // A passage that covers more of the question than the best one is usable at any score: "do you accept gift
  // cards?" ranks "Gift cards" first on its title, but "We accept ... gift cards" under "Payment methods" answers it.
  const bestCoverage = passages[0]!.coverage;
  const usable = passages
    .slice(0, depth)
    .filter((p, i) =>
      i < options.maxPassages
        ? p.score >= best * relative || p.coverage > bestCoverage
        : p.score >= best * relative && [...titlesOf(p)].some((t) => queryTerms.has(t)),
    );
  // Framing words of the asked kind ("take" of "how long does it take") are said by every sentence of that kind.
  const framing = new Set(expected ? analyzer.terms(expected.framing.join(" ")) : []);
  const idfOf = (t: string) => (framing.has(t) ? 0 : (weights?.get(t) ?? 1));
  const queryMass = [...queryTerms].reduce((a, t) => a + idfOf(t), 0) || 1;
  const { aspect, missing } = recordAspect(passages, usable, queryTerms, analyzer, idfOf);
  // A policy sentence about the record's kind of thing answers for it: "Large furniture items ship by freight" is
  // the delivery price of a dining table whose row says "Category: Furniture.". Half a question word's weight each.
  const leadChunk = passages[0]!.chunk;
  const kindTerms =
    aspect.size > 0 ? recordKindTerms(leadChunk.text, analyzer, queryTerms) : new Set<string>();
  const kindWeight = kindTerms.size > 0 ? (0.5 * queryMass) / Math.max(queryTerms.size, 1) : 0;

  // Words of the question in a candidate passage's title placed the passages; the answer sentence is the one that
  // also covers the rest of the question ("wash" in "how should I wash the bath towels?"). Discounted in every
  // passage alike, so a heading that says the question's words does not lose its section the answer: "Can I change
  // my order?" stays with "Changing or cancelling an order" over another section's "you can change ... an order".
  const placed = new Set(usable.flatMap((p) => [...titlesOf(p)]));

  const candidates: Candidate[] = [];
  usable.forEach((p, pi) => {
    const sentences = splitSentences(p.chunk.text);
    const titleTerms = titlesOf(p);
    // A sentence speaks about its section's subject: under "Shipping costs", "Standard delivery costs 4.95 euros"
    // answers "how much is shipping?" though it never says "shipping". A question word only the heading says counts
    // a little less than one the sentence says (0.2 against 0.3 for a word that placed the passages), so "If the
    // tracking page has not changed" keeps its lead under "Tracking your parcel"; as much when the sentence also
    // states the asked kind of fact (a price for "how much").
    const sectionTerms = sectionTermsOf(p, analyzer);
    // Only a policy passage speaks for the record's kind; decided once per passage, not per sentence.
    const kindBonus = kindWeight > 0 && p.chunk !== leadChunk && !isRecordText(p.chunk.text) ? kindWeight : 0;
    sentences.forEach((s, si) => {
      if (options.alreadySaid?.has(s)) return;
      const terms = sentenceTerms(s, analyzer);
      if (terms.size === 0) return;
      let overlap = 0;
      const asked: string[] = [];
      let aspectOverlap = 0;
      for (const t of terms) {
        if (!queryTerms.has(t)) continue;
        // An aspect in a policy section's heading ("Exchanges") is what the question asks, not what placed it.
        const isAspect = aspect.has(t);
        overlap += idfOf(t) * (placed.has(t) && !isAspect ? 0.3 : 1);
        if (isAspect) aspectOverlap += idfOf(t);
        asked.push(t);
      }
      if (kindBonus > 0) for (const t of kindTerms) if (terms.has(t)) overlap += kindBonus;
      // The sentence that lists the kind of thing asked about answers for it ("... Switzerland and Norway" for Canada).
      let listedOverlap = 0;
      for (const l of p.listed ?? [])
        if (l.sentence === s && queryTerms.has(l.term) && !asked.includes(l.term)) {
          listedOverlap += idfOf(l.term);
          asked.push(l.term);
        }
      overlap += listedOverlap;
      const typed = expected ? statesAnswer(expected.kind, s, analyzer.language) : null;
      for (const t of sectionTerms)
        if (queryTerms.has(t) && !terms.has(t)) overlap += idfOf(t) * (typed ? 0.3 : 0.2);
      // A fact said of what is asked answers it: "How long is the warranty?" by "a two-year warranty", "how much do
      // returns cost?" by the sentence whose subject they are ("Returns from the European Union are free"), not by
      // "We send a replacement at no cost" that merely mentions returning. Half a word's weight more. Not a duration
      // by its subject: "Deliveries to the United Kingdom take 4 to 8 days" must not answer for Italy.
      if (typed && expected) {
        const about =
          expected.kind === "duration"
            ? analyzer.terms(durationQualifies(s, analyzer.language).join(" "))
            : analyzer.terms(s).slice(0, 1);
        for (const t of new Set(about)) if (queryTerms.has(t)) overlap += idfOf(t) * 0.5;
      }
      // A sentence that only repeats the question (title-like) is not an answer.
      let novel = 0;
      for (const t of terms) if (!queryTerms.has(t) && !titleTerms.has(t)) novel++;
      if (novel === 0) return;
      const relevance = overlap / queryMass;
      // A sentence that says every word of the question ("Gift cards cannot be returned" for "Can I return a gift
      // card?") answers it more surely than an earlier one of a higher-ranked section that says some of them.
      let complete = queryTerms.size >= 3;
      for (const t of queryTerms) if (complete && idfOf(t) > 0 && !terms.has(t)) complete = false;
      const position = 1 / (1 + si * 0.5);
      const rank = 1 / (1 + pi);
      const length = Math.min(1, terms.size / 6); // fragments ("Yes.") explain nothing on their own
      const score =
        relevance * 1.0 +
        position * 0.2 +
        rank * 0.2 +
        length * 0.1 +
        (howTo && relevance > 0 && statesSteps(s)
          ? options.stepsFirst
            ? STEPS_FIRST_BONUS
            : HOW_TO_BONUS
          : 0);
      candidates.push({
        text: s,
        passage: pi,
        position: si,
        relevance,
        score,
        order: score + (complete ? COMPLETE_BONUS : 0),
        chunkId: p.chunk.id,
        asked,
        listedRelevance: listedOverlap / queryMass,
        aspectOverlap,
        typed,
      });
    });
  });
  // When some sentence speaks to the aspect, a field that only names the entity ("Category: Rugs.") answers nothing,
  // unless it states the kind of fact asked: "how much is the aster duvet cover in king size?" is answered by
  // "Price eur: 129.", though only the description says "king".
  if (candidates.some((c) => c.aspectOverlap > 0))
    for (let i = candidates.length - 1; i >= 0; i--)
      if (candidates[i]!.aspectOverlap === 0 && candidates[i]!.typed !== true) candidates.splice(i, 1);
  // A question about a record and something the row lacks ("Can I exchange a duvet cover for another size?") is
  // answered by the policy whose heading names what it lacks ("Exchanges"): the row's sentences that say none of it
  // ("... sizes single to king.") do not speak to what is asked.
  if (
    missing.length > 0 &&
    candidates.some((c) => namesAspect(usable[c.passage]!, missing, analyzer, queryTerms))
  )
    for (let i = candidates.length - 1; i >= 0; i--) {
      const c = candidates[i]!;
      if (usable[c.passage]!.chunk === leadChunk && !c.asked.some((t) => missing.includes(t)))
        candidates.splice(i, 1);
    }
  if (candidates.length === 0) return null;
  candidates.sort((a, b) => b.order - a.order || a.passage - b.passage || a.position - b.position);
  // The best passage speaks for the question when it is the row of the thing asked about, or its title or heading
  // names a word asked ("Shipping and delivery" for "How long does shipping take?").
  const bestSpeaks =
    isRecordText(usable[0]!.chunk.text) || [...titlesOf(usable[0]!)].some((t) => queryTerms.has(t));
  const pool = answerKindPool(candidates, expected, bestSpeaks);
  if (pool.length === 0) return null;
  ruleBeforeException(pool, question, analyzer);

  const chosen: Candidate[] = [pool[0]!];
  let words = wordCount(pool[0]!.text);
  const answered = new Set(pool[0]!.asked);
  const documentOf = (c: Candidate) => {
    const chunk = usable[c.passage]!.chunk;
    return `${chunk.sourceId}\u0000${chunk.documentId}`;
  };
  const leadDocument = documentOf(pool[0]!);
  // Another section of the lead's document whose heading names a word of the question ("Damaged or wrong items" for
  // "my candle arrived damaged") is about what is asked, not one that happens to share its words.
  const sectionAboutAsked = (c: Candidate) =>
    documentOf(c) === leadDocument &&
    analyzer.terms(usable[c.passage]!.chunk.heading).some((t) => queryTerms.has(t));
  for (const c of pool.slice(1)) {
    if (chosen.length >= options.maxSentences) break;
    const w = wordCount(c.text);
    if (words + w > options.maxWords) continue;
    // A supporting sentence must itself speak to the question, not just sit near the best one.
    // A second list of places is no support: the one that leads already says where.
    const own = c.relevance - c.listedRelevance;
    if (own === 0 || own < chosen[0]!.relevance * 0.5 || c.score < chosen[0]!.score * 0.6) continue;
    // From another section it must also answer a part of the question the answer so far does not, or be a section of
    // the same document about what is asked: sharing a word is not support ("change" my order / "change" the email
    // address; the "euros" of gift card values for "Is Klarna available for a 20 euro order?").
    if (c.chunkId !== pool[0]!.chunkId && c.asked.every((t) => answered.has(t)) && !sectionAboutAsked(c))
      continue;
    // A passage reached only by looking deeper for the asked kind of fact may lead; it does not add to another's lead.
    if (c.passage >= options.maxPassages && c.passage !== pool[0]!.passage) continue;
    chosen.push(c);
    for (const t of c.asked) answered.add(t);
    words += w;
  }
  // A sentence ending in ":" introduces steps: take the next sentence of the same passage with it.
  const first = chosen[0]!;
  if (first.text.trimEnd().endsWith(":") && chosen.length < options.maxSentences) {
    const next = candidates.find((c) => c.passage === first.passage && c.position === first.position + 1);
    if (next && !chosen.includes(next)) chosen.push(next);
  }
  // A next sentence that goes on about the lead's subject ("These charges are paid by the recipient on delivery"
  // after "Orders to the UK may be charged import VAT and duties") finishes what the lead says: it is the support,
  // in place of one chosen on its own words, which share none with the question once "pay" frames it.
  const continuation = candidates.find(
    (c) => c.passage === first.passage && c.position === first.position + 1 && CONTINUES.test(c.text),
  );
  if (
    continuation &&
    options.maxSentences > 1 &&
    !chosen.includes(continuation) &&
    wordCount(first.text) + wordCount(continuation.text) <= options.maxWords
  )
    chosen.splice(1, chosen.length - 1, continuation);
  // The best sentence leads; supporting sentences from the same passage keep their reading order after it.
  const lead = chosen[0]!;
  const rest = chosen.slice(1).sort((a, b) => a.passage - b.passage || a.position - b.position);
  chosen.splice(0, chosen.length, lead, ...rest);
  // "Yes." / "No, we don't." right before the best sentence is the answer to a yes/no question: it leads.
  const verdict = candidates.find(
    (c) =>
      c.passage === lead.passage && c.position === lead.position - 1 && YES_NO_SENTENCE.test(c.text.trim()),
  );
  if (verdict && !chosen.includes(verdict)) chosen.unshift(verdict);

  const citations: Citation[] = [];
  const seen = new Set<string>();
  for (const c of chosen) {
    const p = usable[c.passage]!;
    const key = `${p.chunk.sourceId}\u0000${p.chunk.documentId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    citations.push({
      documentId: p.chunk.documentId,
      title: p.chunk.title,
      source: p.chunk.sourceName,
      url: p.chunk.url,
      location: p.chunk.location,
      chunkId: p.chunk.id,
    });
  }
  // "Category: Rugs." beside the row's description says nothing the description does not: "Do you sell rugs?" is
  // answered by "Flat-woven wool rug in sand and off-white stripes". Alone, it is the answer and stays.
  const kept = chosen.filter(
    (c) => !(isKindField(c.text) && chosen.some((o) => o !== c && o.chunkId === c.chunkId)),
  );
  const said = kept.map((c) => ({ text: withoutProseLabel(c.text), chunkId: c.chunkId }));
  return {
    text: said.map((s) => s.text).join(" "),
    sentences: said,
    citations,
  };
}

/**
 * An exception is said after its rule. "Can I return furniture?" ranks the short "Items that cannot be returned"
 * section first, and its "Made-to-measure curtains ... cannot be returned" denies what the customer asks without
 * saying what holds. When the best sentence denies a word of a question that does not itself deny, the best sentence
 * that says the same words without denying them ("You can return any item within 30 days") leads instead; the
 * exception may follow it. A denial that names more of the question still leads: "Can I return a gift card?" is
 * answered by "Gift cards cannot be returned". English only: the negations are English words.
 */
function ruleBeforeException(pool: Candidate[], question: string, analyzer: Analyzer): void {
  if (analyzer.language !== "en" || pool.length < 2 || NEGATION.test(question)) return;
  const lead = pool[0]!;
  if (!deniesAsked(lead.text, lead.asked, analyzer)) return;
  const at = pool.findIndex(
    (c) =>
      c !== lead &&
      c.score >= lead.score * 0.6 &&
      lead.asked.every((t) => c.asked.includes(t)) &&
      !deniesAsked(c.text, c.asked, analyzer),
  );
  if (at > 0) pool.unshift(...pool.splice(at, 1));
}

/** A negation in an English question or sentence ("not", "cannot", "don't", "never", "except"). */
const NEGATION =
  /(?<![\p{L}\p{N}])(?:not|no|never|cannot|without|except|excluded|exclusions?|non|(?:can|don|won|doesn|isn|aren|didn|couldn|shouldn|wouldn|haven|hasn)['’]?t)(?![\p{L}\p{N}])/iu;

/** A sentence that opens by pointing back at the one before it: "These charges ...", "This ...", "They ...". */
const CONTINUES = /^(?:these|this|that|those|they|such)\b/i;

/** How many words after a negation it still governs: "cannot be returned", "do not ship outside". */
const NEGATION_REACH = 3;

/** Whether the sentence negates one of the asked terms: a negation followed, within NEGATION_REACH words, by it. */
function deniesAsked(sentence: string, asked: readonly string[], analyzer: Analyzer): boolean {
  const words = sentence.match(/[\p{L}\p{N}'’]+/gu) ?? [];
  for (let i = 0; i < words.length; i++) {
    if (!NEGATION.test(words[i]!)) continue;
    for (let j = i + 1; j <= i + NEGATION_REACH && j < words.length; j++)
      if (analyzer.terms(words[j]!).some((t) => asked.includes(t))) return true;
  }
  return false;
}

/**
 * A record field whose label only says that prose follows ("Description: Stonewashed linen duvet cover with wooden
 * buttons, sizes single to king.") is said without it: the label reads as a data dump and tells the customer
 * nothing. A label that names the fact ("Materials: Solid oak.", "Price eur: 249.") stays. What is said is still
 * verbatim in the passage.
 */
function withoutProseLabel(sentence: string): string {
  if (!FIELD_LINE.test(sentence)) return sentence;
  const colon = sentence.indexOf(":");
  if (!PROSE_LABEL.test(sentence.slice(0, colon))) return sentence;
  const value = sentence.slice(colon + 1).trimStart();
  return /^[\p{Lu}\p{N}]/u.test(value) ? value : sentence;
}
const PROSE_LABEL =
  /^(?:(?:product |short |long |full )?(?:description|summary|details|overview|notes?|about|body|content|text|answer))$/i;

/** The terms of a passage's own section heading (the last of its heading path): what its sentences are about. */
function sectionTermsOf(p: Passage, analyzer: Analyzer): string[] {
  return analyzer.terms(p.chunk.heading.slice(p.chunk.heading.lastIndexOf("›") + 1));
}

/**
 * The candidates that may be chosen, best first. A question that asks for a kind of fact ("how long", "how much")
 * is answered by sentences that state one: "How much does shipping to France cost?" leads with "Standard delivery
 * costs 4.95 euros", not the parcel-locker sentence that merely names France. A sentence qualifies when it shares
 * a word with the question, or belongs to the best passage when that passage speaks for the question: a catalogue
 * row's "Price eur: 249." names nothing asked, being about the thing asked about. A sentence of a passage that
 * shares no word with the question does not: "We answer warranty claims within three business days" is no answer to
 * "how long until the replacement comes?". When none qualifies there is no answer.
 */
function answerKindPool(
  candidates: Candidate[],
  expected: ExpectedAnswer | null,
  bestSpeaks: boolean,
): Candidate[] {
  if (!expected) return candidates;
  return candidates.filter((c) => c.typed === true && (c.relevance > 0 || (c.passage === 0 && bestSpeaks)));
}

/**
 * A sentence's terms; a record field ("Materials: wool.") also has the words customers ask about it with ("what is
 * it made of"), since its value rarely repeats them.
 */
function sentenceTerms(sentence: string, analyzer: Analyzer): Set<string> {
  const terms = new Set(analyzer.terms(sentence));
  const label = FIELD_LINE.test(sentence) ? sentence.slice(0, sentence.indexOf(":")) : null;
  if (label) for (const t of fieldCueTerms(label, analyzer)) terms.add(t);
  return terms;
}

/**
 * Words customers use for common catalogue fields, by the words a field's label is named with ("price_eur",
 * "Materials", "Care instructions"). English only: labels in other languages match by their own words.
 */
const FIELD_CUES: Record<string, readonly (readonly [label: string, asked: string])[]> = {
  en: [
    ["price cost", "cost costs price priced expensive cheap pay"],
    ["material materials fabric", "made make material materials fabric"],
    [
      "care washing cleaning",
      "wash washed washing washable machine clean cleaning care dry dryer drying tumble iron ironing bleach",
    ],
    ["size sizes dimension dimensions", "size big large small wide width height tall dimensions"],
    ["weight", "weigh weighs weight heavy"],
    ["colour color colours colors", "colour color colours colors"],
  ],
};
// Per analyzer, not per language: a team's synonyms make a new analyzer, whose terms may differ.
const fieldCueCache = new WeakMap<Analyzer, { label: Set<string>; asked: string[] }[]>();

function fieldCueTerms(label: string, analyzer: Analyzer): string[] {
  let cues = fieldCueCache.get(analyzer);
  if (!cues) {
    cues = (FIELD_CUES[analyzer.language] ?? []).map(([l, a]) => ({
      label: new Set(analyzer.terms(l)),
      asked: analyzer.terms(a),
    }));
    fieldCueCache.set(analyzer, cues);
  }
  const named = analyzer.terms(label);
  return cues.filter((c) => named.some((t) => c.label.has(t))).flatMap((c) => c.asked);
}

/** What a sentence that says what to do gains in answering a how-to question: about a sentence's place ahead. */
const HOW_TO_BONUS = 0.1;
/** Past any difference in the rest of a score (relevance up to 1, place, rank, length, completeness): steps lead. */
const STEPS_FIRST_BONUS = 2;

/** What a sentence that says every word of the question gains: about a passage's rank and a sentence's place. */
const COMPLETE_BONUS = 0.15;

export const ASPECT_SEARCH_DEPTH = 5;

/**
 * How deep the extractive answer looks for the policy sentence a record's question needs. Deeper than
 * ASPECT_SEARCH_DEPTH: once the question is judged answerable, the sentence that states the asked kind of fact may
 * sit in a section ranked lower, because the product's name pulls every row about tables up first ("How much is
 * delivery for the dining table?" finds "Shipping costs" seventh).
 */
export const EXTRACTIVE_DEPTH = 10;

/** A "Label: value." sentence, as row ingestion writes a record's fields. */
const FIELD_LINE = /^[\p{Lu}][\p{L}\p{N} ()/-]{0,40}: \S/u;

/** A record (a catalogue row, a database row) has two or more labelled fields; a FAQ row or a section has none. */
export function isRecordText(text: string): boolean {
  let fields = 0;
  for (const sentence of splitSentences(text)) if (FIELD_LINE.test(sentence) && ++fields >= 2) return true;
  return false;
}

/**
 * When the best passage is a record, the question names the record (its title: "Dune wool rug") and asks about
 * something: the aspect, the question's other terms ("price", "return"). A field that speaks to the aspect answers;
 * fields that only describe the entity do not. A record that lacks an aspect altogether (a product row has no
 * return policy) lets a policy passage whose title or heading names that aspect answer it, though it ranks lower:
 * BM25 ranks the row first because the question names it. Empty when the best passage is not a record: a
 * section's heading is its topic, and the existing sentence choice already reads the rest of the question.
 */
function recordAspect(
  passages: Passage[],
  usable: Passage[],
  queryTerms: ReadonlySet<string>,
  analyzer: ReturnType<typeof analyzerFor>,
  weightOf: (t: string) => number,
): { aspect: Set<string>; missing: string[] } {
  const lead = passages[0]!.chunk;
  if (!isRecordText(lead.text)) return { aspect: new Set(), missing: [] };
  const leadTitle = new Set(analyzer.terms(`${lead.title} ${lead.heading}`));
  const aspect = new Set([...queryTerms].filter((t) => !leadTitle.has(t)));
  // Another record speaks for the question only if the question names it too ("the Harbor table or the Birch
  // one?"): "Is the Harbor table solid wood?" must not be answered with the Birch table's "Solid birch wood".
  for (let i = usable.length - 1; i >= 1; i--) {
    const other = usable[i]!.chunk;
    if (!isRecordText(other.text)) continue;
    if (!analyzer.terms(`${other.title} ${other.heading}`).some((t) => aspect.has(t))) usable.splice(i, 1);
  }
  const leadText = recordTerms(lead.text, analyzer);
  const missing = salientTerms(
    [...aspect].filter((t) => !leadText.has(t)),
    weightOf,
  );
  if (missing.length === 0) return { aspect, missing };
  for (const p of passages.slice(0, EXTRACTIVE_DEPTH))
    if (!usable.includes(p) && namesAspect(p, missing, analyzer, queryTerms)) usable.push(p);
  return { aspect, missing };
}

/** Labels of the fields that say what kind of thing a record is. */
const KIND_FIELD = /^(?:category|categories|type|kind|department|collection|product type)$/i;

/** Whether a sentence is a record's kind field: "Category: Rugs.". */
function isKindField(sentence: string): boolean {
  return FIELD_LINE.test(sentence) && KIND_FIELD.test(sentence.slice(0, sentence.indexOf(":")).trim());
}

/** The terms of a record's kind fields ("Category: Furniture."), less those the question already has. */
function recordKindTerms(text: string, analyzer: Analyzer, queryTerms: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const sentence of splitSentences(text)) {
    if (!FIELD_LINE.test(sentence)) continue;
    const colon = sentence.indexOf(":");
    if (!KIND_FIELD.test(sentence.slice(0, colon).trim())) continue;
    for (const t of analyzer.terms(sentence.slice(colon + 1))) if (!queryTerms.has(t)) out.add(t);
  }
  return out;
}

/** A record's terms, field labels' cue words included ("made" for a Materials field). */
export function recordTerms(text: string, analyzer: Analyzer): Set<string> {
  return new Set(splitSentences(text).flatMap((s) => [...sentenceTerms(s, analyzer)]));
}

/**
 * The missing aspect terms a policy must name to speak for them: those weighing at least half the heaviest. A
 * document titled "Orders and payments" names "order" in every section, and "Can I order a rug in a custom size?"
 * is not about changing an order; the rare word ("custom") is what is asked.
 */
export function salientTerms(terms: readonly string[], weightOf: (t: string) => number): string[] {
  let max = 0;
  for (const t of terms) max = Math.max(max, weightOf(t));
  return terms.filter((t) => weightOf(t) >= 0.5 * max);
}

/**
 * Words that carry no aspect of their own in a question about a thing ("Does the lamp come with a bulb?", "What type
 * of bulb does it take?"): the noun beside them is what is asked.
 */
const LIGHT_WORDS: Record<string, string> = {
  en: "come comes came coming go goes use uses used using need needs work works take takes type kind sort",
};
// Per analyzer, as the field cues are: a team's synonyms make a new analyzer, whose terms may differ.
const lightTermsCache = new WeakMap<Analyzer, ReadonlySet<string>>();

/** LIGHT_WORDS as the analyzer reads them. */
export function lightTerms(analyzer: Analyzer): ReadonlySet<string> {
  let terms = lightTermsCache.get(analyzer);
  if (!terms) {
    terms = new Set(analyzer.terms(LIGHT_WORDS[analyzer.language] ?? ""));
    lightTermsCache.set(analyzer, terms);
  }
  return terms;
}

/**
 * Whether a passage is a policy (not another record) whose title or heading names one of the aspects a record
 * lacks, by the word or a near synonym ("Damaged or wrong items" for a lamp that arrived broken), or one of whose
 * sentences says them all.
 */
export function namesAspect(
  p: Passage,
  missing: readonly string[],
  analyzer: Analyzer,
  asked: ReadonlySet<string> | null = null,
): boolean {
  if (isRecordText(p.chunk.text)) return false;
  const title = new Set(analyzer.terms(`${p.chunk.title} ${p.chunk.heading}`));
  if (missing.some((t) => title.has(t) || (p.softTitleTerms?.includes(t) ?? false))) return true;
  // A rule for any product says every missing word in one sentence: "could I split the dining table into payments?"
  // by "With Klarna you can pay ... in three interest-free instalments", under a heading of Klarna.
  // Not a word that carries no aspect of its own ("come" of "does it come with a bulb?"), found in too many sentences.
  const light = lightTerms(analyzer);
  // And more of the question than that word alone: "today" of "the duvet cover came today" is in many a sentence.
  const lacking = missing.filter((t) => !light.has(t));
  return (
    lacking.length > 0 &&
    asked !== null &&
    splitSentences(p.chunk.text).some((s) => {
      const terms = new Set(analyzer.terms(s));
      let shared = 0;
      for (const t of terms) if (asked.has(t) && !light.has(t)) shared++;
      return lacking.every((t) => terms.has(t)) && shared >= 2;
    })
  );
}

const wordCount = (s: string): number => (s.match(/\S+/g) ?? []).length;
