// Whole-site ingestion: from a start page or a sitemap.xml, same origin only, robots.txt respected, bounded.
//
// Every request goes through fetchDocument with a check run before each hop: a link, or a redirect, that leaves the
// start's origin or that robots.txt disallows is never requested. Bodies are capped and time-limited per page; a
// page that breaks a limit is skipped and reported, and only a start URL that fails makes the whole crawl fail.

import type { DocumentInput } from "../../../domain/knowledge/chunker.ts";
import { decodeText, decodeTextContent } from "./decode.ts";
import {
  CRAWLER_USER_AGENT,
  type FetchDocumentOptions,
  type FetchedDocument,
  fetchDocument,
  MAX_SITEMAP_BYTES,
  mediaType,
} from "./fetch-document.ts";
import { extractLinks, htmlToDocument } from "./html.ts";
import { formatOfFetched, parseFetched } from "./parse-bytes.ts";
import { RobotsRules } from "./robots.ts";
import { IngestError, type IngestErrorCode, type ParsedSource } from "./types.ts";

export { CRAWLER_USER_AGENT };

export interface CrawlOptions {
  maxPages?: number;
  maxDepth?: number;
  userAgent?: string;
  /** Deadline for each fetch, body included (default FETCH_DEADLINE_MS). */
  timeoutMs?: number;
  language?: string;
  /** CSV/JSON columns, used when the start URL turns out to be a CSV or JSON file rather than a page. */
  columns?: string[];
  fetch?: typeof fetch;
  onPage?: (url: string, done: number, queued: number) => void;
}

/** Page URLs listed by a sitemap (following nested sitemap indexes one level). */
export function parseSitemap(xml: string): { pages: string[]; sitemaps: string[] } {
  const locs = [...xml.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/gi)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return /<sitemapindex/i.test(xml) ? { pages: [], sitemaps: locs } : { pages: locs, sitemaps: [] };
}

/** Failures that cost one page of a crawl, not the crawl: anything else (KB_URL_FORBIDDEN) stops it. */
const PAGE_LEVEL_CODES = new Set<IngestErrorCode>([
  "KB_ROBOTS_DISALLOWED",
  "KB_REDIRECTED_OFF_SITE",
  "KB_TOO_LARGE",
  "KB_FETCH_TIMEOUT",
  "KB_TOO_MANY_REDIRECTS",
  "KB_FETCH_FAILED",
  "KB_UNSUPPORTED_FORMAT",
  "KB_PARSE_FAILED",
  "KB_BINARY_CONTENT",
]);

interface Skip {
  url: string;
  reason: string;
  code: IngestErrorCode;
  message: string;
}

// Skip reasons as the CLI and admin API report them, one short phrase per kind of failure.
const REASONS: Partial<Record<IngestErrorCode, string>> = {
  KB_ROBOTS_DISALLOWED: "robots.txt",
  KB_REDIRECTED_OFF_SITE: "redirected off-site",
  KB_TOO_LARGE: "too large",
  KB_FETCH_TIMEOUT: "timed out",
  KB_TOO_MANY_REDIRECTS: "too many redirects",
  KB_FETCH_FAILED: "unreachable",
  KB_PARSE_FAILED: "unreadable",
  KB_BINARY_CONTENT: "binary content",
};

