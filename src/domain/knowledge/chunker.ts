// Splits documents into retrievable chunks along headings and sentences, with overlap, so citations point at a place.

/** A run of text under one heading path (or one PDF page, one CSV row). Adapters produce these. */
export interface Section {
  /** Heading path from the document root, e.g. ["Returns", "Refund timing"]. */
  headings: string[];
  text: string;
  /** Human-readable place inside the source ("page 3", "row 12"); defaults to the heading path. */
  location?: string;
  /**
   * Line of the source file where `text` starts (1-based), when each line break in `text` is one in the source:
   * chunks with neither a location nor a heading are then located by their lines ("lines 4–9").
   */
  line?: number;
}

export interface DocumentInput {
  /** Stable id within its source (CSV `id` column, URL, file path + anchor). */
  id: string;
  title: string;
  /** Where a reader can open it: URL or file path. */
  url?: string | null;
  language?: string | null;
  sections: Section[];
}

export interface ChunkDraft {
  documentId: string;
  /** Position of the chunk within its document, from 0. */
  ordinal: number;
  title: string;
  /** Heading path joined with " › ", empty at the top level. */
  heading: string;
  /** Where the chunk is for a citation: the section's location, else its heading path, else its lines. */
  location: string;
  text: string;
  /**
   * Hash of the normalised title and text: the same passage repeated under another heading of a document shares
   * it (and is dropped), while rows or pages with other titles but the same text (two products at one price) do not.
   */
  hash: string;
}

export interface ChunkOptions {
  /** Soft upper bound of words per chunk; a single longer sentence is split at this many words. */
  maxWords: number;
  /** Sentences carried over from the previous chunk, so an answer straddling a boundary is still whole somewhere. */
  overlapSentences: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxWords: 140, overlapSentences: 1 };

// Abbreviations that end in a dot without ending a sentence.
const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "etc",
  "vs",
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "inc",
  "ltd",
  "co",
  "no",
  "approx",
  "fig",
  "st",
  "jr",
  "sr",
  "p.ej",
  "sr",
  "sra",
  "z.b",
  "bzw",
  "usw",
  "ca",
  "mme",
  "cf",
]);

/** Sentences of a text: ends at . ! ? … followed by space and a capital/digit/quote, or at a line break. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const rawLine of text.split(/\n+/)) {
    const line = rawLine.replace(/\s+/g, " ").trim();
    if (!line) continue;
    let start = 0;
    const re = /[.!?…]+["')\]]*\s+(?=["'(\[¿¡]?[\p{Lu}\p{N}])/gu;
    for (const m of line.matchAll(re)) {
      const end = m.index + m[0].length;
      const candidate = line.slice(start, end).trim();
      const lastWord = /([\p{L}.]+)[.]+["')\]]*\s*$/u.exec(candidate)?.[1]?.toLowerCase().replace(/\.$/, "");
      if (lastWord && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord))) continue;
      if (candidate) out.push(candidate);
      start = end;
    }
    const rest = line.slice(start).trim();
    if (rest) out.push(rest);
  }
  return out;
}

/** 53-bit FNV-1a-style hash, hex: enough to spot duplicate chunks, no crypto needed in pure code. */
export function contentHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

// Case, spacing and Unicode compatibility forms do not make a passage different.
const normaliseForHash = (text: string): string =>
  text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
const wordCount = (s: string): number => (s.match(/\S+/g) ?? []).length;

/** The hash chunkDocument gives a chunk of `text` in a document titled `title`. */
const chunkHash = (title: string, text: string): string => contentHash(normaliseForHash(`${title}\n${text}`));

/**
 * Joins sentences back into text that splits the same way again: a line that does not end like a sentence (a list
 * item, a PDF line, a label) keeps its line break, so an extractive answer never glues it to the next sentence.
 */
