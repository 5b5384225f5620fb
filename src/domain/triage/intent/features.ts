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
  /**
   * How a feature that occurs several times in a message counts. "occurrence": each occurrence is its own entry of
   * value 1 (signed), and the model's dot product adds them up. "sublinear": the occurrences are counted into one
   * entry of 1 + ln(count), which is what models trained before occurrence entries use.
   */
  termFrequency: TermFrequency;
}

export type TermFrequency = "occurrence" | "sublinear";

/**
 * Occurrence entries: counting repeats costs a hash table per message (a probe per feature and a pass to emit), a
 * quarter of a prediction, while a support message rarely repeats an n-gram. Measured on the starter model and
 * evaluation sets when it changed: the same accuracy (see bench/results/eval.md) at about 0.35 µs less per message.
 *
 * Character 4-grams only. Measured against 3- to 5-grams (train split -> test split): the same accuracy on Banking77
 * (91.4% vs 91.3%) and Bitext (99.8% both), the starter model's held-out accuracy 82.5% vs 82.2%, and a third of the
 * character features, which are most of what a prediction costs (hashing, counting and one weight row each).
 */
export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  hashBits: 18,
  wordNgramMax: 2,
  charNgramMin: 4,
  charNgramMax: 4,
  maxChars: 2000,
  termFrequency: "occurrence",
};

/**
 * The hasher's output, reused between calls (copy what you keep). Entries [0, wordEnd) are the word block,
 * [wordEnd, length) the character block; each entry is a bucket and a signed term frequency (sign from the hash):
 * 1 per occurrence, or for "sublinear" one entry per bucket of magnitude 1 + ln(count).
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
/** A message's tokens beyond this many are not read. */
export const MAX_TOKENS = 400;
/** A longer token is cut to this many characters for its character n-grams. */
export const MAX_TOKEN_CHARS = 40;
/**
 * What normaliseText and tokenising make of each ASCII character, by one table look-up instead of a chain of range
 * tests: a letter or digit as it is kept (lower case, every digit "0"), FOLD_SEPARATOR between tokens, FOLD_REMOVED
 * for the apostrophe.
 */
const FOLD_SEPARATOR = 0;
const FOLD_REMOVED = 1;
const FOLD_DIGIT = 48;
const ASCII_FOLD = Uint8Array.from({ length: 128 }, (_, c) => {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 97 && c <= 122) return c;
  if (c >= 48 && c <= 57) return FOLD_DIGIT;
  return c === 39 ? FOLD_REMOVED : FOLD_SEPARATOR;
});
const SUBLINEAR_TABLE = Float64Array.from({ length: 64 }, (_, c) => (c === 0 ? 0 : 1 + Math.log(c)));

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
  if (c.termFrequency !== "occurrence" && c.termFrequency !== "sublinear")
    return 'termFrequency must be "occurrence" or "sublinear"';
  return null;
}

/** A power-of-two table at most half full with `entries` keys (and at least 64 slots). */
function tableSize(entries: number): number {
  let size = 64;
  while (size < 2 * entries) size *= 2;
  return size;
}

/**
 * Stateful only for speed: it owns scratch buffers, so one instance must not be shared by interleaved calls
 * (JavaScript's single thread makes the usual synchronous use safe).
 *
 * Tokens are gathered first as character codes in a reused buffer (no substrings), then hashed: most support
 * messages are plain ASCII (plus curly apostrophes), which one char-code loop normalises and tokenises exactly as
 * normaliseText + [\p{L}\p{N}]+ would; anything else takes that general (regex) path, into the same buffers.
 */
