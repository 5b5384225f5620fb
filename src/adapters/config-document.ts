// Reading an operator's small configuration file (routing rules, synonyms): one size cap, one way to name a missing
// file, JSON by extension and YAML otherwise, so every such file fails at start-up with the same kind of message.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";

export interface ConfigDocumentOptions {
  /** What the file is, for messages: "rules file", "synonyms file". */
  what: string;
  maxBytes: number;
  /** The loader's own coded error. */
  fail: (message: string) => Error;
}

/** The file's text; a missing, oversized or unreadable file fails with a message naming the path. */
export async function readConfigText(path: string, o: ConfigDocumentOptions): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : ((err as Error).message ?? String(err));
    throw o.fail(`cannot read ${o.what} ${path}: ${why}`);
  }
  if (buf.byteLength > o.maxBytes)
    throw o.fail(`${path}: ${buf.byteLength} bytes is too large for a ${o.what} (max ${o.maxBytes})`);
  return buf.toString("utf8");
}

/** The document in `text` (JSON when `source` ends in .json, else YAML), null when it holds none. */
export function parseConfigText(text: string, source: string, fail: (message: string) => Error): unknown {
  const json = extname(source).toLowerCase() === ".json";
  try {
    return json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const detail =
      err instanceof YAMLParseError || err instanceof SyntaxError ? err.message.split("\n")[0] : String(err);
    throw fail(`${source}: not valid ${json ? "JSON" : "YAML"}: ${detail}`);
  }
}
