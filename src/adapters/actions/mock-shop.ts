// A small HTTP API of a fictional shop for the demo and tests: orders and password resets, per customer.
// It trusts the x-tandem-customer-* headers the executor sends, as a shop behind a service credential would.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockOrder {
  id: string;
  customerEmail: string;
  status: "processing" | "shipped" | "delivered";
  carrier: string;
  trackingUrl: string;
  estimatedDelivery: string;
  items: string[];
}

export interface MockShop {
  url: string;
  server: Server;
  /** Password resets the shop was asked for, by email. */
  resets: string[];
  close(): Promise<void>;
}

export const DEMO_ORDERS: MockOrder[] = [
  {
    id: "LC-10234",
    customerEmail: "demo.customer@example.com",
    status: "shipped",
    carrier: "PostNL",
    trackingUrl: "https://tracking.example/LC-10234",
    estimatedDelivery: "2026-11-27",
    items: ["Aster linen duvet cover"],
  },
  {
    id: "LC-10388",
    customerEmail: "demo.customer@example.com",
    status: "processing",
    carrier: "DHL",
    trackingUrl: "",
    estimatedDelivery: "2026-12-01",
    items: ["Ember soy candle", "Fjord bath towel set"],
  },
  {
    id: "LC-20001",
    customerEmail: "someone.else@example.com",
    status: "delivered",
    carrier: "DPD",
    trackingUrl: "https://tracking.example/LC-20001",
    estimatedDelivery: "2026-11-20",
    items: ["Harbor oak dining table"],
  },
];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  let raw = "";
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10_000) return null;
  }
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function startMockShop(
  options: { port?: number; host?: string; orders?: MockOrder[] } = {},
): Promise<MockShop> {
  const orders = options.orders ?? DEMO_ORDERS;
  const resets: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const email = String(req.headers["x-tandem-customer-email"] ?? "").toLowerCase();
      const url = new URL(req.url ?? "/", "http://shop");
      const order = /^\/orders\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && order) {
        if (!email) return json(res, 401, { error: "customer identity required" });
        const found = orders.find((o) => o.id.toUpperCase() === decodeURIComponent(order[1]!).toUpperCase());
        // Another customer's order is "not found", never "forbidden": its existence is not revealed either.
        if (!found || found.customerEmail !== email) return json(res, 404, { error: "order not found" });
        const { customerEmail: _hidden, ...visible } = found;
        return json(res, 200, visible);
      }
      if (req.method === "POST" && url.pathname === "/password-resets") {
        const body = await readJson(req);
        const target = typeof body?.email === "string" ? body.email.toLowerCase() : "";
        if (!email || target !== email) return json(res, 403, { error: "can only reset your own password" });
        resets.push(target);
        return json(res, 202, { sentTo: target, validMinutes: 60 });
      }
      json(res, 404, { error: "no such endpoint" });
    })();
  });
  await new Promise<void>((r) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    server,
    resets,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
