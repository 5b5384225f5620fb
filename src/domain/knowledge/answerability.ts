// Decides whether retrieved passages actually support an answer: the AI must know when it does not know.

import type { Retrieval } from "./knowledge-index.ts";

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
  const lexical = top.normScore >= policy.minNormScore && top.coverage >= policy.minCoverage && !passing;
  const semantic =
    policy.minSimilarity != null && top.similarity !== null && top.similarity >= policy.minSimilarity;
  const ok = lexical || semantic;
  return {
    answerable: ok,
    reason: ok ? "answerable" : "weak_match",
    normScore: top.normScore,
    coverage: top.coverage,
  };
}
