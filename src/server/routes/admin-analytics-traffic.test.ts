// The dashboard checked against traffic made by hand: real conversations with the demo AI through the public API
// on a clock the test moves, and every figure the admin API reports compared with what the test did.

import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../adapters/db/database.ts";
import type { Tandem } from "../../main.ts";
import { type TestDatabase, testDatabases } from "../../../test/support/databases.ts";
import {
  addAgent,
  bearer,
  manualClock,
  newConversation,
  postMessage,
  signedCustomer,
  startTandem,
} from "../../../test/support/tandem.ts";

const DAY = 86_400_000;

type Reply = Awaited<ReturnType<Tandem["app"]["inject"]>>;

interface Desk {
  t: Tandem;
  clock: ReturnType<typeof manualClock>;
  supervisor: { token: string };
  agent: { token: string };
  get(path: string): Promise<Reply>;
  /** A customer message, answered (or escalated) by the demo AI before it returns; the clock then moves 30 s. */
  say(c: { id: string; token: string }, text: string): Promise<void>;
  asAgent(path: string, body?: Record<string, unknown>): Promise<Reply>;
  asCustomer(c: { id: string; token: string }, path: string, body?: Record<string, unknown>): Promise<Reply>;
  status(id: string): Promise<string | undefined>;
}

/** What each test opened, closed after it: the Tandem, then its database. */
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/**
 * A fresh Tandem on a fresh database of this kind. `url` is the database's address, for a second handle on the same
 * data (SQLite then lives in a file rather than in memory).
 */
async function desk(dbKind: TestDatabase): Promise<Desk & { url: string }> {
  const db = await dbKind.create();
  const file =
    dbKind.name === "sqlite" ? join(tmpdir(), `tandem-traffic-${process.pid}-${randomUUID()}.db`) : null;
  const url = file ? `sqlite:${file}` : db.url;
  cleanups.push(async () => {
    await db.drop();
    if (file) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  });
  const clock = manualClock(Date.parse("2026-03-02T09:00:00Z"));
  const t = await startTandem(
    { DATABASE_URL: url, ANALYTICS_REFRESH_SECONDS: "0", SESSION_TTL_HOURS: "10000" },
    { demo: true, clock },
  );
  cleanups.push(() => t.close());
  const supervisor = await addAgent(t, "sup@example.com", { role: "supervisor", tier: 3 });
  const agent = await addAgent(t, "agent@example.com");
  await t.desk.stop(); // no auto-assignment: the test decides who claims
  let n = 0;
  return {
    url,
    t,
    clock,
    supervisor,
    agent,
    get: (path) => t.app.inject({ method: "GET", url: path, headers: bearer(supervisor.token) }),
    async say(c, text) {
      const res = await postMessage(t.app, c.id, c.token, { clientMessageId: `m${n++}`, text });
      expect(res.statusCode, res.body).toBe(201);
      await t.conversations.drain();
      clock.advance(30_000);
    },
    asAgent: (path, body = {}) =>
      t.app.inject({ method: "POST", url: path, headers: bearer(agent.token), payload: body }),
    asCustomer: (c, path, body = {}) =>
      t.app.inject({ method: "POST", url: path, headers: bearer(c.token), payload: body }),
    status: async (id) => (await t.store.getConversation(id))?.status,
  };
}

