import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainIntentModel } from "../../domain/triage/intent/index.ts";
import { toyExamples } from "../../domain/triage/intent/toy-data.test-helper.ts";
import { loadModel, ModelFileError, saveModel, STARTER_MODEL_DIR } from "./model-files.ts";

let root: string;
const { model } = trainIntentModel(toyExamples(), { folds: 5, seed: 2, features: { hashBits: 12 } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tandem-model-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    return (err as ModelFileError).code;
  }
  throw new Error("expected the promise to reject");
}

async function saved(name: string): Promise<string> {
  const dir = join(root, name);
  await saveModel(dir, model, { note: "test" });
  return dir;
}

describe("saveModel and loadModel", () => {
  it("round-trips a model that predicts identically", async () => {
    const loaded = await loadModel(await saved("ok"));
    for (const t of ["where is my order", "reset my pin", "hello", "gibberish qqq"])
      expect(loaded.predict(t)).toEqual(model.predict(t));
  });

  it("says MODEL_NOT_FOUND for a missing directory or one without model.json", async () => {
    expect(await codeOf(loadModel(join(root, "nope")))).toBe("MODEL_NOT_FOUND");
    const dir = await saved("no-meta");
    await rm(join(dir, "model.json"));
    expect(await codeOf(loadModel(dir))).toBe("MODEL_NOT_FOUND");
  });

  it("says MODEL_CORRUPT for invalid JSON, a foreign file or an unsupported version", async () => {
    const dir = await saved("bad-json");
    await writeFile(join(dir, "model.json"), "{ not json");
    expect(await codeOf(loadModel(dir))).toBe("MODEL_CORRUPT");
    await writeFile(join(dir, "model.json"), JSON.stringify({ hello: "world" }));
    expect(await codeOf(loadModel(dir))).toBe("MODEL_CORRUPT");

    const dir2 = await saved("version");
    const manifest = JSON.parse(await readFile(join(dir2, "model.json"), "utf8"));
    await writeFile(join(dir2, "model.json"), JSON.stringify({ ...manifest, version: 9 }));
    await expect(loadModel(dir2)).rejects.toThrow(/version 9/);
  });

  it("says MODEL_CORRUPT when the weights are truncated, altered or missing", async () => {
    const dir = await saved("weights");
    const bytes = await readFile(join(dir, "weights.bin"));
    await writeFile(join(dir, "weights.bin"), bytes.subarray(0, bytes.length - 8));
    await expect(loadModel(dir)).rejects.toThrow(/bytes/);
    const flipped = Buffer.from(bytes);
    flipped[10] = (flipped[10] as number) ^ 0xff;
    await writeFile(join(dir, "weights.bin"), flipped);
    await expect(loadModel(dir)).rejects.toThrow(/checksum/);
    await rm(join(dir, "weights.bin"));
    expect(await codeOf(loadModel(dir))).toBe("MODEL_CORRUPT");
  });

  it("says MODEL_CORRUPT when the description does not match the weights' shape", async () => {
    const dir = await saved("shape");
    const manifest = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
    manifest.model.labels = [...manifest.model.labels, "extra"];
    await writeFile(join(dir, "model.json"), JSON.stringify(manifest));
    expect(await codeOf(loadModel(dir))).toBe("MODEL_CORRUPT");
  });

  it("loads the shipped starter model with the catalogue's intents", async () => {
    const starter = await loadModel(STARTER_MODEL_DIR);
    expect(starter.labels).toContain("human_request");
    expect(starter.predict("I want to talk to a real person").intent).toBe("human_request");
  });

  it("reads an item that arrived damaged or wrong as a routine returns question, in words it was not taught", async () => {
    const starter = await loadModel(STARTER_MODEL_DIR);
    for (const text of [
      "the mirror arrived smashed",
      "the glass top of my table is cracked, it came like that",
      "my cushion arrived ripped",
    ])
      expect(starter.predict(text), text).toMatchObject({ intent: "refund_policy", outOfScope: false });
  });
});
