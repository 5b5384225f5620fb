// Canned responses in the database, so admins edit them in the browser and every node serves the same library,
// and an append-only audit of who changed which response.

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

export function cannedMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  const idColumn =
    dialect === "postgres" ? sql.raw("bigserial primary key") : sql.raw("integer primary key autoincrement");
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("canned_responses")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("shortcut", "text", (c) => c.notNull().unique())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("intents", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("reasons", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("keywords", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("language", "text")
        .addColumn("updated_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("updated_by", "text")
        .execute();

      await db.schema
        .createTable("canned_response_audit")
        .addColumn("id", idColumn)
        .addColumn("response_id", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("snapshot", "text", (c) => c.notNull())
        .addColumn("at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("canned_response_audit_response")
        .on("canned_response_audit")
        .columns(["response_id", "id"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["canned_response_audit", "canned_responses"]) await db.schema.dropTable(t).execute();
    },
  };
}
