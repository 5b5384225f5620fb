// The authorisation matrix: every route of the OpenAPI document × six principals, against one table of expected
// outcomes. A route the table does not classify fails the suite, so a new route cannot ship unreviewed.

import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { cannedInputSchema } from "../../src/domain/assist/index.ts";
import { addAgent, bearer, newConversation, startTandem } from "../support/tandem.ts";
import { openStream } from "../support/ws-client.ts";
import {
  type ApiRoute,
  documentedRoutes,
  errorBodyProblem,
  fillPath,
  listen,
  registeredRoutes,
  routeKey,
} from "./fixtures.ts";

type Principal = "anonymous" | "customer" | "otherCustomer" | "agent" | "supervisor" | "admin";
const PRINCIPALS: Principal[] = ["anonymous", "customer", "otherCustomer", "agent", "supervisor", "admin"];
type UserRole = "agent" | "supervisor" | "admin";
const isUserRole = (p: Principal): p is UserRole => p === "agent" || p === "supervisor" || p === "admin";

/** ok = a 2xx for HTTP, an accepted socket for WebSocket; 401/403 = refused with UNAUTHENTICATED/FORBIDDEN. */
type Outcome = "ok" | 401 | 403;
type Expectation = Record<Principal, Outcome>;

const PUBLIC: Expectation = {
  anonymous: "ok",
  customer: "ok",
  otherCustomer: "ok",
  agent: "ok",
  supervisor: "ok",
  admin: "ok",
};
/** The conversation's own token, or any agent. */
const OWN_OR_AGENT: Expectation = {
  anonymous: 401,
  customer: "ok",
  otherCustomer: 403,
  agent: "ok",
  supervisor: "ok",
  admin: "ok",
};
const AGENT: Expectation = {
  anonymous: 401,
  customer: 403,
  otherCustomer: 403,
  agent: "ok",
  supervisor: "ok",
  admin: "ok",
};
const SUPERVISOR: Expectation = { ...AGENT, agent: 403 };
const ADMIN: Expectation = { ...SUPERVISOR, supervisor: 403 };
/** Only the conversation's own customer: agents are refused (403), another customer's token reaches nothing (403). */
const CUSTOMER_ONLY: Expectation = {
  anonymous: 401,
  customer: "ok",
  otherCustomer: 403,
  agent: 403,
  supervisor: 403,
  admin: 403,
};
/** A customer stream serves the token's own conversation, whichever customer holds it; agents use their own stream. */
const CUSTOMER_STREAM: Expectation = {
  anonymous: 401,
  customer: "ok",
  otherCustomer: "ok",
  agent: 403,
  supervisor: 403,
  admin: 403,
};

/**
 * How a cell's conversation is prepared before the request:
 * - ai: new, the AI owns it; queued: waiting for a person; mine: claimed by the calling user (another agent when
 *   the caller is not a user).
 */
type Setup = "ai" | "queued" | "mine" | "resolved";

interface Row {
  expect: Expectation;
  setup?: Setup;
  /** WebSocket route: principals connect instead of sending a request. */
  ws?: true;
  query?: string;
  body?: () => unknown;
  /** The call revokes the caller's sessions: use a user created for this cell alone. */
  freshUser?: true;
  /** The URL to call, when the path needs something other than the cell's conversation id. */
  path?: (conversation: { id: string }) => Promise<string>;
  /** A coded 4xx that still proves the caller got past authorisation (e.g. 404 for a made-up candidate). */
  okStatus?: number;
}

const LOGIN_EMAIL = "login-only@matrix.test";
const PASSWORD = "correct-horse-battery";
const message = () => ({ clientMessageId: randomUUID(), text: "hello from the matrix" });
/** A canned response with a shortcut no other cell uses; cannedId() stores one for PUT and DELETE to act on. */
const cannedBody = () => ({ shortcut: `/m-${randomUUID().slice(0, 8)}`, title: "Matrix", text: "Hello {{customer.firstName | there}}" });
const cannedId = async () => (await t.canned.create(cannedInputSchema.parse(cannedBody()), staff.admin.user.id)).id;

