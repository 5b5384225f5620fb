// One tokenisation pass shared by language, sentiment and frustration, so triage reads each message once.

/** Analysis stops after this many characters: cues live in the first lines, and the cost must stay bounded. */
export const MAX_ANALYSED_CHARS = 4096;

export type TokenKind = "word" | "emoticon" | "emoji" | "punct";

export interface Token {
  kind: TokenKind;
  /** As written (after control characters were removed). */
  raw: string;
  /** Lower-cased, curly apostrophes straightened, '#' of a hashtag dropped. */
  norm: string;
  /** A word of two or more letters, all upper case ("NOW"); drives caps emphasis. */
  caps: boolean;
  /** A letter repeated three or more times ("sooo"): an intensifier on its own. */
  elongated: boolean;
}

export interface AnalysedText {
  /** The analysed prefix with control characters and replacement characters stripped. */
  text: string;
  /** True when the input was longer than MAX_ANALYSED_CHARS. */
  truncated: boolean;
  tokens: Token[];
  /** Count of word tokens with at least one letter. */
  wordCount: number;
  /** Words written in capitals (two letters or more). */
  capsWordCount: number;
  /** Share of letters in scripts other than Latin, per script, for language detection. */
  scripts: ScriptCounts;
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
const HAS_LETTER_RE = /\p{L}/u;

export function analyseText(input: string): AnalysedText {
  const truncated = input.length > MAX_ANALYSED_CHARS;
  let text = truncated ? input.slice(0, MAX_ANALYSED_CHARS) : input;
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
      tokens.push({
        kind: "word",
        raw: word,
        norm,
        caps,
        elongated: norm.length >= 3 && ELONGATION_RE.test(norm),
      });
    } else if (m[1] !== undefined) {
      tokens.push({ kind: "emoticon", raw: m[1], norm: m[1], caps: false, elongated: false });
    } else if (m[3] !== undefined) {
      tokens.push({ kind: "punct", raw: m[3], norm: m[3], caps: false, elongated: false });
    } else if (m[4] !== undefined) {
      tokens.push({ kind: "emoji", raw: m[4], norm: m[4], caps: false, elongated: false });
    }
  }
  return { text, truncated, tokens, wordCount, capsWordCount, scripts: countScripts(text) };
}

/** Counts letters per script with code-point ranges: cheaper than a Unicode-property regex per character. */
export function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = {
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
