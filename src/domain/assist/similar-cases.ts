// "What resolved cases like this one?": an in-memory BM25 index over resolved conversations (the customer's
// issue text → resolution code and notes) that answers in a few milliseconds over 100,000 cases, so the assist
// panel can recommend next steps on every message. Hand-written rather than minisearch/orama: those keep
// per-document objects and score every field, several times slower and heavier at this size; this keeps
// postings in flat arrays and one reusable score accumulator.

import { tokenize } from "./text.ts";

export interface ResolvedCase {
  conversationId: string;
  /** The customer's issue, e.g. their first messages. */
  issueText: string;
  resolutionCode: string;
  /** The resolution notes or the agent's resolving message. */
  resolutionNotes: string;
  resolvedAt?: string;
}

export interface SimilarCase {
  case: ResolvedCase;
  score: number;
}

export interface NextStep {
  resolutionCode: string;
  /** Share of the similar cases' total score that this resolution holds, in [0, 1]. */
  confidence: number;
  caseCount: number;
  /** What the best-matching case with this resolution did. */
  notes: string;
  examples: Array<{ conversationId: string; score: number; notes: string }>;
}

export interface SimilarCaseOptions {
  k1?: number;
  b?: number;
  /** Query terms beyond this many (the least specific ones) are ignored, bounding the cost of long queries. */
  maxQueryTerms?: number;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Relative slack of the pruning bounds. A bound is a sum of the same terms in another order than a case's score, so
 * the two can differ in the last bits; a case whose bound is within this of the k-th score stays in contention, and
 * a tie at the k-th place is broken as exhaustive scoring breaks it (the earlier case).
 */
const TIE_TOLERANCE = 1e-9;

export class SimilarCaseIndex {
  readonly #cases: ResolvedCase[] = [];
  readonly #docLen: number[] = [];
  readonly #terms = new Map<string, number>();
  readonly #postDocs: number[][] = [];
  readonly #postTf: number[][] = [];
  readonly #byConversation = new Map<string, number>();
  #removed = new Set<number>();
  #totalLen = 0;
  #acc = new Float64Array(1024);
  /** Per-document BM25 length normalisation, rebuilt lazily after adds (it depends on the average length). */
  #norm = new Float64Array(0);
  #normFor = -1;
  /** Per-term upper bounds for pruning, valid for the norms they were computed with. */
  #factors = new Float64Array(0);
  #factorFor = -2;
  readonly #k1: number;
  readonly #b: number;
  readonly #maxQueryTerms: number;

  constructor(options: SimilarCaseOptions = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#maxQueryTerms = options.maxQueryTerms ?? 24;
  }

  get size(): number {
    return this.#cases.length - this.#removed.size;
  }

