import { afterEach, describe, expect, it, vi } from "vitest";
import type { CustomerConversation, CustomerMessage } from "../shared/wire.ts";
import { WidgetClient } from "./client.ts";

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
}

/** A WebSocket double the test drives from the "server" side. */
class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readonly OPEN = 1;
  readonly url: string;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  emit(event: unknown) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
  get after() {
    return Number(new URL(this.url).searchParams.get("after"));
  }
}

const conversation = (over: Partial<CustomerConversation> = {}): CustomerConversation => ({
  id: "c1", status: "ai", owner: { kind: "ai" }, channel: "web", language: "en", lastSeq: 0, version: 1,
  createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", resolvedAt: null, ...over,
});

const message = (seq: number, over: Partial<CustomerMessage> = {}): CustomerMessage => ({
  id: `m${seq}`, conversationId: "c1", seq, author: "ai", authorName: null, text: `message ${seq}`, clientMessageId: null, meta: null,
  createdAt: "2026-01-01T00:00:00Z", ...over,
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

interface Call {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
}

/** A scripted server: each handler may return a Response or throw (a network failure). */
function fakeFetch(handler: (call: Call, n: number) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { method: init?.method ?? "GET", path: new URL(String(input)).pathname, body: init?.body ? JSON.parse(String(init.body)) : null };
    calls.push(call);
    return handler(call, calls.length);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 2));
  }
};

function client(storage: MemoryStorage, f: typeof fetch) {
  return new WidgetClient({
    baseUrl: "http://tandem.test",
    storage,
    fetch: f,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    backoff: { baseMs: 2, maxMs: 8 },
  });
}

afterEach(() => {
  FakeSocket.instances = [];
  vi.useRealTimers();
});

