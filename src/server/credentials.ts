// The credential a request carries, read one way for authentication and for per-token rate limits: keyed on the
// raw header, "bearer x" and "Bearer  x" were three counters for one token.
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { AppError } from "../domain/errors.ts";

export const SESSION_COOKIE = "tandem_session";

const BEARER_RE = /^Bearer\s+(\S+)$/i;

/** The request's token (bearer header, else session cookie), undefined when it has none; a header that is no bearer is an error. */
export function requestToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return req.cookies?.[SESSION_COOKIE];
  const m = BEARER_RE.exec(header);
  if (!m) throw new AppError("UNAUTHENTICATED", "use Authorization: Bearer <token>");
  return m[1];
}

/**
 * A rate-limit key per token, or per address without one. Hashed: the limiter's store (Redis when scaled out) must
 * not hold live tokens.
 */
export function tokenRateKey(req: FastifyRequest): string {
  let token: string | undefined;
  try {
    token = requestToken(req);
  } catch {
    token = undefined; // refused by authentication anyway; counted against the address meanwhile
  }
  return token
    ? `token:${createHash("sha256").update(token).digest("base64url").slice(0, 22)}`
    : `ip:${req.ip}`;
}
