// Opens the configured database (embedded SQLite by default, PostgreSQL for scale-out) behind one Kysely type.

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, type SqliteDatabase as SqliteDialectDatabase, SqliteDialect } from "kysely";
import { Migrator } from "kysely/migration";
import pg from "pg";
import { migrationsFor } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export type DialectName = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /**
   * PostgreSQL only: the pool under Kysely, for the few hot statements sent as named prepared statements (Kysely
   * sends every statement unnamed, and planning was over half of PostgreSQL's time per message).
   */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite `synchronous` pragma. NORMAL (default) survives process crashes; FULL also survives power loss. */
  sqliteSynchronous?: "normal" | "full";
  poolSize?: number;
}

/**
 * Kysely's SQLite driver prepares every query from scratch; preparing was a fifth of the server's CPU per message
 * (bench/results/foundation-profile.md). Kysely emits parameterised SQL, so a small cache by SQL text serves
 * almost every query. Safe because statements are only run with all()/run(): nothing here uses Kysely's stream(),
 * which would iterate a statement while another query reused it.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql); // re-insert: Map order is then least recently used first
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

export function dialectOf(url: string): DialectName {
  if (url.startsWith("sqlite:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgres";
  throw new Error(`unsupported DATABASE_URL scheme: ${url.split(":")[0]}`);
}

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  const dialect = dialectOf(url);
  if (dialect === "sqlite") {
    const path = url.slice("sqlite:".length);
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? "normal"}`);
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect, close: () => db.destroy() };
  }
  // int8 (epoch-ms timestamps, counts) as numbers: well inside 2^53 for any realistic value.
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === 20) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format as "text");
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: types as pg.CustomTypesConfig,
    connectionTimeoutMillis: 3000,
  });
  // A broken idle client must not crash the process; the next query reports the failure instead.
  pool.on("error", () => {});
  // The pool drops its own listener while a client is checked out: a server-side disconnect mid-transaction
  // (PostgreSQL restarting) must fail that query, not crash the process with an unhandled 'error' event.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect, pgPool: pool, close: () => db.destroy() };
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrationsFor(handle.dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Whether a write failed on a unique or primary-key constraint, on SQLite (better-sqlite3) or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
