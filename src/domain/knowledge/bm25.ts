// BM25F full-text index over two fields (title, body) on typed-array postings, updatable one chunk at a time.
//
// Hand-written rather than a library because retrieval is the core of answering: we need per-hit evidence
// (which query terms matched, how much of the query's information it covers) for the answerability decision,
// incremental add/remove without rebuilds, and sub-10 ms queries at 100k chunks; the peers measured in
// bench/knowledge give only a score.

import type { Analyzer } from "./analyzer.ts";
import { TypoIndex } from "./typos.ts";

export interface Bm25Params {
  k1: number;
  /** Length normalisation of the body field. */
  b: number;
  /** Length normalisation of the title field (titles are short and similar in length: little normalisation). */
  bTitle: number;
  /** How much a title occurrence counts relative to a body occurrence. */
  titleWeight: number;
  /**
   * Weight of adjacent-term pairs ("reset password") relative to single terms; 0 disables them. Pairs reward
   * passages that use the customer's phrase, not just its words scattered about.
   */
  bigramWeight: number;
}

// Title weight and title normalisation were chosen on the StackFAQ development set (bench/results/knowledge.md);
// k1 and b are the textbook values. Pairs are off by default: +1 point of hit@1 on StackFAQ, but every pair is a
// posting list of its own, which multiplies memory several-fold on large knowledge bases.
export const DEFAULT_BM25_PARAMS: Bm25Params = {
  k1: 1.2,
  b: 0.75,
  bTitle: 0.5,
  titleWeight: 3,
  bigramWeight: 0,
};

/** Pair terms share the index with single terms; a space never occurs inside an analysed term. */
function withBigrams(terms: string[]): string[] {
  const out = terms.slice();
  for (let i = 1; i < terms.length; i++) out.push(`${terms[i - 1]} ${terms[i]}`);
  return out;
}

export interface Bm25Hit {
  /** External id given to add(). */
  id: string;
  score: number;
  /** Score from the customer's own words over the best score any chunk could reach for them, in [0, 1). */
  normScore: number;
  /** Share of the query's idf mass whose terms occur in this chunk, in [0, 1]. */
  coverage: number;
}

export interface AnalysedQuery {
  terms: string[];
  /** Inverse document frequency per term, same order; unknown terms count as seen once. */
  idf: number[];
  /** Extra weight per term (1 for the customer's own words, lower for expansion terms). */
  weight: number[];
  /** Sum of the idf of the customer's own terms (weight 1): the score ceiling used to normalise. */
  idfMass: number;
  /** The customer's analysed words in order, repeats kept: adjacent ones are the phrases they used. */
  sequence: string[];
}

interface Postings {
  docs: Int32Array;
  tfTitle: Uint16Array;
  tfBody: Uint16Array;
  length: number;
  /** Postings of removed chunks still in the arrays; compacted when they dominate. */
  dead: number;
}

export interface FeedbackOptions {
  /** Top chunks to read expansion terms from. */
  docs: number;
  /** Expansion terms added to the query. */
  terms: number;
  /** Weight of each expansion term relative to a query term. */
  weight: number;
}

/** Shortest part of a word typed as two joined words ("giftcard"): shorter parts split real words by accident. */
const MIN_PART = 3;

export class Bm25Index {
  readonly analyzer: Analyzer;
  readonly params: Bm25Params;

  private readonly termIds = new Map<string, number>();
  private readonly termText: string[] = [];
  private readonly typos = new TypoIndex();
  private readonly wordTerms: ReadonlySet<string> | null;
  private readonly postings: Postings[] = [];
  private df = new Int32Array(1024);

  private readonly slotOf = new Map<string, number>();
  private ids: string[] = [];
  private lenTitle = new Float32Array(1024);
  private lenBody = new Float32Array(1024);
  private alive = new Uint8Array(1024);
  /** Unique term ids and their body+title frequency per slot: needed to remove a chunk and for feedback. */
  private docTerms: (Int32Array | null)[] = [];
  private docTf: (Uint16Array | null)[] = [];
  private slots = 0;
  private live = 0;
  private sumTitle = 0;
  private sumBody = 0;

