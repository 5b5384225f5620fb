// `npm run eval`: runs every evaluation section against ../shared/eval and writes bench/results/eval.md and
// eval.json. A section is one module; add it to `sections` or drop an optional module next to this file.
//
//   EVAL_DIR=/path/to/eval       where the public data sets live (default: ../shared/eval from the repo root)
//   EVAL_SECTIONS=intent,...     run only these sections (by name)

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { intentEval } from "./intent-eval.ts";
import type { EvalContext, EvalSection } from "./section.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");

/** Sections always present. */
const sections: EvalSection[] = [intentEval];

/** Sections owned by other parts of triage; included when their module exists (default export: a section or a list). */
const optionalModules = ["./sentiment-eval.ts", "./triage-eval.ts"];

function isSection(x: unknown): x is EvalSection {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as EvalSection).name === "string" &&
    typeof (x as EvalSection).run === "function"
  );
}

async function loadOptional(): Promise<EvalSection[]> {
  const found: EvalSection[] = [];
  for (const rel of optionalModules) {
    if (!existsSync(join(here, rel))) continue;
    const mod = (await import(rel)) as { default?: unknown };
    const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
    const valid = exported.filter(isSection);
    if (valid.length === 0) throw new Error(`${rel} must default-export an EvalSection or an array of them`);
    found.push(...valid);
  }
  return found;
}

async function main(): Promise<void> {
  const evalDir = resolve(repoRoot, process.env.EVAL_DIR ?? "../shared/eval");
  if (!existsSync(evalDir)) {
    process.stderr.write(`error EVAL_DIR_NOT_FOUND: ${evalDir} does not exist (set EVAL_DIR)\n`);
    process.exitCode = 1;
    return;
  }
  const only = process.env.EVAL_SECTIONS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const all = [...sections, ...(await loadOptional())];
  const chosen = only ? all.filter((s) => only.includes(s.name)) : all;
  if (chosen.length === 0) {
    process.stderr.write(
      `error EVAL_SECTIONS_EMPTY: none of ${only?.join(", ")} is one of ${all.map((s) => s.name).join(", ")}\n`,
    );
    process.exitCode = 1;
    return;
  }

  const ctx: EvalContext = { evalDir, repoRoot, log: (m) => process.stderr.write(`[eval] ${m}\n`) };
  const started = new Date();
  const results: { name: string; seconds: number; json: unknown; markdown: string }[] = [];
  for (const section of chosen) {
    const t0 = performance.now();
    ctx.log(`section ${section.name}`);
    // A full collection between sections (when node runs with --expose-gc, as `npm run eval` does): the garbage one
    // section leaves (three NLP.js models trained, 12k tweets scored) is not collected on the next section's time.
    (globalThis as { gc?: () => void }).gc?.();
    const r = await section.run(ctx);
    results.push({ name: section.name, seconds: (performance.now() - t0) / 1000, ...r });
  }

  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    platform: process.platform,
  };
  const markdown = [
    "# Tandem evaluation",
    "",
    `Run ${started.toISOString()} on ${machine.cpu} (${machine.cores} cores available, one used), Node ${machine.node}.`,
    "Data: the public sets in ../shared/eval (see its README); every figure is measured in this run, peers side by side.",
    "",
    ...results.map((r) => r.markdown),
  ].join("\n");
  const outDir = join(repoRoot, "bench", "results");
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "eval.md"), `${markdown}\n`);
  await writeFile(
    join(outDir, "eval.json"),
    `${JSON.stringify({ startedAt: started.toISOString(), machine, sections: Object.fromEntries(results.map((r) => [r.name, { seconds: r.seconds, ...(r.json as object) }])) }, null, 2)}\n`,
  );
  process.stdout.write(`${markdown}\n`);
  ctx.log(`wrote ${join("bench", "results", "eval.md")} and eval.json`);
}

await main();
