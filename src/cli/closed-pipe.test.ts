import { execFileSync, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitOnClosedPipe } from "./closed-pipe.ts";

const BIN = resolve(import.meta.dirname, "../../bin/tandem.js");
const DEMO = resolve(import.meta.dirname, "../../demo/kb");
const dir = mkdtempSync(join(tmpdir(), "tandem-closed-pipe-"));
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, "kb.db")}`, LLM_BASE_URL: "", LLM_MODEL: "" };

beforeAll(() => {
  execFileSync(process.execPath, [BIN, "kb", "add", join(DEMO, "shipping.md"), join(DEMO, "returns.md")], {
    env,
    stdio: "ignore",
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `tandem <args>` over many input lines, reads its first output line and closes the pipe, like `| head -1`.
 * Resolves with the exit status, stderr and how long the process took to end after the pipe closed.
 */
function closeAfterFirstLine(args: string[], lines: number) {
  return new Promise<{
    status: number | null;
    signal: string | null;
    stderr: string;
    first: string;
    msAfterClose: number;
  }>((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let first = "";
    let closedAt = 0;
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (closedAt) return;
      first += d;
      if (first.includes("\n")) {
        first = first.slice(0, first.indexOf("\n"));
        closedAt = Date.now();
        child.stdout.destroy();
      }
    });
    child.stdin.on("error", () => {}); // the child may leave before reading all its input: that is the point
    child.on("error", fail);
    child.on("exit", (status, signal) =>
      done({ status, signal, stderr, first, msAfterClose: closedAt ? Date.now() - closedAt : -1 }),
    );
    const input = Array.from({ length: lines }, (_, i) =>
      JSON.stringify({ id: String(i), text: "How long does standard delivery take?" }),
    ).join("\n");
    child.stdin.end(`${input}\n`);
  });
}

describe("a reader that closes the output early", () => {
  it.each([
    ["ask", ["ask"], 3000],
    ["triage", ["triage"], 50_000],
  ])(
    "ends `tandem %s | head -1` quietly and promptly with status 0",
    async (_name, args, lines) => {
      const r = await closeAfterFirstLine(args, lines);
      expect(JSON.parse(r.first)).toMatchObject({ id: "0" });
      expect(r.stderr).toBe("");
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      // Prompt: far less than answering every remaining line would take (seconds), with room for a busy machine.
      expect(r.msAfterClose).toBeGreaterThanOrEqual(0);
      expect(r.msAfterClose).toBeLessThan(5000);
    },
    60_000,
  );
});

describe("exitOnClosedPipe", () => {
  function watch(): { stream: EventEmitter; report: string[]; exits: number[] } {
    const stream = new EventEmitter();
    const report: string[] = [];
    const exits: number[] = [];
    exitOnClosedPipe(stream, { write: (t: string) => report.push(t) }, (s) => exits.push(s));
    return { stream, report, exits };
  }

  it("exits 0 without a word on EPIPE", () => {
    const w = watch();
    w.stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect(w.exits).toEqual([0]);
    expect(w.report).toEqual([]);
  });

  it("keeps a failing status set before the pipe closed", () => {
    const w = watch();
    const before = process.exitCode;
    process.exitCode = 1;
    try {
      w.stream.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    } finally {
      process.exitCode = before;
    }
    expect(w.exits).toEqual([1]);
  });

  it("reports any other output failure with a code and exits 1", () => {
    const w = watch();
    w.stream.emit("error", Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    expect(w.exits).toEqual([1]);
    expect(w.report).toEqual(["tandem: OUTPUT_FAILED: no space left on device\n"]);
  });

  it("formats that report the way the command formats its other errors", () => {
    const report: string[] = [];
    const stream = new EventEmitter();
    exitOnClosedPipe(
      stream,
      { write: (t: string) => report.push(t) },
      () => {},
      (e) => JSON.stringify({ error: e }),
    );
    stream.emit("error", Object.assign(new Error("I/O error"), { code: "EIO" }));
    expect(report).toEqual(['{"error":{"code":"OUTPUT_FAILED","message":"I/O error"}}\n']);
  });
});
