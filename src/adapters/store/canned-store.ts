// Canned responses on the Tandem database (tables canned_responses and canned_response_audit, migration 005), one
// implementation for SQLite and PostgreSQL. The shortcut's uniqueness is the database's constraint, so two admins
// saving the same shortcut on two nodes cannot both win.

import type { Generated, Transaction } from "kysely";
import type { CannedResponse } from "../../domain/assist/index.ts";
import type {
  CannedAuditAction,
  CannedAuditEntry,
  CannedStore,
  CannedWriteConflict,
  StoredCannedResponse,
} from "../../ports/canned.ts";
import { type DatabaseHandle, isUniqueViolation } from "../db/database.ts";

type CannedResponsesTable = {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  /** JSON arrays as text, like every JSON column in the schema. */
  intents: string;
  reasons: string;
  keywords: string;
  language: string | null;
  updated_at: number;
  updated_by: string | null;
};

type CannedAuditTable = {
  id: Generated<number>;
  response_id: string;
  action: CannedAuditAction;
  actor_id: string | null;
  snapshot: string;
  at: number;
};

type CannedTables = {
  canned_responses: CannedResponsesTable;
  canned_response_audit: CannedAuditTable;
};

const stringArray = (json: string): string[] => {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

function fromRow(r: CannedResponsesTable): StoredCannedResponse {
  return {
    id: r.id,
    shortcut: r.shortcut,
    title: r.title,
    text: r.text,
    intents: stringArray(r.intents),
    reasons: stringArray(r.reasons),
    keywords: stringArray(r.keywords),
    language: r.language,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
  };
}

function toRow(r: StoredCannedResponse): CannedResponsesTable {
  return {
    id: r.id,
    shortcut: r.shortcut,
    title: r.title,
    text: r.text,
    intents: JSON.stringify(r.intents),
    reasons: JSON.stringify(r.reasons),
    keywords: JSON.stringify(r.keywords),
    language: r.language,
    updated_at: r.updatedAt,
    updated_by: r.updatedBy,
  };
}

/** The library entry without the storage fields: what the audit keeps. */
const snapshotOf = (r: CannedResponse): CannedResponse => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  text: r.text,
  intents: r.intents,
  reasons: r.reasons,
  keywords: r.keywords,
  language: r.language ?? null,
});

/** A unique-constraint violation on SQLite (better-sqlite3) or PostgreSQL, mapped to the column it guards. */
function conflictOf(err: unknown): CannedWriteConflict | null {
  if (!isUniqueViolation(err)) return null;
  const e = err as { message?: string; constraint?: string };
  const where = `${e.constraint ?? ""} ${e.message ?? ""}`;
  return /shortcut/.test(where) ? "shortcut_taken" : "id_taken";
}

export function createCannedStore(handle: DatabaseHandle): CannedStore {
  const db = handle.db.withTables<CannedTables>();

  const audit = (
    trx: Transaction<CannedTables>,
    action: CannedAuditAction,
    actorId: string | null,
    at: number,
    r: CannedResponse,
  ) =>
    trx
      .insertInto("canned_response_audit")
      .values({ response_id: r.id, action, actor_id: actorId, at, snapshot: JSON.stringify(snapshotOf(r)) })
      .execute();

  return {
    async list() {
      const rows = await db.selectFrom("canned_responses").selectAll().orderBy("shortcut").execute();
      return rows.map(fromRow);
    },

    async get(id) {
      const row = await db.selectFrom("canned_responses").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async insert(response) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto("canned_responses").values(toRow(response)).execute();
          await audit(trx, "create", response.updatedBy, response.updatedAt, response);
        });
        return { ok: true };
      } catch (err) {
        const conflict = conflictOf(err);
        if (conflict) return { ok: false, conflict };
        throw err;
      }
    },

    async update(response) {
      try {
        const found = await db.transaction().execute(async (trx) => {
          const { id, ...row } = toRow(response);
          const r = await trx
            .updateTable("canned_responses")
            .set(row)
            .where("id", "=", id)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) === 0) return false;
          await audit(trx, "update", response.updatedBy, response.updatedAt, response);
          return true;
        });
        return found ? { ok: true } : { ok: false, conflict: "not_found" };
      } catch (err) {
        const conflict = conflictOf(err);
        if (conflict) return { ok: false, conflict };
        throw err;
      }
    },

    async delete(id, actorId, at) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .deleteFrom("canned_responses")
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst();
        if (!row) return false;
        await audit(trx, "delete", actorId, at, fromRow(row));
        return true;
      });
    },

    async seedIfNeverManaged(responses, at) {
      return db.transaction().execute(async (trx) => {
        const [live, audited] = await Promise.all([
          trx.selectFrom("canned_responses").select("id").limit(1).executeTakeFirst(),
          trx.selectFrom("canned_response_audit").select("id").limit(1).executeTakeFirst(),
        ]);
        if (live || audited) return 0;
        let inserted = 0;
        for (const r of responses) {
          const stored: StoredCannedResponse = {
            ...r,
            language: r.language ?? null,
            updatedAt: at,
            updatedBy: null,
          };
          // Another node seeding at the same moment: its rows win and this insert does nothing.
          const res = await trx
            .insertInto("canned_responses")
            .values(toRow(stored))
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) continue;
          await audit(trx, "seed", null, at, stored);
          inserted++;
        }
        return inserted;
      });
    },

    async history(responseId, limit = 50) {
      const rows = await db
        .selectFrom("canned_response_audit")
        .selectAll()
        .where("response_id", "=", responseId)
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(
        (r): CannedAuditEntry => ({
          responseId: r.response_id,
          action: r.action,
          actorId: r.actor_id,
          at: Number(r.at),
          snapshot: JSON.parse(r.snapshot) as CannedResponse,
        }),
      );
    },
  };
}
