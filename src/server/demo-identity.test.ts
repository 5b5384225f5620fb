// The README's second demo step through the API, as the /demo page's widget makes it: the shop's signed-in
// customer gets their order looked up; an anonymous visitor asking the same is told why not and handed over.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newConversation, postMessage, signedCustomer, startTandem } from "../../test/support/tandem.ts";
import { DEMO_CUSTOMER } from "../app/demo-seed.ts";
import type { Tandem } from "../main.ts";

describe("the demo shop's order look-up", () => {
  let t: Tandem;

  beforeAll(async () => {
    t = await startTandem({}, { demo: true });
    await t.store.createCustomer({ ...DEMO_CUSTOMER, locale: "en" });
  }, 60_000);

  afterAll(() => t?.close());

  async function aiReplyTo(customer: Record<string, string>, text: string) {
    const c = await newConversation(t.app, customer);
    expect((await postMessage(t.app, c.id, c.token, { clientMessageId: "m1", text })).statusCode).toBe(201);
    for (let i = 0; i < 200; i++) {
      const ai = (await t.store.listMessages(c.id, { limit: 50 })).find((m) => m.author === "ai");
      if (ai) return { text: ai.text, conversation: await t.store.getConversation(c.id) };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("no AI reply within 5 s");
  }

  it("answers the signed-in demo customer with their order", async () => {
    const reply = await aiReplyTo(signedCustomer({ ...DEMO_CUSTOMER }), "Where is my order LC-10234?");
    expect(reply.text).toMatch(/^Order LC-10234 is /);
  });

  it("looks the order up when the signed-in customer sends nothing but its number", async () => {
    const reply = await aiReplyTo(signedCustomer({ ...DEMO_CUSTOMER }), "LC-10234");
    expect(reply.text).toMatch(/^Order LC-10234 is /);
  });

  it("tells a visitor who only claims the demo customer's email that it needs to know who they are, and hands over", async () => {
    const reply = await aiReplyTo(
      { email: DEMO_CUSTOMER.email, name: "Mallory" },
      "Where is my order LC-10234?",
    );
    expect(reply.text).toMatch(/need to know who you are/);
    expect(reply.text).not.toMatch(/LC-10234 is/);
    expect(reply.conversation?.status).toBe("waiting_human");
  });
});
