// Saves and loads an intent model directory (model.json + weights.bin), refusing anything missing, truncated,
// tampered with or from another format version with a coded error instead of a half-working model.
//
// Layout of a model directory:
//   model.json   { format, version, createdAt, model: <IntentModelMeta>, weights: { file, bytes, sha256 }, report? }
//   weights.bin  the little-endian blob described by IntentModelMeta (rows, idf, weights, bias)

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  deserialiseIntentModel,
  type HashedIntentModel,
  IntentError,
  serialiseIntentModel,
} from "../../domain/triage/intent/index.ts";

export type ModelFileErrorCode = "MODEL_NOT_FOUND" | "MODEL_CORRUPT" | "MODEL_WRITE_FAILED";

export class ModelFileError extends Error {
  readonly code: ModelFileErrorCode;

  constructor(code: ModelFileErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelFileError";
    this.code = code;
  }
}

export const MODEL_DIR_FORMAT = "tandem-model-dir";
export const MODEL_DIR_VERSION = 1;
const META_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";

/** The model shipped with Tandem, trained by `npm run train:starter` on models/starter-data only. */
export const STARTER_MODEL_DIR = fileURLToPath(new URL("../../../models/starter", import.meta.url));

const manifestSchema = z.object({
  format: z.literal(MODEL_DIR_FORMAT),
  version: z.number().int(),
  createdAt: z.string(),
  model: z.unknown(),
  weights: z.object({
    file: z.literal(WEIGHTS_FILE),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  report: z.unknown().optional(),
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Writes the model into `dir` (created if needed). The weights go first and model.json last, each via a
 * temporary file and a rename, so a crash mid-save never leaves a directory that loads as valid.
 */
export async function saveModel(dir: string, model: HashedIntentModel, report?: unknown): Promise<void> {
  const { meta, weights } = serialiseIntentModel(model);
  const manifest = {
    format: MODEL_DIR_FORMAT,
    version: MODEL_DIR_VERSION,
    createdAt: new Date().toISOString(),
    model: meta,
    weights: { file: WEIGHTS_FILE, bytes: weights.byteLength, sha256: sha256(weights) },
    ...(report === undefined ? {} : { report }),
  };
  try {
    await mkdir(dir, { recursive: true });
    const tmpWeights = join(dir, `.${WEIGHTS_FILE}.tmp`);
    const tmpMeta = join(dir, `.${META_FILE}.tmp`);
    await writeFile(tmpWeights, weights);
    await rename(tmpWeights, join(dir, WEIGHTS_FILE));
    await writeFile(tmpMeta, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmpMeta, join(dir, META_FILE));
  } catch (err) {
    throw new ModelFileError(
      "MODEL_WRITE_FAILED",
      `cannot write model to ${dir}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Loads a model directory; throws ModelFileError MODEL_NOT_FOUND or MODEL_CORRUPT with what is wrong. */
export async function loadModel(dir: string): Promise<HashedIntentModel> {
  const where = resolve(dir);
  const dirStat = await stat(where).catch(() => null);
  if (dirStat === null)
    throw new ModelFileError("MODEL_NOT_FOUND", `model directory ${where} does not exist`);
  if (!dirStat.isDirectory()) throw new ModelFileError("MODEL_NOT_FOUND", `${where} is not a directory`);

  const manifestText = await readFile(join(where, META_FILE), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") {
      throw new ModelFileError(
        "MODEL_NOT_FOUND",
        `${where} has no ${META_FILE}; is it a model trained with \`tandem train\`?`,
      );
    }
    throw new ModelFileError("MODEL_CORRUPT", `cannot read ${join(where, META_FILE)}: ${err.message}`, {
      cause: err,
    });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch (err) {
    throw new ModelFileError(
      "MODEL_CORRUPT",
      `${META_FILE} in ${where} is not valid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new ModelFileError(
      "MODEL_CORRUPT",
      `${META_FILE} in ${where} is not a Tandem model${path}: ${issue?.message ?? "invalid"}`,
    );
  }
  const manifest = parsed.data;
  if (manifest.version !== MODEL_DIR_VERSION) {
    throw new ModelFileError(
      "MODEL_CORRUPT",
      `${where} uses model directory version ${manifest.version}; this Tandem reads version ${MODEL_DIR_VERSION}. Retrain with \`tandem train\`.`,
    );
  }

  const weights = await readFile(join(where, WEIGHTS_FILE)).catch((err: NodeJS.ErrnoException) => {
    throw new ModelFileError("MODEL_CORRUPT", `cannot read ${join(where, WEIGHTS_FILE)}: ${err.message}`, {
      cause: err,
    });
  });
  if (weights.byteLength !== manifest.weights.bytes) {
    throw new ModelFileError(
      "MODEL_CORRUPT",
      `${WEIGHTS_FILE} in ${where} has ${weights.byteLength} bytes, ${META_FILE} says ${manifest.weights.bytes} (truncated or replaced?)`,
    );
  }
  if (sha256(weights) !== manifest.weights.sha256) {
    throw new ModelFileError(
      "MODEL_CORRUPT",
      `${WEIGHTS_FILE} in ${where} does not match its checksum in ${META_FILE}`,
    );
  }
  try {
    return deserialiseIntentModel(
      manifest.model,
      new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    );
  } catch (err) {
    if (err instanceof IntentError) {
      throw new ModelFileError("MODEL_CORRUPT", `model in ${where} is invalid: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}
