// The intent classifier as used at run time: hashed n-gram TF-IDF features into a multinomial logistic
// regression, temperature-calibrated, with out-of-scope detection; plus a portable (de)serialised form.

import { z } from "zod";
import { expNonPositive, type OutOfScopeThresholds, softmaxInto } from "./calibration.ts";
import { IntentError } from "./errors.ts";
import { type FeatureConfig, FeatureHasher, MAX_TOKENS, validateFeatureConfig } from "./features.ts";
import { type Accumulator, createAccumulator } from "./simd-accumulate.ts";
import { WordSumCache, wordSumSlots } from "./word-cache.ts";

export interface IntentPrediction {
  /** Best in-scope guess, or the explicit out-of-scope label when that class wins. */
  intent: string;
  /** Calibrated probability of `intent`, in [0, 1]. */
  confidence: number;
  /** True when the model should not be trusted with this message (unknown topic or too unsure). */
  outOfScope: boolean;
}

/** A label with its calibrated probability. */
export interface RankedIntent {
  intent: string;
  confidence: number;
}

export interface IntentModel {
  readonly labels: readonly string[];
  predict(text: string): IntentPrediction;
}

export interface BlockWeights {
  word: number;
  char: number;
}

/** Everything a trained model is made of. Arrays are owned by the model once passed in. */
export interface IntentModelParams {
  labels: string[];
  features: FeatureConfig;
  blockWeights: BlockWeights;
  /** Hash bucket of each weight row, strictly ascending: only buckets seen in training are stored. */
  rows: Uint32Array;
  /** Inverse document frequency per row. */
  idf: Float32Array;
  /** idf of a bucket never seen in training (it still dilutes the known evidence when normalising). */
  unseenIdf: number;
  /** Row-major [rows x labels]. */
  weights: Float32Array;
  bias: Float32Array;
  temperature: number;
  thresholds: OutOfScopeThresholds;
  /** Label of an explicit out-of-scope class in the training data, if any. */
  outOfScopeLabel: string | null;
}

export const INTENT_MODEL_FORMAT = "tandem-intent-model";
/**
 * Version 2 added features.termFrequency ("occurrence" for models trained since). Version 1 files, which lack it,
 * still load, as "sublinear": their predictions do not change. An older Tandem refuses version 2 rather than
 * misreading it.
 */
export const INTENT_MODEL_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

export class HashedIntentModel implements IntentModel {
  readonly labels: readonly string[];
  readonly params: Readonly<IntentModelParams>;
  private readonly hasher: FeatureHasher;
  /**
   * Per hash bucket, its weight row (-1 if unseen in training) and that row's idf side by side: one cache line per
   * feature instead of a row look-up followed by a dependent idf look-up elsewhere in memory. `bucketIdf` views the
   * same memory as float32.
   */
  private readonly bucketRow: Int32Array;
  private readonly bucketIdf: Float32Array;
  private readonly k: number;
  private readonly oosIndex: number;
  private readonly probs: Float64Array;
  private readonly accumulator: Accumulator;
  /** Per-word character block sums; null when they cannot be cached (sublinear counts, no character n-grams). */
  private readonly wordSums: WordSumCache | null;
  /** gatherKnown's sums of squares. */
  private gatheredSq = 0;
  private gatheredKnownSq = 0;
  /** bestTwo's result: the best label's index, then the two largest probabilities. */
  private readonly best = new Float64Array(3);
  /** The cache slot of each token of the message being predicted. */
  private readonly tokenSlots: Int32Array;

  /**
   * `wordSumSlots` sizes the per-word cache (a power of two; 0 turns it off, which the tests compare against);
   * by default it is sized to the label count.
   */
  constructor(params: IntentModelParams, options: { wordSumSlots?: number } = {}) {
    const problem = checkParams(params);
    if (problem) throw new IntentError("INTENT_MODEL_INVALID", problem);
    this.params = params;
    this.labels = Object.freeze([...params.labels]);
    this.k = params.labels.length;
    this.hasher = new FeatureHasher(params.features);
    this.bucketRow = new Int32Array(2 << params.features.hashBits);
    this.bucketIdf = new Float32Array(this.bucketRow.buffer);
    for (let b = 0; b < this.bucketRow.length; b += 2) this.bucketRow[b] = -1;
    for (let r = 0; r < params.rows.length; r++) {
      const at = (params.rows[r] as number) << 1;
      this.bucketRow[at] = r;
      this.bucketIdf[at + 1] = params.idf[r] as number;
    }
    this.oosIndex = params.outOfScopeLabel === null ? -1 : params.labels.indexOf(params.outOfScopeLabel);
    this.probs = new Float64Array(this.k);
    const f = params.features;
    const slots =
      f.termFrequency === "occurrence" && f.charNgramMin > 0
        ? (options.wordSumSlots ?? wordSumSlots(this.k))
        : 0;
    const byWord = slots > 0;
    this.accumulator = createAccumulator(params.weights, this.k, this.hasher.capacity, false, slots);
    this.wordSums = byWord ? new WordSumCache(slots) : null;
    this.tokenSlots = new Int32Array(byWord ? MAX_TOKENS : 0);
  }

