// Export and import: a full round trip (export → import into a fresh database → export) is identical, on SQLite and
// across dialects into PostgreSQL; the imported database serves logins and history; bad files change nothing.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../../test/support/databases.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../../../test/support/tandem.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db/database.ts";
import { exportDatabase, importDatabase, isEmptyDatabase, TransferError } from "./export-import.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..", "..");

async function exportLines(handle: DatabaseHandle, options: { redactPii?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  await exportDatabase(handle, (l) => void out.push(l.replace(/\n$/, "")), options);
  return out;
}

async function* iterate(lines: string[]) {
  yield* lines;
}

async function open(url: string): Promise<DatabaseHandle> {
  const h = openDatabase(url);
  await migrateToLatest(h);
  return h;
}

describe("export and import", () => {
  let dir: string;
  let sourceUrl: string;
  let original: string[];
  const agentPassword = "correct-horse-battery";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-export-"));
    sourceUrl = `sqlite:${join(dir, "source.db")}`;
    // A database with every kind of row: customers with attributes, agents, conversations in every status,
    // customer/agent/system messages with triage and meta, internal notes, and the event log.
    const t = await startTandem({ DATABASE_URL: sourceUrl, TANDEM_AI: "off" });
    try {
      const alice = await addAgent(t, "alice@example.test", { name: "Alice" });
      await t.store.createCustomer({
        externalId: "crm-42",
        name: "Zoë Müller",
        email: "zoe@example.com",
        locale: "de-DE",
        attributes: { plan: "pro", ltv: 1234.5 },
      });
      for (let i = 0; i < 4; i++) {
        const c = await newConversation(t.app, { name: `Customer ${i}`, email: `c${i}@example.com` });
        await postMessage(t.app, c.id, c.token, {
          clientMessageId: "m1",
          text: `Hello, my card 4111 1111 1111 1111 and phone +44 20 7946 0958 (${i})`,
        });
        if (i === 0) continue; // left in the queue
        await t.app.inject({
          method: "POST",
          url: `/api/v1/conversations/${c.id}/claim`,
          headers: bearer(alice.token),
        });
        await postMessage(t.app, c.id, alice.token, { clientMessageId: "a1", text: "On it — ünïcödé ✓ 🚀" });
        await postMessage(t.app, c.id, alice.token, {
          clientMessageId: "n1",
          text: "internal note",
          internal: true,
        });
        if (i === 2)
          await t.app.inject({
            method: "POST",
            url: `/api/v1/conversations/${c.id}/resolve`,
            headers: bearer(alice.token),
            payload: {},
          });
      }
    } finally {
      await t.close();
    }
    const source = await open(sourceUrl);
    original = await exportLines(source);
    await source.close();
  }, 60_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes a header, every row in dependency order and an end line with the counts", () => {
    const records = original.map((l) => JSON.parse(l) as { kind: string; counts?: Record<string, number> });
    expect(records[0]).toMatchObject({
      kind: "header",
      format: "tandem-export",
      version: 1,
      sourceDialect: "sqlite",
      redacted: false,
    });
    const kinds = records.slice(1, -1).map((r) => r.kind);
    const order = ["customer", "user", "conversation", "message", "event"];
    expect([...new Set(kinds)]).toEqual(order);
    expect(kinds).toEqual([...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const end = records.at(-1);
    expect(end?.kind).toBe("end");
    for (const k of order) expect(end?.counts?.[k]).toBe(kinds.filter((x) => x === k).length);
    expect(end?.counts?.customer).toBe(5);
    expect(end?.counts?.user).toBe(1);
    expect(original.some((l) => l.includes('"password_hash":"'))).toBe(true);
  });

  for (const target of testDatabases()) {
    it(`round-trips through a fresh ${target.name} database to an identical export`, async () => {
      const db = await target.create();
      const handle = await open(db.url);
      try {
        const counts = await importDatabase(handle, iterate(original));
        expect(counts.message).toBe(original.filter((l) => l.startsWith('{"kind":"message"')).length);
        const again = await exportLines(handle);
        // Identical apart from the header (its timestamp and source dialect).
        expect(again.slice(1)).toEqual(original.slice(1));
      } finally {
        await handle.close();
        await db.drop();
      }
    });
  }

  it("gives an imported database that serves logins, history and new messages", async () => {
    const url = `sqlite:${join(dir, "imported.db")}`;
    const handle = await open(url);
    await importDatabase(handle, iterate(original));
    await handle.close();
    const t = await startTandem({ DATABASE_URL: url, TANDEM_AI: "off" });
    try {
      const login = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "alice@example.test", password: agentPassword },
      });
      expect(login.statusCode).toBe(200);
      const token = login.json().token as string;
      const inbox = await t.app.inject({
        method: "GET",
        url: "/api/v1/conversations?status=human",
        headers: bearer(token),
      });
      const held = inbox.json().conversations as { id: string }[];
      expect(held).toHaveLength(2);
      const id = held[0]?.id as string;
      const before = await t.app.inject({
        method: "GET",
        url: `/api/v1/conversations/${id}/messages`,
        headers: bearer(token),
      });
      const last = (before.json().messages as { seq: number }[]).at(-1)?.seq as number;
      const posted = await postMessage(t.app, id, token, {
        clientMessageId: "after-import",
        text: "still here",
      });
      expect(posted.statusCode).toBe(201);
      expect(posted.json().message.seq).toBe(last + 1);
      // Idempotency keys came across too: replaying an old clientMessageId creates nothing.
      const replay = await postMessage(t.app, id, token, {
        clientMessageId: "a1",
        text: "On it — ünïcödé ✓ 🚀",
      });
      expect(replay.statusCode).toBe(200);
      const events = await t.app.inject({
        method: "GET",
        url: `/api/v1/conversations/${id}/events`,
        headers: bearer(token),
      });
      const ids = (events.json().events as { id: number }[]).map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      await t.close();
    }
  });

  it("refuses a database that already has data, and changes nothing in it", async () => {
    const handle = await open(sourceUrl);
    try {
      const err = await importDatabase(handle, iterate(original)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransferError);
      expect((err as TransferError).code).toBe("DATABASE_NOT_EMPTY");
      expect((await exportLines(handle)).slice(1)).toEqual(original.slice(1));
    } finally {
      await handle.close();
    }
  });

  const refusals: [string, () => string[], string, RegExp][] = [
    ["a truncated file", () => original.slice(0, -1), "IMPORT_TRUNCATED", /incomplete/],
    [
      "a file missing rows its end line counts",
      () => [...original.slice(0, -2), original.at(-1) as string],
      "IMPORT_TRUNCATED",
      /promises/,
    ],
    [
      "a row referring to a row the file lacks",
      () => [...original.slice(0, 1), ...original.slice(6)],
      "IMPORT_INVALID",
      /conversations before line/,
    ],
    [
      "a row with a wrong type",
      () => original.map((l, i) => (i === 2 ? l.replace(/"created_at":\d+/, '"created_at":"yesterday"') : l)),
      "IMPORT_INVALID",
      /^line 3: /,
    ],
    [
      "a row with an unknown field",
      () => original.map((l, i) => (i === 2 ? l.replace('"row":{', '"row":{"evil":1,') : l)),
      "IMPORT_INVALID",
      /line 3/,
    ],
    [
      "rows out of dependency order",
      () => [original[0] as string, ...original.slice(1, -1).reverse(), original.at(-1) as string],
      "IMPORT_INVALID",
      /must come before/,
    ],
    ["something that is not an export", () => ['{"hello":"world"}'], "IMPORT_INVALID", /not a Tandem export/],
    [
      "a future format version",
      () => [original[0]?.replace('"version":1', '"version":2') as string, ...original.slice(1)],
      "IMPORT_UNSUPPORTED_VERSION",
      /version 2/,
    ],
  ];
  for (const [what, lines, code, message] of refusals) {
    it(`refuses ${what} with ${code} and imports nothing`, async () => {
      const handle = await open("sqlite::memory:");
      try {
        const err = await importDatabase(handle, iterate(lines())).catch((e: unknown) => e);
        expect((err as TransferError).code).toBe(code);
        expect((err as Error).message).toMatch(message);
        expect(await isEmptyDatabase(handle)).toBe(true);
      } finally {
        await handle.close();
      }
    });
  }

  it("masks customer PII and message text when asked, and says so in the header", async () => {
    const handle = await open(sourceUrl);
    try {
      const redacted = await exportLines(handle, { redactPii: true });
      expect(JSON.parse(redacted[0] as string).redacted).toBe(true);
      const body = redacted.join("\n");
      expect(body).not.toContain("zoe@example.com");
      expect(body).not.toContain("4111 1111 1111 1111");
      expect(body).not.toContain("7946 0958");
      expect(body).toContain("[card]");
      // Staff logins survive, so a redacted export can still be imported and used.
      expect(body).toContain("alice@example.test");
    } finally {
      await handle.close();
    }
  });

  it("runs as `tandem export --out` and `tandem import` from the command line", async () => {
    const file = join(dir, "cli-export.jsonl");
    const env = { ...process.env, LOG_LEVEL: "silent" };
    const bin = join(root, "bin", "tandem.js");
    await run(process.execPath, [bin, "export", "--out", file], {
      cwd: root,
      env: { ...env, DATABASE_URL: sourceUrl },
    });
    const target = `sqlite:${join(dir, "cli-target.db")}`;
    const imported = await run(process.execPath, [bin, "import", file], {
      cwd: root,
      env: { ...env, DATABASE_URL: target },
    });
    expect(imported.stderr).toMatch(
      /imported 5 customers, 1 user, 4 conversations, \d+ messages, \d+ events/,
    );
    const second = await run(process.execPath, [bin, "import", file], {
      cwd: root,
      env: { ...env, DATABASE_URL: target },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((second as { code: number }).code).toBe(1);
    expect((second as { stderr: string }).stderr).toContain("DATABASE_NOT_EMPTY");
    const again = await run(process.execPath, [bin, "export"], {
      cwd: root,
      env: { ...env, DATABASE_URL: target },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(again.stdout.trim().split("\n").slice(1)).toEqual(
      readFileSync(file, "utf8").trim().split("\n").slice(1),
    );
  }, 60_000);
});
