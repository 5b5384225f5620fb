// HTML page ingestion: Mozilla Readability picks the main content (no menus or footers), headings become sections.
//
// Readability keeps nearly the whole body of a short page (it cannot tell content from chrome below its length
// threshold), so the page's declared chrome (nav, page-level header, footer and aside, forms, ARIA landmarks such as
// role=navigation) is removed before Readability or the fallback reads it. Tables become one labelled line per row.

import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { type DocumentInput, type Section, tableRowText } from "../../../domain/knowledge/chunker.ts";
import type { ParsedSource } from "./types.ts";

const BLOCKS = new Set(["P", "LI", "DD", "DT", "PRE", "BLOCKQUOTE", "FIGCAPTION", "CAPTION"]);
const HEADINGS: Record<string, number> = { H1: 1, H2: 2, H3: 3, H4: 4, H5: 5, H6: 6 };
const SKIP = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "SVG",
  "NAV",
  "FOOTER",
  // Forms that are not the page's wrapper are removed beforehand (removeBoilerplate); their controls never count.
  "BUTTON",
  "LABEL",
  "TEXTAREA",
  "IFRAME",
  "SELECT",
]);
/** ARIA roles of page chrome and overlays (cookie banners are dialogs), never of the content itself. */
const CHROME_ROLES = [
  "navigation",
  "banner",
  "contentinfo",
  "complementary",
  "search",
  "menu",
  "menubar",
  "dialog",
  "alertdialog",
];
const CHROME_ROLE_SET = new Set(CHROME_ROLES);

interface MinimalNode {
  nodeType: number;
  tagName?: string;
  textContent: string | null;
  childNodes: ArrayLike<MinimalNode>;
  getAttribute?(name: string): string | null;
}

interface MinimalElement {
  tagName: string;
  parentElement: MinimalElement | null;
  closest(selector: string): MinimalElement | null;
  querySelector(selector: string): MinimalElement | null;
  remove(): void;
}

interface MinimalDocument {
  body: unknown;
  querySelectorAll(selector: string): Iterable<MinimalElement>;
  querySelector(selector: string): MinimalElement | null;
}

// Always chrome, wherever it sits.
const CHROME_SELECTOR = [
  "script",
  "style",
  "noscript",
  "template",
  "iframe",
  "nav",
  "[hidden]",
  '[aria-hidden="true"]',
  ...CHROME_ROLES.map((r) => `[role="${r}"]`),
].join(", ");

/**
 * Removes a page's declared chrome in place. Header, footer and aside count only at page level, as in the ARIA
 * mapping of HTML: inside an article or section they belong to it (an article's header holds its title, an aside
 * inside an article is a call-out). A form is removed unless it wraps the content (ASP.NET pages wrap everything in
 * one form).
 */
export function removeBoilerplate(document: MinimalDocument): void {
  const doomed: MinimalElement[] = [...document.querySelectorAll(CHROME_SELECTOR)];
  for (const el of document.querySelectorAll("header, footer")) {
    if (!el.parentElement?.closest("article, aside, main, nav, section")) doomed.push(el);
  }
  for (const el of document.querySelectorAll("aside")) {
    if (!el.parentElement?.closest("article, aside, nav, section")) doomed.push(el);
  }
  for (const el of document.querySelectorAll("form")) {
    if (!el.querySelector("main, article, [role=main], h1, h2")) doomed.push(el);
  }
  for (const el of doomed) el.remove();
}

/** Where a page's content is when Readability finds none: its main landmark, its only article, else the body. */
function contentRoot(document: MinimalDocument): MinimalNode {
  const main = document.querySelector('main, [role="main"]');
  if (main) return main as unknown as MinimalNode;
  const articles = [...document.querySelectorAll("article")];
  if (articles.length === 1) return articles[0] as unknown as MinimalNode;
  return document.body as MinimalNode;
}

