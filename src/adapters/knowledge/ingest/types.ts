// What every ingestion parser returns: a named source and its documents, ready to chunk.

import type { DocumentInput } from "../../../domain/knowledge/chunker.ts";

export type SourceKind = "pdf" | "html" | "site" | "markdown" | "text" | "csv" | "json" | "sql";

export interface ParsedSource {
  kind: SourceKind;
  /** Shown in citations: a file name, a site's host, a table. */
  name: string;
  /** Where it came from (absolute path, URL, database URL without credentials + query): re-adding it replaces it. */
  location: string;
  documents: DocumentInput[];
  /** Pages not indexed (robots.txt, off-site redirects, too large, errors, unsupported types), for the report. */
  skipped?: { url: string; reason: string }[];
}

export type IngestErrorCode =
  | "KB_UNSUPPORTED_FORMAT"
  | "KB_PARSE_FAILED"
  | "KB_BINARY_CONTENT"
  | "KB_FETCH_FAILED"
  | "KB_FETCH_TIMEOUT"
  | "KB_TOO_LARGE"
  | "KB_TOO_MANY_REDIRECTS"
  | "KB_REDIRECTED_OFF_SITE"
  | "KB_UNSUPPORTED_LANGUAGE"
  | "KB_URL_FORBIDDEN"
  | "KB_ROBOTS_DISALLOWED"
  | "KB_NOT_FOUND"
  | "KB_BAD_OPTIONS"
  | "KB_SQL_NOT_READ_ONLY"
  | "KB_EMPTY_SOURCE";

export class IngestError extends Error {
  readonly code: IngestErrorCode;
  constructor(code: IngestErrorCode, message: string) {
    super(message);
    this.name = "IngestError";
    this.code = code;
  }
}

/** Options shared by the row formats (CSV, JSON, SQL). */
export interface RowOptions {
  /** Columns whose values make up the text; default: every column except id and title. */
  columns?: string[];
  language?: string;
}
