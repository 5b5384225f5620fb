// The open-loop load generator: sends are scheduled by the clock at a constant rate and every latency is measured
// from the *scheduled* time, so a stalled server is charged for the messages it delayed (no coordinated omission).

import type { Agent } from "node:http";
import WebSocket from "ws";
import { type HttpResult, request } from "./http-client.ts";
import { type LatencySummary, summarize } from "./stats.ts";

export interface ScheduleStats {
  planned: number;
  startedAt: number;
  /** How late the generator itself was in issuing sends: large values mean the client, not the server, lagged. */
  lag: LatencySummary;
}

/** Calls send(i, scheduledAt) for i in [0, rate*seconds), each at t0 + i/rate, catching up in bursts when late. */
export function openLoop(
  rate: number,
  seconds: number,
  send: (i: number, scheduledAt: number) => void,
): Promise<ScheduleStats> {
  const planned = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const startedAt = performance.now() + 5;
  const lags: number[] = [];
  let i = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < planned) {
        const at = startedAt + i * interval;
        if (at > now) break;
        lags.push(now - at);
        send(i, at);
        i++;
      }
      if (i >= planned) {
        resolve({ planned, startedAt, lag: summarize(lags) });
        return;
      }
      setTimeout(tick, Math.max(0, startedAt + i * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
}

/** Counts outstanding operations and resolves once all have finished, or after a grace period. */
export class Outstanding {
  private n = 0;
  private waiter: (() => void) | null = null;
  begin(): void {
    this.n++;
  }
  end(): void {
    this.n--;
    if (this.n === 0) this.waiter?.();
  }
  get count(): number {
    return this.n;
  }
  drain(graceMs: number): Promise<void> {
    if (this.n === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

export interface MessageTarget {
  port: number;
  path: string;
  headers?: Record<string, string>;
}

export interface Outcome {
  status: number | "error";
  latencyMs: number;
  finishedAt: number;
  body: string;
}

/** Posts one message body and reports its status and latency from the scheduled time. */
export async function postMessage(
  agent: Agent,
  t: MessageTarget,
  body: string,
  scheduledAt: number,
): Promise<Outcome> {
  let res: HttpResult | null = null;
  try {
    res = await request({
      port: t.port,
      method: "POST",
      path: t.path,
      headers: t.headers,
      body,
      agent,
      timeoutMs: 60_000,
    });
  } catch {
    /* counted as an error below */
  }
  const finishedAt = performance.now();
  return {
    status: res ? res.status : "error",
    latencyMs: finishedAt - scheduledAt,
    finishedAt,
    body: res?.body ?? "",
  };
}

/**
 * Opens `count` sockets, `concurrency` at a time, each considered ready at its first frame (Tandem's initial
 * status event, the floor's "ready"), so no message is posted before its socket is subscribed.
 */
export async function openSockets(
  count: number,
  url: (k: number) => string,
  onFrame: (k: number, frame: string) => void,
  concurrency = 50,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const openOne = (k: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url(k), { perMessageDeflate: false });
      sockets[k] = ws;
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`socket ${k} not ready within 15 s`)), 15_000);
      ws.on("message", (data) => {
        const frame = data.toString();
        if (!ready) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
        onFrame(k, frame);
      });
      ws.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on("close", (code) => {
        if (!ready) {
          clearTimeout(timer);
          reject(new Error(`socket ${k} closed with ${code} before it was ready`));
        }
      });
    });
  const worker = async () => {
    while (next < count) await openOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return sockets;
}

export async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000);
          ws.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1000);
        }),
    ),
  );
}

/** Runs `fn` over items with at most `concurrency` in flight. */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
