// Scale benchmark (issue 8, "Show it"): open sockets and a ramped message rate against one Tandem node and two
// nodes on PostgreSQL + Redis, side by side with the embedded single-node mode (SQLite, in-process bus) and a bare
// `ws` floor, all in the same run on the same machine.
//
//   node bench/scale/load.ts [--conversations 1000] [--sockets 10000] [--rates 250,500,1000,2000] [--step-seconds 3]
//        [--modes floor,embedded,one-node,two-nodes] [--out bench/results/scale]
//
// Per mode: start the server(s) as child processes; create the conversations and send each a first message (so the
// load is plain appends to queued conversations); open --sockets customer streams (spread over the conversations,
// and over both nodes in two-node mode) and measure server RSS per open socket; close all but one stream per
// conversation; then ramp the message rate. Each message is posted by HTTP as the customer and timed until it
// arrives on an agent console stream. In two-node mode customers are spread over both nodes, as a load balancer
// would, an agent console is open on each node, and a message is timed on the console of the node it was NOT
// posted to: every timed delivery crosses Redis (the cross-node path), and both nodes share the work. There is no AI
// responder in `tandem serve` (AI replies need an LLM endpoint), so customer→AI latency is reported as not measured.
// Latency is measured from the scheduled send time (open loop), so a stalled server is charged for its delays.

