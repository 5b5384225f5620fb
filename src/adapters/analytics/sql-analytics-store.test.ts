// The SQL rollup against the in-memory definitions, on SQLite and PostgreSQL: a few hundred generated conversations
// around New York's spring-forward day and India's half-hour midnight, stored through saveFacts, then every
// grouping (per local day, per intent, in total), reasons, agent days, SLA counts and queue-wait percentiles read
// back in several zones and compared with what the pure functions compute from the same facts.

import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db/database.ts";
import { migrationsFor } from "../db/migrations/index.ts";
import { dayIndexIn, dayLabel, localDayOf, localDays } from "../../domain/analytics/calendar.ts";
import { deriveFacts } from "../../domain/analytics/facts.ts";
import { agentUtilisation, totalsByLocalDay, totalsOf } from "../../domain/analytics/figures.ts";
import { ctx, LogBuilder, MIN, S } from "../../domain/analytics/fixtures.test-helper.ts";
import { slaSummary, slaSummaryFrom } from "../../domain/analytics/sla-attainment.ts";
import { type ConversationFacts, TOTAL_KEYS, type Totals } from "../../domain/analytics/types.ts";
import type { AnalyticsStore } from "../../ports/analytics.ts";
import { testDatabases } from "../../../test/support/databases.ts";
import { createSqlAnalyticsStore } from "./sql-analytics-store.ts";
import { seededRandom } from "../../domain/triage/intent/random.ts";

const FIRST = Date.parse("2026-03-06T00:00:00Z");
const SPAN = 5 * 86_400_000;
const NOW = FIRST + SPAN + 2 * 3_600_000;
const INTENTS = ["order_status", "billing_info", "returns"];
const ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe"];


function generate(): ConversationFacts[] {
  const rand = seededRandom(7);
  const starts: number[] = [];
  for (let i = 0; i < 500; i++) starts.push(FIRST + Math.floor(rand() * SPAN));
  // Make sure the hours around India's midnight (18:30 UTC) and New York's (04:00/05:00 UTC) are populated.
  for (let d = 0; d < 5; d++) for (const m of [4 * 60 + 59, 5 * 60, 18 * 60 + 15, 18 * 60 + 29, 18 * 60 + 30, 18 * 60 + 45]) starts.push(FIRST + d * 86_400_000 + m * MIN);
  return starts.map((at, i) => {
    const log = new LogBuilder(`c${i}`).customer(at, INTENTS[i % INTENTS.length]);
    const kind = rand();
    if (kind < 0.4) {
      log.msg("ai", at + 10 * S);
      if (rand() < 0.3) log.event("resolved", at + MIN, { resolvedBy: "ai" }, "customer");
    } else if (kind < 0.85) {
      const tier = (1 + Math.floor(rand() * 3)) as 1 | 2 | 3;
      log.event("escalated", at + S, { tier, reasons: rand() < 0.5 ? ["human_requested"] : ["frustration", "complaint"] });
      if (at + 40 * MIN < NOW || rand() < 0.5) {
        const pickup = at + S + Math.floor(rand() * 25 * MIN);
        const agent = rand() < 0.5 ? "alice" : "bob";
        log.event("claimed", pickup, { agentId: agent }, "agent", agent);
        if (rand() < 0.8) log.msg("agent", pickup + Math.floor(rand() * 10 * MIN));
        if (rand() < 0.7) log.event("resolved", pickup + 20 * MIN, { resolvedBy: "human", assigneeId: agent }, "agent", agent);
      }
    } else {
      log.msg("ai", at + S).event("claimed", at + 2 * MIN, { agentId: "alice" }, "agent", "alice").msg("agent", at + 3 * MIN);
    }
    const f = deriveFacts(log.build(), ctx(NOW));
    if (!f) throw new Error(`c${i}`);
    return f;
  });
}

function expectTotals(actual: Totals | undefined, expected: Totals, label: string): void {
  expect(actual, label).toBeDefined();
  for (const k of TOTAL_KEYS) expect((actual as Totals)[k], `${label} ${k}`).toBeCloseTo(expected[k], 3);
}

