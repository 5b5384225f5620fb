// Reads an operator's labelled examples for `tandem train`: a CSV with a `text,label` header, a JSONL file of
// { "text", "label" } objects, or a directory of such files, with errors that point at the offending line.

import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { CsvError, parse } from "csv-parse/sync";
import { z } from "zod";
import type { LabelledExample } from "../../domain/triage/intent/index.ts";

export type TrainingDataErrorCode =
  | "DATA_NOT_FOUND"
  | "DATA_FORMAT_UNSUPPORTED"
  | "DATA_INVALID"
  | "DATA_EMPTY";

export class TrainingDataError extends Error {
  readonly code: TrainingDataErrorCode;

  constructor(code: TrainingDataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TrainingDataError";
    this.code = code;
  }
}

export interface TrainingData {
  examples: LabelledExample[];
  /** Files read, in the order their examples appear. */
  files: string[];
}

/** Larger files are almost certainly a mistake (a dump, not labelled examples) and would exhaust memory. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const EXTENSIONS = new Set([".csv", ".jsonl", ".ndjson"]);

const exampleSchema = z.object({ text: z.string(), label: z.string() }).loose();

function checkExample(text: string, label: string, where: string): LabelledExample {
  if (text.trim().length === 0) throw new TrainingDataError("DATA_INVALID", `${where}: text is empty`);
  const l = label.trim();
  if (l.length === 0) throw new TrainingDataError("DATA_INVALID", `${where}: label is empty`);
  return { text, label: l };
}

function parseJsonl(content: string, file: string): LabelledExample[] {
  const out: LabelledExample[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line.length === 0) continue;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new TrainingDataError("DATA_INVALID", `${where}: not valid JSON (${(err as Error).message})`, {
        cause: err,
      });
    }
    const parsed = exampleSchema.safeParse(value);
    if (!parsed.success) {
      throw new TrainingDataError(
        "DATA_INVALID",
        `${where}: expected an object with string fields "text" and "label"`,
      );
    }
    out.push(checkExample(parsed.data.text, parsed.data.label, where));
  }
  return out;
}

function parseCsv(content: string, file: string): LabelledExample[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(content, {
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        if (!names.includes("text") || !names.includes("label")) {
          throw new TrainingDataError(
            "DATA_INVALID",
            `${file}:1: the header must name columns "text" and "label", found "${header.join(",")}"`,
          );
        }
        return names;
      },
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof TrainingDataError) throw err;
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new TrainingDataError("DATA_INVALID", `${file}${line ? `:${line}` : ""}: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
  return records.map(({ record, info }) =>
    checkExample(record.text ?? "", record.label ?? "", `${file}:${info.lines}`),
  );
}

async function readOne(file: string): Promise<LabelledExample[]> {
  const ext = extname(file).toLowerCase();
  if (!EXTENSIONS.has(ext)) {
    throw new TrainingDataError(
      "DATA_FORMAT_UNSUPPORTED",
      `${file}: expected a .csv, .jsonl or .ndjson file`,
    );
  }
  const info = await stat(file);
  if (info.size > MAX_FILE_BYTES) {
    throw new TrainingDataError(
      "DATA_INVALID",
      `${file} is ${info.size} bytes; training files are limited to ${MAX_FILE_BYTES}`,
    );
  }
  const buffer = await readFile(file);
  if (buffer.includes(0))
    throw new TrainingDataError("DATA_INVALID", `${file} contains NUL bytes: it is not a text file`);
  const content = new TextDecoder("utf-8", { fatal: false }).decode(buffer);
  return ext === ".csv" ? parseCsv(content, file) : parseJsonl(content, file);
}

/**
 * Reads `path`: one file, or every .csv/.jsonl/.ndjson file directly inside a directory (sorted by name).
 * Throws TrainingDataError with DATA_NOT_FOUND, DATA_FORMAT_UNSUPPORTED, DATA_INVALID (file:line) or DATA_EMPTY.
 */
export async function readTrainingData(path: string): Promise<TrainingData> {
  const where = resolve(path);
  const info = await stat(where).catch(() => null);
  if (info === null) throw new TrainingDataError("DATA_NOT_FOUND", `training data ${where} does not exist`);
  let files: string[];
  if (info.isDirectory()) {
    const names = (await readdir(where)).filter((n) => EXTENSIONS.has(extname(n).toLowerCase())).sort();
    if (names.length === 0)
      throw new TrainingDataError("DATA_EMPTY", `${where} holds no .csv, .jsonl or .ndjson files`);
    files = names.map((n) => join(where, n));
  } else {
    files = [where];
  }
  const examples: LabelledExample[] = [];
  for (const file of files) {
    for (const e of await readOne(file)) examples.push(e);
  }
  if (examples.length === 0) throw new TrainingDataError("DATA_EMPTY", `${where} contains no examples`);
  return { examples, files };
}
