// Foundation benchmark (issue 2, "Show it"): 1,000 open conversations posting at a constant 500 messages/s to a
// real Tandem server over HTTP and over WebSocket, side by side with bare node:http / `ws` floors measured in the
// same run, then a check that every acknowledged message is stored exactly once.
//
//   node bench/foundation/ack-latency.ts [--conversations 1000] [--rate 500] [--seconds 15] [--repeats 3]
//        [--db sqlite|postgres] [--http-connections 64] [--warmup-seconds 2] [--profile] [--out <base path>]
//        [--server-node-arg <flag>]...   (extra Node flags for the Tandem child, e.g. an --import for a what-if)
//        [--server-env KEY=VALUE]...     (extra environment for the Tandem child, e.g. DB_POOL_SIZE=40)
//
// Servers run in child processes (the generator never shares their event loop). Results go to
// bench/results/foundation.{md,json} (foundation-postgres / foundation-profile for those variants).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { z } from "zod";
import { keepAliveAgent, request } from "./http-client.ts";
import { forEachLimit } from "./load.ts";
import {
  type Ledger,
  MODES,
  type Mode,
  type ModeContext,
  type RunResult,
  runEcho,
  runHttp,
  runPush,
  type TandemConversation,
} from "./modes.ts";
import { freePort, type ServerChild, startChild } from "./processes.ts";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "./profile.ts";
import { type Correctness, renderMarkdown, type BenchReport, type ModeMedians } from "./report.ts";
import { median, medianSummary, ratio } from "./stats.ts";

const root = resolve(import.meta.dirname, "../..");

const argsSchema = z.object({
  conversations: z.coerce.number().int().min(1).max(20_000),
  rate: z.coerce.number().positive().max(50_000),
  seconds: z.coerce.number().positive().max(600),
  repeats: z.coerce.number().int().min(1).max(20),
  "warmup-seconds": z.coerce.number().min(0).max(60),
  "http-connections": z.coerce.number().int().min(1).max(10_000),
  db: z.enum(["sqlite", "postgres"]),
  profile: z.boolean(),
  out: z.string().min(1).optional(),
  "server-node-arg": z.array(z.string().regex(/^--/, "must be a Node flag")).default([]),
  "server-env": z.array(z.string().regex(/^[A-Z][A-Z0-9_]*=/, "must be KEY=VALUE")).default([]),
});
type Args = z.infer<typeof argsSchema>;

