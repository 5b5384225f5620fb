// The in-memory retrieval index over every stored chunk: one BM25F index per language, kept current chunk by chunk.

import { type Analyzer, analyzerFor, baseLanguage } from "./analyzer.ts";
import { type AnalysedQuery, Bm25Index, type Bm25Params, type FeedbackOptions } from "./bm25.ts";
import { splitSentences } from "./chunker.ts";
import { isRecordText } from "./extractive.ts";
import { paymentMethodsIn } from "./payment-methods.ts";
import { placesIn } from "./places.ts";
import { questionCore } from "./question-core.ts";
import { contentWordIds, SoftTitleMatcher, type WordVectors } from "./word-vectors.ts";

/** A chunk as the index sees it: everything a citation needs travels with it. */
export interface IndexedChunk {
  id: string;
  sourceId: string;
  /** Name of the source shown in citations (file name, site, table). */
  sourceName: string;
  documentId: string;
  title: string;
  heading: string;
  location: string;
  url: string | null;
  text: string;
  hash: string;
  language: string;
  /** Embedding of the chunk text when an embedding endpoint is configured (hybrid retrieval). */
  embedding?: Float32Array | null;
}

export interface Passage {
  chunk: IndexedChunk;
  score: number;
  /** BM25 score over its ceiling for this query, in [0, 1). */
  normScore: number;
  /** Share of the query's information (idf mass) present in this chunk, in [0, 1]. */
  coverage: number;
  /** Cosine similarity to the query embedding in hybrid retrieval; null when no vectors were used. */
  similarity: number | null;
  /** Whether one of the query's own terms is in the chunk's title or heading; set on the best passage only. */
  titleMatch?: boolean;
  /**
   * The query's terms the knowledge base never uses that one of the chunk's sentences answers by listing their kind:
   * "Do you ship to Canada?" and "ships ... to the European Union, the United Kingdom, Switzerland and Norway" (see
   * creditLists). Each with the sentence that lists; absent when there are none.
   */
  listed?: { term: string; sentence: string }[];
  /**
   * The query's terms that the chunk's title or heading names with a near synonym rather than the word itself
   * ("broken" for "Damaged or wrong items"), by the word vectors. Set only when the best passage is a record (see
   * recordAspect in extractive.ts); absent without vectors or when there are none.
   */
  softTitleTerms?: string[];
}

export interface Retrieval {
  /** The text searched for, as asked. */
  query: string;
  /**
   * What the query asks, greeting, thanks and framing removed (see question-core.ts): the text that was searched and
   * that coverage and the answer are judged against.
   */
  question: string;
  /** The language whose chunks were searched. */
  language: string;
  /** True when the query's language has no chunks and another language's were searched instead. */
  languageFallback: boolean;
  passages: Passage[];
  /** Idf mass of the query's own terms; 0 means nothing searchable was asked. */
  queryMass: number;
  queryTerms: string[];
  /** Idf of each of the query's own terms, same order as queryTerms: how telling each word is in this knowledge base. */
  queryIdf: number[];
}

export interface SearchOptions {
  k?: number;
  language?: string | null;
  /** Query embedding: turns on hybrid retrieval over the chunks that have embeddings. */
  vector?: Float32Array | null;
}

export interface KnowledgeIndexOptions {
  bm25?: Partial<Bm25Params>;
  /** Pseudo-relevance feedback; null turns it off. */
  feedback?: FeedbackOptions | null;
  /**
   * Chunks of one document support each other: a document's rank is its best chunk plus this share of its other
   * retrieved chunks' scores. FAQ entries with several answers and long pages with several matching sections win
   * over a single lucky chunk.
   */
  documentFusion?: number;
  /** Language searched when a query's language has no chunks. */
  defaultLanguage?: string;
  /**
   * Re-ranking weight of title coverage: the idf share of a chunk's title (and heading) that the question covers.
   * BM25 rewards a question's words found in a title; coverage also penalises titles about something more.
   */
  titleCoverage?: number;
  /**
   * Re-ranking weight of the customer's phrases found in a title: each pair of adjacent query words that is also
   * adjacent, in the same order, in a chunk's title (or heading) adds this share of the pair's idf, scored like a
   * title match. "Delete my account" then beats a title that only has "delete" and "account" apart. Computed on
   * the over-fetched candidates from the cached title terms, so unlike indexed word pairs it costs no memory.
   */
  titlePhrase?: number;
  /**
   * English word vectors for semantic title matching: each candidate gains `weight` x the best lexical score x the
   * soft coverage of the question by its title (see SoftTitleMatcher), so "remove my fb account" finds "How do I
   * delete my Facebook account?". Null: lexical only.
   */
  semantic?: SemanticOptions | null;
}