/** THE TABLE. Keys are `METHOD /path` exactly as in the OpenAPI document. */
const MATRIX: Record<string, Row> = {
  "GET /healthz": { expect: PUBLIC },
  "GET /readyz": { expect: PUBLIC },
  "POST /api/v1/conversations": { expect: PUBLIC, body: () => ({ customer: { name: "Matrix" } }) },
  "GET /api/v1/conversations": { expect: AGENT, query: "?status=waiting_human,human" },
  "GET /api/v1/conversations/{id}": { expect: OWN_OR_AGENT },
  "POST /api/v1/conversations/{id}/messages": { expect: OWN_OR_AGENT, setup: "mine", body: message },
  "GET /api/v1/conversations/{id}/messages": { expect: OWN_OR_AGENT, query: "?after=0" },
  "POST /api/v1/conversations/{id}/escalate": { expect: OWN_OR_AGENT, setup: "ai" },
  "POST /api/v1/conversations/{id}/claim": { expect: AGENT, setup: "queued" },
  "POST /api/v1/conversations/{id}/resolve": { expect: OWN_OR_AGENT, setup: "mine" },
  "POST /api/v1/conversations/{id}/transfer": {
    expect: AGENT,
    setup: "mine",
    body: () => ({ toTier: 2, note: "over to tier 2" }),
  },
  "POST /api/v1/conversations/{id}/handback": { expect: AGENT, setup: "mine" },
  "GET /api/v1/conversations/{id}/events": { expect: AGENT },
  "POST /api/v1/auth/login": { expect: PUBLIC, body: () => ({ email: LOGIN_EMAIL, password: PASSWORD }) },
  "POST /api/v1/auth/logout": { expect: AGENT, freshUser: true },
  "GET /api/v1/auth/session": { expect: PUBLIC },
  "GET /api/v1/me": { expect: AGENT },
  "PATCH /api/v1/me/presence": { expect: AGENT, body: () => ({ presence: "away" }) },
  "GET /api/v1/users": { expect: SUPERVISOR },
  "POST /api/v1/users": {
    expect: ADMIN,
    body: () => ({
      email: `${randomUUID()}@matrix.test`,
      password: PASSWORD,
      displayName: "New Agent",
      role: "agent",
    }),
  },
  "GET /api/v1/desk/sla-policy": { expect: AGENT },
  "GET /api/v1/conversations/{id}/packet": { expect: AGENT, setup: "queued" },
  "GET /api/v1/conversations/{id}/assist": { expect: AGENT, setup: "queued" },
  "POST /api/v1/assist/ratings": {
    expect: AGENT,
    body: () => ({ conversationId: other.id, suggestionId: "sug_reply_1", suggestionType: "reply", rating: "helpful" }),
  },
  "GET /api/v1/assist/ratings/summary": { expect: SUPERVISOR },
  "GET /api/v1/canned-responses": { expect: AGENT },
  "POST /api/v1/admin/canned-responses": { expect: ADMIN, body: () => cannedBody() },
  "PUT /api/v1/admin/canned-responses/{id}": { expect: ADMIN, body: () => cannedBody(), path: async () => `/api/v1/admin/canned-responses/${await cannedId()}` },
  "DELETE /api/v1/admin/canned-responses/{id}": { expect: ADMIN, path: async () => `/api/v1/admin/canned-responses/${await cannedId()}` },
  "POST /api/v1/admin/canned-responses/preview": { expect: ADMIN, body: () => ({ text: "Hi {{customer.firstName | there}}" }) },
  "POST /api/v1/conversations/{id}/csat": { expect: CUSTOMER_ONLY, setup: "resolved", body: () => ({ score: 5 }) },
  "GET /api/v1/admin/analytics/overview": { expect: SUPERVISOR },
  "GET /api/v1/admin/analytics/days": { expect: SUPERVISOR },
  "GET /api/v1/admin/analytics/intents": { expect: SUPERVISOR },
  "GET /api/v1/admin/analytics/agents": { expect: SUPERVISOR },
  "GET /api/v1/admin/analytics/export.csv": { expect: SUPERVISOR, query: "?view=days" },
  "GET /api/v1/admin/escalations": { expect: SUPERVISOR },
  "GET /api/v1/admin/escalations/patterns": { expect: SUPERVISOR },
  "POST /api/v1/admin/escalations/{eventId}/review": {
    expect: SUPERVISOR,
    setup: "queued",
    body: () => ({ verdict: "correct" }),
    path: async (c) => {
      const escalated = (await t.store.listEvents(c.id)).find((e) => e.type === "escalated");
      return `/api/v1/admin/escalations/${escalated?.id}/review`;
    },
  },
  "GET /api/v1/admin/knowledge-gaps": { expect: SUPERVISOR },
  // 400: the conversation has no agent answer to draft from — the caller got past authorisation.
  "POST /api/v1/admin/conversations/{id}/article-draft": { expect: SUPERVISOR, setup: "resolved", okStatus: 400 },
  "GET /api/v1/admin/digest": { expect: SUPERVISOR },
  "POST /api/v1/admin/digest/send": { expect: ADMIN, okStatus: 409 }, // NOT_CONFIGURED: no WEBHOOK_URL in this server
  "GET /api/v1/admin/routing-rules": { expect: ADMIN },
  "POST /api/v1/admin/routing-rules/preview": { expect: ADMIN, body: () => ({ rules: {} }) },
  "PATCH /api/v1/admin/users/{id}": {
    expect: ADMIN,
    body: () => ({ capacity: 5 }),
    path: async () => `/api/v1/admin/users/${staff.agent.user.id}`,
  },
  "GET /api/v1/admin/providers": { expect: ADMIN },
  "GET /api/v1/admin/training-examples": { expect: SUPERVISOR },
  "POST /api/v1/admin/model/retrain": { expect: ADMIN, okStatus: 409 },
  // 409 NOT_CONFIGURED: this test server runs without a trainable model.
  "POST /api/v1/admin/model/activate": { expect: ADMIN, body: () => ({ candidateId: randomUUID() }), okStatus: 409 },
  "GET /api/v1/admin/knowledge/sources": { expect: ADMIN },
  // Port 9 (discard) refuses connections: the job is accepted and then fails on its own.
  "POST /api/v1/admin/knowledge/sources": { expect: ADMIN, body: () => ({ url: "http://127.0.0.1:9/", maxPages: 1 }) },
  "GET /api/v1/admin/knowledge/jobs/{id}": {
    expect: ADMIN,
    path: async () => {
      const r = await t.app.inject({ method: "POST", url: "/api/v1/admin/knowledge/sources", headers: bearer(staff.admin.token), payload: { url: "http://127.0.0.1:9/", maxPages: 1 } });
      return `/api/v1/admin/knowledge/jobs/${(r.json() as { job: { id: string } }).job.id}`;
    },
  },
  "DELETE /api/v1/admin/knowledge/sources/{id}": {
    expect: ADMIN,
    path: async () => {
      const doc = { id: "m", title: "Matrix", sections: [{ headings: [], text: "This source exists to be deleted by the matrix." }] };
      const r = await t.knowledge.ingest({ kind: "text", name: "matrix.txt", location: `matrix:${randomUUID()}`, documents: [doc] });
      return `/api/v1/admin/knowledge/sources/${r.source.id}`;
    },
  },
  "POST /api/v1/admin/knowledge/ask": { expect: ADMIN, body: () => ({ text: "How long does shipping take?" }) },
  "GET /api/v1/admin/actions": { expect: ADMIN },
  // 409 NOT_CONFIGURED: this test server has no ACTIONS_FILE.
  "POST /api/v1/admin/actions/{name}/test": {
    expect: ADMIN,
    okStatus: 409,
    path: async () => "/api/v1/admin/actions/lookup_order/test",
    body: () => ({ customerId: "any", params: {} }),
  },
  "GET /api/v1/stream": { expect: CUSTOMER_STREAM, ws: true },
  "GET /api/v1/agent/stream": { expect: AGENT, ws: true },
};

