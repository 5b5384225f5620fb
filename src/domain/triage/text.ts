// One tokenisation pass shared by language, sentiment and frustration, so triage reads each message once.
import { extendWordHash, VOCABULARY, WORD_HASH_START, type WordFacts, wordHash } from "./vocabulary.ts";

/** Analysis stops after this many characters: cues live in the first lines, and the cost must stay bounded. */
export const MAX_ANALYSED_CHARS = 4096;

export type TokenKind = "word" | "emoticon" | "emoji" | "punct";

export interface Token {
  readonly kind: TokenKind;
  /** As written (after control characters were removed). */
  readonly raw: string;
  /** Lower-cased, curly apostrophes straightened, '#' of a hashtag dropped. */
  readonly norm: string;
  /** A word of two or more letters, all upper case ("NOW"); drives caps emphasis. */
  readonly caps: boolean;
  /** A letter repeated three or more times ("sooo"): an intensifier on its own. */
  readonly elongated: boolean;
  /** wordHash(norm) for words (0 for other tokens): looks the word up in a WordTable without rehashing it. */
  readonly hash: number;
  /** norm is only ASCII lower-case letters and digits: one word to the cue regexes, no apostrophe or hyphen to split at. */
  readonly plain: boolean;
  /** What the vocabulary knows about norm (words, emoticons and emoji), looked up once for every scorer. */
  readonly facts: WordFacts | undefined;
}

export interface AnalysedText {
  /** The analysed prefix with control characters and replacement characters stripped. */
  text: string;
  /** Every character of text is ASCII (most messages): consumers can skip their Unicode handling. */
  ascii: boolean;
  /** True when the input was longer than MAX_ANALYSED_CHARS. */
  truncated: boolean;
  tokens: Token[];
  /** Count of word tokens with at least one letter. */
  wordCount: number;
  /** Words written in capitals (two letters or more). */
  capsWordCount: number;
  /** Share of letters in scripts other than Latin, per script, for language detection. */
  scripts: ScriptCounts;
  /**
   * The text has an '@' right after a word or a '/': it may hold an email or web address, whose words
   * ("example", "com") are in no language. Found by the scan that reads every character anyway.
   */
  mayHoldAddress: boolean;
}

export interface ScriptCounts {
  latin: number;
  cyrillic: number;
  greek: number;
  arabic: number;
  hebrew: number;
  devanagari: number;
  thai: number;
  hangul: number;
  kana: number;
  han: number;
  other: number;
}

// Groups: 1 emoticon, 2 word, 3 punctuation run, 4 emoji. Emoticons first so ":-(" is not split into punctuation; then words (letters, digits, inner apostrophes and
// hyphens, a leading # or @), then punctuation runs (clause breaks and !/?), then pictographic emoji.
const TOKEN_RE =
  /((?:<\/?3|[:;=8xX][-o'^]?[)(\][dDpP/\\|*3$@oO]+|[)(\]\[dD][-o'^]?[:;=]|\^_*\^|[Tt;]_[Tt;]|-_-|o\.O|O\.o))(?![\p{L}\p{N}])|([#@]?[\p{L}\p{M}\p{N}]+(?:['’\-_][\p{L}\p{M}\p{N}]+)*)|([!?¡¿.,;:]+)|(\p{Extended_Pictographic})/gu;

// C0/C1 controls (except tab/newline), the replacement character and unpaired surrogates: the residue of binary junk.
const JUNK_RE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITY_RE = /&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-fA-F]{1,5});/g;
const NAMED_ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
  "&nbsp;": " ",
};

function decodeEntity(entity: string): string {
  const named = NAMED_ENTITIES[entity];
  if (named !== undefined) return named;
  const cp =
    entity[2] === "x" ? Number.parseInt(entity.slice(3, -1), 16) : Number.parseInt(entity.slice(2, -1), 10);
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : " ";
}

const ELONGATION_RE = /(\p{L})\1\1/u;
/** An '@' with no space before it: in an address ("alex@example.com"), not a mention ("@support"). */
const ADDRESS_AT_RE = /\S@/;
const PLAIN_RE = /^[a-z0-9]+$/;
const HAS_LETTER_RE = /\p{L}/u;

