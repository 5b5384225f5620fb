// A small fetch wrapper for the browser apps: JSON in and out, and every failure as a coded ApiError so the UI
// can tell "the server said no" (4xx) from "the network or server is down" (status 0 / 5xx, worth retrying).

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
  }
  /** Network failures, 5xx, 408 and 429 are transient: the same request may succeed later. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
  /** Send cookies (the console's session); off for the widget, which runs on other sites. */
  credentials?: RequestCredentials;
}

export async function requestJson<T>(baseUrl: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(joinUrl(baseUrl, path), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: options.credentials ?? "same-origin",
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError("NETWORK_ERROR", (err as Error).message || "network error", 0);
  }
  const text = await res.text().catch(() => "");
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof e?.code === "string" ? e.code : `HTTP_${res.status}`;
    const message = typeof e?.message === "string" ? e.message : res.statusText || "request failed";
    throw new ApiError(code, message, res.status);
  }
  return data as T;
}

/** Joins a base URL ("https://x/", "https://x", "" for same origin) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** The WebSocket URL for an API path on the same host as `base` (http→ws, https→wss). */
export function wsUrl(base: string, path: string): string {
  const u = new URL(joinUrl(base, path), location.href);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  return u.toString();
}
