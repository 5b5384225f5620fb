// Reads a team's synonyms file (YAML or JSON) so a bad file stops the server or CLI at start-up with a coded error
// instead of answering with half the vocabulary.
import { parseSynonymFile, type SynonymGroups, SynonymsError } from "../../domain/knowledge/synonyms.ts";
import { parseConfigText, readConfigText } from "../config-document.ts";

/** A vocabulary of a few thousand groups is well under this; anything bigger is the wrong file. */
const MAX_BYTES = 1024 * 1024;

const fail = (message: string) => new SynonymsError(message);

export async function loadSynonymsFile(path: string): Promise<SynonymGroups> {
  const text = await readConfigText(path, { what: "synonyms file", maxBytes: MAX_BYTES, fail });
  const data = parseConfigText(text, path, fail);
  // An empty file is a truncated copy or the wrong path far more often than a choice: `{}` says "none" on purpose.
  if (data === null || data === undefined)
    throw new SynonymsError(`${path}: the synonyms file is empty; write {} for none, or leave it unset`);
  return parseSynonymFile(data, path);
}
