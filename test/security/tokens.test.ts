// Token lifetime on a controllable clock: expiry at the deadline, revocation on logout (every session of the
// user, at once on this node and within the documented cache bound on another), for HTTP and streams alike.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AUTH_CACHE_MS } from "../../src/app/auth-service.ts";
import type { Tandem } from "../../src/main.ts";
import {
  addAgent,
  bearer,
  manualClock,
  newConversation,
  postMessage,
  startTandem,
} from "../support/tandem.ts";
import { openStream } from "../support/ws-client.ts";
import { expectErrorBody, listen } from "./fixtures.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const clock = manualClock();
const t = await startTandem(
  { SESSION_TTL_HOURS: "8", CONVERSATION_TOKEN_TTL_DAYS: "7" },
  { triage: null, clock },
);
afterAll(() => t.close());
const base = await listen(t);

const me = (token: string, headers: Record<string, string> = bearer(token)) =>
  t.app.inject({ method: "GET", url: "/api/v1/me", headers });
const readConversation = (id: string, token: string) =>
  t.app.inject({ method: "GET", url: `/api/v1/conversations/${id}`, headers: bearer(token) });
const logout = (token: string) =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(token) });
let n = 0;
const newAgent = () => addAgent(t, `tokens-${++n}@example.test`);

describe("expiry", () => {
  it("accepts a customer token until its deadline and answers TOKEN_EXPIRED from then on, on every route", async () => {
    const c = await newConversation(t.app);
    clock.advance(7 * DAY - 1);
    expect((await readConversation(c.id, c.token)).statusCode).toBe(200); // also caches the lookup
    clock.advance(1);
    const calls = [
      await readConversation(c.id, c.token),
      await t.app.inject({
        method: "GET",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: bearer(c.token),
      }),
      await postMessage(t.app, c.id, c.token, { clientMessageId: "late", text: "still there?" }),
      await t.app.inject({
        method: "POST",
        url: `/api/v1/conversations/${c.id}/escalate`,
        headers: bearer(c.token),
      }),
    ];
    for (const res of calls) {
      expect(res.statusCode).toBe(401);
      expectErrorBody(res, "TOKEN_EXPIRED");
    }
    expect(await t.store.listMessages(c.id, {})).toEqual([]);
  });

  it("refuses an expired customer token on the stream with 4401 TOKEN_EXPIRED", async () => {
    const c = await newConversation(t.app);
    clock.advance(7 * DAY);
    const stream = await openStream(`${base}/api/v1/stream?token=${c.token}`);
    expect((await stream.closed).code).toBe(4401);
    expect(stream.events).toEqual([
      { type: "error", error: { code: "TOKEN_EXPIRED", message: expect.any(String) } },
    ]);
  });

  it("expires an agent session after SESSION_TTL_HOURS, by bearer and by cookie, and on the agent stream", async () => {
    const a = await newAgent();
    clock.advance(8 * HOUR - 1);
    expect((await me(a.token)).statusCode).toBe(200);
    clock.advance(1);
    expectErrorBody(await me(a.token), "TOKEN_EXPIRED");
    const byCookie = await me(a.token, { cookie: `tandem_session=${a.token}` });
    expect(byCookie.statusCode).toBe(401);
    expectErrorBody(byCookie, "TOKEN_EXPIRED");
    const stream = await openStream(`${base}/api/v1/agent/stream?token=${a.token}`);
    expect((await stream.closed).code).toBe(4401);
  });

  it("gives the session cookie the session's expiry", async () => {
    const a = await newAgent();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: `tokens-${n}@example.test`, password: a.password },
    });
    const cookie = res.cookies.find((k) => k.name === "tandem_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    expect(cookie?.expires?.getTime()).toBe(Math.floor((clock.now() + 8 * HOUR) / 1000) * 1000);
  });
});

describe("revocation", () => {
  it("revokes the session on logout at once, even though it was just cached", async () => {
    const a = await newAgent();
    expect((await me(a.token)).statusCode).toBe(200);
    expect((await logout(a.token)).statusCode).toBe(200);
    const res = await me(a.token);
    expect(res.statusCode).toBe(401);
    expectErrorBody(res, "UNAUTHENTICATED");
    expect((await logout(a.token)).statusCode).toBe(401); // a second logout with it is refused too
  });

  it("revokes every session of the user on logout, cached ones included, and the cookie", async () => {
    const a = await newAgent();
    const second = (
      await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: `tokens-${n}@example.test`, password: a.password },
      })
    ).json().token as string;
    expect((await me(second)).statusCode).toBe(200); // cached on this node
    expect((await logout(a.token)).statusCode).toBe(200);
    expectErrorBody(await me(second), "UNAUTHENTICATED");
    expect((await me(a.token, { cookie: `tandem_session=${second}` })).statusCode).toBe(401);
  });

  it("clears the session cookie on logout", async () => {
    const a = await newAgent();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: `tandem_session=${a.token}` },
    });
    expect(res.statusCode).toBe(200);
    const cleared = res.cookies.find((k) => k.name === "tandem_session");
    expect(cleared?.value).toBe("");
    expect((await me(a.token)).statusCode).toBe(401);
  });

  it("closes the user's open agent streams on logout", async () => {
    const a = await newAgent();
    const stream = await openStream(`${base}/api/v1/agent/stream?token=${a.token}`);
    await stream.waitFor((e) => e.type === "hello");
    expect((await logout(a.token)).statusCode).toBe(200);
    expect((await stream.closed).code).toBe(4401);
  });

  it("leaves other users' sessions alone", async () => {
    const a = await newAgent();
    const b = await newAgent();
    expect((await logout(a.token)).statusCode).toBe(200);
    expect((await me(b.token)).statusCode).toBe(200);
  });

  it("refuses customer tokens at logout: a conversation token cannot end agent sessions", async () => {
    const c = await newConversation(t.app);
    const res = await logout(c.token);
    expect(res.statusCode).toBe(403);
    expect((await readConversation(c.id, c.token)).statusCode).toBe(200);
  });
});

describe("revocation across nodes", () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-tokens-"));
  const nodes: Tandem[] = [];
  afterAll(async () => {
    for (const node of nodes) await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`refuses a token revoked on another node within the documented bound (${AUTH_CACHE_MS} ms)`, async () => {
    const shared = manualClock();
    const env = { DATABASE_URL: `sqlite:${join(dir, "tandem.db")}` };
    const a = await startTandem(env, { triage: null, clock: shared });
    nodes.push(a);
    const b = await startTandem(env, { triage: null, clock: shared });
    nodes.push(b);
    const agent = await addAgent(a, "two-nodes@example.test");
    const onB = () => b.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(agent.token) });
    expect((await onB()).statusCode).toBe(200); // node B caches the lookup
    expect(
      (await a.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(agent.token) }))
        .statusCode,
    ).toBe(200);
    expect(
      (await a.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(agent.token) })).statusCode,
    ).toBe(401);
    shared.advance(AUTH_CACHE_MS);
    const res = await onB();
    expect(res.statusCode).toBe(401);
    expectErrorBody(res, "UNAUTHENTICATED");
  });
});
