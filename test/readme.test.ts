// The README is the newcomer's contract: it must document every configuration variable the server reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../src/config.ts";

describe("README", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  it("documents every environment variable in the configuration table", () => {
    const missing = Object.keys(configSchema.shape).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
  it("gives the two commands", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
});
