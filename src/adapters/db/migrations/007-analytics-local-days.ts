// Analytics in any time zone, and SLA attainment. The per-UTC-day rollup could only ever answer in UTC (a New York
// team saw "today" roll over at 19:00), so it becomes a per-UTC-hour rollup: a local day in any zone whose offset
// is a whole number of hours is an exact sum of hours, DST days of 23 or 25 hours included, and the one hour a
// day that a half- or quarter-hour zone's midnight cuts in two is read from the facts (hence `hour` on the facts).
// The hours are kept per intent and summed over intents (a year is 8,760 rows however many intents there are: the
// overview and the per-day view read those), and per UTC day and intent (the per-intent view sums whole UTC days
// and only the hours at the range's ends). Reasons and segments get instants to filter and group by. SLA outcomes get counters in the rollup and a small table of escalated conversations for the
// queue-wait percentiles.

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";
import { TOTAL_KEYS_004, totalColumn } from "./004-review.ts";

/** The totals this migration adds (frozen, like 004's list). */
export const TOTAL_KEYS_007 = [
  "slaEscalations", "slaResponseMet", "slaResponseBreached", "slaResponsePending", "slaWaitMet", "slaWaitBreached",
  "slaWaitPending", "slaBreachedConversations", "slaStillQueued", "slaWaitCount", "slaWaitMsSum",
] as const;

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function analyticsLocalDaysMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  const numeric = dialect === "postgres" ? "double precision" : "real";
  const allColumns = [...TOTAL_KEYS_004, ...TOTAL_KEYS_007].map(totalColumn);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const k of TOTAL_KEYS_007) {
        await db.schema.alterTable("analytics_facts").addColumn(totalColumn(k), sql.raw(numeric), (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable("analytics_facts").addColumn("hour", sql.raw(bigint), (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE analytics_facts SET hour = started_at - (started_at % ${sql.lit(HOUR_MS)})`.execute(db);
      await db.schema.dropIndex("analytics_facts_day").execute();
      await db.schema.createIndex("analytics_facts_hour").on("analytics_facts").columns(["hour", "intent"]).execute();

      let hourly = db.schema
        .createTable("analytics_hourly")
        .addColumn("hour", sql.raw(bigint), (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_hourly_pk", ["hour", "intent"]);
      for (const col of allColumns) hourly = hourly.addColumn(col, sql.raw(numeric), (c) => c.notNull().defaultTo(0));
      await hourly.execute();
      const cols = sql.raw(allColumns.join(", "));
      const sums = sql.raw(allColumns.map((c) => `SUM(${c})`).join(", "));
      await sql`INSERT INTO analytics_hourly (hour, intent, ${cols}) SELECT hour, intent, ${sums} FROM analytics_facts GROUP BY hour, intent`.execute(db);
      let hourlyAll = db.schema.createTable("analytics_hourly_all").addColumn("hour", sql.raw(bigint), (c) => c.primaryKey());
      for (const col of allColumns) hourlyAll = hourlyAll.addColumn(col, sql.raw(numeric), (c) => c.notNull().defaultTo(0));
      await hourlyAll.execute();
      await sql`INSERT INTO analytics_hourly_all (hour, ${cols}) SELECT hour, ${sums} FROM analytics_hourly GROUP BY hour`.execute(db);
      let daily = db.schema
        .createTable("analytics_daily_utc")
        .addColumn("day_start", sql.raw(bigint), (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_utc_pk", ["day_start", "intent"]);
      for (const col of allColumns) daily = daily.addColumn(col, sql.raw(numeric), (c) => c.notNull().defaultTo(0));
      await daily.execute();
      await sql`INSERT INTO analytics_daily_utc (day_start, intent, ${cols})
                SELECT hour - (hour % ${sql.lit(DAY_MS)}), intent, ${sums} FROM analytics_hourly GROUP BY 1, 2`.execute(db);
      await db.schema.dropTable("analytics_daily").execute();

      await db.schema.alterTable("analytics_reasons").addColumn("started_at", sql.raw(bigint), (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE analytics_reasons SET started_at = COALESCE((SELECT f.started_at FROM analytics_facts f WHERE f.conversation_id = analytics_reasons.conversation_id), 0)`.execute(db);
      await db.schema.dropIndex("analytics_reasons_day").execute();
      await db.schema.createIndex("analytics_reasons_started").on("analytics_reasons").columns(["started_at", "reason"]).execute();

      await db.schema.dropIndex("analytics_segments_day").execute();
      await db.schema.createIndex("analytics_segments_start").on("analytics_segments").columns(["start_at", "agent_id"]).execute();

      // One row per conversation under an SLA (escalated into the queue): a few per hundred conversations.
      await db.schema
        .createTable("analytics_sla")
        .addColumn("conversation_id", "text", (c) => c.primaryKey())
        .addColumn("started_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("tier", "integer", (c) => c.notNull())
        .addColumn("response_outcome", "text", (c) => c.notNull())
        .addColumn("response_ms", sql.raw(bigint))
        .addColumn("wait_outcome", "text", (c) => c.notNull())
        .addColumn("wait_ms", sql.raw(bigint))
        .addColumn("still_queued", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("analytics_sla_started").on("analytics_sla").column("started_at").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("analytics_sla").execute();
      await db.schema.dropIndex("analytics_segments_start").execute();
      await db.schema.createIndex("analytics_segments_day").on("analytics_segments").columns(["day", "agent_id"]).execute();
      await db.schema.dropIndex("analytics_reasons_started").execute();
      await db.schema.createIndex("analytics_reasons_day").on("analytics_reasons").columns(["day", "reason"]).execute();
      await db.schema.alterTable("analytics_reasons").dropColumn("started_at").execute();

      let daily = db.schema
        .createTable("analytics_daily")
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_pk", ["day", "intent"]);
      const cols004 = TOTAL_KEYS_004.map(totalColumn);
      for (const col of cols004) daily = daily.addColumn(col, sql.raw(numeric), (c) => c.notNull().defaultTo(0));
      await daily.execute();
      await sql`INSERT INTO analytics_daily (day, intent, ${sql.raw(cols004.join(", "))})
                SELECT day, intent, ${sql.raw(cols004.map((c) => `SUM(${c})`).join(", "))} FROM analytics_facts GROUP BY day, intent`.execute(db);
      await db.schema.dropTable("analytics_daily_utc").execute();
      await db.schema.dropTable("analytics_hourly_all").execute();
      await db.schema.dropTable("analytics_hourly").execute();

      await db.schema.dropIndex("analytics_facts_hour").execute();
      await db.schema.createIndex("analytics_facts_day").on("analytics_facts").columns(["day", "intent"]).execute();
      await db.schema.alterTable("analytics_facts").dropColumn("hour").execute();
      for (const k of TOTAL_KEYS_007) await db.schema.alterTable("analytics_facts").dropColumn(totalColumn(k)).execute();
    },
  };
}