export function joinSentences(sentences: string[]): string {
  let out = "";
  for (const s of sentences) {
    if (out) out += /[.!?…:;]["')\]]*$/.test(out) ? " " : "\n";
    out += s;
  }
  return out;
}

/** Breaks an over-long sentence into word windows so no chunk grows without bound. */
function capSentence(sentence: string, maxWords: number): string[] {
  const words = sentence.split(/\s+/);
  if (words.length <= maxWords) return [sentence];
  const parts: string[] = [];
  for (let i = 0; i < words.length; i += maxWords) parts.push(words.slice(i, i + maxWords).join(" "));
  return parts;
}

/** A sentence and the line of its section's text it came from (from 0). */
interface Sentence {
  text: string;
  line: number;
}

/** Sentences of a section with their line offsets: splitSentences never joins lines, so each has exactly one. */
function sectionSentences(text: string, maxWords: number): Sentence[] {
  const out: Sentence[] = [];
  text.split("\n").forEach((lineText, line) => {
    for (const s of splitSentences(lineText))
      for (const part of capSentence(s, maxWords)) out.push({ text: part, line });
  });
  return out;
}

const lineRange = (first: number, last: number): string =>
  first === last ? `line ${first}` : `lines ${first}–${last}`;

/**
 * Chunks one document. Sections never share a chunk (a heading change is a topic change); inside a section,
 * sentences are packed up to maxWords and the last `overlapSentences` are repeated at the start of the next chunk.
 * A chunk whose normalised text already appeared in the document, under any heading, is dropped (the first stays).
 */
export function chunkDocument(
  doc: DocumentInput,
  options: ChunkOptions = DEFAULT_CHUNK_OPTIONS,
): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  const seen = new Set<string>();
  for (const section of doc.sections) {
    const heading = section.headings.filter((h) => h.trim()).join(" › ");
    const sentences = sectionSentences(section.text, options.maxWords);
    if (sentences.length === 0) continue;
    const locate = (part: Sentence[]): string => {
      if (section.location) return section.location;
      if (heading) return heading;
      if (section.line === undefined) return "";
      return lineRange(section.line + part[0]!.line, section.line + part[part.length - 1]!.line);
    };
    let current: Sentence[] = [];
    let words = 0;
    let fresh = 0; // sentences in `current` not carried over from the previous chunk
    const flush = () => {
      if (fresh === 0) return;
      const text = joinSentences(current.map((s) => s.text));
      const hash = chunkHash(doc.title, text);
      if (!seen.has(hash)) {
        seen.add(hash);
        chunks.push({
          documentId: doc.id,
          ordinal: chunks.length,
          title: doc.title,
          heading,
          location: locate(current),
          text,
          hash,
        });
      }
      const keep = options.overlapSentences > 0 ? current.slice(-options.overlapSentences) : [];
      current = keep;
      words = keep.reduce((n, s) => n + wordCount(s.text), 0);
      fresh = 0;
    };
    for (const sentence of sentences) {
      const w = wordCount(sentence.text);
      if (fresh > 0 && words + w > options.maxWords) flush();
      // Overlap must not push a chunk past the bound on its own.
      if (words + w > options.maxWords && fresh === 0) {
        current = [];
        words = 0;
      }
      current.push(sentence);
      words += w;
      fresh++;
    }
    flush();
  }
  return chunks;
}

/** What a Markdown text is made of: its sections, and its title when it has one. */
export interface MarkdownOutline {
  sections: Section[];
  h1Count: number;
  /**
   * The text of the document's only H1 when that H1 is its first heading: the document's title, which then heads
   * every later section's path.
   */
  title: string | null;
}

/** Sections of a Markdown (or plain) text by headings; text before the first heading belongs to the title. */
export function sectionsFromMarkdown(markdown: string): Section[] {
  return outlineMarkdown(markdown).sections;
}

