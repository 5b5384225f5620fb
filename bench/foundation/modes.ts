// The five measured modes of the foundation benchmark. Each one posts the same messages at the same rate over the
// same client code; only the server behind it differs (Tandem or the bare floor), so the ratios are meaningful.

import type { Agent } from "node:http";
import type WebSocket from "ws";
import { cpuTimeMs } from "./processes.ts";
import {
  closeSockets,
  type MessageTarget,
  openLoop,
  openSockets,
  Outstanding,
  postMessage,
  type ScheduleStats,
} from "./load.ts";
import { type LatencySummary, summarize } from "./stats.ts";

export const MODES = ["http-floor", "http-tandem", "ws-floor-echo", "ws-floor-relay", "ws-tandem"] as const;
export type Mode = (typeof MODES)[number];

export interface RunResult {
  mode: Mode;
  rep: number;
  rate: number;
  seconds: number;
  sent: number;
  /** 201s (HTTP modes and the HTTP half of push modes); null for the echo floor, which has no separate ack. */
  acked: number | null;
  /** Messages that arrived on their socket (push modes and the echo floor); null for plain HTTP modes. */
  delivered: number | null;
  errors: Record<string, number>;
  ack: LatencySummary | null;
  delivery: LatencySummary | null;
  ackedPerSec: number | null;
  deliveredPerSec: number | null;
  /** Acknowledged messages that never reached their socket within the grace period. */
  undelivered: number | null;
  duplicatesOnSocket: number | null;
  outOfOrderOnSocket: number | null;
  generatorLag: LatencySummary;
  serverCpuMsPerMessage: number | null;
  loadGeneratorCpuMsPerMessage: number;
  /** The measured span on the monotonic clock (µs), to cut a server CPU profile down to the traffic. */
  window: { startUs: number; endUs: number };
}

export interface TandemConversation {
  id: string;
  token: string;
  /** Highest seq this client has seen in the conversation, so streams open without replaying old history. */
  maxSeq: number;
}

/** Every message sent to Tandem, and which were acknowledged, for the no-message-lost check at the end. */
export interface Ledger {
  sent: Map<string, number>;
  acked: Map<string, number>;
}

export interface ModeContext {
  rate: number;
  conversations: number;
  agent: Agent;
  floor: { port: number; pid: number };
  tandem: { port: number; pid: number; conversations: TandemConversation[]; ledger: Ledger };
  drainGraceMs: number;
}

// A support-chat-sized message (~80 bytes), the same on both sides.
const textFor = (cmid: string) =>
  `Hi, my order has not arrived yet and the tracking page shows nothing. (${cmid})`;
const bodyFor = (cmid: string) => JSON.stringify({ clientMessageId: cmid, text: textFor(cmid) });

interface Tally {
  errors: Record<string, number>;
  ackLatencies: number[];
  deliveryLatencies: number[];
  lastAckAt: number;
  lastDeliveryAt: number;
}

const newTally = (): Tally => ({
  errors: {},
  ackLatencies: [],
  deliveryLatencies: [],
  lastAckAt: 0,
  lastDeliveryAt: 0,
});

function countError(t: Tally, key: string): void {
  t.errors[key] = (t.errors[key] ?? 0) + 1;
}

function perSec(count: number, startedAt: number, endedAt: number): number | null {
  return count > 0 && endedAt > startedAt ? count / ((endedAt - startedAt) / 1000) : null;
}

