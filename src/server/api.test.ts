// The public API contract, in-process (app.inject), on every database dialect: the shapes other tools rely on,
// idempotency, ownership moves, roles, the AI responder port and the operations endpoints.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../test/support/databases.ts";
import {
  addAgent,
  bearer,
  deferred,
  newConversation,
  postMessage,
  signedCustomer,
  startTandem,
} from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";
import type { Responder, ResponderContext } from "../ports/responder.ts";

type Agent = Awaited<ReturnType<typeof addAgent>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted field by field.
type Json = any;

const isoDate = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);

function api(t: Tandem) {
  return async (method: "GET" | "POST" | "PATCH", url: string, token?: string | null, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: token ? bearer(token) : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, headers: res.headers };
  };
}

for (const target of testDatabases()) {
  describe(`public API on ${target.name} (AI off)`, () => {
    let t: Tandem;
    let drop: () => Promise<void>;
    let call: ReturnType<typeof api>;
    let alice: Agent;
    let bob: Agent;
    let sam: Agent;
    let root: Agent;

    beforeAll(async () => {
      const db = await target.create();
      drop = db.drop;
      // No triage: these tests pin the routing rules of the foundation (AI off, responder port), not the model's judgment.
      t = await startTandem({ DATABASE_URL: db.url }, { triage: null, responder: null });
      call = api(t);
      alice = await addAgent(t, "alice@example.test", { name: "Alice", tier: 1, capacity: 1000 });
      bob = await addAgent(t, "bob@example.test", { name: "Bob", tier: 2, capacity: 1000 });
      sam = await addAgent(t, "sam@example.test", { name: "Sam", role: "supervisor", tier: 3 });
      root = await addAgent(t, "root@example.test", { name: "Root", role: "admin", tier: 3 });
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    /** A conversation queued for people: in AI-off mode the first customer message does it. */
    async function queued(text = "my parcel never arrived") {
      const c = await newConversation(t.app);
      const res = await postMessage(t.app, c.id, c.token, { clientMessageId: "first", text });
      expect(res.statusCode).toBe(201);
      return c;
    }

    describe("customer side", () => {
      it("starts a conversation owned by the AI and returns a token for it", async () => {
        const res = await call("POST", "/api/v1/conversations", null, {
          customer: { externalId: "crm-42", name: "Ada Lovelace", email: "ada@example.com", locale: "en-GB" },
          channel: "web",
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          conversation: expect.objectContaining({
            id: expect.any(String),
            status: "ai",
            owner: { kind: "ai" },
            channel: "web",
            language: "en",
            lastSeq: 0,
            createdAt: isoDate,
          }),
          token: expect.stringMatching(/^tk_c_/),
        });
        // The desk's judgement (tier, reasons) is not the customer's to read.
        expect(res.body.conversation).not.toHaveProperty("tier");
        expect(res.body.conversation).not.toHaveProperty("reasons");
        // The customer view carries no internal identifiers.
        expect(res.body.conversation).not.toHaveProperty("customerId");
        expect(res.body.conversation).not.toHaveProperty("assigneeId");
      });

      it("starts a conversation with an empty body", async () => {
        const res = await call("POST", "/api/v1/conversations", null, {});
        expect(res.status).toBe(201);
        expect(res.body.conversation.status).toBe("ai");
      });

      it("starts a conversation with no body at all", async () => {
        const res = await t.app.inject({ method: "POST", url: "/api/v1/conversations" });
        expect(res.statusCode).toBe(201);
      });

      it("reuses the customer record for an external id the host site signed", async () => {
        const a = await call("POST", "/api/v1/conversations", null, {
          customer: signedCustomer({ externalId: "crm-7", name: "Grace" }),
        });
        const b = await call("POST", "/api/v1/conversations", null, { customer: signedCustomer({ externalId: "crm-7" }) });
        const [ca, cb] = await Promise.all([
          t.store.getConversation(a.body.conversation.id),
          t.store.getConversation(b.body.conversation.id),
        ]);
        expect(ca?.customerId).toBeDefined();
        expect(cb?.customerId).toBe(ca?.customerId);
        expect(a.body.token).not.toBe(b.body.token);
      });

      it("never lets an unsigned or mis-signed external id or email open, or change, another customer's record", async () => {
        const owner = await call("POST", "/api/v1/conversations", null, {
          customer: signedCustomer({ externalId: "crm-8", email: "owner@example.com", name: "Owner" }),
        });
        expect(owner.status).toBe(201);
        const ownerId = (await t.store.getConversation(owner.body.conversation.id))?.customerId;
        const signedForOwner = signedCustomer({ externalId: "crm-8", email: "owner@example.com" }).identityHash;
        const attempts = [
          { externalId: "crm-8", email: "attacker@example.com" },
          { email: "owner@example.com", name: "Mallory" },
          { externalId: "crm-8", email: "attacker@example.com", identityHash: signedForOwner },
          { externalId: "crm-8", identityHash: "0".repeat(64) },
        ];
        for (const customer of attempts) {
          const res = await call("POST", "/api/v1/conversations", null, { customer });
          expect(res.status).toBe(201);
          const conv = await t.store.getConversation(res.body.conversation.id);
          expect(conv?.customerId).not.toBe(ownerId);
          const visitor = await t.store.getCustomer(conv?.customerId as string);
          // A claim is kept for agents to see, never as the identity actions run with.
          expect(visitor).toMatchObject({ externalId: null, email: null });
          if (customer.email) {
            expect(visitor?.attributes).toEqual({ unverifiedEmail: customer.email });
            const packet = await call("GET", `/api/v1/conversations/${conv?.id}/packet`, alice.token);
            expect(packet.body.packet.customerContext).toMatchObject({ email: null, unverifiedEmail: customer.email });
          }
        }
        expect(await t.store.getCustomer(ownerId as string)).toMatchObject({ externalId: "crm-8", email: "owner@example.com", name: "Owner" });
      });

      it("stores a customer message and returns it with its seq", async () => {
        const c = await newConversation(t.app);
        const res = await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "m-1",
          text: "Hello there",
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          message: expect.objectContaining({
            id: expect.any(String),
            seq: 1,
            author: "customer",
            text: "Hello there",
            clientMessageId: "m-1",
            createdAt: isoDate,
          }),
        });
        const stored = await t.store.listMessages(c.id, {});
        expect(stored.find((m) => m.id === res.body.message.id)?.text).toBe("Hello there");
      });

      it("keeps the text exactly as sent, including emoji and right-to-left scripts", async () => {
        const c = await newConversation(t.app);
        const text = "  Olá 👋🏽 — مرحبا\n<script>alert(1)</script>  ";
        const res = await postMessage(t.app, c.id, c.token, { clientMessageId: "u", text });
        expect(res.statusCode).toBe(201);
        const back = await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token);
        expect(back.body.messages[0].text).toBe(text);
      });

      it("returns the same message with 200 when a clientMessageId is replayed, creating nothing", async () => {
        const c = await newConversation(t.app);
        const first = await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "dup",
          text: "where is my order?",
        });
        const before = await t.store.listMessages(c.id, { includeInternal: true });
        const again = await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "dup",
          text: "where is my order?",
        });
        expect(first.status).toBe(201);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
        expect(await t.store.listMessages(c.id, { includeInternal: true })).toEqual(before);
      });

      it("refuses a replayed clientMessageId with other text as IDEMPOTENCY_CONFLICT", async () => {
        const c = await newConversation(t.app);
        await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "dup",
          text: "first text",
        });
        const res = await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "dup",
          text: "second text",
        });
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ error: { code: "IDEMPOTENCY_CONFLICT", message: expect.any(String) } });
      });

      it("scopes clientMessageIds to their conversation", async () => {
        const a = await newConversation(t.app);
        const b = await newConversation(t.app);
        const ra = await postMessage(t.app, a.id, a.token, { clientMessageId: "same", text: "in a" });
        const rb = await postMessage(t.app, b.id, b.token, { clientMessageId: "same", text: "in b" });
        expect([ra.statusCode, rb.statusCode]).toEqual([201, 201]);
      });

      it("creates one message when the same clientMessageId arrives many times at once", async () => {
        const c = await newConversation(t.app);
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            postMessage(t.app, c.id, c.token, { clientMessageId: "burst", text: "only once" }),
          ),
        );
        expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
        expect(new Set(results.map((r) => r.json().message.id)).size).toBe(1);
        const customerMessages = (await t.store.listMessages(c.id, {})).filter(
          (m) => m.author === "customer",
        );
        expect(customerMessages).toHaveLength(1);
      });

      it("numbers concurrent messages without gaps or duplicates", async () => {
        const c = await newConversation(t.app);
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            postMessage(t.app, c.id, c.token, { clientMessageId: `c${i}`, text: `message ${i}` }),
          ),
        );
        expect(results.every((r) => r.statusCode === 201)).toBe(true);
        const seqs = (await t.store.listMessages(c.id, { includeInternal: true })).map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      });

      it("lists messages after a seq, in seq order, including system, agent and AI messages", async () => {
        const c = await queued("I need a person");
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "a1",
          text: "Hi, Alice here",
        });
        await call("POST", `/api/v1/conversations/${c.id}/handback`, alice.token);
        // The responder port is off here; write an AI reply through the use case, as the AI pipeline would.
        const ai = await t.conversations.postAiMessage(c.id, { text: "Back with the assistant." });
        expect(ai).not.toBeNull();

        const all = await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token);
        expect(all.status).toBe(200);
        const seqs = all.body.messages.map((m: Json) => m.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
        expect(all.body.messages.map((m: Json) => m.author)).toEqual([
          "customer",
          "system",
          "system",
          "agent",
          "system",
          "ai",
        ]);
        expect(all.body.messages.map((m: Json) => m.meta?.kind ?? null)).toEqual([
          null,
          "queued",
          "agent_joined",
          null,
          "handed_back",
          null,
        ]);
        expect(all.body.messages[3]).toMatchObject({
          author: "agent",
          authorName: "Alice",
          text: "Hi, Alice here",
        });

        const after3 = await call("GET", `/api/v1/conversations/${c.id}/messages?after=3`, c.token);
        expect(after3.body.messages.map((m: Json) => m.seq)).toEqual([4, 5, 6]);
        const limited = await call("GET", `/api/v1/conversations/${c.id}/messages?after=1&limit=2`, c.token);
        expect(limited.body.messages.map((m: Json) => m.seq)).toEqual([2, 3]);
        const none = await call("GET", `/api/v1/conversations/${c.id}/messages?after=6`, c.token);
        expect(none.body).toEqual({ messages: [] });
      });

      it("does not show agents' internal ids and triage to the customer", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "a1",
          text: "hello",
        });
        const res = await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token);
        for (const m of res.body.messages) {
          expect(m).not.toHaveProperty("authorId");
          expect(m).not.toHaveProperty("triage");
          expect(m).not.toHaveProperty("internal");
        }
        expect(res.body.messages.find((m: Json) => m.author === "agent").clientMessageId).toBeNull();
      });

      it("keeps the time zone the widget sends, so wait times can be told in the customer's clock, and refuses a made-up one", async () => {
        const res = await call("POST", "/api/v1/conversations", null, { customer: { timeZone: "Europe/Paris" } });
        expect(res.status).toBe(201);
        const stored = await t.store.getConversation(res.body.conversation.id);
        expect((await t.store.getCustomer(stored!.customerId))?.attributes).toEqual({ timeZone: "Europe/Paris" });
        const bad = await call("POST", "/api/v1/conversations", null, { customer: { timeZone: "Mars/Olympus_Mons" } });
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain("timeZone");
      });

      it("lets the customer ask for a person", async () => {
        const c = await newConversation(t.app);
        const res = await call("POST", `/api/v1/conversations/${c.id}/escalate`, c.token);
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({ status: "waiting_human", owner: { kind: "queue" } });
        expect(await t.store.getConversation(c.id)).toMatchObject({ tier: 1, reasons: ["human_requested"] });
      });

      it("lets the customer close the conversation", async () => {
        const c = await queued();
        const res = await call("POST", `/api/v1/conversations/${c.id}/resolve`, c.token);
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({ status: "resolved", owner: { kind: "none" } });
        expect((await t.store.getConversation(c.id))?.resolutionCode).toBe("customer_closed");
      });
    });

    describe("AI off mode", () => {
      it("queues the conversation for people at the first customer message", async () => {
        const c = await newConversation(t.app);
        const res = await postMessage(t.app, c.id, c.token, { clientMessageId: "m1", text: "hello?" });
        expect(res.statusCode).toBe(201);
        const conv = await call("GET", `/api/v1/conversations/${c.id}`, alice.token);
        expect(conv.body.conversation).toMatchObject({
          status: "waiting_human",
          owner: { kind: "queue", tier: 1 },
          tier: 1,
          reasons: ["ai_off"],
        });
        const messages = (await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token)).body.messages;
        expect(messages.map((m: Json) => [m.seq, m.author, m.meta?.kind ?? null])).toEqual([
          [1, "customer", null],
          [2, "system", "queued"],
        ]);
        const events = (await call("GET", `/api/v1/conversations/${c.id}/events`, alice.token)).body.events;
        expect(events.map((e: Json) => e.type)).toEqual(["created", "escalated"]);
        expect(events[1]).toMatchObject({
          actorKind: "system",
          data: { from: "ai", to: "waiting_human", reasons: ["ai_off"] },
        });
      });

      it("does not queue twice when the customer keeps writing", async () => {
        const c = await queued();
        await postMessage(t.app, c.id, c.token, { clientMessageId: "m2", text: "anyone?" });
        const events = (await call("GET", `/api/v1/conversations/${c.id}/events`, alice.token)).body.events;
        expect(events.filter((e: Json) => e.type === "escalated")).toHaveLength(1);
        const systemMessages = (await t.store.listMessages(c.id, {})).filter((m) => m.author === "system");
        expect(systemMessages).toHaveLength(1);
      });

      it("reopens a resolved conversation when the customer writes again, and queues it again", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        await call("POST", `/api/v1/conversations/${c.id}/resolve`, alice.token, {
          resolutionCode: "answered",
        });
        const res = await postMessage(t.app, c.id, c.token, {
          clientMessageId: "later",
          text: "one more thing",
        });
        expect(res.statusCode).toBe(201);
        const conv = (await call("GET", `/api/v1/conversations/${c.id}`, alice.token)).body.conversation;
        expect(conv).toMatchObject({
          status: "waiting_human",
          assigneeId: null,
          resolvedAt: null,
          resolutionCode: null,
        });
        const types = (
          await call("GET", `/api/v1/conversations/${c.id}/events`, alice.token)
        ).body.events.map((e: Json) => e.type);
        expect(types).toEqual(["created", "escalated", "claimed", "resolved", "reopened", "escalated"]);
      });
    });

    describe("agent side", () => {
      it("logs in with email and password, returning a token, the user and a session cookie", async () => {
        const res = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: "alice@example.test", password: alice.password },
        });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toEqual(
          expect.objectContaining({
            token: expect.stringMatching(/^tk_a_/),
            user: expect.objectContaining({
              id: alice.user.id,
              email: "alice@example.test",
              displayName: "Alice",
              role: "agent",
              tier: 1,
            }),
          }),
        );
        expect(JSON.stringify(body)).not.toMatch(/password|hash/i);
        const cookie = res.cookies.find((c) => c.name === "tandem_session");
        expect(cookie).toMatchObject({ value: body.token, httpOnly: true, sameSite: "Strict", path: "/" });
        // The console authenticates with the cookie alone.
        const me = await t.app.inject({
          method: "GET",
          url: "/api/v1/me",
          cookies: { tandem_session: cookie?.value ?? "" },
        });
        expect(me.statusCode).toBe(200);
        expect(me.json().user.id).toBe(alice.user.id);
      });

      it("refuses a wrong password and an unknown email with the same error", async () => {
        const wrong = await call("POST", "/api/v1/auth/login", null, {
          email: "alice@example.test",
          password: "nope-nope",
        });
        const unknown = await call("POST", "/api/v1/auth/login", null, {
          email: "nobody@example.test",
          password: "nope-nope",
        });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(wrong.body).toEqual(unknown.body);
        expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
      });

      it("revokes the session on logout", async () => {
        const leaver = await addAgent(t, "leaver@example.test", { name: "Leaver" });
        const session = await call("POST", "/api/v1/auth/login", null, {
          email: "leaver@example.test",
          password: leaver.password,
        });
        expect((await call("GET", "/api/v1/me", session.body.token)).status).toBe(200);
        expect((await call("POST", "/api/v1/auth/logout", session.body.token)).status).toBe(200);
        const after = await call("GET", "/api/v1/me", session.body.token);
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe("UNAUTHENTICATED");
      });

      it("claims a queued conversation, posts a reply and resolves it", async () => {
        const c = await queued();
        const claim = await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        expect(claim.status).toBe(200);
        expect(claim.body.conversation).toMatchObject({
          id: c.id,
          status: "human",
          owner: { kind: "agent", agentId: alice.user.id, name: "Alice" },
          tier: 1,
          reasons: ["ai_off"],
          assigneeId: alice.user.id,
        });

        const reply = await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "r1",
          text: "I'm on it",
        });
        expect(reply.status).toBe(201);
        expect(reply.body.message).toMatchObject({
          seq: 4,
          author: "agent",
          authorId: alice.user.id,
          authorName: "Alice",
          text: "I'm on it",
          internal: false,
          createdAt: isoDate,
        });
        expect((await t.store.getConversation(c.id))?.firstHumanResponseAt).not.toBeNull();

        const replay = await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "r1",
          text: "I'm on it",
        });
        expect(replay.status).toBe(200);
        expect(replay.body.message.id).toBe(reply.body.message.id);

        const resolved = await call("POST", `/api/v1/conversations/${c.id}/resolve`, alice.token, {
          resolutionCode: "shipped",
        });
        expect(resolved.status).toBe(200);
        expect(resolved.body.conversation).toMatchObject({
          status: "resolved",
          owner: { kind: "none" },
          resolutionCode: "shipped",
          resolvedAt: isoDate,
        });
        const last = (await t.store.listMessages(c.id, {})).at(-1);
        expect(last).toMatchObject({ author: "system", meta: { kind: "resolved" } });
      });

      it("reads a conversation with an agent token and with its own token", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, bob.token);
        const asAgent = await call("GET", `/api/v1/conversations/${c.id}`, alice.token);
        const asCustomer = await call("GET", `/api/v1/conversations/${c.id}`, c.token);
        expect(asAgent.status).toBe(200);
        expect(asAgent.body.conversation).toMatchObject({
          id: c.id,
          status: "human",
          owner: { kind: "agent", agentId: bob.user.id, name: "Bob" },
          tier: 1,
          reasons: ["ai_off"],
        });
        expect(asAgent.body.conversation.customerId).toEqual(expect.any(String));
        // The customer sees who is helping them by name, not the agent's account id, tier or escalation reasons.
        expect(asCustomer.status).toBe(200);
        expect(asCustomer.body.conversation).toMatchObject({ id: c.id, status: "human", owner: { kind: "agent", name: "Bob" } });
        expect(asCustomer.body.conversation.owner).not.toHaveProperty("agentId");
        for (const key of ["customerId", "assigneeId", "tier", "reasons"]) expect(asCustomer.body.conversation).not.toHaveProperty(key);
      });

      it("answers 404 for a conversation that does not exist", async () => {
        const res = await call("GET", "/api/v1/conversations/does-not-exist", alice.token);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("CONVERSATION_NOT_FOUND");
        const claim = await call("POST", "/api/v1/conversations/does-not-exist/claim", alice.token);
        expect(claim.status).toBe(404);
        expect(claim.body.error.code).toBe("CONVERSATION_NOT_FOUND");
      });

      it("refuses a reply from an agent who has not claimed the conversation", async () => {
        const c = await queued();
        const res = await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "x",
          text: "hi",
        });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("NOT_ASSIGNEE");
        await call("POST", `/api/v1/conversations/${c.id}/claim`, bob.token);
        const other = await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
          clientMessageId: "x",
          text: "hi",
        });
        expect(other.status).toBe(409);
        expect(other.body.error.code).toBe("NOT_ASSIGNEE");
      });

      it("keeps internal notes from the customer, in the list and in the seq numbering they see", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const note = await call("POST", `/api/v1/conversations/${c.id}/messages`, bob.token, {
          clientMessageId: "n1",
          text: "VIP, refund approved",
          internal: true,
        });
        expect(note.status).toBe(201);
        expect(note.body.message).toMatchObject({
          internal: true,
          author: "agent",
          text: "VIP, refund approved",
        });

        const customerView = await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token);
        expect(customerView.body.messages.map((m: Json) => m.text)).not.toContain("VIP, refund approved");
        expect(JSON.stringify(customerView.body)).not.toContain("refund approved");
        const agentView = await call("GET", `/api/v1/conversations/${c.id}/messages`, alice.token);
        expect(agentView.body.messages.find((m: Json) => m.id === note.body.message.id)).toMatchObject({
          internal: true,
        });
      });

      it("refuses an internal note posted with a customer token", async () => {
        const c = await newConversation(t.app);
        const res = await call("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "n",
          text: "sneaky",
          internal: true,
        });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe("FORBIDDEN");
        expect(await t.store.listMessages(c.id, { includeInternal: true })).toEqual([]);
      });

      it("transfers to another agent, who can then reply while the first cannot", async () => {
        await t.store.updateUser(bob.user.id, { presence: "online" });
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const res = await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, {
          toAgentId: bob.user.id,
          note: "billing question",
        });
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({
          status: "human",
          assigneeId: bob.user.id,
          owner: { kind: "agent", agentId: bob.user.id, name: "Bob" },
        });
        expect(
          (
            await call("POST", `/api/v1/conversations/${c.id}/messages`, bob.token, {
              clientMessageId: "b",
              text: "Bob here",
            })
          ).status,
        ).toBe(201);
        expect(
          (
            await call("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
              clientMessageId: "a",
              text: "Alice",
            })
          ).body.error.code,
        ).toBe("NOT_ASSIGNEE");

        const customer = (await call("GET", `/api/v1/conversations/${c.id}/messages`, c.token)).body.messages;
        expect(customer.map((m: Json) => m.text)).not.toContain("billing question");
        expect(
          customer.filter((m: Json) => m.meta?.kind === "agent_joined").map((m: Json) => m.meta.agentName),
        ).toEqual(["Alice", "Bob"]);
        const agent = (await call("GET", `/api/v1/conversations/${c.id}/messages`, bob.token)).body.messages;
        expect(agent.find((m: Json) => m.text === "billing question")).toMatchObject({
          internal: true,
          meta: { kind: "transfer_note" },
        });
      });

      it("transfers back to a tier queue with no owner", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const res = await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, { toTier: 2 });
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({
          status: "waiting_human",
          assigneeId: null,
          tier: 2,
          owner: { kind: "queue", tier: 2 },
        });
      });

      it("refuses a transfer by an agent who does not hold the conversation, but lets a supervisor do it", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const refused = await call("POST", `/api/v1/conversations/${c.id}/transfer`, bob.token, {
          toAgentId: bob.user.id,
        });
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe("NOT_ASSIGNEE");
        const bySupervisor = await call("POST", `/api/v1/conversations/${c.id}/transfer`, sam.token, {
          toAgentId: bob.user.id,
        });
        expect(bySupervisor.status).toBe(200);
        expect(bySupervisor.body.conversation.assigneeId).toBe(bob.user.id);
      });

      it("lets an agent pass a case only to a colleague at work with room, as a claim must; a supervisor may anyway", async () => {
        const carol = await addAgent(t, "carla@example.test", { name: "Carla", capacity: 1 });
        const held = await queued();
        await call("POST", `/api/v1/conversations/${held.id}/claim`, alice.token);
        const offline = await call("POST", `/api/v1/conversations/${held.id}/transfer`, alice.token, {
          toAgentId: carol.user.id,
        });
        expect(offline.status).toBe(409);
        expect(offline.body.error.code).toBe("AGENT_UNAVAILABLE");
        await t.store.updateUser(carol.user.id, { presence: "online" });
        expect(
          (await call("POST", `/api/v1/conversations/${held.id}/transfer`, alice.token, { toAgentId: carol.user.id }))
            .status,
        ).toBe(200);
        // Carol is full: a queued case cannot be moved onto her by a peer, nor can she move one onto herself.
        const waiting = await queued();
        for (const token of [alice.token, carol.token]) {
          const full = await call("POST", `/api/v1/conversations/${waiting.id}/transfer`, token, {
            toAgentId: carol.user.id,
          });
          expect(full.status).toBe(409);
          expect(full.body.error.code).toBe("AGENT_AT_CAPACITY");
        }
        expect((await t.store.getConversation(waiting.id))?.status).toBe("waiting_human");
        const bySupervisor = await call("POST", `/api/v1/conversations/${waiting.id}/transfer`, sam.token, {
          toAgentId: carol.user.id,
        });
        expect(bySupervisor.status).toBe(200);
      });

      it("refuses a transfer to an agent who does not exist", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const res = await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, {
          toAgentId: "nobody",
        });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("USER_NOT_FOUND");
        expect((await t.store.getConversation(c.id))?.assigneeId).toBe(alice.user.id);
      });

      it("hands a conversation back to the AI", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const res = await call("POST", `/api/v1/conversations/${c.id}/handback`, alice.token);
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({
          status: "ai",
          owner: { kind: "ai" },
          assigneeId: null,
          tier: null,
          reasons: [],
        });
        const last = (await t.store.listMessages(c.id, {})).at(-1);
        expect(last).toMatchObject({ author: "system", meta: { kind: "handed_back" } });
      });

      it("lets a supervisor resolve a conversation another agent holds", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        expect((await call("POST", `/api/v1/conversations/${c.id}/resolve`, bob.token)).body.error.code).toBe(
          "NOT_ASSIGNEE",
        );
        const res = await call("POST", `/api/v1/conversations/${c.id}/resolve`, sam.token, {
          resolutionCode: "duplicate",
        });
        expect(res.status).toBe(200);
        expect(res.body.conversation.status).toBe("resolved");
      });

      it("escalates to a higher tier on an agent's judgment", async () => {
        const c = await queued();
        const res = await call("POST", `/api/v1/conversations/${c.id}/escalate`, alice.token, {
          tier: 3,
          note: "legal",
        });
        expect(res.status).toBe(200);
        expect(res.body.conversation).toMatchObject({
          status: "waiting_human",
          tier: 3,
          reasons: ["ai_off", "judgment_call"],
        });
      });

      it("records every state change in the event log with who did it", async () => {
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        await t.store.updateUser(bob.user.id, { presence: "away" });
        await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, { toAgentId: bob.user.id });
        await call("POST", `/api/v1/conversations/${c.id}/resolve`, bob.token);
        const res = await call("GET", `/api/v1/conversations/${c.id}/events`, sam.token);
        expect(res.status).toBe(200);
        expect(res.body.events.map((e: Json) => [e.type, e.actorKind, e.actorId])).toEqual([
          ["created", "customer", expect.any(String)],
          ["escalated", "system", null],
          ["claimed", "agent", alice.user.id],
          ["transferred", "agent", alice.user.id],
          ["resolved", "agent", bob.user.id],
        ]);
      });

      it("lists the inbox by status and tier, newest activity first", async () => {
        const tier1 = await queued();
        const tier2 = await queued();
        await call("POST", `/api/v1/conversations/${tier2.id}/escalate`, alice.token, { tier: 2 });
        const held = await queued();
        await call("POST", `/api/v1/conversations/${held.id}/claim`, bob.token);

        const waiting = await call(
          "GET",
          "/api/v1/conversations?status=waiting_human&limit=1000",
          alice.token,
        );
        expect(waiting.status).toBe(200);
        const waitingIds = waiting.body.conversations.map((c: Json) => c.id);
        expect(waitingIds).toEqual(expect.arrayContaining([tier1.id, tier2.id]));
        expect(waitingIds).not.toContain(held.id);
        expect(waiting.body.conversations.every((c: Json) => c.status === "waiting_human")).toBe(true);
        const updated = waiting.body.conversations.map((c: Json) => Date.parse(c.updatedAt));
        expect(updated).toEqual([...updated].sort((a, b) => b - a));

        const t2 = await call(
          "GET",
          "/api/v1/conversations?status=waiting_human&tier=2&limit=1000",
          alice.token,
        );
        const t2Ids = t2.body.conversations.map((c: Json) => c.id);
        expect(t2Ids).toContain(tier2.id);
        expect(t2Ids).not.toContain(tier1.id);
        expect(t2.body.conversations.every((c: Json) => c.tier === 2)).toBe(true);

        const mine = await call("GET", "/api/v1/conversations?assignee=me&limit=1000", bob.token);
        expect(mine.body.conversations.map((c: Json) => c.id)).toContain(held.id);
        expect(mine.body.conversations.every((c: Json) => c.assigneeId === bob.user.id)).toBe(true);

        const several = await call(
          "GET",
          "/api/v1/conversations?status=human,waiting_human&limit=1000",
          alice.token,
        );
        expect(several.body.conversations.map((c: Json) => c.id)).toEqual(
          expect.arrayContaining([tier1.id, held.id]),
        );
      });

      it("pages through the whole inbox with the nextBefore cursor, missing nothing", async () => {
        for (let i = 0; i < 5; i++) await queued();
        const all = await call("GET", "/api/v1/conversations?status=waiting_human&limit=1000", alice.token);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await call("GET", `/api/v1/conversations?status=waiting_human&limit=2${cursor ? `&before=${cursor}` : ""}`, alice.token);
          expect(page.status).toBe(200);
          seen.push(...page.body.conversations.map((c: Json) => c.id));
          cursor = page.body.nextBefore;
        } while (cursor);
        expect(seen).toEqual(all.body.conversations.map((c: Json) => c.id));
        expect(new Set(seen).size).toBe(seen.length);
      });

      it("answers who is signed in without an error when nobody is, the session expired or a customer asks", async () => {
        const c = await newConversation(t.app);
        for (const token of [null, "not-a-token", c.token]) {
          const res = await call("GET", "/api/v1/auth/session", token);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ user: null });
        }
        const signedIn = await call("GET", "/api/v1/auth/session", alice.token);
        expect(signedIn.status).toBe(200);
        expect(signedIn.body.user).toMatchObject({ id: alice.user.id, displayName: "Alice" });
        expect(JSON.stringify(signedIn.body)).not.toMatch(/password|hash/i);
      });

      it("sets the agent's presence", async () => {
        const res = await call("PATCH", "/api/v1/me/presence", alice.token, { presence: "online" });
        expect(res.status).toBe(200);
        expect(res.body.user.presence).toBe("online");
        expect((await call("GET", "/api/v1/me", alice.token)).body.user.presence).toBe("online");
        // Offline again: an online agent with room would be assigned the queue the later tests build.
        expect((await call("PATCH", "/api/v1/me/presence", alice.token, { presence: "away" })).status).toBe(200);
        await t.store.updateUser(alice.user.id, { presence: "offline" });
      });

      it("lets an admin create a user who can then log in", async () => {
        const res = await call("POST", "/api/v1/users", root.token, {
          email: "carol@example.test",
          password: "long-enough-pw",
          displayName: "Carol",
          role: "agent",
          tier: 2,
          skills: ["billing"],
          languages: ["en"],
          capacity: 3,
        });
        expect(res.status).toBe(201);
        expect(res.body.user).toMatchObject({
          email: "carol@example.test",
          role: "agent",
          tier: 2,
          skills: ["billing"],
          capacity: 3,
        });
        expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
        expect(
          (
            await call("POST", "/api/v1/auth/login", null, {
              email: "carol@example.test",
              password: "long-enough-pw",
            })
          ).status,
        ).toBe(200);
        const again = await call("POST", "/api/v1/users", root.token, {
          email: "carol@example.test",
          password: "long-enough-pw",
          displayName: "C2",
          role: "agent",
        });
        expect(again.status).toBe(409);
        expect(again.body.error.code).toBe("EMAIL_TAKEN");
        const list = await call("GET", "/api/v1/users", sam.token);
        expect(list.status).toBe(200);
        expect(list.body.users.map((u: Json) => u.email)).toContain("carol@example.test");
      });
    });

    describe("roles", () => {
      type Route = { method: "GET" | "POST" | "PATCH"; url: (id: string) => string; body?: unknown };
      const agentRoutes: Route[] = [
        { method: "GET", url: () => "/api/v1/conversations" },
        { method: "POST", url: (id) => `/api/v1/conversations/${id}/claim` },
        { method: "POST", url: (id) => `/api/v1/conversations/${id}/transfer`, body: { toTier: 2 } },
        { method: "POST", url: (id) => `/api/v1/conversations/${id}/handback` },
        { method: "GET", url: (id) => `/api/v1/conversations/${id}/events` },
        { method: "GET", url: () => "/api/v1/me" },
        { method: "PATCH", url: () => "/api/v1/me/presence", body: { presence: "away" } },
        { method: "POST", url: () => "/api/v1/auth/logout" },
        { method: "GET", url: () => "/api/v1/users" },
        {
          method: "POST",
          url: () => "/api/v1/users",
          body: { email: "x@example.test", password: "long-enough-pw", displayName: "X", role: "admin" },
        },
      ];

      it.each(agentRoutes)(
        "refuses a customer token on $method agent route with 403 FORBIDDEN (%#)",
        async (route) => {
          const c = await queued();
          const before = await t.store.getConversation(c.id);
          const res = await call(route.method, route.url(c.id), c.token, route.body);
          expect(res.status).toBe(403);
          expect(res.body).toEqual({ error: { code: "FORBIDDEN", message: expect.any(String) } });
          expect(await t.store.getConversation(c.id)).toEqual(before);
        },
      );

      it.each(agentRoutes)("refuses $method agent route without a token with 401 (%#)", async (route) => {
        const c = await queued();
        const res = await call(route.method, route.url(c.id), null, route.body);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe("UNAUTHENTICATED");
      });

      it("refuses the user list to a plain agent and user creation to a supervisor", async () => {
        const list = await call("GET", "/api/v1/users", alice.token);
        expect(list.status).toBe(403);
        expect(list.body.error.code).toBe("FORBIDDEN");
        const body = { email: "y@example.test", password: "long-enough-pw", displayName: "Y", role: "admin" };
        for (const who of [alice, sam]) {
          const res = await call("POST", "/api/v1/users", who.token, body);
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe("FORBIDDEN");
        }
        expect(await t.store.getUserAuth("y@example.test")).toBeNull();
      });

      it("refuses a customer token on a conversation route of another conversation", async () => {
        const mine = await newConversation(t.app);
        const other = await queued();
        for (const [method, url, body] of [
          ["GET", `/api/v1/conversations/${other.id}`, undefined],
          ["GET", `/api/v1/conversations/${other.id}/messages`, undefined],
          ["POST", `/api/v1/conversations/${other.id}/messages`, { clientMessageId: "z", text: "hi" }],
          ["POST", `/api/v1/conversations/${other.id}/escalate`, undefined],
          ["POST", `/api/v1/conversations/${other.id}/resolve`, undefined],
        ] as const) {
          const res = await call(method, url, mine.token, body);
          expect(res.status, `${method} ${url}`).toBe(403);
          expect(res.body.error.code).toBe("FORBIDDEN");
        }
      });
    });

    describe("one owner", () => {
      it("gives a conversation to exactly one of 10 agents claiming it at once", async () => {
        const claimers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            addAgent(t, `claimer${i}-${Date.now()}@example.test`, { name: `Claimer ${i}` }),
          ),
        );
        const c = await queued();
        const results = await Promise.all(
          claimers.map((a) => call("POST", `/api/v1/conversations/${c.id}/claim`, a.token)),
        );
        const won = results.filter((r) => r.status === 200);
        const lost = results.filter((r) => r.status === 409);
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const r of lost) expect(r.body.error.code).toBe("ALREADY_ASSIGNED");
        const winner = won[0]?.body.conversation.assigneeId;
        expect((await t.store.getConversation(c.id))?.assigneeId).toBe(winner);
        const joined = (await t.store.listMessages(c.id, {})).filter((m) => m.meta?.kind === "agent_joined");
        expect(joined).toHaveLength(1);
        expect((await t.store.listEvents(c.id)).filter((e) => e.type === "claimed")).toHaveLength(1);
      });

      it("refuses a second claim of a held conversation", async () => {
        const c = await queued();
        expect((await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token)).status).toBe(200);
        const again = await call("POST", `/api/v1/conversations/${c.id}/claim`, bob.token);
        expect(again.status).toBe(409);
        expect(again.body.error.code).toBe("ALREADY_ASSIGNED");
      });

      it("refuses an agent's claim beyond their capacity, and lets a supervisor step in", async () => {
        // A Tandem of its own: nobody online, so no conversation is assigned behind the test's back.
        const desk = await startTandem({ TANDEM_AI: "off" });
        try {
          const cam = await addAgent(desk, "cam@example.test", { name: "Cam", capacity: 1 });
          const lead = await addAgent(desk, "lead@example.test", { name: "Lee", role: "supervisor", capacity: 1 });
          const open = async () => {
            const c = await newConversation(desk.app);
            await postMessage(desk.app, c.id, c.token, { clientMessageId: "m", text: "I want a person" });
            return c.id;
          };
          const claim = (id: string, token: string) =>
            desk.app.inject({ method: "POST", url: `/api/v1/conversations/${id}/claim`, headers: bearer(token) });
          const [first, second, third] = [await open(), await open(), await open()];
          expect((await claim(first, cam.token)).statusCode).toBe(200);
          const full = await claim(second, cam.token);
          expect(full.statusCode).toBe(409);
          expect(full.json().error).toMatchObject({ code: "AGENT_AT_CAPACITY", message: expect.stringContaining("1 conversation") });
          expect((await desk.store.getConversation(second))?.status).toBe("waiting_human");
          expect((await claim(second, lead.token)).statusCode).toBe(200);
          expect((await claim(third, lead.token)).statusCode).toBe(200); // over a supervisor's own capacity: allowed
        } finally {
          await desk.close();
        }
      });

      it("refuses a transfer to an admin, or to both an agent and a tier at once", async () => {
        const admin = await addAgent(t, "ada@example.test", { name: "Ada", role: "admin" });
        const c = await queued();
        await call("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
        const toAdmin = await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, { toAgentId: admin.user.id });
        expect(toAdmin.status).toBe(409);
        expect(toAdmin.body.error.code).toBe("AGENT_UNAVAILABLE");
        const both = await call("POST", `/api/v1/conversations/${c.id}/transfer`, alice.token, { toAgentId: bob.user.id, toTier: 3 });
        expect(both.status).toBe(400);
        expect((await t.store.getConversation(c.id))?.assigneeId).toBe(alice.user.id);
      });
    });
  });

  describe(`AI responder on ${target.name}`, () => {
    let drop: () => Promise<void>;
    let url: string;
    const opened: Tandem[] = [];

    beforeAll(async () => {
      const db = await target.create();
      drop = db.drop;
      url = db.url;
    });
    afterAll(async () => {
      for (const t of opened) await t.close();
      await drop?.();
    });

    async function withResponder(responder: Responder) {
      const t = await startTandem({ DATABASE_URL: url }, { responder, triage: null });
      opened.push(t);
      return t;
    }

    it("shows customers citations by title and file name only, and none of the desk's working notes", async () => {
      const t = await withResponder({
        async respond() {
          return {
            kind: "reply",
            text: "You can return any item within 30 days.",
            meta: {
              kind: "answer",
              citations: [
                { documentId: "/srv/kb/returns.md", title: "Returns", source: "/srv/kb/returns.md", url: "/srv/kb/returns.md" },
                { documentId: "faq", title: "FAQ", source: "help site", url: "https://shop.example/faq" },
              ],
              passages: [{ documentId: "/srv/kb/returns.md", score: 3.2 }],
              usage: { promptTokens: 900, completionTokens: 40 },
              reason: "weak_match",
              actions: [{ name: "lookup_order", params: { orderId: "LC-1" } }],
            },
          };
        },
      });
      const c = await newConversation(t.app);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "returns?" });
      await t.conversations.drain();
      const ai = (await api(t)("GET", `/api/v1/conversations/${c.id}/messages`, c.token)).body.messages[1];
      expect(ai.meta).toEqual({
        kind: "answer",
        citations: [
          { title: "Returns", source: "returns.md", url: null },
          { title: "FAQ", source: "help site", url: "https://shop.example/faq" },
        ],
      });
      expect(JSON.stringify(ai)).not.toContain("/srv/kb");
    });

    it("posts the responder's reply after the customer message", async () => {
      const seen: ResponderContext[] = [];
      const t = await withResponder({
        async respond(ctx) {
          seen.push(ctx);
          return { kind: "reply", text: `You said: ${ctx.message.text}`, meta: { source: "test" } };
        },
      });
      const c = await newConversation(t.app);
      const res = await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "opening hours?" });
      expect(res.statusCode).toBe(201);
      await t.conversations.drain();
      const messages = (await api(t)("GET", `/api/v1/conversations/${c.id}/messages`, c.token)).body.messages;
      expect(messages.map((m: Json) => [m.seq, m.author, m.text])).toEqual([
        [1, "customer", "opening hours?"],
        [2, "ai", "You said: opening hours?"],
      ]);
      // The responder's working notes stay on the desk's side: customers see only what the widget renders.
      expect(messages[1].meta).toEqual({});
      expect((await t.store.listMessages(c.id, {}))[1]?.meta).toEqual({ source: "test" });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.conversation.id).toBe(c.id);
      expect(seen[0]?.history.map((m) => m.text)).toContain("opening hours?");
      expect((await t.store.getConversation(c.id))?.status).toBe("ai");
    });

    it("does not call the responder again for a replayed message", async () => {
      let calls = 0;
      const t = await withResponder({
        async respond() {
          calls++;
          return { kind: "none" };
        },
      });
      const c = await newConversation(t.app);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "hi" });
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "hi" });
      await t.conversations.drain();
      expect(calls).toBe(1);
    });

    it("drops an AI reply that races a claim, atomically", async () => {
      const called = deferred();
      const release = deferred();
      const t = await withResponder({
        async respond() {
          called.resolve();
          await release.promise;
          return { kind: "reply", text: "late AI answer" };
        },
      });
      const agent = await addAgent(t, `racer-${target.name}@example.test`, { name: "Racer" });
      const c = await newConversation(t.app);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "help" });
      await called.promise;
      const claim = await api(t)("POST", `/api/v1/conversations/${c.id}/claim`, agent.token);
      expect(claim.status).toBe(200);
      release.resolve();
      await t.conversations.drain();

      const messages = await t.store.listMessages(c.id, { includeInternal: true });
      expect(messages.map((m) => m.author)).toEqual(["customer", "system"]);
      expect(messages.some((m) => m.text === "late AI answer")).toBe(false);
      expect((await t.store.getConversation(c.id))?.status).toBe("human");
      const metrics = await t.app.inject({ method: "GET", url: "/metrics" });
      expect(metrics.body).toMatch(/^tandem_ai_replies_dropped_total 1$/m);
    });

    it("hands over to a person when the responder escalates, with its parting words", async () => {
      const t = await withResponder({
        async respond() {
          return {
            kind: "escalate",
            tier: 2,
            reasons: ["cannot_answer"],
            text: "Let me find someone who can help.",
          };
        },
      });
      const c = await newConversation(t.app);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "tricky question" });
      await t.conversations.drain();
      const conv = await t.store.getConversation(c.id);
      expect(conv).toMatchObject({ status: "waiting_human", tier: 2, reasons: ["cannot_answer"] });
      const messages = await t.store.listMessages(c.id, {});
      expect(messages.map((m) => [m.author, m.meta?.kind ?? null])).toEqual([
        ["customer", null],
        ["ai", null],
        ["system", "queued"],
      ]);
    });

    it("hands over to a person when the responder fails", async () => {
      const t = await withResponder({
        async respond() {
          throw new Error("model unavailable");
        },
      });
      const c = await newConversation(t.app);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "hello" });
      await t.conversations.drain();
      expect(await t.store.getConversation(c.id)).toMatchObject({
        status: "waiting_human",
        reasons: ["ai_error"],
      });
    });

    it("never calls the responder for a conversation a person holds", async () => {
      let calls = 0;
      const t = await withResponder({
        async respond() {
          calls++;
          return { kind: "reply", text: "AI" };
        },
      });
      const agent = await addAgent(t, `holder-${target.name}@example.test`);
      const c = await newConversation(t.app);
      await api(t)("POST", `/api/v1/conversations/${c.id}/claim`, agent.token);
      await postMessage(t.app, c.id, c.token, { clientMessageId: "q", text: "hello" });
      await t.conversations.drain();
      expect(calls).toBe(0);
      expect((await t.store.listMessages(c.id, {})).map((m) => m.author)).toEqual(["system", "customer"]);
    });
  });
}