const ATX_RE = /^ {0,3}(#{1,6})\s+(.+?)(?:\s+#+)?\s*$/;
const SETEXT_RE = /^ {0,3}(=+|-+)\s*$/;
const FENCE_RE = /^\s*(```|~~~)/;
const LIST_ITEM_RE = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_DELIMITER_RE = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
// Lines with no words: thematic breaks, stray underlines.
const RULE_RE = /^\s*(?:[-*_=]\s*){3,}$/;

/** Cells of a GFM table row: split at unescaped pipes, outer pipes optional. */
export function tableCells(row: string): string[] {
  let s = row.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => stripInlineMarkdown(c.replace(/\\\|/g, "|").trim()));
}

/**
 * One table row as a readable line, each value labelled by its column ("Size: M; Chest: 100 cm"), so a row
 * retrieved alone still says what its numbers are. Empty cells are left out; a value without a header stands alone.
 */
export function tableRowText(headers: readonly string[], cells: readonly string[]): string {
  return cells
    .map((value, i) => {
      const v = value.replace(/\s+/g, " ").trim();
      if (!v) return "";
      const h = (headers[i] ?? "").replace(/\s+/g, " ").trim();
      return h && h !== v ? `${h}: ${v}` : v;
    })
    .filter(Boolean)
    .join("; ");
}

/**
 * Sections of Markdown: ATX ("## Title") and setext ("Title" over "===" or "---") headings open sections, GFM
 * tables become one labelled line per row, list markers and inline markup are dropped. Each section records the
 * line it starts on; text lines map one to one onto source lines, so chunks can be located by line.
 */
export function outlineMarkdown(markdown: string): MarkdownOutline {
  const sections: Section[] = [];
  const lines = markdown.split(/\r?\n/);
  const path: { level: number; text: string }[] = [];
  let h1Count = 0;
  let firstHeading: { level: number; text: string } | null = null;
  let buffer: string[] = [];
  let bufferStart = 0; // index in `lines` of buffer[0]
  let paragraph = 0; // trailing buffer lines that form a plain paragraph (a setext heading's candidate text)
  let inFence = false;
  const push = (nextStart: number) => {
    const first = buffer.findIndex((l) => l.trim());
    if (first >= 0) {
      let last = buffer.length - 1;
      while (!buffer[last]!.trim()) last--;
      sections.push({
        headings: path.map((p) => p.text),
        text: buffer.slice(first, last + 1).join("\n"),
        line: bufferStart + first + 1,
      });
    }
    buffer = [];
    bufferStart = nextStart;
    paragraph = 0;
  };
  const openHeading = (level: number, text: string, nextStart: number) => {
    push(nextStart);
    if (level === 1) h1Count++;
    firstHeading ??= { level, text };
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, text });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE_RE.test(line)) {
      inFence = !inFence;
      buffer.push("");
      paragraph = 0;
      continue;
    }
    if (inFence) {
      buffer.push(line);
      paragraph = 0;
      continue;
    }
    const atx = ATX_RE.exec(line);
    if (atx) {
      openHeading(atx[1]!.length, stripInlineMarkdown(atx[2]!), i + 1);
      continue;
    }
    const setext = SETEXT_RE.exec(line);
    if (setext && paragraph > 0) {
      // The paragraph just read is the heading's text, not body text of the section before it.
      const text = buffer
        .splice(buffer.length - paragraph)
        .map((l) => l.trim())
        .join(" ");
      openHeading(setext[1]!.startsWith("=") ? 1 : 2, text, i + 1);
      continue;
    }
    const next = lines[i + 1];
    if (line.includes("|") && next !== undefined && TABLE_DELIMITER_RE.test(next) && next.includes("-")) {
      const headers = tableCells(line);
      if (headers.length === tableCells(next).length) {
        buffer.push("", ""); // the header and delimiter rows: their words are repeated in every row
        i++;
        while (i + 1 < lines.length && lines[i + 1]!.trim() && lines[i + 1]!.includes("|")) {
          i++;
          buffer.push(tableRowText(headers, tableCells(lines[i]!)));
        }
        paragraph = 0;
        continue;
      }
    }
    if (!line.trim() || RULE_RE.test(line)) {
      buffer.push("");
      paragraph = 0;
      continue;
    }
    const plain = !LIST_ITEM_RE.test(line) && !/^\s*>/.test(line) && !/^ {4}/.test(line);
    buffer.push(stripInlineMarkdown(line.replace(LIST_ITEM_RE, "")));
    paragraph = plain ? paragraph + 1 : 0;
  }
  push(lines.length);
  const first = firstHeading as { level: number; text: string } | null;
  const title = h1Count === 1 && first?.level === 1 ? first.text : null;
  return { sections, h1Count, title };
}

/** Removes emphasis, inline code ticks, images and link targets, keeping the readable words. */
export function stripInlineMarkdown(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/^\s*>\s?/, "");
}
