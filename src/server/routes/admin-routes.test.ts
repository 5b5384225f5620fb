// The admin API against a real Tandem on each database: role checks, figures that match the pure definitions on
// the same stored logs, review verdicts feeding patterns and training examples, CSV, Prometheus and rule preview.

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqlAnalyticsStore } from "../../adapters/analytics/sql-analytics-store.ts";
import { openDatabase } from "../../adapters/db/database.ts";
import { deriveFacts } from "../../domain/analytics/facts.ts";
import { figuresFrom, totalsOf } from "../../domain/analytics/figures.ts";
import type { ConversationFacts } from "../../domain/analytics/types.ts";
import type { Tandem } from "../../main.ts";
import type { Responder } from "../../ports/responder.ts";
import { testDatabases } from "../../../test/support/databases.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../../../test/support/tandem.ts";

const responder: Responder = {
  async respond() {
    return { kind: "reply", text: "Your order ships tomorrow." };
  },
};

for (const dbKind of testDatabases()) {
  describe(`admin API on ${dbKind.name}`, () => {
    let t: Tandem;
    let db: { url: string; drop(): Promise<void> };
    let supervisor: { token: string; user: { id: string } };
    let agent: { token: string };
    let admin: { token: string };
    let escalatedId: string;

    const get = (path: string, token = supervisor.token) => t.app.inject({ method: "GET", url: path, headers: bearer(token) });
    const post = (path: string, payload: unknown, token = supervisor.token) =>
      t.app.inject({ method: "POST", url: path, headers: bearer(token), payload: payload as Record<string, unknown> });

    beforeAll(async () => {
      db = await dbKind.create();
      // A file database on SQLite so the test can open a second handle on the same data.
      sqliteFile = dbKind.name === "sqlite" ? join(tmpdir(), `tandem-admin-${process.pid}-${Date.now()}.db`) : null;
      const url = sqliteFile ? `sqlite:${sqliteFile}` : db.url;
      t = await startTandem({ DATABASE_URL: url, ANALYTICS_REFRESH_SECONDS: "0" }, { responder });
      supervisor = await addAgent(t, "sup@example.com", { role: "supervisor", tier: 3 });
      agent = await addAgent(t, "agent@example.com");
      admin = await addAgent(t, "admin@example.com", { role: "admin" });
      await t.desk.stop(); // no auto-assignment: the test decides who claims

      const a = await newConversation(t.app, { name: "Ann" });
      await postMessage(t.app, a.id, a.token, { clientMessageId: "1", text: "Where is my order?" });
      await waitFor(async () => (await t.store.listMessages(a.id, {})).some((m) => m.author === "ai"));
      await t.app.inject({ method: "POST", url: `/api/v1/conversations/${a.id}/resolve`, headers: bearer(a.token), payload: {} });

      const b = await newConversation(t.app, { name: "Ben" });
      escalatedId = b.id;
      await postMessage(t.app, b.id, b.token, { clientMessageId: "1", text: "I want to talk to a person about my invoice" });
      await waitFor(async () => (await t.store.getConversation(b.id))?.status === "waiting_human");
      await post(`/api/v1/conversations/${b.id}/claim`, {});
      await post(`/api/v1/conversations/${b.id}/messages`, { clientMessageId: "r1", text: "Your invoice is in Settings > Billing > Invoices." });
      await post(`/api/v1/conversations/${b.id}/resolve`, { resolutionCode: "answered" });
    }, 30_000);

    let sqliteFile: string | null = null;
    afterAll(async () => {
      await t?.close();
      await db?.drop();
      if (sqliteFile) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${sqliteFile}${suffix}`, { force: true });
    });

    it("refuses analytics to agents and serves supervisors", async () => {
      expect((await get("/api/v1/admin/analytics/overview", agent.token)).statusCode).toBe(403);
      expect((await t.app.inject({ method: "GET", url: "/api/v1/admin/analytics/overview" })).statusCode).toBe(401);
      expect((await get("/api/v1/admin/analytics/overview")).statusCode).toBe(200);
      expect((await post("/api/v1/admin/routing-rules/preview", { yaml: "version: 1" })).statusCode).toBe(403);
    });

    it("reports the same figures as the pure definitions over the stored logs", async () => {
      const res = await get("/api/v1/admin/analytics/overview");
      const body = res.json();
      expect(body.figures).toMatchObject({ conversations: 2, escalated: 1, escalationRate: 0.5, aiConfirmed: 1, aiResolved: 1, aiResolutionRate: 0.5 });
      expect(body.reasons).toEqual([{ reason: "human_requested", count: 1, share: 1 }]);
      expect(body.escalationTarget).toEqual({ low: 0.1, high: 0.2 });

      // Recompute in memory from the same database: the SQL rollup and the pure path agree on every figure.
      const handle = openDatabase(t.config.DATABASE_URL);
      try {
        const store = createSqlAnalyticsStore(handle);
        const ids = (await store.changedConversations(0)).map((c) => c.conversationId);
        const bundle = await store.loadLogs(ids);
        const caps = await store.agentCapacities();
        const now = Date.now();
        const facts = bundle.logs
          .map((log) => deriveFacts(log, { now, returnWindowMs: 7 * 86_400_000, otherConversationsAt: [], capacityOf: (id) => caps.get(id) ?? 1 }))
          .filter((f): f is ConversationFacts => f !== null);
        const pure = figuresFrom(totalsOf(facts), { agentCostPerHour: 30, llmCostPer1kPromptTokens: 0, llmCostPer1kCompletionTokens: 0 });
        for (const [k, v] of Object.entries(pure)) {
          if (typeof v === "number" && !["agentHours", "agentCost", "costPerInteraction", "baselineAgentHours", "baselineCostPerInteraction"].includes(k)) {
            expect(body.figures[k], k).toBeCloseTo(v, 6);
          }
        }
      } finally {
        await handle.close();
      }
    });

    it("gives a row per day and per intent, and CSV exports", async () => {
      const days = (await get("/api/v1/admin/analytics/days")).json().days;
      expect(days).toHaveLength(30);
      expect(days.at(-1).figures.conversations).toBe(2);
      const intents = (await get("/api/v1/admin/analytics/intents")).json().intents;
      expect(intents.reduce((s: number, i: { figures: { conversations: number } }) => s + i.figures.conversations, 0)).toBe(2);
      const csv = await get("/api/v1/admin/analytics/export.csv?view=conversations");
      expect(csv.headers["content-type"]).toContain("text/csv");
      const lines = csv.body.trim().split("\r\n");
      expect(lines[0]).toContain("conversation_id");
      expect(lines).toHaveLength(3);
      expect((await get("/api/v1/admin/analytics/export.csv?view=nope")).statusCode).toBe(400);
    });

    it("exposes the figures as Prometheus gauges", async () => {
      const res = await t.app.inject({ method: "GET", url: "/metrics" });
      expect(res.body).toMatch(/tandem_escalation_rate\{window="30d"\} 0\.5/);
      expect(res.body).toMatch(/tandem_escalations_by_reason\{window="30d",reason="human_requested"\} 1/);
    });

    it("lists escalations with their message and cues, and a verdict updates the patterns and adds an example", async () => {
      const list = (await get("/api/v1/admin/escalations")).json();
      expect(list.escalations).toHaveLength(1);
      const e = list.escalations[0];
      expect(e).toMatchObject({ conversationId: escalatedId, reasons: ["human_requested"], status: "resolved", resolutionCode: "answered", verdict: null });
      expect(e.message).toContain("talk to a person");
      expect(e.cues.some((c: { kind: string }) => c.kind === "human_request")).toBe(true);

      expect((await post(`/api/v1/admin/escalations/${e.eventId}/review`, { verdict: "sometimes" })).statusCode).toBe(400);
      const marked = await post(`/api/v1/admin/escalations/${e.eventId}/review`, { verdict: "unnecessary", correctedIntent: "billing_info" });
      expect(marked.statusCode).toBe(200);
      expect(marked.json().example).toEqual({ text: e.message, label: "billing_info" });

      const patterns = (await get("/api/v1/admin/escalations/patterns?by=reason")).json();
      expect(patterns.verdicts).toHaveLength(1);
      expect(patterns.verdicts[0]).toMatchObject({ key: "human_requested", total: 1, verdicts: { unnecessary: 1, correct: 0 } });
      const examples = (await get("/api/v1/admin/training-examples")).json().examples;
      expect(examples).toMatchObject([{ label: "billing_info", source: "intent_correction", conversationId: escalatedId }]);

      // Changing one's mind replaces the verdict rather than adding a second one.
      await post(`/api/v1/admin/escalations/${e.eventId}/review`, { verdict: "correct" });
      const again = (await get("/api/v1/admin/escalations/patterns?by=reason")).json();
      expect(again.verdicts[0]).toMatchObject({ total: 1, verdicts: { unnecessary: 0, correct: 1 } });
      expect((await post("/api/v1/admin/escalations/999999/review", { verdict: "correct" })).statusCode).toBe(404);
    });

    it("drafts a knowledge article from a resolved conversation", async () => {
      const res = await post(`/api/v1/admin/conversations/${escalatedId}/article-draft`, {});
      expect(res.statusCode).toBe(200);
      expect(res.json().draft).toMatchObject({ question: "I want to talk to a person about my invoice", answer: "Your invoice is in Settings > Billing > Invoices." });
    });

    it("previews how recent messages would route under edited rules", async () => {
      const res = await post("/api/v1/admin/routing-rules/preview", { yaml: "reasons:\n  human_requested: { escalate: false, tier: 1 }\n" }, admin.token);
      expect(res.statusCode).toBe(200);
      const { summary, rows } = res.json().preview;
      expect(summary.toAi).toBeGreaterThanOrEqual(1);
      expect(rows.find((r: { conversationId: string }) => r.conversationId === escalatedId)).toMatchObject({ before: { route: "human" }, after: { route: "ai" }, changed: true });
      const bad = await post("/api/v1/admin/routing-rules/preview", { yaml: "reasons:\n  frustration: { threshold: 7 }\n" }, admin.token);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain("threshold");
    });

    it("builds the weekly digest page", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const res = await get(`/api/v1/admin/digest?weekEnd=${today}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().digest.highlights[0]).toContain("2 conversations");
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