export async function crawlSite(start: string, options: CrawlOptions = {}): Promise<ParsedSource> {
  const maxPages = options.maxPages ?? 200;
  const maxDepth = options.maxDepth ?? 3;
  let startUrl: URL;
  try {
    startUrl = new URL(start);
  } catch {
    throw new IngestError("KB_BAD_OPTIONS", `not a URL: ${start}`);
  }
  const origin = startUrl.origin;
  const shared = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const robots = new RobotsRules(shared);
  // Run before the first request and before every redirect hop: scope first, then robots.txt.
  const vetted = (via: string, extra: Partial<FetchDocumentOptions> = {}): FetchDocumentOptions => ({
    ...shared,
    ...extra,
    beforeRequest: async (url) => {
      if (url.origin !== origin)
        throw new IngestError("KB_REDIRECTED_OFF_SITE", `${via} redirects to ${url}, outside ${origin}`);
      await robots.assertAllowed(url, via);
    },
  });

  const queue: { url: string; depth: number }[] = [];
  const seen = new Set<string>();
  const keyOf = (url: string) => {
    const u = new URL(url);
    u.hash = "";
    return u.toString();
  };
  const enqueue = (url: string, depth: number) => {
    const key = keyOf(url);
    if (new URL(key).origin !== origin || seen.has(key)) return;
    seen.add(key);
    queue.push({ url: key, depth });
  };

  // A sitemap is the complete page list: its pages' links are not followed.
  const fromSitemap = /\.xml$/i.test(startUrl.pathname);
  if (fromSitemap) {
    const sm = await fetchDocument(
      startUrl,
      vetted(start, { maxBytes: MAX_SITEMAP_BYTES, accept: "application/xml,text/xml;q=0.9,*/*;q=0.5" }),
    );
    if (sm.status >= 400) throw new IngestError("KB_FETCH_FAILED", `sitemap ${start} answered ${sm.status}`);
    const parsed = parseSitemap(decodeText(sm.bytes, { contentType: sm.contentType }));
    const pages = [...parsed.pages];
    for (const nested of parsed.sitemaps.slice(0, 20)) {
      if (new URL(nested).origin !== origin) continue;
      const n = await fetchDocument(nested, vetted(nested, { maxBytes: MAX_SITEMAP_BYTES })).catch(
        (e: unknown) => {
          if (e instanceof IngestError && !PAGE_LEVEL_CODES.has(e.code)) throw e;
          return null; // an unreadable nested sitemap costs its pages, not the crawl
        },
      );
      if (n && n.status < 400)
        pages.push(...parseSitemap(decodeText(n.bytes, { contentType: n.contentType })).pages);
    }
    for (const p of pages) {
      try {
        enqueue(p, 0);
      } catch {
        // an unparsable <loc>: nothing to fetch
      }
    }
  } else {
    enqueue(startUrl.toString(), 0);
  }

  const documents: DocumentInput[] = [];
  const skipped: Skip[] = [];
  const skip = (url: string, e: unknown, reason?: string) => {
    if (!(e instanceof IngestError)) throw e;
    if (!PAGE_LEVEL_CODES.has(e.code)) throw e; // a refused destination is the admin's answer, not a skipped page
    skipped.push({ url, reason: reason ?? REASONS[e.code] ?? e.message, code: e.code, message: e.message });
  };
  while (queue.length && documents.length < maxPages) {
    const { url, depth } = queue.shift()!;
    const isStart = !fromSitemap && depth === 0;
    let page: FetchedDocument;
    try {
      page = await fetchDocument(url, vetted(url));
    } catch (e) {
      skip(url, e);
      continue;
    }
    seen.add(keyOf(page.url));
    if (page.status < 200 || page.status >= 300) {
      skip(url, new IngestError("KB_FETCH_FAILED", `${url} answered ${page.status}`), `HTTP ${page.status}`);
      continue;
    }
    const format = formatOfFetched(page.contentType, page.url, page.bytes);
    if (format === "html") {
      let html: string;
      try {
        html = decodeTextContent(page.bytes, url, { contentType: page.contentType, html: true });
      } catch (e) {
        skip(url, e);
        continue;
      }
      const doc = htmlToDocument(html, page.url, options.language);
      if (doc.sections.length) documents.push(doc);
      options.onPage?.(url, documents.length, queue.length);
      if (!fromSitemap && depth < maxDepth)
        for (const link of extractLinks(html, page.url)) enqueue(link, depth + 1);
      continue;
    }
    const parseOptions = {
      ...(options.language ? { language: options.language } : {}),
      ...(options.columns ? { columns: options.columns } : {}),
    };
    // A start URL that is a file (a PDF, a Markdown page, a CSV) is that file, parsed as if added on its own.
    if (isStart) return parseFetched(page, parseOptions);
    // Within a site, PDF and text documents are pages too; tables are not (their rows' ids would collide).
    if (format === "pdf" || format === "markdown" || format === "text") {
      try {
        for (const doc of (await parseFetched(page, parseOptions)).documents)
          if (doc.sections.length) documents.push({ ...doc, id: page.url, url: page.url });
        options.onPage?.(url, documents.length, queue.length);
      } catch (e) {
        skip(url, e);
      }
      continue;
    }
    const type = mediaType(page.contentType) || "no content type";
    skip(
      url,
      new IngestError("KB_UNSUPPORTED_FORMAT", `${url} is ${type}, which a crawl does not read`),
      `unsupported type (${type})`,
    );
  }
  const report = skipped.map(({ url, reason }) => ({ url, reason }));
  if (documents.length === 0) {
    // Say why nothing came back, so an admin can tell a blocked site from an unreachable, oversized or empty one.
    const first = skipped[0];
    if (first && skipped.every((s) => s.code === first.code))
      throw new IngestError(
        first.code,
        skipped.length === 1 ? first.message : `${first.message} (and ${skipped.length - 1} more pages)`,
      );
    const unreachable = (s: Skip) => s.code === "KB_FETCH_FAILED" || s.code === "KB_FETCH_TIMEOUT";
    if (first && skipped.every(unreachable))
      throw new IngestError("KB_FETCH_FAILED", `could not fetch ${start}: ${first.message}`);
    throw new IngestError("KB_EMPTY_SOURCE", `no readable page found from ${start}`);
  }
  return { kind: "site", name: startUrl.host, location: startUrl.toString(), documents, skipped: report };
}
