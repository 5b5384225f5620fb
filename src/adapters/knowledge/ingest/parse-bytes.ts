// Chooses the parser for a body: by file extension for files and uploads, by Content-Type for fetched URLs, so a
// PDF, Markdown, text or CSV link is read as what it is whether it was given alone or met during a crawl.

import { basename, extname } from "node:path";
import { decodeTextContent } from "./decode.ts";
import { type FetchedDocument, isPdfType, mediaType } from "./fetch-document.ts";
import { parseHtmlPage } from "./html.ts";
import { parseMarkdown, parsePlainText } from "./markdown.ts";
import { parsePdf } from "./pdf.ts";
import { parseCsvRows, parseJsonRows, rowsToSource } from "./rows.ts";
import { IngestError, type ParsedSource } from "./types.ts";

export interface ParseOptions {
  /** CSV/JSON columns to index. */
  columns?: string[];
  language?: string;
}

/** File extensions parseBytes understands. */
export const FILE_EXTENSIONS = [
  ".pdf",
  ".md",
  ".markdown",
  ".txt",
  ".text",
  ".html",
  ".htm",
  ".csv",
  ".json",
  ".jsonl",
] as const;

type Format = "pdf" | "markdown" | "text" | "html" | "csv" | "json";

const FORMAT_BY_EXTENSION: Record<string, Format> = {
  ".pdf": "pdf",
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
  ".text": "text",
  ".html": "html",
  ".htm": "html",
  ".csv": "csv",
  ".json": "json",
  ".jsonl": "json",
};

const FORMAT_BY_MEDIA_TYPE: Record<string, Format> = {
  "application/pdf": "pdf",
  "application/x-pdf": "pdf",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
  "text/csv": "csv",
  "application/csv": "csv",
  "application/json": "json",
  "application/x-ndjson": "json",
  "application/jsonl": "json",
};

/** Media types that say nothing about the format: the URL's extension decides instead. */
const GENERIC_TYPES = new Set([
  "",
  "application/octet-stream",
  "binary/octet-stream",
  "application/x-download",
]);

/**
 * The format of a fetched body: its Content-Type, except that text/plain and generic types defer to the URL's
 * extension (servers commonly send .md as text/plain and files of any kind as application/octet-stream), and
 * generic types without a known extension are sniffed for a PDF header.
 * Null when the type is one ingestion does not read.
 */
export function formatOfFetched(contentType: string, url: string, bytes?: Uint8Array): Format | null {
  const type = mediaType(contentType);
  const byExtension = FORMAT_BY_EXTENSION[extname(new URL(url).pathname).toLowerCase()];
  if (isPdfType(type)) return "pdf";
  // A download endpoint (/download?id=7) names no extension: a PDF still announces itself in its first bytes.
  if (GENERIC_TYPES.has(type)) return byExtension ?? (bytes && startsWithPdfMagic(bytes) ? "pdf" : null);
  if (type === "text/plain" && byExtension && byExtension !== "html" && byExtension !== "pdf")
    return byExtension;
  return FORMAT_BY_MEDIA_TYPE[type] ?? null;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const startsWithPdfMagic = (bytes: Uint8Array): boolean => PDF_MAGIC.every((b, i) => bytes[i] === b);

/**
 * Parses a file's bytes by its name's extension: the shared path of `tandem kb add FILE` and the admin upload.
 * `location` identifies the source (re-adding the same location replaces it).
 */
export async function parseBytes(
  bytes: Uint8Array,
  name: string,
  location: string,
  options: ParseOptions = {},
): Promise<ParsedSource> {
  const ext = extname(name).toLowerCase();
  const format = FORMAT_BY_EXTENSION[ext];
  if (!format)
    throw new IngestError(
      "KB_UNSUPPORTED_FORMAT",
      `unsupported file type ${ext || "(none)"}: use .pdf, .md, .txt, .html, .csv, .json`,
    );
  const htmlUrl = location.startsWith("/") ? `file://${location}` : location;
  return parseFormat(format, bytes, { name, location, htmlUrl, contentType: null, label: name }, options);
}

/** Parses a fetched body by its Content-Type; an unsupported type is KB_UNSUPPORTED_FORMAT. */
export async function parseFetched(doc: FetchedDocument, options: ParseOptions = {}): Promise<ParsedSource> {
  const format = formatOfFetched(doc.contentType, doc.url, doc.bytes);
  if (!format)
    throw new IngestError(
      "KB_UNSUPPORTED_FORMAT",
      `${doc.requestedUrl} is ${mediaType(doc.contentType) || "of no declared type"}: ingestion reads HTML, PDF, Markdown, plain text, CSV and JSON`,
    );
  const url = new URL(doc.url);
  // Pages are named by their site, files by their file name, as in citations.
  const name = format === "html" ? url.host : fileName(url) || url.host;
  // The requested URL stays the location, so adding it again replaces this source even if it now redirects.
  return parseFormat(
    format,
    doc.bytes,
    {
      name,
      location: doc.requestedUrl,
      htmlUrl: doc.url,
      contentType: doc.contentType,
      label: doc.requestedUrl,
    },
    options,
  );
}

function fileName(url: URL): string {
  const raw = basename(url.pathname);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed percent-encoding: the name as written is still a fine label
  }
}

async function parseFormat(
  format: Format,
  bytes: Uint8Array,
  at: { name: string; location: string; htmlUrl: string; contentType: string | null; label: string },
  options: ParseOptions,
): Promise<ParsedSource> {
  const { name, location } = at;
  const rowOptions = {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.language ? { language: options.language } : {}),
  };
  // Every format but PDF is text: binary bytes under a text name or type are refused, not indexed as garbage.
  const text = () =>
    decodeTextContent(bytes, at.label, { contentType: at.contentType, html: format === "html" });
  switch (format) {
    case "pdf":
      return parsePdf(bytes, name, location, options.language);
    case "markdown":
      return parseMarkdown(text(), name, location, options.language);
    case "text":
      return parsePlainText(text(), name, location, options.language);
    case "html":
      // Links and document URLs resolve against where the page is; the source is where it was asked for.
      return { ...parseHtmlPage(text(), at.htmlUrl, name, options.language), location };
    case "csv":
      return rowsToSource(parseCsvRows(text()), "csv", name, location, rowOptions);
    case "json":
      return rowsToSource(parseJsonRows(text()), "json", name, location, rowOptions);
  }
}
