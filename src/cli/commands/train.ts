// `tandem train --data FILE --out DIR`: learns an intent model from an operator's labelled examples, saves it
// for `tandem triage --model DIR`, and prints how well it did on examples it did not train on.

import type { Command } from "commander";
import { createSqlAnalyticsStore } from "../../adapters/analytics/sql-analytics-store.ts";
import { migrateToLatest, openDatabase } from "../../adapters/db/database.ts";
import { saveModel } from "../../adapters/model/model-files.ts";
import { readTrainingData } from "../../adapters/model/training-data.ts";
import { type LabelledExample, type TrainReport, trainIntentModel } from "../../domain/triage/intent/index.ts";
import { wholeNumber } from "../options.ts";
import { databaseUrlFromEnv, requireExistingDatabase } from "../database-file.ts";

interface TrainCliOptions {
  data: string;
  out: string;
  folds: number;
  seed: number;
  hashBits?: number;
  epochs?: number;
  json?: boolean;
  fromDb?: boolean;
}

/** The operator's labelled examples (reviewed escalations, corrected intents) stored in DATABASE_URL. */
export async function operatorExamples(databaseUrl: string): Promise<LabelledExample[]> {
  // Reading examples from a mistyped path must not create an empty database and train on nothing from it.
  requireExistingDatabase(databaseUrl);
  const handle = openDatabase(databaseUrl);
  try {
    await migrateToLatest(handle);
    return (await createSqlAnalyticsStore(handle).listTrainingExamples(1_000_000)).map((e) => ({ text: e.text, label: e.label }));
  } finally {
    await handle.close();
  }
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function summary(report: TrainReport, out: string): string {
  return [
    `trained on ${report.examples} examples, ${report.labels} labels in ${(report.trainMillis / 1000).toFixed(1)} s`,
    `held-out accuracy ${pct(report.heldOutAccuracy)}, macro-F1 ${pct(report.heldOutMacroF1)} (${report.folds}-fold: each of ${report.heldOutSize} examples predicted by a model that did not train on it)`,
    `calibration: temperature ${report.temperature.toFixed(3)}, expected calibration error ${pct(report.heldOutEce.raw)} -> ${pct(report.heldOutEce.calibrated)}`,
    `out of scope below confidence ${report.thresholds.minConfidence.toFixed(3)}, margin ${report.thresholds.minMargin.toFixed(3)} or coverage ${report.thresholds.minCoverage.toFixed(3)}: flags ${pct(report.outOfScope.falseAlarmRate)} of correct and ${pct(report.outOfScope.catchRate)} of wrong held-out answers`,
    `saved to ${out} (final weights trained on all examples)`,
  ].join("\n");
}

export function registerTrainCommand(program: Command): void {
  program
    .command("train")
    .description("train an intent model from labelled examples (CSV with a text,label header, or JSONL)")
    .requiredOption("--data <path>", "a .csv/.jsonl file, or a directory of them")
    .requiredOption("--out <dir>", "model directory to write (created if missing)")
    .option(
      "--folds <k>",
      "cross-fitting folds for the held-out accuracy, calibration and out-of-scope thresholds",
      wholeNumber(2, 20),
      5,
    )
    .option(
      "--seed <n>",
      "seed for the folds and training order",
      wholeNumber(0, 2 ** 31 - 1),
      1,
    )
    .option(
      "--hash-bits <n>",
      "log2 of the feature hash size (smaller = smaller model)",
      wholeNumber(8, 22),
    )
    .option("--epochs <n>", "passes over the data", wholeNumber(1, 1000))
    .option("--json", "print the full training report as JSON")
    .option("--from-db", "also train on the operator's reviewed examples stored in DATABASE_URL (escalations marked unnecessary, corrected intents)")
    .action(async (opts: TrainCliOptions) => {
      try {
        const { examples: base } = await readTrainingData(opts.data);
        const stored = opts.fromDb ? await operatorExamples(databaseUrlFromEnv(process.env)) : [];
        if (opts.fromDb && !opts.json) process.stdout.write(`adding ${stored.length} operator examples from the database\n`);
        const examples = [...base, ...stored];
        const { model, report } = trainIntentModel(examples, {
          folds: opts.folds,
          seed: opts.seed,
          epochs: opts.epochs,
          features: { hashBits: opts.hashBits },
        });
        await saveModel(opts.out, model, report);
        process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : summary(report, opts.out)}\n`);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === "string" && err instanceof Error) {
          process.stderr.write(`error ${code}: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}