export interface SemanticOptions {
  vectors: WordVectors;
  /** Share of the best candidate's score a fully covered question adds. */
  weight: number;
  /** Cosine similarity below which two words are unrelated. */
  threshold: number;
}

/**
 * Cosine similarity at which a title word stands for a question word it does not repeat (softTitleTerms): "broken"
 * and "damaged" are 0.68, "options" and "methods" 0.48, "bitcoin" and "payment" 0.23 in the 100-dimension GloVe
 * vectors. Well above the 0.4 at which the semantic re-ranking starts counting relatedness, because this one lets a
 * passage answer for a word, not just rank higher.
 */
export const SOFT_TITLE_MATCH = 0.6;

/**
 * A list answers by omission only a yes/no question about one member ("Do you ship to ...", "Can I send it to ..."):
 * "How long does delivery to Canada take?" is not answered by the countries a shop ships to.
 */
const YES_NO_QUESTION = /^\s*(?:do|does|can|could|will|would|is|are|may)\s/i;
/** How many names of one kind a sentence must hold to be a list of what something applies to. */
const LIST_MIN_NAMES = 2;
/**
 * The kinds of things a list answers for, each by a word list of their names: where a shop ships (places.ts), how
 * it can be paid (payment-methods.ts). A place the knowledge base names elsewhere is answered there ("Germany" in
 * the delivery times), so only unknown places are credited to a list; a payment method's words are common words
 * ("Apple Pay", "bank transfer"), so any of them the list does not say is.
 */
const LISTED_KINDS: readonly { namesIn: (text: string) => string[]; creditKnown: boolean }[] = [
  { namesIn: placesIn, creditKnown: false },
  { namesIn: paymentMethodsIn, creditKnown: true },
];
/** How many of the best lexical candidates are read for lists: the sentence that lists is in a passage found. */
const LIST_SEARCH_DEPTH = 10;

/**
 * On StackFAQ (bench/results/knowledge.md) weights 0.8-1.6 and thresholds 0-0.5 all gave hit@1 0.796-0.805 against
 * 0.777 without vectors; these sit in the middle of that plateau.
 */
export const DEFAULT_SEMANTIC = { weight: 1, threshold: 0.4 } as const;

/**
 * How many of the vectors' most frequent words count as real words that are never corrected. The vocabulary's tail
 * is web text and holds the typos themselves ("pasword"); its first 50,000 words are the language.
 */
const COMMON_WORDS = 50_000;
/** Per vectors and analyzer: a team's synonyms make a new analyzer, whose terms may differ. */
const COMMON_WORD_TERMS = new WeakMap<WordVectors, WeakMap<Analyzer, Set<string>>>();

export const DEFAULT_FEEDBACK: FeedbackOptions = { docs: 3, terms: 8, weight: 0.25 };

export class KnowledgeIndex {
  private readonly byLanguage = new Map<string, Bm25Index>();
  private readonly chunks = new Map<string, IndexedChunk>();
  private readonly bySource = new Map<string, Set<string>>();
  /** Unit-length embeddings per language and chunk, for hybrid retrieval. */
  private readonly vectors = new Map<string, Map<string, Float32Array>>();
  /** Analysed title (and heading) terms per chunk in order, for title re-ranking. */
  private readonly titleTerms = new Map<string, string[]>();
  /** Vocabulary rows of each English chunk's title words, for semantic matching. */
  private readonly titleWords = new Map<string, number[]>();
  private readonly options: Required<KnowledgeIndexOptions>;

