// The console's live feed: ws /api/v1/agent/stream with reconnection and backoff. The agent stream has no
// resume cursor, so every (re)connection is announced and the console reloads what it shows.

import { wsUrl } from "../shared/http.ts";
import type { AgentStreamEvent } from "../shared/wire.ts";

export type StreamState = "connecting" | "open" | "reconnecting" | "closed";

export interface AgentStreamHandlers {
  onEvent(e: AgentStreamEvent): void;
  /** Called on every successful (re)connection: reload the inbox and the open conversation. */
  onConnected(reconnect: boolean): void;
  onState(state: StreamState): void;
  /** The session is no longer valid: log out. */
  onUnauthorized(): void;
}

export function openAgentStream(handlers: AgentStreamHandlers, opts: { baseMs?: number; maxMs?: number } = {}): () => void {
  const baseMs = opts.baseMs ?? 500;
  const maxMs = opts.maxMs ?? 15_000;
  let ws: WebSocket | null = null;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let everConnected = false;

  const connect = () => {
    timer = null;
    if (stopped) return;
    handlers.onState(everConnected ? "reconnecting" : "connecting");
    const socket = new WebSocket(wsUrl("", "/api/v1/agent/stream"));
    ws = socket;
    let unauthorized = false;
    socket.onmessage = (ev) => {
      let e: AgentStreamEvent;
      try {
        e = JSON.parse(String(ev.data)) as AgentStreamEvent;
      } catch {
        return;
      }
      if (e.type === "hello") {
        attempts = 0;
        handlers.onState("open");
        handlers.onConnected(everConnected);
        everConnected = true;
        return;
      }
      // A customer's streamed AI draft is not the console's business (agents read the stored reply): dropped here,
      // should the server ever send one.
      if (e.type === "ai_delta" || e.type === "ai_stream_end") return;
      if (e.type === "error" && (e.error.code === "UNAUTHENTICATED" || e.error.code === "FORBIDDEN")) unauthorized = true;
      handlers.onEvent(e);
    };
    socket.onclose = (ev) => {
      if (ws !== socket) return;
      ws = null;
      if (stopped) return;
      if (unauthorized || ev.code === 4401 || ev.code === 4403) {
        handlers.onState("closed");
        handlers.onUnauthorized();
        return;
      }
      handlers.onState("reconnecting");
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts++, 16));
      timer = setTimeout(connect, ceiling / 2 + (Math.random() * ceiling) / 2);
    };
  };

  const onOnline = () => {
    if (!ws && timer) {
      clearTimeout(timer);
      connect();
    }
  };
  window.addEventListener("online", onOnline);
  connect();
  return () => {
    stopped = true;
    window.removeEventListener("online", onOnline);
    if (timer) clearTimeout(timer);
    ws?.close(1000, "console closed");
    ws = null;
  };
}