  // Indexing scratch space: per-term counts of the chunk being added, indexed by term id, zeroed after use.
  private scratchIds = new Int32Array(256);
  private scratchTitle = new Uint32Array(1024);
  private scratchBody = new Uint32Array(1024);

  // Query scratch space, reused to avoid per-query allocation.
  private scores = new Float32Array(1024);
  // Float64 so coverage of a fully matched query is exactly 1 rather than 0.99999.
  private matched = new Float64Array(1024);
  private base = new Float64Array(1024);
  private touched = new Int32Array(1024);

  /**
   * @param wordTerms The analysed terms of the language's common words: question terms outside both it and the
   *   index are read as typos of an indexed term (see typos.ts). Null: no typo correction.
   */
  constructor(
    analyzer: Analyzer,
    params: Partial<Bm25Params> = {},
    wordTerms: ReadonlySet<string> | null = null,
  ) {
    this.wordTerms = wordTerms;
    this.analyzer = analyzer;
    this.params = { ...DEFAULT_BM25_PARAMS, ...params };
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds a chunk, replacing any chunk with the same id. */
  add(id: string, title: string, body: string): void {
    if (this.slotOf.has(id)) this.remove(id);
    const bigrams = this.params.bigramWeight > 0;
    const titleTerms = bigrams ? withBigrams(this.analyzer.terms(title)) : this.analyzer.terms(title);
    const bodyTerms = bigrams ? withBigrams(this.analyzer.terms(body)) : this.analyzer.terms(body);
    const slot = this.slots++;
    this.ensureDocCapacity(this.slots);
    this.ids[slot] = id;
    this.slotOf.set(id, slot);
    this.alive[slot] = 1;
    this.lenTitle[slot] = titleTerms.length;
    this.lenBody[slot] = bodyTerms.length;
    this.sumTitle += titleTerms.length;
    this.sumBody += bodyTerms.length;
    this.live++;

    // Per-term counts in reusable typed scratch arrays (no per-term allocation: this loop runs for every token).
    const need = titleTerms.length + bodyTerms.length;
    if (this.scratchIds.length < need) {
      this.scratchIds = new Int32Array(need * 2);
    }
    let distinct = 0;
    const ids = this.scratchIds;
    const countTerm = (t: string, title: boolean) => {
      const tid = this.termId(t);
      if (tid >= this.scratchTitle.length) this.growScratch(tid + 1);
      if (this.scratchTitle[tid] === 0 && this.scratchBody[tid] === 0) ids[distinct++] = tid;
      if (title) this.scratchTitle[tid]!++;
      else this.scratchBody[tid]!++;
    };
    for (const t of titleTerms) countTerm(t, true);
    for (const t of bodyTerms) countTerm(t, false);
    const terms = new Int32Array(distinct);
    const tfs = new Uint16Array(distinct);
    for (let i = 0; i < distinct; i++) {
      const tid = ids[i]!;
      const ft = this.scratchTitle[tid]!;
      const fb = this.scratchBody[tid]!;
      this.scratchTitle[tid] = 0;
      this.scratchBody[tid] = 0;
      terms[i] = tid;
      tfs[i] = Math.min(65535, ft + fb);
      const p = this.postings[tid]!;
      if (p.length === p.docs.length) growPostings(p);
      p.docs[p.length] = slot;
      p.tfTitle[p.length] = Math.min(65535, ft);
      p.tfBody[p.length] = Math.min(65535, fb);
      p.length++;
      this.df[tid]!++;
    }
    this.docTerms[slot] = terms;
    this.docTf[slot] = tfs;
  }

  /** Removes a chunk; returns false when it was not indexed. Postings are tombstoned and compacted lazily. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.alive[slot] = 0;
    this.live--;
    this.sumTitle -= this.lenTitle[slot]!;
    this.sumBody -= this.lenBody[slot]!;
    const terms = this.docTerms[slot];
    if (terms) {
      for (const tid of terms) {
        this.df[tid]!--;
        const p = this.postings[tid]!;
        p.dead++;
        if (p.dead > 32 && p.dead * 2 > p.length) compactPostings(p, this.alive);
      }
    }
    this.docTerms[slot] = null;
    this.docTf[slot] = null;
    return true;
  }

  /** Idf per query term, with the customer's words weighted 1. */
  analyseQuery(text: string): AnalysedQuery {
    const seen = new Set<string>();
    const terms: string[] = [];
    const weight: number[] = [];
    let words = this.analyzer.terms(text);
    if (this.wordTerms) {
      // A word the index lacks and the language does not know either is a typo of a word the index holds, if one is
      // an edit away ("pasword"), or two of its words written as one ("giftcard"); a real word ("write", "black")
      // stays what it is, however close another one is.
      const read: string[] = [];
      for (const w of words) {
        if (this.documentFrequency(w) > 0 || this.wordTerms.has(w)) {
          read.push(w);
          continue;
        }
        const fixed = this.typos.correct(w, this.termText, (id) => this.df[id]!);
        if (fixed !== null) read.push(fixed);
        else read.push(...(this.splitJoined(w) ?? [w]));
      }
      words = read;
    }
    for (const t of words) {
      if (!seen.has(t)) {
        seen.add(t);
        terms.push(t);
        weight.push(1);
      }
    }
    const idf = terms.map((t) => this.idf(t));
    const idfMass = idf.reduce((a, b) => a + b, 0);
    if (this.params.bigramWeight > 0) {
      for (let i = 1; i < words.length; i++) {
        const pair = `${words[i - 1]} ${words[i]}`;
        if (seen.has(pair) || !this.termIds.has(pair)) continue;
        seen.add(pair);
        terms.push(pair);
        idf.push(this.idf(pair));
        weight.push(this.params.bigramWeight);
      }
    }
    return { terms, idf, weight, idfMass, sequence: words };
  }

  /**
   * The two indexed words a word the index lacks was typed as one ("giftcard" as gift + card, "trackingnumber"), or
   * null. Each part at least 3 letters and itself a term the index holds, read by the analyzer as a word of its own
   * (so a part that is a stopword does not count); the split whose rarer part is commonest wins. The word arrives
   * stemmed, so its last part may have lost its ending ("lampwhite" is "lampwhit"): that part may also be an
   * indexed term it begins, one or two letters longer.
   */
  private splitJoined(word: string): [string, string] | null {
    if (word.length < 2 * MIN_PART || !/^\p{L}+$/u.test(word) || this.analyzer.isPhraseTerm(word))
      return null;
    let best: [string, string] | null = null;
    let bestDf = 0;
    for (let i = MIN_PART; i <= word.length - MIN_PART; i++) {
      const left = this.analyzer.terms(word.slice(0, i));
      const leftDf = left.length === 1 ? this.documentFrequency(left[0]!) : 0;
      if (leftDf === 0) continue;
      const right = this.completion(word.slice(i));
      if (right === null) continue;
      const df = Math.min(leftDf, this.documentFrequency(right));
      if (df > bestDf) {
        best = [left[0]!, right];
        bestDf = df;
      }
    }
    return best;
  }

  /** The indexed term a stemmed word ending stands for: its own term, else the commonest one it begins (+1-2 letters). */
  private completion(part: string): string | null {
    const own = this.analyzer.terms(part);
    if (own.length !== 1) return null;
    if (this.documentFrequency(own[0]!) > 0) return own[0]!;
    let best: string | null = null;
    let bestDf = 0;
    // The typo index's buckets (first letter and length) hold the candidates: a few hundred terms, not the vocabulary.
    for (const length of [part.length + 1, part.length + 2])
      for (const id of this.typos.termsStartingWith(part[0]!, length, this.termText)) {
        if (this.df[id]! > bestDf && this.termText[id]!.startsWith(part)) {
          best = this.termText[id]!;
          bestDf = this.df[id]!;
        }
      }
    return best;
  }

  /** How many live chunks hold the term (0 for a term the index never saw). */
  documentFrequency(term: string): number {
    const tid = this.termIds.get(term);
    return tid === undefined ? 0 : this.df[tid]!;
  }

  idf(term: string): number {
    const tid = this.termIds.get(term);
    // An unseen term counts as seen once: in a small knowledge base a df of 0 would make one unknown word
    // outweigh the whole question.
    const df = Math.max(1, tid === undefined ? 0 : this.df[tid]!);
    const n = Math.max(this.live, 1);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The BM25F saturation factor, tf / (k1 + tf), of one title occurrence in a title of the given length: what a
   * single title match of a term with idf 1 adds to a score. Lets re-ranking add title evidence on the same scale.
   */
  titleMatchWeight(titleLength: number): number {
    const { k1, bTitle, titleWeight } = this.params;
    const avgTitle = this.live > 0 ? this.sumTitle / this.live : titleLength;
    const tf = titleWeight / (1 - bTitle + (bTitle * titleLength) / Math.max(avgTitle, 1e-6));
    return tf / (k1 + tf);
  }

  /** Top-k chunks for a query, best first; ties keep insertion order. */
  search(query: string | AnalysedQuery, k: number): Bm25Hit[] {
    const q = typeof query === "string" ? this.analyseQuery(query) : query;
    if (q.terms.length === 0 || this.live === 0 || k <= 0) return [];
    const { k1, b, bTitle, titleWeight } = this.params;
    const avgTitle = Math.max(this.sumTitle / this.live, 1e-6);
    const avgBody = Math.max(this.sumBody / this.live, 1e-6);
    const scores = this.scores;
    const matched = this.matched;
    const base = this.base;
    const touched = this.touched;
    let nTouched = 0;
    for (let qi = 0; qi < q.terms.length; qi++) {
      const tid = this.termIds.get(q.terms[qi]!);
      if (tid === undefined) continue;
      const p = this.postings[tid]!;
      const original = q.weight[qi] === 1;
      const idf = q.idf[qi]!;
      const w = idf * q.weight[qi]!;
      const docs = p.docs;
      const tfT = p.tfTitle;
      const tfB = p.tfBody;
      for (let i = 0; i < p.length; i++) {
        const d = docs[i]!;
        if (this.alive[d] === 0) continue;
        const ft = tfT[i]!;
        const fb = tfB[i]!;
        let tf = 0;
        if (ft) tf += (titleWeight * ft) / (1 - bTitle + (bTitle * this.lenTitle[d]!) / avgTitle);
        if (fb) tf += fb / (1 - b + (b * this.lenBody[d]!) / avgBody);
        if (scores[d] === 0) touched[nTouched++] = d;
        const s = (w * tf) / (k1 + tf);
        scores[d]! += s;
        if (original) {
          base[d]! += s;
          matched[d]! += idf;
        }
      }
    }
    const hits = topK(scores, touched, nTouched, k);
    const mass = Math.max(q.idfMass, 1e-9);
    const out: Bm25Hit[] = hits.map((d) => ({
      id: this.ids[d]!,
      score: scores[d]!,
      normScore: base[d]! / mass,
      coverage: Math.min(1, matched[d]! / mass),
    }));
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      scores[d] = 0;
      matched[d] = 0;
      base[d] = 0;
    }
    return out;
  }

  /**
   * Pseudo-relevance feedback (RM3-style): adds the highest tf·idf terms of the top chunks to the query at a
   * reduced weight, which bridges vocabulary gaps ("cancel" vs "delete"). The ceiling (idfMass) keeps counting
   * only the customer's own words so normScore stays comparable across queries.
   */
  expandQuery(q: AnalysedQuery, opts: FeedbackOptions): AnalysedQuery {
    const top = this.search(q, opts.docs);
    if (top.length === 0) return q;
    const have = new Set(q.terms);
    const gain = new Map<number, number>();
    for (const hit of top) {
      const slot = this.slotOf.get(hit.id)!;
      const terms = this.docTerms[slot]!;
      const tfs = this.docTf[slot]!;
      const len = this.lenTitle[slot]! + this.lenBody[slot]!;
      for (let i = 0; i < terms.length; i++) {
        const tid = terms[i]!;
        const g = (tfs[i]! / Math.max(len, 1)) * hit.normScore;
        gain.set(tid, (gain.get(tid) ?? 0) + g);
      }
    }
    const n = Math.max(this.live, 1);
    const ranked = [...gain.entries()]
      .filter(([tid]) => !have.has(this.termText[tid]!) && this.df[tid]! > 0 && this.df[tid]! < n * 0.2)
      .map(([tid, g]) => [tid, g * Math.log(1 + n / this.df[tid]!)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, opts.terms);
    if (ranked.length === 0) return q;
    const terms = [...q.terms];
    const idf = [...q.idf];
    const weight = [...q.weight];
    for (const [tid] of ranked) {
      const term = this.termText[tid]!;
      terms.push(term);
      idf.push(this.idf(term));
      weight.push(opts.weight);
    }
    return { terms, idf, weight, idfMass: q.idfMass, sequence: q.sequence };
  }

  private termId(term: string): number {
    let tid = this.termIds.get(term);
    if (tid === undefined) {
      tid = this.termText.length;
      this.termIds.set(term, tid);
      this.termText.push(term);
      this.postings.push({
        docs: new Int32Array(4),
        tfTitle: new Uint16Array(4),
        tfBody: new Uint16Array(4),
        length: 0,
        dead: 0,
      });
      if (tid >= this.df.length) {
        const next = new Int32Array(this.df.length * 2);
        next.set(this.df);
        this.df = next;
      }
    }
    return tid;
  }

  private growScratch(n: number): void {
    let cap = this.scratchTitle.length;
    while (cap < n) cap *= 2;
    const t = new Uint32Array(cap);
    t.set(this.scratchTitle);
    const b = new Uint32Array(cap);
    b.set(this.scratchBody);
    this.scratchTitle = t;
    this.scratchBody = b;
  }

  private ensureDocCapacity(n: number): void {
    if (n <= this.alive.length) return;
    let cap = this.alive.length;
    while (cap < n) cap *= 2;
    this.lenTitle = growF32(this.lenTitle, cap);
    this.lenBody = growF32(this.lenBody, cap);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
    this.scores = new Float32Array(cap);
    this.matched = new Float64Array(cap);
    this.base = new Float64Array(cap);
    this.touched = new Int32Array(cap);
  }
}

function growF32(a: Float32Array<ArrayBuffer>, cap: number): Float32Array<ArrayBuffer> {
  const next = new Float32Array(cap);
  next.set(a);
  return next;
}

function growPostings(p: Postings): void {
  const cap = p.docs.length * 2;
  const docs = new Int32Array(cap);
  docs.set(p.docs);
  const ft = new Uint16Array(cap);
  ft.set(p.tfTitle);
  const fb = new Uint16Array(cap);
  fb.set(p.tfBody);
  p.docs = docs;
  p.tfTitle = ft;
  p.tfBody = fb;
}

function compactPostings(p: Postings, alive: Uint8Array): void {
  let w = 0;
  for (let r = 0; r < p.length; r++) {
    const d = p.docs[r]!;
    if (alive[d] === 0) continue;
    p.docs[w] = d;
    p.tfTitle[w] = p.tfTitle[r]!;
    p.tfBody[w] = p.tfBody[r]!;
    w++;
  }
  p.length = w;
  p.dead = 0;
}

/** Indices of the k best scores among the touched slots, best first (ties: lower slot first). Min-heap selection. */
function topK(scores: Float32Array, touched: Int32Array, n: number, k: number): number[] {
  const heap: number[] = [];
  // "worse" = lower score, or equal score and later slot.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    const d = touched[i]!;
    if (heap.length < k) {
      heap.push(d);
      let c = heap.length - 1;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!worse(heap[c]!, heap[parent]!)) break;
        [heap[c], heap[parent]] = [heap[parent]!, heap[c]!];
        c = parent;
      }
    } else if (worse(heap[0]!, d)) {
      heap[0] = d;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