export class FeatureHasher {
  readonly config: FeatureConfig;
  readonly mask: number;
  /** Most entries one extract() can return. */
  readonly capacity: number;
  // Counting within a block: a small open-addressing table sized to the block, so a message touches a few KB that
  // stay in L1 rather than random lines of a table as large as the hash space. Slot keys are bucket + 1 (0 = free).
  private readonly slotKey: Int32Array;
  private readonly slotCount: Int32Array;
  private slotMask = 0;
  /** Slots in the order their bucket was first seen: the order features are emitted in. */
  private readonly touched: Int32Array;
  private touchedCount = 0;
  /** What extract() and the emit steps write; overwritten by the next message. */
  readonly out: HashedFeatures;
  /** termFrequency "occurrence": add() writes each feature straight to `out`, and no table is kept. */
  private readonly perOccurrence: boolean;
  /** A token longer than MAX_TOKEN_CHARS, cut and space-padded for its character n-grams. */
  private readonly codes = new Uint16Array(MAX_TOKEN_CHARS + 2);
  /** fnv1a(token, SEED_WORD) of each token, taken while tokenising writes its characters: the unigram's hash. */
  private readonly tokenHashes = new Int32Array(MAX_TOKENS);
  /**
   * Normalised characters of all tokens, each followed by a space and the first preceded by one (" tok1 tok2 "),
   * so a token's space-padded form for character n-grams is already in place. Grown on demand (NFKD can lengthen
   * text).
   */
  private chars: Uint16Array;
  /** Token t spans chars[tokenStart[t], tokenStart[t + 1] - 1); the space after it sits at tokenStart[t + 1] - 1. */
  private readonly tokenStart = new Int32Array(MAX_TOKENS + 1);
  private tokenCount = 0;

  constructor(config: FeatureConfig) {
    this.config = config;
    this.perOccurrence = config.termFrequency === "occurrence";
    const size = 1 << config.hashBits;
    this.mask = size - 1;
    const capacity =
      MAX_TOKENS *
      (config.wordNgramMax + (config.charNgramMax - config.charNgramMin + 1) * (MAX_TOKEN_CHARS + 2));
    this.capacity = capacity;
    this.touched = new Int32Array(capacity);
    const slots = this.perOccurrence ? 0 : tableSize(Math.min(capacity, size));
    this.slotKey = new Int32Array(slots);
    this.slotCount = new Int32Array(slots);
    this.out = { buckets: new Int32Array(capacity), tf: new Float64Array(capacity), wordEnd: 0, length: 0 };
    this.chars = new Uint16Array(config.maxChars + MAX_TOKENS + 1);
  }

  extract(text: string): HashedFeatures {
    const { charNgramMin, charNgramMax } = this.config;
    const tokenCount = this.tokenise(text);
    this.emitWordBlock();
    const out = this.out;
    if (charNgramMin > 0) {
      if (!this.perOccurrence) {
        // Sizes the counting table; occurrence entries keep none.
        const starts = this.tokenStart;
        let expected = 0;
        for (let t = 0; t < tokenCount; t++)
          expected += Math.min((starts[t + 1] as number) - 1 - (starts[t] as number), MAX_TOKEN_CHARS) + 2;
        this.beginBlock(expected * (charNgramMax - charNgramMin + 1));
      }
      for (let t = 0; t < tokenCount; t++) this.addCharGrams(t);
      this.endBlock();
    }
    return out;
  }

  /**
   * Normalises and tokenises a message for the steps below (emitWordBlock, emitCharGrams) and returns its token
   * count. extract() is the three together; a caller that caches per-word work calls them one by one.
   */
  tokenise(text: string): number {
    const maxChars = this.config.maxChars;
    if (!this.tokeniseAscii(text, maxChars)) this.tokeniseGeneral(normaliseText(text, maxChars));
    return this.tokenCount;
  }

  /** Starts `out` afresh with the word block (unigrams, bigrams) of the tokenised message; sets out.wordEnd. */
  emitWordBlock(): void {
    const wordNgramMax = this.config.wordNgramMax;
    const tokenCount = this.tokenCount;
    this.out.length = 0;
    this.beginBlock(wordNgramMax >= 2 ? 2 * tokenCount : tokenCount);
    const hashes = this.tokenHashes;
    for (let t = 0; t < tokenCount; t++) {
      const h = hashes[t] as number;
      this.add(fmix32(h));
      if (wordNgramMax >= 2 && t > 0)
        this.add(fmix32(Math.imul((hashes[t - 1] as number) ^ SEED_BIGRAM, FNV_PRIME) ^ h));
    }
    this.endBlock();
    this.out.wordEnd = this.out.length;
  }