import type { Agent } from "node:http";
import { writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { z } from "zod";
import { keepAliveAgent, request } from "../foundation/http-client.ts";
import { closeSockets, forEachLimit, openLoop, openSockets } from "../foundation/load.ts";
import { cpuTimeMs, cpuTimeOfCommandMs, freePort, type ServerChild, startChild } from "../foundation/processes.ts";
import { type LatencySummary, summarize } from "../foundation/stats.ts";
import {
  createDatabase,
  type PrivateServices,
  seedUsers,
  startPrivateServices,
} from "../../test/support/cluster.ts";
import { renderPlan, renderScaleMarkdown } from "./report.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const MODES = ["floor", "embedded", "one-node", "two-nodes"] as const;
export type ScaleMode = (typeof MODES)[number];

const rawArgs = parseArgs({
  options: {
    conversations: { type: "string", default: "1000" },
    sockets: { type: "string", default: "10000" },
    rates: { type: "string", default: "250,500,1000,2000" },
    "step-seconds": { type: "string", default: "3" },
    repeats: { type: "string", default: "1" },
    "ai-rate": { type: "string", default: "100" },
    "server-node-options": { type: "string", default: "--max-semi-space-size=64" },
    "ai-seconds": { type: "string", default: "3" },
    modes: { type: "string", default: MODES.join(",") },
    out: { type: "string", default: join(root, "bench/results/scale") },
  },
}).values;
const opts = z
  .object({
    conversations: z.coerce.number().int().min(1).max(20_000),
    sockets: z.coerce.number().int().min(0).max(19_000),
    rates: z
      .string()
      .transform((s) => s.split(",").map(Number))
      .pipe(z.array(z.number().positive().max(20_000)).min(1)),
    stepSeconds: z.coerce.number().positive().max(60),
    repeats: z.coerce.number().int().min(1).max(20),
    aiRate: z.coerce.number().positive().max(5_000),
    aiSeconds: z.coerce.number().positive().max(60),
    serverNodeOptions: z.string(),
    modes: z
      .string()
      .transform((s) => s.split(","))
      .pipe(z.array(z.enum(MODES)).min(1)),
    out: z.string(),
  })
  .parse({ ...rawArgs, stepSeconds: rawArgs["step-seconds"], aiRate: rawArgs["ai-rate"], aiSeconds: rawArgs["ai-seconds"], serverNodeOptions: rawArgs["server-node-options"] });

export interface RateStep {
  rate: number;
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  /** Acknowledged messages that never reached the agent stream within the drain period. */
  lost: number;
  duplicates: number;
  ack: LatencySummary;
  delivery: LatencySummary;
  deliveredPerSec: number;
  serverCpuMsPerMessage: number | null;
  /** Measured per message during the step (PostgreSQL transactions committed, Redis commands); null without them. */
  pgTransactionsPerMessage: number | null;
  redisCommandsPerMessage: number | null;
  generatorLagP99: number;
  /** Delivery p99 of this rate in every repeat of the ramp; the step's other figures are from the median one. */
  deliveryP99Repeats: number[];
  /** CPU per acknowledged message of the other processes on the machine: PostgreSQL, Redis and this load generator. */
  pgCpuMsPerMessage: number | null;
  redisCpuMsPerMessage: number | null;
  generatorCpuMsPerMessage: number;
  /** The servers' worst event-loop delay during the step (prom-client's histogram, reset by each scrape); null for the floor. */
  serverLoopLagMaxMs: number | null;
}

export interface ModeResult {
  mode: ScaleMode;
  nodes: number;
  sockets: {
    opened: number;
    openMs: number;
    /** Right after start, before any conversation or socket: the baseline per-socket figures are charged against. */
    rssFreshMb: number;
    rssBeforeMb: number;
    rssAfterMb: number;
    /** (RSS with the sockets open − fresh RSS) / sockets: an upper bound, it also carries the conversations' state. */
    rssPerSocketKb: number;
    /** (RSS after − RSS just before opening) / sockets: the marginal cost, blurred by garbage collection. */
    marginalPerSocketKb: number;
    perNodeRssMb: number[];
  };
  setupMs: number;
  steps: RateStep[];
  stoppedEarly: string | null;
  /** Customer → AI reply on fresh conversations the AI owns (embedded answers from the demo knowledge base). */
  aiReply: AiReplyResult | null;
}

export interface AiReplyResult {
  rate: number;
  sent: number;
  acked: number;
  /** AI messages that reached the customer's stream: answers, and handovers when the AI could not answer. */
  replied: number;
  byKind: Record<string, number>;
  latency: LatencySummary;
  serverCpuMsPerMessage: number | null;
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tandemEnv = (extra: Record<string, string>): Record<string, string> => ({
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  // The embedded AI answers from the demo knowledge base (no LLM); the ramp's conversations are queued for people.
  TANDEM_AI: "on",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "10000000",
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "10000000",
  RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
  // The README's production setting: a larger young generation, so bursts of short-lived request garbage are
  // collected by cheap scavenges instead of being promoted into full collections that pause the node.
  NODE_OPTIONS: opts.serverNodeOptions,
  ...extra,
});

async function startTandemChild(name: string, env: Record<string, string>, demo: boolean): Promise<ServerChild> {
  return startChild({
    name,
    // --demo seeds the demo knowledge base (and demo agents) into the empty database, for the AI-reply phase.
    args: [join(root, "bin/tandem.js"), "serve", ...(demo ? ["--demo"] : [])],
    env: tandemEnv(env),
    port: await freePort(),
    readyPath: "/readyz",
    timeoutMs: 60_000,
  });
}

async function json(
  port: number,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  token?: string,
  agent?: Agent,
) {
  const r = await request({
    port,
    method,
    path,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    agent,
  });
  return { status: r.status, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

interface Counters {
  pg: pg.Client | null;
  redisPort: number | null;
  /** Tandem servers expose /metrics with prom-client's event-loop delay; the floor does not. */
  tandem: boolean;
}

/** The worst event-loop delay any server saw since the previous scrape (prom-client resets it when scraped). */
async function loopLagMaxMs(servers: ServerChild[], tandem: boolean): Promise<number | null> {
  if (!tandem) return null;
  let worst = 0;
  for (const s of servers) {
    const r = await request({ port: s.port, method: "GET", path: "/metrics" });
    const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(r.body);
    if (m) worst = Math.max(worst, Number(m[1]) * 1000);
  }
  return worst;
}

async function pgCommits(c: pg.Client | null): Promise<number | null> {
  if (!c) return null;
  const r = await c.query("SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database");
  return Number(r.rows[0].n);
}
async function redisCommands(port: number | null): Promise<number | null> {
  if (!port) return null;
  const { stdout } = await run("redis-cli", ["-p", String(port), "info", "stats"]);
  const m = /total_commands_processed:(\d+)/.exec(stdout);
  return m ? Number(m[1]) : null;
}

/** The ramp: messages posted to `postPort`, timed until they arrive on the agent socket's frames. */
async function ramp(
  repeat: number,
  rates: readonly number[],
  servers: ServerChild[],
  post: (cid: string, i: number, agent: Agent) => Promise<number>,
  arrivals: Arrivals,
  counters: Counters,
): Promise<{ steps: RateStep[]; stoppedEarly: string | null }> {
  const steps: RateStep[] = [];
  const agent = keepAliveAgent(128);
  for (const rate of rates) {
    const scheduled = new Map<string, number>();
    const ackLat: number[] = [];
    let acked = 0;
    let errors = 0;
    arrivals.first.clear();
    arrivals.repeats = 0;
    await loopLagMaxMs(servers, counters.tandem); // resets the histograms: the next reading covers this step only
    const cpu0 = servers.map((s) => cpuTimeMs(s.pid) ?? Number.NaN);
    const [pgCpu0, redisCpu0, gen0] = [cpuTimeOfCommandMs("postgres"), cpuTimeOfCommandMs("redis-server"), process.cpuUsage()];
    const [pg0, redis0] = [await pgCommits(counters.pg), await redisCommands(counters.redisPort)];
    const inflight: Promise<void>[] = [];
    const schedule = await openLoop(rate, opts.stepSeconds, (i, at) => {
      const cid = `r${repeat}-${rate}-${i}`;
      scheduled.set(cid, at);
      inflight.push(
        post(cid, i, agent).then(
          (status) => {
            if (status === 201 || status === 200) {
              acked++;
              ackLat.push(performance.now() - at);
            } else errors++;
          },
          () => {
            errors++;
          },
        ),
      );
    });
    await Promise.all(inflight);
    // Drain: wait until every acknowledged message arrived, or 5 s.
    const drainUntil = performance.now() + 5000;
    while (performance.now() < drainUntil && arrivals.first.size < acked) await sleep(20);
    let lastArrival = schedule.startedAt;
    const delivery: number[] = [];
    for (const [cid, at] of scheduled) {
      const got = arrivals.first.get(cid);
      if (got === undefined) continue;
      delivery.push(got - at);
      lastArrival = Math.max(lastArrival, got);
    }
    const elapsedS = (lastArrival - schedule.startedAt) / 1000;
    const duplicates = arrivals.repeats;
    const cpu1 = servers.map((s) => cpuTimeMs(s.pid) ?? Number.NaN);
    const [pgCpu1, redisCpu1, gen1] = [cpuTimeOfCommandMs("postgres"), cpuTimeOfCommandMs("redis-server"), process.cpuUsage(gen0)];
    const loopLag = await loopLagMaxMs(servers, counters.tandem);
    const [pg1, redis1] = [await pgCommits(counters.pg), await redisCommands(counters.redisPort)];
    const cpu = cpu1.reduce((s, v, k) => s + (v - (cpu0[k] as number)), 0);
    const step: RateStep = {
      rate,
      sent: scheduled.size,
      acked,
      delivered: delivery.length,
      errors,
      lost: acked - delivery.length,
      duplicates,
      ack: summarize(ackLat),
      delivery: summarize(delivery),
      deliveredPerSec: delivery.length / Math.max(elapsedS, opts.stepSeconds),
      serverCpuMsPerMessage: Number.isFinite(cpu) && acked ? cpu / acked : null,
      pgTransactionsPerMessage: pg0 !== null && pg1 !== null && acked ? (pg1 - pg0) / acked : null,
      redisCommandsPerMessage: redis0 !== null && redis1 !== null && acked ? (redis1 - redis0) / acked : null,
      generatorLagP99: schedule.lag.p99,
      deliveryP99Repeats: [],
      serverLoopLagMaxMs: loopLag,
      pgCpuMsPerMessage: counters.pg && acked ? (pgCpu1 - pgCpu0) / acked : null,
      redisCpuMsPerMessage: counters.redisPort && acked ? (redisCpu1 - redisCpu0) / acked : null,
      generatorCpuMsPerMessage: acked ? (gen1.user + gen1.system) / 1000 / acked : Number.NaN,
    };
    step.deliveryP99Repeats = [step.delivery.p99];
    steps.push(step);
    console.log(
      `    ${String(rate).padStart(5)}/s  acked ${acked}/${scheduled.size}  delivered ${delivery.length}  p50 ${step.delivery.p50.toFixed(1)} ms  p99 ${step.delivery.p99.toFixed(1)} ms  cpu ${step.serverCpuMsPerMessage?.toFixed(2)} ms/msg  loop lag max ${step.serverLoopLagMaxMs?.toFixed(0) ?? "—"} ms  pg ${step.pgCpuMsPerMessage?.toFixed(2) ?? "—"}  redis ${step.redisCpuMsPerMessage?.toFixed(2) ?? "—"}  gen ${step.generatorCpuMsPerMessage.toFixed(2)} ms/msg`,
    );
    if (errors > scheduled.size * 0.01 || step.delivery.p99 > 2000) {
      agent.destroy();
      return {
        steps,
        stoppedEarly: `stopped after ${rate}/s: ${errors} errors, delivery p99 ${step.delivery.p99.toFixed(0)} ms`,
      };
    }
    await sleep(500);
  }
  agent.destroy();
  return { steps, stoppedEarly: null };
}

/**
 * Runs the ramp --repeats times on the same servers and keeps, for each rate, the repeat with the median delivery
 * p99 (these machines are noisy: one ramp is one sample), recording every repeat's p99 beside it.
 */
async function repeatedRamps(
  run: (repeat: number, rates: readonly number[]) => Promise<{ steps: RateStep[]; stoppedEarly: string | null }>,
): Promise<{ steps: RateStep[]; stoppedEarly: string | null }> {
  // Unreported warm-up at the lowest rate: JIT, connection pools and prepared statements, as a server in service has.
  console.log("    warm-up");
  await run(-1, [opts.rates[0] as number]);
  const runs = [];
  for (let k = 0; k < opts.repeats; k++) {
    if (opts.repeats > 1) console.log(`    repeat ${k + 1}/${opts.repeats}`);
    runs.push(await run(k, opts.rates));
  }
  const steps: RateStep[] = [];
  for (const rate of opts.rates) {
    const atRate = runs.flatMap((r) => r.steps.filter((s) => s.rate === rate)).sort((a, b) => a.delivery.p99 - b.delivery.p99);
    if (atRate.length === 0) continue;
    const median = atRate[Math.floor((atRate.length - 1) / 2)] as RateStep;
    steps.push({ ...median, deliveryP99Repeats: atRate.map((s) => s.delivery.p99) });
  }
  return { steps, stoppedEarly: runs.map((r) => r.stoppedEarly).find((x) => x !== null) ?? null };
}

/** A question the demo knowledge base answers (demo/kb/questions.jsonl, a1). */
const AI_QUESTION = "How long does standard delivery take to Germany?";

/**
 * Customer → AI reply: fresh conversations (the AI owns them), spread over the nodes, each with its customer
 * stream open on the node it posts to; one question each at --ai-rate for --ai-seconds, timed from the scheduled
 * send to the AI's message on that stream. The AI path: triage, the embedded answerer over the knowledge base,
 * the reply written as its own unit of work and delivered through the bus.
 */
async function measureAiReplies(nodes: ServerChild[]): Promise<AiReplyResult> {
  const count = Math.round(opts.aiRate * opts.aiSeconds);
  const httpAgent = keepAliveAgent(32);
  const convs: { id: string; token: string; node: ServerChild }[] = new Array(count);
  await forEachLimit(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      const node = nodes[i % nodes.length] as ServerChild;
      const c = await json(node.port, "POST", "/api/v1/conversations", { customer: { name: `AI ${i}` } }, undefined, httpAgent);
      convs[i] = { id: (c.body.conversation as { id: string }).id, token: c.body.token as string, node };
    },
  );
  const scheduled = new Map<string, number>();
  const arrived = new Map<string, { at: number; kind: string }>();
  const sockets = await openSockets(
    count,
    (k) => {
      const c = convs[k] as { token: string; node: ServerChild };
      return `ws://127.0.0.1:${c.node.port}/api/v1/stream?token=${c.token}&after=0`;
    },
    (k, frame) => {
      if (!frame.startsWith('{"type":"message"')) return;
      const m = JSON.parse(frame) as { message?: { author?: string; meta?: { kind?: string } | null } };
      const id = (convs[k] as { id: string }).id;
      if (m.message?.author !== "ai" || arrived.has(id) || !scheduled.has(id)) return;
      arrived.set(id, { at: performance.now(), kind: m.message.meta?.kind ?? "reply" });
    },
    100,
  );
  const cpu0 = nodes.map((n) => cpuTimeMs(n.pid) ?? Number.NaN);
  let acked = 0;
  const inflight: Promise<void>[] = [];
  await openLoop(opts.aiRate, opts.aiSeconds, (i, at) => {
    const c = convs[i] as { id: string; token: string; node: ServerChild };
    scheduled.set(c.id, at);
    inflight.push(
      request({
        port: c.node.port,
        method: "POST",
        path: `/api/v1/conversations/${c.id}/messages`,
        headers: { authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ clientMessageId: "q", text: AI_QUESTION }),
        agent: httpAgent,
      }).then(
        (r) => {
          if (r.status === 201) acked++;
        },
        () => {},
      ),
    );
  });
  await Promise.all(inflight);
  const until = performance.now() + 10_000;
  while (performance.now() < until && arrived.size < acked) await sleep(20);
  const cpu1 = nodes.map((n) => cpuTimeMs(n.pid) ?? Number.NaN);
  const cpu = cpu1.reduce((sum, v, k) => sum + (v - (cpu0[k] as number)), 0);
  await closeSockets(sockets);
  httpAgent.destroy();
  const byKind: Record<string, number> = {};
  const latencies: number[] = [];
  for (const [id, got] of arrived) {
    byKind[got.kind] = (byKind[got.kind] ?? 0) + 1;
    latencies.push(got.at - (scheduled.get(id) as number));
  }
  const result: AiReplyResult = {
    rate: opts.aiRate,
    sent: scheduled.size,
    acked,
    replied: arrived.size,
    byKind,
    latency: summarize(latencies),
    serverCpuMsPerMessage: Number.isFinite(cpu) && acked ? cpu / acked : null,
  };
  console.log(
    `    AI replies at ${opts.aiRate}/s: ${result.replied}/${result.acked} ${JSON.stringify(byKind)}  p50 ${result.latency.p50.toFixed(1)} ms  p99 ${result.latency.p99.toFixed(1)} ms  cpu ${result.serverCpuMsPerMessage?.toFixed(2)} ms/msg`,
  );
  return result;
}

/** First arrival time of each clientMessageId on the agent socket, and how many arrived more than once. */
interface Arrivals {
  first: Map<string, number>;
  repeats: number;
}

function arrivalRecorder(arrivals: Arrivals, timed: (cid: string) => boolean = () => true) {
  return (_k: number, frame: string) => {
    if (!frame.startsWith('{"type":"message"')) return;
    const m = JSON.parse(frame) as { message?: { clientMessageId?: string | null; author?: string } };
    const cid = m.message?.clientMessageId;
    if (!cid || m.message?.author !== "customer" || !timed(cid)) return;
    if (arrivals.first.has(cid)) arrivals.repeats++;
    else arrivals.first.set(cid, performance.now());
  };
}

async function runFloor(): Promise<ModeResult> {
  const t0 = performance.now();
  const server = await startChild({
    name: "ws floor",
    args: [join(root, "bench/foundation/floor-server.ts")],
    env: {},
    port: await freePort(),
    readyPath: "/healthz",
  });
  try {
    const arrivals: Arrivals = { first: new Map(), repeats: 0 };
    const relay = await openSockets(
      1,
      () => `ws://127.0.0.1:${server.port}/relay?id=agent`,
      arrivalRecorder(arrivals),
      1,
    );
    const setupMs = performance.now() - t0;
    const before = rssMb(server.pid);
    const fresh = before;
    const s0 = performance.now();
    const idle = await openSockets(
      opts.sockets,
      () => `ws://127.0.0.1:${server.port}/echo`,
      () => {},
      100,
    );
    const openMs = performance.now() - s0;
    await sleep(500);
    const after = rssMb(server.pid);
    await closeSockets(idle.slice(opts.conversations));
    const kept = idle.slice(0, opts.conversations);
    const post = async (cid: string, _i: number, agent: Agent) =>
      (
        await request({
          port: server.port,
          method: "POST",
          path: "/relay/agent",
          body: JSON.stringify({ clientMessageId: cid, text: "where is my order?" }),
          agent,
        })
      ).status;
    const r = await repeatedRamps((k, rates) => ramp(k, rates, [server], post, arrivals, { pg: null, redisPort: null, tandem: false }));
    await closeSockets([...kept, ...relay]);
    return {
      mode: "floor",
      nodes: 1,
      setupMs,
      sockets: socketFigures(idle.length, openMs, fresh, before, after, [after]),
      ...r,
      aiReply: null,
    };
  } finally {
    await server.stop();
  }
}

function socketFigures(
  opened: number,
  openMs: number,
  fresh: number,
  before: number,
  after: number,
  perNode: number[],
) {
  return {
    opened,
    openMs,
    rssFreshMb: fresh,
    rssBeforeMb: before,
    rssAfterMb: after,
    rssPerSocketKb: opened ? ((after - fresh) * 1024) / opened : Number.NaN,
    marginalPerSocketKb: opened ? ((after - before) * 1024) / opened : Number.NaN,
    perNodeRssMb: perNode,
  };
}

async function runTandem(
  mode: "embedded" | "one-node" | "two-nodes",
  services: PrivateServices | null,
): Promise<ModeResult> {
  const t0 = performance.now();
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | null = null;
  if (mode === "embedded") {
    env = { DATABASE_URL: `sqlite:${join(tmpdir(), `tandem-scale-${process.pid}-${Date.now()}.db`)}` };
  } else {
    if (!services) throw new Error("PostgreSQL and Redis are needed");
    const db = await createDatabase(services.pgUrl);
    drop = db.drop;
    env = { DATABASE_URL: db.url, REDIS_URL: services.redisUrl };
  }
  const nodes: ServerChild[] = [await startTandemChild("A", env, true)];
  if (mode === "two-nodes") nodes.push(await startTandemChild("B", env, false));
  const fresh = nodes.map((n) => rssMb(n.pid)).reduce((x, y) => x + y, 0);
  const [a, b] = [nodes[0] as ServerChild, (nodes[1] ?? nodes[0]) as ServerChild];
  const pgClient =
    services && mode !== "embedded" ? new pg.Client({ connectionString: services.pgUrl }) : null;
  await pgClient?.connect();
  try {
    const password = await seedUsers(env.DATABASE_URL as string, [
      { email: "bench@example.test", name: "Bench" },
    ]);
    const login = await json(b.port, "POST", "/api/v1/auth/login", { email: "bench@example.test", password });
    const agentToken = login.body.token as string;
    const httpAgent = keepAliveAgent(32);
    const convs: { id: string; token: string }[] = new Array(opts.conversations);
    await forEachLimit(
      Array.from({ length: opts.conversations }, (_, i) => i),
      16,
      async (i) => {
        const c = await json(
          a.port,
          "POST",
          "/api/v1/conversations",
          { customer: { name: `Load ${i}` } },
          undefined,
          httpAgent,
        );
        const conv = { id: (c.body.conversation as { id: string }).id, token: c.body.token as string };
        convs[i] = conv;
        // The customer asks for a person first: the measured load is then plain appends to queued conversations.
        await json(a.port, "POST", `/api/v1/conversations/${conv.id}/escalate`, {}, conv.token, httpAgent);
      },
    );
    httpAgent.destroy();
    const arrivals: Arrivals = { first: new Map(), repeats: 0 };
    // Which node each timed message was posted to; a console records only what was posted to another node.
    const postedTo = new Map<string, number>();
    const agentSockets = (
      await Promise.all(
        nodes.map((n, k) =>
          openSockets(
            1,
            () => `ws://127.0.0.1:${n.port}/api/v1/agent/stream?token=${agentToken}`,
            arrivalRecorder(arrivals, (cid) => nodes.length === 1 || postedTo.get(cid) !== k),
            1,
          ),
        ),
      )
    ).flat();
    const setupMs = performance.now() - t0;

    // Sockets: customer streams spread over the conversations (and over the nodes), after the history.
    const before = nodes.map((n) => rssMb(n.pid));
    const s0 = performance.now();
    const streams = await openSockets(
      opts.sockets,
      (k) => {
        const c = convs[k % convs.length] as { id: string; token: string };
        const node = nodes[k % nodes.length] as ServerChild;
        return `ws://127.0.0.1:${node.port}/api/v1/stream?token=${c.token}&after=1`;
      },
      () => {},
      100,
    );
    const openMs = performance.now() - s0;
    await sleep(1000);
    const after = nodes.map((n) => rssMb(n.pid));
    const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
    const sockets = socketFigures(streams.length, openMs, fresh, sum(before), sum(after), after);
    console.log(
      `    ${streams.length} sockets open in ${(openMs / 1000).toFixed(1)} s; RSS ${sockets.rssBeforeMb.toFixed(0)} → ${sockets.rssAfterMb.toFixed(0)} MB (${sockets.rssPerSocketKb.toFixed(1)} KB/socket)`,
    );
    // Keep one customer stream per conversation for the ramp, on the node that customer posts to.
    const homeNode = (conv: number) => conv % nodes.length;
    const keep = new Set<number>();
    const kept = new Set<number>();
    for (let k = 0; k < streams.length && kept.size < convs.length; k++) {
      const conv = k % convs.length;
      if (k % nodes.length === homeNode(conv) && !kept.has(conv)) {
        keep.add(k);
        kept.add(conv);
      }
    }
    await closeSockets(streams.filter((_, k) => !keep.has(k)));

    const post = async (cid: string, i: number, agent: Agent) => {
      const conv = i % convs.length;
      const c = convs[conv] as { id: string; token: string };
      const node = homeNode(conv);
      postedTo.set(cid, node);
      const r = await request({
        port: (nodes[node] as ServerChild).port,
        method: "POST",
        path: `/api/v1/conversations/${c.id}/messages`,
        headers: { authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ clientMessageId: cid, text: "where is my order?" }),
        agent,
      });
      return r.status;
    };
    const r = await repeatedRamps((k, rates) =>
      ramp(k, rates, nodes, post, arrivals, {
        pg: pgClient,
        redisPort: services && mode !== "embedded" ? Number(new URL(services.redisUrl).port) : null,
        tandem: true,
      }),
    );
    await closeSockets([...streams.filter((_, k) => keep.has(k)), ...agentSockets]);
    const aiReply = await measureAiReplies(nodes);
    return { mode, nodes: nodes.length, setupMs, sockets, ...r, aiReply };
  } finally {
    await pgClient?.end();
    await Promise.all(nodes.map((n) => n.stop()));
    await drop?.();
  }
}

const loadAvgAtStart = loadavg()[0] as number;
const results: ModeResult[] = [];
const needServices = opts.modes.some((m) => m === "one-node" || m === "two-nodes");
const services = needServices ? await startPrivateServices() : null;
try {
  for (const mode of opts.modes) {
    console.log(`== ${mode}`);
    results.push(mode === "floor" ? await runFloor() : await runTandem(mode, services));
  }
} finally {
  await services?.destroy();
}

const report = {
  generatedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? "unknown",
    loadavg: loadavg(),
    loadAvgAtStart,
    node: process.version,
  },
  options: opts,
  results,
};
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(`${opts.out}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${opts.out}.md`, renderScaleMarkdown(report));
writeFileSync(`${opts.out}-plan.md`, renderPlan(report));
console.log(`wrote ${opts.out}.json, ${opts.out}.md and ${opts.out}-plan.md`);
