// Export and import: every table of the schema is either exported or excluded for a stated reason; a full round
// trip (export → import into a fresh database → export) is identical on SQLite and PostgreSQL, including across
// dialects; the imported database serves logins, customers' conversation links, the knowledge base, canned
// responses and analytics; bad files change nothing.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../../test/support/databases.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../../../test/support/tandem.ts";
import type { Embedder } from "../../ports/knowledge.ts";
import { SqlActionAudit } from "../actions/http-executor.ts";
import { createSqlAnalyticsStore } from "../analytics/sql-analytics-store.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db/database.ts";
import { parseMarkdown } from "../knowledge/ingest/markdown.ts";
import { KnowledgeBase } from "../knowledge/knowledge-base.ts";
import { SqlKnowledgeStore } from "../knowledge/sql-knowledge-store.ts";
import {
  EXCLUDED_TABLES,
  EXPORTED_TABLES,
  exportDatabase,
  importDatabase,
  isEmptyDatabase,
  ROLLUP_WATERMARK_KEY,
  TransferError,
} from "./export-import.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..", "..");

/** Every record kind of a version 2 export, in file order. */
const KINDS = [
  "customer",
  "user",
  "conversation",
  "message",
  "event",
  "token",
  "kb_source",
  "kb_document",
  "kb_chunk",
  "action_audit",
  "escalation_review",
  "training_example",
  "stored_setting",
  "canned_response",
  "canned_audit",
];
const V1_KINDS = KINDS.slice(0, 5);

const HELP = `# Help centre

## Returns
You can return any item within 30 days of delivery. Refunds reach your card within 5 business days.
Questions about a return: write to returns@shop.example.

## Shipping
Standard delivery takes 2 to 4 business days. Express delivery arrives the next business day.
`;

const CARE = `# Product care

## Towels
Wash the Fjord bath towels at 40 degrees and tumble dry on low heat.

## Boots
Wax leather boots twice a season and let them dry away from radiators.
`;

/** A deterministic stand-in for an embedding endpoint: words hashed into 64 buckets, normalised. */
const wordEmbedder: Embedder = {
  model: "test-hashed-words",
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(64);
      for (const word of t.toLowerCase().match(/\p{L}+/gu) ?? []) {
        let h = 2166136261;
        for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
        const b = (h >>> 0) % 64;
        v[b] = (v[b] ?? 0) + 1;
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

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

/** The base tables of a migrated database, read from the catalogue of its dialect. */
async function tablesOf(handle: DatabaseHandle): Promise<string[]> {
  const rows =
    handle.dialect === "sqlite"
      ? await sql<{
          name: string;
        }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(
          handle.db,
        )
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(handle.db);
  return rows.rows.map((r) => r.name).sort();
}

/** The knowledge base as the AI sees it: hybrid retrieval of one question, reduced to what the answer rests on. */
async function answerOf(handle: DatabaseHandle, question: string) {
  const kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db), embedder: wordEmbedder });
  await kb.load();
  const r = await kb.retrieve(question, { k: 3 });
  return r.passages.map((p) => ({
    id: p.chunk.id,
    text: p.chunk.text,
    score: p.score,
    similarity: p.similarity,
  }));
}

const kindsOf = (lines: string[]) => lines.slice(1, -1).map((l) => (JSON.parse(l) as { kind: string }).kind);