  /**
   * Appends token t's character n-grams to `out` as occurrence entries (termFrequency "occurrence" only; "sublinear"
   * counts over the whole message). A token's n-grams depend on its characters alone, so their sum can be cached.
   */
  emitCharGrams(t: number): void {
    if (!this.perOccurrence) throw new Error("emitCharGrams needs termFrequency occurrence");
    this.addCharGrams(t);
  }

  /**
   * What token t's character n-grams depend on, as a cache key: its first `gramKeyLength(t)` characters, from
   * `tokenChars[tokenOffset(t)]` (a token is cut to MAX_TOKEN_CHARS for its n-grams), and their fnv1a hash. Needs
   * emitWordBlock first.
   */
  gramKeyHash(t: number): number {
    const from = this.tokenStart[t] as number;
    const length = (this.tokenStart[t + 1] as number) - 1 - from;
    if (length <= MAX_TOKEN_CHARS) return this.tokenHashes[t] as number; // the word hash is this very hash
    let h = FNV_OFFSET ^ SEED_WORD;
    for (let i = from; i < from + MAX_TOKEN_CHARS; i++)
      h = Math.imul(h ^ (this.chars[i] as number), FNV_PRIME);
    return h;
  }

  gramKeyLength(t: number): number {
    const length = (this.tokenStart[t + 1] as number) - 1 - (this.tokenStart[t] as number);
    return length < MAX_TOKEN_CHARS ? length : MAX_TOKEN_CHARS;
  }

  get tokenChars(): Uint16Array {
    return this.chars;
  }

  tokenOffset(t: number): number {
    return this.tokenStart[t] as number;
  }

  private addCharGrams(t: number): void {
    const { charNgramMin, charNgramMax } = this.config;
    const chars = this.chars;
    const starts = this.tokenStart;
    const from = starts[t] as number;
    let n = (starts[t + 1] as number) - 1 - from;
    // The padded token " tok " is chars[from - 1, from + n + 1), unless it must be cut first.
    let codes = chars;
    let first = from - 1;
    if (n > MAX_TOKEN_CHARS) {
      n = MAX_TOKEN_CHARS;
      codes = this.codes;
      first = 0;
      codes[0] = 32;
      for (let i = 0; i < n; i++) codes[i + 1] = chars[from + i] as number;
      codes[n + 1] = 32;
    }
    const len = first + n + 2;
    if (charNgramMin === charNgramMax) {
      // One length (the default): no per-character test of whether an n-gram is complete yet.
      for (let start = first, last = len - charNgramMin; start <= last; start++) {
        let h = FNV_OFFSET ^ SEED_CHAR;
        for (let j = start, stop = start + charNgramMin; j < stop; j++)
          h = Math.imul(h ^ (codes[j] as number), FNV_PRIME);
        this.add(fmix32(h));
      }
      return;
    }
    for (let start = first; start + charNgramMin <= len; start++) {
      let h = FNV_OFFSET ^ SEED_CHAR;
      const stop = Math.min(start + charNgramMax, len);
      for (let j = start; j < stop; j++) {
        h ^= codes[j] as number;
        h = Math.imul(h, FNV_PRIME);
        if (j - start + 1 >= charNgramMin) this.add(fmix32(h));
      }
    }
  }

