// A customer who writes again while waiting for a person, or talking to one, on a real Tandem (SQLite, and
// PostgreSQL when configured, whose optimistic write path stores the raise with the message): a more
// serious message raises the conversation's priority, reasons and (while queued) tier in the message's own commit,
// logs it, and tells the agents; a calm one changes nothing, and no SLA clock is reset.

import { afterEach, describe, expect, it } from "vitest";
import { testDatabases } from "../../test/support/databases.ts";
import { addAgent, bearer, manualClock, newConversation, startTandem } from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";
import type { StreamEvent } from "../ports/bus.ts";

const PERSON = "I want to talk to a person please"; // human_requested: priority 0, tier 1
const LAWYER = "This is ridiculous, I'm contacting my lawyer"; // legal_compliance: priority 50, tier 3
const ANGRY = "This is ridiculous!!! Still not working, third time I ask"; // frustration 40, tier 2

for (const target of testDatabases()) describe(`a customer writing again while people have the conversation, on ${target.name}`, () => {
  let t: Tandem;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await t?.close();
    await drop?.();
    drop = undefined;
  });

  /** A Tandem whose AI never answers, so escalations come from triage alone; the clock moves by hand. */
  async function start() {
    const clock = manualClock();
    const db = await target.create();
    drop = db.drop;
    t = await startTandem({ DATABASE_URL: db.url }, { clock, responder: { respond: async () => ({ kind: "none" }) }, deskTickMs: 60_000 });
    return clock;
  }

  async function say(c: { id: string; token: string }, clientMessageId: string, text: string) {
    const res = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId, text } });
    expect(res.statusCode).toBe(201);
    return res.json().message as { seq: number };
  }

  async function queued(first = PERSON) {
    const c = await newConversation(t.app, { name: "Alex" });
    await say(c, "m1", first);
    await t.conversations.drain();
    return c;
  }

  it("raises a queued conversation's priority and tier and merges the reasons when the customer turns to legal threats", async () => {
    const clock = await start();
    const c = await queued();
    const before = await t.store.getConversation(c.id);
    expect(before).toMatchObject({ status: "waiting_human", priority: 0, tier: 1, reasons: ["human_requested"], skill: null });
    const seen: StreamEvent[] = [];
    const off = t.subscribeAgents((e) => seen.push(e));
    clock.advance(90_000);
    const message = await say(c, "m2", LAWYER);
    off();

    const after = await t.store.getConversation(c.id);
    // Moved to tier 3's queue by a legal threat, it now asks for the legal skill too.
    expect(after).toMatchObject({ status: "waiting_human", assigneeId: null, priority: 50, tier: 3, skill: "legal" });
    expect(after?.reasons).toEqual(["human_requested", "legal_compliance"]);
    // The queue clocks run from the escalation: a raise is not a new wait.
    expect(after?.queuedAt).toBe(before?.queuedAt);
    expect(after?.firstHumanResponseAt).toBeNull();

    const raised = (await t.store.listEvents(c.id)).filter((e) => e.type === "reprioritised");
    expect(raised).toHaveLength(1);
    expect(raised[0]?.data).toMatchObject({
      from: "waiting_human", to: "waiting_human",
      priorityFrom: 0, priorityTo: 50, priority: { priority: 50, explanation: "legal_compliance 50" },
      tierFrom: 1, tier: 3, judgedTier: 3, tierRaiseSuggested: false,
      reasons: ["human_requested", "legal_compliance"], addedReasons: ["legal_compliance"],
      messageSeq: message.seq, atSeq: message.seq, // logged in the message's own commit
      skillFrom: null, skill: "legal",
    });
    // The agents' inbox hears the new priority and tier; nobody holds it, so there is no note for anyone.
    const status = seen.find((e) => e.type === "status");
    expect(status?.type === "status" && status.conversation).toMatchObject({ id: c.id, priority: 50, tier: 3, reasons: ["human_requested", "legal_compliance"] });
    const stored = await t.store.listMessages(c.id, { includeInternal: true });
    expect(stored.some((m) => m.meta?.kind === "reprioritised")).toBe(false);
  });

  it("hands a conversation the customer's message moved to tier 3 to a senior at once, not after the overflow wait", async () => {
    await start();
    const sam = await addAgent(t, "sam@desk.test", { tier: 3, name: "Sam" });
    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(sam.token), payload: { presence: "online" } });
    const c = await queued();
    await t.desk.assignOnce();
    expect((await t.store.getConversation(c.id))?.status).toBe("waiting_human"); // tier 1: not Sam's before it overflows
    await say(c, "m2", LAWYER);
    await t.desk.assignOnce();
    expect(await t.store.getConversation(c.id)).toMatchObject({ status: "human", assigneeId: sam.user.id, tier: 3 });
  });

  it("raises a held conversation's priority but leaves its tier to the agent, and tells them in an internal note", async () => {
    const clock = await start();
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const c = await queued();
    expect((await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/claim`, headers: bearer(ann.token) })).statusCode).toBe(200);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(ann.token), payload: { clientMessageId: "a1", text: "Hi Alex, I'm here." } });
    const before = await t.store.getConversation(c.id);
    const seen: StreamEvent[] = [];
    const off = t.subscribeAgents((e) => seen.push(e));
    clock.advance(60_000);
    await say(c, "m2", LAWYER);
    off();

    const after = await t.store.getConversation(c.id);
    expect(after).toMatchObject({ status: "human", assigneeId: ann.user.id, priority: 50, tier: 1, reasons: ["human_requested", "legal_compliance"] });
    expect([after?.queuedAt, after?.assignedAt, after?.firstHumanResponseAt]).toEqual([before?.queuedAt, before?.assignedAt, before?.firstHumanResponseAt]);
    const raised = (await t.store.listEvents(c.id)).find((e) => e.type === "reprioritised");
    expect(raised?.data).toMatchObject({ priorityFrom: 0, priorityTo: 50, tierFrom: 1, tier: 1, judgedTier: 3, tierRaiseSuggested: true, assigneeId: ann.user.id });

    const note = (await t.store.listMessages(c.id, { includeInternal: true })).find((m) => m.meta?.kind === "reprioritised");
    expect(note).toMatchObject({ author: "system", internal: true });
    expect(note?.text).toContain("Priority raised from 0 to 50 (legal_compliance 50)");
    expect(note?.text).toContain("Triage judges it tier 3; it stays tier 1 with you");
    // The agent's stream carries both the new priority and the note; the customer never sees the note.
    expect(seen.some((e) => e.type === "status" && e.conversation.priority === 50)).toBe(true);
    expect(seen.some((e) => e.type === "message" && e.message.id === note?.id)).toBe(true);
    const asCustomer = await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token) });
    expect(asCustomer.statusCode).toBe(200);
    expect(JSON.stringify(asCustomer.json())).not.toContain("Priority raised");
  });

  it("never lowers priority, tier or reasons when the customer calms down or asks for something milder", async () => {
    const clock = await start();
    const c = await queued(ANGRY);
    const before = await t.store.getConversation(c.id);
    expect(before).toMatchObject({ status: "waiting_human", priority: 40, tier: 2 });
    clock.advance(30_000);
    await say(c, "m2", "ok thanks, I will wait");
    const calm = await t.store.getConversation(c.id);
    expect(calm).toMatchObject({ priority: 40, tier: 2, reasons: before?.reasons, version: before?.version });
    expect((await t.store.listEvents(c.id)).some((e) => e.type === "reprioritised")).toBe(false);

    // A plain request for a person (priority 0, tier 1) adds its reason and nothing else moves down.
    await say(c, "m3", PERSON);
    const milder = await t.store.getConversation(c.id);
    expect(milder).toMatchObject({ priority: 40, tier: 2, queuedAt: before?.queuedAt });
    expect(milder?.reasons).toEqual([...(before?.reasons ?? []), "human_requested"]);
    const raised = (await t.store.listEvents(c.id)).find((e) => e.type === "reprioritised");
    expect(raised?.data).toMatchObject({ priorityFrom: 40, priorityTo: 40, tierFrom: 2, tier: 2, addedReasons: ["human_requested"] });
  });

  it("raises once for a message the customer's client sends twice", async () => {
    await start();
    const c = await queued();
    await say(c, "m2", LAWYER);
    const retry = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: LAWYER } });
    expect(retry.statusCode).toBe(200);
    expect((await t.store.listEvents(c.id)).filter((e) => e.type === "reprioritised")).toHaveLength(1);
  });
});
