// One way for tests to make an indexed chunk: each chunk its own document, in English, from one help file.
import { contentHash } from "./chunker.ts";
import type { IndexedChunk } from "./knowledge-index.ts";

export function testChunk(
  id: string,
  title: string,
  text: string,
  extra: Partial<IndexedChunk> = {},
): IndexedChunk {
  return {
    id,
    sourceId: "s1",
    sourceName: "help.md",
    documentId: id,
    title,
    heading: "",
    location: "",
    url: null,
    text,
    hash: contentHash(`${id}\n${title}\n${text}`),
    language: "en",
    ...extra,
  };
}