  /**
   * Raw (uncalibrated) logits into the accumulator's `out`. Returns the coverage: the share of the message's TF-IDF
   * mass made of features seen in training, averaged over the non-empty blocks (0 when nothing was recognised).
   */
  private computeLogits(text: string): number {
    return this.wordSums === null
      ? this.computeLogitsAll(text)
      : this.computeLogitsByWord(text, this.wordSums);
  }

  /**
   * computeLogitsAll with the character block summed word by word through the cache: the block's L2 normalisation is
   * one scale for all of its features, so logit += scale x (sum over words of each word's sum). The same numbers up
   * to the order of float64 additions (measured: logits within 1e-14, no decision changed on the evaluation sets).
   */
  private computeLogitsByWord(text: string, cache: WordSumCache): number {
    const p = this.params;
    const k = this.k;
    const hasher = this.hasher;
    const tokens = hasher.tokenise(text);
    hasher.emitWordBlock();
    const chars = hasher.tokenChars;
    const tokenSlots = this.tokenSlots;
    const acc = this.accumulator;
    acc.out64.fill(0);
    cache.startMessage();
    let charSq = 0;
    let charKnownSq = 0;
    let charGrams = 0;
    // Each word's sum is added into out64 in word order. They are added in runs: a word that is not cached is summed
    // with the accumulator's scratch space, and one that would take a slot an earlier word of this message still
    // needs (two words, one slot) waits until the run so far is added.
    let pending = 0;
    for (let t = 0; t < tokens; t++) {
      const from = hasher.tokenOffset(t);
      const length = hasher.gramKeyLength(t);
      const hash = hasher.gramKeyHash(t);
      let slot = cache.find(hash, chars, from, length);
      if (slot < 0) {
        slot = -slot - 1;
        if (cache.readInMessage(slot)) {
          this.addWordSums(pending, t);
          pending = t;
        }
        cache.claim(slot, hash, chars, from, length);
        this.sumWord(t, cache, slot);
      }
      cache.markRead(slot);
      tokenSlots[t] = slot;
      charSq += cache.squares[slot] as number;
      charKnownSq += cache.knownSquares[slot] as number;
      charGrams += cache.grams[slot] as number;
    }
    this.addWordSums(pending, tokens);

    // The word block, as computeLogitsAll does it, into logits that start at the bias.
    const logits = acc.out;
    const vals = acc.vals;
    for (let j = 0; j < k; j++) logits[j] = p.bias[j] as number;
    let coverageSum = 0;
    let blocks = 0;
    const wordEnd = hasher.out.wordEnd;
    if (wordEnd > 0) {
      blocks++;
      const n = this.gatherKnown(0, wordEnd);
      const sq = this.gatheredSq;
      coverageSum += this.gatheredKnownSq / sq;
      if (n > 0) {
        const scale = p.blockWeights.word / Math.sqrt(sq);
        for (let i = 0; i < n; i++) vals[i] = (vals[i] as number) * scale;
        acc.run(n);
      }
    }
    // The character block: each word's sum, times the block's one scale.
    if (charGrams > 0) {
      blocks++;
      coverageSum += charKnownSq / charSq;
      if (charKnownSq > 0) {
        const scale = p.blockWeights.char / Math.sqrt(charSq);
        const sums = acc.out64;
        for (let j = 0; j < k; j++) logits[j] = (logits[j] as number) + (sums[j] as number) * scale;
      }
    }
    return blocks === 0 ? 0 : coverageSum / blocks;
  }