const figures = async (d: Desk, query = "") => {
  const res = await d.get(`/api/v1/admin/analytics/overview${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().figures;
};

for (const dbKind of testDatabases()) {
  describe(`analytics over real traffic on ${dbKind.name}`, () => {
    it("counts the customer's 'thanks, that helped' as a confirmed AI resolution at once, not after the return window", async () => {
      const d = await desk(dbKind);
      const helped = await newConversation(d.t.app);
      await d.say(helped, "How long does shipping take?");
      await d.say(helped, "thanks!");
      expect(await d.status(helped.id)).toBe("resolved");
      const silent = await newConversation(d.t.app);
      await d.say(silent, "How do I return an item?");

      // One confirmed, one still inside its 7-day window: 1 of 1 decided conversations resolved by the AI.
      expect(await figures(d)).toMatchObject({
        conversations: 2,
        aiConfirmed: 1,
        aiPending: 1,
        aiResolved: 1,
        aiResolutionRate: 1,
        escalated: 0,
      });
    });

    it("does not count a customer who left after the AI's greeting as resolved by the AI", async () => {
      const d = await desk(dbKind);
      const hello = await newConversation(d.t.app);
      await d.say(hello, "hi");
      const answered = await newConversation(d.t.app);
      await d.say(answered, "How long does shipping take?");
      d.clock.advance(8 * DAY);

      // Both went quiet for the whole window, but only one had an answer to be resolved by.
      expect(await figures(d, "?from=2026-03-02&to=2026-03-02")).toMatchObject({
        conversations: 2,
        aiNoReturn: 1,
        aiResolved: 1,
        aiResolutionRate: 0.5,
      });
    });

    it("counts an agent taking over from the AI as an escalation resolved by a person, and no conversation as off agents that needed one", async () => {
      const d = await desk(dbKind);
      const taken = await newConversation(d.t.app);
      await d.say(taken, "How do I return an item?");
      expect((await d.asAgent(`/api/v1/conversations/${taken.id}/claim`)).statusCode).toBe(200); // straight from the AI
      d.clock.advance(60_000);
      await d.asAgent(`/api/v1/conversations/${taken.id}/messages`, {
        clientMessageId: "r1",
        text: "I've started the return for you.",
      });
      d.clock.advance(60_000);
      expect(
        (await d.asAgent(`/api/v1/conversations/${taken.id}/resolve`, { resolutionCode: "done" })).statusCode,
      ).toBe(200);
      const queued = await newConversation(d.t.app);
      await d.say(queued, "I want to talk to a person"); // waits in the queue: nobody has taken it yet
      d.clock.advance(8 * DAY);

      const overview = (await d.get("/api/v1/admin/analytics/overview?from=2026-03-02&to=2026-03-02")).json();
      // The takeover: 30 s after the message, agent reply at 90 s, resolved at 150 s (120 s held by the agent).
      expect(overview.figures).toMatchObject({
        conversations: 2,
        escalated: 2,
        aiResolved: 0,
        aiNoReturn: 0,
        ahtAiMs: null,
        ahtEscalatedMs: 150_000,
        ahtUnassistedMs: 120_000,
        firstHumanResponseMs: 60_000,
        conversationsOffAgents: 0,
      });
      expect(overview.reasons).toEqual([
        { reason: "agent_takeover", count: 1, share: 0.5 },
        { reason: "human_requested", count: 1, share: 0.5 },
      ]);
    });

    it("does not count a customer who gave up in the queue as resolved by a person, in handling time or in human CSAT", async () => {
      const d = await desk(dbKind);
      const helped = await newConversation(d.t.app);
      await d.say(helped, "I want to talk to a person about my invoice");
      expect(await d.status(helped.id)).toBe("waiting_human");
      expect((await d.asAgent(`/api/v1/conversations/${helped.id}/claim`)).statusCode).toBe(200); // 30 s after the message
      d.clock.advance(60_000);
      await d.asAgent(`/api/v1/conversations/${helped.id}/messages`, {
        clientMessageId: "r1",
        text: "Your invoice is under Settings > Billing.",
      });
      d.clock.advance(60_000);
      expect(
        (await d.asAgent(`/api/v1/conversations/${helped.id}/resolve`, { resolutionCode: "answered" }))
          .statusCode,
      ).toBe(200);
      expect(
        (await d.asCustomer(helped, `/api/v1/conversations/${helped.id}/csat`, { score: 5 })).statusCode,
      ).toBe(201);

      const gaveUp = await newConversation(d.t.app);
      await d.say(gaveUp, "I want to speak to a human now");
      expect(await d.status(gaveUp.id)).toBe("waiting_human");
      expect((await d.asCustomer(gaveUp, `/api/v1/conversations/${gaveUp.id}/resolve`)).statusCode).toBe(200);
      expect(
        (await d.asCustomer(gaveUp, `/api/v1/conversations/${gaveUp.id}/csat`, { score: 1 })).statusCode,
      ).toBe(201);

      // Only the first was resolved by a person: 150 s from the customer's message to the agent's resolution, 120 s
      // of them held by the agent, CSAT 5 from one answer. The second is an escalation nobody handled.
      expect(await figures(d)).toMatchObject({
        conversations: 2,
        escalated: 2,
        escalationRate: 1,
        ahtEscalatedMs: 150_000,
        ahtUnassistedMs: 120_000,
        unassistedCount: 1,
        csatHuman: 5,
        csatHumanCount: 1,
        csatHumanSatisfiedRate: 1,
        csatAiCount: 0,
        firstHumanResponseMs: 90_000,
      });
    });

    it("filters the review queue by escalation reason", async () => {
      const d = await desk(dbKind);
      const person = await newConversation(d.t.app);
      await d.say(person, "I want to talk to a person");
      const unknown = await newConversation(d.t.app);
      await d.say(unknown, "Is there a student discount?");
      expect((await d.t.store.getConversation(unknown.id))?.reasons).toEqual(["cannot_answer"]);

      const list = async (reason: string) =>
        (await d.get(`/api/v1/admin/escalations?reason=${reason}`))
          .json()
          .escalations.map((e: { conversationId: string }) => e.conversationId);
      expect(await list("cannot_answer")).toEqual([unknown.id]);
      expect(await list("human_requested")).toEqual([person.id]);
      expect(await list("frustration")).toEqual([]);
    });

    it("shows the question the AI could not answer as the knowledge gap, not the customer's 'no, that didn't help'", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "How long does shipping take?");
      await d.say(c, "no, that didn't help at all");
      expect((await d.t.store.getConversation(c.id))?.reasons).toEqual(["cannot_answer"]);

      const clusters = (await d.get("/api/v1/admin/knowledge-gaps")).json().clusters;
      expect(clusters).toHaveLength(1);
      expect(clusters[0]).toMatchObject({
        representative: "How long does shipping take?",
        count: 1,
        conversationIds: [c.id],
      });
    });

    it("counts a question only under the escalation that was about it in the knowledge gaps", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "Is there a student discount?"); // cannot_answer
      await d.asAgent(`/api/v1/conversations/${c.id}/claim`);
      expect((await d.asAgent(`/api/v1/conversations/${c.id}/handback`)).statusCode).toBe(200);
      await d.say(c, "I want to speak to a human agent please"); // escalated again, for another reason
      expect((await d.get("/api/v1/admin/escalations")).json().escalations).toHaveLength(2);

      const clusters = (await d.get("/api/v1/admin/knowledge-gaps")).json().clusters;
      expect(
        clusters.map((g: { representative: string; count: number }) => [g.representative, g.count]),
      ).toEqual([["Is there a student discount?", 1]]);
    });

    it("lists the cues that explain an escalation, frustration first, without the words that read friendly", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "This is terrible. I want to speak to a human agent please");
      const [e] = (await d.get("/api/v1/admin/escalations")).json().escalations;
      expect(e.cues.map((cue: { kind: string; text: string }) => [cue.kind, cue.text])).toEqual([
        ["human_request", "want to speak to a human"],
        ["negative_sentiment", expect.any(String)],
        ["lexicon", "terrible"],
      ]);
    });

    it("finds the question of a later escalation the AI could not answer, after a first one for another reason", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "I want to speak to a human agent please");
      await d.asAgent(`/api/v1/conversations/${c.id}/claim`);
      expect((await d.asAgent(`/api/v1/conversations/${c.id}/handback`)).statusCode).toBe(200);
      await d.say(c, "Is there a student discount?"); // escalated again: cannot_answer
      expect((await d.t.store.getConversation(c.id))?.reasons).toEqual(["cannot_answer"]);

      const clusters = (await d.get("/api/v1/admin/knowledge-gaps")).json().clusters;
      expect(
        clusters.map((g: { representative: string; count: number }) => [g.representative, g.count]),
      ).toEqual([["Is there a student discount?", 1]]);
    });

    it("labels the example from an 'unnecessary' verdict with the escalating message's intent, not the conversation's first", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "How long does shipping take?");
      await d.say(c, "Is there a student discount?");
      expect(await d.status(c.id)).toBe("waiting_human");
      const messages = await d.t.store.listMessages(c.id, {});
      const escalating = messages.filter((m) => m.author === "customer").at(-1);
      const intent = escalating?.triage?.intent;
      expect(intent).toBeTruthy();
      expect(intent).not.toBe(messages.find((m) => m.author === "customer")?.triage?.intent);

      const [e] = (await d.get("/api/v1/admin/escalations")).json().escalations;
      expect(e).toMatchObject({ message: "Is there a student discount?", messageIntent: intent });
      const res = await d.t.app.inject({
        method: "POST",
        url: `/api/v1/admin/escalations/${e.eventId}/review`,
        headers: bearer(d.supervisor.token),
        payload: { verdict: "unnecessary" },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().example).toEqual({ text: "Is there a student discount?", label: intent });
    });

    it("does not treat a conversation the customer opened without writing as coming back", async () => {
      const d = await desk(dbKind);
      const customer = signedCustomer({ externalId: "cust-77", email: "c77@example.com" });
      const first = await newConversation(d.t.app, customer);
      await d.say(first, "How long does shipping take?");
      d.clock.advance(DAY);
      await newConversation(d.t.app, customer); // opened, never written in
      const wroteAgain = signedCustomer({ externalId: "cust-78", email: "c78@example.com" });
      const other = await newConversation(d.t.app, wroteAgain);
      await d.say(other, "How do I return an item?");
      d.clock.advance(DAY);
      const back = await newConversation(d.t.app, wroteAgain);
      await d.say(back, "How long does shipping take?");
      d.clock.advance(8 * DAY);

      // cust-77's answer stood for the whole window; cust-78 wrote again the next day.
      expect(await figures(d, "?from=2026-03-02&to=2026-03-12")).toMatchObject({
        conversations: 3,
        aiNoReturn: 2,
        aiReturned: 1,
        aiPending: 0,
      });
    });

    it("refuses days that are not on the calendar with a 400 instead of a 500 or a silent rollover", async () => {
      const d = await desk(dbKind);
      for (const path of [
        "/api/v1/admin/analytics/overview?to=2026-13-01",
        "/api/v1/admin/analytics/days?to=2026-13-01",
        "/api/v1/admin/analytics/days?from=2026-02-30",
        "/api/v1/admin/analytics/days?from=2026-02-31&to=2026-03-02",
        "/api/v1/admin/analytics/export.csv?to=2026-04-31",
        "/api/v1/admin/escalations?from=2026-02-29",
        "/api/v1/admin/digest?weekEnd=2026-02-30",
        // Real days, but a week the calendar arithmetic cannot reach.
        "/api/v1/admin/digest?weekEnd=0000-01-01",
        "/api/v1/admin/digest?weekEnd=1970-01-06",
      ]) {
        const res = await d.get(path);
        expect(res.statusCode, `${path}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe("VALIDATION_FAILED");
      }
      expect(
        (await d.get("/api/v1/admin/analytics/days?from=2028-02-28&to=2028-02-29"))
          .json()
          .days.map((x: { day: string }) => x.day),
      ).toEqual(["2028-02-28", "2028-02-29"]);
    });

    it("keeps /metrics answering, without the analytics gauges, when the rollup cannot be read", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "How do I return an item?");
      const healthy = await d.t.app.inject({ method: "GET", url: "/metrics" });
      expect(healthy.body).toMatch(/^tandem_conversations\{window="30d"\} 1$/m);

      const handle = openDatabase(d.url);
      try {
        await sql`DROP TABLE analytics_hourly_all`.execute(handle.db);
      } finally {
        await handle.close();
      }
      await new Promise((r) => setTimeout(r, 1100)); // the gauges are read at most once a second
      const res = await d.t.app.inject({ method: "GET", url: "/metrics" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/^tandem_messages_total\{author="customer"\} 1$/m);
      expect(res.body).not.toMatch(/^tandem_conversations\{/m);
      expect(res.body).toMatch(/^tandem_analytics_up 0$/m);
      expect(healthy.body).toMatch(/^tandem_analytics_up 1$/m);
    });

    it("rebuilds a rollup made under an older definition of the figures", async () => {
      const d = await desk(dbKind);
      const c = await newConversation(d.t.app);
      await d.say(c, "How do I return an item?");
      expect(await figures(d)).toMatchObject({ conversations: 1 });
      // What a database rolled up by an older release looks like: a current watermark in the old format (no
      // definition version), over facts derived by the old rules (here: gone).
      const handle = openDatabase(d.url);
      try {
        await sql`DELETE FROM analytics_facts`.execute(handle.db);
        await sql`DELETE FROM analytics_hourly`.execute(handle.db);
        await sql`DELETE FROM analytics_hourly_all`.execute(handle.db);
        await sql`UPDATE analytics_state SET value = ${String(d.clock.now())} WHERE key = 'rollup_watermark'`.execute(
          handle.db,
        );
      } finally {
        await handle.close();
      }
      expect(await figures(d)).toMatchObject({ conversations: 1, aiPending: 1 });
    });

    it("buckets days in the asked time zone across New York's 23-hour DST day, and makes 'today' New York's", async () => {
      const d = await desk(dbKind);
      const to = (iso: string) => d.clock.advance(Date.parse(iso) - d.clock.now());
      to("2026-03-08T04:30:00Z"); // Saturday 7th, 23:30 EST
      await d.say(await newConversation(d.t.app), "How long does shipping take?");
      to("2026-03-09T03:30:00Z"); // Sunday 8th, 23:30 EDT (the 8th lost its 02:00-03:00 hour): the 9th in UTC
      await d.say(await newConversation(d.t.app), "How do I return an item?");
      to("2026-03-09T04:30:00Z"); // Monday 9th, 00:30 EDT
      await d.say(await newConversation(d.t.app), "I want to talk to a person");

      const perDay = async (query: string) => {
        const res = await d.get(`/api/v1/admin/analytics/days?from=2026-03-07&to=2026-03-09${query}`);
        expect(res.statusCode, res.body).toBe(200);
        return res
          .json()
          .days.map((x: { day: string; figures: { conversations: number; escalated: number } }) => [
            x.day,
            x.figures.conversations,
            x.figures.escalated,
          ]);
      };
      expect(await perDay("&tz=America/New_York")).toEqual([
        ["2026-03-07", 1, 0],
        ["2026-03-08", 1, 0],
        ["2026-03-09", 1, 1],
      ]);
      expect(await perDay("")).toEqual([
        ["2026-03-07", 0, 0],
        ["2026-03-08", 1, 0],
        ["2026-03-09", 2, 1],
      ]); // UTC by default
      expect(await perDay("&tz=Asia/Kolkata")).toEqual([
        ["2026-03-07", 0, 0],
        ["2026-03-08", 1, 0],
        ["2026-03-09", 2, 1],
      ]);

      // At 04:31 UTC on the 9th it is already Monday in New York but still Sunday evening in Los Angeles.
      const today = async (tz: string) =>
        (await d.get(`/api/v1/admin/analytics/overview?tz=${encodeURIComponent(tz)}`)).json();
      const ny = await today("America/New_York");
      expect(ny.range).toEqual({ from: "2026-02-08", to: "2026-03-09", timeZone: "America/New_York" });
      expect(ny.figures.conversations).toBe(3);
      const la = await today("america/los_angeles");
      expect(la.range).toEqual({ from: "2026-02-07", to: "2026-03-08", timeZone: "America/Los_Angeles" });
      expect(la.figures.conversations).toBe(3);
      // Sunday the 8th in Los Angeles: 20:30 and 21:30 PDT (the first was 20:30 PST on Saturday).
      expect(
        (
          await d.get("/api/v1/admin/analytics/overview?from=2026-03-08&to=2026-03-08&tz=America/Los_Angeles")
        ).json().figures.conversations,
      ).toBe(2);

      const csv = await d.get(
        "/api/v1/admin/analytics/export.csv?view=conversations&from=2026-03-08&to=2026-03-08&tz=America/New_York",
      );
      const lines = csv.body.trim().split("\r\n");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(",2026-03-08,");
    });

    it("refuses a time zone that is not an IANA zone with a coded 400", async () => {
      const d = await desk(dbKind);
      for (const tz of ["Mars/Olympus", "+05:30", "EST5EDT%20", "", "a".repeat(80)]) {
        for (const path of [
          "/api/v1/admin/analytics/overview",
          "/api/v1/admin/analytics/days",
          "/api/v1/admin/escalations",
        ]) {
          const res = await d.get(`${path}?tz=${encodeURIComponent(tz)}`);
          expect(res.statusCode, `${path} ${tz}: ${res.body}`).toBe(400);
          expect(res.json().error.code).toBe("VALIDATION_FAILED");
          expect(res.json().error.message).toContain("tz");
        }
      }
    });

    it("reports SLA attainment and queue waits of real escalations against the tier's targets", async () => {
      const d = await desk(dbKind);
      const reply = (c: { id: string }, n: number) =>
        d.asAgent(`/api/v1/conversations/${c.id}/messages`, {
          clientMessageId: `r${n}`,
          text: "Hello, I can help.",
        });
      // Tier 1 (the demo's person requests): answered within 5 minutes, picked up within 3.
      const quick = await newConversation(d.t.app);
      await d.say(quick, "I want to talk to a person"); // escalated, then the clock moves 30 s
      d.clock.advance(30_000);
      expect((await d.asAgent(`/api/v1/conversations/${quick.id}/claim`)).statusCode).toBe(200); // picked up after 60 s
      d.clock.advance(60_000);
      expect((await reply(quick, 1)).statusCode).toBe(201); // answered after 120 s: met

      const slow = await newConversation(d.t.app);
      await d.say(slow, "Can I speak to a human please"); // escalated at E
      d.clock.advance(5 * 60_000);
      expect((await d.asAgent(`/api/v1/conversations/${slow.id}/claim`)).statusCode).toBe(200); // E + 330 s: over 3 min
      expect((await reply(slow, 2)).statusCode).toBe(201); // E + 330 s: over 5 min, breached

      const waiting = await newConversation(d.t.app);
      await d.say(waiting, "I want to talk to a real person"); // 30 s in the queue when the dashboard looks: pending

      const { sla, figures: f } = (await d.get("/api/v1/admin/analytics/overview")).json();
      expect(sla.all).toMatchObject({
        escalations: 3,
        responseMet: 1,
        responseBreached: 1,
        responsePending: 1,
        responseWithdrawn: 0,
        responseAttainment: 0.5,
        waitMet: 1,
        waitBreached: 1,
        waitPending: 1,
        breachedConversations: 1,
        stillQueued: 1,
        waitMeasured: 2,
        // Waits 60 s and 330 s: the nearest-rank median is the smaller, p90 the larger.
        waitP50Ms: 60_000,
        waitP90Ms: 330_000,
      });
      expect(sla.tiers[0]).toMatchObject({
        tier: 1,
        targets: { firstResponseMs: 300_000, waitingMs: 180_000 },
        escalations: 3,
      });
      expect(sla.tiers[1]).toMatchObject({ tier: 2, escalations: 0, responseAttainment: null });
      expect(f).toMatchObject({
        slaEscalations: 3,
        slaResponseAttainment: 0.5,
        slaStillQueued: 1,
        slaWaitMeanMs: 195_000,
      });

      const metrics = (await d.t.app.inject({ method: "GET", url: "/metrics" })).body;
      expect(metrics).toMatch(
        /^tandem_sla_attainment_ratio\{window="30d",timer="first_response",tier="all"\} 0\.5$/m,
      );
      expect(metrics).toMatch(/^tandem_queue_wait_seconds\{window="30d",quantile="0\.9",tier="1"\} 330$/m);

      // Once the waiting conversation's deadline passes unanswered, it is a breach without anyone touching it.
      d.clock.advance(5 * 60_000);
      expect((await d.get("/api/v1/admin/analytics/overview")).json().sla.all).toMatchObject({
        responseBreached: 2,
        responsePending: 0,
        breachedConversations: 2,
        stillQueued: 1,
      });
    });
  });
}
