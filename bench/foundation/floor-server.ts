// The floor: the least a Node process can do for the benchmark's traffic (bare node:http and a bare `ws` server,
// no framework, no database), run as a child process so Tandem's figures have a same-machine, same-run yardstick.
//
//   POST /messages/:id   → 201 with a small JSON body                        (HTTP ack floor)
//   WS   /echo           → every frame is sent straight back                   (the issue's `ws` echo floor)
//   WS   /relay?id=K + POST /relay/K → 201, and the message pushed to socket K (same shape as Tandem's stream)

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? "0");
const relays = new Map<string, WebSocket>();
let seq = 0;

function reply(res: ServerResponse, status: number, payload: string): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "GET" && req.url === "/healthz") return reply(res, 200, '{"ok":true}');
  const route = req.method === "POST" ? /^\/(messages|relay)\/([^/?]+)$/.exec(req.url ?? "") : null;
  if (!route) return reply(res, 404, '{"error":{"code":"NOT_FOUND","message":"no such route"}}');
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: { clientMessageId?: unknown; text?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof body;
    } catch {
      return reply(res, 400, '{"error":{"code":"INVALID_JSON","message":"the body is not valid JSON"}}');
    }
    // The same fields Tandem returns, so both sides serialize a comparable payload.
    const message = {
      id: randomUUID(),
      conversationId: route[2],
      seq: ++seq,
      author: "customer",
      text: body.text,
      clientMessageId: body.clientMessageId,
      createdAt: new Date().toISOString(),
    };
    if (route[1] === "relay")
      relays.get(route[2] as string)?.send(JSON.stringify({ type: "message", message }));
    reply(res, 201, JSON.stringify({ message }));
  });
}

const server = createServer({ keepAliveTimeout: 60_000 }, onRequest);
const wss = new WebSocketServer({ server, maxPayload: 64 * 1024 });
wss.on("connection", (ws, req) => {
  const url = new URL(req.url ?? "/", "http://floor");
  if (url.pathname === "/relay") {
    const id = url.searchParams.get("id") ?? "";
    relays.set(id, ws);
    ws.on("close", () => relays.delete(id));
  } else {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  }
  ws.send('{"type":"ready"}');
});

server.listen(port, "127.0.0.1");
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