describe("export and import", () => {
  let dir: string;
  let sourceUrl: string;
  let original: string[];
  const agentPassword = "correct-horse-battery";
  /** A customer's conversation link (its token) issued before the export. */
  let link: { id: string; token: string };
  /** An agent session that was revoked (logged out) before the export. */
  let revokedAgentToken: string;
  let reviewedEventId: number;
  let sourceOverview: { conversations: number; escalated: number; reasons: unknown };
  let sourceAnswer: Awaited<ReturnType<typeof answerOf>>;
  const question = "How should I wash the Fjord bath towels?";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-export-"));
    sourceUrl = `sqlite:${join(dir, "source.db")}`;
    // A database with a row in every exported table: customers with attributes, agents, conversations in every
    // status, customer/agent/system messages with triage and meta, internal notes, the event log, live and
    // revoked tokens, a reviewed escalation with its training example, canned responses with their audit, two
    // knowledge sources (one with embeddings), action audit entries and stored settings.
    const t = await startTandem({ DATABASE_URL: sourceUrl, TANDEM_AI: "off" });
    try {
      const alice = await addAgent(t, "alice@example.test", { name: "Alice" });
      const admin = await addAgent(t, "sam@example.test", { name: "Sam", role: "admin" });
      const bob = await addAgent(t, "bob@example.test", { name: "Bob" });
      revokedAgentToken = bob.token;
      const out = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/logout",
        headers: bearer(bob.token),
      });
      expect(out.statusCode).toBeLessThan(300);
      await t.store.createCustomer({
        externalId: "crm-42",
        name: "Zoë Müller",
        email: "zoe@example.com",
        locale: "de-DE",
        attributes: { plan: "pro", ltv: 1234.5 },
      });
      for (let i = 0; i < 4; i++) {
        const c = await newConversation(t.app, { name: `Customer ${i}`, email: `c${i}@example.com` });
        if (i === 0) link = { id: c.id, token: c.token };
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

      // An escalation a reviewer marks unnecessary with the intent it really had: a verdict and a training example.
      const asked = await newConversation(t.app, { name: "Pat", email: "pat@example.com" });
      await postMessage(t.app, asked.id, asked.token, {
        clientMessageId: "m1",
        text: "I want to speak to a real person now, call me on +44 20 7946 0958",
      });
      const escalations = await t.app.inject({
        method: "GET",
        url: "/api/v1/admin/escalations",
        headers: bearer(admin.token),
      });
      const escalation = (
        escalations.json().escalations as { eventId: number; conversationId: string }[]
      ).find((e) => e.conversationId === asked.id);
      reviewedEventId = escalation?.eventId as number;
      const reviewed = await t.app.inject({
        method: "POST",
        url: `/api/v1/admin/escalations/${reviewedEventId}/review`,
        headers: bearer(admin.token),
        payload: {
          verdict: "unnecessary",
          correctedIntent: "order_status",
          note: "Pat (pat@example.com) only wanted the order status",
        },
      });
      expect(reviewed.statusCode).toBe(200);
      expect(reviewed.json().example).toMatchObject({ label: "order_status" });

      // Canned responses: the seeded library plus one created and edited by an admin (create + update audit).
      const made = await t.canned.create(
        {
          shortcut: "/move",
          title: "Moving house",
          text: "Hi {{customer.firstName | there}}, we can change the delivery address until dispatch.",
          intents: ["change_address"],
          reasons: [],
          keywords: ["move", "address"],
          language: "en",
        },
        admin.user.id,
      );
      await t.canned.update(
        made.id,
        { ...made, title: "Moving house (updated)", language: null },
        admin.user.id,
      );

      await t.knowledge.ingest(parseMarkdown(HELP, "help.md", "/kb/help.md"));

      const overview = await t.app.inject({
        method: "GET",
        url: "/api/v1/admin/analytics/overview",
        headers: bearer(admin.token),
      });
      const body = overview.json();
      sourceOverview = {
        conversations: body.figures.conversations,
        escalated: body.figures.escalated,
        reasons: body.reasons,
      };
      expect(sourceOverview.conversations).toBe(5);

      const source = await open(sourceUrl);
      try {
        // A source embedded at ingestion (the optional embedding column), action audit entries and settings.
        const embedded = new KnowledgeBase({
          store: SqlKnowledgeStore.over(source.db),
          embedder: wordEmbedder,
        });
        await embedded.ingest(parseMarkdown(CARE, "care.md", "/kb/care.md"));
        const customerId = (await t.store.getConversation(link.id))?.customerId as string;
        const audit = SqlActionAudit.over(source.db);
        await audit.record({
          conversationId: link.id,
          customerId,
          action: "order_status",
          params: { order: "A-1001", email: "c0@example.com" },
          outcome: "succeeded",
          httpStatus: 200,
          durationMs: 42,
          error: null,
          at: Date.now(),
        });
        await audit.record({
          conversationId: null,
          customerId,
          action: "cancel_order",
          params: { order: "A-1002" },
          outcome: "failed",
          httpStatus: 502,
          durationMs: 1500,
          error: "upstream said: no order for c0@example.com",
          at: Date.now(),
        });
        const analytics = createSqlAnalyticsStore(source);
        await analytics.setState("active_model_dir", "/var/lib/tandem/models/2026-03-01");
        await analytics.setState("digest_sent:2026-03-01", "1772352000000");
        // The rollup ran (the review and the overview refresh it): its watermark is in the database.
        expect(await analytics.getState(ROLLUP_WATERMARK_KEY)).not.toBeNull();
        sourceAnswer = await answerOf(source, question);
        original = await exportLines(source);
      } finally {
        await source.close();
      }
    } finally {
      await t.close();
    }
  }, 90_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const target of testDatabases()) {
    it(`exports every table of a migrated ${target.name} database, or excludes it for a stated reason`, async () => {
      const db = await target.create();
      const handle = await open(db.url);
      try {
        const tables = await tablesOf(handle);
        const unaccounted = tables.filter(
          (n) => !EXPORTED_TABLES.includes(n) && !Object.hasOwn(EXCLUDED_TABLES, n),
        );
        expect(
          unaccounted,
          "add these tables to TABLES in export-import.ts, or to EXCLUDED_TABLES with a reason",
        ).toEqual([]);
        // No stale entries: every table named in either list exists, and no table is in both.
        expect([...EXPORTED_TABLES, ...Object.keys(EXCLUDED_TABLES)].sort()).toEqual(tables);
        for (const reason of Object.values(EXCLUDED_TABLES)) expect(reason.length).toBeGreaterThan(20);
      } finally {
        await handle.close();
        await db.drop();
      }
    });
  }

  it("writes a header, rows of every table in dependency order and an end line with the counts", () => {
    const records = original.map((l) => JSON.parse(l) as { kind: string; counts?: Record<string, number> });
    expect(records[0]).toMatchObject({
      kind: "header",
      format: "tandem-export",
      version: 2,
      sourceDialect: "sqlite",
      redacted: false,
    });
    const kinds = kindsOf(original);
    // The seed reaches every table, so the round trips below cover all of them.
    expect([...new Set(kinds)]).toEqual(KINDS);
    expect(kinds).toEqual([...kinds].sort((a, b) => KINDS.indexOf(a) - KINDS.indexOf(b)));
    const end = records.at(-1);
    expect(end?.kind).toBe("end");
    for (const k of KINDS) expect(end?.counts?.[k]).toBe(kinds.filter((x) => x === k).length);
    expect(end?.counts?.customer).toBe(6);
    expect(end?.counts?.user).toBe(3);
    expect(end?.counts?.kb_source).toBe(2);
    expect(original.some((l) => l.includes('"password_hash":"'))).toBe(true);
  });

  it("carries token hashes, never tokens, and the embeddings of embedded chunks", () => {
    const body = original.join("\n");
    expect(body).not.toContain(link.token);
    expect(body).not.toContain(revokedAgentToken);
    const tokens = original.filter((l) => l.startsWith('{"kind":"token"')).map((l) => JSON.parse(l).row);
    expect(tokens.some((t) => t.kind === "conversation" && t.subject_id === link.id)).toBe(true);
    expect(tokens.some((t) => t.kind === "agent" && t.revoked_at !== null)).toBe(true);
    const chunks = original.filter((l) => l.startsWith('{"kind":"kb_chunk"')).map((l) => JSON.parse(l).row);
    expect(chunks.filter((c) => c.embedding !== null).length).toBeGreaterThan(0);
    expect(chunks.filter((c) => c.embedding === null).length).toBeGreaterThan(0);
  });

  it("leaves derived state behind: the rollup watermark is not exported", () => {
    const settings = original
      .filter((l) => l.startsWith('{"kind":"stored_setting"'))
      .map((l) => JSON.parse(l).row.key);
    expect(settings).toEqual(["active_model_dir", "digest_sent:2026-03-01"]);
  });

  for (const target of testDatabases()) {
    it(`round-trips through a fresh ${target.name} database to an identical export`, async () => {
      const db = await target.create();
      const handle = await open(db.url);
      try {
        const counts = await importDatabase(handle, iterate(original));
        expect(counts.message).toBe(original.filter((l) => l.startsWith('{"kind":"message"')).length);
        expect(counts.kb_chunk).toBe(original.filter((l) => l.startsWith('{"kind":"kb_chunk"')).length);
        const again = await exportLines(handle);
        // Identical apart from the header (its timestamp and source dialect).
        expect(again.slice(1)).toEqual(original.slice(1));
      } finally {
        await handle.close();
        await db.drop();
      }
    });

    it(`gives an imported ${target.name} database that serves logins, conversation links, the knowledge base, canned responses and analytics`, async () => {
      // The server opens the database afresh, so SQLite needs a file here rather than the in-memory one.
      const db =
        target.name === "sqlite"
          ? { url: `sqlite:${join(dir, "imported.db")}`, drop: async () => {} }
          : await target.create();
      const handle = await open(db.url);
      try {
        await importDatabase(handle, iterate(original));
        // The knowledge base answers the same question from the same passages, embeddings included.
        expect(await answerOf(handle, question)).toEqual(sourceAnswer);
        expect(sourceAnswer[0]?.text).toContain("Wash the Fjord bath towels at 40 degrees");
        // Hybrid retrieval used the imported vectors (the embedded source's chunks carry a similarity).
        expect(sourceAnswer.some((p) => p.similarity !== null)).toBe(true);
        // The action audit's ids continue after the imported ones.
        await SqlActionAudit.over(handle.db).record({
          conversationId: link.id,
          customerId: "after-import",
          action: "order_status",
          params: {},
          outcome: "refused",
          httpStatus: null,
          durationMs: 0,
          error: null,
          at: Date.now(),
        });
        const audited = await SqlActionAudit.over(handle.db).forConversation(link.id);
        expect(audited.map((a) => a.customerId).at(-1)).toBe("after-import");
      } finally {
        await handle.close();
      }
      const t = await startTandem({ DATABASE_URL: db.url, TANDEM_AI: "off" });
      try {
        const login = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: "alice@example.test", password: agentPassword },
        });
        expect(login.statusCode).toBe(200);
        const token = login.json().token as string;

        // A customer's link from before the move still opens their conversation; a revoked session stays revoked.
        const history = await t.app.inject({
          method: "GET",
          url: `/api/v1/conversations/${link.id}/messages`,
          headers: bearer(link.token),
        });
        expect(history.statusCode).toBe(200);
        expect(history.json().messages[0].text).toContain("4111 1111 1111 1111");
        const revoked = await t.app.inject({
          method: "GET",
          url: "/api/v1/conversations?status=human",
          headers: bearer(revokedAgentToken),
        });
        expect(revoked.statusCode).toBe(401);

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
        // New rows continue after the imported ids (PostgreSQL's sequences were moved past them).
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

        // The canned library came across (nothing re-seeded over it) and its audit keeps counting.
        const moved = t.canned.current().find((r) => r.shortcut === "/move");
        expect(moved).toMatchObject({ title: "Moving house (updated)", language: null });
        const sourceCanned = original.filter((l) => l.startsWith('{"kind":"canned_response"')).length;
        expect(t.canned.current()).toHaveLength(sourceCanned);
        const adminLogin = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: "sam@example.test", password: agentPassword },
        });
        const adminToken = adminLogin.json().token as string;
        await t.canned.remove(moved?.id as string, "after-import");

        // The rollup is rebuilt from the imported history; the review and its verdict are there.
        const overview = await t.app.inject({
          method: "GET",
          url: "/api/v1/admin/analytics/overview",
          headers: bearer(adminToken),
        });
        const body = overview.json();
        expect({
          conversations: body.figures.conversations,
          escalated: body.figures.escalated,
          reasons: body.reasons,
        }).toEqual(sourceOverview);
        const escalations = await t.app.inject({
          method: "GET",
          url: "/api/v1/admin/escalations",
          headers: bearer(adminToken),
        });
        const reviewed = (
          escalations.json().escalations as { eventId: number; verdict: string | null }[]
        ).find((e) => e.eventId === reviewedEventId);
        expect(reviewed?.verdict).toBe("unnecessary");
      } finally {
        await t.close();
        await db.drop();
      }
    }, 60_000);
  }

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

  it("reads a version 1 export (core tables only)", async () => {
    const v1Rows = original
      .slice(1, -1)
      .filter((l) => V1_KINDS.includes((JSON.parse(l) as { kind: string }).kind));
    const counts = Object.fromEntries(
      V1_KINDS.map((k) => [k, kindsOf(["", ...v1Rows, ""]).filter((x) => x === k).length]),
    );
    const v1 = [
      (original[0] as string).replace('"version":2', '"version":1'),
      ...v1Rows,
      JSON.stringify({ kind: "end", counts }),
    ];
    const handle = await open("sqlite::memory:");
    try {
      const imported = await importDatabase(handle, iterate(v1));
      expect(imported).toMatchObject(counts);
      expect(imported.token).toBe(0);
      expect(kindsOf(await exportLines(handle)).filter((k) => V1_KINDS.includes(k))).toEqual(
        kindsOf(["", ...v1Rows, ""]),
      );
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
      () => [...original.slice(0, 1), ...original.slice(7)],
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
      "a chunk whose embedding is not base64",
      () =>
        original.map((l) =>
          l.includes('"embedding":"') ? l.replace(/"embedding":"[^"]*"/, '"embedding":"<script>"') : l,
        ),
      "IMPORT_INVALID",
      /kb_chunk: embedding: not base64/,
    ],
    [
      "the rollup watermark, which is derived state",
      () => {
        const i = original.findIndex((l) => l.startsWith('{"kind":"stored_setting"'));
        const extra = JSON.stringify({
          kind: "stored_setting",
          row: { key: ROLLUP_WATERMARK_KEY, value: "1" },
        });
        return [...original.slice(0, i), extra, ...original.slice(i)];
      },
      "IMPORT_INVALID",
      /derived state/,
    ],
    [
      "a version 1 file carrying rows version 1 did not have",
      () => [(original[0] as string).replace('"version":2', '"version":1'), ...original.slice(1)],
      "IMPORT_INVALID",
      /unknown kind "token" for a version 1 export/,
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
      () => [original[0]?.replace('"version":2', '"version":3') as string, ...original.slice(1)],
      "IMPORT_UNSUPPORTED_VERSION",
      /version 3 export; this Tandem reads versions 1 and 2/,
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

  it("masks customers' PII where it can appear when asked, keeps company content, and says so in the header", async () => {
    const handle = await open(sourceUrl);
    try {
      const redacted = await exportLines(handle, { redactPii: true });
      expect(JSON.parse(redacted[0] as string).redacted).toBe(true);
      const body = redacted.join("\n");
      // Customer fields, message text, action parameters and errors, review notes, training examples.
      for (const pii of [
        "zoe@example.com",
        "c0@example.com",
        "pat@example.com",
        "4111 1111 1111 1111",
        "7946 0958",
      ])
        expect(body).not.toContain(pii);
      expect(body).toContain("[card]");
      const rowsOf = (lines: string[], kind: string) =>
        lines.filter((l) => l.startsWith(`{"kind":"${kind}"`)).map((l) => JSON.parse(l).row);
      expect(rowsOf(redacted, "action_audit")[0].params).toEqual({ order: "A-1001", email: "[email]" });
      expect(rowsOf(redacted, "escalation_review")[0].note).toBe(
        "Pat ([email]) only wanted the order status",
      );
      expect(rowsOf(redacted, "training_example")[0].text).toContain("[phone]");
      // Staff logins survive, so a redacted export can still be imported and used.
      expect(body).toContain("alice@example.test");
      // The knowledge base and canned responses are the company's own content: untouched.
      for (const kind of ["kb_source", "kb_document", "kb_chunk", "canned_response", "canned_audit", "token"])
        expect(rowsOf(redacted, kind)).toEqual(rowsOf(original, kind));
      expect(body).toContain("returns@shop.example");
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
      /imported 6 customers, 3 users, 5 conversations, \d+ messages, \d+ events, \d+ tokens, 2 knowledge sources, 2 knowledge documents, \d+ knowledge chunks, 2 action audit entries, 1 escalation review, 1 training example, 2 stored settings, \d+ canned responses, \d+ canned response audit entries/,
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
