// Decides whether retrieved passages actually support an answer: the AI must know when it does not know.

import { type Analyzer, analyzerFor } from "./analyzer.ts";
import { expectedAnswer, statesAnswer } from "./answer-type.ts";
import { splitSentences } from "./chunker.ts";
import {
  ASPECT_SEARCH_DEPTH,
  isRecordText,
  lightTerms,
  namesAspect,
  recordTerms,
  salientTerms,
} from "./extractive.ts";
import type { Passage, Retrieval } from "./knowledge-index.ts";

export interface AnswerabilityPolicy {
  /** Minimum normalised BM25 score of the best passage (score over the query's ceiling). */
  minNormScore: number;
  /** Minimum share of the question's information (idf mass) found in the best passage. */
  minCoverage: number;
  /**
   * In hybrid retrieval, a best passage at least this similar to the question (cosine) is answerable even without
   * lexical support. Null: embeddings only re-rank. Depends on the embedding model, so it has no default.
   */
  minSimilarity?: number | null;
}

/**
 * Defaults chosen on the project's own demo question set (demo/kb/questions.jsonl), then checked, never tuned,
 * on StackFAQ's leave-out split; bench/results/knowledge.md reports both and the full threshold sweep.
 */
export const DEFAULT_ANSWERABILITY: AnswerabilityPolicy = { minNormScore: 0.25, minCoverage: 0.4 };

export type AnswerabilityReason = "answerable" | "empty_knowledge_base" | "nothing_to_search" | "weak_match";

export interface AnswerabilityDecision {
  answerable: boolean;
  reason: AnswerabilityReason;
  /** The best passage's normalised score and coverage, for logs and the agent console. */
  normScore: number;
  coverage: number;
}

export function decideAnswerable(
  retrieval: Retrieval,
  policy: AnswerabilityPolicy = DEFAULT_ANSWERABILITY,
): AnswerabilityDecision {
  const top = retrieval.passages[0];
  if (retrieval.queryTerms.length === 0)
    return { answerable: false, reason: "nothing_to_search", normScore: 0, coverage: 0 };
  if (!top)
    return {
      answerable: false,
      reason: retrieval.queryMass === 0 ? "empty_knowledge_base" : "weak_match",
      normScore: 0,
      coverage: 0,
    };
  // A one-word question ("privacy" of "what is your privacy policy") found only in a passage's body is a passing
  // mention ("Account settings, then Privacy"), not the topic: it must name the passage's title or heading.
  const passing = retrieval.queryTerms.length === 1 && top.titleMatch === false;
  // Without the title, the question's words found in the passage must meet in one of its sentences: "job openings
  // in the warehouse" found "leaves the warehouse" and "open an investigation" in two sentences about tracking.
  const found =
    top.titleMatch === false ? Math.min(top.coverage, bestSentenceCoverage(retrieval)) : top.coverage;
  const withPolicy = recordWithAspectCoverage(retrieval);
  const coverage = Math.max(found, withPolicy, recordCoverage(retrieval));
  // A record that names the thing asked about but holds nothing of what is asked ("How tall is the bedside table?"
  // of a row without dimensions) is no answer, however well it matches the name; a policy section may still be.
  const recordLacksAspect =
    withPolicy < policy.minCoverage && recordAspectSupport(retrieval) <= MIN_ASPECT_SUPPORT;
  const lexical =
    top.normScore >= policy.minNormScore && coverage >= policy.minCoverage && !passing && !recordLacksAspect;
  const semantic =
    policy.minSimilarity != null && top.similarity !== null && top.similarity >= policy.minSimilarity;
  const ok = lexical || semantic;
  return {
    answerable: ok,
    reason: ok ? "answerable" : "weak_match",
    normScore: top.normScore,
    coverage,
  };
}

/**
 * Share of a question's aspect (what it asks about a record, beyond naming it) the record must hold more than: half is
 * not enough, since "Is the lamp shade removable?" holds "shade" and says nothing of what is asked.
 */
const MIN_ASPECT_SUPPORT = 0.5;

/**
 * When the best passage is a record: the share of the question's aspect (its terms that do not name the record, by
 * idf) that the record holds, field labels' cue words included, and 1 when the question only names the record. A
 * question for a kind of fact (a size, a price) gets 1 or 0: whether a sentence of the record states one. 1 when the
 * best passage is no record.
 */
