import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { signatureHeader, verifySignature } from "./signature.ts";
import {
  backoffDelay,
  createWebhookSender,
  newWebhookEvent,
  WebhookConfigError,
  type WebhookEvent,
} from "./webhook-sender.ts";

const SECRET = "whsec_test_0123456789abcdef";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  verified: boolean;
}

/** A real HTTP receiver that verifies each signature and answers with the scripted statuses in turn. */
async function receiver(script: Array<number | { status: number; headers?: Record<string, string> }>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const sig = req.headers["x-tandem-signature"];
      const verified = verifySignature(typeof sig === "string" ? sig : undefined, body, SECRET).ok;
      received.push({ headers: req.headers, body, verified });
      const step = script[Math.min(received.length - 1, script.length - 1)] ?? 200;
      const { status, headers } = typeof step === "number" ? { status: step, headers: {} } : step;
      res.writeHead(verified ? status : 401, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const event: WebhookEvent = {
  id: "evt_1",
  type: "conversation.escalated",
  createdAt: "2026-03-04T10:00:00.000Z",
  data: { conversationId: "conv-1", tier: 2, reasons: ["frustration"] },
};

function sender(url: string, over: Partial<Parameters<typeof createWebhookSender>[0]> = {}) {
  const sleeps: number[] = [];
  const s = createWebhookSender({
    url,
    secret: SECRET,
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...over,
  });
  return { s, sleeps };
}

describe("webhook sender", () => {
  it("delivers signed JSON that the receiver verifies", async () => {
    const r = await receiver([200]);
    const { s } = sender(r.url);
    const result = await s.send(event);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.verified).toBe(true);
    expect(JSON.parse(r.received[0]?.body ?? "")).toEqual(event);
    expect(r.received[0]?.headers).toMatchObject({
      "content-type": "application/json",
      "x-tandem-event": "conversation.escalated",
      "x-tandem-delivery": "evt_1",
    });
  });

  it("retries 5xx and 429 with growing, jittered backoff until the receiver accepts", async () => {
    const r = await receiver([503, 500, 429, 200]);
    const { s, sleeps } = sender(r.url);
    const result = await s.send(event);
    expect(result.ok).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([503, 500, 429, 200]);
    // equal jitter at random()=0.5: 3/4 of 100, 200, 400
    expect(sleeps).toEqual([75, 150, 300]);
    expect(r.received.every((x) => x.verified)).toBe(true);
    expect(r.received.map((x) => x.headers["x-tandem-attempt"])).toEqual(["1", "2", "3", "4"]);
    // The same event id on every attempt, so the receiver can deduplicate.
    expect(new Set(r.received.map((x) => x.headers["x-tandem-delivery"]))).toEqual(new Set(["evt_1"]));
  });

  it("honours Retry-After within the ceiling", async () => {
    const r = await receiver([{ status: 429, headers: { "Retry-After": "2" } }, 200]);
    const { s, sleeps } = sender(r.url);
    expect((await s.send(event)).ok).toBe(true);
    expect(sleeps).toEqual([2_000]);
  });

  it("gives up after the configured number of attempts with a coded error", async () => {
    const r = await receiver([502]);
    const { s, sleeps } = sender(r.url, { maxAttempts: 3 });
    const result = await s.send(event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("WEBHOOK_GAVE_UP");
      expect(result.error.message).toContain("HTTP 502");
    }
    expect(r.received).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("does not retry a receiver that rejects the request", async () => {
    const r = await receiver([400]);
    const { s, sleeps } = sender(r.url);
    const result = await s.send(event);
    expect(result).toMatchObject({ ok: false, error: { code: "WEBHOOK_REJECTED" } });
    expect(r.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("retries network errors (nothing listening) and reports them", async () => {
    const r = await receiver([200]);
    const url = r.url;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const { s, sleeps } = sender(url, { maxAttempts: 2 });
    const result = await s.send(event);
    expect(result.ok).toBe(false);
    expect(result.attempts.every((a) => a.status === null && a.error)).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it("times out a receiver that hangs", async () => {
    const server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const { s } = sender(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      maxAttempts: 1,
      timeoutMs: 150,
    });
    const result = await s.send(event);
    server.closeAllConnections();
    expect(result.ok).toBe(false);
    expect(result.attempts[0]?.error).toContain("timeout after 150 ms");
  });

  it("refuses a bad URL or a short secret at construction", () => {
    expect(() => createWebhookSender({ url: "ftp://x", secret: SECRET })).toThrow(WebhookConfigError);
    expect(() => createWebhookSender({ url: "https://example.com", secret: "short" })).toThrow(
      /16 characters/,
    );
  });

  it("builds events with unique ids", () => {
    const a = newWebhookEvent("sla.breached", { conversationId: "c" }, 0);
    const b = newWebhookEvent("sla.breached", { conversationId: "c" }, 0);
    expect(a.id).not.toBe(b.id);
    expect(a.createdAt).toBe("1970-01-01T00:00:00.000Z");
  });
});

describe("signatures", () => {
  const body = '{"a":1}';
  const t = 1_772_600_000;

  it("verifies its own signature and rejects tampering, stale timestamps and garbage", () => {
    const header = signatureHeader(body, SECRET, t);
    expect(header).toMatch(/^t=1772600000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, SECRET, { nowSeconds: t + 10 })).toEqual({ ok: true });
    expect(verifySignature(header, '{"a":2}', SECRET, { nowSeconds: t })).toEqual({
      ok: false,
      code: "SIGNATURE_MISMATCH",
    });
    expect(verifySignature(header, body, "another-secret-0123456", { nowSeconds: t })).toEqual({
      ok: false,
      code: "SIGNATURE_MISMATCH",
    });
    expect(verifySignature(header, body, SECRET, { nowSeconds: t + 301 })).toEqual({
      ok: false,
      code: "TIMESTAMP_OUT_OF_TOLERANCE",
    });
    expect(verifySignature("v1=abc", body, SECRET)).toEqual({ ok: false, code: "MALFORMED_SIGNATURE" });
    expect(verifySignature(undefined, body, SECRET)).toEqual({ ok: false, code: "MALFORMED_SIGNATURE" });
  });

  it("accepts any of several signatures during secret rotation", () => {
    const header = `${signatureHeader(body, "old-secret-0123456789", t)},v1=${signatureHeader(body, SECRET, t).split("v1=")[1]}`;
    expect(verifySignature(header, body, SECRET, { nowSeconds: t })).toEqual({ ok: true });
  });

  it("keeps backoff within bounds for any jitter", () => {
    for (const r of [0, 0.3, 0.999]) {
      for (let attempt = 1; attempt < 12; attempt++) {
        const d = backoffDelay(attempt, 500, 60_000, () => r);
        const cap = Math.min(60_000, 500 * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });
});