export function analyseText(input: string): AnalysedText {
  const truncated = input.length > MAX_ANALYSED_CHARS;
  let text = truncated ? input.slice(0, MAX_ANALYSED_CHARS) : input;
  const fast = analysePlainAscii(text, truncated);
  if (fast !== null) return fast;
  JUNK_RE.lastIndex = 0;
  if (JUNK_RE.test(text)) text = text.replace(JUNK_RE, " ");
  // Web forms and email bodies arrive HTML-escaped often enough that "&gt;" must not become the word "gt".
  if (text.includes("&")) text = text.replace(ENTITY_RE, decodeEntity);
  const tokens: Token[] = [];
  let wordCount = 0;
  let capsWordCount = 0;
  // A plain exec loop with numbered groups: matchAll and named groups allocate per match, and this runs per message.
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const word = m[2];
    if (word !== undefined) {
      const lower = word.toLowerCase();
      const upper = word.toUpperCase();
      const cased = lower !== upper;
      const hasLetter = cased || HAS_LETTER_RE.test(word);
      if (hasLetter) wordCount++;
      const caps = cased && word.length >= 2 && word === upper;
      if (caps) capsWordCount++;
      let norm = lower.includes("’") ? lower.replaceAll("’", "'") : lower;
      if (norm.charCodeAt(0) === 35) norm = norm.slice(1); // '#'
      const hash = wordHash(norm);
      tokens.push({
        kind: "word",
        raw: word,
        norm,
        caps,
        elongated: norm.length >= 3 && ELONGATION_RE.test(norm),
        hash,
        plain: PLAIN_RE.test(norm),
        facts: VOCABULARY.get(norm, hash),
      });
    } else if (m[1] !== undefined) {
      tokens.push(symbolToken("emoticon", m[1]));
    } else if (m[3] !== undefined) {
      tokens.push(punctToken(m[3]));
    } else if (m[4] !== undefined) {
      tokens.push(symbolToken("emoji", m[4]));
    }
  }
  return {
    text,
    ascii: isAscii(text),
    truncated,
    tokens,
    wordCount,
    capsWordCount,
    scripts: countScripts(text),
    mayHoldAddress: text.includes("/") || ADDRESS_AT_RE.test(text),
  };
}

/** An emoticon or emoji token; the lexicon rates many of them. */
function symbolToken(kind: "emoticon" | "emoji", raw: string): Token {
  const facts = VOCABULARY.get(raw, wordHash(raw));
  return { kind, raw, norm: raw, caps: false, elongated: false, hash: 0, plain: false, facts };
}

function punctToken(raw: string): Token {
  return {
    kind: "punct",
    raw,
    norm: raw,
    caps: false,
    elongated: false,
    hash: 0,
    plain: false,
    facts: undefined,
  };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

// ---- Plain ASCII: the same tokens as TOKEN_RE, by hand ----
//
// Most messages are plain ASCII with no control characters and no HTML entities. For them the Unicode regex
// above (and the junk, entity, letter and elongation regexes) cost more than everything else analysis does, so
// one char-code scan reproduces TOKEN_RE exactly: at each position the emoticon alternatives in TOKEN_RE's order
// (with the backtracking its greedy runs allow, and its "no letter or digit next" condition), then a word, then a
// punctuation run, else the position is skipped. Anything else (emoji included) takes the regex path above.

// Character classes, as bit flags per ASCII code.
const ALNUM = 1; // [A-Za-z0-9]: \p{L}\p{M}\p{N} within ASCII
const EYES = 2; // [:;=8xX]
const NOSE = 4; // [-o'^]
const MOUTH = 8; // [)(\][dDpP/\\|*3$@oO]
const MOUTH_FIRST = 16; // [)(\][dD] (reversed emoticons "D:", "(:")
const EYES_AFTER = 32; // [:;=]
const PUNCT = 64; // [!?.,;:] (TOKEN_RE's ¡ and ¿ are not ASCII)
const TEAR = 128; // [Tt;]
const EMOTICON_START = 256; // the first characters of TOKEN_RE's emoticons: emoticonAt is not worth calling elsewhere
const ASCII_CLASS = new Uint16Array(128);
function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) ASCII_CLASS[chars.charCodeAt(i)]! |= flag;
}
mark("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", ALNUM);
mark(":;=8xX", EYES);
mark("-o'^", NOSE);
mark(")(][dDpP/\\|*3$@oO", MOUTH);
mark(")(][dD", MOUTH_FIRST);
mark(":;=", EYES_AFTER);
mark("!?.,;:", PUNCT);
mark("Tt;", TEAR);
mark("<:;=8xX)(][dD^Tt;-oO", EMOTICON_START);