describe("operations endpoints", () => {
  let t: Tandem;
  beforeAll(async () => {
    t = await startTandem({}, { triage: null, responder: null });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers liveness and readiness", async () => {
    const health = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true });
  });

  it("exposes Prometheus metrics, counting stored messages", async () => {
    const c = await newConversation(t.app);
    await postMessage(t.app, c.id, c.token, { clientMessageId: "m", text: "hi" });
    const res = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^tandem_messages_total\{author="customer"\} 1$/m);
    expect(res.body).toMatch(/^tandem_escalations_total\{reason="ai_off"\} 1$/m);
    expect(res.body).toMatch(/^# TYPE tandem_http_request_duration_seconds histogram$/m);
    expect(res.body).toContain("process_cpu_user_seconds_total");
  });

  it("serves the metrics only to a scraper that sends METRICS_TOKEN, when one is set", async () => {
    const guarded = await startTandem({ METRICS_TOKEN: "scrape-me-please-0123" }, { triage: null });
    try {
      const read = (authorization?: string) =>
        guarded.app.inject({ method: "GET", url: "/metrics", headers: authorization ? { authorization } : {} });
      for (const wrong of [undefined, "Bearer nope", "Bearer scrape-me-please-0124"]) {
        const res = await read(wrong);
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe("UNAUTHENTICATED");
        expect(res.body).not.toContain("tandem_");
      }
      const ok = await read("Bearer scrape-me-please-0123");
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain("tandem_messages_total");
    } finally {
      await guarded.close();
    }
  });

  it("keeps message text and tokens out of the metrics", async () => {
    const c = await newConversation(t.app);
    await postMessage(t.app, c.id, c.token, {
      clientMessageId: "secret",
      text: "my card is 4111 1111 1111 1111",
    });
    const res = await t.app.inject({ method: "GET", url: "/metrics" });
    // The text itself, not its digits alone: a metric's value (bytes, seconds) may contain "4111" by chance.
    expect(res.body).not.toContain("4111 1111");
    expect(res.body).not.toContain("my card");
    expect(res.body).not.toContain(c.token);
    expect(res.body).not.toContain(c.id);
  });

  it("documents every API route in the OpenAPI document", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );

    // Every API route the server answers, read from Fastify's own routing table (minus HEAD/OPTIONS).
    const tree = t.app.printRoutes({ commonPrefix: false });
    const registered = new Set<string>();
    const stack: string[] = [];
    for (const line of tree.split("\n")) {
      const m = /^([│ ]*)(?:├── |└── )(\S+) \(([^)]+)\)/.exec(line);
      if (!m) continue;
      const depth = (m[1] ?? "").length / 4;
      stack.length = depth;
      stack.push(m[2] ?? "");
      const path = stack
        .join("")
        .replace(/\/\//g, "/")
        .replace(/:(\w+)/g, "{$1}");
      for (const method of (m[3] ?? "").split(", ")) {
        if (method === "HEAD" || method === "OPTIONS") continue;
        // The API and the probes; static web assets (console, widget) and the docs themselves are not API routes.
        const isApi = path.startsWith("/api/") || path === "/healthz" || path === "/readyz";
        if (!isApi || path.startsWith("/api/docs") || path === "/api/openapi.json") continue;
        registered.add(`${method} ${path}`);
      }
    }
    expect(registered.size).toBeGreaterThan(15);
    expect(registered).toContain("GET /api/v1/stream");
    expect(registered).toContain("GET /api/v1/conversations/{id}/messages");
    expect(documented.sort()).toEqual([...registered].sort());

    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect((op as { summary?: string }).summary, `${method} ${path} has a summary`).toEqual(
          expect.any(String),
        );
      }
    }
    const post = doc.paths["/api/v1/conversations/{id}/messages"]?.post as {
      requestBody: { content: Record<string, { schema: Json }> };
    };
    const schema = post.requestBody.content["application/json"]?.schema;
    expect(schema.required).toEqual(expect.arrayContaining(["clientMessageId", "text"]));
    expect(schema.additionalProperties).toBe(false);
  });

  it("serves the API docs page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/docs" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });

  it("answers unknown routes with a coded 404", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
  });

  it("sets protective headers on every response", async () => {
    const res = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });
});
