// One bounded HTTP fetch for ingestion: redirects followed by hand so every hop can be vetted (robots.txt, scope,
// private addresses) before it is requested, a byte cap enforced while streaming, and one deadline for the whole
// exchange (every hop and the full body), so a hostile or broken server cannot make `kb add` hang or eat memory.

import { IngestError } from "./types.ts";

/** Cap for HTML, text, CSV and JSON bodies: far above any real help page, far below what hurts a server. */
export const MAX_TEXT_BYTES = 10 * 1024 * 1024;
/** Cap for PDF bodies: manuals with images are large, but 50 MB still parses in seconds. */
export const MAX_PDF_BYTES = 50 * 1024 * 1024;
/** Cap for sitemaps: the sitemaps.org protocol limits a sitemap file to 50 MB uncompressed. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;
/** One deadline per fetch, covering connection, every redirect hop and the whole body. */
export const FETCH_DEADLINE_MS = 10_000;
/** Redirect hops followed before giving up (browsers allow 20; real sites need one or two). */
export const MAX_REDIRECTS = 5;

export const CRAWLER_USER_AGENT = "TandemBot";

export interface FetchedDocument {
  /** The URL first asked for. */
  requestedUrl: string;
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  /** The Content-Type header as sent ("" when absent). */
  contentType: string;
  bytes: Uint8Array;
}

export interface FetchDocumentOptions {
  fetch?: typeof fetch;
  userAgent?: string;
  accept?: string;
  /** Deadline for the whole fetch (default FETCH_DEADLINE_MS). */
  timeoutMs?: number;
  /** Byte cap chosen from the response's content type (default: PDF → MAX_PDF_BYTES, else MAX_TEXT_BYTES). */
  maxBytes?: number | ((contentType: string) => number);
  /** Keep the first maxBytes and stop, instead of failing (robots.txt: parse what fits, as RFC 9309 allows). */
  truncate?: boolean;
  /**
   * Vets each URL before it is requested: the first one and every redirect target. Throw an IngestError to refuse;
   * nothing is sent to a refused URL.
   */
  beforeRequest?: (url: URL, hop: number) => void | Promise<void>;
}

/** The media type of a Content-Type header, lower-cased, without parameters ("text/html; charset=x" → "text/html"). */
export const mediaType = (contentType: string): string =>
  (contentType.split(";")[0] ?? "").trim().toLowerCase();

export const isPdfType = (contentType: string): boolean =>
  /^application\/(x-)?pdf$/.test(mediaType(contentType));

const defaultCap = (contentType: string): number => (isPdfType(contentType) ? MAX_PDF_BYTES : MAX_TEXT_BYTES);

const megabytes = (n: number): string => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;

/**
 * Fetches a URL within the limits above. Fails with KB_FETCH_TIMEOUT, KB_TOO_LARGE, KB_TOO_MANY_REDIRECTS or
 * KB_FETCH_FAILED, or with whatever beforeRequest (or an injected fetch such as guardedFetch) throws. HTTP error
 * statuses are returned, not thrown: the caller decides whether a 404 is fatal or a skipped page.
 */
export async function fetchDocument(
  target: string | URL,
  options: FetchDocumentOptions = {},
): Promise<FetchedDocument> {
  const base = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? FETCH_DEADLINE_MS;
  const requestedUrl = target.toString();
  let url: URL;
  try {
    url = new URL(requestedUrl);
  } catch {
    throw new IngestError("KB_BAD_OPTIONS", `not a URL: ${requestedUrl}`);
  }
  const controller = new AbortController();
  const timeout = new IngestError(
    "KB_FETCH_TIMEOUT",
    `${requestedUrl} did not finish within ${timeoutMs / 1000} s`,
  );
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  // A deadline hit while the code awaits something other than fetch (a robots.txt lookup in beforeRequest) is
  // reported the same way.
  const rethrow = (e: unknown): never => {
    if (controller.signal.aborted) throw timeout;
    if (e instanceof IngestError) throw e;
    throw new IngestError("KB_FETCH_FAILED", `could not fetch ${url}: ${(e as Error).message}`);
  };
  try {
    const visited = new Set<string>();
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new IngestError(
          "KB_FETCH_FAILED",
          `${requestedUrl} redirects to an unsupported scheme (${url.protocol})`,
        );
      visited.add(url.toString());
      await options.beforeRequest?.(url, hop);
      if (controller.signal.aborted) throw timeout;
      const res = await base(url, {
        headers: {
          "user-agent": `${options.userAgent ?? CRAWLER_USER_AGENT}/1.0`,
          accept:
            options.accept ?? "text/html,application/xhtml+xml,application/pdf;q=0.9,text/*;q=0.8,*/*;q=0.5",
        },
        // Manual, so beforeRequest sees each target before anything is sent to it.
        redirect: "manual",
        signal: controller.signal,
      });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
      if (location === null) {
        const contentType = res.headers.get("content-type") ?? "";
        const cap =
          typeof options.maxBytes === "function"
            ? options.maxBytes(contentType)
            : (options.maxBytes ?? defaultCap(contentType));
        const bytes = await readCapped(res, cap, options.truncate === true, url);
        return { requestedUrl, url: url.toString(), status: res.status, contentType, bytes };
      }
      await res.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new IngestError(
          "KB_FETCH_FAILED",
          `${url} redirects to an invalid location ${JSON.stringify(location)}`,
        );
      }
      next.hash = "";
      if (visited.has(next.toString()))
        throw new IngestError("KB_TOO_MANY_REDIRECTS", `redirect loop from ${requestedUrl} back to ${next}`);
      if (hop + 1 > MAX_REDIRECTS)
        throw new IngestError(
          "KB_TOO_MANY_REDIRECTS",
          `more than ${MAX_REDIRECTS} redirects from ${requestedUrl}`,
        );
      url = next;
    }
  } catch (e) {
    return rethrow(e);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads a body up to `cap` bytes. A declared Content-Length over the cap fails before reading; otherwise the
 * stream is counted as it arrives (after decompression, so a gzip bomb is caught too) and cancelled at the cap.
 */
async function readCapped(res: Response, cap: number, truncate: boolean, url: URL): Promise<Uint8Array> {
  const tooLarge = () =>
    new IngestError("KB_TOO_LARGE", `${url} is larger than the ${megabytes(cap)} limit for its type`);
  // With compression the header gives the compressed size, which the decompressed body can only exceed.
  const declared = Number(res.headers.get("content-length"));
  if (!truncate && Number.isFinite(declared) && declared > cap) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > cap) {
      await reader.cancel().catch(() => undefined);
      if (!truncate) throw tooLarge();
      parts.push(value.subarray(0, cap - total));
      total = cap;
      break;
    }
    parts.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
