// PDF ingestion with unpdf (pdf.js): one section per page, so a citation can say "page 3".

import { extractText, getDocumentProxy, getMeta } from "unpdf";
import type { Section } from "../../../domain/knowledge/chunker.ts";
import { IngestError, type ParsedSource } from "./types.ts";

export async function parsePdf(
  bytes: Uint8Array,
  name: string,
  location: string,
  language?: string,
): Promise<ParsedSource> {
  let pages: string[];
  let title = name.replace(/\.pdf$/i, "");
  try {
    // pdf.js transfers (detaches) the buffer it is given: hand it a copy so callers keep theirs.
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const meta = await getMeta(pdf).catch(() => null);
    const metaTitle = (meta?.info as { Title?: unknown } | undefined)?.Title;
    if (typeof metaTitle === "string" && metaTitle.trim()) title = metaTitle.trim();
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (e) {
    throw new IngestError("KB_PARSE_FAILED", `could not read PDF ${name}: ${(e as Error).message}`);
  }
  const sections = pages.flatMap((text, i) => pageSections(text, i + 1, title));
  return {
    kind: "pdf",
    name,
    location,
    // The location, not the file name, is the id: two manuals both called guide.pdf stay two documents.
    documents: [{ id: location, title, url: location, language: language ?? null, sections }],
  };
}

/**
 * PDF text has no markup, so headings are guessed: a short line (eight words or fewer) with no closing punctuation,
 * starting with a capital and followed by more text, opens a section. Every section keeps its page for citations.
 */
export function pageSections(text: string, page: number, title: string): Section[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/[ \t]+/g, " ").trim())
    .filter(Boolean);
  const sections: Section[] = [];
  let heading: string[] = [];
  let body: string[] = [];
  const flush = () => {
    if (body.length) sections.push({ headings: heading, text: body.join("\n"), location: `page ${page}` });
    body = [];
  };
  lines.forEach((line, i) => {
    const isHeading =
      i < lines.length - 1 &&
      line.split(" ").length <= 8 &&
      !/[.!?:;,)]$/.test(line) &&
      /^[\p{Lu}\p{N}]/u.test(line);
    if (isHeading) {
      flush();
      heading = line.toLowerCase() === title.toLowerCase() ? [] : [line];
    } else {
      body.push(line);
    }
  });
  flush();
  return sections;
}
