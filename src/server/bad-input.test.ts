// Bad input, each case from the brief: a clear coded 4xx, the one error shape, no internals leaked, and nothing
// already stored changes (the conversation, its messages and its event log are compared before and after).

import { connect } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../test/support/databases.ts";
import {
  addAgent,
  bearer,
  manualClock,
  newConversation,
  postMessage,
  startTandem,
  storedState,
} from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";

type Agent = Awaited<ReturnType<typeof addAgent>>;

/** Asserts the coded error shape and that nothing of the server's insides leaks into it. */
function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = res.json() as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(Object.keys(body.error).every((k) => ["code", "message", "details"].includes(k))).toBe(true);
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts:\d+|stack|SqliteError|syntax error at/i);
}

for (const target of testDatabases()) {
  describe(`bad input on ${target.name}`, () => {
    let t: Tandem;
    let drop: () => Promise<void>;
    let alice: Agent;
    let bob: Agent;

    beforeAll(async () => {
      const db = await target.create();
      drop = db.drop;
      t = await startTandem(
        { DATABASE_URL: db.url, RATE_LIMIT_LOGIN_PER_MINUTE: "100000" },
        { triage: null },
      );
      alice = await addAgent(t, "alice@example.test", { name: "Alice", capacity: 1000 });
      bob = await addAgent(t, "bob@example.test", { name: "Bob", capacity: 1000 });
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    /** A conversation with some history: a customer message, the queue notice, a claim by Alice, her reply. */
    async function withHistory() {
      const c = await newConversation(t.app);
      expect(
        (await postMessage(t.app, c.id, c.token, { clientMessageId: "c1", text: "my order is late" }))
          .statusCode,
      ).toBe(201);
      expect(
        (
          await t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/claim`,
            headers: bearer(alice.token),
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (await postMessage(t.app, c.id, alice.token, { clientMessageId: "a1", text: "Looking into it" }))
          .statusCode,
      ).toBe(201);
      return c;
    }

    /** Runs a request that must be refused with `code`, and checks the conversation is exactly as before. */
    async function refusedWithoutChange(
      id: string,
      status: number,
      code: string,
      request: () => Promise<LightMyRequestResponse>,
    ) {
      // The AI's reply to the last customer message runs after the request returns; let it land first so the
      // only thing that could change the stored state is the refused request.
      await t.conversations.drain();
      const before = await storedState(t, id);
      const res = await request();
      expectError(res, status, code);
      expect(await storedState(t, id)).toEqual(before);
      return res;
    }

    const rawPost = (id: string, token: string, payload: string | Buffer, contentType = "application/json") =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/conversations/${id}/messages`,
        headers: { ...bearer(token), "content-type": contentType },
        payload,
      });

    describe("malformed bodies", () => {
      it.each([
        ["a truncated object", '{"clientMessageId":"x","text":"hi"'],
        ["a trailing comma", '{"clientMessageId":"x","text":"hi",}'],
        ["single quotes", "{'clientMessageId':'x','text':'hi'}"],
        ["plain words", "hello there"],
      ])("refuses malformed JSON (%s) with 400 INVALID_JSON", async (_name, payload) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "INVALID_JSON", () => rawPost(c.id, c.token, payload));
      });

      it.each([
        ["an array", "[]"],
        ["a string", '"hello"'],
        ["a number", "42"],
        ["null", "null"],
      ])("refuses a JSON body that is %s with 400 VALIDATION_FAILED", async (_name, payload) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () => rawPost(c.id, c.token, payload));
      });

      it("refuses an empty body where a message is required", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () => rawPost(c.id, c.token, ""));
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/messages`,
            headers: bearer(c.token),
          }),
        );
      });

      it.each([
        ["a lone continuation byte", Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d])],
        [
          "a truncated two-byte sequence",
          Buffer.concat([
            Buffer.from('{"clientMessageId":"x","text":"caf'),
            Buffer.from([0xc3]),
            Buffer.from('"}'),
          ]),
        ],
        [
          "an overlong encoding of a slash",
          Buffer.concat([
            Buffer.from('{"clientMessageId":"x","text":"'),
            Buffer.from([0xc0, 0xaf]),
            Buffer.from('"}'),
          ]),
        ],
        [
          "an encoded UTF-16 surrogate",
          Buffer.concat([
            Buffer.from('{"clientMessageId":"x","text":"'),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from('"}'),
          ]),
        ],
        [
          "0xFF bytes",
          Buffer.concat([
            Buffer.from('{"clientMessageId":"x","text":"'),
            Buffer.from([0xff, 0xfe]),
            Buffer.from('"}'),
          ]),
        ],
      ])("refuses invalid UTF-8 (%s) with 400 INVALID_UTF8", async (_name, payload) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "INVALID_UTF8", () => rawPost(c.id, c.token, payload));
      });

      it("accepts valid multi-byte UTF-8 sent as raw bytes", async () => {
        const c = await withHistory();
        const res = await rawPost(
          c.id,
          c.token,
          Buffer.from(JSON.stringify({ clientMessageId: "u", text: "naïve café 日本 🎉" }), "utf8"),
        );
        expect(res.statusCode).toBe(201);
        expect(res.json().message.text).toBe("naïve café 日本 🎉");
      });

      it.each([
        ["text/plain", '{"clientMessageId":"x","text":"hi"}'],
        ["application/x-www-form-urlencoded", "clientMessageId=x&text=hi"],
        [
          "multipart/form-data; boundary=abc",
          '--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--abc--',
        ],
        ["application/xml", "<message><text>hi</text></message>"],
      ])("refuses the content type %s with 415 UNSUPPORTED_MEDIA_TYPE", async (contentType, payload) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 415, "UNSUPPORTED_MEDIA_TYPE", () =>
          rawPost(c.id, c.token, payload, contentType),
        );
      });

      it("accepts JSON with a charset parameter", async () => {
        const c = await withHistory();
        const res = await rawPost(
          c.id,
          c.token,
          '{"clientMessageId":"cs","text":"hi"}',
          "application/json; charset=utf-8",
        );
        expect(res.statusCode).toBe(201);
      });

      it("refuses a body over the 64 KB limit with 413 PAYLOAD_TOO_LARGE", async () => {
        const c = await withHistory();
        const payload = JSON.stringify({ clientMessageId: "big", text: "x".repeat(70 * 1024) });
        await refusedWithoutChange(c.id, 413, "PAYLOAD_TOO_LARGE", () => rawPost(c.id, c.token, payload));
      });

      it("refuses an oversized body on the public create endpoint too", async () => {
        const res = await t.app.inject({
          method: "POST",
          url: "/api/v1/conversations",
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ customer: { name: "x".repeat(70 * 1024) } }),
        });
        expectError(res, 413, "PAYLOAD_TOO_LARGE");
      });
    });

    describe("fields", () => {
      it.each([
        ["an unknown field", { clientMessageId: "x", text: "hi", priority: "urgent" }],
        ["a misspelt field", { clientMessageID: "x", text: "hi" }],
        ["no text", { clientMessageId: "x" }],
        ["no clientMessageId", { text: "hi" }],
        ["text that is not a string", { clientMessageId: "x", text: 42 }],
        ["text that is null", { clientMessageId: "x", text: null }],
        ["a clientMessageId that is not a string", { clientMessageId: 7, text: "hi" }],
        ["an empty clientMessageId", { clientMessageId: "", text: "hi" }],
        ["a clientMessageId over 128 characters", { clientMessageId: "k".repeat(129), text: "hi" }],
        ["internal that is not a boolean", { clientMessageId: "x", text: "hi", internal: "yes" }],
      ])("refuses a message with %s with 400 VALIDATION_FAILED", async (_name, body) => {
        const c = await withHistory();
        const res = await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          postMessage(t.app, c.id, c.token, body),
        );
        expect(res.json().error.message.length).toBeGreaterThan(5);
      });

      it("names the offending field in the error", async () => {
        const c = await withHistory();
        const res = await postMessage(t.app, c.id, c.token, {
          clientMessageId: "x",
          text: "hi",
          colour: "red",
        });
        expect(res.json().error.message).toMatch(/colour/);
      });

      it.each([
        ["empty", ""],
        ["only spaces", "     "],
        ["only whitespace of several kinds", " \n\t\r\u00a0\u2003 "],
      ])("refuses text that is %s with 400 VALIDATION_FAILED", async (_name, text) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "w", text }),
        );
      });

      it("refuses text over 8 KB with 413 TEXT_TOO_LONG, counting bytes not characters", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 413, "TEXT_TOO_LONG", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "l1", text: "x".repeat(8193) }),
        );
        // 2,731 three-byte characters: under 8,192 characters, over 8,192 bytes.
        await refusedWithoutChange(c.id, 413, "TEXT_TOO_LONG", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "l2", text: "€".repeat(2731) }),
        );
        await refusedWithoutChange(c.id, 413, "TEXT_TOO_LONG", () =>
          postMessage(t.app, c.id, alice.token, { clientMessageId: "l3", text: "y".repeat(9000) }),
        );
      });

      it("accepts text of exactly 8 KB", async () => {
        const c = await withHistory();
        const res = await postMessage(t.app, c.id, c.token, {
          clientMessageId: "edge",
          text: "x".repeat(8192),
        });
        expect(res.statusCode).toBe(201);
      });

      it("refuses a NUL character in any string of the body, on every dialect", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "nul", text: "a\u0000b" }),
        );
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "n\u0000l", text: "ab" }),
        );
        const create = await t.app.inject({
          method: "POST",
          url: "/api/v1/conversations",
          payload: { customer: { name: "A\u0000" } },
        });
        expectError(create, 400, "VALIDATION_FAILED");
      });

      it("answers a NUL character in the path or query with a 4xx, never a 500", async () => {
        const c = await withHistory();
        for (const url of [
          "/api/v1/conversations/abc%00def",
          `/api/v1/conversations/abc%00def/messages`,
          "/api/v1/conversations?assignee=a%00b",
        ]) {
          const res = await t.app.inject({ method: "GET", url, headers: bearer(alice.token) });
          expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400)
            expect(res.json().error.code).toMatch(/^(VALIDATION_FAILED|CONVERSATION_NOT_FOUND)$/);
        }
        const before = await storedState(t, c.id);
        const post = await t.app.inject({
          method: "POST",
          url: "/api/v1/conversations/abc%00def/claim",
          headers: bearer(alice.token),
        });
        expect(post.statusCode, post.body).toBeGreaterThanOrEqual(400);
        expect(post.statusCode, post.body).toBeLessThan(500);
        expect(await storedState(t, c.id)).toEqual(before);
      });

      it.each([
        ["an unknown top-level field", { channel: "web", referrer: "x" }],
        ["an unknown customer field", { customer: { name: "A", vip: true } }],
        ["an unsupported channel", { channel: "sms" }],
        ["an invalid email", { customer: { email: "not-an-email" } }],
        ["an invalid locale", { customer: { locale: "english please" } }],
        ["a customer that is a string", { customer: "ada" }],
      ])("refuses a new conversation with %s and creates nothing", async (_name, body) => {
        const before = await t.store.listConversations({ limit: 100_000 });
        const res = await t.app.inject({ method: "POST", url: "/api/v1/conversations", payload: body });
        expectError(res, 400, "VALIDATION_FAILED");
        expect(await t.store.listConversations({ limit: 100_000 })).toHaveLength(before.length);
      });

      it.each([
        ["a negative after", "after=-1"],
        ["a non-numeric after", "after=abc"],
        ["a fractional after", "after=1.5"],
        ["a zero limit", "limit=0"],
        ["a limit over 1000", "limit=1001"],
        ["an unknown parameter", "since=3"],
      ])("refuses a message listing with %s", async (_name, query) => {
        const c = await withHistory();
        const res = await t.app.inject({
          method: "GET",
          url: `/api/v1/conversations/${c.id}/messages?${query}`,
          headers: bearer(c.token),
        });
        expectError(res, 400, "VALIDATION_FAILED");
      });

      it("refuses an id longer than any real id", async () => {
        const res = await t.app.inject({
          method: "GET",
          url: `/api/v1/conversations/${"x".repeat(65)}`,
          headers: bearer(alice.token),
        });
        expectError(res, 400, "VALIDATION_FAILED");
      });

      it("refuses a transfer that names no target", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/transfer`,
            headers: bearer(alice.token),
            payload: { note: "?" },
          }),
        );
        await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/transfer`,
            headers: bearer(alice.token),
            payload: { toTier: 4 },
          }),
        );
      });

      it("refuses a login with missing or unknown fields", async () => {
        for (const payload of [
          { email: "alice@example.test" },
          { email: "alice@example.test", password: "x", remember: true },
          {},
        ]) {
          expectError(
            await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload }),
            400,
            "VALIDATION_FAILED",
          );
        }
      });
    });

    describe("credentials", () => {
      it.each([
        ["no Authorization header", {}],
        ["an unknown token", bearer("tk_c_not-a-real-token")],
        ["an empty bearer", { authorization: "Bearer " }],
        ["a Basic credential", { authorization: "Basic YWxpY2U6cHc=" }],
        ["a token over 200 characters", bearer(`tk_c_${"a".repeat(300)}`)],
      ])("refuses a message with %s with 401 UNAUTHENTICATED", async (_name, headers) => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 401, "UNAUTHENTICATED", () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/messages`,
            headers,
            payload: { clientMessageId: "t", text: "hi" },
          }),
        );
      });

      it("refuses reading messages with a wrong token", async () => {
        const c = await withHistory();
        const res = await t.app.inject({
          method: "GET",
          url: `/api/v1/conversations/${c.id}/messages`,
          headers: bearer(`${c.token}x`),
        });
        expectError(res, 401, "UNAUTHENTICATED");
      });

      it("refuses a token for another conversation with 403 FORBIDDEN, reading or writing", async () => {
        const victim = await withHistory();
        const other = await newConversation(t.app);
        await refusedWithoutChange(victim.id, 403, "FORBIDDEN", () =>
          postMessage(t.app, victim.id, other.token, { clientMessageId: "x", text: "hi" }),
        );
        await refusedWithoutChange(victim.id, 403, "FORBIDDEN", () =>
          t.app.inject({
            method: "GET",
            url: `/api/v1/conversations/${victim.id}/messages`,
            headers: bearer(other.token),
          }),
        );
        await refusedWithoutChange(victim.id, 403, "FORBIDDEN", () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${victim.id}/resolve`,
            headers: bearer(other.token),
          }),
        );
      });

      it("stores a lone surrogate as U+FFFD and treats a replay of the same request as the same message", async () => {
        const c = await withHistory();
        const body = '{"clientMessageId":"lone","text":"broken emoji \\ud83d here"}';
        const send = () =>
          t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/messages`,
            headers: { ...bearer(c.token), "content-type": "application/json" },
            payload: body,
          });
        const first = await send();
        expect(first.statusCode).toBe(201);
        expect(first.json().message.text).toBe("broken emoji \uFFFD here");
        const replay = await send();
        expect(replay.statusCode).toBe(200);
        expect(replay.json().message.id).toBe(first.json().message.id);
      });

      it("refuses a clientMessageId with an unpaired surrogate, which storage could not keep apart from another", async () => {
        const c = await withHistory();
        for (const id of ["\\ud83d", "\\udc00", "a\\udc01b"])
          await refusedWithoutChange(c.id, 400, "VALIDATION_FAILED", () =>
            t.app.inject({
              method: "POST",
              url: `/api/v1/conversations/${c.id}/messages`,
              headers: { ...bearer(c.token), "content-type": "application/json" },
              payload: `{"clientMessageId":"${id}","text":"hello"}`,
            }),
          );
      });

      it("refuses a clientMessageId replayed with other text with 409 IDEMPOTENCY_CONFLICT", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 409, "IDEMPOTENCY_CONFLICT", () =>
          postMessage(t.app, c.id, c.token, { clientMessageId: "c1", text: "my order is late!" }),
        );
        await refusedWithoutChange(c.id, 409, "IDEMPOTENCY_CONFLICT", () =>
          postMessage(t.app, c.id, alice.token, { clientMessageId: "a1", text: "Different reply" }),
        );
        await refusedWithoutChange(c.id, 409, "IDEMPOTENCY_CONFLICT", () =>
          postMessage(t.app, c.id, alice.token, {
            clientMessageId: "a1",
            text: "Looking into it",
            internal: true,
          }),
        );
      });
    });

    describe("invalid transitions", () => {
      const move = (id: string, action: string, token: string, payload?: object) =>
        t.app.inject({
          method: "POST",
          url: `/api/v1/conversations/${id}/${action}`,
          headers: bearer(token),
          ...(payload ? { payload } : {}),
        });

      it("refuses to claim a resolved conversation with 409 CONVERSATION_RESOLVED", async () => {
        const c = await withHistory();
        expect((await move(c.id, "resolve", alice.token)).statusCode).toBe(200);
        await refusedWithoutChange(c.id, 409, "CONVERSATION_RESOLVED", () => move(c.id, "claim", bob.token));
      });

      it("refuses to resolve twice with 409 ALREADY_RESOLVED", async () => {
        const c = await withHistory();
        expect((await move(c.id, "resolve", alice.token)).statusCode).toBe(200);
        await refusedWithoutChange(c.id, 409, "ALREADY_RESOLVED", () => move(c.id, "resolve", alice.token));
        await refusedWithoutChange(c.id, 409, "ALREADY_RESOLVED", () => move(c.id, "resolve", c.token));
      });

      it("refuses a handback by an agent who is not the assignee with 409 NOT_ASSIGNEE", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 409, "NOT_ASSIGNEE", () => move(c.id, "handback", bob.token));
      });

      it("refuses a handback of a queued conversation with 409 INVALID_TRANSITION", async () => {
        const c = await newConversation(t.app);
        await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "queued" });
        await t.conversations.drain();
        expect((await storedState(t, c.id)).conversation?.status).toBe("waiting_human");
        await refusedWithoutChange(c.id, 409, "INVALID_TRANSITION", () =>
          move(c.id, "handback", alice.token),
        );
      });

      it("refuses to transfer a conversation the AI owns with 409 INVALID_TRANSITION", async () => {
        const c = await newConversation(t.app);
        await refusedWithoutChange(c.id, 409, "INVALID_TRANSITION", () =>
          move(c.id, "transfer", alice.token, { toTier: 2 }),
        );
      });

      it("refuses a claim of a conversation another agent holds with 409 ALREADY_ASSIGNED", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 409, "ALREADY_ASSIGNED", () => move(c.id, "claim", bob.token));
      });

      it("refuses a reply by an agent who does not hold the conversation with 409 NOT_ASSIGNEE", async () => {
        const c = await withHistory();
        await refusedWithoutChange(c.id, 409, "NOT_ASSIGNEE", () =>
          postMessage(t.app, c.id, bob.token, { clientMessageId: "b", text: "me too" }),
        );
      });

      it("refuses to escalate a resolved conversation with 409 CONVERSATION_RESOLVED", async () => {
        const c = await withHistory();
        await move(c.id, "resolve", alice.token);
        await refusedWithoutChange(c.id, 409, "CONVERSATION_RESOLVED", () =>
          move(c.id, "escalate", alice.token, { tier: 2 }),
        );
      });
    });
  });
}

