// IDOR: a customer token aimed at other conversations' ids, on every conversation route of the OpenAPI document;
// and what each audience may read: agents see any conversation's events, customers never see notes or triage.

import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  addAgent,
  bearer,
  newConversation,
  postMessage,
  startTandem,
  storedState,
} from "../support/tandem.ts";
import { openStream } from "../support/ws-client.ts";
import {
  AGENT_ONLY_FIELDS,
  documentedRoutes,
  errorBodyProblem,
  fillPath,
  keysDeep,
  listen,
} from "./fixtures.ts";

// The real triage (starter model) runs, so customer messages carry triage data that must stay agent-side.
const t = await startTandem();
afterAll(() => t.close());
const routes = (await documentedRoutes(t)).filter((r) => r.path.includes("{id}"));
const agent = await addAgent(t, "idor-agent@example.test", { role: "agent", capacity: 1000 });
const bystander = await addAgent(t, "idor-bystander@example.test", { role: "agent" });

const NOTE = "INTERNAL-NOTE: refund fraud suspected, do not tell the customer";
const TRANSFER_NOTE = "TRANSFER-NOTE: customer is a VIP reseller";
const ESCALATE_NOTE = "ESCALATE-NOTE: legal threat";

/** A conversation with customer messages (triaged), an internal note, a transfer note and a public agent reply. */
async function busyConversation() {
  const c = await newConversation(t.app, { name: "Victim", email: "victim@example.test" });
  expect(
    (
      await postMessage(t.app, c.id, c.token, {
        clientMessageId: "m1",
        text: "I want a refund, this is the third time!!",
      })
    ).statusCode,
  ).toBe(201);
  const claim = await t.app.inject({
    method: "POST",
    url: `/api/v1/conversations/${c.id}/claim`,
    headers: bearer(agent.token),
  });
  expect(claim.statusCode, claim.body).toBe(200);
  expect(
    (await postMessage(t.app, c.id, agent.token, { clientMessageId: "n1", text: NOTE, internal: true }))
      .statusCode,
  ).toBe(201);
  expect(
    (await postMessage(t.app, c.id, agent.token, { clientMessageId: "r1", text: "Looking into it now." }))
      .statusCode,
  ).toBe(201);
  const esc = await t.app.inject({
    method: "POST",
    url: `/api/v1/conversations/${c.id}/escalate`,
    headers: bearer(agent.token),
    payload: { tier: 2, note: ESCALATE_NOTE },
  });
  expect(esc.statusCode, esc.body).toBe(200);
  const transfer = await t.app.inject({
    method: "POST",
    url: `/api/v1/conversations/${c.id}/transfer`,
    headers: bearer(agent.token),
    payload: { toAgentId: agent.user.id, note: TRANSFER_NOTE },
  });
  expect(transfer.statusCode, transfer.body).toBe(200);
  expect(
    (await postMessage(t.app, c.id, c.token, { clientMessageId: "m2", text: "Any news?" })).statusCode,
  ).toBe(201);
  return c;
}

const bodyFor = (method: string, path: string): object | undefined => {
  if (method !== "POST") return undefined;
  if (path.endsWith("/messages")) return { clientMessageId: randomUUID(), text: "let me in" };
  if (path.endsWith("/transfer")) return { toTier: 3 };
  return {};
};

describe("IDOR: a customer token against other conversations", () => {
  it("covers every documented conversation route", () => {
    expect(routes.length).toBeGreaterThanOrEqual(9);
  });

  const tricks: [string, (victim: string, attacker: string) => string][] = [
    ["another customer's conversation", (v) => v],
    ["a conversation that does not exist", () => randomUUID()],
    ["its own id, then ../ and the victim's", (v, a) => `${a}/../${v}`],
    ["../ and the victim's id", (v) => `../${v}`],
    ["the victim's id upper-cased", (v) => v.toUpperCase()],
    ["the victim's id with a NUL byte", (v) => `${v}\u0000`],
    ["the victim's id with surrounding spaces", (v) => ` ${v} `],
    ["a SQL wildcard", () => "%"],
    ["a SQL injection", () => "' OR '1'='1"],
  ];

  it.each(tricks)("refuses every {id} route for %s, and changes nothing", async (_label, idOf) => {
    const attacker = await newConversation(t.app, { name: "Attacker" });
    const victim = await busyConversation();
    const id = idOf(victim.id, attacker.id);
    const before = await storedState(t, victim.id);
    for (const r of routes) {
      const res = await t.app.inject({
        method: r.method as "GET",
        url: fillPath(r.path, id),
        headers: bearer(attacker.token),
        payload: bodyFor(r.method, r.path),
      });
      const label = `${r.method} ${r.path} → ${res.statusCode} ${res.body.slice(0, 160)}`;
      // 403 whether or not the id exists, so the answer is no oracle for which conversations exist; a malformed
      // id may be refused by validation (400) first.
      expect([400, 403], label).toContain(res.statusCode);
      expect(errorBodyProblem(res), label).toBeNull();
      expect(res.body, label).not.toContain(victim.id);
    }
    expect(await storedState(t, victim.id)).toEqual(before);
  });

  it("gives the same answer for an existing and a missing conversation", async () => {
    const attacker = await newConversation(t.app);
    const victim = await newConversation(t.app);
    for (const r of routes) {
      const [a, b] = await Promise.all(
        [victim.id, randomUUID()].map((id) =>
          t.app.inject({
            method: r.method as "GET",
            url: fillPath(r.path, id),
            headers: bearer(attacker.token),
            payload: bodyFor(r.method, r.path),
          }),
        ),
      );
      expect([a?.statusCode, a?.body], `${r.method} ${r.path}`).toEqual([b?.statusCode, b?.body]);
    }
  });

  it("does not let a customer token reach agent views through the inbox or the event log", async () => {
    const victim = await busyConversation();
    const attacker = await newConversation(t.app);
    for (const url of [
      "/api/v1/conversations",
      `/api/v1/conversations/${victim.id}/events`,
      `/api/v1/conversations/${attacker.id}/events`,
    ]) {
      const res = await t.app.inject({ method: "GET", url, headers: bearer(attacker.token) });
      expect(res.statusCode, url).toBe(403);
    }
  });
});

