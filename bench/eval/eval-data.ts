// Readers for the public evaluation sets. Evaluation-time only: nothing read here is copied into the repo or
// used to train a shipped model (see ../shared/eval/README.md).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { LabelledExample } from "../../src/domain/triage/intent/index.ts";

function readCsv(file: string, textColumn: string, labelColumn: string): LabelledExample[] {
  const rows = parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((r, i) => {
    const text = r[textColumn];
    const label = r[labelColumn];
    if (typeof text !== "string" || typeof label !== "string") {
      throw new Error(`${file}: row ${i + 2} lacks column ${textColumn} or ${labelColumn}`);
    }
    return { text, label };
  });
}

export interface Split {
  train: LabelledExample[];
  test: LabelledExample[];
}

/** Banking77: official train (10,003) and test (3,080) files. */
export function loadBanking77(evalDir: string): Split {
  const dir = join(evalDir, "banking77");
  return {
    train: readCsv(join(dir, "train.csv"), "text", "category"),
    test: readCsv(join(dir, "test.csv"), "text", "category"),
  };
}

/** Bitext intent_detection_8100: its official train (6,480) and test (810) files; the validation file is unused. */
export function loadBitext(evalDir: string): Split {
  const dir = join(evalDir, "bitext_customer_support", "intent_detection_8100");
  return {
    train: readCsv(join(dir, "Bitext_Sample_Customer_Service_Training_Dataset.csv"), "utterance", "intent"),
    test: readCsv(join(dir, "Bitext_Sample_Customer_Service_Testing_Dataset.csv"), "utterance", "intent"),
  };
}

/** Bitext intents whose messages a person must handle (the gold escalation set). */
export const BITEXT_GOLD_HUMAN = new Set(["complaint", "contact_human_agent"]);