  constructor(options: KnowledgeIndexOptions = {}) {
    this.options = {
      bm25: options.bm25 ?? {},
      // Off by default: on StackFAQ it cost 2-3 points of hit@1 (bench/results/knowledge.md).
      feedback: options.feedback === undefined ? null : options.feedback,
      documentFusion: options.documentFusion ?? 0.25,
      defaultLanguage: options.defaultLanguage ?? "en",
      // Any value from 0.3 to 1 gave the same +1 point of hit@1 on StackFAQ; 0.5 sits in the middle.
      titleCoverage: options.titleCoverage ?? 0.5,
      // 0.15 and 0.3 were tried on StackFAQ (+1.2 and +0.5 points of hit@1); bench/results/knowledge.md.
      titlePhrase: options.titlePhrase ?? 0.15,
      semantic: options.semantic ?? null,
    };
  }

  get size(): number {
    return this.chunks.size;
  }

  /** Languages that have at least one chunk. */
  languages(): string[] {
    return [...this.byLanguage.entries()].filter(([, idx]) => idx.size > 0).map(([lang]) => lang);
  }

  get(chunkId: string): IndexedChunk | undefined {
    return this.chunks.get(chunkId);
  }

  /** Adds or replaces chunks (by id). */
  upsert(chunks: Iterable<IndexedChunk>): void {
    for (const c of chunks) {
      const lang = baseLanguage(c.language);
      const prev = this.chunks.get(c.id);
      if (prev) this.remove(prev.id);
      let idx = this.byLanguage.get(lang);
      if (!idx) {
        const analyzer = analyzerFor(lang);
        idx = new Bm25Index(analyzer, this.options.bm25, this.wordTermsFor(analyzer));
        this.byLanguage.set(lang, idx);
      }
      idx.add(c.id, titleText(c), c.text);
      const { embedding, ...rest } = c;
      if (embedding && embedding.length > 0) {
        let vecs = this.vectors.get(lang);
        if (!vecs) {
          vecs = new Map();
          this.vectors.set(lang, vecs);
        }
        vecs.set(c.id, normalise(embedding));
      }
      this.chunks.set(c.id, { ...rest, language: lang });
      let set = this.bySource.get(c.sourceId);
      if (!set) {
        set = new Set();
        this.bySource.set(c.sourceId, set);
      }
      set.add(c.id);
    }
  }

  remove(chunkId: string): boolean {
    const c = this.chunks.get(chunkId);
    if (!c) return false;
    this.byLanguage.get(c.language)?.remove(chunkId);
    this.vectors.get(c.language)?.delete(chunkId);
    this.titleTerms.delete(chunkId);
    this.titleWords.delete(chunkId);
    this.chunks.delete(chunkId);
    this.bySource.get(c.sourceId)?.delete(chunkId);
    return true;
  }

  /** Drops every chunk of a source; returns how many. */
  removeSource(sourceId: string): number {
    const ids = this.bySource.get(sourceId);
    if (!ids) return 0;
    const n = ids.size;
    for (const id of [...ids]) this.remove(id);
    this.bySource.delete(sourceId);
    return n;
  }

  /** Replaces a source's chunks with a new set (re-ingestion). */
  replaceSource(sourceId: string, chunks: IndexedChunk[]): void {
    this.removeSource(sourceId);
    this.upsert(chunks);
  }

