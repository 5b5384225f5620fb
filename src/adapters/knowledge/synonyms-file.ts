// Reads a team's synonyms file (YAML or JSON) so a bad file stops the server or CLI at start-up with a coded error
// instead of answering with half the vocabulary.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseSynonymFile, type SynonymGroups, SynonymsError } from "../../domain/knowledge/synonyms.ts";

/** A vocabulary of a few thousand groups is well under this; anything bigger is the wrong file. */
const MAX_BYTES = 1024 * 1024;

export async function loadSynonymsFile(path: string): Promise<SynonymGroups> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.byteLength > MAX_BYTES)
      throw new SynonymsError(
        `${path}: ${buf.byteLength} bytes is too large for a synonyms file (max ${MAX_BYTES})`,
      );
    text = buf.toString("utf8");
  } catch (err) {
    if (err instanceof SynonymsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(err);
    throw new SynonymsError(`cannot read synonyms file ${path}: ${why}`);
  }
  const json = extname(path).toLowerCase() === ".json";
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new SynonymsError(
      `${path}: not valid ${json ? "JSON" : "YAML"}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  // An empty file is a truncated copy or the wrong path far more often than a choice: `{}` says "none" on purpose.
  if (data === null || data === undefined)
    throw new SynonymsError(`${path}: the synonyms file is empty; write {} for none, or leave it unset`);
  return parseSynonymFile(data, path);
}
