// Export and import of a whole Tandem database as JSON Lines (customers, users with password hashes,
// conversations, messages, events), for backups and moves between SQLite and PostgreSQL. The rows are the
// database's own (column names, epoch-ms timestamps, JSON columns as JSON), so a round trip is lossless and an
// export of an import is byte-identical to the original apart from the header's timestamp.
//
// Format: line 1 is a header {"kind":"header","format":"tandem-export","version":1,...}; then one
// {"kind":"<table kind>","row":{...}} per row in dependency order; the last line is {"kind":"end","counts":{...}},
// which lets import tell a complete file from a truncated one.

import { sql } from "kysely";
import { z } from "zod";
import { redactPii, redactPiiDeep } from "../logging/redact.ts";
import type { DatabaseHandle } from "../db/database.ts";

export const EXPORT_FORMAT = "tandem-export";
export const EXPORT_VERSION = 1;

export type TransferErrorCode =
  | "DATABASE_NOT_EMPTY"
  | "IMPORT_INVALID"
  | "IMPORT_UNSUPPORTED_VERSION"
  | "IMPORT_TRUNCATED";

/** A coded failure of export or import (the CLI prints `CODE: message`). */
export class TransferError extends Error {
  override name = "TransferError";
  readonly code: TransferErrorCode;
  constructor(code: TransferErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const text = z.string();
const nullableText = z.string().nullable();
const ms = z.number().int().min(0);
const nullableMs = ms.nullable();
const jsonObject = z.record(z.string(), z.unknown());

/** One entry per exported table, in dependency order (a row only refers to rows of earlier tables). */
const TABLES = [
  {
    kind: "customer",
    table: "customers",
    keys: ["created_at", "id"],
    json: ["attributes"],
    row: z
      .object({
        id: text,
        external_id: nullableText,
        name: nullableText,
        email: nullableText,
        locale: nullableText,
        attributes: jsonObject,
        created_at: ms,
      })
      .strict(),
  },
  {
    kind: "user",
    table: "users",
    keys: ["created_at", "id"],
    json: ["skills", "languages", "business_hours"],
    row: z
      .object({
        id: text,
        email: text,
        password_hash: text.min(1),
        display_name: text,
        role: z.enum(["agent", "supervisor", "admin"]),
        tier: z.number().int().min(1).max(3),
        skills: z.array(text),
        languages: z.array(text),
        capacity: z.number().int().min(0),
        presence: z.enum(["online", "away", "offline"]),
        business_hours: z.unknown().nullable(),
        last_assigned_at: nullableMs,
        created_at: ms,
      })
      .strict(),
  },
  {
    kind: "conversation",
    table: "conversations",
    keys: ["created_at", "id"],
    json: ["reasons"],
    row: z
      .object({
        id: text,
        customer_id: text,
        channel: text,
        language: nullableText,
        status: z.enum(["ai", "waiting_human", "human", "resolved"]),
        assignee_id: nullableText,
        tier: z.number().int().min(1).max(3).nullable(),
        priority: z.number().int(),
        reasons: z.array(text),
        last_seq: z.number().int().min(0),
        version: z.number().int().min(1),
        ai_turns_unresolved: z.number().int().min(0),
        created_at: ms,
        updated_at: ms,
        queued_at: nullableMs,
        assigned_at: nullableMs,
        first_human_response_at: nullableMs,
        resolved_at: nullableMs,
        resolution_code: nullableText,
      })
      .strict(),
  },
  {
    kind: "message",
    table: "messages",
    keys: ["conversation_id", "seq"],
    json: ["triage", "meta"],
    row: z
      .object({
        id: text,
        conversation_id: text,
        seq: z.number().int().min(1),
        author: z.enum(["customer", "ai", "agent", "system"]),
        author_id: nullableText,
        author_name: nullableText,
        client_message_id: nullableText,
        idempotency_key: nullableText,
        text,
        internal: z.union([z.literal(0), z.literal(1)]),
        triage: z.unknown().nullable(),
        meta: z.unknown().nullable(),
        created_at: ms,
      })
      .strict(),
  },
  {
    kind: "event",
    table: "events",
    keys: ["id"],
    json: ["data"],
    row: z
      .object({
        id: z.number().int().min(1),
        conversation_id: text,
        type: text,
        actor_kind: text,
        actor_id: nullableText,
        data: jsonObject,
        created_at: ms,
      })
      .strict(),
  },
] as const;

type Kind = (typeof TABLES)[number]["kind"];
type Row = Record<string, unknown>;
export type Counts = Record<Kind, number>;

const headerSchema = z
  .object({
    kind: z.literal("header"),
    format: z.literal(EXPORT_FORMAT),
    version: z.number().int(),
    exportedAt: z.string(),
    sourceDialect: z.enum(["sqlite", "postgres"]),
    redacted: z.boolean(),
  })
  .strict();
const endSchema = z
  .object({ kind: z.literal("end"), counts: z.record(z.string(), z.number().int().min(0)) })
  .strict();

const emptyCounts = (): Counts => ({ customer: 0, user: 0, conversation: 0, message: 0, event: 0 });

// The export reads with raw SQL over table names from the list above: Kysely's typed builder does not help with
// a loop over tables, and keyset pagination keeps memory flat on large databases.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a loop over tables; import validates every row.
type AnyDb = any;

const PAGE = 1000;

/** Redacts the free text a customer wrote or is described by; staff accounts and identifiers stay as they are. */
function redactRow(kind: Kind, row: Row): Row {
  if (kind === "customer") {
    return {
      ...row,
      name: row.name == null ? null : redactPii(String(row.name)),
      email: row.email == null ? null : redactPii(String(row.email)),
      attributes: redactPiiDeep(row.attributes),
    };
  }
  if (kind === "message")
    return {
      ...row,
      text: redactPii(String(row.text)),
      triage: redactPiiDeep(row.triage),
      meta: redactPiiDeep(row.meta),
    };
  if (kind === "event") return { ...row, data: redactPiiDeep(row.data) };
  return row;
}

export interface ExportOptions {
  /** Mask emails, phone numbers and card numbers in customer data, message text and event data (REDACT_PII). */
  redactPii?: boolean;
  now?: () => Date;
}

/** Writes the whole database as JSON Lines through `write` (one call per line, newline included). */
export async function exportDatabase(
  handle: DatabaseHandle,
  write: (line: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<Counts> {
  const db = handle.db as AnyDb;
  const counts = emptyCounts();
  const header = {
    kind: "header",
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    sourceDialect: handle.dialect,
    redacted: Boolean(options.redactPii),
  };
  await write(`${JSON.stringify(header)}\n`);
  // One snapshot for the whole export on PostgreSQL, so rows written meanwhile cannot leave dangling references.
  const run = async (q: AnyDb) => {
    for (const t of TABLES) {
      const keys: readonly string[] = t.keys;
      const k1 = keys[0] as string;
      const k2 = keys[1];
      let last: unknown[] | null = null;
      for (;;) {
        let query = q.selectFrom(t.table).selectAll();
        if (last) {
          query = k2
            ? query.where((eb: AnyDb) =>
                eb.or([eb(k1, ">", last?.[0]), eb.and([eb(k1, "=", last?.[0]), eb(k2, ">", last?.[1])])]),
              )
            : query.where(k1, ">", last[0]);
        }
        query = query.orderBy(k1);
        if (k2) query = query.orderBy(k2);
        const rows: Row[] = await query.limit(PAGE).execute();
        for (const raw of rows) {
          let row: Row = { ...raw };
          for (const c of t.json)
            row[c] = typeof row[c] === "string" ? JSON.parse(row[c] as string) : (row[c] ?? null);
          if (t.kind === "event") row.id = Number(row.id);
          if (options.redactPii) row = redactRow(t.kind, row);
          await write(`${JSON.stringify({ kind: t.kind, row })}\n`);
          counts[t.kind]++;
        }
        if (rows.length < PAGE) break;
        const tail = rows[rows.length - 1] as Row;
        last = k2 ? [tail[k1], tail[k2]] : [tail[k1]];
      }
    }
  };
  if (handle.dialect === "postgres") {
    await db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute(run);
  } else {
    await db.transaction().execute(run);
  }
  await write(`${JSON.stringify({ kind: "end", counts })}\n`);
  return counts;
}

/** True when none of the exported tables has a row. */
export async function isEmptyDatabase(handle: DatabaseHandle): Promise<boolean> {
  const db = handle.db as AnyDb;
  for (const t of TABLES) {
    const any = await db.selectFrom(t.table).select(sql<number>`1`.as("x")).limit(1).execute();
    if (any.length > 0) return false;
  }
  return true;
}

/**
 * Loads an export into an empty database in one transaction: all of it or nothing. Refuses a non-empty database
 * (DATABASE_NOT_EMPTY), a file that is not a Tandem export or has a bad row (IMPORT_INVALID, with the line number),
 * another format version (IMPORT_UNSUPPORTED_VERSION) and a file without its end line (IMPORT_TRUNCATED).
 */
export async function importDatabase(handle: DatabaseHandle, lines: AsyncIterable<string>): Promise<Counts> {
  if (!(await isEmptyDatabase(handle))) {
    throw new TransferError(
      "DATABASE_NOT_EMPTY",
      "the target database already has data; import only into an empty database (run `tandem migrate` on a new one)",
    );
  }
  const db = handle.db as AnyDb;
  const counts = emptyCounts();
  const byKind = new Map<string, (typeof TABLES)[number]>(TABLES.map((t) => [t.kind, t]));
  const order: string[] = TABLES.map((t) => t.kind);

  await db.transaction().execute(async (trx: AnyDb) => {
    let lineNo = 0;
    let header = false;
    let ended: z.infer<typeof endSchema> | null = null;
    let rank = 0;
    const batch: { table: string; rows: Row[] } = { table: "", rows: [] };
    const flush = async () => {
      if (batch.rows.length === 0) return;
      try {
        await trx.insertInto(batch.table).values(batch.rows).execute();
      } catch (err) {
        // A row refers to one the file does not have, or repeats a key: the file is inconsistent.
        throw new TransferError(
          "IMPORT_INVALID",
          `${batch.table} before line ${lineNo + 1}: ${(err as Error).message}`,
        );
      }
      batch.rows = [];
    };
    const invalid = (message: string) => new TransferError("IMPORT_INVALID", `line ${lineNo}: ${message}`);

    for await (const line of lines) {
      lineNo++;
      if (line.trim() === "") continue;
      if (ended) throw invalid("content after the end line");
      let record: { kind?: unknown; row?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        throw invalid("not JSON");
      }
      if (!header) {
        const v = (record as { version?: unknown }).version;
        if ((record as { format?: unknown }).format === EXPORT_FORMAT && v !== EXPORT_VERSION) {
          throw new TransferError(
            "IMPORT_UNSUPPORTED_VERSION",
            `this is a version ${String(v)} export; this Tandem reads version ${EXPORT_VERSION}`,
          );
        }
        if (!headerSchema.safeParse(record).success)
          throw invalid("not a Tandem export (the first line must be its header)");
        header = true;
        continue;
      }
      if (record.kind === "end") {
        const end = endSchema.safeParse(record);
        if (!end.success) throw invalid("malformed end line");
        ended = end.data;
        continue;
      }
      const t = byKind.get(String(record.kind));
      if (!t) throw invalid(`unknown kind ${JSON.stringify(record.kind)}`);
      const r = order.indexOf(t.kind);
      if (r < rank) throw invalid(`${t.kind} rows must come before ${order[rank]} rows`);
      rank = r;
      const parsed = t.row.safeParse(record.row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalid(`${t.kind}: ${issue?.path.join(".") || "row"}: ${issue?.message}`);
      }
      const row: Row = { ...parsed.data };
      // JSON columns are text in both dialects; the nullable ones (business_hours, triage, meta) stay NULL.
      for (const c of t.json)
        row[c] = row[c] === null || row[c] === undefined ? null : JSON.stringify(row[c]);
      if (batch.table !== t.table) {
        await flush();
        batch.table = t.table;
      }
      batch.rows.push(row);
      counts[t.kind]++;
      if (batch.rows.length >= 500) await flush();
    }
    await flush();
    if (!header) throw new TransferError("IMPORT_INVALID", "the file is empty");
    if (!ended)
      throw new TransferError(
        "IMPORT_TRUNCATED",
        "the file ends before its end line: it is incomplete; nothing was imported",
      );
    for (const t of TABLES) {
      if ((ended.counts[t.kind] ?? 0) !== counts[t.kind]) {
        throw new TransferError(
          "IMPORT_TRUNCATED",
          `the end line promises ${ended.counts[t.kind] ?? 0} ${t.kind} rows, the file has ${counts[t.kind]}; nothing was imported`,
        );
      }
    }
    // Event ids were imported as they were; PostgreSQL's sequence must continue after them.
    if (handle.dialect === "postgres" && counts.event > 0) {
      await sql`SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))`.execute(
        trx,
      );
    }
  });
  return counts;
}
