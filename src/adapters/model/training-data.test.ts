import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTrainingData, TrainingDataError } from "./training-data.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tandem-data-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(root, name);
  await writeFile(p, content);
  return p;
}

async function failure(path: string): Promise<TrainingDataError> {
  try {
    await readTrainingData(path);
  } catch (err) {
    expect(err).toBeInstanceOf(TrainingDataError);
    return err as TrainingDataError;
  }
  throw new Error("expected readTrainingData to fail");
}

describe("readTrainingData", () => {
  it("reads a CSV with a text,label header, quoted commas and extra columns", async () => {
    const p = await file(
      "ok.csv",
      '\ufefftext,label,source\n"hello, there",greeting,web\nwhere is my order, order_status ,email\n',
    );
    expect((await readTrainingData(p)).examples).toEqual([
      { text: "hello, there", label: "greeting" },
      { text: "where is my order", label: "order_status" },
    ]);
  });

  it("reads JSONL and skips blank lines", async () => {
    const p = await file(
      "ok.jsonl",
      '{"text":"hi","label":"greeting"}\n\n{"text":"bye","label":"goodbye","extra":1}\n',
    );
    expect((await readTrainingData(p)).examples).toHaveLength(2);
  });

  it("reads every data file in a directory, in name order", async () => {
    const dir = join(root, "many");
    await mkdir(dir);
    await writeFile(join(dir, "b.jsonl"), '{"text":"bye","label":"goodbye"}\n');
    await writeFile(join(dir, "a.csv"), "text,label\nhi,greeting\n");
    await writeFile(join(dir, "notes.txt"), "ignored");
    const data = await readTrainingData(dir);
    expect(data.examples.map((e) => e.label)).toEqual(["greeting", "goodbye"]);
  });

  it("names the file and line of a bad JSONL line", async () => {
    const p = await file("bad.jsonl", '{"text":"hi","label":"greeting"}\n{"text":"oops"\n');
    const err = await failure(p);
    expect(err.code).toBe("DATA_INVALID");
    expect(err.message).toContain("bad.jsonl:2");
  });

  it("rejects a JSONL object without a string label", async () => {
    const err = await failure(await file("nolabel.jsonl", '{"text":"hi","label":3}\n'));
    expect(err.code).toBe("DATA_INVALID");
  });

  it("rejects a CSV without the text and label columns", async () => {
    const err = await failure(await file("header.csv", "utterance,intent\nhi,greeting\n"));
    expect(err.code).toBe("DATA_INVALID");
    expect(err.message).toMatch(/"text" and "label"/);
  });

  it("rejects a CSV row with the wrong number of fields, naming its line", async () => {
    const err = await failure(await file("ragged.csv", "text,label\nhi,greeting\nbye,goodbye,extra\n"));
    expect(err.code).toBe("DATA_INVALID");
    expect(err.message).toContain("ragged.csv:3");
  });

  it("rejects an empty label", async () => {
    const err = await failure(await file("empty-label.csv", "text,label\nhi,\n"));
    expect(err.message).toContain("label is empty");
  });

  it("rejects binary files, unknown extensions, empty files and missing paths with distinct codes", async () => {
    expect((await failure(await file("bin.csv", Buffer.from([0x74, 0, 0xff, 0x00])))).code).toBe(
      "DATA_INVALID",
    );
    expect((await failure(await file("data.xlsx", "x"))).code).toBe("DATA_FORMAT_UNSUPPORTED");
    expect((await failure(await file("empty.jsonl", "\n\n"))).code).toBe("DATA_EMPTY");
    expect((await failure(join(root, "missing.csv"))).code).toBe("DATA_NOT_FOUND");
  });
});
