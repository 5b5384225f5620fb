// Markdown and plain-text ingestion: Markdown sections follow its headings; plain text follows its paragraphs.

import { type Section, sectionsFromMarkdown } from "../../../domain/knowledge/chunker.ts";
import type { ParsedSource } from "./types.ts";

const FRONT_MATTER_RE = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

export function parseMarkdown(text: string, name: string, location: string, language?: string): ParsedSource {
  let body = text.replace(/^\uFEFF/, "");
  let title: string | null = null;
  let lang = language ?? null;
  const fm = FRONT_MATTER_RE.exec(body);
  if (fm) {
    body = body.slice(fm[0].length);
    for (const line of fm[1]!.split(/\r?\n/)) {
      const m = /^(title|language|lang):\s*["']?(.*?)["']?\s*$/.exec(line);
      if (m?.[1] === "title") title = m[2]!;
      else if (m && !language) lang = m[2]!;
    }
  }
  let sections = sectionsFromMarkdown(body);
  // The document's single H1 is its title, not a heading level every section repeats.
  const h1s = new Set(sections.map((s) => s.headings[0]).filter((h) => h !== undefined));
  const h1Lines = body.match(/^#\s+.+$/gm) ?? [];
  if (h1Lines.length === 1 && h1s.size === 1) {
    title ??= sections[0]!.headings[0]!;
    sections = sections.map((s) => ({ ...s, headings: s.headings.slice(1) }));
  }
  title ??= stripExtension(name);
  return {
    kind: "markdown",
    name,
    location,
    documents: [{ id: name, title, url: location, language: lang, sections }],
  };
}

export function parsePlainText(
  text: string,
  name: string,
  location: string,
  language?: string,
): ParsedSource {
  const paragraphs = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const sections: Section[] = paragraphs.length ? [{ headings: [], text: paragraphs.join("\n") }] : [];
  return {
    kind: "text",
    name,
    location,
    documents: [
      { id: name, title: stripExtension(name), url: location, language: language ?? null, sections },
    ],
  };
}

const stripExtension = (name: string): string => name.replace(/\.[a-z0-9]+$/i, "");
