// robots.txt rules per origin, fetched once and consulted before every request ingestion makes (start URL, every
// link and every redirect hop), so neither a redirect nor a single-page fetch can reach a disallowed path.

import robotsParserModule from "robots-parser";
import { CRAWLER_USER_AGENT, type FetchDocumentOptions, fetchDocument } from "./fetch-document.ts";
import { IngestError } from "./types.ts";

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

export class RobotsRules {
  readonly #options: RobotsOptions;
  readonly #byOrigin = new Map<string, Promise<Robots | null>>();

  constructor(options: RobotsOptions = {}) {
    this.#options = options;
  }

  /** Whether the user agent may fetch `url` under its origin's robots.txt. */
  async allows(url: URL | string): Promise<boolean> {
    const u = new URL(url);
    let rules = this.#byOrigin.get(u.origin);
    if (!rules) {
      rules = this.#load(u.origin);
      this.#byOrigin.set(u.origin, rules);
    }
    const robots = await rules;
    return robots
      ? robots.isAllowed(u.toString(), this.#options.userAgent ?? CRAWLER_USER_AGENT) !== false
      : true;
  }

  /** Throws KB_ROBOTS_DISALLOWED when robots.txt disallows `url`; `via` names the URL whose redirect led there. */
  async assertAllowed(url: URL | string, via?: string): Promise<void> {
    if (await this.allows(url)) return;
    const ua = this.#options.userAgent ?? CRAWLER_USER_AGENT;
    const how = via && via !== url.toString() ? ` (redirected from ${via})` : "";
    throw new IngestError("KB_ROBOTS_DISALLOWED", `robots.txt disallows ${ua} from ${url}${how}`);
  }

  async #load(origin: string): Promise<Robots | null> {
    const robotsUrl = `${origin}/robots.txt`;
    const options: FetchDocumentOptions = {
      maxBytes: MAX_ROBOTS_BYTES,
      truncate: true,
      accept: "text/plain,*/*;q=0.5",
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(this.#options.userAgent ? { userAgent: this.#options.userAgent } : {}),
      ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
    };
    try {
      const r = await fetchDocument(robotsUrl, options);
      if (r.status >= 200 && r.status < 300)
        return robotsParser(robotsUrl, new TextDecoder().decode(r.bytes));
    } catch {
      // No robots.txt reachable: everything is allowed, as the long-standing convention says. A refused
      // destination (KB_URL_FORBIDDEN) is refused again, with its own code, when the page itself is requested.
    }
    return null;
  }
}