  /**
   * Reciprocal-rank fusion of the lexical ranking with a brute-force cosine ranking. Vector-only passages carry
   * their real BM25 evidence (usually none), so the answerability decision stays honest about lexical support.
   */
  private hybrid(
    lexical: Passage[],
    query: Float32Array,
    vecs: Map<string, Float32Array>,
    n: number,
  ): Passage[] {
    const sims: { id: string; sim: number }[] = [];
    for (const [id, v] of vecs) sims.push({ id, sim: dot(query, v) });
    sims.sort((a, b) => b.sim - a.sim);
    const simOf = new Map(sims.map((s) => [s.id, s.sim]));
    const RRF_K = 60;
    const fused = new Map<string, { p: Passage; rrf: number }>();
    lexical.forEach((p, i) => {
      p.similarity = simOf.get(p.chunk.id) ?? null;
      fused.set(p.chunk.id, { p, rrf: 1 / (RRF_K + i + 1) });
    });
    const seenHash = new Set(lexical.map((p) => p.chunk.hash));
    sims.slice(0, n).forEach((s, i) => {
      const entry = fused.get(s.id);
      if (entry) {
        entry.rrf += 1 / (RRF_K + i + 1);
        return;
      }
      const chunk = this.chunks.get(s.id)!;
      if (seenHash.has(chunk.hash)) return;
      seenHash.add(chunk.hash);
      fused.set(s.id, {
        p: { chunk, score: 0, normScore: 0, coverage: 0, similarity: s.sim },
        rrf: 1 / (RRF_K + i + 1),
      });
    });
    // Scores become fused RRF values (scaled to stay comparable in size to BM25 for document fusion).
    return [...fused.values()]
      .sort((a, b) => b.rrf - a.rrf)
      .map(({ p, rrf }) => ({ ...p, score: rrf * 100 }));
  }

  /**
   * What tells a typo from a real word the knowledge base does not use: the terms of the word vectors' most frequent
   * words, English only (the vectors are English). Null without vectors: then nothing is corrected.
   */
  private wordTermsFor(analyzer: Analyzer): ReadonlySet<string> | null {
    const vectors = this.options.semantic?.vectors;
    if (!vectors || analyzer.language !== "en") return null;
    let byAnalyzer = COMMON_WORD_TERMS.get(vectors);
    if (!byAnalyzer) {
      byAnalyzer = new WeakMap();
      COMMON_WORD_TERMS.set(vectors, byAnalyzer);
    }
    let terms = byAnalyzer.get(analyzer);
    if (!terms) {
      terms = new Set(vectors.mostFrequent(COMMON_WORDS).flatMap((w) => analyzer.terms(w)));
      byAnalyzer.set(analyzer, terms);
    }
    return terms;
  }

  /** A chunk's analysed title (and heading) terms in order, cached: re-ranking reads them on every query. */
  private titleTermsOf(idx: Bm25Index, chunk: IndexedChunk): string[] {
    return cached(this.titleTerms, chunk.id, () => idx.analyzer.terms(titleText(chunk)));
  }

  /**
   * Adds the customer's phrases found in titles to the lexical scores. Runs before hybrid fusion so the bonus stays
   * on the BM25 scale it is computed in; fusion then sees the re-ranked lexical order.
   */
  private addTitlePhrases(idx: Bm25Index, passages: Passage[], q: AnalysedQuery): void {
    const pairs = queryPairs(q.sequence);
    if (pairs.length === 0) return;
    let changed = false;
    for (const p of passages) {
      const terms = this.titleTermsOf(idx, p.chunk);
      if (terms.length < 2) continue;
      const inTitle = new Set<string>();
      for (let i = 1; i < terms.length; i++) inTitle.add(`${terms[i - 1]} ${terms[i]}`);
      let idf = 0;
      // A pair is rarer than either word; assuming independence its idf is the sum of theirs.
      for (const [a, b] of pairs) if (inTitle.has(`${a} ${b}`)) idf += idx.idf(a) + idx.idf(b);
      if (idf > 0) {
        p.score += this.options.titlePhrase * idf * idx.titleMatchWeight(terms.length);
        changed = true;
      }
    }
    if (changed) passages.sort((a, b) => b.score - a.score);
  }

  /**
   * Adds the semantic title match to each candidate, scaled by the best candidate's score so the bonus is
   * comparable across questions. English only: the vectors are English.
   */
  private addSemanticTitleMatch(passages: Passage[], query: string, semantic: SemanticOptions): void {
    if (passages.length < 2) return;
    const question = contentWordIds(query, semantic.vectors);
    if (question.length === 0) return;
    const matcher = new SoftTitleMatcher(question, semantic.vectors, semantic.threshold);
    const top = passages.reduce((m, p) => Math.max(m, p.score), 0);
    for (const p of passages) {
      const words = cached(this.titleWords, p.chunk.id, () =>
        contentWordIds(titleText(p.chunk), semantic.vectors),
      );
      p.score += semantic.weight * top * matcher.coverage(words);
    }
    passages.sort((a, b) => b.score - a.score);
  }

