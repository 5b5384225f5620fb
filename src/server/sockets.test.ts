// The API over real sockets: HTTP over TCP, the customer and agent WebSocket streams (order, resume, refusal) and
// graceful shutdown. Every wait is on an event or a response, never on a timer.

import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../test/support/databases.ts";
import { type HeldLlm, startHeldLlm } from "../../test/support/held-llm.ts";
import { addAgent, deferred, startTandem } from "../../test/support/tandem.ts";
import { openStream, type StreamEvent, seqsOf } from "../../test/support/ws-client.ts";
import { createMemoryBus } from "../adapters/bus/memory-bus.ts";
import type { Tandem } from "../main.ts";
import type { Bus } from "../ports/bus.ts";

type Agent = Awaited<ReturnType<typeof addAgent>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted field by field.
type Json = any;

function client(base: string) {
  return async (method: "GET" | "POST", path: string, token?: string | null, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };
}

/** A compact view of a stream for whole-sequence assertions: "status:ai", "message:1:customer", ... */
const describeEvents = (events: StreamEvent[]) =>
  events.map((e) =>
    e.type === "message"
      ? `message:${e.message.seq}:${e.message.author}`
      : e.type === "status"
        ? `status:${e.conversation.status}`
        : e.type,
  );

for (const target of testDatabases()) {
  describe(`over real sockets on ${target.name}`, () => {
    let t: Tandem;
    let drop: () => Promise<void>;
    let base: string;
    let ws: string;
    let http: ReturnType<typeof client>;
    let alice: Agent;

    beforeAll(async () => {
      const db = await target.create();
      drop = db.drop;
      t = await startTandem({ DATABASE_URL: db.url }, { triage: null, responder: null });
      alice = await addAgent(t, "alice@example.test", { name: "Alice" });
      base = await t.app.listen({ port: 0, host: "127.0.0.1" });
      ws = base.replace(/^http/, "ws");
      http = client(base);
    });
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    async function start() {
      const res = await http("POST", "/api/v1/conversations", null, { customer: { name: "Sock" } });
      expect(res.status).toBe(201);
      return { id: res.body.conversation.id as string, token: res.body.token as string };
    }

    it("serves the HTTP API over TCP with JSON and the coded error shape", async () => {
      const c = await start();
      const posted = await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId: "1",
        text: "over tcp",
      });
      expect(posted.status).toBe(201);
      expect(posted.headers.get("content-type")).toMatch(/^application\/json/);
      expect(posted.body.message).toMatchObject({ seq: 1, author: "customer", text: "over tcp" });
      const bad = await fetch(`${base}/api/v1/conversations/${c.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
        body: "{nope",
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: { code: "INVALID_JSON", message: expect.any(String) } });
    });

    it("answers CORS preflight for the widget", async () => {
      const res = await fetch(`${base}/api/v1/conversations`, {
        method: "OPTIONS",
        headers: {
          origin: "https://shop.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin")).toMatch(/^(\*|https:\/\/shop\.example)$/);
    });

    it("pushes the customer's message and status events in order, without internal notes", async () => {
      const c = await start();
      const stream = await openStream(`${ws}/api/v1/stream?token=${c.token}`);
      await stream.waitFor((e) => e.type === "status", "initial status");

      await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId: "1",
        text: "hello",
      });
      await stream.waitFor((e) => e.type === "message" && e.message.seq === 2, "queued notice");
      await http("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
      await http("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
        clientMessageId: "a",
        text: "Alice here",
      });
      await http("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
        clientMessageId: "n",
        text: "secret note",
        internal: true,
      });
      await http("POST", `/api/v1/conversations/${c.id}/resolve`, alice.token);
      await stream.waitFor((e) => e.type === "message" && e.message.seq === 6, "resolved notice");

      expect(describeEvents(stream.events)).toEqual([
        "status:ai",
        "message:1:customer",
        "status:waiting_human",
        "message:2:system",
        "status:human",
        "message:3:system",
        "message:4:agent",
        "status:resolved",
        "message:6:system",
      ]);
      expect(JSON.stringify(stream.events)).not.toContain("secret note");
      const status = stream.events.find((e) => e.type === "status" && e.conversation.status === "human");
      expect(status?.conversation).toMatchObject({ id: c.id, owner: { kind: "agent", name: "Alice" } });
      expect(status?.conversation).not.toHaveProperty("assigneeId");
      expect(
        stream.events.find((e) => e.type === "message" && e.message.seq === 4)?.message,
      ).not.toHaveProperty("authorId");
      await stream.close();
    });

    it("replays the backlog after the given seq on connect", async () => {
      const c = await start();
      for (let i = 1; i <= 4; i++)
        await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: `${i}`,
          text: `m${i}`,
        });
      // Seq 1 customer, 2 queued notice, 3..5 customer.
      const stream = await openStream(`${ws}/api/v1/stream?token=${c.token}&after=3`);
      await stream.waitFor((e) => e.type === "message" && e.message.seq === 5, "backlog");
      expect(seqsOf(stream.events)).toEqual([4, 5]);
      await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId: "5",
        text: "m5",
      });
      await stream.waitFor((e) => e.type === "message" && e.message.seq === 6, "live message");
      expect(seqsOf(stream.events)).toEqual([4, 5, 6]);
      await stream.close();
    });

    it("resumes after a reconnect with nothing lost or duplicated while messages keep arriving", async () => {
      const c = await start();
      const total = 30;
      let posted = 0;
      const progress = new Set<{ at: number; resolve: () => void }>();
      const postedAtLeast = (n: number) =>
        posted >= n ? Promise.resolve() : new Promise<void>((resolve) => progress.add({ at: n, resolve }));
      const poster = (async () => {
        for (let i = 1; i <= total; i++) {
          const res = await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
            clientMessageId: `p${i}`,
            text: `message ${i}`,
          });
          expect(res.status).toBe(201);
          posted = i;
          for (const p of progress) {
            if (posted < p.at) continue;
            progress.delete(p);
            p.resolve();
          }
        }
      })();

      const first = await openStream(`${ws}/api/v1/stream?token=${c.token}`);
      await first.waitFor((e) => e.type === "message" && e.message.seq >= 5, "first messages");
      await first.close();
      const seenBefore = seqsOf(first.events);
      const resumeAfter = seenBefore.at(-1) ?? 0;
      // Let more messages land while no socket is open, then reconnect while the poster is still going.
      const postedAtClose = posted;
      await postedAtLeast(Math.min(total, postedAtClose + 3));
      const second = await openStream(`${ws}/api/v1/stream?token=${c.token}&after=${resumeAfter}`);
      await poster;

      const lastSeq = (await t.store.getConversation(c.id))?.lastSeq ?? 0;
      expect(lastSeq).toBe(total + 1); // the customer's messages plus the queued notice
      await second.waitFor((e) => e.type === "message" && e.message.seq === lastSeq, "last message");
      const all = [...seenBefore, ...seqsOf(second.events)];
      expect(all).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      expect(Math.min(...seqsOf(second.events))).toBe(resumeAfter + 1);
      await second.close();
    });

    it("delivers every message exactly once, in seq order, while customer and agent post at once", async () => {
      const c = await start();
      await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId: "0",
        text: "start",
      });
      await http("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
      const stream = await openStream(`${ws}/api/v1/stream?token=${c.token}`);
      await stream.waitFor((e) => e.type === "message" && e.message.seq === 3, "backlog");
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          i % 2 === 0
            ? http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
                clientMessageId: `c${i}`,
                text: `customer ${i}`,
              })
            : http("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
                clientMessageId: `a${i}`,
                text: `agent ${i}`,
                internal: i % 3 === 0,
              }),
        ),
      );
      const stored = await t.store.listMessages(c.id, { limit: 1000 });
      const lastVisible = stored.at(-1)?.seq ?? 0;
      await stream.waitFor(
        (e) => e.type === "message" && e.message.seq === lastVisible,
        "last visible message",
      );
      expect(seqsOf(stream.events)).toEqual(stored.map((m) => m.seq));
      await stream.close();
    });

    it("refuses a bad token with an error event and a close", async () => {
      const stream = await openStream(`${ws}/api/v1/stream?token=tk_c_bogus`);
      const error = await stream.waitFor((e) => e.type === "error", "error event");
      expect(error).toEqual({
        type: "error",
        error: { code: "UNAUTHENTICATED", message: expect.any(String) },
      });
      expect(await stream.closed).toEqual({ code: 4401, reason: "UNAUTHENTICATED" });
      expect(stream.events).toHaveLength(1);
    });

    it("refuses an agent token on the customer stream and a customer token on the agent stream", async () => {
      const agentOnCustomer = await openStream(`${ws}/api/v1/stream?token=${alice.token}`);
      expect((await agentOnCustomer.waitFor((e) => e.type === "error")).error.code).toBe("FORBIDDEN");
      expect((await agentOnCustomer.closed).code).toBe(4403);

      const c = await start();
      const customerOnAgent = await openStream(`${ws}/api/v1/agent/stream?token=${c.token}`);
      expect((await customerOnAgent.waitFor((e) => e.type === "error")).error.code).toBe("FORBIDDEN");
      expect((await customerOnAgent.closed).code).toBe(4403);
    });

    it("refuses a stream request without a token before upgrading", async () => {
      await expect(openStream(`${ws}/api/v1/stream`)).rejects.toMatchObject({ statusCode: 400 });
    });

    it("pushes customer messages and status changes to the agent stream live", async () => {
      const stream = await openStream(`${ws}/api/v1/agent/stream?token=${alice.token}`);
      const hello = await stream.waitFor((e) => e.type === "hello", "hello");
      expect(hello.user).toEqual({ id: alice.user.id, displayName: "Alice", role: "agent" });

      const c = await start();
      await stream.waitFor((e) => e.type === "status" && e.conversation.id === c.id, "new conversation");
      await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId: "1",
        text: "I need help",
      });
      await http("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
      await http("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
        clientMessageId: "n",
        text: "note to self",
        internal: true,
      });
      await stream.waitFor(
        (e) => e.type === "message" && e.message.conversationId === c.id && e.message.seq === 4,
        "internal note",
      );

      const mine = stream.events.filter((e) => (e.conversation?.id ?? e.message?.conversationId) === c.id);
      expect(describeEvents(mine)).toEqual([
        "status:ai",
        "message:1:customer",
        "status:waiting_human",
        "message:2:system",
        "status:human",
        "message:3:system",
        "message:4:agent",
      ]);
      expect(mine[1]?.message).toMatchObject({ text: "I need help", author: "customer" });
      expect(mine[4]?.conversation).toMatchObject({ assigneeId: alice.user.id, status: "human" });
      expect(mine[6]?.message).toMatchObject({
        internal: true,
        text: "note to self",
        authorId: alice.user.id,
      });
      await stream.close();
    });

    it("opens the agent stream with the console's session cookie", async () => {
      const login = await http("POST", "/api/v1/auth/login", null, {
        email: "alice@example.test",
        password: alice.password,
      });
      const stream = await openStream(`${ws}/api/v1/agent/stream`, {
        headers: { cookie: `tandem_session=${login.body.token}` },
      });
      expect((await stream.waitFor((e) => e.type === "hello")).user.id).toBe(alice.user.id);
      await stream.close();
    });
  });
}

describe("graceful shutdown", () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-shutdown-"));
  const url = `sqlite:${join(dir, "tandem.db")}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("drains an in-flight request, commits its message and closes sockets with 1001", async () => {
    // A bus whose publish can be held: the request below is mid-flight (committed, not yet answered) while we close.
    const memory = createMemoryBus();
    let hold: { entered: () => void; release: Promise<void> } | null = null;
    const bus: Bus = {
      async publish(topic, event) {
        const h = hold;
        if (h && event.type === "message" && event.message.author === "agent") {
          hold = null;
          h.entered();
          await h.release;
        }
        return memory.publish(topic, event);
      },
      async publishAll(topicList, events) {
        for (const topic of topicList) for (const e of events) await bus.publish(topic, e);
      },
      subscribe: (topic, handler) => memory.subscribe(topic, handler),
      close: () => memory.close(),
    };
    const t = await startTandem({ DATABASE_URL: url }, { bus, triage: null, responder: null });
    const alice = await addAgent(t, "alice@example.test", { name: "Alice" });
    const base = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const http = client(base);
    const ws = base.replace(/^http/, "ws");

    const created = await http("POST", "/api/v1/conversations", null, {});
    const c = { id: created.body.conversation.id as string, token: created.body.token as string };
    await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
      clientMessageId: "1",
      text: "hello",
    });
    await http("POST", `/api/v1/conversations/${c.id}/claim`, alice.token);
    const customer = await openStream(`${ws}/api/v1/stream?token=${c.token}`);
    const agent = await openStream(`${ws}/api/v1/agent/stream?token=${alice.token}`);
    await customer.waitFor((e) => e.type === "message" && e.message.seq === 3);
    await agent.waitFor((e) => e.type === "hello");

    const entered = deferred();
    const release = deferred();
    hold = { entered: entered.resolve, release: release.promise };
    const inFlight = http("POST", `/api/v1/conversations/${c.id}/messages`, alice.token, {
      clientMessageId: "late",
      text: "answer in flight",
    });
    await entered.promise;

    const closing = t.close();
    const [customerClosed, agentClosed] = await Promise.all([customer.closed, agent.closed]);
    expect(customerClosed.code).toBe(1001);
    expect(agentClosed.code).toBe(1001);
    release.resolve();
    const answered = await inFlight;
    await closing;
    expect(answered.status).toBe(201);
    expect(answered.body.message).toMatchObject({ seq: 4, text: "answer in flight" });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    // The message survived the shutdown: a fresh server on the same database has it.
    const reopened = await startTandem({ DATABASE_URL: url }, { triage: null, responder: null });
    try {
      const stored = await reopened.store.listMessages(c.id, {});
      expect(stored.map((m) => m.text)).toContain("answer in flight");
    } finally {
      await reopened.close();
    }
  });
});

