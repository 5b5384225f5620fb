// The human desk end to end on a real Tandem: assignment as capacity frees up, the customer told the wait and
// the agent's name, the packet and assist for the agent, ratings, CSAT, SLA events and signed webhooks.

import { rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { addAgent, bearer, manualClock, newConversation, signedCustomer, startTandem } from "../../test/support/tandem.ts";
import { DEMO_ACTIONS_FILE } from "../adapters/knowledge/demo-seed.ts";
import { verifySignature } from "../adapters/webhook/index.ts";
import { PACKET_HISTORY_LIMIT } from "../domain/handoff/index.ts";
import { evaluateSla, slaInputFor } from "../domain/sla/index.ts";
import type { Tandem } from "../main.ts";
import type { StreamEvent } from "../ports/bus.ts";

const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function escalate(t: Tandem, text = "I want to talk to a person please", customer: Record<string, string> = { name: "Alex" }) {
  const c = await newConversation(t.app, customer);
  const res = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text } });
  expect(res.statusCode).toBe(201);
  return c;
}

/** An agent's hands on the API: `act` posts a conversation action (claim, handback...), `say` writes to the customer. */
function agentApi(t: Tandem, token: string) {
  return {
    act: (id: string, action: string) => t.app.inject({ method: "POST", url: `/api/v1/conversations/${id}/${action}`, headers: bearer(token) }),
    say: (id: string, clientMessageId: string, text: string) =>
      t.app.inject({ method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token), payload: { clientMessageId, text } }),
  };
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

  it("gives a tier-3 conversation in German to an English tier-3 agent when the only German speaker is in tier 1", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const lead = await addAgent(t, "lead@desk.test", { role: "supervisor", name: "Lee" });
    const greta = await addAgent(t, "greta@desk.test", { tier: 1, name: "Greta" });
    await t.store.updateUser(greta.user.id, { languages: ["de", "en"] });
    const sam = await addAgent(t, "sam@desk.test", { tier: 3, name: "Sam" });
    const c = await newConversation(t.app, { name: "Hans", locale: "de-DE" });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text: "Ich brauche bitte Hilfe mit meinem Vertrag" } });
    const moved = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/transfer`, headers: bearer(lead.token), payload: { toTier: 3, note: "contract dispute" } });
    expect(moved.json().conversation).toMatchObject({ status: "waiting_human", tier: 3, language: "de" });
    for (const a of [greta, sam]) await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(a.token), payload: { presence: "online" } });
    // Greta can never be offered a tier-3 conversation, so her German must not hold it back from Sam.
    await until(async () => (await t.store.getConversation(c.id))?.assigneeId === sam.user.id);
  });

  it("keeps a billing question for the billing specialist until its tier's wait target, then gives it to whoever is free", async () => {
    const clock = manualClock();
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 20 });
    const tom = await addAgent(t, "tom@desk.test", { name: "Tom", capacity: 1 });
    const olivia = await addAgent(t, "olivia@desk.test", { name: "Olivia" });
    await t.store.updateUser(tom.user.id, { skills: ["Billing"] });
    await t.store.updateUser(olivia.user.id, { skills: ["orders"] });
    const online = (a: { token: string }) => t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(a.token), payload: { presence: "online" } });
    await online(tom);
    const first = await escalate(t, "Can you send me a copy of my invoice from last month?");
    await until(async () => (await t.store.getConversation(first.id))?.assigneeId === tom.user.id);
    expect((await t.store.getConversation(first.id))?.skill).toBe("billing");

    await online(olivia); // free, but not a billing specialist; Tom is full
    const second = await escalate(t, "I need the invoice for my last order please");
    const view = await t.app.inject({ method: "GET", url: `/api/v1/conversations/${second.id}`, headers: bearer(olivia.token) });
    expect(view.json().conversation).toMatchObject({ status: "waiting_human", skill: "billing" });
    await new Promise((r) => setTimeout(r, 400)); // several assignment passes
    expect((await t.store.getConversation(second.id))?.status).toBe("waiting_human");

    clock.advance(2 * 60_000); // tier 1's wait target: the first free agent now beats the specialist later
    await until(async () => (await t.store.getConversation(second.id))?.assigneeId === olivia.user.id);
    const packet = await t.app.inject({ method: "GET", url: `/api/v1/conversations/${second.id}/packet`, headers: bearer(olivia.token) });
    expect(packet.json().packet.escalation.skill).toBe("billing");
  });

  it("asks the next escalation after a hand-back for its own skill, not the last one's", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const { act } = agentApi(t, ann.token);
    const c = await escalate(t, "Can you send me a copy of my invoice from last month?");
    expect((await t.store.getConversation(c.id))?.skill).toBe("billing");
    await act(c.id, "claim");
    expect((await act(c.id, "handback")).statusCode).toBe(200);
    expect((await t.store.getConversation(c.id))?.skill).toBeNull();
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "Where is my order? It has not arrived yet" } });
    expect(await t.store.getConversation(c.id)).toMatchObject({ status: "waiting_human", skill: "orders" });
  });

  it("does not hold a question for a skill nobody on the desk has", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const olivia = await addAgent(t, "olivia@desk.test", { name: "Olivia" });
    await t.store.updateUser(olivia.user.id, { skills: ["orders"] });
    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(olivia.token), payload: { presence: "online" } });
    const c = await escalate(t, "Can you send me a copy of my invoice from last month?");
    await until(async () => (await t.store.getConversation(c.id))?.assigneeId === olivia.user.id);
  });

  it("returns an agent's conversations to the queue when they sign off, and the next agent picks them up", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const presence = (token: string, value: string) =>
      t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(token), payload: { presence: value } });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const ben = await addAgent(t, "ben@desk.test", { name: "Ben" });
    const first = await escalate(t);
    const second = await escalate(t);
    for (const c of [first, second]) await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/claim`, headers: bearer(ann.token) });
    expect((await presence(ann.token, "away")).json().released).toEqual([]); // a short break keeps them
    const off = await presence(ann.token, "offline");
    expect(off.statusCode).toBe(200);
    expect([...off.json().released].sort()).toEqual([first.id, second.id].sort());
    await presence(ben.token, "online");
    for (const c of [first, second]) await until(async () => (await t.store.getConversation(c.id))?.assigneeId === ben.user.id);
    const released = (await t.store.listEvents(first.id)).find((e) => e.type === "released");
    expect(released?.data).toMatchObject({ reason: "agent_signed_off", previousAssignee: ann.user.id });
  });

  it("tells each customer a longer wait the more people are queued ahead of them while every agent is busy", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    await t.store.updateUser(ann.user.id, { capacity: 1 });
    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(ann.token), payload: { presence: "online" } });
    const held = await escalate(t);
    await until(async () => (await t.store.getConversation(held.id))?.assigneeId === ann.user.id);
    const told: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await escalate(t);
      await t.desk.assignOnce(); // what the desk's own pass after an escalation does, without waiting for its timer
      told.push((await t.store.listMessages(c.id, {})).find((m) => m.meta?.kind === "queued")?.text ?? "");
    }
    // One agent holding one conversation, six minutes a conversation: 6, 12, 18, 24 minutes.
    expect(told.map((text) => /about (\d+) minutes/.exec(text)?.[1])).toEqual(["6", "12", "18", "24"]);
  });

  it("assigns a waiting conversation the moment an agent comes online, not at the next periodic pass", async () => {
    t = await startTandem({ TANDEM_AI: "off" }, { deskTickMs: 60_000 });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const c = await escalate(t);
    await new Promise((r) => setTimeout(r, 50));
    expect((await t.store.getConversation(c.id))?.status).toBe("waiting_human");
    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(ann.token), payload: { presence: "online" } });
    await until(async () => (await t.store.getConversation(c.id))?.assigneeId === ann.user.id, 1000);
  });

  it("tells a customer after hours when a person will reply, in their own language and clock", async () => {
    const friday = manualClock(Date.UTC(2026, 2, 6, 20, 0)); // Friday 20:00 UTC
    t = await startTandem({ TANDEM_AI: "off" }, { clock: friday });
    const paris = await addAgent(t, "paris@desk.test", { name: "Camille" });
    const week = { mon: ["09:00", "17:00"], tue: ["09:00", "17:00"], wed: ["09:00", "17:00"], thu: ["09:00", "17:00"], fri: ["09:00", "17:00"] };
    const admin = await addAgent(t, "admin@desk.test", { role: "admin", name: "Ada" });
    const hours = await t.app.inject({ method: "PATCH", url: `/api/v1/admin/users/${paris.user.id}`, headers: bearer(admin.token), payload: { businessHours: { tz: "Europe/Paris", days: week } } });
    expect(hours.statusCode).toBe(200);
    // The notice reads the desk's last routing pass: let one run with the new hours (as any earlier traffic would).
    await escalate(t);
    await t.desk.assignOnce();
    const res = await t.app.inject({ method: "POST", url: "/api/v1/conversations", payload: { customer: { name: "Ana", locale: "es-ES", timeZone: "America/New_York" } } });
    const { conversation, token } = res.json() as { conversation: { id: string }; token: string };
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${conversation.id}/escalate`, headers: bearer(token) });
    await until(async () => (await t.store.listMessages(conversation.id, {})).some((m) => m.meta?.kind === "queued"));
    const queued = (await t.store.listMessages(conversation.id, {})).find((m) => m.meta?.kind === "queued");
    // Monday 09:00 in Paris (CET) is 04:00 in New York, already on summer time (EDT) that week.
    expect(queued?.text).toContain("Una persona te responderá el lunes a las 4:00 GMT-4");
  });

  it("serves a more urgent escalation first, whatever its place in the queue, and tells the agent why", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 60_000 });
    const kim = await addAgent(t, "kim@desk.test", { name: "Kim", tier: 2, capacity: 1 });
    // All three land in tier 2: a complaint (priority 30), a VIP's plain request for a person (tier 1, raised to 2
    // for a VIP; 0 + 20), and, queued last, a frustrated customer (40).
    const complaint = await escalate(t, "I want to file a formal complaint about your service");
    clock.advance(1000);
    const vip = await newConversation(t.app, signedCustomer({ externalId: "ent-7", name: "Val" }));
    const vipCustomer = await t.store.findCustomerByExternalId("ent-7");
    await t.store.updateCustomer(vipCustomer?.id as string, { attributes: { plan: "Enterprise" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${vip.id}/messages`, headers: bearer(vip.token), payload: { clientMessageId: "m1", text: "I want to talk to a person please" } });
    clock.advance(1000);
    const angry = await escalate(t, "This is ridiculous!!! Nothing works and nobody helps me. I want a human NOW");
    const stored = await Promise.all([complaint, vip, angry].map((c) => t.store.getConversation(c.id)));
    expect(stored.map((c) => [c?.status, c?.tier, c?.priority])).toEqual([["waiting_human", 2, 30], ["waiting_human", 2, 20], ["waiting_human", 2, 40]]);

    await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(kim.token), payload: { presence: "online" } });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await until(async () => (await t.store.listConversations({ assigneeId: kim.user.id, status: ["human"] })).length === 1);
      const [held] = await t.store.listConversations({ assigneeId: kim.user.id, status: ["human"] });
      order.push(held?.id as string);
      if (i === 0) {
        const packet = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${held?.id}/packet`, headers: bearer(kim.token) })).json().packet;
        expect(packet.escalation.priority).toEqual({ value: 40, factors: [{ kind: "reason", code: "frustration", priority: 40 }], explanation: "frustration 40" });
      }
      await t.app.inject({ method: "POST", url: `/api/v1/conversations/${held?.id}/resolve`, headers: bearer(kim.token), payload: { resolutionCode: "answered" } });
    }
    expect(order).toEqual([angry.id, complaint.id, vip.id]);
    const vipPacket = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${vip.id}/packet`, headers: bearer(kim.token) })).json().packet;
    expect(vipPacket.escalation.priority.explanation).toBe("VIP customer (plan Enterprise) 20");
  });

  it("explains in the packet the priority the customer's later message raised the conversation to", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const c = await escalate(t);
    await agentApi(t, ann.token).act(c.id, "claim");
    const before = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/packet`, headers: bearer(ann.token) })).json().packet;
    expect(before.escalation.priority).toEqual({ value: 0, factors: [], explanation: "no reason raises it: 0" });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "This is ridiculous, I'm contacting my lawyer" } });
    const packet = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/packet`, headers: bearer(ann.token) })).json().packet;
    expect(packet.escalation.priority).toEqual({ value: 50, factors: [{ kind: "reason", code: "legal_compliance", priority: 50 }], explanation: "legal_compliance 50" });
    expect(packet.escalation.reasons).toEqual(expect.arrayContaining(["human_requested", "legal_compliance"]));
    expect(packet.escalation.trail.map((e: { type: string }) => e.type)).toEqual(["escalated", "reprioritised"]);
  });

  it("carries the most recent messages of a very long conversation in the packet, and counts the ones left out", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const c = await escalate(t);
    await t.store.withConversation(c.id, async (unit) => {
      for (let i = 1; i <= PACKET_HISTORY_LIMIT + 40; i++) await unit.insertMessage({ author: "customer", text: `still waiting ${i}` });
    });
    const lastSeq = (await t.store.getConversation(c.id))?.lastSeq as number;
    const packet = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/packet`, headers: bearer(ann.token) })).json().packet;
    expect(packet.history).toHaveLength(PACKET_HISTORY_LIMIT);
    expect(packet.history.at(-1)).toMatchObject({ seq: lastSeq, text: `still waiting ${PACKET_HISTORY_LIMIT + 40}` });
    expect(packet.historyOmitted).toBe(lastSeq - PACKET_HISTORY_LIMIT);
  });

  it("shows the agent an action the AI ran that failed, with its inputs and error code, so it is not retried blind", async () => {
    const shop = createServer((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"error":"maintenance"}'));
    await new Promise<void>((r) => shop.listen(0, "127.0.0.1", r));
    try {
      t = await startTandem({ ACTIONS_FILE: DEMO_ACTIONS_FILE, ACTIONS_BASE_URL: `http://127.0.0.1:${(shop.address() as AddressInfo).port}` });
      const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
      const c = await newConversation(t.app, signedCustomer({ externalId: "shop-7", name: "Dee", email: "dee@example.com" }));
      const sent = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text: "Where is my order LC-10234?" } });
      expect(sent.statusCode).toBe(201);
      await until(async () => (await t.store.getConversation(c.id))?.status === "waiting_human");
      expect((await t.store.getConversation(c.id))?.reasons).toEqual(["action_failed"]);
      const handover = (await t.store.listMessages(c.id, {})).find((m) => m.author === "ai");
      const packet = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/packet`, headers: bearer(ann.token) })).json().packet;
      expect(packet.aiAttempts.actions).toEqual([
        expect.objectContaining({ name: "lookup_order", status: "failed", input: { orderId: "LC-10234" }, errorCode: "ACTION_FAILED", httpStatus: 503, seq: handover?.seq }),
      ]);
    } finally {
      shop.close();
    }
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

  it("recommends next steps from other customers' resolved cases without their personal data or empty steps", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const { say } = agentApi(t, ann.token);
    const maria = await newConversation(t.app, signedCustomer({ externalId: "maria-1", name: "Maria Lopez", email: "maria.lopez@example.com" }));
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${maria.id}/messages`, headers: bearer(maria.token), payload: { clientMessageId: "m1", text: "My refund for order 884213 never arrived" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${maria.id}/claim`, headers: bearer(ann.token) });
    await say(maria.id, "a1", "Hi Maria, I re-issued the refund for order 884213 to your Visa ending 4242; call +1 415 555 0199 or write to maria.lopez@example.com");
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${maria.id}/resolve`, headers: bearer(ann.token), payload: { resolutionCode: "refund_reissued" } });
    const quitter = await newConversation(t.app, { name: "Cleo" });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${quitter.id}/messages`, headers: bearer(quitter.token), payload: { clientMessageId: "m1", text: "my refund never arrived either" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${quitter.id}/resolve`, headers: bearer(quitter.token) });
    await until(() => t.desk.similarCases.size >= 1);
    await new Promise((r) => setTimeout(r, 50)); // let the customer-closed case be indexed too, if it ever is

    const bob = await escalate(t, "My refund never arrived, where is it?");
    const panel = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${bob.id}/assist`, headers: bearer(ann.token) })).json().assist;
    expect(panel.nextSteps.map((s: { resolutionCode: string }) => s.resolutionCode)).toEqual(["refund_reissued"]);
    // The text an agent reads (ids and scores are random digits, which may hold "555" by chance).
    const shown = panel.nextSteps
      .flatMap((s: { notes: string; examples: { notes: string }[] }) => [s.notes, ...s.examples.map((e) => e.notes)])
      .join("\n");
    expect(shown).toContain("re-issued the refund");
    for (const secret of ["Maria", "Lopez", "884213", "4242", "555", "maria.lopez@example.com"]) expect(shown).not.toContain(secret);
  });

  it("does not offer a reopened conversation's own earlier resolution as a similar case", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann", tier: 2 });
    const c = await escalate(t, "The blender I bought stopped working after two days");
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/claim`, headers: bearer(ann.token) });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(ann.token), payload: { clientMessageId: "a1", text: "I have sent a replacement blender" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/resolve`, headers: bearer(ann.token), payload: { resolutionCode: "replacement_sent" } });
    await until(() => t.desk.similarCases.size === 1);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "The replacement blender stopped working too" } });
    expect((await t.store.getConversation(c.id))?.status).toBe("waiting_human");
    const panel = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/assist`, headers: bearer(ann.token) })).json().assist;
    expect(panel.nextSteps).toEqual([]);
  });

  it("refuses a rating whose suggestion id is not one the panel gives for that type, so the per-type report stays true", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const tom = await addAgent(t, "tom@desk.test", { name: "Tom" });
    const boss = await addAgent(t, "boss@desk.test", { name: "Bo", role: "supervisor" });
    const c = await escalate(t, "My parcel is late and I want a person");
    const panel = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/assist`, headers: bearer(tom.token) })).json().assist;
    const reply = panel.replies[0];
    const rate = (suggestionId: string, suggestionType: string) =>
      t.app.inject({ method: "POST", url: "/api/v1/assist/ratings", headers: bearer(tom.token), payload: { conversationId: c.id, suggestionId, suggestionType, rating: "helpful" } });
    for (const [id, type] of [[reply.id, "article"], ["made-up", "reply"], [panel.summary.id, "next_step"]]) {
      const refused = await rate(id, type);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe("VALIDATION_FAILED");
    }
    expect((await rate(reply.id, "reply")).statusCode).toBe(201);
    const byType = (await t.app.inject({ method: "GET", url: "/api/v1/assist/ratings/summary", headers: bearer(boss.token) })).json().byType;
    expect([byType.reply.total, byType.article.total, byType.next_step.total]).toEqual([1, 0, 0]);
  });

  it("flags a VIP by plan and a legal request in the assist panel, as routing judged them", async () => {
    t = await startTandem({ TANDEM_AI: "off" });
    const tom = await addAgent(t, "tom@desk.test", { name: "Tom" });
    const c = await newConversation(t.app, signedCustomer({ externalId: "ent-7", name: "Pat" }));
    const customer = await t.store.findCustomerByExternalId("ent-7");
    await t.store.updateCustomer(customer?.id as string, { attributes: { plan: "enterprise" } });
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m1", text: "Our legal team says your invoice is a breach of contract" } });
    const conversation = await t.store.getConversation(c.id);
    expect(conversation?.reasons).toEqual(expect.arrayContaining(["vip_customer"]));
    const panel = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}/assist`, headers: bearer(tom.token) })).json().assist;
    const flags = Object.fromEntries(panel.flags.map((f: { kind: string; evidence: string }) => [f.kind, f.evidence]));
    expect(flags).toMatchObject({ high_value: "plan enterprise", legal_language: '"legal team"' });
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

  it("runs the SLA targets the operator configured, and tells the console the same ones", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off", SLA_WAITING_MINUTES: "1,10,20", SLA_WARN_AT: "0.5" }, { clock, deskTickMs: 10 });
    const agent = await addAgent(t, "sla-reader@desk.test");
    const policy = await t.app.inject({ method: "GET", url: "/api/v1/desk/sla-policy", headers: bearer(agent.token) });
    expect(policy.statusCode).toBe(200);
    expect(policy.json().sla).toMatchObject({ tiers: { 1: { firstResponseMs: 300_000, waitingMs: 60_000 } }, warnAtFraction: 0.5 });
    const seen: StreamEvent[] = [];
    t.subscribeAgents((e) => e.type === "sla" && seen.push(e));
    const c = await escalate(t);
    clock.advance(35_000); // past half of the one-minute pick-up target
    await until(() => seen.some((e) => e.type === "sla" && e.level === "warning" && e.metric === "waiting" && e.conversationId === c.id));
    clock.advance(30_000);
    await until(() => seen.some((e) => e.type === "sla" && e.level === "breached" && e.metric === "waiting" && e.conversationId === c.id));
    const customer = await t.app.inject({ method: "GET", url: "/api/v1/desk/sla-policy" });
    expect(customer.statusCode).toBe(401);
  });

  it("stops the first-response clock when the agent answers a conversation re-escalated after a hand-back", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 10 });
    const seen: StreamEvent[] = [];
    t.subscribeAgents((e) => e.type === "sla" && seen.push(e));
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const { act, say } = agentApi(t, ann.token);
    const c = await escalate(t);
    await act(c.id, "claim");
    await say(c.id, "a1", "Hi, I'm here");
    expect((await act(c.id, "handback")).statusCode).toBe(200);
    clock.advance(60 * 60_000);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "I want a person again please" } });
    const control = await escalate(t); // nobody answers this one: its breach shows the timers ran past the deadline
    expect((await t.store.getConversation(c.id))?.status).toBe("waiting_human");
    await act(c.id, "claim");
    expect((await say(c.id, "a2", "Hi again, looking at it now")).statusCode).toBe(201);
    clock.advance(6 * 60_000); // past tier 1's five-minute first-response target
    await until(() => seen.some((e) => e.type === "sla" && e.conversationId === control.id && e.metric === "first_response" && e.level === "breached"));
    expect(seen.filter((e) => e.type === "sla" && e.conversationId === c.id && e.metric === "first_response")).toEqual([]);
  });

  it("starts the next person's first-response clock afresh when a conversation handed back to the AI is escalated again", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 60_000 });
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const { act, say } = agentApi(t, ann.token);
    const c = await escalate(t);
    await act(c.id, "claim");
    await say(c.id, "a1", "Hi, I'm here");
    const firstAnswer = (await t.store.getConversation(c.id))?.firstHumanResponseAt;
    expect(firstAnswer).not.toBeNull();
    await act(c.id, "handback");
    expect((await t.store.getConversation(c.id))?.firstHumanResponseAt).toBeNull();
    clock.advance(60 * 60_000);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "I want a person again please" } });
    const requeued = await t.store.getConversation(c.id);
    expect(requeued?.status).toBe("waiting_human");
    expect(requeued?.firstHumanResponseAt).toBeNull();
    // Read from the stored conversation alone, the clock runs: nobody has answered in this episode.
    clock.advance(6 * 60_000);
    const unanswered = evaluateSla(slaInputFor(requeued!).timestamps, slaInputFor(requeued!).targets, clock.now());
    expect(unanswered.timers.find((x) => x.metric === "first_response")).toMatchObject({ running: true, status: "breached" });
    await act(c.id, "claim");
    await say(c.id, "a2", "Hi again, looking at it now");
    const answered = await t.store.getConversation(c.id);
    expect(answered?.firstHumanResponseAt).toBe(new Date(clock.now()).toISOString());
    const view = (await t.app.inject({ method: "GET", url: `/api/v1/conversations/${c.id}`, headers: bearer(ann.token) })).json();
    expect(JSON.stringify(view)).toContain(`"firstHumanResponseAt":"${answered?.firstHumanResponseAt}"`);
  });

  it("keeps the first-response clock running from the escalation when an agent passes the conversation on without a word", async () => {
    const clock = manualClock(Date.now());
    t = await startTandem({ TANDEM_AI: "off" }, { clock, deskTickMs: 10 });
    const seen: StreamEvent[] = [];
    t.subscribeAgents((e) => e.type === "sla" && seen.push(e));
    const ann = await addAgent(t, "ann@desk.test", { name: "Ann" });
    const c = await escalate(t);
    clock.advance(2 * 60_000);
    await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/claim`, headers: bearer(ann.token) });
    clock.advance(2 * 60_000);
    const moved = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/transfer`, headers: bearer(ann.token), payload: { toTier: 1, note: "not mine" } });
    expect(moved.json().conversation.status).toBe("waiting_human");
    await new Promise((r) => setTimeout(r, 100)); // the desk sees the requeue
    clock.advance(2 * 60_000); // six minutes since escalation and still no person has written: tier 1's target is five
    await until(() => seen.some((e) => e.type === "sla" && e.conversationId === c.id && e.metric === "first_response" && e.level === "breached"));
    const dueAt = seen.find((e) => e.type === "sla" && e.conversationId === c.id && e.metric === "first_response" && e.level === "breached");
    expect(dueAt?.type === "sla" && Date.parse(dueAt.dueAt)).toBe(Date.parse((await t.store.listEvents(c.id)).find((e) => e.type === "escalated")?.createdAt ?? "") + 5 * 60_000);
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

  it("sends a signed webhook on escalation, on assignment and when the customer's next message raises the priority, retrying a failing receiver", async () => {
    const received: { type: string; ok: boolean; data: Record<string, unknown> }[] = [];
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
        received.push({ type: event.type, ok: ok && /^evt_/.test(event.id) && !Number.isNaN(Date.parse(event.createdAt)), data: event.data });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      t = await startTandem({ TANDEM_AI: "off", WEBHOOK_URL: url, WEBHOOK_SECRET: secret });
      const agent = await addAgent(t, "w@desk.test");
      await t.app.inject({ method: "PATCH", url: "/api/v1/me/presence", headers: bearer(agent.token), payload: { presence: "online" } });
      const c = await escalate(t);
      await until(() => received.some((r) => r.type === "conversation.escalated") && received.some((r) => r.type === "conversation.assigned"), 15000);
      await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: bearer(c.token), payload: { clientMessageId: "m2", text: "This is ridiculous, I'm contacting my lawyer" } });
      await until(() => received.some((r) => r.type === "conversation.reprioritised"), 15000);
      expect(received.every((r) => r.ok)).toBe(true);
      expect(received.find((r) => r.type === "conversation.reprioritised")?.data).toMatchObject({
        conversationId: c.id, status: "human", assigneeId: agent.user.id,
        priority: { from: 0, to: 50, explanation: "legal_compliance 50" },
        tier: { from: 1, to: 1, judged: 3 }, tierRaiseSuggested: true, addedReasons: ["legal_compliance"],
      });
    } finally {
      server.close();
    }
  });
});
