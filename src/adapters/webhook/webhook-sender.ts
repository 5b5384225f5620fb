// Outgoing webhooks so no handoff is lost: escalations, assignments and SLA breaches are POSTed as signed JSON
// and retried with exponential backoff and jitter on network errors, 5xx, 408 and 429, up to a limit.

import { randomUUID } from "node:crypto";
import { z } from "zod";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";

export const WEBHOOK_EVENT_TYPES = [
  "conversation.escalated",
  "conversation.reprioritised",
  "conversation.assigned",
  "conversation.resolved",
  "sla.warning",
  "sla.breached",
  "digest.weekly",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  /** Unique per event; receivers deduplicate on it (retries reuse it). */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  /** Total attempts including the first (default 6). */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** Ceiling for one backoff, also for a receiver's Retry-After (default 60 s). */
  maxDelayMs?: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Returns [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
}

export type WebhookErrorCode = "WEBHOOK_REJECTED" | "WEBHOOK_GAVE_UP" | "WEBHOOK_CONFIG_INVALID";

export interface AttemptRecord {
  attempt: number;
  status: number | null;
  error: string | null;
  /** Backoff waited after this attempt (0 for the last). */
  delayMs: number;
}

export type DeliveryResult =
  | { ok: true; status: number; attempts: AttemptRecord[] }
  | { ok: false; error: { code: WebhookErrorCode; message: string }; attempts: AttemptRecord[] };

export interface WebhookSender {
  send(event: WebhookEvent): Promise<DeliveryResult>;
}

export class WebhookConfigError extends Error {
  readonly code = "WEBHOOK_CONFIG_INVALID" as const;
}

const optionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16, "use a secret of at least 16 characters"),
  maxAttempts: z.number().int().min(1).max(20).optional(),
  baseDelayMs: z.number().int().min(0).optional(),
  maxDelayMs: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().min(1).optional(),
});

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a response status is worth retrying: the receiver is down, overloaded or timed out. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** Backoff with "equal jitter": half fixed, half random, so retries spread out but never collapse to zero. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function newWebhookEvent(
  type: WebhookEventType,
  data: Record<string, unknown>,
  now = Date.now(),
): WebhookEvent {
  return { id: `evt_${randomUUID()}`, type, createdAt: new Date(now).toISOString(), data };
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookConfigError(`webhook ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  return {
    async send(event) {
      const body = JSON.stringify(event);
      const attempts: AttemptRecord[] = [];
      let lastProblem = "";
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        let status: number | null = null;
        let error: string | null = null;
        let retryAfter: number | null = null;
        try {
          // Signed per attempt, so a late retry still passes the receiver's timestamp tolerance.
          const res = await doFetch(options.url, {
            method: "POST",
            body,
            headers: {
              "Content-Type": "application/json",
              "User-Agent": "Tandem-Webhook/1",
              "X-Tandem-Event": event.type,
              "X-Tandem-Delivery": event.id,
              "X-Tandem-Attempt": String(attempt),
              [SIGNATURE_HEADER]: signatureHeader(body, options.secret, Math.floor(now() / 1000)),
            },
            signal: AbortSignal.timeout(timeoutMs),
            redirect: "manual",
          });
          status = res.status;
          retryAfter = retryAfterMs(res.headers.get("retry-after"), now());
          await res.body?.cancel(); // the body is not used; free the socket
        } catch (e) {
          error =
            e instanceof Error
              ? e.name === "TimeoutError"
                ? `timeout after ${timeoutMs} ms`
                : e.message
              : String(e);
        }
        const record: AttemptRecord = { attempt, status, error, delayMs: 0 };
        attempts.push(record);
        if (status !== null && status >= 200 && status < 300) return { ok: true, status, attempts };
        if (status !== null && !isRetryableStatus(status)) {
          return {
            ok: false,
            error: { code: "WEBHOOK_REJECTED", message: `receiver answered ${status}; not retried` },
            attempts,
          };
        }
        lastProblem = status !== null ? `HTTP ${status}` : (error ?? "unknown error");
        if (attempt < maxAttempts) {
          const backoff = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
          record.delayMs = Math.min(maxDelayMs, Math.max(backoff, retryAfter ?? 0));
          await sleep(record.delayMs);
        }
      }
      return {
        ok: false,
        error: {
          code: "WEBHOOK_GAVE_UP",
          message: `gave up after ${maxAttempts} attempts; last: ${lastProblem}`,
        },
        attempts,
      };
    },
  };
}