/** The token of each lone punctuation mark ("?", ","), made once: most punctuation runs are one character. */
const SINGLE_PUNCT: (Token | undefined)[] = [];
for (let c = 0; c < 128; c++)
  if (ASCII_CLASS[c]! & PUNCT) SINGLE_PUNCT[c] = punctToken(String.fromCharCode(c));

/** [A-Za-z0-9] lower-cased, 0 for any other ASCII code: the word loop's class test, case count and folding at once. */
const FOLDED = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (ASCII_CLASS[c]! & ALNUM) FOLDED[c] = c >= 65 && c <= 90 ? c + 32 : c;

function cls(text: string, i: number): number {
  return i < text.length ? (ASCII_CLASS[text.charCodeAt(i)] as number) : 0;
}

/** TOKEN_RE's (?![\p{L}\p{N}]) after an emoticon ending before `end`. */
function freeAfter(text: string, end: number): boolean {
  return (cls(text, end) & ALNUM) === 0;
}

/** `[:;=8xX][-o'^]?[)(\][dD...]+` at i: tries the nose, then none; each with the longest mouth first. */
function eyesNoseMouth(text: string, i: number): number {
  for (let from = (cls(text, i + 1) & NOSE) !== 0 ? i + 2 : i + 1; from >= i + 1; from--) {
    let end = from;
    while (cls(text, end) & MOUTH) end++;
    for (; end > from; end--) if (freeAfter(text, end)) return end;
    if (from === i + 1) break;
  }
  return -1;
}

/** `[)(\][dD][-o'^]?[:;=]` at i. */
function mouthNoseEyes(text: string, i: number): number {
  if ((cls(text, i + 1) & NOSE) !== 0 && (cls(text, i + 2) & EYES_AFTER) !== 0 && freeAfter(text, i + 3))
    return i + 3;
  if ((cls(text, i + 1) & EYES_AFTER) !== 0 && freeAfter(text, i + 2)) return i + 2;
  return -1;
}

/** End of the emoticon TOKEN_RE would take at i, or -1; alternatives in TOKEN_RE's order. */
function emoticonAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const k = ASCII_CLASS[c] as number;
  let end: number;
  if (c === 60) {
    // <3 and </3
    const j = text.charCodeAt(i + 1) === 47 ? i + 2 : i + 1;
    if (text.charCodeAt(j) === 51 && freeAfter(text, j + 1)) return j + 1;
  }
  if (k & EYES && (end = eyesNoseMouth(text, i)) >= 0) return end;
  if (k & MOUTH_FIRST && (end = mouthNoseEyes(text, i)) >= 0) return end;
  if (c === 94) {
    // ^_*^
    let j = i + 1;
    while (text.charCodeAt(j) === 95) j++;
    if (text.charCodeAt(j) === 94 && freeAfter(text, j + 1)) return j + 1;
  }
  if (k & TEAR && text.charCodeAt(i + 1) === 95 && cls(text, i + 2) & TEAR && freeAfter(text, i + 3))
    return i + 3;
  if (c === 45 && text.charCodeAt(i + 1) === 95 && text.charCodeAt(i + 2) === 45 && freeAfter(text, i + 3))
    return i + 3;
  if (
    (c === 111 || c === 79) &&
    text.charCodeAt(i + 1) === 46 &&
    text.charCodeAt(i + 2) === (c === 111 ? 79 : 111)
  )
    return freeAfter(text, i + 3) ? i + 3 : -1;
  return -1;
}

/**
 * The analysis of ASCII text without control characters or '&', or null when the text is anything else. One pass:
 * every character no token takes is looked at by the main loop, so that is where any other character shows.
 */
