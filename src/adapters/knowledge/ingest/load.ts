// Turns a `tandem kb add` argument (file path or URL) into a parsed source, choosing the parser by type.

import { readFile, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { crawlSite } from "./crawler.ts";
import { parseHtmlPage } from "./html.ts";
import { parseMarkdown, parsePlainText } from "./markdown.ts";
import { parsePdf } from "./pdf.ts";
import { parseCsvRows, parseJsonRows, rowsToSource } from "./rows.ts";
import { IngestError, type ParsedSource } from "./types.ts";

export interface LoadOptions {
  /** CSV/JSON columns to index. */
  columns?: string[];
  language?: string;
  /** For URLs: crawl the site (default) or take just the page. */
  crawl?: boolean;
  maxPages?: number;
  maxDepth?: number;
  fetch?: typeof fetch;
  onPage?: (url: string, done: number, queued: number) => void;
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export async function loadSource(target: string, options: LoadOptions = {}): Promise<ParsedSource> {
  if (isUrl(target)) {
    const crawl = options.crawl ?? true;
    if (crawl || /\.xml$/i.test(new URL(target).pathname)) {
      return crawlSite(target, {
        ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
        ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
        ...(options.language ? { language: options.language } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.onPage ? { onPage: options.onPage } : {}),
      });
    }
    const res = await (options.fetch ?? fetch)(target, { signal: AbortSignal.timeout(15_000) }).catch(
      (e: Error) => {
        throw e instanceof IngestError ? e : new IngestError("KB_FETCH_FAILED", `could not fetch ${target}: ${e.message}`);
      },
    );
    if (!res.ok) throw new IngestError("KB_FETCH_FAILED", `${target} answered ${res.status}`);
    const type = res.headers.get("content-type") ?? "";
    if (/pdf/i.test(type))
      return parsePdf(
        new Uint8Array(await res.arrayBuffer()),
        basename(new URL(target).pathname) || "document.pdf",
        target,
        options.language,
      );
    return parseHtmlPage(await res.text(), target, new URL(target).host, options.language);
  }
  const path = resolve(target);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new IngestError("KB_NOT_FOUND", `no such file: ${target}`);
  return parseBytes(new Uint8Array(await readFile(path)), basename(path), path, options);
}

/** File extensions parseBytes understands. */
export const FILE_EXTENSIONS = [".pdf", ".md", ".markdown", ".txt", ".text", ".html", ".htm", ".csv", ".json", ".jsonl"] as const;

/**
 * Parses a file's bytes by its name's extension: the shared path of `tandem kb add FILE` and the admin upload.
 * `location` identifies the source (re-adding the same location replaces it).
 */
export async function parseBytes(bytes: Uint8Array, name: string, location: string, options: LoadOptions = {}): Promise<ParsedSource> {
  const ext = extname(name).toLowerCase();
  const rowOptions = {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.language ? { language: options.language } : {}),
  };
  // Lenient like readFile(path, "utf8"): a stray invalid byte becomes U+FFFD rather than refusing the file.
  const text = () => new TextDecoder("utf-8").decode(bytes);
  switch (ext) {
    case ".pdf":
      return parsePdf(bytes, name, location, options.language);
    case ".md":
    case ".markdown":
      return parseMarkdown(text(), name, location, options.language);
    case ".txt":
    case ".text":
      return parsePlainText(text(), name, location, options.language);
    case ".html":
    case ".htm":
      return {
        ...parseHtmlPage(text(), location.startsWith("/") ? `file://${location}` : location, name, options.language),
        location,
      };
    case ".csv":
      return rowsToSource(parseCsvRows(text()), "csv", name, location, rowOptions);
    case ".json":
    case ".jsonl":
      return rowsToSource(parseJsonRows(text()), "json", name, location, rowOptions);
    default:
      throw new IngestError(
        "KB_UNSUPPORTED_FORMAT",
        `unsupported file type ${ext || "(none)"}: use .pdf, .md, .txt, .html, .csv, .json`,
      );
  }
}