/**
 * Routes outside the OpenAPI document on purpose, all public: the document itself, its viewer, Prometheus
 * metrics (scraped from inside the network; carries no conversation data) and the built web apps.
 */
const UNDOCUMENTED_PUBLIC = [
  /^GET \/api\/openapi\.json$/,
  /^GET \/api\/docs/,
  /^GET \/metrics$/,
  /^GET \/(widget|console|demo|admin)([./*]|$)/,
];

const t = await startTandem({}, { triage: null });
afterAll(() => t.close());
const routes = await documentedRoutes(t);

let nextUser = 0;
async function newUser(role: UserRole) {
  return addAgent(t, `${role}-${++nextUser}@matrix.test`, { role, name: `${role} ${nextUser}`, capacity: 1000 });
}
const staff = {
  agent: await newUser("agent"),
  supervisor: await newUser("supervisor"),
  admin: await newUser("admin"),
};
await t.users.create({ email: LOGIN_EMAIL, password: PASSWORD, displayName: "Login Only", role: "agent" });
const other = await newConversation(t.app);

async function prepare(setup: Setup, principal: Principal, userToken: string | null) {
  const c = await newConversation(t.app, { name: "Cell" });
  if (setup === "queued" || setup === "mine" || setup === "resolved") {
    const r = await t.app.inject({
      method: "POST",
      url: `/api/v1/conversations/${c.id}/escalate`,
      headers: bearer(c.token),
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  if (setup === "mine") {
    const claimer = isUserRole(principal) && userToken ? userToken : staff.agent.token;
    const r = await t.app.inject({
      method: "POST",
      url: `/api/v1/conversations/${c.id}/claim`,
      headers: bearer(claimer),
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  if (setup === "resolved") {
    for (const step of ["claim", "resolve"]) {
      const r = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/${step}`, headers: bearer(staff.agent.token) });
      expect(r.statusCode, r.body).toBe(200);
    }
  }
  return c;
}

async function tokenFor(principal: Principal, row: Row, conversationToken: string): Promise<string | null> {
  if (principal === "anonymous") return null;
  if (principal === "customer") return conversationToken;
  if (principal === "otherCustomer") return other.token;
  return row.freshUser ? (await newUser(principal)).token : staff[principal].token;
}

async function httpCell(route: ApiRoute, row: Row, principal: Principal, method = route.method) {
  // The caller's token is settled first, so "mine" can be claimed by that very user.
  const userToken = isUserRole(principal)
    ? row.freshUser
      ? (await newUser(principal)).token
      : staff[principal].token
    : null;
  const c = await prepare(row.setup ?? "ai", principal, userToken);
  const token = userToken ?? (await tokenFor(principal, row, c.token));
  const res = await t.app.inject({
    method: method as "GET",
    url: (row.path ? await row.path(c) : fillPath(route.path, c.id)) + (row.query ?? ""),
    headers: token ? bearer(token) : {},
    ...(row.body ? { payload: row.body() as object } : {}),
  });
  return { res, token };
}

const codeFor = { 401: "UNAUTHENTICATED", 403: "FORBIDDEN" } as const;

describe("authorisation matrix (generated from /api/openapi.json)", () => {
  it("classifies every documented route, and every table entry is a documented route", () => {
    const documented = routes.map(routeKey).sort();
    const unclassified = documented.filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !documented.includes(k));
    expect(unclassified, "add these routes to MATRIX with their expected outcome per principal").toEqual([]);
    expect(stale, "these MATRIX entries match no documented route").toEqual([]);
    expect(documented.length).toBeGreaterThanOrEqual(20);
  });

  it("leaves out of the document only routes known to be public", async () => {
    const documented = new Set(routes.map(routeKey));
    const hidden = (await registeredRoutes(t)).filter((k) => !documented.has(k));
    expect(hidden.filter((k) => !UNDOCUMENTED_PUBLIC.some((re) => re.test(k)))).toEqual([]);
    for (const k of hidden) {
      const path = k.split(" ")[1] ?? "";
      const res = await t.app.inject({ method: "GET", url: fillPath(path.replace(/\*$/, "x"), "x.js") });
      expect([401, 403], `${k} answered anonymous with ${res.statusCode}`).not.toContain(res.statusCode);
    }
  });

  it("marks exactly the WebSocket routes as ws: a plain GET to one is a coded 426", async () => {
    for (const route of routes.filter((r) => r.method === "GET")) {
      const row = MATRIX[routeKey(route)];
      if (!row) continue;
      const res = await t.app.inject({
        method: "GET",
        url: `${fillPath(route.path, other.id)}?token=${other.token}`,
      });
      expect(res.statusCode === 426, `${routeKey(route)} answered ${res.statusCode}`).toBe(Boolean(row.ws));
      if (row.ws) expect(res.json()).toMatchObject({ error: { code: "UPGRADE_REQUIRED" } });
    }
  });

  const httpRoutes = routes.filter((r) => !MATRIX[routeKey(r)]?.ws);
  describe.each(httpRoutes.map((r) => [routeKey(r), r] as const))("%s", (key, route) => {
    const row = MATRIX[key];
    it.skipIf(!row).each(PRINCIPALS)("as %s", async (principal) => {
      if (!row) return;
      const expected = row.expect[principal];
      const { res, token } = await httpCell(route, row, principal);
      const label = `${key} as ${principal}: ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (expected === "ok") {
        expect((res.statusCode >= 200 && res.statusCode < 300) || res.statusCode === row.okStatus, label).toBe(true);
      } else {
        expect(res.statusCode, label).toBe(expected);
        expect(errorBodyProblem(res), label).toBeNull();
        expect(res.json().error.code, label).toBe(codeFor[expected]);
      }
      if (key === "POST /api/v1/auth/logout" && expected === "ok" && token) {
        const after = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(token) });
        expect(after.statusCode, "a token still works after logout").toBe(401);
      }
      // HEAD runs the GET handler: it must be guarded the same way.
      if (route.method === "GET") {
        const head = await httpCell(route, row, principal, "HEAD");
        if (expected === "ok" && head.res.statusCode !== row.okStatus) expect(head.res.statusCode, `HEAD ${label}`).toBeLessThan(300);
        else expect(head.res.statusCode, `HEAD ${label}`).toBe(expected);
      }
    });
  });
});

describe("authorisation matrix: WebSocket routes", async () => {
  const base = await listen(t);
  const wsRoutes = routes.filter((r) => MATRIX[routeKey(r)]?.ws);

  it("has WebSocket routes to check", () => {
    expect(wsRoutes.map(routeKey).sort()).toEqual(["GET /api/v1/agent/stream", "GET /api/v1/stream"]);
  });

  describe.each(wsRoutes.map((r) => [routeKey(r), r] as const))("%s", (key, route) => {
    const row = MATRIX[key] as Row;
    it.each(PRINCIPALS)("as %s", async (principal) => {
      const expected = row.expect[principal];
      const c = await newConversation(t.app, { name: "Socket" });
      const token = await tokenFor(principal, row, c.token);
      const ownConversation = principal === "otherCustomer" ? other.id : c.id;
      // Anonymous callers present a token that does not exist (a missing one is refused by validation first).
      const url = `${base}${route.path}?token=${encodeURIComponent(token ?? `tk_c_${"x".repeat(43)}`)}`;
      const client = await openStream(url);
      if (expected === "ok") {
        const first = await client.waitFor(() => true, "first event");
        expect(first.type).not.toBe("error");
        if (first.type === "status")
          expect(first.conversation.id, "a customer stream serves the token's conversation").toBe(
            ownConversation,
          );
        await client.close();
      } else {
        const { code } = await client.closed;
        expect(code, `${key} as ${principal}`).toBe(4000 + expected);
        expect(client.events).toEqual([
          { type: "error", error: { code: codeFor[expected], message: expect.any(String) } },
        ]);
      }
    });
  });

  it("refuses a customer stream without a token before upgrading", async () => {
    await expect(openStream(`${base}/api/v1/stream`)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("accepts the console's session cookie on the agent stream, and nothing without it", async () => {
    const withCookie = await openStream(`${base}/api/v1/agent/stream`, {
      headers: { cookie: `tandem_session=${staff.agent.token}` },
    });
    expect((await withCookie.waitFor(() => true)).type).toBe("hello");
    await withCookie.close();
    const without = await openStream(`${base}/api/v1/agent/stream`);
    expect((await without.closed).code).toBe(4401);
  });
});