function recordAspectSupport(retrieval: Retrieval): number {
  const top = retrieval.passages[0];
  if (!top || !isRecordText(top.chunk.text)) return 1;
  const analyzer = analyzerFor(retrieval.language);
  // A question that asks for a kind of fact is answered by the record exactly when one of its fields states one:
  // "How big is the Dune rug?" by "160 by 230 centimetres", but "How tall is the bedside table?" by nothing.
  const expected = expectedAnswer(retrieval.question, analyzer.language);
  if (expected)
    return splitSentences(top.chunk.text).some((s) => statesAnswer(expected.kind, s, analyzer.language))
      ? 1
      : 0;
  const named = new Set(analyzer.terms(`${top.chunk.title} ${top.chunk.heading}`));
  const framing = lightTerms(analyzer);
  const held = recordTerms(top.chunk.text, analyzer);
  let mass = 0;
  let covered = 0;
  retrieval.queryTerms.forEach((t, i) => {
    if (named.has(t) || framing.has(t)) return;
    const idf = retrieval.queryIdf[i]!;
    mass += idf;
    if (held.has(t)) covered += idf;
  });
  return mass > 0 ? covered / mass : 1;
}

/**
 * 1 when the best passage is a record whose title and fields hold every word of the question, field labels' cue words
 * included; 0 otherwise. "Is the rug machine washable?" is asked of the rug's care field ("Vacuum without the brush
 * head"), which never says "machine" or "washable", and retrieval's coverage counts only the words it indexed. A
 * word the record lacks keeps its weight: "Are the towels made in Portugal?" is not answered by "Materials: cotton".
 */
function recordCoverage(retrieval: Retrieval): number {
  const top = retrieval.passages[0];
  if (!top || !isRecordText(top.chunk.text)) return 0;
  const held = recordHolds(top.chunk, analyzerFor(retrieval.language));
  return retrieval.queryTerms.every((t) => held.has(t)) ? 1 : 0;
}

/** A record's terms with its title's and heading's: everything the row says, field labels' cue words included. */
function recordHolds(chunk: Passage["chunk"], analyzer: Analyzer): Set<string> {
  const held = recordTerms(chunk.text, analyzer);
  for (const t of analyzer.terms(`${chunk.title} ${chunk.heading}`)) held.add(t);
  return held;
}

/**
 * A question about one record and something the record does not hold ("My lamp arrived broken": the lamp's row has
 * no word of arriving broken) is answered from the record and a policy passage whose title names what it lacks, as
 * the extractive answer builds it (see recordAspect). Its coverage is then what the two hold together; the record
 * alone must still carry the normalised score. 0 when the best passage is no record or no such policy is retrieved.
 */
function recordWithAspectCoverage(retrieval: Retrieval): number {
  const [top, ...rest] = retrieval.passages;
  if (!top || !isRecordText(top.chunk.text)) return 0;
  const analyzer = analyzerFor(retrieval.language);
  const asked = new Set(retrieval.queryTerms);
  const found = new Set([...recordHolds(top.chunk, analyzer)].filter((t) => asked.has(t)));
  const idf = new Map(retrieval.queryTerms.map((t, i) => [t, retrieval.queryIdf[i]!] as const));
  const missing = salientTerms(
    retrieval.queryTerms.filter((t) => !found.has(t)),
    (t) => idf.get(t) ?? 0,
  );
  if (missing.length === 0) return 0;
  const mass = retrieval.queryIdf.reduce((a, b) => a + b, 0);
  if (mass <= 0) return 0;
  let best = 0;
  for (const p of rest.slice(0, ASPECT_SEARCH_DEPTH - 1)) {
    if (!namesAspect(p, missing, analyzer, asked)) continue;
    const covered = new Set(found);
    for (const t of analyzer.terms(`${p.chunk.title} ${p.chunk.heading} ${p.chunk.text}`))
      if (asked.has(t)) covered.add(t);
    for (const t of p.softTitleTerms ?? []) covered.add(t);
    let share = 0;
    for (const t of covered) share += idf.get(t) ?? 0;
    best = Math.max(best, share / mass);
  }
  return best;
}

/** The largest share of the question's information (idf mass) that one sentence of the best passage holds. */
function bestSentenceCoverage(retrieval: Retrieval): number {
  const top = retrieval.passages[0]!;
  const analyzer = analyzerFor(retrieval.language);
  const mass = retrieval.queryIdf.reduce((a, b) => a + b, 0);
  if (mass <= 0) return 0;
  let best = 0;
  for (const sentence of splitSentences(top.chunk.text)) {
    const terms = new Set(analyzer.terms(sentence));
    // A list answers for the names it leaves out (creditLists): "Apple Pay" is met by "We accept Visa, ...".
    for (const l of top.listed ?? []) if (l.sentence === sentence) terms.add(l.term);
    let share = 0;
    retrieval.queryTerms.forEach((t, i) => {
      if (terms.has(t)) share += retrieval.queryIdf[i]!;
    });
    best = Math.max(best, share / mass);
  }
  return best;
}
