// Opens the database named by DATABASE_URL, migrates it and loads the knowledge base: shared by `kb` and `ask`.

import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../adapters/db/database.ts";
import { KnowledgeBase } from "../../adapters/knowledge/knowledge-base.ts";
import { embedderFromEnv } from "../../adapters/knowledge/openai-embedder.ts";
import { SqlKnowledgeStore } from "../../adapters/knowledge/sql-knowledge-store.ts";
import { loadSynonymsFile } from "../../adapters/knowledge/synonyms-file.ts";
import { useCustomSynonyms } from "../../domain/knowledge/analyzer.ts";
import { wordVectorsFromEnv } from "../../adapters/knowledge/word-vectors-file.ts";
import {
  databaseFileState,
  databaseUrlFromEnv,
  requireExistingDatabase,
  sqliteFile,
} from "../database-file.ts";

export interface KbContext {
  handle: DatabaseHandle;
  kb: KnowledgeBase;
  close(): Promise<void>;
}

export interface OpenKnowledgeBaseOptions {
  /** Build the in-memory retrieval index (and load word vectors): only retrieval needs it. */
  load: boolean;
  /**
   * Whether a missing SQLite file may be created. Commands that only read or delete what is there (`ask`, `kb list`,
   * `kb delete`) pass false and get DATABASE_NOT_FOUND instead of answering from a new, empty database.
   */
  create: boolean;
}

export async function openKnowledgeBase(options: OpenKnowledgeBaseOptions): Promise<KbContext> {
  // Configuration is checked before the database is touched: a half-configured endpoint is an error, not a guess.
  const url = databaseUrlFromEnv(process.env);
  const embedder = embedderFromEnv(process.env);
  if (!options.create) requireExistingDatabase(url, process.env);
  else if (databaseFileState(url) === "missing")
    process.stderr.write(`tandem: creating a new database at ${sqliteFile(url)}\n`);
  // Only retrieval uses the vectors; `kb add/list/delete` skip loading them.
  const wordVectors = options.load
    ? await wordVectorsFromEnv(process.env, (m) => process.stderr.write(`${m}\n`))
    : null;
  const synonymsFile = process.env.KNOWLEDGE_SYNONYMS_FILE;
  if (synonymsFile) useCustomSynonyms(await loadSynonymsFile(synonymsFile));
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle);
    const kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db), embedder, wordVectors });
    if (options.load) await kb.load();
    return { handle, kb, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A coded error as every `kb` and `ask` failure is printed: `error CODE: message`, `prefix` before the message. */
export function errorLine(e: unknown, prefix = ""): string {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return `error${typeof code === "string" ? ` ${code}` : ""}: ${prefix}${message}`;
}

/** Prints a coded error the way every tandem command does and sets a failing exit code. */
export function reportError(e: unknown): void {
  process.stderr.write(`${errorLine(e)}\n`);
  process.exitCode = 1;
}
