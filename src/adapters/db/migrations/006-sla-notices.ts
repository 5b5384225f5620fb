// SLA notices already sent: one row per (conversation, metric, kind, due instant), so when several nodes check the
// same timers only the node whose insert wins publishes the warning or breach (once in the cluster, not per node).

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

export function slaNoticesMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("sla_notices")
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("metric", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("due_at", sql.raw(bigint), (c) => c.notNull())
        .addPrimaryKeyConstraint("sla_notices_pk", ["conversation_id", "metric", "kind", "due_at"])
        .execute();
      await db.schema.createIndex("sla_notices_due").on("sla_notices").columns(["due_at"]).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("sla_notices").execute();
    },
  };
}