for (const dbKind of testDatabases()) {
  describe(`analytics rollup on ${dbKind.name}`, () => {
    let db: { url: string; drop(): Promise<void> };
    let handle: DatabaseHandle;
    let store: AnalyticsStore;
    const facts = generate();

    beforeAll(async () => {
      db = await dbKind.create();
      handle = openDatabase(db.url);
      await migrateToLatest(handle);
      store = createSqlAnalyticsStore(handle);
      // In several batches, as the refresher writes them, so hours are re-rolled across batches.
      for (let i = 0; i < facts.length; i += 200) {
        await store.saveFacts(facts.slice(i, i + 200).map((f) => ({ conversationId: f.conversationId, facts: f })));
      }
    }, 60_000);

    afterAll(async () => {
      await handle?.close();
      await db?.drop();
    });

    for (const zone of ZONES) {
      describe(`in ${zone}`, () => {
        const range = localDays("2026-03-07", "2026-03-09", zone);
        const inRange = facts.filter((f) => f.startedAt >= range.startMs && f.startedAt < range.endMs);

        it("sums each local day exactly as the pure definition does", async () => {
          const expected = totalsByLocalDay(facts, range);
          const rows = await store.totalsBy(range, "day");
          expect(rows.map((r) => r.key)).toEqual([...expected.keys()].sort());
          for (const r of rows) expectTotals(r.totals, expected.get(r.key) as Totals, r.key);
          expect(rows.reduce((s, r) => s + r.totals.conversations, 0)).toBe(inRange.length);
        });

        it("sums the whole range and each intent", async () => {
          const [all] = await store.totalsBy(range, "all");
          expectTotals(all?.totals, totalsOf(inRange), "all");
          const byIntent = await store.totalsBy(range, "intent");
          expect(byIntent.map((r) => r.key)).toEqual([...INTENTS].sort());
          for (const r of byIntent) expectTotals(r.totals, totalsOf(inRange.filter((f) => f.intent === r.key)), r.key);
        });

        it("counts reasons per local day and agent days as local days", async () => {
          const expected = new Map<string, number>();
          for (const f of inRange) {
            for (const reason of new Set(f.reasons)) {
              const k = `${dayLabel(range, dayIndexIn(range, f.startedAt))}|${reason}`;
              expected.set(k, (expected.get(k) ?? 0) + 1);
            }
          }
          const rows = await store.reasonsBy(range, "day");
          expect(new Map(rows.map((r) => [`${r.key}|${r.reason}`, r.count]))).toEqual(expected);

          const segments = facts.flatMap((f) => f.agentSegments.map((s) => ({ ...s, conversationId: f.conversationId })))
            .filter((s) => s.start >= range.startMs && s.start < range.endMs);
          const pure = agentUtilisation(segments, 8, (ms) => localDayOf(ms, zone));
          const load = await store.agentLoad(range);
          for (const p of pure) {
            const row = load.find((l) => l.agentId === p.agentId);
            expect(row, p.agentId).toMatchObject({ activeDays: p.activeDays, conversations: p.conversations });
            expect((row?.loadMs ?? 0) / 3_600_000).toBeCloseTo(p.loadHours, 6);
          }
          expect(load).toHaveLength(pure.length);
        });

        it("gives the SLA counts and nearest-rank queue-wait percentiles of the pure summary", async () => {
          const records = inRange.flatMap((f) => (f.sla ? [{ tier: f.sla.tier, response: f.sla.response, wait: f.sla.wait, waitMs: f.sla.waitMs, stillQueued: f.sla.stillQueued }] : []));
          const fromSql = slaSummaryFrom(await store.slaCounts(range), await store.waitPercentiles(range));
          expect(fromSql).toEqual(slaSummary(records));
          expect(fromSql.all.escalations).toBeGreaterThan(50);
          expect(fromSql.all.waitP90Ms).not.toBeNull();
        });

        it("exports conversations with their local day", async () => {
          const rows = await store.factRows(range, 10_000);
          expect(rows).toHaveLength(inRange.length);
          const started = new Map(facts.map((f) => [f.conversationId, f.startedAt]));
          for (const r of rows) expect(r.day).toBe(localDayOf(started.get(String(r.conversation_id)) as number, zone));
        });
      });
    }

    it("re-rolls the hours a conversation leaves and enters when its facts change", async () => {
      const range = localDays("2026-03-06", "2026-03-10", "Asia/Kolkata");
      const [before] = await store.totalsBy(range, "all");
      const moved = facts.find((f) => new Date(f.startedAt).getUTCHours() === 18 && f.startedAt < range.endMs - 86_400_000) as ConversationFacts;
      const later = { ...moved, startedAt: moved.startedAt + 86_400_000 + 30 * MIN, escalated: false, sla: null };
      await store.saveFacts([{ conversationId: moved.conversationId, facts: later }]);
      const [after] = await store.totalsBy(range, "all");
      expect(after?.totals.conversations).toBe(before?.totals.conversations);
      const days = await store.totalsBy(range, "day");
      const expected = totalsByLocalDay(facts.map((f) => (f === moved ? later : f)), range);
      for (const r of days) expectTotals(r.totals, expected.get(r.key) as Totals, r.key);
      const after2 = facts.map((f) => (f === moved ? later : f)).filter((f) => f.startedAt >= range.startMs && f.startedAt < range.endMs);
      for (const r of await store.totalsBy(range, "intent")) expectTotals(r.totals, totalsOf(after2.filter((f) => f.intent === r.key)), r.key);
      await store.saveFacts([{ conversationId: moved.conversationId, facts: null }]);
      const [gone] = await store.totalsBy(range, "all");
      expect(gone?.totals.conversations).toBe((before?.totals.conversations ?? 0) - 1);
    });

    it("upgrades a database rolled up per UTC day, and migrates back down", async () => {
      const old = await dbKind.create();
      const h = openDatabase(old.url);
      try {
        const migrator = new Migrator({ db: h.db, provider: { getMigrations: async () => migrationsFor(h.dialect) } });
        expect((await migrator.migrateTo("006-sla-notices")).error).toBeUndefined();
        const at = Date.parse("2026-03-08T18:45:00Z");
        await sql`INSERT INTO analytics_facts (conversation_id, customer_id, day, started_at, intent, tier, t_conversations, t_escalated)
                  VALUES ('c1', 'u1', '2026-03-08', ${at}, 'returns', 1, 1, 1)`.execute(h.db);
        await sql`INSERT INTO analytics_reasons (conversation_id, reason, day, intent, tier) VALUES ('c1', 'frustration', '2026-03-08', 'returns', 1)`.execute(h.db);
        await migrateToLatest(h);
        const hourly = await sql<{ hour: number; t_conversations: number }>`SELECT hour, t_conversations FROM analytics_hourly`.execute(h.db);
        expect(hourly.rows.map((r) => [Number(r.hour), Number(r.t_conversations)])).toEqual([[Date.parse("2026-03-08T18:00:00Z"), 1]]);
        const store = createSqlAnalyticsStore(h);
        // Already readable in a half-hour zone (the row sits in India's split hour, 00:15 on the 9th) before any rebuild.
        const range = localDays("2026-03-09", "2026-03-09", "Asia/Kolkata");
        expect((await store.totalsBy(range, "day")).map((r) => [r.key, r.totals.conversations])).toEqual([["2026-03-09", 1]]);
        expect(await store.reasonsBy(range, "all")).toEqual([{ key: "all", reason: "frustration", count: 1 }]);
        expect((await store.totalsBy(localDays("2026-03-08", "2026-03-08", "UTC"), "all"))[0]?.totals.escalated).toBe(1);
        expect((await migrator.migrateTo("006-sla-notices")).error).toBeUndefined();
        const daily = await sql<{ day: string; t_conversations: number }>`SELECT day, t_conversations FROM analytics_daily`.execute(h.db);
        expect(daily.rows.map((r) => [r.day, Number(r.t_conversations)])).toEqual([["2026-03-08", 1]]);
        expect((await migrateToLatest(h))[0]).toBe("007-analytics-local-days");
        // The latest migration steps down and back up too.
        expect((await migrator.migrateDown()).error).toBeUndefined();
        expect(await migrateToLatest(h)).toEqual([Object.keys(migrationsFor(h.dialect)).at(-1)]);
      } finally {
        await h.close();
        await old.drop();
      }
    });
  });
}
