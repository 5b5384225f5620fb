// HTML page ingestion: Mozilla Readability picks the main content (no menus or footers), headings become sections.

import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import type { DocumentInput, Section } from "../../../domain/knowledge/chunker.ts";
import type { ParsedSource } from "./types.ts";

const BLOCKS = new Set(["P", "LI", "TD", "TH", "DD", "DT", "PRE", "BLOCKQUOTE", "FIGCAPTION", "CAPTION"]);
const HEADINGS: Record<string, number> = { H1: 1, H2: 2, H3: 3, H4: 4, H5: 5, H6: 6 };
const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "NAV", "FOOTER", "FORM", "BUTTON"]);

interface MinimalNode {
  nodeType: number;
  tagName?: string;
  textContent: string | null;
  childNodes: ArrayLike<MinimalNode>;
}

/** Main content of one HTML page as a document. */
export function htmlToDocument(html: string, url: string, language?: string): DocumentInput {
  const { document } = parseHTML(html);
  const pageTitle = document.querySelector("title")?.textContent?.trim() ?? "";
  const lang = language ?? (document.documentElement?.getAttribute("lang") || null);
  // Readability mutates the DOM it reads; parse a second copy for the fallback.
  const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  let root: MinimalNode;
  let title = pageTitle;
  if (article?.content) {
    root = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document
      .body as unknown as MinimalNode;
    title = article.title?.trim() || pageTitle;
  } else {
    root = parseHTML(html).document.body as unknown as MinimalNode;
  }
  const sections = sectionsFromDom(root);
  // The page's own H1 usually repeats the title: drop it from heading paths.
  const trimmed = sections.map((s) =>
    s.headings[0] && title && s.headings[0].toLowerCase() === title.toLowerCase()
      ? { ...s, headings: s.headings.slice(1) }
      : s,
  );
  return {
    id: url,
    title: title || url,
    url,
    language: lang ? lang.split("-")[0]! : null,
    sections: trimmed,
  };
}

export function parseHtmlPage(html: string, url: string, name: string, language?: string): ParsedSource {
  return { kind: "html", name, location: url, documents: [htmlToDocument(html, url, language)] };
}

/** Walks the DOM in order: headings open sections, block elements become lines. */
export function sectionsFromDom(root: MinimalNode): Section[] {
  const sections: Section[] = [];
  const path: { level: number; text: string }[] = [];
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join("\n").trim();
    if (text) sections.push({ headings: path.map((p) => p.text), text });
    lines = [];
  };
  const clean = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();
  const visit = (node: MinimalNode) => {
    if (node.nodeType === 3) {
      const t = clean(node.textContent);
      if (t) lines.push(t);
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node.tagName ?? "").toUpperCase();
    if (SKIP.has(tag)) return;
    const level = HEADINGS[tag];
    if (level) {
      flush();
      while (path.length && path[path.length - 1]!.level >= level) path.pop();
      path.push({ level, text: clean(node.textContent) });
      return;
    }
    if (BLOCKS.has(tag)) {
      const t = clean(node.textContent);
      if (t) lines.push(t);
      return;
    }
    for (let i = 0; i < node.childNodes.length; i++) visit(node.childNodes[i]!);
  };
  visit(root);
  flush();
  return sections;
}

/** Same-origin links of a page, absolute, without fragments. */
export function extractLinks(html: string, baseUrl: string): string[] {
  const { document } = parseHTML(html);
  const base = new URL(baseUrl);
  const out = new Set<string>();
  for (const a of document.querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (!href || href.startsWith("mailto:") || href.startsWith("javascript:")) continue;
    try {
      const u = new URL(href, base);
      u.hash = "";
      if (u.origin === base.origin && (u.protocol === "http:" || u.protocol === "https:"))
        out.add(u.toString());
    } catch {
      // unparsable href: not a link we can follow
    }
  }
  return [...out];
}