describe("expired tokens", () => {
  const clock = manualClock();
  let t: Tandem;
  beforeAll(async () => {
    t = await startTandem(
      { CONVERSATION_TOKEN_TTL_DAYS: "30", SESSION_TTL_HOURS: "12" },
      { clock, triage: null },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses an expired conversation token with 401 TOKEN_EXPIRED and stores nothing", async () => {
    const c = await newConversation(t.app);
    expect(
      (await postMessage(t.app, c.id, c.token, { clientMessageId: "1", text: "before expiry" })).statusCode,
    ).toBe(201);
    clock.advance(29 * 86_400_000);
    expect(
      (await postMessage(t.app, c.id, c.token, { clientMessageId: "2", text: "still valid" })).statusCode,
    ).toBe(201);
    clock.advance(2 * 86_400_000);
    const before = await storedState(t, c.id);
    const res = await postMessage(t.app, c.id, c.token, { clientMessageId: "3", text: "too late" });
    expectError(res, 401, "TOKEN_EXPIRED");
    const read = await t.app.inject({
      method: "GET",
      url: `/api/v1/conversations/${c.id}/messages`,
      headers: bearer(c.token),
    });
    expectError(read, 401, "TOKEN_EXPIRED");
    expect(await storedState(t, c.id)).toEqual(before);
  });

  it("refuses an expired agent session with 401 TOKEN_EXPIRED", async () => {
    const agent = await addAgent(t, "night@example.test");
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(agent.token) })).statusCode,
    ).toBe(200);
    clock.advance(13 * 3_600_000);
    expectError(
      await t.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(agent.token) }),
      401,
      "TOKEN_EXPIRED",
    );
  });
});

