// Turns a message into hashed, signed n-gram counts in microseconds, with no vocabulary to store or grow.
//
// Hand-written rather than taken from a library: the whole classifier lives on this hot path (every customer
// message, >= 20k msgs/s), and the hashing trick lets one fixed-size model accept any word, typo or script.
// Features come in two blocks that the model L2-normalises separately (word 1..N-grams, then character
// n-grams inside word boundaries), so the many character n-grams do not drown out the few word features.

export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  hashBits: number;
  /** Longest word n-gram (1 = unigrams only, 2 = unigrams + bigrams). */
  wordNgramMax: number;
  /** Character n-gram lengths, taken inside each space-padded word. 0 disables character n-grams. */
  charNgramMin: number;
  charNgramMax: number;
  /** Only the first maxChars characters are read, so a 100 KB message costs the same as a long one. */
  maxChars: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  hashBits: 18,
  wordNgramMax: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  maxChars: 2000,
};

/**
 * The hasher's output, reused between calls (copy what you keep). Entries [0, wordEnd) are the word block,
 * [wordEnd, length) the character block; each entry is a bucket and a signed sublinear term frequency
 * (sign from the hash, magnitude 1 + ln(count)).
 */
export interface HashedFeatures {
  readonly buckets: Int32Array;
  readonly tf: Float64Array;
  wordEnd: number;
  length: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
const SEED_WORD = 0x2f6b1a3d;
const SEED_BIGRAM = 0x51ed270b;
const SEED_CHAR = 0x1b873593;
const MAX_TOKENS = 400;
const MAX_TOKEN_CHARS = 40;
const SUBLINEAR_TABLE = Array.from({ length: 64 }, (_, c) => (c === 0 ? 0 : 1 + Math.log(c)));

// Letters and digits of any script make words; everything else (punctuation, emoji, symbols) separates them.
const TOKEN_RE = /[\p{L}\p{N}]+/gu;
const NON_ASCII_RE = /[^\u0000-\u007f]/;
// After NFKD, accents on Latin letters become combining marks: dropping them lets "réembolso" meet "reembolso".
// Marks in other scripts (Devanagari vowel signs, ...) carry meaning and stay.
const LATIN_MARK_RE = /(?<=[a-z])\p{M}+/gu;
const APOSTROPHE_RE = /['\u2019\u02bc]/g;
const DIGITS_RE = /[0-9]+/g;

/** Lower-case, strip Latin accents and apostrophes, fold every digit run to "0" (order numbers are noise). */
export function normaliseText(text: string, maxChars: number): string {
  let s = text.length > maxChars ? text.slice(0, maxChars) : text;
  s = s.toLowerCase();
  if (NON_ASCII_RE.test(s)) s = s.normalize("NFKD").replace(LATIN_MARK_RE, "");
  return s.replace(APOSTROPHE_RE, "").replace(DIGITS_RE, "0");
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string, seed: number): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

export function validateFeatureConfig(c: FeatureConfig): string | null {
  if (!Number.isInteger(c.hashBits) || c.hashBits < 8 || c.hashBits > 22)
    return "hashBits must be an integer in [8, 22]";
  if (!Number.isInteger(c.wordNgramMax) || c.wordNgramMax < 1 || c.wordNgramMax > 2)
    return "wordNgramMax must be 1 or 2";
  const charOff = c.charNgramMin === 0 && c.charNgramMax === 0;
  if (
    !charOff &&
    (!Number.isInteger(c.charNgramMin) ||
      !Number.isInteger(c.charNgramMax) ||
      c.charNgramMin < 2 ||
      c.charNgramMax > 8 ||
      c.charNgramMin > c.charNgramMax)
  )
    return "character n-grams must satisfy 2 <= charNgramMin <= charNgramMax <= 8 (or both 0)";
  if (!Number.isInteger(c.maxChars) || c.maxChars < 16) return "maxChars must be an integer >= 16";
  return null;
}

/**
 * Stateful only for speed: it owns scratch buffers, so one instance must not be shared by interleaved calls
 * (JavaScript's single thread makes the usual synchronous use safe).
 */
export class FeatureHasher {
  readonly config: FeatureConfig;
  readonly mask: number;
  /** Most entries one extract() can return. */
  readonly capacity: number;
  private readonly counts: Float64Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly out: HashedFeatures;
  private readonly codes = new Int32Array(MAX_TOKEN_CHARS + 2);
  private readonly tokenHashes = new Int32Array(MAX_TOKENS);
  private readonly tokens: string[] = [];

  constructor(config: FeatureConfig) {
    this.config = config;
    const size = 1 << config.hashBits;
    this.mask = size - 1;
    this.counts = new Float64Array(size);
    this.stamp = new Int32Array(size);
    const capacity =
      MAX_TOKENS *
      (config.wordNgramMax + (config.charNgramMax - config.charNgramMin + 1) * (MAX_TOKEN_CHARS + 2));
    this.capacity = capacity;
    this.touched = new Int32Array(capacity);
    this.out = { buckets: new Int32Array(capacity), tf: new Float64Array(capacity), wordEnd: 0, length: 0 };
  }

  extract(text: string): HashedFeatures {
    const { wordNgramMax, charNgramMin, charNgramMax, maxChars } = this.config;
    const s = normaliseText(text, maxChars);
    const tokens = this.tokens;
    tokens.length = 0;
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(s); m !== null && tokens.length < MAX_TOKENS; m = TOKEN_RE.exec(s))
      tokens.push(m[0]);

    const out = this.out;
    out.length = 0;

    this.beginBlock();
    for (let t = 0; t < tokens.length; t++) {
      const h = fnv1a(tokens[t] as string, SEED_WORD);
      this.tokenHashes[t] = h;
      this.add(fmix32(h));
      if (wordNgramMax >= 2 && t > 0)
        this.add(fmix32(Math.imul((this.tokenHashes[t - 1] as number) ^ SEED_BIGRAM, FNV_PRIME) ^ h));
    }
    this.endBlock();
    out.wordEnd = out.length;

    if (charNgramMin > 0) {
      this.beginBlock();
      const codes = this.codes;
      for (let t = 0; t < tokens.length; t++) {
        const tok = tokens[t] as string;
        const n = Math.min(tok.length, MAX_TOKEN_CHARS);
        codes[0] = 32;
        for (let i = 0; i < n; i++) codes[i + 1] = tok.charCodeAt(i);
        codes[n + 1] = 32;
        const len = n + 2;
        for (let start = 0; start + charNgramMin <= len; start++) {
          let h = FNV_OFFSET ^ SEED_CHAR;
          const stop = Math.min(start + charNgramMax, len);
          for (let j = start; j < stop; j++) {
            h ^= codes[j] as number;
            h = Math.imul(h, FNV_PRIME);
            if (j - start + 1 >= charNgramMin) this.add(fmix32(h));
          }
        }
      }
      this.endBlock();
    }
    return out;
  }

  private beginBlock(): void {
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      // Wrapped after 2^32 blocks: clear stamps so an old generation can never look current.
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.touchedCount = 0;
  }

  private add(h: number): void {
    const bucket = h & this.mask;
    // The top bit picks the sign, so colliding features tend to cancel instead of piling up (Weinberger et al.).
    const sign = h & 0x80000000 ? -1 : 1;
    if (this.stamp[bucket] !== this.generation) {
      this.stamp[bucket] = this.generation;
      this.counts[bucket] = sign;
      this.touched[this.touchedCount++] = bucket;
    } else {
      this.counts[bucket] = (this.counts[bucket] as number) + sign;
    }
  }

  private endBlock(): void {
    const out = this.out;
    for (let i = 0; i < this.touchedCount; i++) {
      const bucket = this.touched[i] as number;
      const c = this.counts[bucket] as number;
      if (c === 0) continue; // two features cancelled out exactly
      const a = c < 0 ? -c : c;
      const mag = a < 64 ? (SUBLINEAR_TABLE[a] as number) : 1 + Math.log(a);
      out.buckets[out.length] = bucket;
      out.tf[out.length] = c < 0 ? -mag : mag;
      out.length++;
    }
  }
}
