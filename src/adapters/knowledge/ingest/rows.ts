// Tabular ingestion (CSV, JSON, SQL rows): each row is a document; `id` names it, `title` titles it.

import { parse as parseCsv } from "csv-parse/sync";
import type { DocumentInput } from "../../../domain/knowledge/chunker.ts";
import { IngestError, type ParsedSource, type RowOptions, type SourceKind } from "./types.ts";

export type Row = Record<string, unknown>;

export function parseCsvRows(text: string): Row[] {
  try {
    return parseCsv(text.replace(/^\uFEFF/, ""), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Row[];
  } catch (e) {
    throw new IngestError("KB_PARSE_FAILED", `invalid CSV: ${(e as Error).message}`);
  }
}

/** JSON rows: an array of objects, or an object holding one (`{ "rows": [...] }`, `{ "items": [...] }`), or JSON Lines. */
export function parseJsonRows(text: string): Row[] {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    try {
      value = trimmed
        .split(/\r?\n/)
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
    } catch (e) {
      throw new IngestError("KB_PARSE_FAILED", `invalid JSON: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(value) && value && typeof value === "object") {
    value = Object.values(value as Record<string, unknown>).find((v) => Array.isArray(v)) ?? [value];
  }
  if (!Array.isArray(value) || value.some((r) => !r || typeof r !== "object" || Array.isArray(r))) {
    throw new IngestError("KB_PARSE_FAILED", "JSON source must be an array of objects");
  }
  return value as Row[];
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v).trim();
};

/**
 * Every column of a table, in first-seen order: JSON rows need not share keys (a field only some products have),
 * so the first row alone does not name them all.
 */
export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Turns rows into documents; the chosen columns become "Column: value" lines (long values stand alone). A row's
 * document id is its `id` column; rows without one are named by the source's location and row number, so ids stay
 * unique across sources and stable when the same source is added again.
 */
export function rowsToSource(
  rows: Row[],
  kind: SourceKind,
  name: string,
  location: string,
  options: RowOptions = {},
): ParsedSource {
  if (rows.length === 0) throw new IngestError("KB_EMPTY_SOURCE", `${name} has no rows`);
  const header = columnsOf(rows);
  // The first spelling wins when rows disagree on case ("id" in one row, "ID" in another).
  const lower = new Map<string, string>();
  for (const h of header) if (!lower.has(h.toLowerCase())) lower.set(h.toLowerCase(), h);
  const idCol = lower.get("id");
  const titleCol = lower.get("title") ?? lower.get("name") ?? lower.get("question");
  let columns = options.columns?.map((c) => c.trim()).filter(Boolean);
  if (columns?.length) {
    const missing = columns.filter((c) => !header.includes(c));
    if (missing.length)
      throw new IngestError(
        "KB_BAD_OPTIONS",
        `unknown column(s) ${missing.join(", ")}; the columns are ${header.join(", ")}`,
      );
  } else {
    columns = header.filter((h) => h !== idCol && h !== titleCol);
  }
  const documents: DocumentInput[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const given = idCol ? cell(row[idCol]) : "";
    let id = given || `${location}#row-${i + 1}`;
    if (seen.has(id)) id = `${id}#${i + 1}`;
    seen.add(id);
    const title = (titleCol ? cell(row[titleCol]) : "") || `${name} ${given || `row ${i + 1}`}`;
    const lines = columns!
      .map((c) => {
        const v = cell(row[c]);
        if (!v) return "";
        // A lone column (a FAQ's answer) or a body column speaks for itself: "Answer: No." is no answer to quote.
        const standalone = columns!.length === 1 || BODY_COLUMNS.has(c.toLowerCase()) || v.split(/\s+/).length > 12;
        return standalone ? v : `${humanise(c)}: ${v}.`.replace(/\.\.$/, ".");
      })
      .filter(Boolean);
    if (lines.length === 0) return;
    documents.push({
      id,
      title,
      url: null,
      language: options.language ?? null,
      sections: [{ headings: [], text: lines.join("\n"), location: `row ${i + 1}` }],
    });
  });
  if (documents.length === 0)
    throw new IngestError("KB_EMPTY_SOURCE", `${name}: no row has text in the chosen columns`);
  return { kind, name, location, documents };
}

/** Columns that hold prose to quote as it is, not a labelled attribute. */
const BODY_COLUMNS = new Set(["answer", "body", "text", "content", "response", "reply"]);

const humanise = (column: string): string => {
  const s = column.replace(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
};
