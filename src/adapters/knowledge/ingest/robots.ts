// robots.txt rules per origin, fetched once and consulted before every request ingestion makes (start URL, every
// link and every redirect hop), so neither a redirect nor a single-page fetch can reach a disallowed path.
//
// What an unreadable robots.txt means follows RFC 9309 section 2.3.1: "unavailable" (a 4xx, or too many redirects)
// allows everything, "unreachable" (a 5xx, a network error, a timeout) disallows everything, because a server in
// trouble may be hiding rules it would otherwise serve.

import robotsParserModule from "robots-parser";
import { CRAWLER_USER_AGENT, type FetchDocumentOptions, fetchDocument } from "./fetch-document.ts";
import { IngestError, type IngestErrorCode } from "./types.ts";

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
// robots-parser is CommonJS with an ambient declaration that TypeScript's nodenext mode reads as a namespace.
const robotsParser = robotsParserModule as unknown as (url: string, body: string) => Robots;

/** RFC 9309 asks crawlers to read at least 500 KiB of robots.txt; anything past 512 KiB is ignored. */
export const MAX_ROBOTS_BYTES = 512 * 1024;

export interface RobotsOptions {
  fetch?: typeof fetch;
  userAgent?: string;
  timeoutMs?: number;
}

/** What robots.txt says for an origin: its rules, no rules (allow all), or unreachable (disallow all). */
type Verdict =
  | { kind: "rules"; robots: Robots }
  | { kind: "allow-all" }
  | { kind: "disallow-all"; code: IngestErrorCode; why: string };

export class RobotsRules {
  readonly #options: RobotsOptions;
  readonly #byOrigin = new Map<string, Promise<Verdict>>();

  constructor(options: RobotsOptions = {}) {
    this.#options = options;
  }

  /** Whether the user agent may fetch `url` under its origin's robots.txt. */
  async allows(url: URL | string): Promise<boolean> {
    return (await this.#check(new URL(url))) === null;
  }

  /**
   * Throws KB_ROBOTS_DISALLOWED when robots.txt disallows `url` or answered a server error, and the fetch's own code
   * (KB_FETCH_FAILED, KB_FETCH_TIMEOUT, KB_URL_FORBIDDEN) when it could not be fetched at all; `via` names the URL
   * whose redirect led there.
   */
  async assertAllowed(url: URL | string, via?: string): Promise<void> {
    const refusal = await this.#check(new URL(url));
    if (refusal === null) return;
    const how = via && via !== url.toString() ? ` (redirected from ${via})` : "";
    throw new IngestError(refusal.code, `${refusal.message}${how}`);
  }

  /** Null when allowed, otherwise why not. */
  async #check(u: URL): Promise<{ code: IngestErrorCode; message: string } | null> {
    let verdict = this.#byOrigin.get(u.origin);
    if (!verdict) {
      verdict = this.#load(u.origin);
      this.#byOrigin.set(u.origin, verdict);
    }
    const v = await verdict;
    const ua = this.#options.userAgent ?? CRAWLER_USER_AGENT;
    if (v.kind === "allow-all") return null;
    if (v.kind === "disallow-all")
      return {
        code: v.code,
        message: `${v.why}, so everything on ${u.origin} is treated as disallowed (RFC 9309); not fetching ${u}`,
      };
    return v.robots.isAllowed(u.toString(), ua) === false
      ? { code: "KB_ROBOTS_DISALLOWED", message: `robots.txt disallows ${ua} from ${u}` }
      : null;
  }

  async #load(origin: string): Promise<Verdict> {
    const robotsUrl = `${origin}/robots.txt`;
    const options: FetchDocumentOptions = {
      maxBytes: MAX_ROBOTS_BYTES,
      truncate: true,
      accept: "text/plain,*/*;q=0.5",
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(this.#options.userAgent ? { userAgent: this.#options.userAgent } : {}),
      ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
    };
    let status: number;
    let bytes: Uint8Array;
    try {
      ({ status, bytes } = await fetchDocument(robotsUrl, options));
    } catch (e) {
      // A refused destination (KB_URL_FORBIDDEN) keeps its own code: the admin must see why, not "robots.txt".
      if (e instanceof IngestError && e.code === "KB_URL_FORBIDDEN") throw e;
      // RFC 9309 lets a crawler treat more than five redirects as "unavailable", like a 4xx.
      if (e instanceof IngestError && e.code === "KB_TOO_MANY_REDIRECTS") return { kind: "allow-all" };
      // The site itself is down or too slow: said with the fetch's own code (KB_FETCH_FAILED, KB_FETCH_TIMEOUT), so
      // an admin is told the site is unreachable rather than that it forbids crawling.
      const code = e instanceof IngestError ? e.code : "KB_FETCH_FAILED";
      return { kind: "disallow-all", code, why: `${robotsUrl} could not be read (${(e as Error).message})` };
    }
    if (status >= 200 && status < 300)
      return { kind: "rules", robots: robotsParser(robotsUrl, new TextDecoder().decode(bytes)) };
    // 429 is a 4xx, but it says the server is overloaded, not that there are no rules: treated as unreachable, as
    // Google's crawler documents doing, rather than taken as leave to crawl a struggling site.
    if (status >= 500 || status === 429)
      return { kind: "disallow-all", code: "KB_ROBOTS_DISALLOWED", why: `${robotsUrl} answered ${status}` };
    // 4xx (no robots.txt, or not for us to read), and anything else that is not a server error: no rules.
    return { kind: "allow-all" };
  }
}