describe("what each audience reads", () => {
  it("lets any agent read the events of a conversation they do not own, notes included", async () => {
    const c = await busyConversation();
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/conversations/${c.id}/events`,
      headers: bearer(bystander.token),
    });
    expect(res.statusCode).toBe(200);
    const events = res.json().events as { type: string }[];
    expect(events.length).toBeGreaterThan(3);
    expect(res.body).toContain(TRANSFER_NOTE);
  });

  it("shows agents the notes and triage, and customers neither, on every read path", async () => {
    const c = await busyConversation();

    const agentView = await t.app.inject({
      method: "GET",
      url: `/api/v1/conversations/${c.id}/messages`,
      headers: bearer(bystander.token),
    });
    const agentMessages = agentView.json().messages as {
      internal: boolean;
      triage: unknown;
      author: string;
    }[];
    // The control: the data the customer must not see really exists.
    expect(agentMessages.filter((m) => m.internal).length).toBeGreaterThanOrEqual(2);
    expect(agentMessages.some((m) => m.author === "customer" && m.triage !== null)).toBe(true);
    expect(agentView.body).toContain(NOTE);

    const customerBodies: { where: string; body: unknown }[] = [];
    const read = async (method: "GET" | "POST", url: string, payload?: object) => {
      const res = await t.app.inject({ method, url, headers: bearer(c.token), payload });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      customerBodies.push({ where: `${method} ${url}`, body: res.json() });
    };
    await read("GET", `/api/v1/conversations/${c.id}`);
    await read("GET", `/api/v1/conversations/${c.id}/messages?after=0`);
    await read("POST", `/api/v1/conversations/${c.id}/messages`, { clientMessageId: "m3", text: "Hello?" });
    await read("POST", `/api/v1/conversations/${c.id}/messages`, { clientMessageId: "m3", text: "Hello?" }); // idempotent replay
    await read("POST", `/api/v1/conversations/${c.id}/escalate`);

    // The customer's live stream: the backlog, then a note, a reply and a status change arriving live.
    const base = await listen(t);
    const stream = await openStream(`${base}/api/v1/stream?token=${c.token}`);
    await stream.waitFor((e) => e.type === "message" && e.message.text === "Hello?", "backlog");
    expect(
      (
        await postMessage(t.app, c.id, agent.token, {
          clientMessageId: "n2",
          text: `${NOTE} (live)`,
          internal: true,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await postMessage(t.app, c.id, agent.token, { clientMessageId: "r2", text: "Live reply" })).statusCode,
    ).toBe(201);
    await stream.waitFor((e) => e.type === "message" && e.message.text === "Live reply", "live reply");
    await read("POST", `/api/v1/conversations/${c.id}/resolve`);
    await stream.waitFor(
      (e) => e.type === "status" && e.conversation.status === "resolved",
      "resolved status",
    );
    await stream.close();
    customerBodies.push({ where: "stream", body: stream.events });

    for (const { where, body } of customerBodies) {
      const text = JSON.stringify(body);
      for (const secret of [NOTE, TRANSFER_NOTE, ESCALATE_NOTE]) expect(text, where).not.toContain(secret);
      const leaked = AGENT_ONLY_FIELDS.filter((f) => keysDeep(body).has(f));
      expect(leaked, `${where} exposes agent-only fields`).toEqual([]);
    }
    // And the stream's seqs skip the notes without a gap the client would take for a loss.
    const seqs = stream.events.filter((e) => e.type === "message").map((e) => e.message.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
