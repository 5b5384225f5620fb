// Webhook signatures: HMAC-SHA256 over `${t}.${body}`, sent as `X-Tandem-Signature: t=<unix>,v1=<hex>`.
// The timestamp inside the signed text lets receivers reject replays; verification is constant-time.

import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Tandem-Signature";

export function computeSignature(body: string, secret: string, unixSeconds: number): string {
  return createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
}

export function signatureHeader(body: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${computeSignature(body, secret, unixSeconds)}`;
}

export type VerifyFailure = "MALFORMED_SIGNATURE" | "TIMESTAMP_OUT_OF_TOLERANCE" | "SIGNATURE_MISMATCH";

/**
 * Checks a received signature header against the raw body. Accepts several v1 values (sent while a secret is
 * being rotated). `toleranceSeconds` bounds how old (or how far in the future) the timestamp may be.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): { ok: true } | { ok: false; code: VerifyFailure } {
  if (!header) return { ok: false, code: "MALFORMED_SIGNATURE" };
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d+$/.test(v)) t = Number(v);
    else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (t === null || v1.length === 0) return { ok: false, code: "MALFORMED_SIGNATURE" };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300))
    return { ok: false, code: "TIMESTAMP_OUT_OF_TOLERANCE" };
  const expected = Buffer.from(computeSignature(body, secret, t), "hex");
  const match = v1.some((sig) => timingSafeEqual(Buffer.from(sig, "hex"), expected));
  return match ? { ok: true } : { ok: false, code: "SIGNATURE_MISMATCH" };
}
