// Presence heartbeats on the Tandem database (table agent_presence, migration 003), one implementation for SQLite
// and PostgreSQL. Claims are conditional updates, so two nodes sweeping at once never both release an agent.

import type { DatabaseHandle } from "../db/database.ts";
import type { PresenceHeartbeats } from "../../ports/presence.ts";

interface AgentPresenceTable {
  user_id: string;
  state: "connected" | "releasing" | "released";
  last_seen_at: number;
  changed_at: number;
}

export function createPresenceStore(handle: DatabaseHandle): PresenceHeartbeats {
  const db = handle.db.withTables<{ agent_presence: AgentPresenceTable }>();
  return {
    async touch(userIds, now) {
      if (userIds.length === 0) return;
      await db
        .insertInto("agent_presence")
        .values(
          userIds.map((id) => ({
            user_id: id,
            state: "connected" as const,
            last_seen_at: now,
            changed_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.column("user_id").doUpdateSet((eb) => ({
            last_seen_at: eb.ref("excluded.last_seen_at"),
            state: "connected" as const,
            // changed_at moves only when the state does, so it keeps meaning "since when".
            changed_at: eb
              .case()
              .when("agent_presence.state", "=", "connected")
              .then(eb.ref("agent_presence.changed_at"))
              .else(eb.ref("excluded.changed_at"))
              .end(),
          })),
        )
        .execute();
    },
    async stale(before, limit) {
      const rows = await db
        .selectFrom("agent_presence")
        .select("user_id")
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "connected"), eb("last_seen_at", "<", before)]),
            eb.and([eb("state", "=", "releasing"), eb("changed_at", "<", before)]),
          ]),
        )
        .orderBy("last_seen_at")
        .limit(limit)
        .execute();
      return rows.map((r) => r.user_id);
    },
    async claimRelease(userId, before, now) {
      const r = await db
        .updateTable("agent_presence")
        .set({ state: "releasing", changed_at: now })
        .where("user_id", "=", userId)
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "connected"), eb("last_seen_at", "<", before)]),
            eb.and([eb("state", "=", "releasing"), eb("changed_at", "<", before)]),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async markReleased(userId, now) {
      await db
        .updateTable("agent_presence")
        .set({ state: "released", changed_at: now })
        .where("user_id", "=", userId)
        .where("state", "=", "releasing")
        .execute();
    },
  };
}
