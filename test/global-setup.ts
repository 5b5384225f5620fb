// Runs once before every test file: builds the word-vector cache (seconds, ~1 GB) so parallel test servers read it
// instead of each parsing the package themselves.

import { loadWordVectors } from "../src/adapters/knowledge/word-vectors-file.ts";

export default async function setup(): Promise<void> {
  await loadWordVectors({ log: (m) => process.stderr.write(`${m}\n`) });
}
