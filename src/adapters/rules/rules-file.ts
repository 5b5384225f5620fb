// Reads an operator's routing rules from a JSON or YAML file and validates them, so a bad file stops the server or
// CLI at start-up with a coded error instead of routing on half-understood rules.
import { parseConfigText, readConfigText } from "../config-document.ts";
import { parseRoutingRules, RulesError, type RoutingRules } from "../../domain/triage/routing-rules.ts";

/** Rules files are small; anything bigger is a mistake (a log, a data set) rather than a policy. */
const MAX_BYTES = 256 * 1024;

export async function loadRoutingRules(path: string): Promise<RoutingRules> {
  const text = await readConfigText(path, { what: "rules file", maxBytes: MAX_BYTES, fail });
  const data = text.trim() === "" ? null : parseRulesDocument(text, path);
  // An empty file (or one holding only comments, or a bare `null`) is almost always a mistake: a truncated copy, a
  // shell redirect gone wrong, the wrong path. Reading it as "the defaults" would run the server on rules nobody
  // chose, so it is refused. `{}` says "no overrides" in so many characters and is accepted as the defaults.
  if (data === null || data === undefined) {
    throw new RulesError(
      "RULES_INVALID",
      `${path}: the rules file is empty (or holds only comments); write {} to use the built-in rules on purpose, or leave the rules file unset`,
    );
  }
  return parseRoutingRules(data, path);
}

/**
 * Parses JSON (by extension .json) or YAML (anything else; YAML also accepts JSON) and validates the result. Empty
 * text means the defaults here: this also serves the admin's rules editor preview, where an empty draft is harmless.
 */
export function parseRoutingRulesText(text: string, source: string): RoutingRules {
  return parseRoutingRules(parseRulesDocument(text, source), source);
}

/** The document in `text`, null when it holds none; syntax errors become RULES_INVALID naming `source`. */
function parseRulesDocument(text: string, source: string): unknown {
  return parseConfigText(text, source, fail);
}

function fail(message: string): RulesError {
  return new RulesError("RULES_INVALID", message);
}
