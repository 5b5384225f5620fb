// Turns a `tandem kb add` argument (file path or URL) into a parsed source, choosing the parser by type.

import { readFile, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { crawlSite } from "./crawler.ts";
import { fetchDocument } from "./fetch-document.ts";
import { checkLanguage } from "./language.ts";
import { parseBytes, parseFetched } from "./parse-bytes.ts";
import { RobotsRules } from "./robots.ts";
import { IngestError, type ParsedSource } from "./types.ts";

export { checkLanguage, SUPPORTED_LANGUAGES } from "./language.ts";
export { FILE_EXTENSIONS, parseBytes } from "./parse-bytes.ts";

export interface LoadOptions {
  /** CSV/JSON columns to index. */
  columns?: string[];
  language?: string;
  /** For URLs: crawl the site (default) or take just the page. */
  crawl?: boolean;
  maxPages?: number;
  maxDepth?: number;
  fetch?: typeof fetch;
  /** Deadline per fetch, body included (default FETCH_DEADLINE_MS). */
  timeoutMs?: number;
  onPage?: (url: string, done: number, queued: number) => void;
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export async function loadSource(target: string, options: LoadOptions = {}): Promise<ParsedSource> {
  const language = options.language === undefined ? undefined : checkLanguage(options.language);
  const parseOptions = {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(language ? { language } : {}),
  };
  if (isUrl(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new IngestError("KB_BAD_OPTIONS", `not a URL: ${target}`);
    }
    const shared = {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    if ((options.crawl ?? true) || /\.xml$/i.test(url.pathname)) {
      return crawlSite(target, {
        ...shared,
        ...parseOptions,
        ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
        ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
        ...(options.onPage ? { onPage: options.onPage } : {}),
      });
    }
    // A single page obeys robots.txt like a crawl: the URL and every redirect target, on whichever origin.
    const robots = new RobotsRules(shared);
    const doc = await fetchDocument(url, {
      ...shared,
      beforeRequest: (u) => robots.assertAllowed(u, target),
    });
    if (doc.status < 200 || doc.status >= 300)
      throw new IngestError("KB_FETCH_FAILED", `${target} answered ${doc.status}`);
    return parseFetched(doc, parseOptions);
  }
  const path = resolve(target);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new IngestError("KB_NOT_FOUND", `no such file: ${target}`);
  return parseBytes(new Uint8Array(await readFile(path)), basename(path), path, parseOptions);
}
