// Every customer message is triaged; the result is stored with it, a "human" route escalates through the state
// machine with its reasons and tier, and agents receive the triage on their stream.

import { afterEach, describe, expect, it } from "vitest";
import { bearer, newConversation, startTandem } from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";
import type { StreamEvent } from "../ports/bus.ts";

describe("triage on every customer message", () => {
  let t: Tandem;
  afterEach(async () => t?.close());

  it("stores the triage with the message and escalates a frustrated request for a person with reasons and tier", async () => {
    t = await startTandem({}, { responder: { respond: async () => ({ kind: "none" }) } });
    const { id, token } = await newConversation(t.app);
    const post = await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m1", text: "This is ridiculous, it's the third time I ask. I want to speak to a real person NOW!!!" },
    });
    expect(post.statusCode).toBe(201);
    const stored = (await t.store.listMessages(id, {}))[0];
    expect(stored?.triage?.route).toBe("human");
    expect(stored?.triage?.reasons).toContain("human_requested");
    expect(stored?.triage?.frustrationCues.length).toBeGreaterThan(0);
    const conv = await t.store.getConversation(id);
    expect(conv?.status).toBe("waiting_human");
    expect(conv?.reasons).toContain("human_requested");
    expect(conv?.tier).toBeGreaterThanOrEqual(1);
    const log = await t.store.listEvents(id);
    expect(log.find((e) => e.type === "escalated")?.data).toMatchObject({ reasons: expect.arrayContaining(["human_requested"]) });
  });

  it("keeps a routine question with the AI and records its language", async () => {
    let asked = 0;
    t = await startTandem({}, { responder: { respond: async () => (asked++, { kind: "none" }) } });
    const { id, token } = await newConversation(t.app);
    await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m1", text: "Hi, how do I reset my password?" },
    });
    await t.conversations.drain();
    const conv = await t.store.getConversation(id);
    expect(conv?.status).toBe("ai");
    expect(conv?.language).toBe("en");
    expect(asked).toBe(1);
    expect((await t.store.listMessages(id, {}))[0]?.triage?.route).toBe("ai");
  });

  it("follows the language the customer writes over the browser's locale, so the handoff notice is in it too", async () => {
    t = await startTandem({}, { responder: { respond: async () => ({ kind: "escalate", tier: 1, reasons: ["cannot_answer"] }) } });
    const { id, token } = await newConversation(t.app, { name: "Jonas", locale: "en-GB" });
    expect((await t.store.getConversation(id))?.language).toBe("en");
    await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m1", text: "Ich möchte meine Bestellung stornieren" },
    });
    await t.conversations.drain();
    expect((await t.store.getConversation(id))?.language).toBe("de");
    const notice = (await t.store.listMessages(id, {})).find((m) => m.author === "system");
    expect(notice?.text).toMatch(/unser(em)? Team/);
    // A short reply afterwards ("ok", "thanks!") cannot tell its language and leaves the conversation's as it is.
    await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m2", text: "ok thanks!" },
    });
    expect((await t.store.getConversation(id))?.language).toBe("de");
  });

  it("writes the handoff notice in the language of the AI's parting words, and queues for an agent who speaks it", async () => {
    // A short Spanish question triage is not sure enough of to switch the conversation's language on its own (0.51).
    t = await startTandem({}, {
      responder: {
        respond: async () => ({
          kind: "escalate", tier: 1, reasons: ["cannot_answer"], language: "es",
          text: "No puedo responder esto en tu idioma, así que te estoy poniendo en contacto con un especialista que lo habla.",
        }),
      },
    });
    const { id, token } = await newConversation(t.app, { name: "Lucía", locale: "en-US" });
    await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m1", text: "¿Hacen envíos a México?" },
    });
    await t.conversations.drain();
    expect((await t.store.getConversation(id))?.language).toBe("es");
    const notice = (await t.store.listMessages(id, {})).find((m) => m.author === "system");
    expect(notice?.text).toMatch(/equipo/);
  });

  it("carries the triage result to the agents' topic", async () => {
    t = await startTandem({}, { responder: { respond: async () => ({ kind: "none" }) } });
    const seen: StreamEvent[] = [];
    const { id, token } = await newConversation(t.app);
    const off = t.subscribeAgents((e) => seen.push(e));
    await t.app.inject({
      method: "POST", url: `/api/v1/conversations/${id}/messages`, headers: bearer(token),
      payload: { clientMessageId: "m1", text: "I am furious, this is unacceptable" },
    });
    off();
    const triage = seen.find((e) => e.type === "triage");
    expect(triage && triage.type === "triage" && triage.triage.sentiment).toBeLessThan(0);
  });
});
