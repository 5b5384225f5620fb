// Loads the routine-actions registry from a YAML or JSON file; a bad file stops start-up with a readable message.

import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { type ActionRegistry, ActionRegistryError, parseRegistry } from "../../domain/actions/registry.ts";

export function loadActionRegistry(path: string): ActionRegistry {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ActionRegistryError(`cannot read actions file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ActionRegistryError(
      `${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message}`,
    );
  }
  try {
    return parseRegistry(doc);
  } catch (e) {
    throw new ActionRegistryError(`${path}: ${(e as Error).message}`);
  }
}
