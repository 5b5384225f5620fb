// Reads an operator's routing rules from a JSON or YAML file and validates them, so a bad file stops the server or
// CLI at start-up with a coded error instead of routing on half-understood rules.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { parseRoutingRules, RulesError, type RoutingRules } from "../../domain/triage/routing-rules.ts";

/** Rules files are small; anything bigger is a mistake (a log, a data set) rather than a policy. */
const MAX_BYTES = 256 * 1024;

export async function loadRoutingRules(path: string): Promise<RoutingRules> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.byteLength > MAX_BYTES) {
      throw new RulesError(
        "RULES_INVALID",
        `${path}: ${buf.byteLength} bytes is too large for a rules file (max ${MAX_BYTES})`,
      );
    }
    text = buf.toString("utf8");
  } catch (err) {
    if (err instanceof RulesError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : ((err as Error).message ?? String(err));
    throw new RulesError("RULES_INVALID", `cannot read rules file ${path}: ${why}`);
  }
  return parseRoutingRulesText(text, path);
}

/** Parses JSON (by extension .json) or YAML (anything else; YAML also accepts JSON) and validates the result. */
export function parseRoutingRulesText(text: string, source: string): RoutingRules {
  let data: unknown;
  try {
    data =
      extname(source).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const detail =
      err instanceof YAMLParseError || err instanceof SyntaxError ? err.message.split("\n")[0] : String(err);
    throw new RulesError(
      "RULES_INVALID",
      `${source}: not valid ${extname(source).toLowerCase() === ".json" ? "JSON" : "YAML"}: ${detail}`,
    );
  }
  return parseRoutingRules(data, source);
}
