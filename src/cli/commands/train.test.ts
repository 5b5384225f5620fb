import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../adapters/model/model-files.ts";
import { toyExamples } from "../../domain/triage/intent/toy-data.test-helper.ts";

const bin = resolve(import.meta.dirname, "../../../bin/tandem.js");
let root: string;

function tandem(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tandem-train-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("tandem train", () => {
  it("trains from a CSV, prints held-out accuracy and macro-F1, and saves a loadable model", async () => {
    const csv = join(root, "data.csv");
    await writeFile(
      csv,
      `text,label\n${toyExamples()
        .map((e) => `"${e.text}",${e.label}`)
        .join("\n")}\n`,
    );
    const out = join(root, "model");
    const r = tandem(
      "train",
      "--data",
      csv,
      "--out",
      out,
      "--folds",
      "4",
      "--seed",
      "5",
      "--hash-bits",
      "12",
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/held-out accuracy \d+\.\d+%, macro-F1 \d+\.\d+% \(4-fold: each of \d+ examples/);
    const model = await loadModel(out);
    expect(model.predict("where is my parcel").intent).toBe("order");
  });

  it("prints a coded error and exits non-zero for a bad data file", async () => {
    const bad = join(root, "bad.jsonl");
    await writeFile(bad, "not json\n");
    const r = tandem("train", "--data", bad, "--out", join(root, "never"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error DATA_INVALID: .*bad\.jsonl:1/);
  });

  it("refuses an out-of-range --folds before reading anything", () => {
    const r = tandem("train", "--data", "x.csv", "--out", join(root, "never"), "--folds", "1");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("option '--folds <k>' argument '1' is invalid. Expected a whole number from 2 to 20.");
  });
});
