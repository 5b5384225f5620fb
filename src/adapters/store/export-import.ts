// Export and import of a whole Tandem database as JSON Lines, for backups and moves between SQLite and PostgreSQL:
// everything the product keeps (conversations and their log, accounts, sign-in tokens, the knowledge base, action
// and canned-response audits, escalation reviews, training examples, stored settings). The rows are the database's
// own (column names, epoch-ms timestamps, JSON columns as JSON), so a round trip is lossless and an export of an
// import is byte-identical to the original apart from the header's timestamp and source dialect.
//
// Format: line 1 is a header {"kind":"header","format":"tandem-export","version":2,...}; then one
// {"kind":"<table kind>","row":{...}} per row in dependency order; the last line is {"kind":"end","counts":{...}},
// which lets import tell a complete file from a truncated one.
//
// Versions: 1 held the core tables only (customers, users, conversations, messages, events); 2 adds the rest.
// Import still reads version 1 files: their rows are a subset of version 2's, with the same row shapes, so a
// version 1 backup restores what it holds (it has no tokens: customers' links from before such a move need new
// ones). Later versions are refused with IMPORT_UNSUPPORTED_VERSION.
//
// Tokens are exported as their SHA-256 hashes (all the database ever stores; a hash cannot be turned back into a
// token), so agents stay signed in and customers' conversation links keep working after a move. The file is still
// a credential-adjacent backup — it also holds password hashes — which is why the CLI writes it with mode 600.

import { type Expression, type SqlBool, sql } from "kysely";
import { z } from "zod";
import { VERDICTS } from "../../domain/analytics/review.ts";
import type { DatabaseHandle } from "../db/database.ts";
import { redactPii, redactPiiDeep } from "../logging/redact.ts";

export const EXPORT_FORMAT = "tandem-export";
export const EXPORT_VERSION = 2;
/** Format versions this Tandem imports. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];

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
const count = z.number().int().min(0);
const jsonObject = z.record(z.string(), z.unknown());
const textArray = z.array(text);
const id = z.number().int().min(1);
/** Float32 little-endian vectors as base64 text (see migration 002). */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "not base64");

/** A column of a table's keyset order; text keys compare bytewise on both dialects (see `keyRef`). */
interface KeyColumn {
  column: string;
  text: boolean;
}
const numKey = (column: string): KeyColumn => ({ column, text: false });
const textKey = (column: string): KeyColumn => ({ column, text: true });

type Row = Record<string, unknown>;

/** How one table travels. */
interface TableSpec {
  /** The record kind in the file. */
  kind: string;
  table: string;
  /** Singular and plural nouns for summaries. */
  noun: readonly [string, string];
  /** A unique ordering: export pages through it, so every export of the same data is the same file. */
  keys: readonly KeyColumn[];
  /** Text columns holding JSON: written into the file as JSON, stored back as text. */
  json: readonly string[];
  row: z.ZodObject;
  /** A database-generated id column (bigserial on PostgreSQL) whose sequence must continue after imported ids. */
  serial?: string;
  /** The format version that introduced the table. */
  since: number;
  /** Rows of the table that are not exported: the values of `column` listed here (derived state, see below). */
  skip?: { column: string; values: readonly string[] };
  /** Masks PII in the columns where a customer's words or details can appear (--redact-pii). */
  redact?: (row: Row) => Row;
}

const redactText = (v: unknown): unknown => (typeof v === "string" ? redactPii(v) : v);

/**
 * The analytics rollup's watermark (WATERMARK_KEY in src/app/analytics-service.ts). The rollup tables are derived
 * and not exported (see EXCLUDED_TABLES); leaving the watermark behind makes the first refresh after an import
 * rebuild them from the whole imported event log, instead of only from events newer than the old database's mark.
 */
export const ROLLUP_WATERMARK_KEY = "rollup_watermark";

