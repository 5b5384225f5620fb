// Agent presence heartbeats: one row per agent with a live console socket somewhere in the cluster, so any node can
// tell "disconnected everywhere for longer than the grace period" from "connected to another node".

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

export function presenceMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("agent_presence")
        .addColumn("user_id", "text", (c) => c.primaryKey())
        // connected: some node holds a socket (or did until last_seen_at); releasing: a node is returning the
        // agent's conversations to the queue; released: done, nothing to do until the agent connects again.
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("last_seen_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("changed_at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("agent_presence_state_seen")
        .on("agent_presence")
        .columns(["state", "last_seen_at"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("agent_presence").execute();
    },
  };
}