describe("shutdown with clients that do not let go", () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-stuck-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A raw TCP client: what it was sent so far, and a promise of its end. */
  async function rawClient(port: number) {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      received += d;
    });
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    return { socket, ended, received: () => received };
  }

  it("cuts a request stopped halfway and a WebSocket peer that never answers the close, after half the grace", async () => {
    const t = await startTandem(
      { DATABASE_URL: `sqlite:${join(dir, "tandem.db")}`, SHUTDOWN_GRACE_MS: "400" },
      { triage: null, responder: null },
    );
    const base = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(base).port);
    const created = await client(base)("POST", "/api/v1/conversations", null, {});

    // Headers and one byte of a 100-byte body, then silence: an active request, which an idle-only close leaves.
    const halfSent = await rawClient(port);
    halfSent.socket.write(
      "POST /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    // A WebSocket upgrade done by hand, after which the peer never reads a frame nor answers the close handshake.
    const mute = await rawClient(port);
    mute.socket.write(
      `GET /api/v1/stream?token=${created.body.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    while (!mute.received().includes("\r\n\r\n")) await once(mute.socket, "data");
    expect(mute.received()).toMatch(/^HTTP\/1\.1 101/);

    await t.close(); // without the cut this waits for ws's 30 s close timeout and Node's 5-minute request timeout
    await Promise.all([halfSent.ended, mute.ended]);
    expect(halfSent.socket.destroyed && mute.socket.destroyed).toBe(true);
  });
});

describe("streamed AI answers on the customer socket (LLM mode, a local fake OpenAI-compatible server)", () => {
  let llm: HeldLlm;
  let t: Tandem;
  let base: string;
  let http: ReturnType<typeof client>;
  const completionFor = (text: string) => llm.completionFor(text);

  beforeAll(async () => {
    llm = await startHeldLlm();
    t = await startTandem({ LLM_BASE_URL: llm.baseURL, LLM_MODEL: "fake" }, { demo: true });
    base = await t.app.listen({ port: 0, host: "127.0.0.1" });
    http = client(base);
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  async function conversationWithStream() {
    const res = await http("POST", "/api/v1/conversations", null, { customer: { name: "Streamer" } });
    expect(res.status).toBe(201);
    const c = { id: res.body.conversation.id as string, token: res.body.token as string };
    const stream = await openStream(`${base.replace(/^http/, "ws")}/api/v1/stream?token=${c.token}`);
    await stream.waitFor((e) => e.type === "status", "initial status");
    const say = async (clientMessageId: string, text: string) => {
      const posted = await http("POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
        clientMessageId,
        text,
      });
      expect(posted.status).toBe(201);
      return posted.body.message.id as string;
    };
    return { c, stream, say };
  }

  const deltasOf = (events: StreamEvent[], streamId: string) =>
    events.filter((e) => e.type === "ai_delta" && e.streamId === streamId);
  const endsOf = (events: StreamEvent[], streamId: string) =>
    events.filter((e) => e.type === "ai_stream_end" && e.streamId === streamId);

  it("tells two answers generated at once apart by stream id, and ends each, the withdrawn one too", async () => {
    const { stream, say } = await conversationWithStream();
    const delivery = await say("m1", "How long does delivery take?");
    const deliveryLlm = await completionFor("How long does delivery take?");
    const returns = await say("m2", "Can I return a lamp I bought last week?");
    const returnsLlm = await completionFor("Can I return a lamp");

    // Interleaved on purpose: a piece of one, a piece of the other, then the rest of each.
    deliveryLlm.write("Standard delivery takes ");
    await stream.waitFor(
      (e) => e.type === "ai_delta" && e.streamId === delivery,
      "first piece of the delivery answer",
    );
    returnsLlm.write("Returns are accepted for ");
    await stream.waitFor(
      (e) => e.type === "ai_delta" && e.streamId === returns,
      "first piece of the returns answer",
    );
    deliveryLlm.write("2 to 4 business days [1].");
    deliveryLlm.finish();
    await stream.waitFor(
      (e) => e.type === "ai_stream_end" && e.streamId === delivery,
      "end of the delivery stream",
    );
    const answer = await stream.waitFor(
      (e) =>
        e.type === "message" && e.message.author === "ai" && e.message.text.startsWith("Standard delivery"),
      "the stored delivery answer",
    );
    // The model then declines after all: what streamed is withdrawn and a person takes over.
    returnsLlm.write("everything. CANNOT_ANSWER");
    returnsLlm.finish();
    await stream.waitFor(
      (e) => e.type === "ai_stream_end" && e.streamId === returns,
      "end of the withdrawn stream",
    );
    await stream.waitFor(
      (e) => e.type === "status" && e.conversation.status === "waiting_human",
      "the handover",
    );
    await t.conversations.drain();

    const events = stream.events;
    const ids = new Set(events.filter((e) => e.type === "ai_delta").map((e) => e.streamId));
    expect(ids).toEqual(new Set([delivery, returns]));
    expect(delivery).not.toBe(returns);
    // Each stream's text is whole and unmixed, though its pieces arrived between the other's.
    expect(
      deltasOf(events, delivery)
        .map((e) => e.text)
        .join(""),
    ).toBe("Standard delivery takes 2 to 4 business days [1].");
    expect(
      deltasOf(events, returns)
        .map((e) => e.text)
        .join(""),
    ).toMatch(/^Returns are accepted for /);
    expect(
      deltasOf(events, returns)
        .map((e) => e.text)
        .join(""),
    ).not.toContain("Standard");
    expect(events.indexOf(deltasOf(events, returns)[0]!)).toBeLessThan(
      events.indexOf(deltasOf(events, delivery).at(-1)!),
    );
    // Exactly one end per stream, after all of its text.
    for (const id of [delivery, returns]) {
      expect(endsOf(events, id)).toHaveLength(1);
      expect(events.indexOf(endsOf(events, id)[0]!)).toBeGreaterThan(
        events.indexOf(deltasOf(events, id).at(-1)!),
      );
    }
    expect(answer.message.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
    // Nothing of the withdrawn text was stored.
    const stored = events.filter((e) => e.type === "message").map((e) => e.message.text as string);
    expect(stored.some((text) => text.includes("Returns are accepted"))).toBe(false);
    await stream.close();
  });

  it("ends a stream as soon as a person takes over, and sends none of the rest", async () => {
    const { c, stream, say } = await conversationWithStream();
    const asked = await say("m1", "How long does delivery take?");
    const held = await completionFor("How long does delivery take?");
    held.write("Standard delivery takes ");
    await stream.waitFor((e) => e.type === "ai_delta" && e.streamId === asked, "first piece");
    expect((await http("POST", `/api/v1/conversations/${c.id}/escalate`, c.token, {})).status).toBeLessThan(
      300,
    );
    await stream.waitFor(
      (e) => e.type === "ai_stream_end" && e.streamId === asked,
      "the end, at the handover",
    );
    held.write("2 to 4 business days [1].");
    held.finish();
    await t.conversations.drain();
    // Everything the socket was sent before a message posted now has arrived before that message.
    await say("m2", "hello?");
    await stream.waitFor(
      (e) => e.type === "message" && e.message.text === "hello?",
      "the customer's next message",
    );

    const events = stream.events;
    const end = events.indexOf(endsOf(events, asked)[0]!);
    expect(endsOf(events, asked)).toHaveLength(1);
    expect(
      deltasOf(events, asked)
        .map((e) => e.text)
        .join(""),
    ).toBe("Standard delivery takes ");
    expect(end).toBeGreaterThan(
      events.findIndex((e) => e.type === "status" && e.conversation.status === "waiting_human"),
    );
    expect(
      events.some(
        (e) =>
          e.type === "message" && e.message.author === "ai" && e.message.text.includes("Standard delivery"),
      ),
    ).toBe(false);
    await stream.close();
  });
});
