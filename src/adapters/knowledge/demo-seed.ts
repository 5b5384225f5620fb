// Seeds the demo shop's knowledge base (demo/kb) so `npm start` shows answers and citations at once.

import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { loadSource } from "./ingest/load.ts";
import type { IngestReport, KnowledgeBase } from "./knowledge-base.ts";

export const DEMO_KB_DIR = resolve(import.meta.dirname, "../../../demo/kb");
export const DEMO_ACTIONS_FILE = resolve(import.meta.dirname, "../../../demo/actions.yaml");

/** Catalogue columns worth answering from (the CSV's id and title columns name and title each product). */
const CATALOGUE_COLUMNS = ["category", "description", "price_eur", "materials", "care"];

/** Ingests every demo document; with `onlyIfEmpty`, does nothing when the knowledge base already has sources. */
export async function seedDemoKnowledge(
  kb: KnowledgeBase,
  options: { dir?: string; onlyIfEmpty?: boolean } = {},
): Promise<IngestReport[]> {
  if (options.onlyIfEmpty && (await kb.listSources()).length > 0) return [];
  const dir = options.dir ?? DEMO_KB_DIR;
  const reports: IngestReport[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.(md|pdf|csv)$/i.test(f))
    .sort()) {
    const parsed = await loadSource(
      resolve(dir, file),
      file.endsWith(".csv") ? { columns: CATALOGUE_COLUMNS, language: "en" } : { language: "en" },
    );
    reports.push(await kb.ingest(parsed, { language: "en" }));
  }
  return reports;
}