describe("WidgetClient", () => {
  it("re-posts a message whose response was lost with the same clientMessageId and shows it once", async () => {
    const storage = new MemoryStorage();
    let posts = 0;
    const server = fakeFetch((call) => {
      if (call.path === "/api/v1/conversations") return json(201, { conversation: conversation(), token: "t1" });
      posts++;
      if (posts === 1) throw new TypeError("Failed to fetch"); // stored by the server, response lost
      return json(200, { message: message(1, { author: "customer", text: "hello", clientMessageId: call.body?.clientMessageId as string }) });
    });
    const c = client(storage, server.fetch);
    c.start();
    c.send("hello");
    await until(() => c.getSnapshot().pending.length === 0);
    const ids = server.calls.filter((x) => x.path.endsWith("/messages")).map((x) => x.body?.clientMessageId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(c.getSnapshot().messages.map((m) => m.text)).toEqual(["hello"]);
    c.destroy();
  });

  it("keeps unsent messages across page loads and sends them, in order, on the next start", async () => {
    const storage = new MemoryStorage();
    const offline = fakeFetch(() => {
      throw new TypeError("Failed to fetch");
    });
    const first = client(storage, offline.fetch);
    first.start();
    first.send("one");
    first.send("two");
    await until(() => offline.calls.length >= 1);
    first.destroy();
    expect(JSON.parse(storage.getItem("tandem:http://tandem.test:pending") ?? "[]").map((p: { text: string }) => p.text)).toEqual(["one", "two"]);

    let seq = 0;
    const online = fakeFetch((call) => {
      if (call.path === "/api/v1/conversations") return json(201, { conversation: conversation(), token: "t1" });
      seq++;
      return json(201, { message: message(seq, { author: "customer", text: call.body?.text as string, clientMessageId: call.body?.clientMessageId as string }) });
    });
    const second = client(storage, online.fetch);
    second.start();
    await until(() => second.getSnapshot().pending.length === 0);
    expect(second.getSnapshot().messages.map((m) => m.text)).toEqual(["one", "two"]);
    expect(JSON.parse(storage.getItem("tandem:http://tandem.test:pending") ?? "[]")).toEqual([]);
    second.destroy();
  });

  it("resumes the stream after the last delivered seq and ignores what it already has", async () => {
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const c = client(storage, fakeFetch(() => json(500, {})).fetch);
    c.start();
    const ws1 = FakeSocket.instances[0]!;
    expect(ws1.after).toBe(0);
    ws1.open();
    ws1.emit({ type: "status", conversation: conversation() });
    ws1.emit({ type: "message", message: message(1) });
    ws1.emit({ type: "message", message: message(2) });
    ws1.close(1006);
    await until(() => FakeSocket.instances.length === 2);
    const ws2 = FakeSocket.instances[1]!;
    expect(ws2.after).toBe(2);
    ws2.open();
    ws2.emit({ type: "message", message: message(2) });
    ws2.emit({ type: "message", message: message(3) });
    expect(c.getSnapshot().messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(c.getSnapshot().connection).toBe("open");
    c.destroy();
  });

  it("resumes from the stream's own position, not from a later seq a POST response revealed", async () => {
    // The POST answers seq 5 while the stream has delivered only up to 3: resuming after 5 would skip seq 4.
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const server = fakeFetch((call) => json(201, { message: message(5, { author: "customer", text: "hi", clientMessageId: call.body?.clientMessageId as string }) }));
    const c = client(storage, server.fetch);
    c.start();
    const ws1 = FakeSocket.instances[0]!;
    ws1.open();
    for (const seq of [1, 2, 3]) ws1.emit({ type: "message", message: message(seq) });
    c.send("hi");
    await until(() => c.getSnapshot().pending.length === 0);
    ws1.close(1006);
    await until(() => FakeSocket.instances.length === 2);
    expect(FakeSocket.instances[1]!.after).toBe(3);
    c.destroy();
  });

  it("waits longer between each failed reconnection, up to the cap", async () => {
    vi.useFakeTimers();
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const c = new WidgetClient({
      baseUrl: "http://tandem.test", storage, fetch: fakeFetch(() => json(500, {})).fetch, WebSocket: FakeSocket as unknown as typeof WebSocket,
      backoff: { baseMs: 100, maxMs: 800 }, random: () => 1,
    });
    c.start();
    const gaps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.instances.length;
      FakeSocket.instances.at(-1)!.close(1006);
      let waited = 0;
      while (FakeSocket.instances.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([100, 200, 400, 800, 800, 800]);
    expect(c.getSnapshot().connection).toBe("reconnecting");
    c.destroy();
  });

  it("starts a new conversation when the stored token is refused, and sends the waiting message there", async () => {
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "old", token: "expired" }));
    const server = fakeFetch((call) => {
      if (call.path === "/api/v1/conversations") return json(201, { conversation: conversation({ id: "c2" }), token: "t2" });
      if (call.path.startsWith("/api/v1/conversations/old/")) return json(401, { error: { code: "TOKEN_EXPIRED", message: "expired" } });
      return json(201, { message: message(1, { conversationId: "c2", author: "customer", text: "still there?", clientMessageId: call.body?.clientMessageId as string }) });
    });
    const c = client(storage, server.fetch);
    c.start();
    c.send("still there?");
    await until(() => c.getSnapshot().pending.length === 0);
    expect(server.calls.map((x) => x.path)).toEqual(["/api/v1/conversations/old/messages", "/api/v1/conversations", "/api/v1/conversations/c2/messages"]);
    expect(JSON.parse(storage.getItem("tandem:http://tandem.test:session") ?? "null")).toEqual({ conversationId: "c2", token: "t2" });
    expect(c.getSnapshot().notice).toBe("session_lost");
    c.destroy();
  });

  it("marks a message the server refuses as failed instead of retrying it forever", async () => {
    const storage = new MemoryStorage();
    const server = fakeFetch((call) =>
      call.path === "/api/v1/conversations" ? json(201, { conversation: conversation(), token: "t1" }) : json(413, { error: { code: "TEXT_TOO_LONG", message: "too long" } }),
    );
    const c = client(storage, server.fetch);
    c.start();
    c.send("x".repeat(10));
    await until(() => c.getSnapshot().pending[0]?.state === "failed");
    await new Promise((r) => setTimeout(r, 30));
    expect(server.calls.filter((x) => x.path.endsWith("/messages"))).toHaveLength(1);
    expect(c.getSnapshot().pending[0]?.error).toBe("TEXT_TOO_LONG");
    c.destroy();
  });

  it("asks for CSAT once after resolution, and hides the question when the server has no CSAT endpoint", async () => {
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const server = fakeFetch(() => json(404, { error: { code: "NOT_FOUND", message: "no such route" } }));
    const c = client(storage, server.fetch);
    c.start();
    const ws = FakeSocket.instances[0]!;
    ws.open();
    ws.emit({ type: "status", conversation: conversation({ status: "resolved", version: 2, resolvedAt: "2026-01-01T01:00:00Z" }) });
    expect(c.getSnapshot().csat).toBe("ask");
    await c.submitCsat(5, "great");
    expect(server.calls[0]).toEqual({ method: "POST", path: "/api/v1/conversations/c1/csat", body: { score: 5, comment: "great" } });
    expect(c.getSnapshot().csat).toBe("unavailable");
    c.destroy();
  });

  it("does not ask again for a resolution the customer already rated", async () => {
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const c = client(storage, fakeFetch(() => json(201, { ok: true })).fetch);
    c.start();
    const resolved = conversation({ status: "resolved", version: 2, resolvedAt: "2026-01-01T01:00:00Z" });
    FakeSocket.instances[0]!.open();
    FakeSocket.instances[0]!.emit({ type: "status", conversation: resolved });
    await c.submitCsat(4);
    expect(c.getSnapshot().csat).toBe("thanks");
    c.destroy();

    const again = client(storage, fakeFetch(() => json(201, {})).fetch);
    again.start();
    FakeSocket.instances.at(-1)!.open();
    FakeSocket.instances.at(-1)!.emit({ type: "status", conversation: resolved });
    expect(again.getSnapshot().csat).toBe("hidden");
    again.destroy();
  });

  it("counts as unread, after a page load, only the messages that came since the customer last read the chat", () => {
    const storage = new MemoryStorage();
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
    const page = () => {
      const c = client(storage, fakeFetch(() => json(500, {})).fetch);
      c.start();
      const ws = FakeSocket.instances.at(-1)!;
      ws.open();
      return { c, ws };
    };
    // Page 1: the chat open while the AI answers twice; the badge has nothing to count.
    const first = page();
    first.c.setPanelOpen(true);
    first.ws.emit({ type: "message", message: message(1, { author: "customer" }) });
    first.ws.emit({ type: "message", message: message(2) });
    first.ws.emit({ type: "message", message: message(3) });
    expect(first.c.getSnapshot().unread).toBe(0);
    first.c.destroy();

    // Page 2, chat closed: the stream replays the conversation from the start; all of it was read.
    const second = page();
    expect(second.ws.after).toBe(0);
    for (const seq of [1, 2, 3]) second.ws.emit({ type: "message", message: message(seq, { author: seq === 1 ? "customer" : "ai" }) });
    expect(second.c.getSnapshot().unread).toBe(0);
    second.ws.emit({ type: "message", message: message(4, { author: "agent", text: "Hi, I'm Priya." }) });
    expect(second.c.getSnapshot().unread).toBe(1);
    second.c.destroy();

    // Page 3: the agent's message is still unread (it was never seen); opening the chat reads it for good.
    const third = page();
    for (const seq of [1, 2, 3, 4]) third.ws.emit({ type: "message", message: message(seq, { author: seq === 1 ? "customer" : "ai" }) });
    expect(third.c.getSnapshot().unread).toBe(1);
    third.c.setPanelOpen(true);
    third.c.setPanelOpen(false);
    third.c.destroy();
    const fourth = page();
    for (const seq of [1, 2, 3, 4]) fourth.ws.emit({ type: "message", message: message(seq, { author: seq === 1 ? "customer" : "ai" }) });
    expect(fourth.c.getSnapshot().unread).toBe(0);
    fourth.c.destroy();

    // A new conversation (the stored one ended) starts counting from its own beginning.
    storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c2", token: "t2" }));
    const fifth = page();
    fifth.ws.emit({ type: "message", message: message(1, { conversationId: "c2" }) });
    expect(fifth.c.getSnapshot().unread).toBe(1);
    fifth.c.destroy();
  });

  describe("streamed AI drafts", () => {
    /** A client on a returning visitor's conversation, its stream open. */
    function streaming() {
      const storage = new MemoryStorage();
      storage.setItem("tandem:http://tandem.test:session", JSON.stringify({ conversationId: "c1", token: "t1" }));
      const c = client(storage, fakeFetch(() => json(500, {})).fetch);
      c.start();
      const ws = FakeSocket.instances[0]!;
      ws.open();
      ws.emit({ type: "status", conversation: conversation() });
      ws.emit({ type: "message", message: message(1, { author: "customer", text: "How long is delivery?" }) });
      ws.emit({ type: "message", message: message(2, { author: "customer", text: "And returns?" }) });
      return { c, ws };
    }
    const drafts = (c: WidgetClient) => c.getSnapshot().drafts.map((d) => [d.streamId, d.text]);

    it("keeps one draft per stream id as pieces of two answers arrive interleaved, and drops each on its end", () => {
      const { c, ws } = streaming();
      ws.emit({ type: "ai_delta", streamId: "m1", text: "Standard delivery " });
      ws.emit({ type: "ai_delta", streamId: "m2", text: "Returns are " });
      ws.emit({ type: "ai_delta", streamId: "m1", text: "takes 2 to 4 days." });
      ws.emit({ type: "ai_delta", streamId: "m2", text: "accepted" });
      expect(drafts(c)).toEqual([
        ["m1", "Standard delivery takes 2 to 4 days."],
        ["m2", "Returns are accepted"],
      ]);
      // Drafts are not messages: no seq, no unread count.
      expect(c.getSnapshot().messages.map((m) => m.seq)).toEqual([1, 2]);

      ws.emit({ type: "ai_stream_end", streamId: "m1" });
      expect(drafts(c)).toEqual([["m2", "Returns are accepted"]]);
      ws.emit({ type: "message", message: message(3, { text: "Standard delivery takes 2 to 4 days.\n\nDid that solve it?" }) });
      expect(c.getSnapshot().messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(drafts(c)).toEqual([["m2", "Returns are accepted"]]);

      // The other answer is withdrawn: its draft goes with its end, and a late piece does not bring it back.
      ws.emit({ type: "ai_stream_end", streamId: "m2" });
      ws.emit({ type: "ai_delta", streamId: "m2", text: " for 30 days" });
      expect(drafts(c)).toEqual([]);
      ws.emit({ type: "message", message: message(4, { text: "I'm connecting you with a person." }) });
      expect(c.getSnapshot().messages.map((m) => m.text).at(-1)).toBe("I'm connecting you with a person.");
      expect(drafts(c)).toEqual([]);
      c.destroy();
    });

    it("keeps a draft's text verbatim, and ignores malformed pieces and ends of unknown streams", () => {
      const { c, ws } = streaming();
      ws.emit({ type: "ai_delta", streamId: "m1", text: "<img src=x onerror=alert(1)>" });
      ws.emit({ type: "ai_delta", streamId: "m1", text: 42 });
      ws.emit({ type: "ai_delta", text: "no stream id" });
      ws.emit({ type: "ai_stream_end", streamId: "nobody" });
      expect(drafts(c)).toEqual([["m1", "<img src=x onerror=alert(1)>"]]);
      c.destroy();
    });

    it("drops drafts when the stream drops: their end may be missed, and the stored replies are caught up", async () => {
      const { c, ws } = streaming();
      ws.emit({ type: "ai_delta", streamId: "m1", text: "Standard delivery " });
      expect(drafts(c)).toHaveLength(1);
      ws.close(1006);
      expect(drafts(c)).toEqual([]);
      await until(() => FakeSocket.instances.length === 2);
      const ws2 = FakeSocket.instances[1]!;
      ws2.open();
      ws2.emit({ type: "ai_delta", streamId: "m2", text: "Returns " });
      expect(drafts(c)).toEqual([["m2", "Returns "]]);
      c.destroy();
    });
  });
});
