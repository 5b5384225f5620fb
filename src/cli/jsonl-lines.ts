// The input lines of a JSONL stream as its contract means them: one per "\n". readline also ends a line at U+2028,
// U+2029 and a lone "\r", which JSON strings may legally contain (chat text does), so one input would become
// several outputs and every later answer would sit on the wrong line. And a line is bounded while it is read: one
// past the limit is counted and skipped to its end, never buffered whole (a newline-free 600 MB stream must not
// take the process down).

import type { Readable } from "node:stream";

export type JsonlLine = { text: string } | { tooLong: number };

/** Lines of `input` (UTF-8), without their "\n" or "\r\n", a leading byte-order mark dropped; blank lines included. */
export async function* jsonlLines(input: Readable, maxChars: number): AsyncGenerator<JsonlLine> {
  input.setEncoding("utf8"); // a streaming decoder: characters split across chunks are joined, not mangled
  let parts: string[] = [];
  let length = 0;
  let tooLong = false;
  let first = true;
  const take = (piece: string) => {
    if (tooLong) {
      length += piece.length;
      return;
    }
    if (length + piece.length > maxChars) {
      tooLong = true;
      parts = [];
    } else parts.push(piece);
    length += piece.length;
  };
  const finish = (): JsonlLine => {
    let text = tooLong ? "" : parts.join("");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const line: JsonlLine = tooLong ? { tooLong: length } : { text };
    first = false;
    parts = [];
    length = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let from = 0;
    for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", from)) {
      take(chunk.slice(from, nl));
      yield finish();
      from = nl + 1;
    }
    if (from < chunk.length) take(chunk.slice(from));
  }
  if (length > 0 || tooLong) yield finish();
}
