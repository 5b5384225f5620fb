// The SLA notice ledger on the Tandem database (table sla_notices, migration 006), for SQLite and PostgreSQL:
// a claim is an insert that does nothing on conflict, so the primary key decides which node announces.

import type { DatabaseHandle } from "../db/database.ts";
import type { SlaNoticeLedger } from "../../ports/sla-notices.ts";

interface SlaNoticesTable {
  conversation_id: string;
  metric: string;
  kind: string;
  due_at: number;
}

export function createSlaNoticeStore(handle: DatabaseHandle): SlaNoticeLedger {
  const db = handle.db.withTables<{ sla_notices: SlaNoticesTable }>();
  return {
    async claim(n) {
      const r = await db
        .insertInto("sla_notices")
        .values({ conversation_id: n.conversationId, metric: n.metric, kind: n.kind, due_at: n.dueAt })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async prune(before) {
      await db.deleteFrom("sla_notices").where("due_at", "<", before).execute();
    },
  };
}
