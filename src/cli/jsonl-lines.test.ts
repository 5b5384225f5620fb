import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type JsonlLine, jsonlLines } from "./jsonl-lines.ts";

async function collect(chunks: (string | Buffer)[], max = 100): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const l of jsonlLines(Readable.from(chunks, { objectMode: false }), max)) out.push(l);
  return out;
}

describe("JSONL input lines", () => {
  it("ends lines only at a newline, so U+2028, U+2029 and a lone carriage return stay inside a line", async () => {
    const lines = await collect(['{"t":"a\u2028b"}\n{"t":"c\u2029d"}\r\n{"x":1,\r"y":2}\n']);
    expect(lines).toEqual([
      { text: '{"t":"a\u2028b"}' },
      { text: '{"t":"c\u2029d"}' },
      { text: '{"x":1,\r"y":2}' },
    ]);
  });

  it("joins lines and multi-byte characters split across chunks, and keeps a last line without a newline", async () => {
    const euro = Buffer.from("€");
    const lines = await collect([
      Buffer.from("ab"),
      Buffer.concat([Buffer.from("c "), euro.subarray(0, 1)]),
      Buffer.concat([euro.subarray(1), Buffer.from("\n\nlast")]),
    ]);
    expect(lines).toEqual([{ text: "abc €" }, { text: "" }, { text: "last" }]);
  });

  it("drops a byte-order mark at the start of the stream only", async () => {
    expect(await collect(["\ufeff{}\n\ufeff{}\n"])).toEqual([{ text: "{}" }, { text: "\ufeff{}" }]);
  });

  it("reports an overlong line by its length without keeping it, then goes on", async () => {
    const lines = await collect(["x".repeat(60), "y".repeat(60), "z\nok\n"], 100);
    expect(lines).toEqual([{ tooLong: 121 }, { text: "ok" }]);
  });
});
