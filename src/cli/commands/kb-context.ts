// Opens the database named by DATABASE_URL, migrates it and loads the knowledge base: shared by `kb` and `ask`.

import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../adapters/db/database.ts";
import { KnowledgeBase } from "../../adapters/knowledge/knowledge-base.ts";
import { embedderFromEnv } from "../../adapters/knowledge/openai-embedder.ts";
import { SqlKnowledgeStore } from "../../adapters/knowledge/sql-knowledge-store.ts";
import { wordVectorsFromEnv } from "../../adapters/knowledge/word-vectors-file.ts";

export const DEFAULT_DATABASE_URL = "sqlite:./data/tandem.db";

export interface KbContext {
  handle: DatabaseHandle;
  kb: KnowledgeBase;
  close(): Promise<void>;
}

export async function openKnowledgeBase(options: { load: boolean }): Promise<KbContext> {
  const url = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  // Configuration is checked before the database is touched: a half-configured endpoint is an error, not a guess.
  const embedder = embedderFromEnv(process.env);
  // Only retrieval uses the vectors; `kb add/list/delete` skip loading them.
  const wordVectors = options.load
    ? await wordVectorsFromEnv(process.env, (m) => process.stderr.write(`${m}\n`))
    : null;
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db), embedder, wordVectors });
  if (options.load) await kb.load();
  return { handle, kb, close: () => handle.close() };
}

/** Prints a coded error the way every tandem command does and sets a failing exit code. */
export function reportError(e: unknown): void {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`error${typeof code === "string" ? ` ${code}` : ""}: ${message}\n`);
  process.exitCode = 1;
}
