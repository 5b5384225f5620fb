// The content languages a source may be declared in, checked wherever one is given (CLI, admin API, ingest).

import { baseLanguage, STEMMED_LANGUAGES } from "../../../domain/knowledge/analyzer.ts";
import { IngestError } from "./types.ts";

/** Languages a source may be declared in: those the retrieval tokeniser stems and has stopwords for. */
export const SUPPORTED_LANGUAGES: readonly string[] = STEMMED_LANGUAGES;

/**
 * Validates a declared content language and returns its base code ("en-GB" → "en"); anything the tokeniser does
 * not support is KB_UNSUPPORTED_LANGUAGE, listing the supported ones, rather than a string stored and never used.
 */
export function checkLanguage(tag: string): string {
  const trimmed = tag.trim();
  const base = baseLanguage(trimmed);
  if (/^[a-z]{2,3}(?:[-_][a-z0-9]{1,8})*$/i.test(trimmed) && SUPPORTED_LANGUAGES.includes(base)) return base;
  throw new IngestError(
    "KB_UNSUPPORTED_LANGUAGE",
    `unsupported language ${JSON.stringify(tag)}: use one of ${SUPPORTED_LANGUAGES.join(", ")} (or leave it out to detect it)`,
  );
}
