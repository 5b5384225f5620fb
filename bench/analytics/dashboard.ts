// Dashboard query time at scale: generates 100,000 conversations with 1,000,000 messages (and their event log) in a
// fresh SQLite file and, when TANDEM_TEST_PG_URL is set, a fresh PostgreSQL database; builds the analytics rollup
// from the event log; then times every dashboard view. Goal: every view under 300 ms.
//   node bench/analytics/dashboard.ts [--conversations 100000] [--runs 7]

import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { createSqlAnalyticsStore } from "../../src/adapters/analytics/sql-analytics-store.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../src/adapters/db/database.ts";
import { createSqlStore } from "../../src/adapters/store/sql-store.ts";
import { createAnalyticsService, dayRange } from "../../src/app/analytics-service.ts";
import { createReviewService } from "../../src/app/review-service.ts";
import { DEFAULT_ROUTING_RULES } from "../../src/domain/triage/routing-rules.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONVERSATIONS = arg("conversations", 100_000);
const RUNS = arg("runs", 7);
const MESSAGES_PER = 10;
const DAY = 86_400_000;
const END = Date.parse("2026-06-30T12:00:00Z");
const NOW = END + 30 * DAY;
const INTENTS = ["order_status", "account_access", "billing_info", "product_faq", "returns", "complaint", "human_request", "out_of_scope"];
const REASONS = ["human_requested", "frustration", "complaint", "low_confidence", "out_of_scope", "negative_sentiment"];
const GAP_TEXTS = ["can I pay with crypto", "do you ship to Mars", "warranty on refurbished phones", "pay with bitcoin please", "refurbished phone warranty length"];

