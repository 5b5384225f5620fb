import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES } from "../../domain/triage/routing-rules.ts";
import { loadRoutingRules, parseRoutingRulesText } from "./rules-file.ts";

const DEFAULT_FILE = fileURLToPath(new URL("../../../config/routing-rules.default.yaml", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rules-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(path: string): Promise<{ code: string; message: string }> {
  try {
    await loadRoutingRules(path);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error("expected an error");
}

describe("loadRoutingRules", () => {
  it("ships a default YAML file equal to the defaults in code", async () => {
    expect(await loadRoutingRules(DEFAULT_FILE)).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("reads a partial YAML file over the defaults", async () => {
    const rules = await loadRoutingRules(
      await write("r.yaml", "reasons:\n  frustration:\n    threshold: 0.75\n"),
    );
    expect(rules.reasons.frustration.threshold).toBe(0.75);
    expect(rules.reasons.complaint).toEqual(DEFAULT_ROUTING_RULES.reasons.complaint);
  });

  it("reads JSON", async () => {
    const rules = await loadRoutingRules(
      await write("r.json", JSON.stringify({ reasons: { unresolved_after_turns: { turns: 5 } } })),
    );
    expect(rules.reasons.unresolved_after_turns.turns).toBe(5);
  });

  it.each([
    ["empty.yaml", ""],
    ["blank.yaml", "  \n\n\t\n"],
    ["comments.yaml", "# routing rules for the EU desk\n# (to be filled in)\n"],
    ["null.yaml", "~\n"],
    ["bom.yaml", "\ufeff"],
    ["empty.json", ""],
    ["null.json", "null"],
  ])("refuses %s, a file that states no rules at all, with RULES_INVALID", async (name, text) => {
    const err = await loadError(await write(name, text));
    expect(err.code).toBe("RULES_INVALID");
    expect(err.message).toContain(join(dir, name));
    expect(err.message).toContain("the rules file is empty (or holds only comments)");
  });

  it("accepts {} as an explicit choice of the built-in rules", async () => {
    expect(await loadRoutingRules(await write("explicit.yaml", "# defaults, on purpose\n{}\n"))).toEqual(
      DEFAULT_ROUTING_RULES,
    );
    expect(await loadRoutingRules(await write("explicit.json", "{}"))).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("still reads empty text as the defaults when it is not a file (the admin editor's preview)", () => {
    expect(parseRoutingRulesText("", "edited rules")).toEqual(DEFAULT_ROUTING_RULES);
  });

  it("refuses an unknown reason with RULES_INVALID", async () => {
    const err = await loadError(await write("bad.yaml", "reasons:\n  grumpy: { escalate: true }\n"));
    expect(err.code).toBe("RULES_INVALID");
    expect(err.message).toContain('unknown reason "grumpy"');
    expect(err.message).toContain("bad.yaml");
  });

  it("refuses a bad threshold with RULES_INVALID", async () => {
    const err = await loadError(await write("bad2.yaml", "reasons:\n  frustration: { threshold: 7 }\n"));
    expect(err).toMatchObject({ code: "RULES_INVALID" });
    expect(err.message).toContain("reasons.frustration.threshold");
  });

  it("refuses broken YAML and JSON syntax", async () => {
    expect(await loadError(await write("broken.yaml", "reasons: [unclosed\n"))).toMatchObject({
      code: "RULES_INVALID",
      message: expect.stringContaining("not valid YAML"),
    });
    expect(await loadError(await write("broken.json", "{ nope"))).toMatchObject({
      code: "RULES_INVALID",
      message: expect.stringContaining("not valid JSON"),
    });
  });

  it("refuses a missing file or a directory", async () => {
    expect(await loadError(join(dir, "missing.yaml"))).toMatchObject({
      code: "RULES_INVALID",
      message: expect.stringContaining("no such file"),
    });
    expect(await loadError(dir)).toMatchObject({ code: "RULES_INVALID" });
  });

  it("refuses an oversized file", async () => {
    expect((await loadError(await write("huge.yaml", `# ${"x".repeat(300_000)}\n`))).message).toContain(
      "too large",
    );
  });
});