  /**
   * A country the knowledge base never names ("Do you ship to Canada?") is answered by a sentence that lists
   * countries ("to the European Union, the United Kingdom, Switzerland and Norway"): what a person would reply, the
   * list, which says no by leaving it out. So is a payment method ("Do you accept Apple Pay?" by "We accept Visa,
   * Mastercard, ..."). Such a passage is credited for the name's unknown words as for one mention in its body
   * (score, normalised score and coverage), so the question is neither declined as unknown nor answered from
   * another section.
   */
  private creditLists(idx: Bm25Index, passages: Passage[], question: string, q: AnalysedQuery): void {
    if (!YES_NO_QUESTION.test(question)) return;
    let changed = false;
    for (const { namesIn, creditKnown } of LISTED_KINDS) {
      const asked = namesIn(question);
      if (asked.length === 0) continue;
      const named: { term: string; idf: number }[] = [];
      for (const name of asked)
        for (const term of idx.analyzer.terms(name)) {
          const at = q.terms.indexOf(term);
          if (at < 0 || q.weight[at] !== 1 || (!creditKnown && idx.documentFrequency(term) > 0)) continue;
          if (!named.some((u) => u.term === term)) named.push({ term, idf: q.idf[at]! });
        }
      if (named.length === 0) continue;
      const mass = Math.max(q.idfMass, 1e-9);
      for (const p of passages.slice(0, LIST_SEARCH_DEPTH)) {
        const list = splitSentences(p.chunk.text).find((s) => namesIn(s).length >= LIST_MIN_NAMES);
        if (!list) continue;
        const said = new Set(idx.analyzer.terms(list));
        const unsaid = named.filter((u) => !said.has(u.term));
        if (unsaid.length === 0) continue;
        for (const u of unsaid) {
          // One body mention at average length adds about half the term's idf to a BM25 score (tf / (k1 + tf)).
          const share = u.idf / mass;
          p.score += 0.5 * u.idf;
          p.normScore = Math.min(1, p.normScore + 0.5 * share);
          p.coverage = Math.min(1, p.coverage + share);
          (p.listed ??= []).push({ term: u.term, sentence: list });
        }
        changed = true;
      }
    }
    if (changed) passages.sort((a, b) => b.score - a.score);
  }

  /** Sets softTitleTerms on the passages returned: only those, so the cost stays a few dozen similarities. */
  private markSoftTitleTerms(idx: Bm25Index, passages: Passage[], query: string, vectors: WordVectors): void {
    const words: { id: number; term: string }[] = [];
    for (const id of contentWordIds(query, vectors)) {
      const term = idx.analyzer.terms(vectors.word(id))[0];
      if (term !== undefined && !words.some((w) => w.term === term)) words.push({ id, term });
    }
    if (words.length === 0) return;
    for (const p of passages) {
      // A word the passage itself uses is its own evidence: "arrived" is in "unless they arrived damaged", and its
      // vector's nearness to the heading's "returned" (0.78) must not make "Items that cannot be returned" about it.
      const lexical = new Set([...this.titleTermsOf(idx, p.chunk), ...idx.analyzer.terms(p.chunk.text)]);
      const title = cached(this.titleWords, p.chunk.id, () => contentWordIds(titleText(p.chunk), vectors));
      const soft = words
        .filter(
          (w) => !lexical.has(w.term) && title.some((t) => vectors.similarity(w.id, t) >= SOFT_TITLE_MATCH),
        )
        .map((w) => w.term);
      if (soft.length > 0) p.softTitleTerms = soft;
    }
  }

  private rerankByTitleCoverage(idx: Bm25Index, passages: Passage[], query: Set<string>): void {
    const gamma = this.options.titleCoverage;
    for (const p of passages) {
      let all = 0;
      let hit = 0;
      for (const t of new Set(this.titleTermsOf(idx, p.chunk))) {
        const w = idx.idf(t);
        all += w;
        if (query.has(t)) hit += w;
      }
      if (all > 0) p.score *= 1 + gamma * (hit / all);
    }
    passages.sort((a, b) => b.score - a.score);
  }

