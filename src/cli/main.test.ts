import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../bin/tandem.js");
const dir = mkdtempSync(join(tmpdir(), "tandem-cli-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tandem(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    input: "",
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, "never.db")}`, LLM_BASE_URL: "", LLM_MODEL: "" },
  });
}

const USER = ["user", "add", "--email", "a@example.com", "--password", "correct horse", "--name", "A"];
const TRAIN = ["train", "--data", "x.csv", "--out", "model"];

describe("numeric options of every command", () => {
  it.each([
    [["ask"], "--k", "0"],
    [["ask"], "--k", "-1"],
    [["ask"], "--k", "abc"],
    [["ask"], "--k", "1.5"],
    [["ask"], "--k", "1000000"],
    [["kb", "add", "x.md"], "--max-pages", "1e3"],
    [["kb", "add", "x.md"], "--max-depth", "-3"],
    [TRAIN, "--folds", "0x10"],
    [TRAIN, "--seed", "-1"],
    [TRAIN, "--hash-bits", "99"],
    [TRAIN, "--epochs", ""],
    [[...USER, "--role", "agent"], "--tier", "4"],
    [[...USER, "--role", "agent"], "--capacity", "five"],
  ])(
    "%j refuses %s %j with a usage error and no stack trace",
    (command, option, value) => {
      const r = tandem([...command, option, value]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        new RegExp(
          `^error: option '${option} <\\w+>' argument '${value}' is invalid\\. Expected a whole number from \\d+ to \\d+\\.\\n`,
        ),
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
      // A usage error stops before anything is opened, so no database file appears.
      expect(readdirSync(dir)).toEqual([]);
    },
    30_000,
  );
});
