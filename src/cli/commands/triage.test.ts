import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveModel } from "../../adapters/model/model-files.ts";
import { trainIntentModel } from "../../domain/triage/intent/index.ts";

const BIN = fileURLToPath(new URL("../../../bin/tandem.js", import.meta.url));
let dir: string;
let modelDir: string;

// A small model trained here, so the test does not depend on what the shipped starter model predicts.
const EXAMPLES = [
  ["where is my order", "order_status"],
  ["my package has not arrived", "order_status"],
  ["track my parcel", "order_status"],
  ["when will my order ship", "order_status"],
  ["has my order shipped yet", "order_status"],
  ["delivery status of my order", "order_status"],
  ["I forgot my password", "account_access"],
  ["reset my password", "account_access"],
  ["I cannot log in", "account_access"],
  ["locked out of my account", "account_access"],
  ["password reset link does not work", "account_access"],
  ["how do I sign in", "account_access"],
  ["I want to file a complaint", "complaint"],
  ["your service is terrible and I want to complain", "complaint"],
  ["I am unhappy with the treatment I received", "complaint"],
  ["formal complaint about your staff", "complaint"],
  ["I wish to lodge a complaint", "complaint"],
  ["complaint about the rude agent", "complaint"],
].map(([text, label]) => ({ text: text as string, label: label as string }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-triage-cli-"));
  modelDir = join(dir, "model");
  const { model } = trainIntentModel(EXAMPLES, { folds: 5, seed: 3 });
  await saveModel(modelDir, model);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "triage", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const lines = (s: string) =>
  s
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("tandem triage", () => {
  it("writes one result per input line, in order, with an error line for each malformed line", async () => {
    const input = [
      JSON.stringify({ id: "a", text: "Where is my order?" }),
      "{ this is not json",
      JSON.stringify({ id: "b", text: "I want to talk to a human!!!" }),
      JSON.stringify({ id: "c" }),
      "",
      JSON.stringify({ id: "d", text: "", history: [{ role: "robot", text: "x" }] }),
      JSON.stringify({
        id: "e",
        text: "I want to file a complaint, this is the third time!!!",
        history: [
          { role: "customer", text: "my package has not arrived" },
          { role: "ai", text: "It is on its way." },
        ],
        customer: { attributes: { lifetimeValue: 50000 } },
      }),
      JSON.stringify([1, 2]),
      // Nothing to triage: refused as the message API refuses it, with the id, and the stream goes on.
      JSON.stringify({ id: "f", text: " \n " }),
      JSON.stringify({ id: "g", text: "thanks" }),
    ].join("\n");
    const { code, stdout, stderr } = await run(["--model", modelDir], `${input}\n`);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(9);

    expect(Object.keys(out[0] as object)).toEqual([
      "id",
      "language",
      "sentiment",
      "frustration",
      "intent",
      "confidence",
      "outOfScope",
      "route",
      "reasons",
      "tier",
    ]);
    expect(out[0]).toMatchObject({
      id: "a",
      language: "en",
      intent: "order_status",
      route: "ai",
      reasons: [],
      tier: 1,
    });
    expect(out[1]).toEqual({ error: { code: "INPUT_INVALID_JSON", message: expect.any(String) } });
    expect(out[2]).toMatchObject({
      id: "b",
      route: "human",
      reasons: expect.arrayContaining(["human_requested"]),
    });
    expect(out[3]).toEqual({
      id: "c",
      error: { code: "INPUT_INVALID", message: "text: text must be a string" },
    });
    expect(out[4]).toMatchObject({
      id: "d",
      error: { code: "INPUT_INVALID", message: expect.stringContaining("history.0.role") },
    });
    expect(out[5]).toMatchObject({
      id: "e",
      intent: "complaint",
      route: "human",
      tier: 3,
      reasons: expect.arrayContaining(["complaint", "vip_customer"]),
    });
    expect(out[6]).toMatchObject({ error: { code: "INPUT_INVALID" } });
    expect(out[7]).toEqual({ id: "f", error: { code: "INPUT_INVALID", message: "text: text must not be empty" } });
    expect(out[8]).toMatchObject({ id: "g", route: expect.any(String) });
  });

  it("applies a rules file", async () => {
    const rules = join(dir, "rules.yaml");
    // The tiny test model knows nothing about people, so neither its uncertainty nor its guess may escalate.
    await writeFile(
      rules,
      "reasons:\n  human_requested: { escalate: false }\n  low_confidence: { escalate: false }\n  out_of_scope: { escalate: false }\nintents:\n  complaint: { reason: null, tier: 1 }\n",
    );
    const { code, stdout } = await run(
      ["--model", modelDir, "--rules", rules],
      `${JSON.stringify({ id: "x", text: "I want to talk to a human" })}\n`,
    );
    expect(code).toBe(0);
    expect(lines(stdout)[0]).toMatchObject({
      id: "x",
      route: "ai",
      reasons: expect.arrayContaining(["human_requested"]),
    });
  });

  it("keeps one result per input line when a text holds U+2028, U+2029 or a lone carriage return", async () => {
    // Legal inside a JSON string, and JSON.stringify leaves them raw; readline would have split the line there.
    const input = [
      '{"id":"ls","text":"first\u2028second"}',
      '{"id":"ps","text":"first\u2029second"}',
      '{"id":"cr",\r"text":"hello"}',
      '\ufeff{"id":"late-bom","text":"hi"}',
    ].join("\n");
    const { code, stdout } = await run(["--model", modelDir], `\ufeff${input}\n`);
    expect(code).toBe(0);
    expect(lines(stdout).map((l) => l.id ?? (l.error as { code: string }).code)).toEqual([
      "ls",
      "ps",
      "cr",
      "INPUT_INVALID_JSON",
    ]);
  });

  it("streams many lines", async () => {
    const n = 3000;
    const input = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: String(i), text: `where is my order ${i}` }),
    ).join("\n");
    const { code, stdout } = await run(["--model", modelDir], input);
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(n);
    expect(out[n - 1]).toMatchObject({ id: String(n - 1) });
  });

  it("fails with MODEL_NOT_FOUND and a non-zero exit for a missing model directory", async () => {
    const { code, stdout, stderr } = await run(["--model", join(dir, "nope")], "{}\n");
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: "MODEL_NOT_FOUND" } });
  });

  it("fails with MODEL_CORRUPT for a corrupt model directory", async () => {
    const bad = join(dir, "corrupt");
    await rm(bad, { recursive: true, force: true });
    await (await import("node:fs/promises")).mkdir(bad);
    await writeFile(join(bad, "model.json"), "{ not json");
    const { code, stderr } = await run(["--model", bad], "{}\n");
    expect(code).not.toBe(0);
    expect(JSON.parse(stderr)).toMatchObject({ error: { code: "MODEL_CORRUPT" } });
  });

  it("fails with RULES_INVALID and a non-zero exit for a bad rules file", async () => {
    const rules = join(dir, "bad-rules.yaml");
    await writeFile(rules, "reasons:\n  frustration: { threshold: 2 }\n");
    const { code, stdout, stderr } = await run(["--model", modelDir, "--rules", rules], "{}\n");
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr)).toMatchObject({
      error: { code: "RULES_INVALID", message: expect.stringContaining("reasons.frustration.threshold") },
    });
  });

  it.each([
    ["empty.yaml", ""],
    ["comments-only.yaml", "# escalation policy: TODO\n"],
  ])(
    "refuses a rules file that states no rules (%s) instead of running on the defaults",
    async (name, text) => {
      const rules = join(dir, name);
      await writeFile(rules, text);
      const { code, stdout, stderr } = await run(
        ["--model", modelDir, "--rules", rules],
        `${JSON.stringify({ id: "x", text: "hi" })}\n`,
      );
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(JSON.parse(stderr)).toMatchObject({
        error: {
          code: "RULES_INVALID",
          message: expect.stringContaining(`${rules}: the rules file is empty`),
        },
      });
    },
  );

  it("refuses to start the server with an empty rules file", async () => {
    const rules = join(dir, "server-empty.yaml");
    await writeFile(rules, "");
    const r = spawnSync(process.execPath, [BIN, "serve"], {
      encoding: "utf8",
      timeout: 30_000,
      env: {
        ...process.env,
        ROUTING_RULES_FILE: rules,
        DATABASE_URL: `sqlite:${join(dir, "server.db")}`,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "silent",
      },
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("RULES_INVALID");
    expect(r.stderr).toContain(`${rules}: the rules file is empty`);
    expect(r.stdout).not.toContain("Tandem is running");
  }, 40_000);

  it("accepts {} as the built-in rules chosen on purpose", async () => {
    const rules = join(dir, "explicit-defaults.yaml");
    await writeFile(rules, "{}\n");
    const { code, stdout } = await run(
      ["--model", modelDir, "--rules", rules],
      `${JSON.stringify({ id: "x", text: "where is my order" })}\n`,
    );
    expect(code).toBe(0);
    expect(lines(stdout)[0]).toMatchObject({ id: "x", route: "ai" });
  });
});
