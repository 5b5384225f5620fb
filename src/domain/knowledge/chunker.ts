// Splits documents into retrievable chunks along headings and sentences, with overlap, so citations point at a place.

/** A run of text under one heading path (or one PDF page, one CSV row). Adapters produce these. */
export interface Section {
  /** Heading path from the document root, e.g. ["Returns", "Refund timing"]. */
  headings: string[];
  text: string;
  /** Human-readable place inside the source ("page 3", "row 12"); defaults to the heading path. */
  location?: string;
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
  location: string;
  text: string;
  /** Content hash of the normalised text: duplicates share it. */
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

const normaliseForHash = (text: string): string => text.toLowerCase().replace(/\s+/g, " ").trim();
const wordCount = (s: string): number => (s.match(/\S+/g) ?? []).length;

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

/**
 * Chunks one document. Sections never share a chunk (a heading change is a topic change); inside a section,
 * sentences are packed up to maxWords and the last `overlapSentences` are repeated at the start of the next chunk.
 * Duplicate chunk texts inside the document are dropped.
 */
export function chunkDocument(
  doc: DocumentInput,
  options: ChunkOptions = DEFAULT_CHUNK_OPTIONS,
): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  const seen = new Set<string>();
  for (const section of doc.sections) {
    const heading = section.headings.filter((h) => h.trim()).join(" › ");
    const location = section.location ?? heading;
    const sentences = splitSentences(section.text).flatMap((s) => capSentence(s, options.maxWords));
    if (sentences.length === 0) continue;
    let current: string[] = [];
    let words = 0;
    let fresh = 0; // sentences in `current` not carried over from the previous chunk
    const flush = () => {
      if (fresh === 0) return;
      const text = joinSentences(current);
      const hash = contentHash(normaliseForHash(`${heading}\n${text}`));
      if (!seen.has(hash)) {
        seen.add(hash);
        chunks.push({
          documentId: doc.id,
          ordinal: chunks.length,
          title: doc.title,
          heading,
          location,
          text,
          hash,
        });
      }
      const keep = options.overlapSentences > 0 ? current.slice(-options.overlapSentences) : [];
      current = keep;
      words = keep.reduce((n, s) => n + wordCount(s), 0);
      fresh = 0;
    };
    for (const sentence of sentences) {
      const w = wordCount(sentence);
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

/** Sections of a Markdown (or plain) text by ATX headings; text before the first heading belongs to the title. */
export function sectionsFromMarkdown(markdown: string): Section[] {
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let buffer: string[] = [];
  let inFence = false;
  const push = () => {
    const text = buffer.join("\n").trim();
    if (text) sections.push({ headings: path.map((p) => p.text), text });
    buffer = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) {
      push();
      const level = m[1]!.length;
      while (path.length && path[path.length - 1]!.level >= level) path.pop();
      path.push({ level, text: stripInlineMarkdown(m[2]!) });
    } else {
      buffer.push(stripInlineMarkdown(line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "")));
    }
  }
  push();
  return sections;
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