  search(query: string, options: SearchOptions = {}): Retrieval {
    const k = options.k ?? 5;
    const wanted = baseLanguage(options.language ?? this.options.defaultLanguage);
    let language = wanted;
    let idx = this.byLanguage.get(wanted);
    let languageFallback = false;
    if (!idx || idx.size === 0) {
      const fallback = this.byLanguage.get(this.options.defaultLanguage);
      const any =
        fallback && fallback.size > 0 ? fallback : [...this.byLanguage.values()].find((i) => i.size > 0);
      if (!any)
        return {
          query,
          question: query,
          language: wanted,
          languageFallback: false,
          passages: [],
          queryMass: 0,
          queryTerms: [],
          queryIdf: [],
        };
      idx = any;
      language = any.analyzer.language;
      languageFallback = language !== wanted;
    }
    // In the customer's language, which is the message's even when another language's chunks are searched.
    const question = questionCore(withoutUnknownReferences(query, idx), wanted);
    let q: AnalysedQuery = idx.analyseQuery(question);
    const own = q.terms.map((t, i) => [t, q.idf[i]!] as const).filter((_, i) => q.weight[i] === 1);
    const queryTerms = own.map(([t]) => t);
    const queryIdf = own.map(([, w]) => w);
    if (q.terms.length === 0)
      return {
        query,
        question,
        language,
        languageFallback,
        passages: [],
        queryMass: 0,
        queryTerms,
        queryIdf,
      };
    if (this.options.feedback) q = idx.expandQuery(q, this.options.feedback);
    // Over-fetch so fusion and duplicate removal still leave k distinct passages.
    const hits = idx.search(q, Math.max(k * 4, 40));
    // Coverage and normScore judge the customer's words only: expansion terms must not make a query look answerable.
    const passages: Passage[] = [];
    const seenHash = new Set<string>();
    for (const h of hits) {
      const chunk = this.chunks.get(h.id)!;
      if (seenHash.has(chunk.hash)) continue;
      seenHash.add(chunk.hash);
      passages.push({
        chunk,
        score: h.score,
        normScore: h.normScore,
        coverage: Math.min(1, h.coverage),
        similarity: null,
      });
    }
    if (language === "en") this.creditLists(idx, passages, question, q);
    if (this.options.titlePhrase > 0) this.addTitlePhrases(idx, passages, q);
    const vecs = this.vectors.get(language);
    if (options.vector && vecs && vecs.size > 0) {
      const fusedHybrid = this.hybrid(passages, normalise(options.vector), vecs, Math.max(k * 4, 40));
      passages.splice(0, passages.length, ...fusedHybrid);
    }
    if (this.options.titleCoverage > 0) this.rerankByTitleCoverage(idx, passages, new Set(queryTerms));
    const semantic = this.options.semantic;
    if (semantic && semantic.weight > 0 && language === "en")
      this.addSemanticTitleMatch(passages, question, semantic);
    const fused = fuseByDocument(passages, this.options.documentFusion);
    // Only a record's question reads them (the policy that answers what the record lacks): skip the work otherwise.
    if (semantic && language === "en" && fused[0] && isRecordText(fused[0].chunk.text))
      this.markSoftTitleTerms(idx, fused.slice(0, k), question, semantic.vectors);
    const best = fused[0];
    if (best) {
      const own = new Set(queryTerms);
      best.titleMatch = this.titleTermsOf(idx, best.chunk).some((t) => own.has(t));
    }
    return {
      query,
      question,
      language,
      languageFallback,
      passages: fused.slice(0, k),
      queryMass: q.idfMass,
      queryTerms,
      queryIdf,
    };
  }
}

/**
 * The customer's own reference (an order number "LC-10234" said as one, an email address) asks nothing of a knowledge
 * base, which never holds one customer's order; unindexed, it weighed the most of any word in coverage, and "can you
 * send me my invoice for order LC-10234?" was declined with "Invoices" ranked first. A code not said to be an order's
 * or a ticket's stays a word of the question: "what is the price of LC-1001?" asks about that product, not prices in
 * general. So does a reference the index holds. Three digits at least: "2-day", "HTML5" are words.
 */
