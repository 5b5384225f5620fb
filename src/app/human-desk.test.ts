// The human desk end to end on a real Tandem: assignment as capacity frees up, the customer told the wait and
// the agent's name, the packet and assist for the agent, ratings, CSAT, SLA events and signed webhooks.

import { rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { addAgent, bearer, manualClock, newConversation, signedCustomer, startTandem } from "../../test/support/tandem.ts";
import { verifySignature } from "../adapters/webhook/index.ts";
import type { Tandem } from "../main.ts";
import type { StreamEvent } from "../ports/bus.ts";

const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function escalate(t: Tandem, text = "I want to talk to a person please") {
  const c = await newConversation(t.app, { name: "Alex" });
  const res = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text } });
  expect(res.statusCode).toBe(201);
  return c;
}

describe("the human desk", () => {
  let t: Tandem;
  afterEach(async () => t?.close());

  it("assigns a waiting conversation to an online agent and drains the queue when capacity frees up", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const sarah = await addAgent(t, "sarah@desk.test", { name: "Sarah" });
    await t.store.updateUser(sarah.user.id, { capacity: 1 });
    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(sarah.token), payload: { presence: "online" } });
    const first = await escalate(t);
    const second = await escalate(t);
    await until(async () => (await t.store.getConversation(first.id))?.status === "human" || (await t.store.getConversation(second.id))?.status === "human");
    const [a, b] = await Promise.all([t.store.getConversation(first.id), t.store.getConversation(second.id)]);
    const held = a?.status === "human" ? a : b;
    const waiting = a?.status === "human" ? b : a;
    expect(held?.assigneeId).toBe(sarah.user.id);
    expect(waiting?.status).toBe("waiting_human"); // capacity 1: never exceeded
    const joined = (await t.store.listMessages(held?.id as string, {})).find((m) => m.meta?.kind === "agent_joined");
    expect(joined?.text).toBe("Sarah from our team has joined and can see our conversation.");
    const res = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${held?.id}/resolve`, headers: bearer(sarah.token), payload: { resolutionCode: "answered" } });
    expect(res.statusCode).toBe(200);
    await until(async () => (await t.store.getConversation(waiting?.id as string))?.assigneeId === sarah.user.id);
  });

  it("tells the customer the expected wait on escalation", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const c = await escalate(t);
    const queued = (await t.store.listMessages(c.id, {})).find((m) => m.meta?.kind === "queued");
    expect(queued?.text).toMatch(/see everything we've discussed/);
  });

  it("gives the agent a packet with the reasons, cues and customer context, and an assist panel to rate", async () => {
    t = await startTandem({}, { responder: { respond: async () => ({ kind: "none" }) } });
    const tom = await addAgent(t, "tom@desk.test", { name: "Tom" });
    const boss = await addAgent(t, "sam@desk.test", { name: "Sam", role: "supervisor" });
    const c = await newConversation(t.app, signedCustomer({ externalId: "vip-1", name: "Alex" }));
    const customer = await t.store.findCustomerByExternalId("vip-1");
    await t.store.updateCustomer(customer?.id as string, { attributes: { lifetimeValue: 12000, plan: "enterprise" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text: "This is ridiculous, my refund still hasn't arrived!!! I want a human" } });
    expect((await t.store.getConversation(c.id))?.status).toBe("waiting_human");

    const packet = await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/packet`, headers: bearer(tom.token) });
    expect(packet.statusCode).toBe(200);
    const p = packet.json().packet;
    expect(p.escalation.reasons).toContain("human_requested");
    expect(p.escalation.cues.length).toBeGreaterThan(0);
    expect(p.customerContext.lifetimeValue).toBe(12000);
    expect(p.history.length).toBeGreaterThanOrEqual(2);

    const assist = await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/assist`, headers: bearer(tom.token) });
    expect(assist.statusCode).toBe(200);
    const panel = assist.json().assist;
    expect(panel.replies.length).toBeGreaterThan(0);
    expect(panel.flags.map((f: { kind?: string; code?: string; id: string }) => f.id).length).toBeGreaterThan(0);
    const reply = panel.replies[0];
    const rate = await t.app.inject({
      method: "POST", url: "/api/v1/assist/ratings", headers: bearer(tom.token),
      payload: { conversationId: c.id, suggestionId: reply.id, suggestionType: "reply", rating: "used_as_is" },
    });
    expect(rate.statusCode).toBe(201);
    const summary = await t.app.inject({ method: "GET", url: "/api/v1/assist/ratings/summary", headers: bearer(boss.token) });
    expect(summary.json().byType.reply).toMatchObject({ total: 1, usedAsIs: 1 });
    const forbidden = await t.app.inject({ method: "GET", url: "/api/v1/assist/ratings/summary", headers: bearer(tom.token) });
    expect(forbidden.statusCode).toBe(403);
    const canned = await t.app.inject({ method: "GET", url: "/api/v1/canned-responses", headers: bearer(tom.token) });
    expect(canned.json().responses.length).toBeGreaterThan(10);
  });

  it("takes one CSAT answer per resolution, from the customer, only once resolved", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const agent = await addAgent(t, "a@desk.test");
    const c = await escalate(t);
    const early = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/csat`, headers: bearer(c.token), payload: { score: 5 } });
    expect(early.statusCode).toBe(409);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/claim`, headers: bearer(agent.token) });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/resolve`, headers: bearer(agent.token) });
    const ok = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/csat`, headers: bearer(c.token), payload: { score: 4, comment: "quick" } });
    expect(ok.statusCode).toBe(201);
    const twice = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/csat`, headers: bearer(c.token), payload: { score: 1 } });
    expect(twice.statusCode).toBe(409);
    const bad = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/csat`, headers: bearer(c.token), payload: { score: 9 } });
    expect(bad.statusCode).toBe(400);
    const byAgent = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/csat`, headers: bearer(agent.token), payload: { score: 5 } });
    expect(byAgent.statusCode).toBe(403);
    expect((await t.store.listEvents(c.id)).filter((e) => e.type === "csat").map((e) => e.data.score)).toEqual([4]);
  });

  it("warns agents before an SLA breach and reports the breach on the agent stream", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 10 });
    const seen: StreamEvent[] = [];
    t.subscribeAgents((e) => e.type === "sla" && seen.push(e));
    const c = await escalate(t);
    clock.advance(2.5 * 60_000); // tier 1 waiting target 3 min: warning at 80%
    await until(() => seen.some((e) => e.type === "sla" && e.level === "warning" && e.conversationId === c.id));
    clock.advance(60_000);
    await until(() => seen.some((e) => e.type === "sla" && e.level === "breached" && e.conversationId === c.id));
    const breaches = seen.filter((e) => e.type === "sla" && e.level === "breached" && e.conversationId === c.id && e.metric === "waiting");
    expect(breaches).toHaveLength(1); // each event once
  });

  it("announces each SLA warning and breach once across nodes sharing a database, not once per node", async () => {
    const file = join(tmpdir(), `tandem-sla-nodes-${process.pid}-${Date.now()}.db`);
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off", DATABASE_URL: `sqlite:${file}` }, { clock, deskTickMs: 10 });
    const other = await startTandem({ TANDEM_AI: "off", DATABASE_URL: `sqlite:${file}` }, { clock, deskTickMs: 10 });
    try {
      const seen: StreamEvent[] = [];
      t.subscribeAgents((e) => e.type === "sla" && seen.push(e));
      other.subscribeAgents((e) => e.type === "sla" && seen.push(e));
      const c = await escalate(t);
      clock.advance(3.5 * 60_000); // past tier 1's waiting warning and deadline
      await until(() => seen.some((e) => e.type === "sla" && e.level === "breached" && e.metric === "waiting" && e.conversationId === c.id));
      await new Promise((r) => setTimeout(r, 100)); // several more ticks on both nodes
      const waiting = seen.filter((e) => e.type === "sla" && e.metric === "waiting" && e.conversationId === c.id);
      expect(waiting.map((e) => e.type === "sla" && e.level).sort()).toEqual(["breached", "warning"]);
    } finally {
      await other.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    }
  });

  it("sends a signed webhook on escalation and on assignment, retrying a failing receiver", async () => {
    const received: { type: string; ok: boolean }[] = [];
    let failures = 1;
    const secret = "a-webhook-secret-of-length";
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (failures-- > 0) {
          res.writeHead(503).end();
          return;
        }
        const ok = verifySignature(req.headers["x-tandem-signature"] as string, body, secret).ok;
        const event = JSON.parse(body);
        received.push({ type: event.type, ok: ok && /^evt_/.test(event.id) && !Number.isNaN(Date.parse(event.createdAt)) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      t = await startTandem({ TANDEM_AI: "off", WEBHOOK_URL: url, WEBHOOK_SECRET: secret });
      const agent = await addAgent(t, "w@desk.test");
      await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(agent.token), payload: { presence: "online" } });
      await escalate(t);
      await until(() => received.some((r) => r.type === "conversation.escalated") && received.some((r) => r.type === "conversation.assigned"), 15000);
      expect(received.every((r) => r.ok)).toBe(true);
    } finally {
      server.close();
    }
  });
});