describe("rate limits", () => {
  let t: Tandem;
  beforeAll(async () => {
    t = await startTandem(
      { RATE_LIMIT_LOGIN_PER_MINUTE: "3", RATE_LIMIT_MESSAGES_PER_MINUTE: "5" },
      { triage: null },
    );
    await t.users.create({
      email: "limited@example.test",
      password: "correct-horse-battery",
      displayName: "L",
      role: "agent",
    });
    await t.users.create({
      email: "other@example.test",
      password: "correct-horse-battery",
      displayName: "O",
      role: "agent",
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("slows down password guessing with 429 RATE_LIMITED, per account", async () => {
    const guess = (email: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email, password: "guess-guess" },
      });
    for (let i = 0; i < 3; i++) expectError(await guess("limited@example.test"), 401, "INVALID_CREDENTIALS");
    expectError(await guess("limited@example.test"), 429, "RATE_LIMITED");
    // Colleagues behind the same address are not locked out by someone guessing one account.
    expectError(await guess("other@example.test"), 401, "INVALID_CREDENTIALS");
  });

  it("limits message posting per token with 429 RATE_LIMITED, storing nothing past the limit", async () => {
    const c = await newConversation(t.app);
    for (let i = 0; i < 5; i++)
      expect(
        (await postMessage(t.app, c.id, c.token, { clientMessageId: `m${i}`, text: `hi ${i}` })).statusCode,
      ).toBe(201);
    const before = await storedState(t, c.id);
    expectError(
      await postMessage(t.app, c.id, c.token, { clientMessageId: "m5", text: "one too many" }),
      429,
      "RATE_LIMITED",
    );
    expect(await storedState(t, c.id)).toEqual(before);
    // The same token written another way is the same counter.
    for (const authorization of [`bearer ${c.token}`, `Bearer   ${c.token}`])
      expectError(
        await t.app.inject({
          method: "POST",
          url: `/api/v1/conversations/${c.id}/messages`,
          headers: { authorization },
          payload: { clientMessageId: "m6", text: "written another way" },
        }),
        429,
        "RATE_LIMITED",
      );
    expect(await storedState(t, c.id)).toEqual(before);
    // Another conversation's customer is not affected.
    const other = await newConversation(t.app);
    expect(
      (await postMessage(t.app, other.id, other.token, { clientMessageId: "x", text: "hello" })).statusCode,
    ).toBe(201);
  });
});

describe("requests the HTTP parser refuses", () => {
  let t: Tandem;
  let port: number;
  beforeAll(async () => {
    t = await startTandem({}, { triage: null, responder: null });
    port = Number(new URL(await t.app.listen({ port: 0, host: "127.0.0.1" })).port);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends raw bytes and reads what the server answers before it closes the connection. */
  function raw(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(request));
      let answer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("close", () => resolve(answer));
      socket.on("error", reject);
    });
  }

  it("answers headers over 16 KB and a malformed Content-Length with the coded error shape", async () => {
    const huge = await raw(
      `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf("\r\n\r\n") + 4))).toEqual({
      error: { code: "HEADERS_TOO_LARGE", message: expect.any(String) },
    });
    const malformed = await raw(
      "POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    );
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(malformed.slice(malformed.indexOf("\r\n\r\n") + 4)).error.code).toBe(
      "VALIDATION_FAILED",
    );
  });
});