function withoutUnknownReferences(question: string, idx: Bm25Index): string {
  if (!REFERENCE_HINT.test(question)) return question;
  const known = (token: string) =>
    idx.analyzer.terms(token).some((t) => /\p{N}/u.test(t) && idx.documentFrequency(t) > 0);
  return question
    .replace(OWN_REFERENCE, (match, email: string | undefined, lead: string | undefined, code: string) =>
      known(email ?? code) ? match : ` ${lead ?? ""} `,
    )
    .replace(/\s{2,}/g, " ")
    .replace(/\s+(?=[?.!,;:]|$)/g, "")
    .trim();
}

/** Three digits together or an @: the cheap test before OWN_REFERENCE runs. */
const REFERENCE_HINT = /\p{N}{3}|@/u;

/**
 * An email address, or a code of letters and digits (three digits at least) or a number of five digits or more after
 * the words that say whose it is: "order LC-10234", "ticket #48213", "order number: 1234567", "my order is A1234".
 */
const OWN_REFERENCE = new RegExp(
  String.raw`(?<![\p{L}\p{N}@._%+-])(?:([\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})|` +
    String.raw`((?:order|invoice|ticket|case|reference|ref|tracking|parcel|package|shipment|booking|confirmation|account|customer)s?` +
    String.raw`(?:\s+(?:number|no\.?|nr\.?|id|code))?(?:\s+(?:is|was))?[\s:#]*)` +
    String.raw`(#?(?=(?:[\p{L}_-]*\p{N}){3})(?=[\p{N}_-]*\p{L})[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)*|#?\p{N}{5,}))(?![\p{L}\p{N}@_-])`,
  "giu",
);

/** What a chunk's title means to the index and the re-rankers: the document title plus the section heading. */
const titleText = (c: { title: string; heading: string }): string =>
  c.heading ? `${c.title} ${c.heading}` : c.title;

/** Per-chunk derived title data, computed on first use; cleared past 200k entries rather than growing unbounded. */
function cached<T>(cache: Map<string, T>, chunkId: string, compute: () => T): T {
  let value = cache.get(chunkId);
  if (value === undefined) {
    value = compute();
    if (cache.size > 200_000) cache.clear();
    cache.set(chunkId, value);
  }
  return value;
}

/** Distinct ordered pairs of adjacent words ("reset password" once, however often it is repeated). */
function queryPairs(sequence: string[]): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (let i = 1; i < sequence.length; i++) {
    const a = sequence[i - 1]!;
    const b = sequence[i]!;
    const key = `${a} ${b}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -1;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The best chunk of the document with the best fused score leads; the rest follow by their own score, whatever
 * their document. Fusion picks the answer's source (FAQ entries with several answers and long pages with several
 * matching sections win over a single lucky chunk), but the passages after it are the next-best evidence: grouping
 * them by document would hide a better-matching passage of another document behind every weak chunk of the first
 * ("When will my express order arrive?" found only "Orders and payments" chunks, American Express among them).
 */
function fuseByDocument(passages: Passage[], share: number): Passage[] {
  if (share <= 0 || passages.length < 2) return passages;
  const docScore = new Map<string, { best: number; rest: number; order: number }>();
  passages.forEach((p, i) => {
    const key = `${p.chunk.sourceId}\u0000${p.chunk.documentId}`;
    const d = docScore.get(key);
    if (!d) docScore.set(key, { best: p.score, rest: 0, order: i });
    else if (d.rest === 0) d.rest = p.score; // only the runner-up: more chunks must not mean more score
  });
  let lead = 0;
  let leadValue = Number.NEGATIVE_INFINITY;
  for (const d of docScore.values()) {
    const value = d.best + share * d.rest;
    // Ties go to the document whose best chunk ranks first; its best chunk is the first of its chunks seen.
    if (value > leadValue) {
      leadValue = value;
      lead = d.order;
    }
  }
  if (lead === 0) return passages;
  return [passages[lead]!, ...passages.slice(0, lead), ...passages.slice(lead + 1)];
}