function parseCli(): Args {
  const { values } = parseArgs({
    options: {
      conversations: { type: "string", default: "1000" },
      rate: { type: "string", default: "500" },
      seconds: { type: "string", default: "15" },
      repeats: { type: "string", default: "3" },
      "warmup-seconds": { type: "string", default: "2" },
      "http-connections": { type: "string", default: "64" },
      db: { type: "string", default: "sqlite" },
      profile: { type: "boolean", default: false },
      out: { type: "string" },
      "server-node-arg": { type: "string", multiple: true },
      "server-env": { type: "string", multiple: true },
    },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${i.path.join(".")}: ${i.message}`);
    process.stderr.write(`ack-latency: invalid arguments:\n${lines.join("\n")}\n`);
    process.exit(2);
  }
  return parsed.data;
}

/** The commit the figures belong to (with "+dirty" when the tree has uncommitted changes); null outside git. */
function gitRevision(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

const log = (msg: string) => process.stderr.write(`[foundation] ${msg}\n`);

/** A fresh PostgreSQL database for this run, dropped afterwards. */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TANDEM_TEST_PG_URL;
  if (!base)
    throw new Error('--db postgres needs TANDEM_TEST_PG_URL (eval "$(scripts/test-services.sh start)")');
  const name = `tandem_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function createConversations(port: number, count: number): Promise<TandemConversation[]> {
  const out: TandemConversation[] = new Array(count);
  await forEachLimit(
    Array.from({ length: count }, (_, k) => k),
    16,
    async (k) => {
      const res = await request({
        port,
        method: "POST",
        path: "/api/v1/conversations",
        body: JSON.stringify({
          customer: { externalId: `bench-${k}`, name: `Bench customer ${k}`, locale: "en-GB" },
          channel: "web",
        }),
      });
      if (res.status !== 201) throw new Error(`create conversation ${k}: ${res.status} ${res.body}`);
      const body = JSON.parse(res.body) as { conversation: { id: string; lastSeq?: number }; token: string };
      out[k] = { id: body.conversation.id, token: body.token, maxSeq: body.conversation.lastSeq ?? 0 };
    },
  );
  return out;
}

/** Reads every conversation back over the public API and checks each acknowledged clientMessageId is there once. */
async function verify(
  port: number,
  conversations: TandemConversation[],
  ledger: Ledger,
): Promise<Correctness> {
  const seen = new Map<string, { k: number; count: number }>();
  let storedMessages = 0;
  let seqGaps = 0;
  await forEachLimit(conversations, 16, async (c, k) => {
    let after = 0;
    let expected = 1;
    for (;;) {
      const res = await request({
        port,
        method: "GET",
        path: `/api/v1/conversations/${c.id}/messages?after=${after}&limit=1000`,
        headers: { authorization: `Bearer ${c.token}` },
      });
      if (res.status !== 200) throw new Error(`read conversation ${c.id}: ${res.status} ${res.body}`);
      const { messages } = JSON.parse(res.body) as {
        messages: { seq: number; clientMessageId: string | null }[];
      };
      for (const m of messages) {
        storedMessages++;
        if (m.seq !== expected) seqGaps++;
        expected = m.seq + 1;
        after = m.seq;
        if (!m.clientMessageId) continue;
        const s = seen.get(m.clientMessageId);
        if (s) s.count++;
        else seen.set(m.clientMessageId, { k, count: 1 });
      }
      if (messages.length < 1000) break;
    }
  });
  let presentOnce = 0;
  let missing = 0;
  let duplicated = 0;
  let wrongConversation = 0;
  for (const [cmid, k] of ledger.acked) {
    const s = seen.get(cmid);
    if (!s) missing++;
    else if (s.count > 1) duplicated++;
    else if (s.k !== k) wrongConversation++;
    else presentOnce++;
  }
  let unackedStored = 0;
  for (const cmid of ledger.sent.keys()) if (!ledger.acked.has(cmid) && seen.has(cmid)) unackedStored++;
  let stray = 0;
  for (const cmid of seen.keys()) if (!ledger.sent.has(cmid)) stray++;
  return {
    conversations: conversations.length,
    storedMessages,
    sent: ledger.sent.size,
    acknowledged: ledger.acked.size,
    presentExactlyOnce: presentOnce,
    missing,
    duplicated,
    wrongConversation,
    sentNotAcknowledged: ledger.sent.size - ledger.acked.size,
    unacknowledgedButStored: unackedStored,
    stray,
    seqGaps,
    noMessageLost:
      missing === 0 && duplicated === 0 && wrongConversation === 0 && stray === 0 && seqGaps === 0,
  };
}

async function runMode(mode: Mode, rep: number, seconds: number, ctx: ModeContext): Promise<RunResult> {
  switch (mode) {
    case "http-floor":
    case "http-tandem":
      return runHttp(mode, rep, seconds, ctx);
    case "ws-floor-echo":
      return runEcho(rep, seconds, ctx);
    case "ws-floor-relay":
    case "ws-tandem":
      return runPush(mode, rep, seconds, ctx);
  }
}

function mediansOf(runs: RunResult[]): Record<Mode, ModeMedians> {
  const out = {} as Record<Mode, ModeMedians>;
  for (const mode of MODES) {
    const rs = runs.filter((r) => r.mode === mode);
    const sum = (f: (r: RunResult) => number | null) => rs.reduce((a, r) => a + (f(r) ?? 0), 0);
    const acks = rs.map((r) => r.ack).filter((s) => s !== null);
    const deliveries = rs.map((r) => r.delivery).filter((s) => s !== null);
    out[mode] = {
      runs: rs.length,
      ack: acks.length ? medianSummary(acks) : null,
      delivery: deliveries.length ? medianSummary(deliveries) : null,
      ackedPerSec: median(rs.map((r) => r.ackedPerSec ?? Number.NaN)),
      deliveredPerSec: median(rs.map((r) => r.deliveredPerSec ?? Number.NaN)),
      serverCpuMsPerMessage: median(rs.map((r) => r.serverCpuMsPerMessage ?? Number.NaN)),
      loadGeneratorCpuMsPerMessage: median(rs.map((r) => r.loadGeneratorCpuMsPerMessage)),
      generatorLagP99: median(rs.map((r) => r.generatorLag.p99)),
      totals: {
        sent: sum((r) => r.sent),
        acked: rs.some((r) => r.acked !== null) ? sum((r) => r.acked) : null,
        delivered: rs.some((r) => r.delivered !== null) ? sum((r) => r.delivered) : null,
        undelivered: rs.some((r) => r.undelivered !== null) ? sum((r) => r.undelivered) : null,
        duplicatesOnSocket: rs.some((r) => r.duplicatesOnSocket !== null)
          ? sum((r) => r.duplicatesOnSocket)
          : null,
        outOfOrderOnSocket: rs.some((r) => r.outOfOrderOnSocket !== null)
          ? sum((r) => r.outOfOrderOnSocket)
          : null,
        errors: rs.reduce((a, r) => a + Object.values(r.errors).reduce((x, y) => x + y, 0), 0),
      },
    };
  }
  return out;
}

function latestProfile(dir: string): CpuProfile | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort();
  const last = files.at(-1);
  return last ? (JSON.parse(readFileSync(join(dir, last), "utf8")) as CpuProfile) : null;
}

async function main(): Promise<void> {
  const args = parseCli();
  const repeats = args.profile ? 1 : args.repeats;
  const variant = args.profile
    ? "foundation-profile"
    : args.db === "postgres"
      ? "foundation-postgres"
      : "foundation";
  const outBase = resolve(root, args.out ?? join("bench/results", variant));
  const work = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const profDir = join(work, "prof");
  mkdirSync(profDir);
  let pgdb: Awaited<ReturnType<typeof freshPostgres>> | null = null;
  const children: ServerChild[] = [];
  const loadBefore = loadavg();
  const started = new Date();

  try {
    pgdb = args.db === "postgres" ? await freshPostgres() : null;
    const databaseUrl = pgdb ? pgdb.url : `sqlite:${join(work, "tandem.db")}`;
    const [floorPort, tandemPort] = [await freePort(), await freePort()];
    log(`starting floor on :${floorPort} and Tandem (${args.db}) on :${tandemPort}`);
    const [floor, tandem] = await Promise.all([
      startChild({
        name: "floor",
        args: [join(root, "bench/foundation/floor-server.ts")],
        env: {},
        port: floorPort,
        readyPath: "/healthz",
      }),
      startChild({
        name: "tandem",
        args: [
          ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
          ...args["server-node-arg"],
          join(root, "bin/tandem.js"),
          "serve",
        ],
        env: {
          DATABASE_URL: databaseUrl,
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          TANDEM_AI: "off",
          RATE_LIMIT_MESSAGES_PER_MINUTE: "100000000",
          RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "100000000",
          ...Object.fromEntries(
            args["server-env"].map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
          ),
        },
        port: tandemPort,
        readyPath: "/readyz",
      }),
    ]);
    children.push(floor, tandem);

    log(`opening ${args.conversations} conversations`);
    const conversations = await createConversations(tandem.port, args.conversations);
    const ledger: Ledger = { sent: new Map(), acked: new Map() };
    const ctx: ModeContext = {
      rate: args.rate,
      conversations: args.conversations,
      agent: keepAliveAgent(args["http-connections"]),
      floor: { port: floor.port, pid: floor.pid },
      tandem: { port: tandem.port, pid: tandem.pid, conversations, ledger },
      // Every in-flight message is waited for (its latency counts, however late: leaving the slowest out would
      // flatter the percentiles); only what is still unanswered after this long is reported as unfinished.
      drainGraceMs: 120_000,
    };

    // Rep 0 warms up JIT, connection pools and SQLite pages, and gives every conversation its first message (the
    // one that queues it for a person in AI-off mode); its figures are not reported, its messages are verified.
    const runs: RunResult[] = [];
    for (let rep = args["warmup-seconds"] > 0 ? 0 : 1; rep <= repeats; rep++) {
      for (const mode of MODES) {
        const seconds = rep === 0 ? args["warmup-seconds"] : args.seconds;
        log(`${rep === 0 ? "warm-up" : `rep ${rep}/${repeats}`}: ${mode} for ${seconds} s`);
        const r = await runMode(mode, rep, seconds, ctx);
        if (rep > 0) runs.push(r);
        const a = r.ack ? `ack p50 ${r.ack.p50.toFixed(2)} p99 ${r.ack.p99.toFixed(2)}` : "";
        const d = r.delivery
          ? ` delivery p50 ${r.delivery.p50.toFixed(2)} p99 ${r.delivery.p99.toFixed(2)}`
          : "";
        log(`  ${a}${d} ms; errors ${JSON.stringify(r.errors)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
    ctx.agent.destroy();

    log("verifying every acknowledged message is stored exactly once");
    const correctness = await verify(tandem.port, conversations, ledger);
    const serverTail = tandem.tail();
    await Promise.all(children.map((c) => c.stop()));
    children.length = 0;

    let profile: ProfileSummary | null = null;
    if (args.profile) {
      const p = latestProfile(profDir);
      // Only the measured Tandem traffic: not start-up, conversation creation, socket set-up or the read-back.
      const windows = runs
        .filter((r) => r.mode === "http-tandem" || r.mode === "ws-tandem")
        .map((r) => r.window);
      profile = p ? summarizeProfile(p, 25, windows) : null;
      if (p) {
        // The raw profile is too large for bench/results; keep it outside the repo for a closer look (Chrome DevTools).
        const keep = join(tmpdir(), "tandem-foundation.cpuprofile");
        writeFileSync(keep, JSON.stringify(p));
        log(`raw profile kept at ${keep}`);
      }
    }

    const medians = mediansOf(runs);
    const ratios = {
      httpAckP50VsHttpFloor: ratio(
        medians["http-tandem"].ack?.p50 ?? Number.NaN,
        medians["http-floor"].ack?.p50 ?? Number.NaN,
      ),
      wsDeliveryP50VsEchoFloor: ratio(
        medians["ws-tandem"].delivery?.p50 ?? Number.NaN,
        medians["ws-floor-echo"].delivery?.p50 ?? Number.NaN,
      ),
      wsDeliveryP50VsRelayFloor: ratio(
        medians["ws-tandem"].delivery?.p50 ?? Number.NaN,
        medians["ws-floor-relay"].delivery?.p50 ?? Number.NaN,
      ),
      wsAckP50VsHttpFloor: ratio(
        medians["ws-tandem"].ack?.p50 ?? Number.NaN,
        medians["http-floor"].ack?.p50 ?? Number.NaN,
      ),
      httpAckP99VsHttpFloor: ratio(
        medians["http-tandem"].ack?.p99 ?? Number.NaN,
        medians["http-floor"].ack?.p99 ?? Number.NaN,
      ),
      wsDeliveryP99VsEchoFloor: ratio(
        medians["ws-tandem"].delivery?.p99 ?? Number.NaN,
        medians["ws-floor-echo"].delivery?.p99 ?? Number.NaN,
      ),
    };
    const report: BenchReport = {
      benchmark: "foundation/ack-latency",
      generatedAt: started.toISOString(),
      command: `node bench/foundation/ack-latency.ts ${process.argv.slice(2).join(" ")}`.trim(),
      environment: {
        node: process.version,
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
        db: args.db,
        platform: `${process.platform} ${process.arch}`,
        gitRevision: gitRevision(),
      },
      config: {
        conversations: args.conversations,
        rate: args.rate,
        seconds: args.seconds,
        repeats,
        warmupSeconds: args["warmup-seconds"],
        httpConnections: args["http-connections"],
        profiled: args.profile,
        serverNodeArgs: args["server-node-arg"],
        serverEnv: args["server-env"],
      },
      runs,
      medians,
      ratios,
      goal: {
        p50Within3x: ratios.httpAckP50VsHttpFloor <= 3 && ratios.wsDeliveryP50VsEchoFloor <= 3,
        noMessageLost: correctness.noMessageLost && (medians["ws-tandem"].totals.undelivered ?? 0) === 0,
      },
      correctness,
      profile,
      serverLogTail: serverTail,
    };
    mkdirSync(dirname(outBase), { recursive: true });
    writeFileSync(`${outBase}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${outBase}.md`, renderMarkdown(report));
    log(`wrote ${outBase}.md and ${outBase}.json`);
    process.stdout.write(
      `http ack p50 ${medians["http-tandem"].ack?.p50.toFixed(2)} ms (floor ${medians["http-floor"].ack?.p50.toFixed(2)}, ${ratios.httpAckP50VsHttpFloor.toFixed(2)}x); ` +
        `ws delivery p50 ${medians["ws-tandem"].delivery?.p50.toFixed(2)} ms (echo floor ${medians["ws-floor-echo"].delivery?.p50.toFixed(2)}, ${ratios.wsDeliveryP50VsEchoFloor.toFixed(2)}x); ` +
        `no message lost: ${report.goal.noMessageLost}\n`,
    );
  } finally {
    await Promise.all(children.map((c) => c.stop().catch(() => null)));
    if (pgdb)
      await pgdb.drop().catch((err: Error) => log(`could not drop the bench database: ${err.message}`));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`ack-latency: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