/** A small seeded PRNG (mulberry32): the same data on both dialects and every run. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(h: DatabaseHandle): Promise<void> {
  const db = h.db;
  const rand = rng(42);
  const agents = Array.from({ length: 50 }, (_, i) => ({ id: `agent-${i}`, capacity: 3 + (i % 4) }));
  await db.insertInto("users").values(agents.map((a, i) => ({
    id: a.id, email: `a${i}@bench`, password_hash: "x", display_name: `Agent ${i}`, role: "agent", tier: 1 + (i % 3), skills: "[]", languages: '["en"]',
    capacity: a.capacity, presence: "online", business_hours: null, last_assigned_at: null, created_at: 0,
  }))).execute();
  const BATCH = 500;
  for (let start = 0; start < CONVERSATIONS; start += BATCH) {
    const customers: Record<string, unknown>[] = [];
    const conversations: Record<string, unknown>[] = [];
    const messages: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    for (let n = start; n < Math.min(CONVERSATIONS, start + BATCH); n++) {
      const id = `c${n}`;
      const customerId = `cu${n % Math.floor(CONVERSATIONS * 0.8)}`;
      if (n < Math.floor(CONVERSATIONS * 0.8)) customers.push({ id: customerId, external_id: null, name: null, email: null, locale: "en", attributes: "{}", created_at: 0 });
      const t0 = END - Math.floor(rand() * 365) * DAY - Math.floor(rand() * DAY);
      const intent = INTENTS[Math.floor(rand() * INTENTS.length)] as string;
      const escalated = rand() < 0.18;
      const reasons = escalated ? [REASONS[Math.floor(rand() * REASONS.length)] as string] : [];
      const gapText = reasons[0] === "low_confidence" || reasons[0] === "out_of_scope" ? (GAP_TEXTS[Math.floor(rand() * GAP_TEXTS.length)] as string) : null;
      const agent = agents[Math.floor(rand() * agents.length)] as (typeof agents)[number];
      let t = t0;
      let seq = 0;
      const ev = (type: string, actor: string, data: Record<string, unknown>) => events.push({ conversation_id: id, type, actor_kind: actor, actor_id: null, data: JSON.stringify({ ...data, atSeq: seq }), created_at: t });
      const msg = (author: string, text: string, triage: unknown = null, meta: unknown = null) => {
        seq++;
        messages.push({ id: randomUUID(), conversation_id: id, seq, author, author_id: author === "agent" ? agent.id : null, author_name: null, client_message_id: null, idempotency_key: null, text, internal: 0, triage: triage ? JSON.stringify(triage) : null, meta: meta ? JSON.stringify(meta) : null, created_at: t });
        t += 5_000 + Math.floor(rand() * 60_000);
      };
      const triage = (i: string, route: string, rs: string[]) => ({ language: "en", languageConfidence: 0.9, sentiment: -0.1, sentimentCues: [], frustration: 0.1, frustrationCues: [], frustrationTrend: 0, intent: i, confidence: 0.8, outOfScope: false, route, reasons: rs, tier: 1 });
      ev("created", "customer", { channel: "web" });
      let escalatedAt = -1;
      for (let k = 0; k < MESSAGES_PER; k++) {
        if (k % 2 === 0) {
          const escalateHere = escalated && k === 2;
          msg("customer", gapText && k === 2 ? gapText : `question ${k} about ${intent}`, triage(k === 0 ? intent : "order_status", escalateHere ? "human" : "ai", escalateHere ? reasons : []));
          if (escalateHere) {
            ev("escalated", "system", { tier: 1, reasons, messageSeq: seq, from: "ai", to: "waiting_human" });
            escalatedAt = seq;
          }
        } else if (escalatedAt > 0) {
          if (k === 3) ev("assigned", "system", { agentId: agent.id });
          msg("agent", "Let me check that for you.");
          if (k === 5) ev("assist_rating", "agent", { rating: rand() < 0.5 ? "used_as_is" : "helpful", suggestionType: "reply" });
        } else {
          msg("ai", "Here is the answer.", null, rand() < 0.3 ? { usage: { promptTokens: 800, completionTokens: 120 } } : null);
        }
      }
      const resolved = rand() < 0.7;
      if (resolved) {
        ev("resolved", escalated ? "agent" : rand() < 0.5 ? "customer" : "ai", { resolvedBy: escalated ? "human" : "ai", resolutionCode: "done" });
        if (rand() < 0.3) ev("csat", "customer", { score: 1 + Math.floor(rand() * 5) });
      }
      conversations.push({
        id, customer_id: customerId, channel: "web", language: "en", status: resolved ? "resolved" : escalated ? "human" : "ai", assignee_id: null, tier: escalated ? 1 : null,
        priority: 0, reasons: JSON.stringify(reasons), last_seq: seq, version: 1, ai_turns_unresolved: 0, created_at: t0, updated_at: t,
        queued_at: null, assigned_at: null, first_human_response_at: null, resolved_at: resolved ? t : null, resolution_code: resolved ? "done" : null,
      });
    }
    await db.transaction().execute(async (trx) => {
      if (customers.length) await trx.insertInto("customers").values(customers as never).execute();
      await trx.insertInto("conversations").values(conversations as never).execute();
      for (let i = 0; i < messages.length; i += 1000) await trx.insertInto("messages").values(messages.slice(i, i + 1000) as never).execute();
      for (let i = 0; i < events.length; i += 1000) await trx.insertInto("events").values(events.slice(i, i + 1000) as never).execute();
    });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function measure(name: string, url: string): Promise<Record<string, unknown>> {
  const h = openDatabase(url);
  await migrateToLatest(h);
  const log = { info() {}, warn() {}, error() {} };
  let t = performance.now();
  await generate(h);
  const generateMs = performance.now() - t;
  if (h.dialect === "postgres") await sql`ANALYZE`.execute(h.db);
  const store = createSqlStore(h);
  const analyticsStore = createSqlAnalyticsStore(h);
  const clock = { now: () => NOW };
  const analytics = createAnalyticsService({
    analytics: analyticsStore, store, clock, log,
    settings: { returnWindowMs: 7 * DAY, staffedHoursPerDay: 8, costs: { agentCostPerHour: 30, llmCostPer1kPromptTokens: 0.0005, llmCostPer1kCompletionTokens: 0.0015 }, escalationTarget: { low: 0.1, high: 0.2 } },
  });
  const review = createReviewService({ analytics: analyticsStore, analyticsService: analytics, store, clock, log, rules: () => DEFAULT_ROUTING_RULES });
  t = performance.now();
  const rolled = await analytics.refresh();
  const rollupMs = performance.now() - t;
  if (h.dialect === "postgres") await sql`ANALYZE`.execute(h.db);
  t = performance.now();
  await analytics.refresh();
  const idleRefreshMs = performance.now() - t;

  const year = dayRange(NOW, "2025-07-01", "2026-06-30");
  const month = dayRange(NOW, "2026-06-01", "2026-06-30");
  // Local days: New York (whole-hour offsets, two DST changes in the year) and India (+5:30: one hour a day is split
  // between two days and read from the facts).
  const yearNy = dayRange(NOW, "2025-07-01", "2026-06-30", "America/New_York");
  const yearIn = dayRange(NOW, "2025-07-01", "2026-06-30", "Asia/Kolkata");
  const views: Record<string, () => Promise<unknown>> = {
    "overview (365 days)": () => analytics.overview(year),
    "overview (365 days, America/New_York)": () => analytics.overview(yearNy),
    "overview (365 days, Asia/Kolkata)": () => analytics.overview(yearIn),
    "by day (365 days)": () => analytics.byDay(year),
    "by day (365 days, America/New_York)": () => analytics.byDay(yearNy),
    "by day (365 days, Asia/Kolkata)": () => analytics.byDay(yearIn),
    "by intent (365 days)": () => analytics.byIntent(year),
    "agents (365 days)": () => analytics.agents(year),
    "CSV per day (365 days)": () => analytics.csv("days", year),
    "escalations page (50)": () => review.escalations(year, { limit: 50 }),
    "review patterns (365 days)": () => review.patterns(year, "reason"),
    "knowledge gaps (30 days)": () => review.gaps(month),
    "weekly digest": () => review.digest("2026-06-30"),
  };
  const results: Record<string, number> = {};
  for (const [view, run] of Object.entries(views)) {
    await run(); // warm
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      await run();
      times.push(performance.now() - s);
    }
    results[view] = Math.round(median(times) * 10) / 10;
  }
  const counts = await sql<{ m: number; c: number; e: number }>`SELECT (SELECT COUNT(*) FROM messages) AS m, (SELECT COUNT(*) FROM conversations) AS c, (SELECT COUNT(*) FROM events) AS e`.execute(h.db);
  await h.close();
  const row = counts.rows[0];
  return { dialect: name, messages: Number(row?.m), conversations: Number(row?.c), events: Number(row?.e), generateSeconds: Math.round(generateMs / 100) / 10, rollupSeconds: Math.round(rollupMs / 100) / 10, rolledConversations: rolled, idleRefreshMs: Math.round(idleRefreshMs * 10) / 10, medianMs: results };
}

async function main(): Promise<void> {
  const out: Record<string, unknown>[] = [];
  const dir = join(tmpdir(), `tandem-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    out.push(await measure("sqlite", `sqlite:${join(dir, "bench.db")}`));
    console.log(JSON.stringify(out.at(-1), null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.TANDEM_TEST_PG_URL;
  if (pgUrl) {
    const name = `tandem_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    try {
      out.push(await measure("postgres", url.toString()));
      console.log(JSON.stringify(out.at(-1), null, 2));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.warn("TANDEM_TEST_PG_URL not set: PostgreSQL skipped");
  }
  const file = join(import.meta.dirname, "..", "results", "analytics-dashboard.json");
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), conversationsRequested: CONVERSATIONS, runs: RUNS, goalMs: 300, results: out }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
