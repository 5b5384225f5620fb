// Rows from a read-only SQL query against a configured database (SQLite file or PostgreSQL), as documents.

import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { type Row, rowsToSource } from "./rows.ts";
import { IngestError, type ParsedSource, type RowOptions } from "./types.ts";

export interface SqlSourceOptions extends RowOptions {
  /** A name for citations; defaults to the first table named in the query. */
  name?: string;
  maxRows?: number;
}

/** The database URL without its password, safe to store and show. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}

export async function querySqlRows(
  databaseUrl: string,
  query: string,
  options: SqlSourceOptions = {},
): Promise<ParsedSource> {
  const q = query.trim().replace(/;\s*$/, "");
  // Defence in depth: the connection is read-only as well, and only one statement can be prepared.
  if (!/^(select|with)\b/i.test(q))
    throw new IngestError(
      "KB_SQL_NOT_READ_ONLY",
      "the knowledge query must be a single SELECT (or WITH ... SELECT)",
    );
  const maxRows = options.maxRows ?? 50_000;
  let rows: Row[];
  if (databaseUrl.startsWith("sqlite:")) {
    const path = databaseUrl.slice("sqlite:".length);
    let db: SqliteDatabase.Database;
    try {
      db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new IngestError("KB_NOT_FOUND", `cannot open ${path} read-only: ${(e as Error).message}`);
    }
    try {
      const stmt = db.prepare(q);
      if (!stmt.reader || !stmt.readonly)
        throw new IngestError("KB_SQL_NOT_READ_ONLY", "the knowledge query must only read");
      rows = [];
      for (const r of stmt.iterate() as Iterable<Row>) {
        rows.push(r);
        if (rows.length >= maxRows) break;
      }
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError("KB_PARSE_FAILED", `query failed: ${(e as Error).message}`);
    } finally {
      db.close();
    }
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query("SET default_transaction_read_only = on");
      await client.query("BEGIN TRANSACTION READ ONLY");
      // A named statement uses the extended protocol, which refuses a second statement smuggled after a ';'.
      const res = await client.query<Row>({ name: "tandem_kb_source", text: q });
      rows = res.rows.slice(0, maxRows);
      await client.query("ROLLBACK");
    } catch (e) {
      throw new IngestError("KB_PARSE_FAILED", `query failed: ${(e as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  } else {
    throw new IngestError("KB_BAD_OPTIONS", "SQL sources need a sqlite: or postgres:// URL");
  }
  const table = /\bfrom\s+["`]?([\w.]+)/i.exec(q)?.[1] ?? "query";
  return rowsToSource(rows, "sql", options.name ?? table, `${redactUrl(databaseUrl)}#${q}`, options);
}
