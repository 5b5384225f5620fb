// Word vectors let retrieval see that "remove" asks for "delete" without an embedding endpoint: a customer's words
// are matched softly against candidate titles, after BM25 has found the candidates.

import { STOPWORDS } from "./stopwords.ts";

/**
 * A frequency-ordered vocabulary of unit vectors, quantised to int8 with one scale per word: 200k words x 100
 * dimensions is 20 MB instead of 80, and cosine similarity stays within about 0.01 of the float value.
 */
export class WordVectors {
  readonly dimensions: number;
  readonly size: number;
  private readonly ids: Map<string, number>;
  private readonly words: readonly string[];
  private readonly data: Int8Array;
  private readonly scales: Float32Array;

  /** `words` must be ordered from most to least frequent: the rank stands in for a word's probability. */
  constructor(words: readonly string[], data: Int8Array, scales: Float32Array, dimensions: number) {
    if (data.length !== words.length * dimensions || scales.length !== words.length)
      throw new RangeError(
        `word vectors: ${words.length} words need ${words.length * dimensions} values and ${words.length} scales`,
      );
    this.dimensions = dimensions;
    this.size = words.length;
    this.words = words;
    this.data = data;
    this.scales = scales;
    this.ids = new Map();
    // First occurrence wins: it is the more frequent spelling's vector.
    words.forEach((w, i) => {
      if (!this.ids.has(w)) this.ids.set(w, i);
    });
  }

  /** Quantises float vectors (any length; they are normalised here). */
  static fromFloats(
    words: readonly string[],
    vectors: readonly ArrayLike<number>[],
    dimensions: number,
  ): WordVectors {
    const data = new Int8Array(words.length * dimensions);
    const scales = new Float32Array(words.length);
    vectors.forEach((v, i) => quantiseInto(v, dimensions, data, scales, i));
    return new WordVectors(words, data, scales, dimensions);
  }

  /** Row of a lower-case word, or -1 when the vocabulary lacks it. */
  id(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** The `n` most frequent words, most frequent first. */
  mostFrequent(n: number): readonly string[] {
    return this.words.slice(0, Math.min(n, this.size));
  }

  /** The word of a row. */
  word(id: number): string {
    return this.words[id] ?? "";
  }

  /** Cosine similarity of two rows. */
  similarity(a: number, b: number): number {
    if (a === b) return 1;
    const d = this.dimensions;
    const data = this.data;
    let s = 0;
    for (let i = a * d, j = b * d, end = a * d + d; i < end; i++, j++) s += data[i]! * data[j]!;
    return s * this.scales[a]! * this.scales[b]!;
  }

  /**
   * How much a word tells about what is asked: the smooth inverse frequency weight a / (a + p(w)) of Arora et al.
   * (2017), with p(w) estimated from the word's frequency rank by Zipf's law. "the" weighs ~0, "gmail" ~1.
   */
  weight(id: number): number {
    const p = 1 / ((id + 10) * Math.log(Math.max(this.size, 100)));
    return SIF_A / (SIF_A + p);
  }
}

const SIF_A = 1e-4;

/** Cosine similarity of two lower-case words, or null when the vocabulary lacks either (follow-up.ts's port). */
export function wordSimilarityOf(vectors: WordVectors): (a: string, b: string) => number | null {
  return (a, b) => {
    const i = vectors.id(a);
    const j = vectors.id(b);
    return i < 0 || j < 0 ? null : vectors.similarity(i, j);
  };
}

/** Writes one normalised, int8-quantised vector into row `row` of `data`. */
export function quantiseInto(
  v: ArrayLike<number>,
  dimensions: number,
  data: Int8Array,
  scales: Float32Array,
  row: number,
): void {
  let norm = 0;
  let max = 0;
  for (let k = 0; k < dimensions; k++) {
    const x = v[k] ?? 0;
    norm += x * x;
    if (Math.abs(x) > max) max = Math.abs(x);
  }
  norm = Math.sqrt(norm);
  if (norm === 0 || max === 0) {
    scales[row] = 0;
    return;
  }
  // Scale so the largest component maps to 127; the stored scale turns integer dot products back into cosines.
  const q = 127 / max;
  for (let k = 0; k < dimensions; k++) data[row * dimensions + k] = Math.round((v[k] ?? 0) * q);
  scales[row] = max / 127 / norm;
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/** Distinct vocabulary rows of a text's content words (English stopwords dropped), in order of appearance. */
export function contentWordIds(text: string, vectors: WordVectors): number[] {
  const stop = STOPWORDS.en!;
  const out: number[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    if (stop.has(w)) continue;
    const id = vectors.id(w);
    if (id >= 0 && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * Soft coverage of one question by candidate titles: for each question word, its best similarity to any title word
 * (an exact match is 1), where similarities at or below `threshold` count as nothing because unrelated words still
 * score 0.1-0.3; averaged with each word's weight, in [0, 1]. Candidates share title words, so each title word's
 * similarities to the question are computed once per question.
 */
export class SoftTitleMatcher {
  private readonly question: readonly number[];
  private readonly vectors: WordVectors;
  private readonly threshold: number;
  private readonly weights: Float32Array;
  private readonly total: number;
  private readonly seen = new Map<number, Float32Array>();

  constructor(question: readonly number[], vectors: WordVectors, threshold: number) {
    this.question = question;
    this.vectors = vectors;
    this.threshold = threshold;
    this.weights = Float32Array.from(question, (q) => vectors.weight(q));
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }

  coverage(title: readonly number[]): number {
    if (this.total === 0 || title.length === 0) return 0;
    const n = this.question.length;
    const best = new Float32Array(n);
    for (const t of title) {
      const sims = this.similaritiesTo(t);
      for (let i = 0; i < n; i++) if (sims[i]! > best[i]!) best[i] = sims[i]!;
    }
    const th = this.threshold;
    let covered = 0;
    for (let i = 0; i < n; i++) if (best[i]! > th) covered += (this.weights[i]! * (best[i]! - th)) / (1 - th);
    return covered / this.total;
  }

  private similaritiesTo(t: number): Float32Array {
    let sims = this.seen.get(t);
    if (!sims) {
      sims = Float32Array.from(this.question, (q) => this.vectors.similarity(q, t));
      this.seen.set(t, sims);
    }
    return sims;
  }
}
