import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../../bin/tandem.js");
const DEMO = resolve(import.meta.dirname, "../../../demo/kb");
const STARTER_DATA = resolve(import.meta.dirname, "../../../models/starter-data");
const dir = mkdtempSync(join(tmpdir(), "kb-cli-"));
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, "t.db")}`, LLM_BASE_URL: "", LLM_MODEL: "" };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tandem = (args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}) =>
  new Promise<{ stdout: string; stderr: string; code: number }>((res) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...env, ...extraEnv }, cwd: dir, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        res({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });

describe("tandem kb and ask", () => {
  it("adds files of every kind and lists the sources", async () => {
    const r = await tandem([
      "kb",
      "add",
      join(DEMO, "shipping.md"),
      join(DEMO, "returns.md"),
      join(DEMO, "warranty.pdf"),
      join(DEMO, "catalogue.csv"),
      "--columns",
      "description,price_eur,care",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(4);
    const list = JSON.parse((await tandem(["kb", "list", "--json"])).stdout) as {
      name: string;
      chunkCount: number;
    }[];
    expect(list.map((s) => s.name).sort()).toEqual([
      "catalogue.csv",
      "returns.md",
      "shipping.md",
      "warranty.pdf",
    ]);
  }, 30_000);

  it("answers JSONL questions in order with the contract's shape", async () => {
    const input = [
      { id: "q1", text: "How long does standard delivery take?" },
      { id: "q2", text: "Do you sell garden gnomes on the moon?" },
      { id: "q3", text: "How should I care for the Fjord bath towels?" },
    ]
      .map((l) => JSON.stringify(l))
      .join("\n");
    const r = await tandem(["ask", "--k", "3"], `${input}\nnot json\n`);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["q1", "q2", "q3", undefined]);
    const [q1, q2, q3, bad] = lines;
    expect(Object.keys(q1).sort()).toEqual(["answer", "answerable", "citations", "id", "passages"]);
    expect(q1.answerable).toBe(true);
    expect(q1.answer).toContain("2 to 4 business days");
    expect(q1.citations[0]).toEqual({
      documentId: join(DEMO, "shipping.md"),
      title: "Shipping and delivery",
      source: "shipping.md",
    });
    expect(q1.passages.length).toBeLessThanOrEqual(3);
    expect(Object.keys(q1.passages[0]).sort()).toEqual(["documentId", "score", "text"]);
    expect(q2).toMatchObject({ answerable: false, answer: null, citations: [] });
    expect(q3.answerable).toBe(true);
    expect(q3.citations[0]).toMatchObject({ documentId: "LC-1006", source: "catalogue.csv" });
    expect(bad.error.code).toBe("INPUT_INVALID_JSON");
    // No answer is cited to a passage that does not contain it.
    for (const l of [q1, q3])
      for (const sentence of l.answer.split(/(?<=\.)\s+/))
        expect(l.passages.some((p: { text: string }) => p.text.includes(sentence))).toBe(true);
  }, 30_000);

  it("replaces a source when it is added again and deletes it by id", async () => {
    const file = join(dir, "hours.md");
    writeFileSync(file, "# Opening hours\nOur support team answers from 9 to 17 on weekdays.\n");
    await tandem(["kb", "add", file]);
    writeFileSync(file, "# Opening hours\nOur support team answers from 8 to 20 every day.\n");
    const added = await tandem(["kb", "add", file]);
    const id = added.stdout.split(/\s+/)[0]!;
    const r = await tandem(["ask"], JSON.stringify({ id: "h", text: "When does the support team answer?" }));
    expect(JSON.parse(r.stdout).answer).toContain("8 to 20");
    expect((await tandem(["kb", "delete", id])).stdout).toContain(`deleted ${id}`);
    const gone = await tandem(["kb", "delete", id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("KB_NOT_FOUND");
  }, 30_000);

  it("reports a bad file with a coded error and a failing exit code", async () => {
    const r = await tandem(["kb", "add", join(dir, "nope.md")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("KB_NOT_FOUND");
  });
});

describe("tandem kb add option checks", () => {
  it.each([
    ["--max-pages", "0"],
    ["--max-pages", "-1"],
    ["--max-pages", "abc"],
    ["--max-pages", "1.5"],
    ["--max-depth", "0"],
  ])("refuses %s %s with a usage error, not a stack trace", async (option, value) => {
    const r = await tandem(["kb", "add", option, value, "http://127.0.0.1:9/"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: option '${option} <n>' argument '${value}' is invalid`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("refuses a language the tokeniser does not support, naming the supported ones", async () => {
    const r = await tandem(["kb", "add", "--language", "klingon", join(DEMO, "shipping.md")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("KB_UNSUPPORTED_LANGUAGE");
    expect(r.stderr).toContain("en, es, fr, de, pt, it, nl");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("tandem kb add over HTTP", () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/robots.txt")
      return void res
        .writeHead(200, { "content-type": "text/plain" })
        .end("User-agent: *\nDisallow: /private/\n");
    if (req.url === "/redir-private") return void res.writeHead(302, { location: "/private/secret" }).end();
    if (req.url === "/docs/shipping.md")
      return void res
        .writeHead(200, { "content-type": "text/markdown" })
        .end("# Shipping\n\nParcels leave the warehouse within one day.\n");
    res
      .writeHead(200, { "content-type": "text/html" })
      .end("<title>Secret</title><p>Private text that must never be indexed.</p>");
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("does not follow a redirect into a path robots.txt disallows, crawling or not", async () => {
    for (const extra of [[], ["--no-crawl"]]) {
      const r = await tandem(["kb", "add", `${base}/redir-private`, ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("KB_ROBOTS_DISALLOWED");
    }
    expect(requests).not.toContain("/private/secret");
  }, 30_000);

  it("adds a Markdown URL without crawling", async () => {
    const r = await tandem(["kb", "add", `${base}/docs/shipping.md`, "--no-crawl"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("shipping.md: 1 documents, 1 chunks");
  }, 30_000);
});

describe("a team's synonyms", () => {
  it("reads the team's synonyms from KNOWLEDGE_SYNONYMS_FILE, and refuses a bad file before answering", async () => {
    const question = `${JSON.stringify({ id: "q", text: "pakketautomaat?" })}\n`;
    const plain = JSON.parse((await tandem(["ask"], question)).stdout);
    expect(plain.answerable).toBe(false);
    const synonyms = join(dir, "synonyms.yaml");
    writeFileSync(synonyms, "en:\n  - [parcel locker, pakketautomaat]\n");
    const taught = await tandem(["ask"], question, { KNOWLEDGE_SYNONYMS_FILE: synonyms });
    expect(JSON.parse(taught.stdout)).toMatchObject({
      answerable: true,
      answer: expect.stringMatching(/parcel locker/),
    });

    writeFileSync(synonyms, "en:\n  - [pakketautomaat]\n");
    const refused = await tandem(["ask"], question, { KNOWLEDGE_SYNONYMS_FILE: synonyms });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/SYNONYMS_INVALID.*a group needs two entries or more/);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});

describe("a mistyped DATABASE_URL", () => {
  const typo = join(dir, "typo", "tandme.db");
  const typoEnv = { DATABASE_URL: `sqlite:${typo}` };

  it.each([
    [["ask"], '{"id":"q","text":"How long does delivery take?"}\n'],
    [["kb", "list"], undefined],
    [["kb", "list", "--json"], undefined],
    [["kb", "delete", "src_0123456789abcdef"], undefined],
    [["export"], undefined],
    [["train", "--from-db", "--data", STARTER_DATA, "--out", join(dir, "m")], undefined],
  ])(
    "%j refuses to read a database that does not exist, and does not create it",
    async (args, input) => {
      const r = await tandem(args, input, typoEnv);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("DATABASE_NOT_FOUND");
      expect(r.stderr).toContain(`${typo} does not exist`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(join(dir, "typo"))).toBe(false);
    },
    30_000,
  );

  it("refuses the default database when DATABASE_URL is unset and the working directory has none", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "kb-cli-cwd-"));
    try {
      const r = await new Promise<{ stderr: string; code: number }>((res) => {
        execFile(
          process.execPath,
          [BIN, "kb", "list"],
          { env: { ...env, DATABASE_URL: "" }, cwd: elsewhere },
          (err, _stdout, stderr) => res({ stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
        );
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "DATABASE_NOT_FOUND: DATABASE_URL is unset, so the default sqlite:./data/tandem.db",
      );
      expect(existsSync(join(elsewhere, "data"))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 30_000);

  it("refuses a DATABASE_URL the server would refuse, with a coded error and no stack trace", async () => {
    const r = await tandem(["kb", "list"], undefined, { DATABASE_URL: "mysql://db/tandem" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DATABASE_URL_INVALID");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);

  it("lets kb add create a new database, and says where", async () => {
    const fresh = join(dir, "fresh", "kb.db");
    const r = await tandem(["kb", "add", join(DEMO, "shipping.md")], undefined, {
      DATABASE_URL: `sqlite:${fresh}`,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`tandem: creating a new database at ${fresh}\n`);
    expect(existsSync(fresh)).toBe(true);
    const again = await tandem(["kb", "add", join(DEMO, "shipping.md")], undefined, {
      DATABASE_URL: `sqlite:${fresh}`,
    });
    expect(again.stderr).toBe("");
  }, 30_000);
});
