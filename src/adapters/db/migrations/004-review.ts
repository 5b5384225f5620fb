// Analytics, escalation review and operator feedback: per-conversation facts with a per-day rollup (so dashboard
// queries sum a few hundred rows, not a million messages), reviewers' verdicts, and labelled examples for retraining.

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

/**
 * The totals this migration created columns for, frozen here: it read the live TOTAL_KEYS list until 007 added keys,
 * which would have made a fresh database get 007's columns twice. Later keys are added by later migrations.
 */
export const TOTAL_KEYS_004 = [
  "conversations", "escalated", "aiResolved", "aiConfirmed", "aiNoReturn", "aiReturned", "aiPending", "aiUnanswered",
  "aiHandleMsSum", "humanResolved", "humanHandleMsSum", "assistedCount", "assistedHandleMsSum", "unassistedCount",
  "unassistedHandleMsSum", "csatAiCount", "csatAiSum", "csatAiSatisfied", "csatHumanCount", "csatHumanSum",
  "csatHumanSatisfied", "firstResponseCount", "firstResponseMsSum", "firstHumanResponseCount",
  "firstHumanResponseMsSum", "agentHandled", "agentLoadMsSum", "promptTokens", "completionTokens", "recordedCostMicros",
] as const;

/** Totals key -> column: aiHandleMsSum -> t_ai_handle_ms_sum. */
export const totalColumn = (key: string): string => `t_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

export function reviewMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  // Sums of milliseconds and token counts outgrow 32 bits; load is fractional (time ÷ capacity).
  const numeric = dialect === "postgres" ? "double precision" : "real";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let facts = db.schema
        .createTable("analytics_facts")
        .addColumn("conversation_id", "text", (c) => c.primaryKey())
        .addColumn("customer_id", "text", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("started_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addColumn("tier", "integer")
        .addColumn("ai_outcome", "text")
        .addColumn("recheck_at", sql.raw(bigint));
      let daily = db.schema
        .createTable("analytics_daily")
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_pk", ["day", "intent"]);
      for (const k of TOTAL_KEYS_004) {
        facts = facts.addColumn(totalColumn(k), sql.raw(numeric), (c) => c.notNull().defaultTo(0));
        daily = daily.addColumn(totalColumn(k), sql.raw(numeric), (c) => c.notNull().defaultTo(0));
      }
      await facts.execute();
      await daily.execute();
      await db.schema.createIndex("analytics_facts_day").on("analytics_facts").columns(["day", "intent"]).execute();
      await db.schema.createIndex("analytics_facts_recheck").on("analytics_facts").column("recheck_at").execute();
      await db.schema.createIndex("analytics_facts_customer").on("analytics_facts").columns(["customer_id", "ai_outcome"]).execute();

      await db.schema
        .createTable("analytics_reasons")
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addColumn("tier", "integer")
        .addPrimaryKeyConstraint("analytics_reasons_pk", ["conversation_id", "reason"])
        .execute();
      await db.schema.createIndex("analytics_reasons_day").on("analytics_reasons").columns(["day", "reason"]).execute();

      await db.schema
        .createTable("analytics_segments")
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("n", "integer", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("start_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("load_ms", sql.raw(numeric), (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_segments_pk", ["conversation_id", "n"])
        .execute();
      await db.schema.createIndex("analytics_segments_day").on("analytics_segments").columns(["day", "agent_id"]).execute();

      await db.schema
        .createTable("analytics_state")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("escalation_reviews")
        .addColumn("event_id", sql.raw(bigint), (c) => c.primaryKey())
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("verdict", "text", (c) => c.notNull())
        .addColumn("note", "text")
        .addColumn("corrected_intent", "text")
        .addColumn("reviewer_id", "text", (c) => c.notNull())
        .addColumn("escalated_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("intent", "text", (c) => c.notNull())
        .addColumn("tier", "integer")
        .addColumn("reasons", "text", (c) => c.notNull())
        .addColumn("reviewed_at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema.createIndex("escalation_reviews_escalated").on("escalation_reviews").column("escalated_at").execute();

      await db.schema
        .createTable("training_examples")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("conversation_id", "text")
        .addColumn("message_seq", "integer")
        .addColumn("created_by", "text")
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .addUniqueConstraint("training_examples_message", ["conversation_id", "message_seq"])
        .execute();

      // The incremental rollup reads "events since the last refresh" across all types.
      await db.schema.createIndex("events_created").on("events").column("created_at").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex("events_created").execute();
      for (const t of ["training_examples", "escalation_reviews", "analytics_state", "analytics_segments", "analytics_reasons", "analytics_daily", "analytics_facts"]) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
