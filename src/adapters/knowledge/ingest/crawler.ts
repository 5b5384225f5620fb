// Whole-site ingestion: from a start page or a sitemap.xml, same origin only, robots.txt respected, bounded.

import robotsParserModule from "robots-parser";
import type { DocumentInput } from "../../../domain/knowledge/chunker.ts";
import { extractLinks, htmlToDocument } from "./html.ts";
import { IngestError, type ParsedSource } from "./types.ts";

export interface CrawlOptions {
  maxPages?: number;
  maxDepth?: number;
  userAgent?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  language?: string;
  fetch?: typeof fetch;
  onPage?: (url: string, done: number, queued: number) => void;
}

export const CRAWLER_USER_AGENT = "TandemBot";

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
// robots-parser is CommonJS with an ambient declaration that TypeScript's nodenext mode reads as a namespace.
const robotsParser = robotsParserModule as unknown as (url: string, body: string) => Robots;

interface Fetched {
  status: number;
  contentType: string;
  body: string;
  url: string;
}

async function get(url: string, options: CrawlOptions): Promise<Fetched> {
  const f = options.fetch ?? fetch;
  const res = await f(url, {
    headers: {
      "user-agent": `${options.userAgent ?? CRAWLER_USER_AGENT}/1.0`,
      accept: "text/html,application/xml;q=0.9,*/*;q=0.5",
    },
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    redirect: "follow",
  });
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: await res.text(),
    url: res.url || url,
  };
}

/** Page URLs listed by a sitemap (following nested sitemap indexes one level). */
export function parseSitemap(xml: string): { pages: string[]; sitemaps: string[] } {
  const locs = [...xml.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/gi)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return /<sitemapindex/i.test(xml) ? { pages: [], sitemaps: locs } : { pages: locs, sitemaps: [] };
}

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
  const ua = options.userAgent ?? CRAWLER_USER_AGENT;
  let robots: Robots | null = null;
  try {
    const r = await get(`${origin}/robots.txt`, options);
    if (r.status >= 200 && r.status < 300) robots = robotsParser(`${origin}/robots.txt`, r.body);
  } catch {
    // no robots.txt reachable: everything is allowed, as the convention says
  }
  const allowed = (url: string) => (robots ? robots.isAllowed(url, ua) !== false : true);

  const queue: { url: string; depth: number }[] = [];
  const seen = new Set<string>();
  const enqueue = (url: string, depth: number) => {
    const u = new URL(url);
    u.hash = "";
    const key = u.toString();
    if (u.origin !== origin || seen.has(key)) return;
    seen.add(key);
    queue.push({ url: key, depth });
  };

  // A sitemap is the complete page list: its pages' links are not followed.
  const fromSitemap = /\.xml$/i.test(startUrl.pathname);
  if (fromSitemap) {
    const sm = await get(startUrl.toString(), options).catch((e: Error) => {
      throw e instanceof IngestError ? e : new IngestError("KB_FETCH_FAILED", `could not fetch sitemap ${start}: ${e.message}`);
    });
    if (sm.status >= 400) throw new IngestError("KB_FETCH_FAILED", `sitemap ${start} answered ${sm.status}`);
    const parsed = parseSitemap(sm.body);
    const pages = [...parsed.pages];
    for (const nested of parsed.sitemaps.slice(0, 20)) {
      if (new URL(nested).origin !== origin) continue;
      const n = await get(nested, options).catch(() => null);
      if (n && n.status < 400) pages.push(...parseSitemap(n.body).pages);
    }
    for (const p of pages) enqueue(p, 0);
  } else {
    enqueue(startUrl.toString(), 0);
  }

  const documents: DocumentInput[] = [];
  const skipped: { url: string; reason: string }[] = [];
  while (queue.length && documents.length < maxPages) {
    const { url, depth } = queue.shift()!;
    if (!allowed(url)) {
      skipped.push({ url, reason: "robots.txt" });
      continue;
    }
    let page: Fetched;
    try {
      page = await get(url, options);
    } catch (e) {
      if (e instanceof IngestError) throw e; // a refused destination is the admin's answer, not a skipped page
      skipped.push({ url, reason: (e as Error).message });
      continue;
    }
    if (new URL(page.url).origin !== origin) {
      skipped.push({ url, reason: "redirected off-site" });
      continue;
    }
    if (page.status >= 400) {
      skipped.push({ url, reason: `HTTP ${page.status}` });
      continue;
    }
    if (!/html/i.test(page.contentType)) {
      skipped.push({ url, reason: `not HTML (${page.contentType || "no content type"})` });
      continue;
    }
    const doc = htmlToDocument(page.body, url, options.language);
    if (doc.sections.length) documents.push(doc);
    options.onPage?.(url, documents.length, queue.length);
    if (!fromSitemap && depth < maxDepth)
      for (const link of extractLinks(page.body, page.url)) enqueue(link, depth + 1);
  }
  if (documents.length === 0) {
    // Say why nothing came back, so an admin can tell a blocked site from an unreachable or an empty one.
    if (skipped.length > 0 && skipped.every((s) => s.reason === "robots.txt"))
      throw new IngestError("KB_ROBOTS_DISALLOWED", `robots.txt at ${origin} disallows ${CRAWLER_USER_AGENT} from ${start}`);
    const unreachable = (s: { reason: string }) => !["robots.txt", "redirected off-site"].includes(s.reason) && !s.reason.startsWith("not HTML");
    if (skipped.length > 0 && skipped.every(unreachable))
      throw new IngestError("KB_FETCH_FAILED", `could not fetch ${start}: ${skipped[0]!.reason}`);
    throw new IngestError("KB_EMPTY_SOURCE", `no readable page found from ${start}`);
  }
  return { kind: "site", name: startUrl.host, location: startUrl.toString(), documents, skipped };
}