function finish(
  mode: Mode,
  rep: number,
  ctx: ModeContext,
  seconds: number,
  schedule: ScheduleStats,
  tally: Tally,
  cpu: ReturnType<typeof startCpu>,
  push: { delivered: number; undelivered: number | null; duplicates: number; outOfOrder: number } | null,
  acked: number | null,
): RunResult {
  const serverAfter = cpuTimeMs(cpu.serverPid);
  const endUs = nowUs();
  const client = process.cpuUsage(cpu.clientBefore);
  return {
    mode,
    rep,
    rate: ctx.rate,
    seconds,
    sent: schedule.planned,
    acked,
    delivered: push ? push.delivered : null,
    errors: tally.errors,
    ack: acked === null ? null : summarize(tally.ackLatencies),
    delivery: push ? summarize(tally.deliveryLatencies) : null,
    ackedPerSec: acked === null ? null : perSec(acked, schedule.startedAt, tally.lastAckAt),
    deliveredPerSec: push ? perSec(push.delivered, schedule.startedAt, tally.lastDeliveryAt) : null,
    undelivered: push ? push.undelivered : null,
    duplicatesOnSocket: push ? push.duplicates : null,
    outOfOrderOnSocket: push ? push.outOfOrder : null,
    generatorLag: schedule.lag,
    serverCpuMsPerMessage:
      serverAfter !== null && cpu.serverBefore !== null
        ? (serverAfter - cpu.serverBefore) / schedule.planned
        : null,
    loadGeneratorCpuMsPerMessage: (client.user + client.system) / 1000 / schedule.planned,
    window: { startUs: cpu.startUs, endUs },
  };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function startCpu(serverPid: number) {
  return {
    serverPid,
    serverBefore: cpuTimeMs(serverPid),
    clientBefore: process.cpuUsage(),
    startUs: nowUs(),
  };
}

function tandemTarget(c: TandemConversation): MessageTarget {
  return {
    port: 0,
    path: `/api/v1/conversations/${c.id}/messages`,
    headers: { authorization: `Bearer ${c.token}` },
  };
}

/** Records an acknowledged Tandem message: it must be in the conversation exactly once at the end. */
function noteTandemAck(ctx: ModeContext, k: number, cmid: string, body: string): void {
  ctx.tandem.ledger.acked.set(cmid, k);
  try {
    const seq = (JSON.parse(body) as { message: { seq: number } }).message.seq;
    const c = ctx.tandem.conversations[k] as TandemConversation;
    if (seq > c.maxSeq) c.maxSeq = seq;
  } catch {
    /* a 201 without a parsable body would be a contract bug; the final check still catches a lost message */
  }
}

/** (a) HTTP: POST each message over keep-alive connections; latency = scheduled time → 201 received. */
export async function runHttp(
  mode: "http-floor" | "http-tandem",
  rep: number,
  seconds: number,
  ctx: ModeContext,
): Promise<RunResult> {
  const tandem = mode === "http-tandem";
  const serverPid = tandem ? ctx.tandem.pid : ctx.floor.pid;
  const tally = newTally();
  const inflight = new Outstanding();
  let acked = 0;
  const cpu = startCpu(serverPid);
  const schedule = await openLoop(ctx.rate, seconds, (i, scheduledAt) => {
    const k = i % ctx.conversations;
    const cmid = `${mode}-r${rep}-${i}`;
    const target: MessageTarget = tandem
      ? { ...tandemTarget(ctx.tandem.conversations[k] as TandemConversation), port: ctx.tandem.port }
      : { port: ctx.floor.port, path: `/messages/c${k}` };
    if (tandem) ctx.tandem.ledger.sent.set(cmid, k);
    inflight.begin();
    void postMessage(ctx.agent, target, bodyFor(cmid), scheduledAt).then((o) => {
      if (o.status === 201) {
        acked++;
        tally.ackLatencies.push(o.latencyMs);
        tally.lastAckAt = Math.max(tally.lastAckAt, o.finishedAt);
        if (tandem) noteTandemAck(ctx, k, cmid, o.body);
        else JSON.parse(o.body); // the same client-side work as for Tandem
      } else countError(tally, String(o.status));
      inflight.end();
    });
  });
  await inflight.drain(ctx.drainGraceMs);
  if (inflight.count > 0) tally.errors.unfinished = inflight.count;
  return finish(mode, rep, ctx, seconds, schedule, tally, cpu, null, acked);
}

interface PushState {
  pending: Map<string, { k: number; scheduledAt: number }>;
  delivered: Set<string>;
  lastSeq: number[];
  duplicates: number;
  outOfOrder: number;
}

function onPushFrame(state: PushState, tally: Tally, k: number, frame: string): void {
  let event: { type?: string; message?: { seq?: number; clientMessageId?: string | null } };
  try {
    event = JSON.parse(frame) as typeof event;
  } catch {
    countError(tally, "bad-frame");
    return;
  }
  if (event.type !== "message" || !event.message) return;
  const { seq, clientMessageId } = event.message;
  if (typeof seq === "number") {
    if (seq <= (state.lastSeq[k] ?? 0)) state.outOfOrder++;
    state.lastSeq[k] = Math.max(state.lastSeq[k] ?? 0, seq);
  }
  const p = clientMessageId ? state.pending.get(clientMessageId) : undefined;
  if (!p || !clientMessageId) return; // history, system messages, or another run's traffic
  if (state.delivered.has(clientMessageId)) {
    state.duplicates++;
    return;
  }
  if (p.k !== k) countError(tally, "wrong-socket");
  state.delivered.add(clientMessageId);
  const now = performance.now();
  tally.deliveryLatencies.push(now - p.scheduledAt);
  tally.lastDeliveryAt = Math.max(tally.lastDeliveryAt, now);
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * (b) WebSocket: one open stream per conversation; each message is POSTed over HTTP and timed until it arrives on
 * its conversation's socket (delivery latency), with the HTTP ack timed in the same run.
 */
export async function runPush(
  mode: "ws-floor-relay" | "ws-tandem",
  rep: number,
  seconds: number,
  ctx: ModeContext,
): Promise<RunResult> {
  const tandem = mode === "ws-tandem";
  const serverPid = tandem ? ctx.tandem.pid : ctx.floor.pid;
  const port = tandem ? ctx.tandem.port : ctx.floor.port;
  const tally = newTally();
  const state: PushState = {
    pending: new Map(),
    delivered: new Set(),
    lastSeq: [],
    duplicates: 0,
    outOfOrder: 0,
  };
  const convs = ctx.tandem.conversations;
  for (let k = 0; k < ctx.conversations; k++)
    state.lastSeq[k] = tandem ? (convs[k] as TandemConversation).maxSeq : 0;
  const url = (k: number) => {
    const c = convs[k] as TandemConversation;
    return tandem
      ? `ws://127.0.0.1:${port}/api/v1/stream?token=${encodeURIComponent(c.token)}&after=${c.maxSeq}`
      : `ws://127.0.0.1:${port}/relay?id=c${k}`;
  };
  const sockets = await openSockets(ctx.conversations, url, (k, frame) =>
    onPushFrame(state, tally, k, frame),
  );

  const inflight = new Outstanding();
  const ackedIds: string[] = [];
  const cpu = startCpu(serverPid);
  const schedule = await openLoop(ctx.rate, seconds, (i, scheduledAt) => {
    const k = i % ctx.conversations;
    const cmid = `${mode}-r${rep}-${i}`;
    const target: MessageTarget = tandem
      ? { ...tandemTarget(convs[k] as TandemConversation), port }
      : { port, path: `/relay/c${k}` };
    state.pending.set(cmid, { k, scheduledAt });
    if (tandem) ctx.tandem.ledger.sent.set(cmid, k);
    inflight.begin();
    void postMessage(ctx.agent, target, bodyFor(cmid), scheduledAt).then((o) => {
      if (o.status === 201) {
        ackedIds.push(cmid);
        tally.ackLatencies.push(o.latencyMs);
        tally.lastAckAt = Math.max(tally.lastAckAt, o.finishedAt);
        if (tandem) noteTandemAck(ctx, k, cmid, o.body);
        else JSON.parse(o.body);
      } else countError(tally, String(o.status));
      inflight.end();
    });
  });
  await inflight.drain(ctx.drainGraceMs);
  if (inflight.count > 0) tally.errors.unfinished = inflight.count;
  await waitFor(() => ackedIds.every((id) => state.delivered.has(id)), ctx.drainGraceMs);
  const result = finish(
    mode,
    rep,
    ctx,
    seconds,
    schedule,
    tally,
    cpu,
    {
      delivered: state.delivered.size,
      undelivered: ackedIds.filter((id) => !state.delivered.has(id)).length,
      duplicates: state.duplicates,
      outOfOrder: state.outOfOrder,
    },
    ackedIds.length,
  );
  await closeSockets(sockets);
  return result;
}

/** The floor: a bare `ws` echo server, one socket per conversation, latency = scheduled time → echo. */
export async function runEcho(rep: number, seconds: number, ctx: ModeContext): Promise<RunResult> {
  const mode = "ws-floor-echo" as const;
  const tally = newTally();
  const pending = new Map<string, number>();
  let delivered = 0;
  const sockets: WebSocket[] = await openSockets(
    ctx.conversations,
    () => `ws://127.0.0.1:${ctx.floor.port}/echo`,
    (_k, frame) => {
      let m: { clientMessageId?: string };
      try {
        m = JSON.parse(frame) as typeof m;
      } catch {
        countError(tally, "bad-frame");
        return;
      }
      const at = m.clientMessageId ? pending.get(m.clientMessageId) : undefined;
      if (at === undefined || !m.clientMessageId) return;
      pending.delete(m.clientMessageId);
      delivered++;
      const now = performance.now();
      tally.deliveryLatencies.push(now - at);
      tally.lastDeliveryAt = Math.max(tally.lastDeliveryAt, now);
    },
  );
  const cpu = startCpu(ctx.floor.pid);
  const schedule = await openLoop(ctx.rate, seconds, (i, scheduledAt) => {
    const cmid = `${mode}-r${rep}-${i}`;
    pending.set(cmid, scheduledAt);
    (sockets[i % ctx.conversations] as WebSocket).send(bodyFor(cmid));
  });
  await waitFor(() => pending.size === 0, ctx.drainGraceMs);
  const result = finish(
    mode,
    rep,
    ctx,
    seconds,
    schedule,
    tally,
    cpu,
    {
      delivered,
      undelivered: pending.size,
      duplicates: 0,
      outOfOrder: 0,
    },
    null,
  );
  await closeSockets(sockets);
  return result;
}
