// The widget's connection to Tandem, free of UI: the conversation session, the ordered message log, an offline
// queue of unsent messages (persisted, re-posted with the same clientMessageId so a retry can never duplicate),
// and a WebSocket that resumes with `after=<last seq>` and reconnects with backoff. The UI subscribes to snapshots.

import { ApiError, joinUrl } from "../shared/http.ts";
import { randomId } from "../shared/safe.ts";
import type { CustomerConversation, CustomerMessage, CustomerStreamEvent } from "../shared/wire.ts";

export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface PendingMessage {
  clientMessageId: string;
  text: string;
  createdAt: string;
  /** queued: waiting for the network; sending: in flight; failed: the server refused it (not retried by itself). */
  state: "queued" | "sending" | "failed";
  error: string | null;
}

export type CsatState = "hidden" | "ask" | "sending" | "thanks" | "unavailable";

/** An AI answer as it is being generated (LLM mode): plain text, shown until its stream ends. */
export interface AiDraft {
  streamId: string;
  text: string;
}

export interface WidgetSnapshot {
  conversation: CustomerConversation | null;
  messages: readonly CustomerMessage[];
  pending: readonly PendingMessage[];
  connection: ConnectionState;
  typing: { author: "ai" | "agent"; name: string | null } | null;
  /**
   * AI answers being streamed, one per stream id, oldest first. Each goes when the server ends its stream
   * (ai_stream_end), whatever became of it; the stored reply then arrives as an ordinary message.
   */
  drafts: readonly AiDraft[];
  csat: CsatState;
  /** Messages from the other side not seen yet (the launcher's badge). */
  unread: number;
  /** A transient problem worth a line in the UI, as an i18n key. */
  notice: "escalate_failed" | "session_lost" | null;
}

/** The host page's signed-in customer, vouched for by its server's signature (identityHash). */
export interface WidgetCustomer {
  externalId: string;
  email?: string;
  name?: string;
  identityHash: string;
}

export interface WidgetClientOptions {
  baseUrl: string;
  locale?: string;
  customer?: WidgetCustomer;
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** For tests: the backoff schedule's base and cap. */
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
}

interface Session {
  conversationId: string;
  token: string;
}

const TYPING_MS = 6000;
/** A draft longer than this stops growing (the stored reply, when it comes, is whole). */
const MAX_DRAFT_CHARS = 8000;
/** How many ended stream ids are remembered, so a late piece of one cannot bring its draft back. */
const ENDED_STREAMS_KEPT = 64;
const PING_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
/** WebSocket close codes the server uses for "this token will never work" (4000 + HTTP status). */
const FATAL_CLOSE = new Set([4400, 4401, 4403, 4404]);

export class WidgetClient {
  private readonly base: string;
  private readonly locale: string | undefined;
  private readonly customer: WidgetCustomer | undefined;
  private readonly storage: WidgetClientOptions["storage"];
  private readonly fetchImpl: typeof fetch;
  private readonly WS: typeof WebSocket;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly random: () => number;
  private readonly keys: { session: string; pending: string; csat: string; seen: string };
  private readonly listeners = new Set<() => void>();

  private session: Session | null = null;
  private snapshot: WidgetSnapshot;
  private socket: WebSocket | null = null;
  /** The last seq the stream delivered: streams are gapless, so this is where a resume starts. */
  private streamSeq = 0;
  private reconnectAttempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushAttempts = 0;
  private flushing: Promise<void> | null = null;
  private flushRequested = false;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private creating: Promise<Session> | null = null;
  private panelOpen = false;
  private seenSeq = 0;
  private destroyed = false;
  private readonly endedStreams = new Set<string>();

