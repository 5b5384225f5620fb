// Which database a CLI command talks to, and whether it may create one. Opening a SQLite path creates the file, so
// a mistyped DATABASE_URL would otherwise give `tandem ask` a fresh empty database that answers nothing, without
// a word. Commands that only read what is there refuse a missing file; commands that build a database (kb add,
// import, migrate, serve) may create one, and the knowledge-base ones say so on stderr.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { configSchema } from "../config.ts";

/** The database a command uses when DATABASE_URL is unset: the same default as the server's configuration. */
export const DEFAULT_DATABASE_URL = "sqlite:./data/tandem.db";

export type DatabaseFileErrorCode = "DATABASE_URL_INVALID" | "DATABASE_NOT_FOUND";

export class DatabaseFileError extends Error {
  readonly code: DatabaseFileErrorCode;

  constructor(code: DatabaseFileErrorCode, message: string) {
    super(message);
    this.name = "DatabaseFileError";
    this.code = code;
  }
}

/** DATABASE_URL from `env` (blank = the default), checked by the same rule the server's configuration uses. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  const parsed = configSchema.shape.DATABASE_URL.safeParse(raw);
  if (!parsed.success) {
    throw new DatabaseFileError(
      "DATABASE_URL_INVALID",
      `DATABASE_URL ${JSON.stringify(raw)} ${parsed.error.issues[0]?.message ?? "is invalid"}`,
    );
  }
  return parsed.data;
}

/**
 * The absolute path of the SQLite file `url` names, as better-sqlite3 would open it (relative to the working
 * directory); null for PostgreSQL and for an in-memory database, which have no file to go missing.
 */
export function sqliteFile(url: string): string | null {
  if (!url.startsWith("sqlite:")) return null;
  const path = url.slice("sqlite:".length);
  return path === ":memory:" ? null : resolve(path);
}

/** What is at the SQLite path `url` names: null for PostgreSQL and in-memory databases, which have no file. */
export function databaseFileState(url: string): "file" | "missing" | "not-a-file" | null {
  const file = sqliteFile(url);
  if (file === null) return null;
  try {
    return statSync(file).isFile() ? "file" : "not-a-file";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw err;
  }
}

/**
 * Throws DATABASE_NOT_FOUND, naming the file, unless the SQLite database `url` names already exists (or has no
 * file at all: PostgreSQL, `:memory:`). `env` only shapes the message: an unset DATABASE_URL means the default path
 * relative to the working directory, which is the usual way to miss it.
 */
export function requireExistingDatabase(url: string, env: NodeJS.ProcessEnv = process.env): void {
  const state = databaseFileState(url);
  if (state === null || state === "file") return;
  const named = env.DATABASE_URL?.trim()
    ? `DATABASE_URL names ${url}`
    : `DATABASE_URL is unset, so the default ${url} (relative to ${process.cwd()}) is used`;
  throw new DatabaseFileError(
    "DATABASE_NOT_FOUND",
    `${named}, but ${sqliteFile(url)} ${state === "missing" ? "does not exist" : "is not a file"}; this command only reads an existing database and will not create one. Fix the path, or create the database with \`tandem kb add\` or \`tandem migrate\``,
  );
}