/** One entry per exported table, in dependency order (a row only refers to rows of earlier tables). */
const TABLES = [
  {
    kind: "customer",
    table: "customers",
    noun: ["customer", "customers"],
    keys: [numKey("created_at"), textKey("id")],
    json: ["attributes"],
    since: 1,
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
    redact: (row: Row) => ({
      ...row,
      name: redactText(row.name),
      email: redactText(row.email),
      attributes: redactPiiDeep(row.attributes),
    }),
  },
  {
    kind: "user",
    table: "users",
    noun: ["user", "users"],
    keys: [numKey("created_at"), textKey("id")],
    json: ["skills", "languages", "business_hours"],
    since: 1,
    // Staff accounts are not redacted: a redacted export must still be importable and usable.
    row: z
      .object({
        id: text,
        email: text,
        password_hash: text.min(1),
        display_name: text,
        role: z.enum(["agent", "supervisor", "admin"]),
        tier: z.number().int().min(1).max(3),
        skills: textArray,
        languages: textArray,
        capacity: count,
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
    noun: ["conversation", "conversations"],
    keys: [numKey("created_at"), textKey("id")],
    json: ["reasons"],
    since: 1,
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
        // Added by migration 008; files written before it have none (imported as null).
        skill: nullableText.optional(),
        reasons: textArray,
        last_seq: count,
        version: z.number().int().min(1),
        ai_turns_unresolved: count,
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
    noun: ["message", "messages"],
    keys: [textKey("conversation_id"), numKey("seq")],
    json: ["triage", "meta"],
    since: 1,
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
    redact: (row: Row) => ({
      ...row,
      text: redactText(row.text),
      triage: redactPiiDeep(row.triage),
      meta: redactPiiDeep(row.meta),
    }),
  },
  {
    kind: "event",
    table: "events",
    noun: ["event", "events"],
    keys: [numKey("id")],
    json: ["data"],
    serial: "id",
    since: 1,
    row: z
      .object({
        id,
        conversation_id: text,
        type: text,
        actor_kind: text,
        actor_id: nullableText,
        data: jsonObject,
        created_at: ms,
      })
      .strict(),
    redact: (row: Row) => ({ ...row, data: redactPiiDeep(row.data) }),
  },
  {
    // Hashes only (see the header comment); subject_id is a user or conversation id, without a foreign key.
    kind: "token",
    table: "tokens",
    noun: ["token", "tokens"],
    keys: [numKey("created_at"), textKey("hash")],
    json: [],
    since: 2,
    row: z
      .object({
        hash: text.min(1),
        kind: z.enum(["agent", "conversation"]),
        subject_id: text,
        expires_at: ms,
        revoked_at: nullableMs,
        created_at: ms,
      })
      .strict(),
  },
  {
    // The knowledge base is company content, not customers' words: never redacted.
    kind: "kb_source",
    table: "kb_sources",
    noun: ["knowledge source", "knowledge sources"],
    keys: [numKey("created_at"), textKey("id")],
    json: ["options"],
    since: 2,
    row: z
      .object({
        id: text,
        kind: text,
        name: text,
        location: text,
        options: jsonObject,
        document_count: count,
        chunk_count: count,
        created_at: ms,
        updated_at: ms,
      })
      .strict(),
  },
  {
    kind: "kb_document",
    table: "kb_documents",
    noun: ["knowledge document", "knowledge documents"],
    keys: [textKey("source_id"), textKey("document_id")],
    json: [],
    since: 2,
    row: z
      .object({
        source_id: text,
        document_id: text,
        title: text,
        url: nullableText,
        language: text,
        chunk_count: count,
      })
      .strict(),
  },
  {
    kind: "kb_chunk",
    table: "kb_chunks",
    noun: ["knowledge chunk", "knowledge chunks"],
    keys: [textKey("id")],
    json: [],
    since: 2,
    row: z
      .object({
        id: text,
        source_id: text,
        document_id: text,
        ordinal: count,
        title: text,
        heading: text,
        location: text,
        url: nullableText,
        text,
        hash: text,
        language: text,
        embedding: base64.nullable(),
      })
      .strict(),
  },
  {
    // Parameters are what the customer gave the AI (an order number, an email): redacted with the error text.
    kind: "action_audit",
    table: "action_audit",
    noun: ["action audit entry", "action audit entries"],
    keys: [numKey("id")],
    json: ["params"],
    serial: "id",
    since: 2,
    row: z
      .object({
        id,
        conversation_id: nullableText,
        customer_id: text,
        action: text,
        params: jsonObject,
        outcome: z.enum(["succeeded", "failed", "refused"]),
        http_status: z.number().int().nullable(),
        duration_ms: count,
        error: nullableText,
        created_at: ms,
      })
      .strict(),
    redact: (row: Row) => ({ ...row, params: redactPiiDeep(row.params), error: redactText(row.error) }),
  },
  {
    kind: "escalation_review",
    table: "escalation_reviews",
    noun: ["escalation review", "escalation reviews"],
    keys: [numKey("event_id")],
    json: ["reasons"],
    since: 2,
    row: z
      .object({
        event_id: id,
        conversation_id: text,
        verdict: z.enum(VERDICTS),
        note: nullableText,
        corrected_intent: nullableText,
        reviewer_id: text,
        escalated_at: ms,
        intent: text,
        tier: z.number().int().nullable(),
        reasons: textArray,
        reviewed_at: ms,
      })
      .strict(),
    // A reviewer's note may quote the customer.
    redact: (row: Row) => ({ ...row, note: redactText(row.note) }),
  },
  {
    kind: "training_example",
    table: "training_examples",
    noun: ["training example", "training examples"],
    keys: [numKey("created_at"), textKey("id")],
    json: [],
    since: 2,
    row: z
      .object({
        id: text,
        text,
        label: text.min(1),
        source: text.min(1),
        conversation_id: nullableText,
        message_seq: z.number().int().min(1).nullable(),
        created_by: nullableText,
        created_at: ms,
      })
      .strict(),
    // The example is a customer's message.
    redact: (row: Row) => ({ ...row, text: redactText(row.text) }),
  },
  {
    // Stored settings and cross-node claims: the activated intent model (a path: the model files themselves
    // are not in the database and must be copied alongside) and the weekly digests already sent, so a move does
    // not send one twice. The rollup watermark is derived state and stays behind.
    kind: "stored_setting",
    table: "analytics_state",
    noun: ["stored setting", "stored settings"],
    keys: [textKey("key")],
    json: [],
    since: 2,
    skip: { column: "key", values: [ROLLUP_WATERMARK_KEY] },
    row: z.object({ key: text.min(1), value: text }).strict(),
  },
  {
    // Canned responses are the company's own wording: not redacted.
    kind: "canned_response",
    table: "canned_responses",
    noun: ["canned response", "canned responses"],
    keys: [textKey("id")],
    json: ["intents", "reasons", "keywords"],
    since: 2,
    row: z
      .object({
        id: text,
        shortcut: text.min(1),
        title: text,
        text,
        intents: textArray,
        reasons: textArray,
        keywords: textArray,
        language: nullableText,
        updated_at: ms,
        updated_by: nullableText,
      })
      .strict(),
  },
  {
    // The audit outlives deleted responses (response_id has no foreign key): it comes across whole.
    kind: "canned_audit",
    table: "canned_response_audit",
    noun: ["canned response audit entry", "canned response audit entries"],
    keys: [numKey("id")],
    json: ["snapshot"],
    serial: "id",
    since: 2,
    row: z
      .object({
        id,
        response_id: text,
        action: z.enum(["seed", "create", "update", "delete"]),
        actor_id: nullableText,
        snapshot: jsonObject,
        at: ms,
      })
      .strict(),
  },
] as const satisfies readonly TableSpec[];

/**
 * Tables of the migrated schema that are deliberately not exported, with the reason. The guard test fails on any
 * table that is neither here nor in the export, so a new migration cannot be forgotten.
 */
export const EXCLUDED_TABLES: Readonly<Record<string, string>> = {
  agent_presence:
    "runtime state: which agents hold a live socket right now; rebuilt as agents connect to the new database",
  analytics_facts:
    "derived: recomputed from conversations, messages and events by the analytics refresh (the watermark is not exported, so the first refresh rebuilds everything)",
  analytics_hourly: "derived: the per-hour, per-intent rollup of analytics_facts, rebuilt with them",
  analytics_hourly_all: "derived: the per-hour rollup over all intents, rebuilt with analytics_facts",
  analytics_daily_utc: "derived: the per-UTC-day, per-intent rollup, rebuilt with analytics_facts",
  analytics_sla: "derived: SLA outcomes of escalated conversations, rebuilt with analytics_facts",
  sla_notices:
    "bookkeeping: which SLA warnings the cluster already announced; only notices falling due from now on are checked",
  analytics_reasons: "derived: escalation reasons per conversation, rebuilt with analytics_facts",
  analytics_segments: "derived: agent handling segments, rebuilt with analytics_facts",
  kysely_migration: "the migrator's own bookkeeping: the target database is migrated before import",
  kysely_migration_lock: "the migrator's own bookkeeping: the target database is migrated before import",
};

export type Kind = (typeof TABLES)[number]["kind"];
export type Counts = Record<Kind, number>;

/** The tables the export carries, in file order. */
export const EXPORTED_TABLES: readonly string[] = TABLES.map((t) => t.table);

const SPECS: readonly TableSpec[] = TABLES;

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

const emptyCounts = (): Counts => Object.fromEntries(SPECS.map((t) => [t.kind, 0])) as Counts;

/** "5 customers, 1 user, 12 knowledge chunks": the non-zero counts in file order ("nothing" when all are zero). */
export function describeCounts(counts: Partial<Record<string, number>>): string {
  const parts = SPECS.filter((t) => (counts[t.kind] ?? 0) > 0).map(
    (t) => `${counts[t.kind]} ${counts[t.kind] === 1 ? t.noun[0] : t.noun[1]}`,
  );
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

// The export reads with Kysely's builder over table names from the list above: its typed schema does not help with
// a loop over tables, and keyset pagination keeps memory flat on large databases.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a loop over tables; import validates every row.
type AnyDb = any;

const PAGE = 1000;

export interface ExportOptions {
  /** Mask emails, phone numbers and card numbers where customers' words and details are kept (REDACT_PII). */
  redactPii?: boolean;
  now?: () => Date;
}

/**
 * A key column as the ordering sees it. PostgreSQL compares text by the database's collation (en_US and friends
 * ignore case and punctuation at first), SQLite bytewise: `COLLATE "C"` makes both bytewise, so the same data
 * exports in the same order from either.
 */
function keyRef(dialect: DatabaseHandle["dialect"], k: KeyColumn): Expression<unknown> {
  return dialect === "postgres" && k.text ? sql`${sql.ref(k.column)} COLLATE "C"` : sql.ref(k.column);
}

/** Rows after `last` in the keyset order: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... */
function after(eb: AnyDb, refs: Expression<unknown>[], last: unknown[]): Expression<SqlBool> {
  return eb.or(
    refs.map((ref, i) =>
      eb.and([...refs.slice(0, i).map((r, j) => eb(r, "=", last[j])), eb(ref, ">", last[i])]),
    ),
  );
}

/** The rows of a table that travel: all of them but the `skip`ped ones. */
function scoped(query: AnyDb, t: TableSpec): AnyDb {
  return t.skip ? query.where(t.skip.column, "not in", t.skip.values) : query;
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
    for (const t of SPECS) {
      const refs = t.keys.map((k) => keyRef(handle.dialect, k));
      let last: unknown[] | null = null;
      for (;;) {
        let query = scoped(q.selectFrom(t.table).selectAll(), t);
        if (last) {
          const from = last;
          query = query.where((eb: AnyDb) => after(eb, refs, from));
        }
        for (const ref of refs) query = query.orderBy(ref);
        const rows: Row[] = await query.limit(PAGE).execute();
        for (const raw of rows) {
          let row: Row = { ...raw };
          for (const c of t.json)
            row[c] = typeof row[c] === "string" ? JSON.parse(row[c] as string) : (row[c] ?? null);
          if (t.serial) row[t.serial] = Number(row[t.serial]);
          if (options.redactPii && t.redact) row = t.redact(row);
          await write(`${JSON.stringify({ kind: t.kind, row })}\n`);
          counts[t.kind as Kind]++;
        }
        if (rows.length < PAGE) break;
        const tail = rows[rows.length - 1] as Row;
        last = t.keys.map((k) => tail[k.column]);
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

/** True when none of the exported tables has a row (derived and runtime tables do not count). */
export async function isEmptyDatabase(handle: DatabaseHandle): Promise<boolean> {
  const db = handle.db as AnyDb;
  for (const t of SPECS) {
    const any = await scoped(db.selectFrom(t.table).select(sql<number>`1`.as("x")), t)
      .limit(1)
      .execute();
    if (any.length > 0) return false;
  }
  return true;
}

/**
 * Loads an export into an empty database in one transaction: all of it or nothing. Refuses a non-empty database
 * (DATABASE_NOT_EMPTY), a file that is not a Tandem export or has a bad row (IMPORT_INVALID, with the line number),
 * a format version it cannot read (IMPORT_UNSUPPORTED_VERSION) and a file without its end line (IMPORT_TRUNCATED).
 */
export async function importDatabase(handle: DatabaseHandle, lines: AsyncIterable<string>): Promise<Counts> {
  if (!(await isEmptyDatabase(handle))) {
    throw new TransferError(
      "DATABASE_NOT_EMPTY",
      "the target database already has data; import only into an empty database (run `tandem migrate` on a new one, and import before starting a server on it: a server seeds canned responses at start)",
    );
  }
  const db = handle.db as AnyDb;
  const counts = emptyCounts();
  const byKind = new Map<string, TableSpec>(SPECS.map((t) => [t.kind, t]));
  const order: string[] = SPECS.map((t) => t.kind);

  await db.transaction().execute(async (trx: AnyDb) => {
    let lineNo = 0;
    let version: number | null = null;
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
      if (version === null) {
        const v = (record as { version?: unknown }).version;
        if (
          (record as { format?: unknown }).format === EXPORT_FORMAT &&
          !READABLE_VERSIONS.includes(v as number)
        ) {
          throw new TransferError(
            "IMPORT_UNSUPPORTED_VERSION",
            `this is a version ${String(v)} export; this Tandem reads versions ${READABLE_VERSIONS.join(" and ")} (import it with the Tandem release that wrote it, or a newer one)`,
          );
        }
        const header = headerSchema.safeParse(record);
        if (!header.success) throw invalid("not a Tandem export (the first line must be its header)");
        version = header.data.version;
        continue;
      }
      if (record.kind === "end") {
        const end = endSchema.safeParse(record);
        if (!end.success) throw invalid("malformed end line");
        ended = end.data;
        continue;
      }
      const t = byKind.get(String(record.kind));
      if (!t || t.since > version)
        throw invalid(`unknown kind ${JSON.stringify(record.kind)} for a version ${version} export`);
      const r = order.indexOf(t.kind);
      if (r < rank) throw invalid(`${t.kind} rows must come before ${order[rank]} rows`);
      rank = r;
      const parsed = t.row.safeParse(record.row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw invalid(`${t.kind}: ${issue?.path.join(".") || "row"}: ${issue?.message}`);
      }
      const row: Row = { ...parsed.data };
      if (t.skip && t.skip.values.includes(String(row[t.skip.column])))
        throw invalid(`${t.kind}: ${String(row[t.skip.column])} is derived state and never exported`);
      // JSON columns are text in both dialects; the nullable ones (business_hours, triage, meta) stay NULL.
      for (const c of t.json)
        row[c] = row[c] === null || row[c] === undefined ? null : JSON.stringify(row[c]);
      if (batch.table !== t.table) {
        await flush();
        batch.table = t.table;
      }
      batch.rows.push(row);
      counts[t.kind as Kind]++;
      if (batch.rows.length >= 500) await flush();
    }
    await flush();
    if (version === null) throw new TransferError("IMPORT_INVALID", "the file is empty");
    if (!ended)
      throw new TransferError(
        "IMPORT_TRUNCATED",
        "the file ends before its end line: it is incomplete; nothing was imported",
      );
    for (const t of SPECS) {
      const promised = ended.counts[t.kind] ?? 0;
      if (promised !== counts[t.kind as Kind]) {
        throw new TransferError(
          "IMPORT_TRUNCATED",
          `the end line promises ${promised} ${t.kind} rows, the file has ${counts[t.kind as Kind]}; nothing was imported`,
        );
      }
    }
    // Generated ids were imported as they were; PostgreSQL's sequences must continue after them (SQLite's
    // AUTOINCREMENT follows the largest id inserted by itself).
    if (handle.dialect === "postgres") {
      for (const t of SPECS) {
        if (!t.serial || counts[t.kind as Kind] === 0) continue;
        await sql`SELECT setval(pg_get_serial_sequence(${t.table}, ${t.serial}), (SELECT max(${sql.ref(t.serial)}) FROM ${sql.table(t.table)}))`.execute(
          trx,
        );
      }
    }
    // A watermark left by a server that ran on the empty database would make the analytics refresh skip the
    // imported history: without it, the first refresh rebuilds the rollup from the whole event log.
    await trx.deleteFrom("analytics_state").where("key", "=", ROLLUP_WATERMARK_KEY).execute();
  });
  return counts;
}