function analysePlainAscii(text: string, truncated: boolean): AnalysedText | null {
  const tokens: Token[] = [];
  let wordCount = 0;
  let capsWordCount = 0;
  let letters = 0;
  let mayHoldAddress = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      i++; // a space, the most common character between tokens
      continue;
    }
    const k = ASCII_CLASS[c] as number; // undefined (so 0) past ASCII
    if (k & EMOTICON_START) {
      const emoticonEnd = emoticonAt(text, i);
      if (emoticonEnd >= 0) {
        const raw = text.slice(i, emoticonEnd);
        letters += asciiLetters(raw); // "xD", "o.O": the script counts include them
        if (raw.includes("/") || raw.includes("@")) mayHoldAddress = true; // ":/" of "https://", ":@"; never first
        tokens.push(symbolToken("emoticon", raw));
        i = emoticonEnd;
        continue;
      }
    }
    // Word: [#@]?[alnum]+(?:['\-_][alnum]+)*
    const start = i;
    const tagged = (c === 35 || c === 64) && (cls(text, i + 1) & ALNUM) !== 0; // "#tag", "@name"
    if (c === 64 && i > 0 && text.charCodeAt(i - 1) > 32) mayHoldAddress = true; // "alex@example.com", not "@team"
    if (k & ALNUM || tagged) {
      let j = tagged ? i + 1 : i;
      // The hot loop only finds the word's end and hashes its characters as written: everything else about a word
      // depends on those characters alone, and is worked out once, when a word is not in wordTokens.
      let rawHash = tagged ? extendWordHash(WORD_HASH_START, c) : WORD_HASH_START;
      let d = 0; // the character at j once the loop below stops before the end
      for (;;) {
        while (j < n) {
          d = text.charCodeAt(j);
          if (!((FOLDED[d] as number) > 0)) break; // undefined past ASCII: not a letter or digit either
          rawHash = extendWordHash(rawHash, d);
          j++;
        }
        if (j < n && (d === 39 || d === 45 || d === 95) && cls(text, j + 1) & ALNUM) {
          rawHash = extendWordHash(rawHash, d);
          j++;
          continue;
        }
        break;
      }
      const length = j - start;
      const slot = (rawHash ^ (rawHash >>> 15)) & WORD_TOKEN_MASK; // FNV-1a's low bits mix poorly on their own
      let token = wordTokens[slot];
      let wordLetters: number;
      if (token !== undefined && sameChars(token.raw, text, start, length)) {
        wordLetters = wordTokenLetters[slot] as number;
      } else {
        token = plainWordToken(text.slice(start, j));
        wordLetters = asciiLetters(token.raw);
        if (length <= MAX_CACHED_WORD) {
          wordTokens[slot] = token;
          wordTokenLetters[slot] = wordLetters;
        }
      }
      letters += wordLetters;
      if (wordLetters > 0) wordCount++;
      if (token.caps) capsWordCount++;
      tokens.push(token);
      i = j;
      continue;
    }
    if (k & PUNCT) {
      let e = i + 1;
      while (cls(text, e) & PUNCT) e++;
      tokens.push(e === i + 1 ? (SINGLE_PUNCT[c] as Token) : punctToken(text.slice(i, e)));
      i = e;
      continue;
    }
    if (c >= 0x7f || c === 38 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) return null;
    if (c === 47) mayHoldAddress = true; // '/': "https://example.com/orders"
    i++;
  }
  const scripts = noScripts();
  scripts.latin = letters;
  return { text, ascii: true, truncated, tokens, wordCount, capsWordCount, scripts, mayHoldAddress };
}

// Word tokens of the plain-ASCII path by their exact characters, direct-mapped: most messages reuse a small
// vocabulary, and a known word then costs a character comparison instead of two strings, a lower-casing, a
// vocabulary look-up and an object. Tokens are never mutated, so sharing one between messages (or twice in one
// message) is invisible. Longer words are not kept, so the table holds at most WORD_TOKEN_SLOTS short words.
const WORD_TOKEN_SLOTS = 4096;
const WORD_TOKEN_MASK = WORD_TOKEN_SLOTS - 1;
const MAX_CACHED_WORD = 40;
const wordTokens: (Token | undefined)[] = new Array<Token | undefined>(WORD_TOKEN_SLOTS).fill(undefined);
/** The ASCII letters of each kept word, for the script counts. */
const wordTokenLetters = new Int32Array(WORD_TOKEN_SLOTS);

