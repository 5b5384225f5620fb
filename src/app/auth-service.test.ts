// Who is calling: sessions, conversation tokens, expiry on a controllable clock, revocation and role checks.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../test/support/tandem.ts";
import { loadConfig } from "../config.ts";
import { AppError } from "../domain/errors.ts";
import type { User } from "../domain/model.ts";
import { cryptoAdapter, openStore } from "../main.ts";
import type { Store } from "../ports/store.ts";
import { createAuthService, requireConversationAccess, requireRole } from "./auth-service.ts";
import { createUserService } from "./user-service.ts";

const HOUR = 3_600_000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("auth service", () => {
  const clock = manualClock();
  let store: Store;
  let auth: ReturnType<typeof createAuthService>;
  let agent: User;

  beforeAll(async () => {
    store = await openStore(loadConfig({ DATABASE_URL: "sqlite::memory:" }));
    auth = createAuthService({
      store,
      clock,
      crypto: cryptoAdapter,
      sessionTtlMs: 12 * HOUR,
      conversationTokenTtlMs: 30 * 24 * HOUR,
    });
    agent = await createUserService({ store, crypto: cryptoAdapter }).create({
      email: "Ana@Example.test",
      password: "correct-horse",
      displayName: "Ana",
      role: "agent",
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("logs an agent in and resolves the session token to that user", async () => {
    const { token, user, expiresAt } = await auth.login("Ana@Example.test", "correct-horse");
    expect(token).toMatch(/^tk_a_[A-Za-z0-9_-]{43}$/);
    expect(user.id).toBe(agent.id);
    expect(expiresAt).toBe(clock.now() + 12 * HOUR);
    expect(await auth.authenticate(token)).toEqual({
      kind: "user",
      user: expect.objectContaining({ id: agent.id }),
    });
  });

  it("matches the email whatever its letter case", async () => {
    expect((await auth.login("ana@example.TEST", "correct-horse")).user.id).toBe(agent.id);
  });

  it("stores only a hash of each token", async () => {
    const { token } = await auth.login("Ana@Example.test", "correct-horse");
    expect(await store.findToken(token)).toBeNull();
    expect(await store.findToken(cryptoAdapter.hashToken(token))).toMatchObject({
      kind: "agent",
      subjectId: agent.id,
    });
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await codeOf(auth.login("Ana@Example.test", "wrong-horse"))).toBe("INVALID_CREDENTIALS");
    expect(await codeOf(auth.login("nobody@example.test", "correct-horse"))).toBe("INVALID_CREDENTIALS");
  });

  it("refuses a missing, unknown or oversized token as UNAUTHENTICATED", async () => {
    for (const token of [undefined, null, "", "tk_a_unknown", `tk_a_${"x".repeat(300)}`]) {
      expect(await codeOf(auth.authenticate(token))).toBe("UNAUTHENTICATED");
    }
  });

  it("issues conversation tokens that reach only their conversation", async () => {
    const token = await auth.issueConversationToken("conv-1");
    const p = await auth.authenticate(token);
    expect(p).toEqual({ kind: "customer", conversationId: "conv-1" });
    expect(() => requireConversationAccess(p, "conv-1")).not.toThrow();
    expect(() => requireConversationAccess(p, "conv-2")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(() => requireRole(p, "agent")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("expires a token at its deadline even when it was cached a moment before", async () => {
    const token = await auth.issueConversationToken("conv-exp");
    clock.advance(30 * 24 * HOUR - 1000);
    await auth.authenticate(token); // cached now, within a second of expiry
    clock.advance(1000);
    expect(await codeOf(auth.authenticate(token))).toBe("TOKEN_EXPIRED");
  });

  it("revokes a session on logout, past the lookup cache", async () => {
    const { token } = await auth.login("Ana@Example.test", "correct-horse");
    await auth.authenticate(token); // cached
    await auth.logout(token);
    expect(await codeOf(auth.authenticate(token))).toBe("UNAUTHENTICATED");
  });

  it("ranks roles: admin ⊃ supervisor ⊃ agent", () => {
    const as = (role: User["role"]) => ({ kind: "user" as const, user: { ...agent, role } });
    expect(requireRole(as("agent"), "agent").role).toBe("agent");
    expect(() => requireRole(as("agent"), "supervisor")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(requireRole(as("supervisor"), "supervisor").role).toBe("supervisor");
    expect(() => requireRole(as("supervisor"), "admin")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(requireRole(as("admin"), "agent").role).toBe("admin");
  });

  it("lets any agent token reach any conversation", async () => {
    const { token } = await auth.login("Ana@Example.test", "correct-horse");
    const p = await auth.authenticate(token);
    expect(() => requireConversationAccess(p, "any-conversation")).not.toThrow();
  });
});
