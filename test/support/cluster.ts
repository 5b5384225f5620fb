// Multi-node and fault-test plumbing: Tandem nodes as real child processes (`node bin/tandem.js serve`), private
// PostgreSQL and Redis instances a test may stop and restart without disturbing the shared ones, and a small HTTP
// client that reports network failures as values so load loops can count and retry them.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import WebSocket from "ws";
import { createUserService } from "../../src/app/user-service.ts";
import { loadConfig } from "../../src/config.ts";
import { cryptoAdapter, openStore } from "../../src/main.ts";
import { requireService } from "./databases.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const servicesScript = join(root, "scripts", "test-services.sh");

/** Every child this module started; a failed test must not leave servers behind, each is ended by its own pid. */
const liveChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** The PostgreSQL and Redis the fault suites need, or undefined (loud skip; a failure under TANDEM_STRICT=1). */
export function scaleServices(): { pgUrl: string; redisUrl: string } | undefined {
  const pgUrl = requireService("PostgreSQL", "TANDEM_TEST_PG_URL");
  const redisUrl = requireService("Redis", "TANDEM_TEST_REDIS_URL");
  return pgUrl && redisUrl ? { pgUrl, redisUrl } : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  label: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${label}${lastError ? `: ${(lastError as Error).message}` : ""}`,
      );
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Private services

export interface PrivateServices {
  pgUrl: string;
  redisUrl: string;
  /** Stops PostgreSQL: "fast" disconnects clients cleanly, "immediate" is a crash (no checkpoint). */
  stopPostgres(mode?: "fast" | "immediate"): Promise<void>;
  startPostgres(): Promise<void>;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** Stops both and deletes the data directory. */
  destroy(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL cluster and Redis on free ports in their own directory, through
 * scripts/test-services.sh, so a test can stop and restart them while other suites use the shared instances.
 */
export async function startPrivateServices(): Promise<PrivateServices> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-faults-"));
  chmodSync(dir, 0o755);
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    TANDEM_SERVICES_DIR: dir,
    TANDEM_PG_PORT: String(pgPort),
    TANDEM_REDIS_PORT: String(redisPort),
  };
  const pgbin = (
    await run("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"])
  ).stdout.trim();
  const asPg = (args: string[]) =>
    process.getuid?.() === 0
      ? run(existsSync("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser", [
          "-u",
          "postgres",
          "--",
          ...args,
        ])
      : run(args[0] as string, args.slice(1));
  const start = async () => {
    await run("bash", [servicesScript, "start"], { env });
  };
  await start();
  const pgUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  return {
    pgUrl,
    redisUrl,
    async stopPostgres(mode = "fast") {
      await asPg([`${pgbin}/pg_ctl`, "-D", join(dir, "pg"), "-m", mode, "-w", "stop"]);
    },
    // The script starts whichever of the two is not running.
    startPostgres: start,
    async stopRedis() {
      await run("redis-cli", ["-p", String(redisPort), "shutdown", "nosave"]).catch(() => {});
      await eventually(
        async () =>
          (await run("redis-cli", ["-p", String(redisPort), "ping"]).then(
            () => false,
            () => true,
          ))
            ? true
            : undefined,
        "redis to stop",
        5000,
      );
    },
    startRedis: start,
    async destroy() {
      await run("bash", [servicesScript, "stop"], { env }).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Ends the server the hard way (SIGKILL): clients see their connections drop mid-flight. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A Redis of the test's own (a child process on a free port), cheap enough for every suite that needs isolation. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let gone: Promise<void> = Promise.resolve();
  const start = async () => {
    if (child) return;
    const c = spawn(
      "redis-server",
      [
        "--bind",
        "127.0.0.1",
        "--port",
        String(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdio: "ignore" },
    );
    child = c;
    liveChildren.add(c);
    gone = new Promise((resolve) =>
      c.once("exit", () => {
        liveChildren.delete(c);
        resolve();
      }),
    );
    await eventually(
      async () =>
        (await run("redis-cli", ["-p", String(port), "ping"]).then(
          () => true,
          () => false,
        ))
          ? true
          : undefined,
      "redis to start",
      5000,
    );
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (!child) return;
      child.kill("SIGKILL");
      await gone;
      child = null;
    },
    start,
  };
}

/** A fresh, empty database on a PostgreSQL server; drop() removes it. */
export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tandem_scale_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tandem nodes as child processes

export interface TandemNode {
  name: string;
  port: number;
  pid: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** ws://127.0.0.1:PORT */
  wsBase: string;
  /** Last lines of the node's output, for failure messages. */
  tail(): string;
  /** kill -9: no shutdown hooks, no drain. Resolves once the process is gone. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown. */
  stop(): Promise<number | null>;
  readonly exited: boolean;
}

/** Environment every test node gets: quiet logs, AI off (conversations queue for people), no rate limits. */
export const nodeDefaults: Record<string, string> = {
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  TANDEM_AI: "off",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "1000000",
  RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
  SHUTDOWN_GRACE_MS: "5000",
};

export async function startNode(
  name: string,
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<TandemNode> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [join(root, "bin", "tandem.js"), "serve"], {
    cwd: root,
    env: { ...process.env, ...nodeDefaults, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveChildren.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      liveChildren.delete(child);
      exitCode = code ?? (signal ? -1 : null);
      resolve(exitCode);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 40_000);
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`node ${name} exited (${exitCode}) before it was ready:\n${lines.join("\n")}`);
    const res = await fetch(`${base}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`node ${name} was not ready in time:\n${lines.join("\n")}`);
    }
    await sleep(100);
  }
  return {
    name,
    port,
    pid: child.pid as number,
    base,
    wsBase: base.replace(/^http/, "ws"),
    tail: () => lines.join("\n"),
    get exited() {
      return exitCode !== undefined;
    },
    async crash() {
      if (exitCode !== undefined) return;
      child.kill("SIGKILL");
      await exit;
    },
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Two nodes on a private Redis and a fresh database of the shared PostgreSQL: the scale suites' usual setup. */
export interface TwoNodeCluster {
  redis: PrivateRedis;
  db: { url: string; drop(): Promise<void> };
  a: TandemNode;
  b: TandemNode;
  /** Stops both nodes (if still running), then Redis, then drops the database. */
  stop(): Promise<void>;
}

/**
 * Starts both nodes at once, so they also migrate at once (the migrator's lock must make that safe). If anything
 * fails to start, what did start is torn down before the error is rethrown, so no process or database is left over.
 */
export async function startTwoNodeCluster(
  pgUrl: string,
  env: Record<string, string> = {},
): Promise<TwoNodeCluster> {
  const [redisStarted, dbStarted] = await Promise.allSettled([startPrivateRedis(), createDatabase(pgUrl)]);
  const redis = redisStarted.status === "fulfilled" ? redisStarted.value : undefined;
  const db = dbStarted.status === "fulfilled" ? dbStarted.value : undefined;
  const teardown = async (nodes: (TandemNode | undefined)[]) => {
    await Promise.all(nodes.map((n) => n?.stop()));
    await redis?.stop();
    await db?.drop();
  };
  if (!redis || !db) {
    await teardown([]);
    throw redisStarted.status === "rejected"
      ? redisStarted.reason
      : (dbStarted as PromiseRejectedResult).reason;
  }
  const nodeEnv = { DATABASE_URL: db.url, REDIS_URL: redis.url, ...env };
  const [aStarted, bStarted] = await Promise.allSettled([startNode("A", nodeEnv), startNode("B", nodeEnv)]);
  const a = aStarted.status === "fulfilled" ? aStarted.value : undefined;
  const b = bStarted.status === "fulfilled" ? bStarted.value : undefined;
  if (!a || !b) {
    await teardown([a, b]);
    throw aStarted.status === "rejected" ? aStarted.reason : (bStarted as PromiseRejectedResult).reason;
  }
  return { redis, db, a, b, stop: () => teardown([a, b]) };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP against nodes

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are JSON of many shapes; tests narrow them.
export type Json = any;

/** A response, or a network failure (refused, reset, timed out) as status 0: load loops retry those. */
export interface CallResult {
  status: number;
  body: Json;
  ms: number;
  networkError?: string;
}

export async function call(
  base: string,
  method: "GET" | "POST" | "PATCH",
  path: string,
  token?: string | null,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<CallResult> {
  const t0 = performance.now();
  try {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: Json = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, ms: performance.now() - t0 };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { status: 0, body: null, ms: performance.now() - t0, networkError: cause ?? (err as Error).name };
  }
}

/** Starts a conversation on a node; throws on anything but 201. */
export async function startConversation(
  base: string,
  name = "Load customer",
): Promise<{ id: string; token: string }> {
  const r = await call(base, "POST", "/api/v1/conversations", null, { customer: { name } });
  if (r.status !== 201) throw new Error(`create conversation: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.conversation.id, token: r.body.token };
}

export async function login(
  base: string,
  email: string,
  password: string,
): Promise<{ token: string; user: { id: string; displayName: string } }> {
  const r = await call(base, "POST", "/api/v1/auth/login", null, { email, password });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every stored message of a conversation, internal notes included, read through an agent's token. */
export async function storedMessages(base: string, id: string, token: string): Promise<Json[]> {
  const all: Json[] = [];
  let after = 0;
  for (;;) {
    const r = await call(base, "GET", `/api/v1/conversations/${id}/messages?after=${after}`, token);
    if (r.status !== 200) throw new Error(`list messages: ${r.status} ${JSON.stringify(r.body)}`);
    all.push(...r.body.messages);
    if (r.body.messages.length === 0) break;
    after = r.body.messages.at(-1).seq;
  }
  return all;
}

/** Creates users straight in a database the nodes share (after a node has migrated it); returns their passwords. */
export async function seedUsers(
  databaseUrl: string,
  users: { email: string; name: string; role?: "agent" | "supervisor" | "admin" }[],
): Promise<string> {
  const store = await openStore(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" }));
  const password = "correct-horse-battery";
  try {
    const service = createUserService({ store, crypto: cryptoAdapter });
    for (const u of users)
      await service.create({
        email: u.email,
        password,
        displayName: u.name,
        role: u.role ?? "agent",
        tier: 1,
        capacity: 100,
      });
  } finally {
    await store.close();
  }
  return password;
}

// ---------------------------------------------------------------------------------------------------------------
// Load that survives faults

/** Tally of failures a load loop retried through, by kind ("503 SERVICE_UNAVAILABLE", "net ECONNRESET", ...). */
export type FailureTally = Record<string, number>;

const tally = (t: FailureTally, key: string) => {
  t[key] = (t[key] ?? 0) + 1;
};

/**
 * Posts one customer message until the server acknowledges it (201 new, 200 already stored), retrying network
 * failures and 503s with the same clientMessageId, as a well-behaved client does. Any other status is returned.
 */
export async function postUntilAcked(
  pickBase: () => string,
  conv: { id: string; token: string },
  clientMessageId: string,
  text: string,
  failures: FailureTally,
  options: { deadlineMs?: number; timeoutMs?: number; onFailure?: (r: CallResult) => void } = {},
): Promise<CallResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 20_000);
  for (let attempt = 0; ; attempt++) {
    const r = await call(
      pickBase(),
      "POST",
      `/api/v1/conversations/${conv.id}/messages`,
      conv.token,
      { clientMessageId, text },
      options.timeoutMs ?? 5000,
    );
    if (r.status === 200 || r.status === 201) return r;
    if (r.status === 0 || r.status === 503) {
      tally(failures, r.status === 0 ? `net ${r.networkError}` : `503 ${r.body?.error?.code}`);
      options.onFailure?.(r);
      if (Date.now() > deadline) return r;
      await sleep(Math.min(25 * 2 ** Math.min(attempt, 4), 300));
      continue;
    }
    return r;
  }
}

/**
 * A customer stream that, when its node goes away, reconnects to whichever node `pickBase` names with
 * `after=<last seq seen>`, like the widget does. Records every message seq it receives across connections.
 */
export interface ResumingStream {
  /** Message seqs in arrival order, across every connection. */
  seqs: number[];
  lastSeq: number;
  connections: number;
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function resumingStream(
  pickWsBase: () => string,
  conv: { id: string; token: string },
): ResumingStream {
  let closed = false;
  let current: WebSocket | null = null;
  const state: ResumingStream = {
    seqs: [],
    lastSeq: 0,
    connections: 0,
    async waitForSeq(seq, timeoutMs = 20_000) {
      await eventually(
        () => (state.lastSeq >= seq ? true : undefined),
        `stream of ${conv.id} to reach seq ${seq} (at ${state.lastSeq})`,
        timeoutMs,
        20,
      );
    },
    close() {
      closed = true;
      current?.terminate();
    },
  };
  const connect = (): void => {
    if (closed) return;
    const ws = new WebSocket(`${pickWsBase()}/api/v1/stream?token=${conv.token}&after=${state.lastSeq}`);
    current = ws;
    ws.on("open", () => {
      state.connections++;
    });
    ws.on("message", (raw) => {
      const e = JSON.parse(raw.toString()) as { type: string; message?: { seq: number } };
      if (e.type === "message" && e.message) {
        state.seqs.push(e.message.seq);
        state.lastSeq = Math.max(state.lastSeq, e.message.seq);
      }
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      if (!closed) setTimeout(connect, 50);
    });
  };
  connect();
  return state;
}

/** Checks a stream saw 1..last exactly once each, in order; returns a description of what is wrong, or "". */
export function streamDefects(seqs: number[], last: number): string {
  const problems: string[] = [];
  const seen = new Set<number>();
  let prev = 0;
  for (const s of seqs) {
    if (seen.has(s)) problems.push(`duplicate ${s}`);
    else if (s !== prev + 1) problems.push(`${s} after ${prev}`);
    seen.add(s);
    prev = Math.max(prev, s);
  }
  for (let s = 1; s <= last; s++) if (!seen.has(s)) problems.push(`missing ${s}`);
  return problems.slice(0, 10).join(", ");
}

/**
 * Compares acknowledged messages with storage: each acknowledged clientMessageId stored exactly once, at the seq
 * the client was given, and no customer message stored twice. Returns the problems found (empty when sound).
 */
export function ledgerDefects(acked: Map<string, number>, stored: Json[]): string[] {
  const problems: string[] = [];
  const byClientId = new Map<string, number[]>();
  for (const m of stored) {
    if (m.author !== "customer") continue;
    const list = byClientId.get(m.clientMessageId) ?? [];
    list.push(m.seq);
    byClientId.set(m.clientMessageId, list);
  }
  for (const [cid, seq] of acked) {
    const found = byClientId.get(cid) ?? [];
    if (found.length !== 1) problems.push(`${cid}: stored ${found.length} times`);
    else if (found[0] !== seq) problems.push(`${cid}: acknowledged as seq ${seq}, stored as ${found[0]}`);
  }
  for (const [cid, seqs] of byClientId)
    if (seqs.length > 1) problems.push(`${cid}: duplicated at ${seqs.join(",")}`);
  return problems;
}