  /**
   * normaliseText + tokenising for text made of ASCII and curly or modifier apostrophes only, in one pass: for
   * such text NFKD changes nothing, lower-casing is A-Z -> a-z, and the tokens are the runs of [a-z0-9].
   * Returns false, having read nothing that matters, as soon as it meets any other character.
   */
  private tokeniseAscii(text: string, maxChars: number): boolean {
    const end = text.length < maxChars ? text.length : maxChars;
    const chars = this.chars;
    const starts = this.tokenStart;
    const hashes = this.tokenHashes;
    chars[0] = 32;
    let n = 1;
    let tokens = 0;
    let inToken = false;
    let afterDigit = false;
    let h = 0; // the current token's fnv1a(token, SEED_WORD), as its characters are written
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        if (c === 0x2019 || c === 0x02bc) continue; // removed like "'": joins "don’t", keeps a digit run going
        return false;
      }
      const folded = ASCII_FOLD[c] as number;
      if (folded === FOLD_SEPARATOR) {
        if (inToken) {
          chars[n++] = 32;
          hashes[tokens - 1] = h;
        }
        inToken = false;
        afterDigit = false;
        continue;
      }
      if (folded === FOLD_REMOVED) continue;
      if (folded === FOLD_DIGIT) {
        if (afterDigit) continue; // a digit run folds to one "0"
        afterDigit = true;
      } else afterDigit = false;
      if (!inToken) {
        if (tokens === MAX_TOKENS) break;
        starts[tokens++] = n;
        inToken = true;
        h = FNV_OFFSET ^ SEED_WORD;
      }
      chars[n++] = folded;
      h = Math.imul(h ^ folded, FNV_PRIME);
    }
    if (inToken) {
      chars[n++] = 32;
      hashes[tokens - 1] = h;
    }
    starts[tokens] = n;
    this.tokenCount = tokens;
    return true;
  }

  /** Tokens of already normalised text: runs of letters and digits of any script. */
  private tokeniseGeneral(s: string): void {
    if (this.chars.length < s.length + MAX_TOKENS + 1)
      this.chars = new Uint16Array(s.length + MAX_TOKENS + 1);
    const chars = this.chars;
    const starts = this.tokenStart;
    const hashes = this.tokenHashes;
    chars[0] = 32;
    let n = 1;
    let tokens = 0;
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(s); m !== null && tokens < MAX_TOKENS; m = TOKEN_RE.exec(s)) {
      starts[tokens++] = n;
      const from = m.index;
      const to = from + m[0].length;
      let h = FNV_OFFSET ^ SEED_WORD;
      for (let i = from; i < to; i++) {
        const c = s.charCodeAt(i);
        chars[n++] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      hashes[tokens - 1] = h;
      chars[n++] = 32;
    }
    starts[tokens] = n;
    this.tokenCount = tokens;
  }

  /** Starts counting a block of at most `expected` features. */
  private beginBlock(expected: number): void {
    this.slotMask = Math.min(tableSize(expected), this.slotKey.length) - 1;
    this.touchedCount = 0;
  }

  private add(h: number): void {
    const bucket = h & this.mask;
    // The top bit picks the sign, so colliding features tend to cancel instead of piling up (Weinberger et al.).
    // Arithmetic rather than a branch: the bit is a coin flip, which a branch predictor gets wrong half the time.
    const sign = 1 - ((h >>> 31) << 1);
    if (this.perOccurrence) {
      // A branch on a constant of the instance: always predicted.
      const out = this.out;
      const n = out.length;
      out.buckets[n] = bucket;
      out.tf[n] = sign;
      out.length = n + 1;
      return;
    }
    const key = bucket + 1;
    const mask = this.slotMask;
    const slotKey = this.slotKey;
    let slot = bucket & mask; // buckets are fmix32 output bits: already well spread
    for (;;) {
      const k = slotKey[slot] as number;
      if (k === key) {
        this.slotCount[slot] = (this.slotCount[slot] as number) + sign;
        return;
      }
      if (k === 0) {
        slotKey[slot] = key;
        this.slotCount[slot] = sign;
        this.touched[this.touchedCount++] = slot;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  private endBlock(): void {
    if (this.perOccurrence) return; // add() wrote the entries already
    const out = this.out;
    const buckets = out.buckets;
    const tf = out.tf;
    const slotKey = this.slotKey;
    const slotCount = this.slotCount;
    const touched = this.touched;
    let length = out.length;
    for (let i = 0, n = this.touchedCount; i < n; i++) {
      const slot = touched[i] as number;
      const bucket = (slotKey[slot] as number) - 1;
      const c = slotCount[slot] as number;
      slotKey[slot] = 0; // leaves the table empty for the next block
      if (c === 0) continue; // two features cancelled out exactly (rare)
      const a = Math.abs(c);
      const mag = a < 64 ? (SUBLINEAR_TABLE[a] as number) : 1 + Math.log(a);
      buckets[length] = bucket;
      // c's sign is the hash's coin flip: multiplying by (c >> 31) | 1 (= -1 or 1) is exact and, unlike a branch on
      // it, never mispredicted.
      tf[length] = mag * ((c >> 31) | 1);
      length++;
    }
    out.length = length;
  }
}
