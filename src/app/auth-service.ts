// Who is calling: agents log in for a session token; each conversation has its own customer token.

import { AppError } from "../domain/errors.ts";
import type { Role, User } from "../domain/model.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";

export type Principal = { kind: "customer"; conversationId: string } | { kind: "user"; user: User };

export interface Crypto {
  newToken(prefix: "tk_a" | "tk_c"): string;
  hashToken(token: string): string;
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  dummyHash: string;
}

export interface AuthServiceDeps {
  store: Store;
  clock: Clock;
  crypto: Crypto;
  sessionTtlMs: number;
  conversationTokenTtlMs: number;
}

export const roleRank: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };

/**
 * How long a token lookup is cached. On the node that handles a logout revocation is immediate; another node
 * (several nodes share one database) may accept a revoked token for at most this long.
 */
export const AUTH_CACHE_MS = 5_000;

export function createAuthService({ store, clock, crypto, sessionTtlMs, conversationTokenTtlMs }: AuthServiceDeps) {
  // Token lookups happen on every request and socket; a short cache keeps them off the database without
  // delaying revocation by more than a few seconds.
  const cache = new Map<string, { principal: Principal; until: number }>();
  const CACHE_MS = AUTH_CACHE_MS;

  /** Drops every cached lookup for a subject: revocation covers all its tokens, not only the one presented. */
  function forgetSubject(kind: "agent" | "conversation", subjectId: string): void {
    for (const [k, v] of cache) {
      const p = v.principal;
      if (kind === "agent" ? p.kind === "user" && p.user.id === subjectId : p.kind === "customer" && p.conversationId === subjectId) cache.delete(k);
    }
  }

  return {
    async login(email: string, password: string): Promise<{ token: string; user: User; expiresAt: number }> {
      const found = await store.getUserAuth(email);
      const ok = await crypto.verifyPassword(password, found?.passwordHash ?? crypto.dummyHash);
      if (!found || !ok) throw new AppError("INVALID_CREDENTIALS", "wrong email or password");
      const token = crypto.newToken("tk_a");
      const expiresAt = clock.now() + sessionTtlMs;
      await store.insertToken({ hash: crypto.hashToken(token), kind: "agent", subjectId: found.user.id, expiresAt, revokedAt: null });
      return { token, user: found.user, expiresAt };
    },

    async logout(token: string): Promise<void> {
      const hash = crypto.hashToken(token);
      const t = await store.findToken(hash);
      cache.delete(hash);
      if (!t) return;
      await store.revokeTokens(t.kind, t.subjectId, clock.now());
      forgetSubject(t.kind, t.subjectId);
    },

    async issueConversationToken(conversationId: string): Promise<string> {
      const token = crypto.newToken("tk_c");
      await store.insertToken({
        hash: crypto.hashToken(token), kind: "conversation", subjectId: conversationId,
        expiresAt: clock.now() + conversationTokenTtlMs, revokedAt: null,
      });
      return token;
    },

    /** Resolves a bearer token; throws UNAUTHENTICATED / TOKEN_EXPIRED. */
    async authenticate(token: string | undefined | null): Promise<Principal> {
      if (!token || token.length > 200) throw new AppError("UNAUTHENTICATED", "a bearer token is required");
      const hash = crypto.hashToken(token);
      const now = clock.now();
      const hit = cache.get(hash);
      if (hit && hit.until > now) return hit.principal;
      const t = await store.findToken(hash);
      if (!t || t.revokedAt !== null) throw new AppError("UNAUTHENTICATED", "unknown or revoked token");
      if (t.expiresAt <= now) throw new AppError("TOKEN_EXPIRED", "the token has expired");
      let principal: Principal;
      if (t.kind === "conversation") {
        principal = { kind: "customer", conversationId: t.subjectId };
      } else {
        const user = await store.getUser(t.subjectId);
        if (!user) throw new AppError("UNAUTHENTICATED", "unknown token");
        principal = { kind: "user", user };
      }
      if (cache.size > 50_000) cache.clear();
      cache.set(hash, { principal, until: Math.min(now + CACHE_MS, t.expiresAt) });
      return principal;
    },

    /** Forget cached principals for a user (role change, presence change, logout everywhere). */
    invalidateUser(userId: string): void {
      for (const [k, v] of cache) if (v.principal.kind === "user" && v.principal.user.id === userId) cache.delete(k);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

export function requireRole(p: Principal, min: Role): User {
  if (p.kind !== "user") throw new AppError("FORBIDDEN", "agents only");
  if (roleRank[p.user.role] < roleRank[min]) throw new AppError("FORBIDDEN", `requires role ${min}`);
  return p.user;
}

/** A customer token reaches only its own conversation; agents reach any. */
export function requireConversationAccess(p: Principal, conversationId: string): void {
  if (p.kind === "customer" && p.conversationId !== conversationId) {
    throw new AppError("FORBIDDEN", "this token belongs to another conversation");
  }
}
