// A WebSocket test client over a real socket: records every event and lets tests wait on events, never on time.

import WebSocket from "ws";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stream events are JSON of several shapes; tests narrow them.
export type StreamEvent = Record<string, any> & { type: string };

export interface StreamClient {
  ws: WebSocket;
  /** Every event received so far, in arrival order. */
  events: StreamEvent[];
  /** Resolves with the first received event (past or future) matching `pred`. */
  waitFor(pred: (e: StreamEvent) => boolean, label?: string): Promise<StreamEvent>;
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  closed: Promise<{ code: number; reason: string }>;
  /** Closes from the client side and waits for the close to complete. */
  close(): Promise<{ code: number; reason: string }>;
}

/** Guard against a hung test; a failure here prints what did arrive. Not used for ordering. */
const WAIT_LIMIT_MS = 10_000;

export function openStream(
  url: string,
  options: { headers?: Record<string, string> } = {},
): Promise<StreamClient> {
  const ws = new WebSocket(url, { headers: options.headers });
  const events: StreamEvent[] = [];
  const waiters = new Set<{ pred: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on("message", (raw) => {
    const event = JSON.parse(raw.toString()) as StreamEvent;
    events.push(event);
    for (const w of waiters) {
      if (w.pred(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
    }
  });

  const client: StreamClient = {
    ws,
    events,
    closed,
    waitFor(pred, label = "event") {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          pred,
          resolve: (e: StreamEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `timed out waiting for ${label}; received ${JSON.stringify(events.map((e) => e.type + (e.message ? `#${e.message.seq}` : "")))}`,
            ),
          );
        }, WAIT_LIMIT_MS);
        waiters.add(waiter);
      });
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close(1000, "client done");
      return closed;
    },
  };

  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (_req, res) =>
      reject(
        Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { statusCode: res.statusCode }),
      ),
    );
    ws.once("error", reject);
  });
}

/** The seqs of the message events a client received, in arrival order. */
export const seqsOf = (events: StreamEvent[]): number[] =>
  events.filter((e) => e.type === "message").map((e) => e.message.seq as number);