  /** Adds the cached sums of tokens [from, to) into the accumulator's out64, in token order. */
  private addWordSums(from: number, to: number): void {
    if (to === from) return;
    const acc = this.accumulator;
    const slots = this.tokenSlots;
    const bases = acc.bases;
    const vals = acc.vals;
    for (let t = from; t < to; t++) {
      bases[t - from] = acc.firstRow64 + (slots[t] as number) * acc.rowStride64;
      vals[t - from] = 1;
    }
    acc.run64(to - from);
  }

  /** Fills the cache slot with token t's character block: its n-grams' weight rows summed, and their squares. */
  private sumWord(t: number, cache: WordSumCache, slot: number): void {
    const f = this.hasher.out;
    const from = f.length;
    this.hasher.emitCharGrams(t);
    const n = this.gatherKnown(from, f.length);
    cache.grams[slot] = f.length - from;
    f.length = from; // the word block stays; this word's entries were scratch
    cache.squares[slot] = this.gatheredSq;
    cache.knownSquares[slot] = this.gatheredKnownSq;
    const acc = this.accumulator;
    acc.out.fill(0);
    if (n > 0) acc.run(n);
    acc.rows64.set(acc.out, slot * acc.rows64Stride); // out is exactly k long
  }

  /**
   * The hasher's entries [from, to) weighed by idf: those with a weight row go to the accumulator's bases and values
   * from index `start` (the index after the last is returned); the squared values of all of them, and of the known
   * ones, are left in gatheredSq and gatheredKnownSq (the block's norm and coverage).
   */
  private gatherKnown(from: number, to: number, start = 0): number {
    const f = this.hasher.out;
    const buckets = f.buckets;
    const tf = f.tf;
    const bucketRow = this.bucketRow;
    const bucketIdf = this.bucketIdf;
    const unseenIdf = this.params.unseenIdf;
    const acc = this.accumulator;
    const bases = acc.bases;
    const vals = acc.vals;
    let sq = 0;
    let knownSq = 0;
    let n = start;
    for (let i = from; i < to; i++) {
      const at = (buckets[i] as number) << 1;
      const row = bucketRow[at] as number;
      const v = (tf[i] as number) * (row >= 0 ? (bucketIdf[at + 1] as number) : unseenIdf);
      sq += v * v;
      if (row >= 0) {
        knownSq += v * v;
        bases[n] = acc.firstRow + row * acc.rowStride;
        vals[n] = v;
        n++;
      }
    }
    this.gatheredSq = sq;
    this.gatheredKnownSq = knownSq;
    return n;
  }

  /**
   * Raw (uncalibrated) logits into the accumulator's `out`. Returns the coverage: the share of the message's TF-IDF
   * mass made of features seen in training, averaged over the non-empty blocks (0 when nothing was recognised).
   * Every feature of the message in one accumulation: the path for models whose character block cannot be summed
   * word by word.
   */
  private computeLogitsAll(text: string): number {
    const p = this.params;
    const k = this.k;
    const f = this.hasher.extract(text);
    const acc = this.accumulator;
    const logits = acc.out;
    const vals = acc.vals;
    for (let j = 0; j < k; j++) logits[j] = p.bias[j] as number;
    let coverageSum = 0;
    let blocks = 0;
    // Both blocks' features go to the accumulator in one run, word block first: each logit adds the same products
    // in the same order as a run per block would, with one call into WebAssembly instead of two.
    let n = 0;
    for (let block = 0; block < 2; block++) {
      const from = block === 0 ? 0 : f.wordEnd;
      const to = block === 0 ? f.wordEnd : f.length;
      if (to === from) continue;
      blocks++;
      const first = n;
      n = this.gatherKnown(from, to, first);
      const sq = this.gatheredSq;
      coverageSum += this.gatheredKnownSq / sq;
      if (n === first) continue;
      const scale = (block === 0 ? p.blockWeights.word : p.blockWeights.char) / Math.sqrt(sq);
      for (let i = first; i < n; i++) vals[i] = (vals[i] as number) * scale;
    }
    if (n > 0) acc.run(n);
    return blocks === 0 ? 0 : coverageSum / blocks;
  }

  predict(text: string): IntentPrediction {
    const coverage = this.computeLogits(typeof text === "string" ? text : "");
    const best = this.bestTwo();
    const confidence = best[1] as number;
    const margin = confidence - (best[2] as number);
    const t = this.params.thresholds;
    const outOfScope =
      coverage === 0 ||
      best[0] === this.oosIndex ||
      confidence < t.minConfidence ||
      margin < t.minMargin ||
      coverage < t.minCoverage;
    return { intent: this.labels[best[0] as number] as string, confidence, outOfScope };
  }