  constructor(options: WidgetClientOptions) {
    this.base = options.baseUrl;
    this.locale = options.locale;
    this.customer = options.customer;
    this.storage = options.storage === undefined ? safeLocalStorage() : options.storage;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.WS = options.WebSocket ?? WebSocket;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 15_000 };
    this.random = options.random ?? Math.random;
    // Per signed-in customer: on a shared browser the next person to sign in must not resume the last one's chat.
    const who = this.customer ? `:${encodeURIComponent(this.customer.externalId)}` : "";
    const ns = `tandem:${this.base.replace(/\/+$/, "") || "same-origin"}${who}`;
    this.keys = { session: `${ns}:session`, pending: `${ns}:pending`, csat: `${ns}:csat`, seen: `${ns}:seen` };
    this.session = this.readJson<Session>(this.keys.session, (v) => typeof v?.conversationId === "string" && typeof v?.token === "string");
    // What was read on an earlier page: the stream replays the whole conversation, and only later messages are new.
    this.seenSeq = this.session ? this.readSeen(this.session.conversationId) : 0;
    const pending = this.readJson<PendingMessage[]>(this.keys.pending, Array.isArray) ?? [];
    this.snapshot = {
      conversation: null,
      messages: [],
      // A message "sending" when the page closed may or may not have arrived: re-post it, idempotently.
      pending: pending
        .filter((p) => typeof p?.clientMessageId === "string" && typeof p?.text === "string")
        .map((p) => ({ ...p, state: p.state === "failed" ? "failed" : "queued" })),
      connection: "idle",
      typing: null,
      drafts: [],
      csat: "hidden",
      unread: 0,
      notice: null,
    };
  }

  // ---- subscription (useSyncExternalStore-compatible) ----

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): WidgetSnapshot => this.snapshot;

  get hasSession(): boolean {
    return this.session !== null;
  }

  /** Connects when a conversation already exists (a returning visitor) and sends anything left unsent. */
  start(): void {
    if (this.session) this.connect();
    if (this.snapshot.pending.some((p) => p.state === "queued")) void this.flush();
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onOnline);
    }
  }

  destroy(): void {
    this.destroyed = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.onOnline);
    this.clearTimers();
    this.socket?.close(1000, "widget closed");
    this.socket = null;
    this.listeners.clear();
  }

  setPanelOpen(open: boolean): void {
    this.panelOpen = open;
    if (open) {
      this.markSeen();
      if (this.session && !this.socket) this.connect();
    }
  }

  // ---- customer actions ----

  /** Queues a message and sends it as soon as possible; returns its clientMessageId. */
  send(text: string): string | null {
    const trimmed = text.trim();
    if (!trimmed) return null;
    const p: PendingMessage = { clientMessageId: randomId("w"), text: trimmed, createdAt: new Date().toISOString(), state: "queued", error: null };
    this.update({ pending: [...this.snapshot.pending, p], notice: null });
    this.savePending();
    void this.flush();
    return p.clientMessageId;
  }

  /** Retries a message the server refused, or one still waiting, right now. */
  retry(clientMessageId: string): void {
    this.update({
      pending: this.snapshot.pending.map((p) => (p.clientMessageId === clientMessageId ? { ...p, state: "queued", error: null } : p)),
    });
    this.savePending();
    this.flushAttempts = 0;
    void this.flush();
  }

  discard(clientMessageId: string): void {
    this.update({ pending: this.snapshot.pending.filter((p) => p.clientMessageId !== clientMessageId) });
    this.savePending();
  }

  /** Answers an action confirmation with one of its options: an ordinary, idempotent customer message. */
  confirm(messageId: string, optionId: string, label: string): void {
    const clientMessageId = `confirm-${messageId}-${optionId}`.slice(0, 128);
    if (this.snapshot.pending.some((p) => p.clientMessageId === clientMessageId)) return;
    if (this.snapshot.messages.some((m) => m.clientMessageId === clientMessageId)) return;
    const p: PendingMessage = { clientMessageId, text: label, createdAt: new Date().toISOString(), state: "queued", error: null };
    this.update({ pending: [...this.snapshot.pending, p] });
    this.savePending();
    void this.flush();
  }

  /** "Talk to a person". */
  async escalate(): Promise<void> {
    try {
      const session = await this.ensureSession();
      const body = await this.api<{ conversation: CustomerConversation }>(`/api/v1/conversations/${session.conversationId}/escalate`, "POST", {});
      this.applyStatus(body.conversation);
      this.update({ notice: null });
    } catch {
      this.update({ notice: "escalate_failed" });
    }
  }

  async submitCsat(score: number, comment?: string): Promise<void> {
    const c = this.snapshot.conversation;
    if (!this.session || !c || c.status !== "resolved") return;
    this.update({ csat: "sending" });
    try {
      const body: { score: number; comment?: string } = { score };
      if (comment?.trim()) body.comment = comment.trim().slice(0, 2000);
      await this.api(`/api/v1/conversations/${c.id}/csat`, "POST", body);
      this.rememberCsat(c);
      this.update({ csat: "thanks" });
    } catch (err) {
      // No CSAT endpoint on this server (or the question expired): hide it rather than show an error.
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) this.update({ csat: "unavailable" });
      else if (err instanceof ApiError && err.code === "CSAT_ALREADY_ANSWERED") {
        this.rememberCsat(c);
        this.update({ csat: "thanks" });
      } else this.update({ csat: "ask" });
    }
  }

  dismissCsat(): void {
    const c = this.snapshot.conversation;
    if (c) this.rememberCsat(c);
    this.update({ csat: "hidden" });
  }

  // ---- internals: sending ----

  private onOnline = (): void => {
    this.flushAttempts = 0;
    void this.flush();
    if (this.session && (!this.socket || this.socket.readyState !== this.WS.OPEN)) this.connectNow();
  };

  /** Sends the queue now (cancelling a scheduled retry). A call while a flush runs makes that flush go round again. */
  private flush(): Promise<void> {
    this.flushRequested = true;
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      try {
        while (this.flushRequested && !this.destroyed) {
          this.flushRequested = false;
          await this.flushLoop();
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    let sessionRenewed = false;
    for (;;) {
      if (this.destroyed) return;
      const next = this.snapshot.pending.find((p) => p.state === "queued");
      if (!next) {
        this.flushAttempts = 0;
        return;
      }
      this.setPendingState(next.clientMessageId, "sending", null);
      try {
        const session = await this.ensureSession();
        const body = await this.api<{ message: CustomerMessage }>(`/api/v1/conversations/${session.conversationId}/messages`, "POST", {
          clientMessageId: next.clientMessageId,
          text: next.text,
        });
        this.mergeMessage(body.message, false);
        this.flushAttempts = 0;
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError("NETWORK_ERROR", String(err), 0);
        if (e.retryable) {
          this.setPendingState(next.clientMessageId, "queued", null);
          // The server is unreachable: what was queued meanwhile waits for the backoff timer too.
          this.flushRequested = false;
          this.scheduleFlush();
          return;
        }
        if ((e.status === 401 || e.status === 403 || e.status === 404) && !sessionRenewed && this.session) {
          // The token expired or the conversation is gone: start a fresh conversation and re-post there.
          sessionRenewed = true;
          this.dropSession("session_lost");
          this.setPendingState(next.clientMessageId, "queued", null);
          continue;
        }
        this.setPendingState(next.clientMessageId, "failed", e.code);
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.destroyed) return;
    const delay = this.delay(this.flushAttempts++);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, delay);
  }

  private ensureSession(): Promise<Session> {
    if (this.session) return Promise.resolve(this.session);
    if (!this.creating) {
      this.creating = (async () => {
        // The browser's time zone lets the desk tell the customer when a person will reply in their own clock time.
        const timeZone = browserTimeZone();
        const customer =
          this.locale || this.customer || timeZone
            ? { ...this.customer, ...(this.locale ? { locale: this.locale } : {}), ...(timeZone ? { timeZone } : {}) }
            : undefined;
        const body = await this.api<{ conversation: CustomerConversation; token: string }>("/api/v1/conversations", "POST", customer ? { customer } : {}, null);
        const session = { conversationId: body.conversation.id, token: body.token };
        this.session = session;
        this.writeJson(this.keys.session, session);
        this.streamSeq = 0;
        this.seenSeq = 0;
        this.update({ conversation: body.conversation, messages: [] });
        this.connect();
        return session;
      })().finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }

  private dropSession(notice: WidgetSnapshot["notice"]): void {
    this.session = null;
    this.storage?.removeItem(this.keys.session);
    this.closeSocket();
    this.streamSeq = 0;
    this.seenSeq = 0;
    this.storage?.removeItem(this.keys.seen);
    this.update({ conversation: null, messages: [], connection: "idle", typing: null, drafts: [], csat: "hidden", unread: 0, notice });
  }

  private async api<T>(path: string, method: "GET" | "POST", body?: unknown, token: string | null = this.session?.token ?? null): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(joinUrl(this.base, path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit" });
    } catch (err) {
      throw new ApiError("NETWORK_ERROR", (err as Error).message || "network error", 0);
    }
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const e = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, res.status);
    }
    return data as T;
  }

  // ---- internals: the stream ----

  private connect(): void {
    if (this.socket || this.reconnectTimer || !this.session || this.destroyed) return;
    this.connectNow();
  }

  private connectNow(): void {
    if (!this.session || this.destroyed) return;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.closeSocket();
    const session = this.session;
    const url = new URL(joinUrl(this.base, "/api/v1/stream"), typeof location !== "undefined" ? location.href : undefined);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", session.token);
    url.searchParams.set("after", String(this.streamSeq));
    const ws = new this.WS(url.toString());
    this.socket = ws;
    // Streamed drafts are not resumed (one may end while no socket is open to hear it); the stored replies are.
    this.update({ connection: this.reconnectAttempts > 0 ? "reconnecting" : "connecting", drafts: [] });
    let fatal = false;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.update({ connection: "open" });
      this.startHeartbeat(ws);
      // The server is reachable again: send whatever waited.
      this.flushAttempts = 0;
      void this.flush();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.socket !== ws) return;
      let e: CustomerStreamEvent;
      try {
        e = JSON.parse(String(ev.data)) as CustomerStreamEvent;
      } catch {
        return;
      }
      this.reconnectAttempts = 0;
      this.onStreamEvent(e, () => {
        fatal = true;
      });
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.stopHeartbeat();
      if (this.destroyed) return;
      if (this.snapshot.drafts.length > 0) this.update({ drafts: [] });
      if (fatal || FATAL_CLOSE.has(ev.code)) {
        if (this.session === session) this.dropSession("session_lost");
        if (this.snapshot.pending.length) void this.flush();
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows and decides */
    };
  }

  private onStreamEvent(e: CustomerStreamEvent, markFatal: () => void): void {
    switch (e.type) {
      case "message":
        this.mergeMessage(e.message, true);
        break;
      case "status":
        this.applyStatus(e.conversation);
        break;
      case "typing":
        this.setTyping({ author: e.author, name: e.name ?? null });
        break;
      case "ai_delta":
        this.appendDraft(e.streamId, e.text);
        break;
      case "ai_stream_end":
        this.endDraft(e.streamId);
        break;
      case "error":
        if (["UNAUTHENTICATED", "FORBIDDEN", "CONVERSATION_NOT_FOUND", "TOKEN_EXPIRED"].includes(e.error.code)) markFatal();
        break;
      case "pong":
        if (this.pongTimer) {
          clearTimeout(this.pongTimer);
          this.pongTimer = null;
        }
        break;
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.destroyed) return;
    const delay = this.delay(this.reconnectAttempts++);
    this.update({ connection: "reconnecting" });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectNow();
    }, delay);
  }

  /** Exponential backoff with full jitter in its upper half, so a restarted server is not hit by every widget at once. */
  private delay(attempt: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(attempt, 16));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    // A socket can die silently (sleeping laptop, dropped NAT entry): ping, and reconnect if no pong comes back.
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== this.WS.OPEN) return;
      ws.send(JSON.stringify({ type: "ping" }));
      if (!this.pongTimer) {
        this.pongTimer = setTimeout(() => {
          this.pongTimer = null;
          if (this.socket === ws) ws.close(4000, "no pong");
        }, PONG_TIMEOUT_MS);
      }
    }, PING_MS);
  }

  private stopHeartbeat(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }

  private closeSocket(): void {
    const ws = this.socket;
    this.socket = null;
    this.stopHeartbeat();
    if (ws && ws.readyState <= 1) ws.close(1000, "reconnecting");
  }

  private clearTimers(): void {
    for (const t of [this.reconnectTimer, this.flushTimer, this.typingTimer, this.pongTimer]) if (t) clearTimeout(t);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.reconnectTimer = this.flushTimer = this.typingTimer = this.pongTimer = this.pingTimer = null;
  }

  // ---- internals: state ----

  /** Adds a message once, in seq order; a customer message replaces its pending copy. */
  private mergeMessage(m: CustomerMessage, fromStream: boolean): void {
    if (fromStream && m.seq > this.streamSeq) this.streamSeq = m.seq;
    const list = this.snapshot.messages;
    let pending = this.snapshot.pending;
    if (m.clientMessageId && m.author === "customer" && pending.some((p) => p.clientMessageId === m.clientMessageId)) {
      pending = pending.filter((p) => p.clientMessageId !== m.clientMessageId);
      this.writeJson(this.keys.pending, pending);
    }
    let messages = list;
    if (!list.some((x) => x.seq === m.seq)) {
      const at = list.length === 0 || list[list.length - 1]!.seq < m.seq ? list.length : list.findIndex((x) => x.seq > m.seq);
      messages = [...list.slice(0, at), m, ...list.slice(at)];
    }
    let typing = this.snapshot.typing;
    if (typing && (m.author === typing.author || m.author === "system")) {
      typing = null;
      if (this.typingTimer) clearTimeout(this.typingTimer);
    }
    if (messages === list && pending === this.snapshot.pending && typing === this.snapshot.typing) return;
    const unread = this.panelOpen ? 0 : messages.filter((x) => x.seq > this.seenSeq && x.author !== "customer").length;
    if (this.panelOpen) this.setSeen(m.seq);
    this.update({ messages, pending, typing, unread });
  }

  /** Adds a piece of streamed text to its stream's draft, opening the draft on the first piece. */
  private appendDraft(streamId: unknown, text: unknown): void {
    if (typeof streamId !== "string" || typeof text !== "string" || text === "") return;
    if (this.endedStreams.has(streamId)) return;
    const drafts = this.snapshot.drafts;
    const at = drafts.findIndex((d) => d.streamId === streamId);
    if (at < 0) {
      this.update({ drafts: [...drafts, { streamId, text: text.slice(0, MAX_DRAFT_CHARS) }] });
      return;
    }
    const current = drafts[at]!;
    if (current.text.length >= MAX_DRAFT_CHARS) return;
    const next = { streamId, text: (current.text + text).slice(0, MAX_DRAFT_CHARS) };
    this.update({ drafts: drafts.map((d, i) => (i === at ? next : d)) });
  }

  /** The stream ended: its draft goes (the stored reply, if any, comes as a message). */
  private endDraft(streamId: unknown): void {
    if (typeof streamId !== "string") return;
    this.endedStreams.add(streamId);
    if (this.endedStreams.size > ENDED_STREAMS_KEPT) {
      const oldest = this.endedStreams.values().next().value;
      if (oldest !== undefined) this.endedStreams.delete(oldest);
    }
    const drafts = this.snapshot.drafts;
    if (drafts.some((d) => d.streamId === streamId)) this.update({ drafts: drafts.filter((d) => d.streamId !== streamId) });
  }

  private applyStatus(c: CustomerConversation): void {
    const prev = this.snapshot.conversation;
    if (prev && prev.id === c.id && c.version < prev.version) return; // stale
    let csat = this.snapshot.csat;
    if (c.status === "resolved") {
      if (csat === "hidden" && !this.csatAnswered(c)) csat = "ask";
    } else if (csat !== "unavailable") csat = "hidden";
    this.update({ conversation: c, csat, typing: c.status === "resolved" ? null : this.snapshot.typing });
  }

  private setTyping(t: WidgetSnapshot["typing"]): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.update({ typing: null }), TYPING_MS);
    this.update({ typing: t });
  }

  private setPendingState(id: string, state: PendingMessage["state"], error: string | null): void {
    this.update({ pending: this.snapshot.pending.map((p) => (p.clientMessageId === id ? { ...p, state, error } : p)) });
    this.savePending();
  }

  private markSeen(): void {
    const last = this.snapshot.messages.at(-1);
    if (last) this.setSeen(last.seq);
    if (this.snapshot.unread !== 0) this.update({ unread: 0 });
  }

  /** Raises the last read seq and keeps it for the next page load (per conversation: a new one starts at 0). */
  private setSeen(seq: number): void {
    if (seq <= this.seenSeq) return;
    this.seenSeq = seq;
    const conversationId = this.session?.conversationId;
    if (conversationId) this.writeJson(this.keys.seen, { conversationId, seq });
  }

  private readSeen(conversationId: string): number {
    const v = this.readJson<{ conversationId: string; seq: number }>(this.keys.seen, (x) => x?.conversationId === conversationId && typeof x?.seq === "number");
    return v && Number.isFinite(v.seq) && v.seq > 0 ? v.seq : 0;
  }

  private csatAnswered(c: CustomerConversation): boolean {
    const answered = this.readJson<Record<string, string>>(this.keys.csat, (v) => typeof v === "object" && v !== null) ?? {};
    return answered[c.id] === (c.resolvedAt ?? "");
  }

  private rememberCsat(c: CustomerConversation): void {
    const answered = this.readJson<Record<string, string>>(this.keys.csat, (v) => typeof v === "object" && v !== null) ?? {};
    answered[c.id] = c.resolvedAt ?? "";
    this.writeJson(this.keys.csat, answered);
  }

  private savePending(): void {
    this.writeJson(this.keys.pending, this.snapshot.pending);
  }

  private update(patch: Partial<WidgetSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const fn of this.listeners) fn();
  }

  private readJson<T>(key: string, valid: (v: Record<string, unknown> | null) => boolean): T | null {
    try {
      const raw = this.storage?.getItem(key);
      if (!raw) return null;
      const v = JSON.parse(raw);
      return valid(v) ? (v as T) : null;
    } catch {
      return null;
    }
  }

  private writeJson(key: string, value: unknown): void {
    try {
      this.storage?.setItem(key, JSON.stringify(value));
    } catch {
      /* storage full or blocked (private mode): the widget still works for this page view */
    }
  }
}

/** localStorage, or null where the host page's sandbox or privacy settings forbid it. */
function safeLocalStorage(): Storage | null {
  try {
    const s = window.localStorage;
    const k = "tandem:probe";
    s.setItem(k, "1");
    s.removeItem(k);
    return s;
  } catch {
    return null;
  }
}

/** The browser's IANA time zone ("Europe/Paris"), or null when it cannot say. */
function browserTimeZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof zone === "string" && zone.length > 0 && zone.length <= 64 ? zone : null;
  } catch {
    return null;
  }
}
