// Builds a real Tandem (real database, real server) for tests, with demo-like agents and small helpers.

import type { FastifyInstance } from "fastify";
import { loadConfig } from "../../src/config.ts";
import { buildTandem, type Tandem, type TandemOverrides } from "../../src/main.ts";
import { createCustomerIdentitySigner } from "../../src/server/customer-identity.ts";

/** The identity secret every test Tandem shares with its "host site": see signedCustomer. */
export const TEST_IDENTITY_SECRET = "test-identity-secret-0123456789abcdef";

/** A customer as a host site that signed them in sends them: externalId and email vouched for by identityHash. */
export function signedCustomer(c: { externalId: string; email?: string; name?: string; locale?: string }) {
  return {
    ...c,
    identityHash: createCustomerIdentitySigner(TEST_IDENTITY_SECRET).sign(c.externalId, c.email),
  };
}

export async function startTandem(
  env: Record<string, string> = {},
  overrides: TandemOverrides = {},
): Promise<Tandem> {
  const config = loadConfig({
    DATABASE_URL: "sqlite::memory:",
    LOG_LEVEL: "silent",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "100000",
    RATE_LIMIT_LOGIN_PER_MINUTE: "1000",
    CUSTOMER_IDENTITY_SECRET: TEST_IDENTITY_SECRET,
    ...env,
  });
  return buildTandem(config, { logger: false, ...overrides });
}

export async function newConversation(app: FastifyInstance, customer: Record<string, string> = {}) {
  const res = await app.inject({ method: "POST", url: "/api/v1/conversations", payload: { customer } });
  if (res.statusCode !== 201) throw new Error(`create conversation: ${res.statusCode} ${res.body}`);
  const body = res.json() as { conversation: { id: string; status: string }; token: string };
  return { id: body.conversation.id, token: body.token, conversation: body.conversation };
}

export async function addAgent(
  t: Tandem,
  email: string,
  opts: { role?: "agent" | "supervisor" | "admin"; tier?: 1 | 2 | 3; name?: string; capacity?: number } = {},
) {
  const password = "correct-horse-battery";
  await t.users.create({
    email,
    password,
    displayName: opts.name ?? email.split("@")[0] ?? "Agent",
    role: opts.role ?? "agent",
    tier: opts.tier ?? 1,
    ...(opts.capacity !== undefined ? { capacity: opts.capacity } : {}),
  });
  const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  const body = res.json() as { token: string; user: { id: string; displayName: string } };
  return { token: body.token, user: body.user, password };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A clock the test moves by hand (token expiry, SLA timers). */
export function manualClock(start = Date.parse("2026-03-02T09:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A promise with its resolve exposed: lets a test hold a responder or a bus publish until it says so. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function postMessage(
  app: FastifyInstance,
  id: string,
  token: string,
  body: Record<string, unknown>,
) {
  return app.inject({
    method: "POST",
    url: `/api/v1/conversations/${id}/messages`,
    headers: bearer(token),
    payload: body,
  });
}

/** Everything stored about a conversation, read straight from the store: compared before and after a refused request. */
export async function storedState(t: Tandem, id: string) {
  const [conversation, messages, events] = await Promise.all([
    t.store.getConversation(id),
    t.store.listMessages(id, { includeInternal: true, limit: 10_000 }),
    t.store.listEvents(id),
  ]);
  return { conversation, messages, events };
}