  /**
   * What predict needs of the softmax: the best label (the first of equal logits) into best[0] and the two largest
   * probabilities into best[1..2], bit for bit what softmaxInto gives them (the best label's exponential is exactly
   * 1) without normalising every label. The largest logits by Math.max rather than a compare-and-branch: a running
   * maximum over logits in no particular order is a branch the CPU mispredicts a few times per message.
   */
  private bestTwo(): Float64Array {
    const logits = this.accumulator.out;
    const k = this.k;
    let l1 = logits[0] as number;
    for (let j = 1; j < k; j++) l1 = Math.max(l1, logits[j] as number);
    let i1 = 0;
    while (i1 < k - 1 && (logits[i1] as number) !== l1) i1++; // bounded: a NaN logit must not loop forever
    // A model has two labels at least, so there is a second; equal to l1 when two labels tie.
    let l2 = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < i1; j++) l2 = Math.max(l2, logits[j] as number);
    for (let j = i1 + 1; j < k; j++) l2 = Math.max(l2, logits[j] as number);
    const temperature = this.params.temperature;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += expNonPositive(((logits[j] as number) - l1) / temperature);
    const best = this.best;
    best[0] = i1;
    best[1] = 1 / sum;
    best[2] = expNonPositive((l2 - l1) / temperature) / sum;
    return best;
  }

  /** The three most probable labels for a message, best first (two for a two-label model): for diagnostics. */
  rank(text: string): RankedIntent[] {
    this.computeLogits(typeof text === "string" ? text : "");
    const probs = softmaxInto(this.accumulator.out, this.params.temperature, this.probs);
    // Off the hot path, so the whole softmax and a sort; the sort is stable, so equal labels keep their order.
    return Array.from(probs, (confidence, i) => ({ intent: this.labels[i] as string, confidence }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 3);
  }
}

function checkParams(p: IntentModelParams): string | null {
  const featureProblem = validateFeatureConfig(p.features);
  if (featureProblem) return featureProblem;
  const k = p.labels.length;
  if (k < 2) return "a model needs at least two labels";
  if (new Set(p.labels).size !== k || p.labels.some((l) => typeof l !== "string" || l.length === 0))
    return "labels must be distinct non-empty strings";
  const u = p.rows.length;
  const buckets = 2 ** p.features.hashBits;
  if (u > buckets) return `${u} rows cannot fit in ${buckets} hash buckets`;
  for (let r = 0; r < u; r++) {
    const b = p.rows[r] as number;
    if (b >= buckets || (r > 0 && b <= (p.rows[r - 1] as number)))
      return "rows must be strictly ascending bucket numbers";
  }
  if (p.idf.length !== u) return `idf has ${p.idf.length} entries for ${u} rows`;
  if (p.weights.length !== u * k) return `weights have ${p.weights.length} entries, expected ${u} x ${k}`;
  if (p.bias.length !== k) return `bias has ${p.bias.length} entries for ${k} labels`;
  for (const arr of [p.idf, p.weights, p.bias]) {
    for (let i = 0; i < arr.length; i++)
      if (!Number.isFinite(arr[i])) return "weights contain a non-finite number";
  }
  if (!Number.isFinite(p.unseenIdf) || p.unseenIdf <= 0) return "unseenIdf must be a positive number";
  if (!(p.temperature > 0) || !Number.isFinite(p.temperature)) return "temperature must be a positive number";
  const { minConfidence, minMargin, minCoverage } = p.thresholds;
  if (![minConfidence, minMargin, minCoverage].every((t) => t >= 0 && t <= 1))
    return "thresholds must lie in [0, 1]";
  if (!(p.blockWeights.word >= 0 && p.blockWeights.char >= 0)) return "block weights must be >= 0";
  if (p.outOfScopeLabel !== null && !p.labels.includes(p.outOfScopeLabel))
    return `out-of-scope label "${p.outOfScopeLabel}" is not one of the labels`;
  return null;
}

// ---- Serialised form: a JSON-safe description plus one little-endian binary blob. ----

