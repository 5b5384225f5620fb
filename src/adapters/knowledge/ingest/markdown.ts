// Markdown and plain-text ingestion: Markdown sections follow its headings; plain text follows its paragraphs.

import { outlineMarkdown, type Section } from "../../../domain/knowledge/chunker.ts";
import type { ParsedSource } from "./types.ts";

const FRONT_MATTER_RE = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/**
 * A Markdown file as one document. Its id is the source's location (resolved path, URL or upload name): two files
 * both called faq.md stay two documents, and adding the same file again keeps its id.
 */
export function parseMarkdown(text: string, name: string, location: string, language?: string): ParsedSource {
  let body = text.replace(/^\uFEFF/, "");
  let title: string | null = null;
  let lang = language ?? null;
  let skippedLines = 0;
  const fm = FRONT_MATTER_RE.exec(body);
  if (fm) {
    body = body.slice(fm[0].length);
    skippedLines = fm[0].split("\n").length - 1;
    for (const line of fm[1]!.split(/\r?\n/)) {
      const m = /^(title|language|lang):\s*["']?(.*?)["']?\s*$/.exec(line);
      if (m?.[1] === "title") title = m[2]!;
      else if (m && !language) lang = m[2]!;
    }
  }
  const outline = outlineMarkdown(body);
  // Lines are counted in the file as written, front matter included.
  let sections = outline.sections.map((s) =>
    s.line === undefined ? s : { ...s, line: s.line + skippedLines },
  );
  // The document's single H1, heading all that follows it, is its title, not a level every section repeats.
  const h1 = outline.title;
  if (h1 !== null) {
    title ??= h1;
    sections = sections.map((s) => (s.headings[0] === h1 ? { ...s, headings: s.headings.slice(1) } : s));
  }
  title ??= stripExtension(name);
  return {
    kind: "markdown",
    name,
    location,
    documents: [{ id: location, title, url: location, language: lang, sections }],
  };
}

/** Plain text as one document (id: its location, as for Markdown), located by line in citations. */
export function parsePlainText(
  text: string,
  name: string,
  location: string,
  language?: string,
): ParsedSource {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim());
  let last = lines.length - 1;
  while (last >= 0 && !lines[last]!.trim()) last--;
  // Lines are kept as they are (blank ones too) so that each chunk can cite the lines it came from.
  const sections: Section[] =
    first >= 0 ? [{ headings: [], text: lines.slice(first, last + 1).join("\n"), line: first + 1 }] : [];
  return {
    kind: "text",
    name,
    location,
    documents: [
      { id: location, title: stripExtension(name), url: location, language: language ?? null, sections },
    ],
  };
}

const stripExtension = (name: string): string => name.replace(/\.[a-z0-9]+$/i, "");