/** Main content of one HTML page as a document. */
export function htmlToDocument(html: string, url: string, language?: string): DocumentInput {
  const { document } = parseHTML(html);
  const pageTitle = document.querySelector("title")?.textContent?.trim() ?? "";
  const lang = language ?? (document.documentElement?.getAttribute("lang") || null);
  removeBoilerplate(document as unknown as MinimalDocument);
  // Readability mutates the DOM it reads; the fallback parses a second copy.
  const article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  let root: MinimalNode;
  let title = pageTitle;
  if (article?.content) {
    root = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document
      .body as unknown as MinimalNode;
    title = article.title?.trim() || pageTitle;
  } else {
    const copy = parseHTML(html).document as unknown as MinimalDocument;
    removeBoilerplate(copy);
    root = contentRoot(copy);
  }
  const sections = sectionsFromDom(root, url);
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

const clean = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();
const tagOf = (node: MinimalNode) => (node.tagName ?? "").toUpperCase();
const elementChildren = (node: MinimalNode): MinimalNode[] =>
  Array.from(node.childNodes).filter((c) => c.nodeType === 1);

/** The rows of a table, its own only (not those of tables nested in its cells). */
function tableRows(table: MinimalNode): { cells: MinimalNode[]; inHead: boolean }[] {
  const rows: { cells: MinimalNode[]; inHead: boolean }[] = [];
  const addRow = (tr: MinimalNode, inHead: boolean) =>
    rows.push({ cells: elementChildren(tr).filter((c) => ["TD", "TH"].includes(tagOf(c))), inHead });
  for (const child of elementChildren(table)) {
    const tag = tagOf(child);
    if (tag === "TR") addRow(child, false);
    else if (tag === "THEAD" || tag === "TBODY" || tag === "TFOOT")
      for (const tr of elementChildren(child)) if (tagOf(tr) === "TR") addRow(tr, tag === "THEAD");
  }
  return rows;
}

const span = (cell: MinimalNode): number => {
  const n = Number(cell.getAttribute?.("colspan") ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 1;
};

/** Cell texts by column, a cell spanning n columns taking n places (so headers line up with the values below). */
function rowValues(cells: MinimalNode[]): string[] {
  const out: string[] = [];
  for (const cell of cells) {
    const text = clean(cell.textContent);
    for (let i = 0; i < span(cell); i++) out.push(i === 0 ? text : "");
  }
  return out;
}

/**
 * A data table as readable lines: each row labels its values with the column headers ("Size: M; Chest: 100 cm"),
 * or with its own row header (<th>Weight</th><td>2 kg</td> → "Weight: 2 kg"). Null for a layout table (one whose
 * cells hold headings or tables): its cells are then read as ordinary content.
 */
/** Whether an element holds headings or tables: then it is layout to walk through, not a cell to read whole. */
const holdsStructure = (n: MinimalNode): boolean =>
  elementChildren(n).some(
    (c) => HEADINGS[tagOf(c)] !== undefined || tagOf(c) === "TABLE" || holdsStructure(c),
  );

function tableLines(table: MinimalNode): string[] | null {
  const layout = holdsStructure;
  const rows = tableRows(table);
  if (rows.some((r) => r.cells.some(layout))) return null;
  const lines: string[] = [];
  const caption = elementChildren(table).find((c) => tagOf(c) === "CAPTION");
  if (caption && clean(caption.textContent)) lines.push(clean(caption.textContent));
  const first = rows[0];
  const headed =
    first && (first.inHead || (first.cells.length > 1 && first.cells.every((c) => tagOf(c) === "TH")));
  // A header spanning n columns labels the first of them; the rest stay bare (no "Delivery" twice in a row).
  const headers = headed ? rowValues(first.cells) : [];
  for (const row of headed ? rows.slice(1) : rows) {
    if (row.inHead) continue; // a second header row: its labels are not content
    const values = rowValues(row.cells);
    let line: string;
    if (headers.length) line = tableRowText(headers, values);
    else if (row.cells.length > 1 && tagOf(row.cells[0]!) === "TH") {
      const rest = values.slice(span(row.cells[0]!)).filter(Boolean).join("; ");
      line = rest ? `${values[0]}: ${rest}` : values[0]!;
    } else line = values.filter(Boolean).join("; ");
    if (line) lines.push(line);
  }
  return lines;
}

/** An anchor a citation can link to: the heading's id, a named anchor inside it, or its section's id. */
function anchorOf(heading: MinimalNode, parent: MinimalNode | null): string | null {
  const own = heading.getAttribute?.("id");
  if (own) return own;
  for (const c of elementChildren(heading))
    if (tagOf(c) === "A") {
      const a = c.getAttribute?.("id") || c.getAttribute?.("name");
      if (a) return a;
    }
  if (parent && tagOf(parent) === "SECTION" && elementChildren(parent)[0] === heading)
    return parent.getAttribute?.("id") || null;
  return null;
}

/**
 * Walks the DOM in order: headings open sections, block elements become lines, tables become labelled rows.
 * With `url`, every section is located at the page's URL, or at the anchor of its nearest heading that has one.
 */
export function sectionsFromDom(root: MinimalNode, url?: string): Section[] {
  const sections: Section[] = [];
  const path: { level: number; text: string; anchor: string | null }[] = [];
  const base = url?.split("#")[0];
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join("\n").trim();
    if (text) {
      const section: Section = { headings: path.map((p) => p.text), text };
      if (base !== undefined) {
        const anchor = path.findLast((p) => p.anchor)?.anchor;
        section.location = anchor ? `${base}#${encodeURIComponent(anchor)}` : base;
      }
      sections.push(section);
    }
    lines = [];
  };
  const visit = (node: MinimalNode, parent: MinimalNode | null) => {
    if (node.nodeType === 3) {
      const t = clean(node.textContent);
      if (t) lines.push(t);
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = tagOf(node);
    if (SKIP.has(tag)) return;
    const role = node.getAttribute?.("role");
    if (role && CHROME_ROLE_SET.has(role.trim().toLowerCase())) return;
    const level = HEADINGS[tag];
    if (level) {
      flush();
      while (path.length && path[path.length - 1]!.level >= level) path.pop();
      path.push({ level, text: clean(node.textContent), anchor: anchorOf(node, parent) });
      return;
    }
    if (tag === "TABLE") {
      const rows = tableLines(node);
      if (rows) {
        lines.push(...rows);
        return;
      }
    }
    if (BLOCKS.has(tag) || ((tag === "TD" || tag === "TH") && !holdsStructure(node))) {
      const t = clean(node.textContent);
      if (t) lines.push(t);
      return;
    }
    for (let i = 0; i < node.childNodes.length; i++) visit(node.childNodes[i]!, node);
  };
  visit(root, null);
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