  /** Adds a resolved case; a conversation resolved again replaces its earlier entry. */
  add(c: ResolvedCase): void {
    const previous = this.#byConversation.get(c.conversationId);
    if (previous !== undefined) this.#removed.add(previous);
    const doc = this.#cases.length;
    this.#cases.push(c);
    this.#byConversation.set(c.conversationId, doc);
    const tokens = tokenize(c.issueText);
    this.#docLen.push(tokens.length);
    this.#totalLen += tokens.length;
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, n] of counts) {
      let id = this.#terms.get(t);
      if (id === undefined) {
        id = this.#postDocs.length;
        this.#terms.set(t, id);
        this.#postDocs.push([]);
        this.#postTf.push([]);
      }
      (this.#postDocs[id] as number[]).push(doc);
      (this.#postTf[id] as number[]).push(n);
    }
  }

  /**
   * The k resolved cases whose issue text is most similar to `query`, best first (BM25).
   *
   * Terms are scored rarest first. Once the k-th best score so far exceeds the most the remaining (common) terms
   * could add to any case, no unseen case can enter the top k (MaxScore pruning): the remaining terms are then
   * looked up only for the cases still in contention, by binary search in their sorted postings. The result
   * equals exhaustive scoring, ties at the k-th place included; `exhaustive: true` turns pruning off (tests,
   * benchmarks).
   */
  search(query: string, k = 10, options: { exhaustive?: boolean } = {}): SimilarCase[] {
    const n = this.#cases.length;
    if (n === 0 || k <= 0) return [];
    if (this.#acc.length < n) this.#acc = new Float64Array(Math.max(n, this.#acc.length * 2));
    const acc = this.#acc;
    const norm = this.#norms();
    const qCounts = new Map<number, number>();
    for (const t of tokenize(query)) {
      const id = this.#terms.get(t);
      if (id !== undefined) qCounts.set(id, (qCounts.get(id) ?? 0) + 1);
    }
    // Rarest terms first: they carry the signal, and long queries are cut to the most specific terms.
    // In a sizeable index, terms in more than half the cases do not discriminate; skipping them bounds the cost.
    const k1 = this.#k1;
    const qTerms = [...qCounts.entries()]
      .map(([id, qtf]) => ({ id, qtf, df: (this.#postDocs[id] as number[]).length }))
      .filter((t) => n < 100 || t.df <= n / 2)
      .sort((a, b) => a.df - b.df)
      .slice(0, this.#maxQueryTerms)
      .map((t) => {
        const w = Math.log(1 + (n - t.df + 0.5) / (t.df + 0.5)) * t.qtf;
        return { ...t, w, upper: w * this.#maxFactor(t.id) };
      });
    // remaining[i]: the most terms i.. can add to any one case.
    const remaining = new Float64Array(qTerms.length + 1);
    for (let i = qTerms.length - 1; i >= 0; i--)
      remaining[i] = (remaining[i + 1] as number) + (qTerms[i]?.upper ?? 0);

    const touched: number[] = [];
    let maxAcc = 0;
    let i = 0;
    let threshold = 0;
    for (; i < qTerms.length; i++) {
      if (!options.exhaustive && touched.length >= k && maxAcc >= (remaining[i] as number)) {
        threshold = this.#kthScore(touched, k);
        if (threshold - (remaining[i] as number) > threshold * TIE_TOLERANCE) break;
      }
      const { id, w } = qTerms[i] as (typeof qTerms)[number];
      const docs = this.#postDocs[id] as number[];
      const tfs = this.#postTf[id] as number[];
      for (let p = 0; p < docs.length; p++) {
        const d = docs[p] as number;
        const tf = tfs[p] as number;
        if (acc[d] === 0) touched.push(d);
        const s = (acc[d] as number) + (w * (tf * (k1 + 1))) / (tf + (norm[d] as number));
        acc[d] = s;
        if (s > maxAcc) maxAcc = s;
      }
    }
    if (i < qTerms.length) {
      // Only cases that could still reach the top k get the remaining terms, by binary search.
      // A bound within rounding of the threshold may still tie the k-th case, and ties go to the earlier case.
      const cut = threshold * (1 - TIE_TOLERANCE);
      let contenders = touched.filter((d) => (acc[d] as number) + (remaining[i] as number) >= cut);
      for (let j = i; j < qTerms.length; j++) {
        const { id, w } = qTerms[j] as (typeof qTerms)[number];
        const docs = this.#postDocs[id] as number[];
        const tfs = this.#postTf[id] as number[];
        for (const d of contenders) {
          const p = lowerBound(docs, d);
          if (docs[p] === d) {
            const tf = tfs[p] as number;
            acc[d] = (acc[d] as number) + (w * (tf * (k1 + 1))) / (tf + (norm[d] as number));
          }
        }
        contenders = contenders.filter((d) => (acc[d] as number) + (remaining[j + 1] as number) >= cut);
      }
    }
    const top = this.#topK(touched, k);
    for (const d of touched) acc[d] = 0;
    return top.map(([d, score]) => ({ case: this.#cases[d] as ResolvedCase, score }));
  }

  /** The k best [doc, score] among `docs` by the accumulator, best first; removed cases are skipped. */
  #topK(docs: readonly number[], k: number): Array<[number, number]> {
    const acc = this.#acc;
    const heap: Array<[number, number]> = []; // min-heap on score
    const less = (a: [number, number], b: [number, number]) => a[1] < b[1] || (a[1] === b[1] && a[0] > b[0]);
    for (const d of docs) {
      if (this.#removed.has(d)) continue;
      const item: [number, number] = [d, acc[d] as number];
      if (heap.length < k) {
        heap.push(item);
        for (let c = heap.length - 1; c > 0; ) {
          const p = (c - 1) >> 1;
          if (!less(heap[c] as [number, number], heap[p] as [number, number])) break;
          [heap[c], heap[p]] = [heap[p] as [number, number], heap[c] as [number, number]];
          c = p;
        }
      } else if (less(heap[0] as [number, number], item)) {
        heap[0] = item;
        for (let c = 0; ; ) {
          const l = 2 * c + 1;
          if (l >= heap.length) break;
          const r = l + 1;
          const m = r < heap.length && less(heap[r] as [number, number], heap[l] as [number, number]) ? r : l;
          if (!less(heap[m] as [number, number], heap[c] as [number, number])) break;
          [heap[c], heap[m]] = [heap[m] as [number, number], heap[c] as [number, number]];
          c = m;
        }
      }
    }
    return heap.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  #kthScore(docs: readonly number[], k: number): number {
    const top = this.#topK(docs, k);
    return top.length < k ? 0 : (top[k - 1] as [number, number])[1];
  }

  /** max over a term's postings of tf·(k1+1)/(tf+norm): the most one occurrence list can add per unit weight. */
  #maxFactor(id: number): number {
    if (this.#factorFor !== this.#normFor) {
      this.#factors = new Float64Array(this.#postDocs.length).fill(-1);
      this.#factorFor = this.#normFor;
    } else if (this.#factors.length < this.#postDocs.length) {
      const grown = new Float64Array(this.#postDocs.length).fill(-1);
      grown.set(this.#factors);
      this.#factors = grown;
    }
    let f = this.#factors[id] as number;
    if (f < 0) {
      f = 0;
      const docs = this.#postDocs[id] as number[];
      const tfs = this.#postTf[id] as number[];
      for (let p = 0; p < docs.length; p++) {
        const tf = tfs[p] as number;
        const v = (tf * (this.#k1 + 1)) / (tf + (this.#norm[docs[p] as number] as number));
        if (v > f) f = v;
      }
      this.#factors[id] = f;
    }
    return f;
  }

  #norms(): Float64Array {
    const n = this.#cases.length;
    if (this.#normFor !== n) {
      const avgLen = this.#totalLen / n || 1;
      if (this.#norm.length < n) this.#norm = new Float64Array(Math.max(n, this.#norm.length * 2));
      for (let d = 0; d < n; d++) {
        this.#norm[d] = this.#k1 * (1 - this.#b + (this.#b * (this.#docLen[d] as number)) / avgLen);
      }
      this.#normFor = n;
    }
    return this.#norm;
  }

  /**
   * Next steps from the most similar resolved cases, grouped by resolution code and weighted by similarity:
   * "cases like this were resolved by X (n similar cases)".
   */
  nextSteps(
    query: string,
    options: { neighbours?: number; limit?: number; excludeConversationId?: string } = {},
  ): NextStep[] {
    // A reopened conversation is in the index with its own earlier resolution, and matches itself best: it is not
    // a similar case, and would crowd the real ones out.
    const exclude = options.excludeConversationId;
    const wanted = options.neighbours ?? 20;
    const neighbours = this.search(query, exclude === undefined ? wanted : wanted + 1)
      .filter((n) => n.case.conversationId !== exclude)
      .slice(0, wanted);
    const total = neighbours.reduce((s, n) => s + n.score, 0);
    if (total === 0) return [];
    const groups = new Map<string, SimilarCase[]>();
    for (const n of neighbours) {
      const g = groups.get(n.case.resolutionCode);
      if (g) g.push(n);
      else groups.set(n.case.resolutionCode, [n]);
    }
    return [...groups.entries()]
      .map(([resolutionCode, cases]) => {
        const weight = cases.reduce((s, c) => s + c.score, 0);
        return {
          resolutionCode,
          confidence: weight / total,
          caseCount: cases.length,
          notes: cases[0]?.case.resolutionNotes ?? "",
          examples: cases.slice(0, 3).map((c) => ({
            conversationId: c.case.conversationId,
            score: c.score,
            notes: c.case.resolutionNotes,
          })),
        };
      })
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, options.limit ?? 3);
  }
}