const metaSchema = z.object({
  format: z.literal(INTENT_MODEL_FORMAT),
  version: z.number().int(),
  labels: z.array(z.string().min(1)).min(2),
  features: z.object({
    hashBits: z.number().int(),
    wordNgramMax: z.number().int(),
    charNgramMin: z.number().int(),
    charNgramMax: z.number().int(),
    maxChars: z.number().int(),
    termFrequency: z.enum(["occurrence", "sublinear"]).optional(),
  }),
  blockWeights: z.object({ word: z.number(), char: z.number() }),
  rowCount: z.number().int().nonnegative(),
  unseenIdf: z.number(),
  temperature: z.number(),
  thresholds: z.object({ minConfidence: z.number(), minMargin: z.number(), minCoverage: z.number() }),
  outOfScopeLabel: z.string().nullable(),
  /** Exact byte length of the binary blob; lets a loader reject a truncated file before parsing it. */
  weightsByteLength: z.number().int().nonnegative(),
});

export type IntentModelMeta = z.infer<typeof metaSchema>;

export interface SerialisedIntentModel {
  meta: IntentModelMeta;
  /** rows u32[U] | idf f32[U] | weights f32[U*K] | bias f32[K], little-endian. */
  weights: Uint8Array;
}

function blobLength(rows: number, k: number): number {
  return 4 * (2 * rows + rows * k + k);
}

export function serialiseIntentModel(model: HashedIntentModel): SerialisedIntentModel {
  const p = model.params;
  const u = p.rows.length;
  const k = p.labels.length;
  const bytes = new Uint8Array(blobLength(u, k));
  const view = new DataView(bytes.buffer);
  let o = 0;
  for (let i = 0; i < u; i++, o += 4) view.setUint32(o, p.rows[i] as number, true);
  for (const arr of [p.idf, p.weights, p.bias]) {
    for (let i = 0; i < arr.length; i++, o += 4) view.setFloat32(o, arr[i] as number, true);
  }
  return {
    meta: {
      format: INTENT_MODEL_FORMAT,
      version: INTENT_MODEL_VERSION,
      labels: [...p.labels],
      features: { ...p.features },
      blockWeights: { ...p.blockWeights },
      rowCount: u,
      unseenIdf: p.unseenIdf,
      temperature: p.temperature,
      thresholds: { ...p.thresholds },
      outOfScopeLabel: p.outOfScopeLabel,
      weightsByteLength: bytes.byteLength,
    },
    weights: bytes,
  };
}

/** Rebuilds a model; throws IntentError("INTENT_MODEL_INVALID") naming what is wrong with the input. */
export function deserialiseIntentModel(meta: unknown, weights: Uint8Array): HashedIntentModel {
  const parsed = metaSchema.safeParse(meta);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new IntentError(
      "INTENT_MODEL_INVALID",
      `model description is invalid${where}: ${issue?.message ?? "unknown"}`,
    );
  }
  const m = parsed.data;
  if (!READABLE_VERSIONS.includes(m.version)) {
    throw new IntentError(
      "INTENT_MODEL_INVALID",
      `model format version ${m.version} is not supported (this Tandem reads versions ${READABLE_VERSIONS.join(" and ")}); retrain it with \`tandem train\``,
    );
  }
  if (m.version >= 2 && m.features.termFrequency === undefined)
    throw new IntentError(
      "INTENT_MODEL_INVALID",
      "model description is invalid at features.termFrequency: a version 2 model must say it",
    );
  const features = { ...m.features, termFrequency: m.features.termFrequency ?? "sublinear" };
  const u = m.rowCount;
  const k = m.labels.length;
  const expected = blobLength(u, k);
  if (m.weightsByteLength !== expected || weights.byteLength !== expected) {
    throw new IntentError(
      "INTENT_MODEL_INVALID",
      `weights are ${weights.byteLength} bytes; ${u} rows x ${k} labels need exactly ${expected}`,
    );
  }
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  let o = 0;
  const rows = new Uint32Array(u);
  for (let i = 0; i < u; i++, o += 4) rows[i] = view.getUint32(o, true);
  const readF32 = (n: number) => {
    const arr = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) arr[i] = view.getFloat32(o, true);
    return arr;
  };
  const idf = readF32(u);
  const w = readF32(u * k);
  const bias = readF32(k);
  return new HashedIntentModel({
    labels: m.labels,
    features,
    blockWeights: m.blockWeights,
    rows,
    idf,
    unseenIdf: m.unseenIdf,
    weights: w,
    bias,
    temperature: m.temperature,
    thresholds: m.thresholds,
    outOfScopeLabel: m.outOfScopeLabel,
  });
}
