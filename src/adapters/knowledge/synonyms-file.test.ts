import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSynonymsFile } from "./synonyms-file.ts";

const dir = mkdtempSync(join(tmpdir(), "tandem-synonyms-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("the team's synonyms file", () => {
  it("reads YAML and JSON", async () => {
    const yaml = file("s.yaml", "en:\n  - [item number, SKU]\n  - [sofa, couch]\nfr:\n  - [colis, paquet]\n");
    expect(await loadSynonymsFile(yaml)).toEqual({
      en: [
        ["item number", "sku"],
        ["sofa", "couch"],
      ],
      fr: [["colis", "paquet"]],
    });
    expect(await loadSynonymsFile(file("s.json", '{"en": [["sofa", "couch"]]}'))).toEqual({
      en: [["sofa", "couch"]],
    });
  });

  it("refuses a missing, empty, malformed or invalid file with SYNONYMS_INVALID and the path", async () => {
    const refused = async (path: string, message: RegExp) =>
      await expect(loadSynonymsFile(path)).rejects.toMatchObject({ code: "SYNONYMS_INVALID", message });
    await refused(join(dir, "nope.yaml"), /cannot read synonyms file .*nope.yaml: no such file/);
    await refused(file("empty.yaml", "# nothing yet\n"), /empty.yaml: the synonyms file is empty/);
    await refused(file("bad.yaml", "en: [[sofa, couch]\n"), /bad.yaml: not valid YAML/);
    await refused(file("bad.json", "{en: 1}"), /bad.json: not valid JSON/);
    await refused(
      file("one.yaml", "en:\n  - [sofa]\n"),
      /one.yaml at en.0: a group needs two entries or more/,
    );
  });
});