/**
 * The token of a word the plain-ASCII scan found: [#@]?[A-Za-z0-9]+(?:['\-_][A-Za-z0-9]+)*, as the general path
 * would make it.
 */
function plainWordToken(raw: string): Token {
  const c = raw.charCodeAt(0);
  let upper = 0;
  let lower = 0;
  let run = 1;
  let elongated = false;
  let prev = -1;
  let joined = false;
  let hash = c === 64 ? extendWordHash(WORD_HASH_START, 64) : WORD_HASH_START; // wordHash(norm): '@' stays, '#' goes
  for (let i = c === 35 || c === 64 ? 1 : 0; i < raw.length; i++) {
    const d = raw.charCodeAt(i);
    const f = FOLDED[d] as number;
    if (f === 0) {
      prev = -1; // a joiner breaks a run of letters
      run = 1;
      joined = true;
      hash = extendWordHash(hash, d);
      continue;
    }
    if (f !== d) upper++;
    else if (f >= 97) lower++;
    hash = extendWordHash(hash, f);
    // Three of the same letter in a row, case-insensitively: (\p{L})\1\1 on the lower-cased word.
    if (f !== prev) {
      prev = f;
      run = 1;
    } else if (f >= 97 && ++run >= 3) elongated = true;
  }
  const lowered = upper > 0 ? raw.toLowerCase() : raw;
  const norm = c === 35 ? lowered.slice(1) : lowered;
  return {
    kind: "word",
    raw,
    norm,
    caps: upper + lower > 0 && raw.length >= 2 && lower === 0,
    elongated: norm.length >= 3 && elongated,
    hash,
    plain: !joined && c !== 64, // '@' stays in norm, '#' does not
    facts: VOCABULARY.get(norm, hash),
  };
}

function sameChars(raw: string, text: string, start: number, length: number): boolean {
  if (raw.length !== length) return false;
  for (let i = 0; i < length; i++) if (raw.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

function asciiLetters(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) n++;
  }
  return n;
}

function noScripts(): ScriptCounts {
  return {
    latin: 0,
    cyrillic: 0,
    greek: 0,
    arabic: 0,
    hebrew: 0,
    devanagari: 0,
    thai: 0,
    hangul: 0,
    kana: 0,
    han: 0,
    other: 0,
  };
}

/** Counts letters per script with code-point ranges: cheaper than a Unicode-property regex per character. */
export function countScripts(text: string): ScriptCounts {
  const c = noScripts();
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    if (cp < 0x41) continue;
    if (
      (cp >= 0x41 && cp <= 0x5a) ||
      (cp >= 0x61 && cp <= 0x7a) ||
      (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7)
    )
      c.latin++;
    else if (cp < 0x370)
      continue; // ASCII punctuation, Latin-1 symbols, IPA and modifiers
    else if (cp <= 0x3ff) c.greek++;
    else if (cp <= 0x52f) c.cyrillic++;
    else if (cp >= 0x590 && cp <= 0x5ff) c.hebrew++;
    else if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f)) c.arabic++;
    else if (cp >= 0x900 && cp <= 0x97f) c.devanagari++;
    else if (cp >= 0xe00 && cp <= 0xe7f) c.thai++;
    else if ((cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xac00 && cp <= 0xd7af)) c.hangul++;
    else if (cp >= 0x3040 && cp <= 0x30ff) c.kana++;
    else if (cp >= 0x4e00 && cp <= 0x9fff) c.han++;
    else if (cp >= 0x1e00 && cp <= 0x1eff)
      c.latin++; // Latin Extended Additional (Vietnamese, Welsh)
    else if (cp >= 0xd800 && cp <= 0xdfff)
      continue; // surrogate halves: emoji and rare scripts
    else if (cp >= 0x2000 && cp <= 0x2bff)
      continue; // punctuation, symbols, arrows
    else c.other++;
  }
  return c;
}
