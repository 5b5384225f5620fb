// Realtime streams over WebSocket. Each socket resumes from `after`, then follows the bus; a message whose seq
// skips ahead (events published out of order, or lost between nodes) triggers a catch-up read from the database,
// so a client sees every message exactly once and in seq order.

import type { WebSocket } from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireRole } from "../app/auth-service.ts";
import { AppError } from "../domain/errors.ts";
import type { Conversation, Message } from "../domain/model.ts";
import { type StreamEvent, topics } from "../ports/bus.ts";
import type { RouteContext } from "./app.ts";
import { errorBody, httpStatusOf } from "./errors.ts";
import { agentStreamQuery, conversationView, messageView, streamQuery } from "./wire.ts";

/** Told about every authenticated agent console socket: returns the function to call when that socket closes. */
export interface AgentSocketListener {
  agentConnected(userId: string): () => void;
}

export interface StreamHub {
  closeAll(): void;
  /** Closes this node's agent streams of a user (logout revokes every session, so its sockets end too). */
  closeUser(userId: string): void;
  count(): number;
  /** Reports agent console sockets opening and closing (presence tracking); set once at composition. */
  trackAgentSockets(listener: AgentSocketListener): void;
}

/** A socket with more than this much unsent data is too slow: close it; it reconnects with `after`. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export function registerStreams(app: FastifyInstance, ctx: RouteContext): StreamHub {
  const sockets = new Set<WebSocket>();
  const agentSockets = new Map<WebSocket, string>();
  let agentListener: AgentSocketListener | null = null;

  function send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.close(4008, "too slow; reconnect with after=<last seq>");
      return;
    }
    ws.send(JSON.stringify(payload));
  }

  function refuse(ws: WebSocket, err: unknown): void {
    const code = err instanceof AppError ? err.code : "INTERNAL";
    const message = err instanceof AppError ? err.message : "internal error";
    send(ws, { type: "error", ...errorBody(code, message) });
    ws.close(err instanceof AppError && httpStatusOf[err.code] < 500 ? 4000 + httpStatusOf[err.code] : 1011, code);
  }

  function track(ws: WebSocket, kind: "customer" | "agent"): void {
    sockets.add(ws);
    ctx.metrics.sockets.inc({ kind });
    ws.on("close", () => {
      sockets.delete(ws);
      ctx.metrics.sockets.dec({ kind });
    });
  }

  // A plain HTTP request to a stream gets a coded 426 (@fastify/websocket's default is an empty 404).
  const upgradeRequired = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.code(426).header("upgrade", "websocket").send(errorBody("UPGRADE_REQUIRED", "this is a WebSocket endpoint: connect with Upgrade: websocket"));

  app.route({
    method: "GET",
    url: "/api/v1/stream",
    schema: {
      tags: ["customer"],
      summary: "WebSocket: a conversation's message and status events, resuming after a seq",
      description:
        "Authenticates with the conversation's bearer token in the `token` query parameter (browsers cannot set headers on a WebSocket). A refusal after the upgrade is an `error` event, then a close with code 4000 + the HTTP status (4401, 4403, 4404).\n\n" +
        'Events (JSON text frames): `{"type":"message","message":…}` and `{"type":"status","conversation":…}` in order; `{"type":"typing","author":"ai"|"agent","name":…}`; `{"type":"pong"}` in answer to `{"type":"ping"}`. ' +
        'With an LLM configured, an answer streams as it is generated: `{"type":"ai_delta","streamId":…,"text":…}` carries the next piece of text of the answer named by `streamId` (answers generated at the same time have different ids; plain text, to be shown as text), and one `{"type":"ai_stream_end","streamId":…}` closes each streamed answer whatever became of it: drop its draft. ' +
        "The stored reply (which may differ from what streamed: a withdrawn reply is replaced by another answer or a handover) arrives as an ordinary `message` event; a stream also ends as soon as a person takes the conversation over.",
      querystring: streamQuery,
      response: { 101: { description: "Switching Protocols: the WebSocket is open" } },
      raises: ["UPGRADE_REQUIRED"],
    },
    wsHandler: (ws, req: FastifyRequest<{ Querystring: { token: string; after: number } }>) => {
      // Subscribe first and buffer, so nothing published while the backlog loads is missed.
      const queue: StreamEvent[] = [];
      let unsubscribe: (() => void) | null = null;
      let conversationId: string | null = null;
      let lastSeq = req.query.after;
      let lastVersion = 0;
      let chain: Promise<void> = Promise.resolve();
      let ready = false;
      // Streamed AI answers: those whose text this socket sent and has not ended yet, and those it ended early
      // (muted) because the AI no longer owns the conversation: its reply will be dropped (the AI never talks over a
      // person), so the draft goes now, not when the model finishes. A muted stream's later text and its own end
      // are not sent. Every stream a client sees is closed by exactly one ai_stream_end.
      const drafts = new Set<string>();
      const muted = new Set<string>();
      let aiOwns = true;
      ws.on("close", () => unsubscribe?.());

      const deliverMessage = async (m: Message): Promise<void> => {
        if (m.seq <= lastSeq) return; // already sent
        if (m.seq > lastSeq + 1) {
          // A gap: fill it from the database before moving on.
          const missing = await ctx.store.listMessages(m.conversationId, { afterSeq: lastSeq, limit: m.seq - lastSeq - 1 });
          for (const x of missing) if (x.seq < m.seq && x.seq > lastSeq) sendMessage(x);
        }
        if (!m.internal) sendMessage(m);
        else lastSeq = Math.max(lastSeq, m.seq);
      };
      const sendMessage = (m: Message) => {
        lastSeq = m.seq;
        send(ws, { type: "message", message: messageView(m, "customer") });
      };
      const deliverStatus = async (c: Conversation): Promise<void> => {
        if (c.version <= lastVersion) return; // stale
        lastVersion = c.version;
        aiOwns = c.status === "ai";
        const name = c.assigneeId ? (await ctx.store.getUser(c.assigneeId))?.displayName : null;
        send(ws, { type: "status", conversation: conversationView(c, "customer", name) });
        if (!aiOwns) {
          for (const streamId of drafts) {
            muted.add(streamId);
            send(ws, { type: "ai_stream_end", streamId });
          }
          drafts.clear();
        }
      };
      const deliverDelta = (streamId: string, text: string): void => {
        if (muted.has(streamId)) return;
        if (!aiOwns) {
          // Started before a person took over: none of it is shown.
          muted.add(streamId);
          return;
        }
        drafts.add(streamId);
        send(ws, { type: "ai_delta", streamId, text });
      };
      const deliverStreamEnd = (streamId: string): void => {
        muted.delete(streamId);
        // Only streams this socket sent text of: for any other, the client has no draft to drop.
        if (drafts.delete(streamId)) send(ws, { type: "ai_stream_end", streamId });
      };
      /** Sends the current status and every message after lastSeq; false when the conversation does not exist. */
      const catchUp = async (id: string): Promise<boolean> => {
        const c = await ctx.store.getConversation(id);
        if (!c) return false;
        await deliverStatus(c);
        for (;;) {
          const page = await ctx.store.listMessages(id, { afterSeq: lastSeq, limit: 500 });
          for (const m of page) sendMessage(m);
          if (page.length < 500) break;
        }
        return true;
      };
      const handle = (e: StreamEvent): void => {
        if (!ready) {
          queue.push(e);
          return;
        }
        chain = chain.then(async () => {
          if (e.type === "message") await deliverMessage(e.message);
          else if (e.type === "status") await deliverStatus(e.conversation);
          else if (e.type === "resync" && conversationId) await catchUp(conversationId);
          else if (e.type === "typing") send(ws, { type: "typing", author: e.author, name: e.name ?? null });
          else if (e.type === "ai_delta") deliverDelta(e.streamId, e.text);
          else if (e.type === "ai_stream_end") deliverStreamEnd(e.streamId);
        }).catch((err) => req.log.warn({ err: (err as Error).message }, "stream delivery failed"));
      };

      void (async () => {
        try {
          const p = await ctx.auth.authenticate(req.query.token);
          if (p.kind !== "customer") throw new AppError("FORBIDDEN", "use /api/v1/agent/stream for agents");
          conversationId = p.conversationId;
          // Closed while authenticating: subscribing now would leak a subscription nobody unsubscribes.
          if (ws.readyState !== ws.OPEN) return;
          track(ws, "customer");
          unsubscribe = ctx.bus.subscribe(topics.conversation(conversationId), handle);
          // One read of the conversation serves both the existence check and the initial status event.
          if (!(await catchUp(conversationId))) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
          ready = true;
          for (const e of queue.splice(0)) handle(e);
        } catch (err) {
          refuse(ws, err);
        }
      })();

      ws.on("message", (raw) => {
        // Customers may signal typing; anything else is ignored.
        if (!ready || !conversationId || raw.toString().length > 200) return;
        try {
          const msg = JSON.parse(raw.toString()) as { type?: string };
          if (msg.type === "ping") send(ws, { type: "pong" });
        } catch {
          /* not JSON: ignore */
        }
      });
    },
    handler: upgradeRequired,
  });

  app.route({
    method: "GET",
    url: "/api/v1/agent/stream",
    schema: {
      tags: ["agent"],
      summary: "WebSocket for the agent console: every conversation's events, notes and triage",
      description:
        "Authenticates with an agent's bearer token in the `token` query parameter, or else with the console's session cookie (tandem_session, set by login). A refusal after the upgrade is an `error` event, then a close with code 4000 + the HTTP status (4401, 4403).",
      querystring: agentStreamQuery,
      response: { 101: { description: "Switching Protocols: the WebSocket is open" } },
      raises: ["UPGRADE_REQUIRED"],
    },
    wsHandler: (ws, req: FastifyRequest<{ Querystring: { token?: string } }>) => {
      let unsubscribe: (() => void) | null = null;
      let left: (() => void) | null = null;
      ws.on("close", () => {
        unsubscribe?.();
        left?.();
      });
      void (async () => {
        try {
          const token = req.query.token ?? req.cookies?.tandem_session;
          const user = requireRole(await ctx.auth.authenticate(token), "agent");
          // Closed while authenticating: the close handler already ran, so take nothing that it would release.
          if (ws.readyState !== ws.OPEN) return;
          track(ws, "agent");
          agentSockets.set(ws, user.id);
          ws.on("close", () => agentSockets.delete(ws));
          left = agentListener?.agentConnected(user.id) ?? null;
          send(ws, { type: "hello", user: { id: user.id, displayName: user.displayName, role: user.role } });
          unsubscribe = ctx.bus.subscribe(topics.agents, (e) => {
            if (e.type === "message") send(ws, { type: "message", message: messageView(e.message, "agent") });
            else if (e.type === "status") send(ws, { type: "status", conversation: conversationView(e.conversation, "agent") });
            else send(ws, e);
          });
        } catch (err) {
          refuse(ws, err);
        }
      })();
    },
    handler: upgradeRequired,
  });

  return {
    closeAll() {
      for (const ws of sockets) ws.close(1001, "server shutting down");
    },
    closeUser(userId) {
      for (const [ws, id] of agentSockets) if (id === userId) ws.close(4401, "session ended");
    },
    count: () => sockets.size,
    trackAgentSockets(listener) {
      agentListener = listener;
    },
  };
}
