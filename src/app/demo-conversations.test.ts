// Whole conversations with the demo shop's AI, through the public API: what a customer types after an answer
// ("ok", "yes, and…"), short first messages, other languages, and the AI's own limit after several unresolved turns.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newConversation, postMessage, signedCustomer, startTandem } from "../../test/support/tandem.ts";
import type { Message } from "../domain/model.ts";
import type { Tandem } from "../main.ts";

describe("conversations with the demo AI", () => {
  let t: Tandem;

  beforeAll(async () => {
    t = await startTandem({}, { demo: true });
  }, 60_000);

  afterAll(() => t?.close());

  /** Sends each text in turn, waiting for the AI (or the desk) to answer it, and returns the stored conversation. */
  async function chat(texts: string[], customer: Record<string, string> = {}) {
    const c = await newConversation(t.app, customer);
    for (const [i, text] of texts.entries()) {
      const res = await postMessage(t.app, c.id, c.token, { clientMessageId: `m${i}`, text });
      expect(res.statusCode).toBe(201);
      await t.conversations.drain();
    }
    const messages = (await t.store.listMessages(c.id, { limit: 100 })).filter((m) => !m.internal);
    return { messages, conversation: (await t.store.getConversation(c.id))! };
  }

  const said = (messages: Message[]) => messages.map((m) => `${m.author}: ${m.text}`);

  /** Plays the turns and checks that the AI answered each, the last with `expected` in it. */
  async function answersLastTurn(turns: string[], expected: string) {
    const { messages } = await chat(turns);
    const ai = messages.filter((m) => m.author === "ai");
    expect(ai).toHaveLength(turns.length);
    expect(ai.at(-1)!.text).toContain(expected);
  }

  it("greets a customer whose first message is only 'ok', instead of saying it cannot speak their language", async () => {
    const { messages, conversation } = await chat(["ok"]);
    expect(said(messages)).toEqual([
      "customer: ok",
      "ai: Hi! I'm the virtual assistant. How can I help you today?",
    ]);
    expect(conversation.status).toBe("ai");
  });

  it("takes 'ok' or 'cool' after 'did that solve it?' as a yes and closes the conversation as resolved by the AI", async () => {
    for (const reply of ["ok", "cool", "thanks!", "ok great"]) {
      const { messages, conversation } = await chat(["How long does shipping take?", reply]);
      expect(messages.at(-3)?.text).toBe(reply);
      expect(messages.at(-2)?.text).toMatch(/^Great, I'm glad that helped!/);
      expect(conversation).toMatchObject({ status: "resolved", resolutionCode: "customer_confirmed" });
    }
  });

  it("lets a customer say 'never mind': to a question it asked, to an action it began, or with a new question", async () => {
    const afterAnswer = await chat(["How long does shipping take?", "never mind"]);
    expect(afterAnswer.messages.at(-1)?.text).toBe("Is there anything else I can help you with?");
    expect(afterAnswer.conversation.status).toBe("ai");
    const me = signedCustomer({ externalId: "demo-customer-1", email: "demo.customer@example.com" });
    const dropped = await chat(["where is my order?", "never mind"], me);
    expect(dropped.messages.at(-1)?.text).toBe("All right, I won't do that.");
    expect(dropped.conversation.status).toBe("ai");
    const moved = await chat(["where is my order?", "never mind, how long does delivery take?"], me);
    expect(moved.messages.at(-1)?.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
  });

  it("answers both questions of a message that asks two, each from its own passage", async () => {
    const { messages } = await chat(["How long does delivery take and how much does it cost?"]);
    const answer = messages.at(-1)!;
    expect(answer.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
    expect(answer.text).toMatch(/Standard delivery costs 4.95 euros/);
    // Not the delivery-address sentence that only shares "delivery" with the second question.
    expect(answer.text).not.toMatch(/delivery address/);
    const warranty = await chat(["what's the warranty and does it cover scratches?"]);
    expect(warranty.messages.at(-1)!.text).toMatch(/^Every Lumen & Co. product has a two-year warranty/);
    expect(warranty.messages.at(-1)!.text).toMatch(/It does not cover normal wear, scratches/);
  });

  it("reads 'it' in a short question as the product the customer just asked about", async () => {
    const lamp = await chat(["what's the price of the cove lamp?", "does it come with a bulb?"]);
    expect(lamp.messages.at(-1)!.text).toMatch(/E27 bulb not included/);
    expect(lamp.conversation.status).toBe("ai");
    const duvet = await chat(["how much is the aster duvet cover?", "can I machine wash it?"]);
    expect(duvet.messages.at(-1)!.text).toMatch(/Machine wash at 40 degrees/);
    // After a policy answer the pronoun is what that answer was about, when the message says something it holds.
    const cards = await chat(["do you have gift cards?", "how long are they valid?"]);
    expect(cards.messages.at(-1)!.text).toMatch(/valid for two years/);
    expect(cards.conversation.status).toBe("ai");
    // After a policy answer "it" is no product: "is it free?" is the return, answered as before.
    const returns = await chat(["How do I return something?", "is it free?"]);
    expect(returns.messages.at(-1)!.text).toMatch(/^Returns from the European Union are free/);
  });

  it("asks what the customer needs when the opening asks nothing yet, and hands sarcastic thanks to a person", async () => {
    const opening = await chat(["can you help me?", "I need help with my password"]);
    expect(said(opening.messages).slice(0, 2)).toEqual([
      "customer: can you help me?",
      "ai: Of course. What can I help you with?",
    ]);
    expect(opening.messages.at(-1)!.text).toMatch(/^To reset your password/);
    // After an answer, a message with nothing to search is no opening: a person takes it.
    const puzzled = await chat(["How do I return something?", "why???"]);
    expect(puzzled.conversation.status).toBe("waiting_human");
    // It had been "You're welcome! Is there anything else I can help with?".
    const sarcastic = await chat(["How do I return something?", "thanks for nothing"]);
    expect(sarcastic.messages.map((m) => m.text).join(" ")).not.toMatch(/welcome/i);
    expect(sarcastic.conversation.status).toBe("waiting_human");
  });

  it("asks what is missing after 'kind of', and answers it when the customer says", async () => {
    const hedge = await chat(["How do I return something?", "I guess"]);
    expect(hedge.messages.at(-1)!.text).toMatch(/^What is still missing\?/);
    expect(hedge.conversation.status).toBe("ai");
    const receipt = await chat(["How do I return something?", "kind of, but what if I lost the receipt?"]);
    expect(receipt.messages.at(-1)!.text).toMatch(/download every invoice from the Orders page/);
    expect(receipt.conversation.status).toBe("ai");
  });

  it("answers the question that comes with a 'no' to 'did that solve it?', and hands over a bare 'no'", async () => {
    const faster = await chat([
      "How long does shipping to Norway take?",
      "no, I need it faster, is there express?",
    ]);
    expect(faster.messages.at(-1)!.text).toMatch(/Express delivery arrives the next business day/);
    expect(faster.conversation.status).toBe("ai");
    const still = await chat(["How long does shipping take?", "no, it still has not arrived"]);
    expect(still.conversation.status).toBe("waiting_human");
  });

  it("reads a follow-up that only names what changed as the question it continues", async () => {
    const { messages } = await chat(["What is the warranty on furniture?", "what about lamps?"]);
    const last = messages.at(-1)!;
    expect(last.author).toBe("ai");
    // The warranty every product has, not the lamp's catalogue description.
    expect(last.text).toMatch(/two-year warranty/);
    expect(last.text).not.toMatch(/Hand-glazed/);
    // Triage reads the fragment with the earlier question's intent too, so it is not sent to a person as a
    // complex problem before the AI could answer it.
    // Another product named: the question asked of it, and "it" is then that product.
    const throw_ = await chat(["how much is the Dune rug?", "and the Juniper throw?", "what is it made of?"]);
    expect(throw_.messages.filter((m) => m.author === "ai").map((m) => m.text.split("\n")[0])).toEqual([
      "Price eur: 249.",
      "Price eur: 79.",
      "Materials: Merino wool and cashmere blend.",
    ]);
    const harbor = await chat([
      "what is the Birch bedside table made of?",
      "and the Harbor table?",
      "how much is it?",
    ]);
    expect(harbor.messages.filter((m) => m.author === "ai").map((m) => m.text.split("\n")[0])).toEqual([
      "Materials: Solid birch wood with a natural oil finish.",
      "Materials: Solid oak with a matt lacquer.",
      "Price eur: 1190.",
    ]);
    const furniture = await chat(["How long is the warranty?", "what about furniture?"]);
    expect(furniture.messages.at(-1)!.text).toMatch(
      /^Furniture frames and table tops have a five-year warranty/,
    );
    // "and how much?" after a question that pointed back asks what delivery costs.
    const france = await chat(["Do you ship to France?", "how long does it take?", "and how much?"]);
    expect(france.messages.at(-1)!.text).toMatch(/^Standard delivery costs 4.95 euros/);
    const norway = await chat(["How long does delivery take to Germany?", "and to Norway?"]);
    expect(norway.conversation.status).toBe("ai");
    expect(norway.messages.at(-1)?.author).toBe("ai");
  });

  it("reads a question that points back ('how much does that cost?') as about what the customer asked before", async () => {
    const { messages } = await chat(["How do I return something?", "how much does that cost?"]);
    const last = messages.at(-1)!;
    expect(last.author).toBe("ai");
    // What returns cost, not what shipping costs or the damaged-item replacement sent "at no cost".
    expect(last.text).toMatch(/^Returns from the United Kingdom, Switzerland and Norway cost 7.50 euros/);
    expect(last.text).toMatch(/Returns from the European Union are free/);
    // Whether it costs anything is answered by what returns cost, not by the refund of the shipping cost.
    const pay = await chat(["how do I return something", "do I have to pay for it?"]);
    expect(pay.messages.at(-1)!.text).toMatch(
      /^Returns from the United Kingdom, Switzerland and Norway cost 7.50/,
    );
    const swiss = await chat([
      "how do I return something",
      "do I have to pay for it?",
      "what if I'm in Switzerland?",
    ]);
    expect(swiss.conversation.status).toBe("ai");
    expect(swiss.messages.at(-1)!.text).toMatch(
      /^Returns from the United Kingdom, Switzerland and Norway cost 7.50/,
    );
    // After a follow-up changed the place, "it" is shipping to that place.
    const uk = await chat([
      "How much is shipping to Germany?",
      "and to the UK?",
      "ok and how long does it take?",
    ]);
    expect(uk.messages.at(-1)!.text).toMatch(
      /^Deliveries to the United Kingdom, Switzerland and Norway take 4 to 8/,
    );
  });

  it("answers chatty questions that open with a greeting or a purchase and ask in a turn of phrase", async () => {
    const towels = await chat([
      "Morning. Bought the Fjord towels, how should I wash them so they stay soft?",
    ]);
    expect(towels.messages.at(-1)!.text).toMatch(/^Care: Wash at 60 degrees/);
    const klarna = await chat([
      "Hi there, quick question - I paid with Klarna and now I want to return one item. How does the refund work in that case?",
    ]);
    expect(klarna.messages.at(-1)!.text).toMatch(/Refunds go back to the original payment method/);
    const balance = await chat([
      "Good evening. My mother bought me a gift card for my birthday but I can't find where to check how much is left on it. Could you help?",
    ]);
    expect(balance.messages.at(-1)!.text).toMatch(/^You can check the balance of a gift card/);
    const marketing = await chat(["I keep getting marketing emails"]);
    expect(marketing.messages.at(-1)!.text).toMatch(/^To stop receiving our newsletter/);
  });

  it("answers a routine question written as a long, chatty message instead of taking it for a complex problem", async () => {
    const { messages, conversation } = await chat([
      "Hi there! I bought a rug from you last month and honestly I love it, but I just moved and the colours don't really work in my new living room. Is it too late to send it back? It's still in perfect condition.",
    ]);
    expect(conversation.status).toBe("ai");
    expect(messages.at(-1)!.text).toMatch(/^You can return any item within 30 days of delivery/);
    const cafe = await chat([
      "Good morning! We're a small café and want to order a few of your candles for the tables. Can we get an invoice with our VAT number on it?",
    ]);
    expect(cafe.messages.at(-1)!.text).toMatch(/^Business customers can add a VAT number at checkout/);
    const declined = await chat([
      "Hey, so my card got declined twice when I tried to check out, which is weird because it works everywhere else. Do you take PayPal instead?",
    ]);
    expect(declined.messages.at(-1)!.text).toMatch(/^We accept Visa, Mastercard, American Express, PayPal/);
    // The question alone keeps where the story happens.
    const swiss = await chat([
      "Hello! I'm ordering a birthday present for my dad who lives in Switzerland. Will he have to pay anything extra when it arrives?",
    ]);
    expect(swiss.messages.at(-1)!.text).toMatch(
      /^Orders to the United Kingdom, Switzerland and Norway may be charged import VAT/,
    );
  });

  it("answers 'Do you ship to Canada?' with the places it ships to, and a price asked in a customer's own words", async () => {
    const canada = await chat(["Do you ship to Canada?", "what about the US?"]);
    // The same list answers the follow-up too: a new subject answered alike is no reason to hand over.
    expect(canada.conversation.status).toBe("ai");
    expect(canada.messages.filter((m) => m.author === "ai")).toHaveLength(2);
    expect(canada.messages.at(-1)!.text).toMatch(
      /^Lumen & Co\. ships from our warehouse in Rotterdam to the European Union, the United Kingdom, Switzerland and Norway\./,
    );
    for (const [question, answer] of [
      ["how much is shipping?", /^Standard delivery costs 4\.95 euros/],
      ["Can i use a giftcard to pay?", /^We accept Visa/],
      ["How long is the warranty?", /^Every Lumen & Co\. product has a two-year warranty/],
    ] as const) {
      const { messages } = await chat([question]);
      expect(messages.at(-1)!.text, question).toMatch(answer);
    }
  });

  it("answers the question that follows a 'yes' instead of closing the conversation on it", async () => {
    const { messages, conversation } = await chat([
      "How long does shipping take?",
      "yes, and how do I return an item?",
    ]);
    const last = messages.at(-1)!;
    expect(last.author).toBe("ai");
    expect(last.text).toMatch(/return any item within 30 days/);
    expect(last.meta?.previousConfirmed).toBe(true);
    // The first answer was confirmed: the count of unresolved AI turns starts again at this answer.
    expect(conversation).toMatchObject({ status: "ai", aiTurnsUnresolved: 1 });
  });

  it("says plainly that it could not resolve things after three unresolved answers, then hands over", async () => {
    const { messages, conversation } = await chat([
      "hi",
      "How long does shipping take?",
      "how much is express shipping?",
      "How do I return an item?",
      "what payment methods do you accept?",
    ]);
    // The greeting is small talk, not a turn: the handover comes after the third answer, not the second.
    expect(said(messages).slice(-3)).toEqual([
      "customer: what payment methods do you accept?",
      "ai: I haven't been able to resolve this for you, so I'm connecting you with a specialist who will see everything we've discussed.",
      expect.stringMatching(/^system: /),
    ]);
    expect(messages.at(-2)?.meta).toMatchObject({ kind: "boundary", reason: "unresolved_after_turns" });
    expect(conversation).toMatchObject({ status: "waiting_human", reasons: ["unresolved_after_turns"] });
  });

  it("answers 'what is your return policy' from the returns page", async () => {
    const { messages } = await chat(["What is your return policy?"]);
    const ai = messages.at(-1)!;
    expect(ai.text).toMatch(/return any item within 30 days/);
    expect(ai.meta?.citations).toEqual([expect.objectContaining({ title: "Returns and refunds" })]);
  });

  it("answers a question about one product from the policy it asks about, or the product's own field", async () => {
    const returning = (await chat(["Can I return the Dune rug?"])).messages.at(-1)!;
    expect(returning.text).toMatch(/^You can return any item within 30 days/);
    expect(returning.meta?.citations).toEqual([expect.objectContaining({ title: "Returns and refunds" })]);
    const care = (await chat(["How do I wash the duvet cover?"])).messages.at(-1)!;
    expect(care.text).toMatch(/^Care: Machine wash at 40 degrees/);
    expect(care.text).not.toMatch(/Description:/);
  });

  it("answers what the customer asks, not what merely shares a word with it", async () => {
    const answers: Record<string, { lead: RegExp; cited: string; not?: RegExp }> = {
      "How much does shipping to France cost?": {
        lead: /^Standard delivery costs 4.95 euros/,
        cited: "Shipping and delivery",
        not: /parcel locker/,
      },
      "Can I change my delivery address?": {
        lead: /change its delivery address/,
        cited: "Shipping and delivery",
        not: /email address/,
      },
      "What is the Dune rug made of?": { lead: /^Materials: New Zealand wool/, cited: "Dune wool rug" },
      "I want to return my lamp, it's the wrong colour": {
        lead: /^Return the item for a refund and place a new order for the size or colour you want/,
        cited: "Returns and refunds",
      },
      "My lamp arrived broken": { lead: /^If an item arrives damaged/, cited: "Returns and refunds" },
      "Do you deliver to Norway?": {
        lead: /ships from our warehouse in Rotterdam to .* Norway/,
        cited: "Shipping and delivery",
        not: /account/i,
      },
      "How long do refunds take?": {
        lead: /^We refund the item price .* within 5 business days/,
        cited: "Returns and refunds",
      },
      "What payment options do you have?": {
        lead: /^We accept Visa, Mastercard/,
        cited: "Orders and payments",
      },
    };
    for (const [question, want] of Object.entries(answers)) {
      const ai = (await chat([question])).messages.at(-1)!;
      expect(ai.author, question).toBe("ai");
      expect(ai.text, question).toMatch(want.lead);
      if (want.not) expect(ai.text, question).not.toMatch(want.not);
      expect(ai.meta?.citations, question).toEqual([expect.objectContaining({ title: want.cited })]);
    }
  });

  it("answers a general delivery question an anonymous customer words as being about their order", async () => {
    const general = await chat(["When will my express order arrive?"]);
    expect(general.messages.at(-1)!.text).toMatch(/^Express delivery arrives the next business day/);
    expect(general.conversation.status).toBe("ai");
    // A question the intent model took for an order lookup is no request to be told who the AI needs to know.
    const guessed = await chat(["Can I order by phone?"]);
    expect(guessed.messages.find((m) => m.author === "ai")!.text).toMatch(/^I can't fully resolve this/);
    // Asking to look up their own order still needs to know who they are, so a person takes it.
    const own = await chat(["Where is my order?"]);
    expect(own.messages.find((m) => m.author === "ai")!.text).toMatch(/^I need to know who you are/);
    expect(own.conversation.status).toBe("waiting_human");
  });

  it("gives a customer who cannot get in the reset steps, and changing an order to one who wants to add to it", async () => {
    for (const text of ["I'm locked out of my account", "I can't log in"]) {
      const { messages, conversation } = await chat([text]);
      expect(messages.at(-1)!.text, text).toMatch(/^To reset your password, click Forgot password/);
      expect(conversation.status, text).toBe("ai");
    }
    // It had been "Business customers can add a VAT number at checkout".
    const adding = await chat(["can I add an item to my existing order?"]);
    expect(adding.messages.at(-1)!.text).toMatch(/^You can change or cancel an order within one hour/);
  });

  it("answers when an order will arrive with delivery times, and a late one with tracking", async () => {
    for (const question of ["when will my order arrive?", "how long until my order arrives?"]) {
      const { messages } = await chat([question]);
      expect(messages.at(-1)!.text, question).toMatch(/^Standard delivery takes 2 to 4 business days/);
    }
    // It had been 'If an item arrives damaged...' and the Klarna sentence ("pay 30 days after delivery").
    const late = await chat(["the parcel never came"]);
    expect(late.messages.at(-1)!.text).toMatch(/If the tracking page has not changed for 5 business days/);
  });

  it("looks up the order of a signed-in customer who writes that it has not arrived, contractions and all", async () => {
    const me = signedCustomer({ externalId: "demo-customer-1", email: "demo.customer@example.com" });
    for (const text of ["hi, where's my order?", "I ordered a rug 2 weeks ago and it still hasn't arrived"]) {
      const { messages } = await chat([text, "LC-10234"], me);
      const ai = messages.filter((m) => m.author === "ai");
      expect(ai[0]!.text, text).toBe("What is your order number? It looks like LC-10234.");
      expect(ai[1]!.text, text).toMatch(/^Order LC-10234 is shipped/);
    }
  });

  it("answers a request to cancel a given order with how cancelling works, signed in or not, not with its status", async () => {
    // The demo shop has no cancel action; its order number is the customer's own reference, which the knowledge base
    // reads past. "no" to "Did that solve it?" then hands it to a person.
    const me = signedCustomer({ externalId: "demo-customer-1", email: "demo.customer@example.com" });
    for (const customer of [{}, me]) {
      const { messages, conversation } = await chat(["Please cancel my order LC-10388", "no"], customer);
      const ai = messages.filter((m) => m.author === "ai");
      expect(ai[0]!.text).toMatch(/^You can change or cancel an order within one hour of placing it/);
      expect(conversation.status).toBe("waiting_human");
    }
  });

  it("looks up a signed-in customer's own order, and says plainly when the number is not on their account", async () => {
    const me = signedCustomer({ externalId: "demo-customer-1", email: "demo.customer@example.com" });
    const own = await chat(["Where is my order LC-10234?"], me);
    expect(own.messages.at(-1)!.text).toMatch(/^Order LC-10234 is shipped/);
    // Another customer's order answers 404, as an unknown one does: not found, not "something went wrong".
    const other = await chat(["where is my order?", "LC-20001"], me);
    const ai = other.messages.filter((m) => m.author === "ai").at(-1)!;
    expect(ai.text).toMatch(/^I couldn't find that on your account/);
    expect(ai.text).not.toMatch(/LC-20001 is|someone\.else/);
    expect(other.conversation.status).toBe("waiting_human");
  });

  it("gives an anonymous customer the self-service steps for what they can do themselves", async () => {
    for (const text of ["How do I reset my password?", "I forgot my password"]) {
      const { messages, conversation } = await chat([text]);
      expect(messages.at(-1)!.text).toMatch(
        /^To reset your password, click Forgot password on the sign-in page/,
      );
      expect(conversation.status).toBe("ai");
    }
  });

  it("keeps a customer with several questions in a row with the AI, and hands over when it would only repeat itself", async () => {
    // "how do I do that?" asks for the steps of the return the customer named.
    const returning = await chat(["I want to return a rug", "how do I do that?"]);
    expect(returning.messages.at(-1)!.text).toMatch(/^To start a return, open the Orders page/);
    // The bulb is in the first answer, which is given again; "great, and ..." says the answers helped.
    const lamp = await chat([
      "do you sell lamps?",
      "how much is it?",
      "is the bulb included?",
      "great, and can I pay with klarna?",
    ]);
    expect(lamp.messages.at(-3)!.text).toMatch(/E27 bulb not included/);
    expect(lamp.messages.at(-1)!.text).toMatch(/Klarna/);
    expect(lamp.conversation.status).toBe("ai");
    // "it" is the stained rug of the answer before, which need not go back, not any item.
    const stained = await chat(["my rug arrived with a stain on it", "do I have to send it back?"]);
    expect(stained.messages.at(-1)!.text).toMatch(/you do not need to return the damaged item/);
    expect(stained.messages.at(-1)!.text).not.toMatch(/within 30 days/);
    // The customer's own timing against the rule the answer stated: the rule again answers it.
    const timing = await chat(["can I cancel my order?", "it's been 20 minutes, so I can still do it?"]);
    expect(timing.messages.at(-1)!.text).toMatch(/^You can change or cancel an order within one hour/);
    // Thanks with a question after it: the question is answered, not the thanks.
    const claim = await chat(["what is the warranty on furniture?", "ok thanks, and how do I make a claim?"]);
    expect(claim.messages.at(-1)!.text).toMatch(/^To make a warranty claim, email support/);
    const instead = await chat(["my order arrived damaged", "can I get a refund instead?"]);
    expect(instead.messages.at(-1)!.text).toMatch(/^We send a replacement at no cost, or a full refund/);
    const deleting = await chat(["how do I delete my account?", "what happens to my orders then?"]);
    expect(deleting.messages.at(-1)!.text).toMatch(/^Deleting your account erases your order history/);
    // The customer did what the answer says; saying it again would be going in circles.
    const spam = await chat(["the password reset email never came", "yes I checked spam"]);
    expect(spam.conversation.status).toBe("waiting_human");
  });

  // Ten two-turn conversations written before they were first run (6 of 10 went right at the start of the session
  // that wrote them, 8 of 10 after its earlier fixes; the last two were then fixed too).
  it.each([
    [["how much is the birch bedside table?", "does it have a drawer?"], "drawer"],
    [["I want to return the throw blanket", "how do I start the return?"], "To start a return"],
    [["my lamp arrived cracked", "do I need to return it?"], "do not need to return"],
    [["how long does delivery take to Germany?", "and to Norway?"], "4 to 8 business days"],
    [["can I cancel my order?", "it's been 20 minutes, so I can still do it?"], "within one hour"],
    [["do you sell candles?", "how long does it burn?"], "45 hours"],
    [["what is the warranty on furniture?", "ok thanks, and how do I make a claim?"], "email support"],
    [["is shipping free?", "great, what about express?"], "9.95"],
    [["how do I reset my password?", "I did that but the link expired"], "request a new one"],
    [["can I pay with Klarna?", "super, and can I pay it in instalments instead?"], "instalments"],
  ])("answers the follow-up in %j with what it asks (%s)", (turns, expected) =>
    answersLastTurn(turns, expected),
  );

  // Ten more, written blind after the set above was fixed: 8 of 10 right at the session's start, 6 with its fixes to
  // that point (which handed over two follow-ups pointing at part of an answer), 9 once those were repaired and one
  // more fixed ("where exactly in the settings?"). The five here are those that changed or were fixed, and three
  // that stayed right.
  it.each([
    [["how do I turn on two-factor authentication?", "what if I lose my phone?"], "backup codes"],
    [["how long do refunds take?", "I paid by bank transfer"], "bank transfers"],
    [["I want to unsubscribe from the newsletter", "where exactly in the settings?"], "Notifications"],
    [["do you ship to Switzerland?", "will I have to pay customs?"], "import VAT and duties"],
    [["is the dining table extendable?", "how many people can sit at it then?"], "eight"],
  ])("answers the follow-up in %j from what was just said (%s)", (turns, expected) =>
    answersLastTurn(turns, expected),
  );

  // Twenty conversations of two or three turns, typed the way customers type, written blind by someone who read only
  // the knowledge base: 8 of 20 right at the start of the session that fixed these, 14 after (one that needs a person
  // counts as right when it reaches one). These are the fixed ones; the rest is in that session's note.
  it.each([
    [
      ["hi do you ship to switzerland?", "ok how long does it usually take to get there"],
      "4 to 8 business days",
    ],
    [
      [
        "i returned a lamp last week, when do i get my money back",
        "i paid by bank transfer tho, does that change anything?",
      ],
      "bank transfers can take another 3 business days",
    ],
    [
      [
        "how much is express shipping",
        "if i order express now will it come tomorrow? its about 3pm here in amsterdam",
      ],
      "before 14:00",
    ],
    [
      [
        "do you sell gift cards? what amounts",
        "and how long are they good for",
        "ok how can i see how much is left on mine",
      ],
      "Gift cards page",
    ],
    [
      [
        "can i get my order sent to a parcel locker? im in lille, france",
        "how long will they keep it there if im away for a few days",
      ],
      "for 7 days",
    ],
    [
      [
        "can i pay with klarna?",
        "im looking at the harbor oak dining table, could i split that into payments?",
      ],
      "three interest-free instalments",
    ],
  ])("answers the follow-up in %j, typed casually (%s)", (turns, expected) =>
    answersLastTurn(turns, expected),
  );

  // Twenty more, written blind the same way once the set above was fixed: 7 of 20 right with the session's code at
  // that point (as at its start), 14 after the fixes below. These are the fixed ones.
  it.each([
    [
      [
        "ordered the dune rug yesterday morning and still no email with tracking?",
        "ok but is there anywhere else i can see where it is",
      ],
      "follow the parcel from the Orders page",
    ],
    [
      [
        "hey so i bought the juniper throw but the green is way darker than on the pics",
        "can i send it back? havent used it, still in the bag",
        "ok how do i do that",
      ],
      "To start a return, open the Orders page",
    ],
    [
      [
        "im about to order 2 bedside tables for our office",
        "can the invoice show our company vat number? accounting needs it",
      ],
      "add a VAT number at checkout",
    ],
    [
      [
        "getting way too many mails from u guys tbh",
        "how do i stop the newsletter, i still want order emails",
      ],
      "Unsubscribe at the bottom of any newsletter email",
    ],
    [
      [
        "thinking about getting the juniper throw, what is it made of?",
        "nice. can i just put it in the washing machine?",
      ],
      "Hand wash cold or dry clean",
    ],
    [
      ["my cove lamp arrived today with a big crack in the base :(", "what do i need to do to get a new one"],
      "send us a photo",
    ],
    [
      [
        "ordered the dune rug 5 days ago and now its cheaper on ur site lol",
        "can i get the difference back somehow?",
      ],
      "we refund the difference as a gift card",
    ],
    [
      [
        "got a new phone and my authenticator app is gone",
        "how do i log in now?? it keeps asking for the code",
      ],
      "use one of the backup codes",
    ],
    // From a third blind set (24 conversations: 6 right with the session's starting code, 7 with the fixes above, 8
    // after this one): a pronoun for what an opening only told of, when another passage answers the message alone.
    [
      ["my cat threw up on my juniper throw lol", "can i just chuck it in the washing machine?"],
      "Hand wash cold",
    ],
    // "What should I do now?" asks for the step the last answer's passage gives.
    [
      [
        "Hello, I requested a password reset link yesterday evening, but when I clicked it this morning it said the link had expired. How long are these links valid?",
        "I see. What should I do now?",
      ],
      "If it has expired, request a new one.",
    ],
    // From a fourth blind set (24 conversations, 10 right with the code of its session's start, 14 after): a story
    // told without its "I", chat spellings in the phrases that read a conversation ("wat do i do"), the next step not
    // yet given, an either-or read as its first half, and what an opening told of read as the passage that names it.
    [
      [
        "sent back my towels like a week ago, when do i get my money??",
        "paid by bank transfer btw if that matters",
      ],
      "bank transfers can take another 3 business days",
    ],
    [
      [
        "so my friend just knocked red wine all over my new dune rug 😭",
        "how do i clean it without ruining it??",
      ],
      "spot clean stains with cold water",
    ],
    [
      [
        "i clicked forgot password yesterday and got the email but now the link says its expired??",
        "wat do i do",
      ],
      "If it has expired, request a new one.",
    ],
    [
      [
        "found a lumen gift card in a drawer, got it for christmas ages ago lol",
        "is it still valid or did it expire?",
      ],
      "valid for two years from the date of purchase",
    ],
    // The product a pronoun stands for may fall under another rule than the message alone finds.
    [
      ["bought the ember candle, lit it once and honestly hate the smell", "can i return it pls"],
      "opened candles cannot be returned",
    ],
    [
      [
        "hello, the aster duvet cover i got is double but our bed is king",
        "can i just swap it for the king size?",
      ],
      "We do not exchange items directly.",
    ],
    [
      [
        "hey, looking at the harbor oak dining table",
        "how much is it?",
        "and what does delivery cost for something that big",
      ],
      "Large furniture items ship by freight",
    ],
    [
      [
        "saw the ceramic table lamp on ur site, looks lovely",
        "does it come with a bulb or do i need to buy one seperately",
      ],
      "E27 bulb not included",
    ],
    [
      [
        "ordered a rug to london and the courier wants me to pay import fees before handing it over??",
        "why do i have to pay that, i already paid u",
      ],
      "These charges are paid by the recipient on delivery",
    ],
  ])("answers %j, typed casually (%s)", (turns, expected) => answersLastTurn(turns, expected));

  it("asks what a customer needs when the opening tells something and asks nothing the AI can answer, once", async () => {
    const { messages, conversation } = await chat(["sent my return back last week with the label u emailed"]);
    expect(messages.at(-1)!.text).toBe(
      "Thanks for letting me know. What would you like me to help you with?",
    );
    expect(conversation.status).toBe("ai");
    // Telling again what it cannot answer goes to a person rather than round the same question.
    const twice = await chat([
      "im about to order 2 bedside tables for our office",
      "our office is in a listed building",
    ]);
    expect(twice.conversation.status).not.toBe("ai");
  });

  it("does not say goodbye to a frustrated message the intent model read as a farewell", async () => {
    const { messages } = await chat([
      "my tracking has said 'in transit' since last monday",
      "thats like 7 working days now, nothing moved. great",
    ]);
    expect(messages.map((m) => m.text)).not.toContain("Goodbye, and thanks for contacting us!");
  });

  it("reads 'how long to germany' as how long delivery takes there", async () => {
    const { messages } = await chat(["how long to germany"]);
    expect(messages.at(-1)!.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
  });

  it("answers the story's question, not the story: the refund time for a return made last week", async () => {
    const { messages } = await chat(["i returned a lamp last week, when do i get my money back"]);
    expect(messages.at(-1)!.text).toMatch(/^We refund the item price/);
  });

  it("answers a price that dropped after buying with the price match, instead of handing it over as a complex problem", async () => {
    const { messages, conversation } = await chat([
      "i bought the juniper blanket last week for 79 and now i see its cheaper on your site",
    ]);
    expect(conversation.status).toBe("ai");
    expect(messages.at(-1)!.text).toMatch(/^If you find the same item cheaper in our shop/);
  });

  it("tells an anonymous customer where to track an order, rather than handing over to check who they are", async () => {
    const { messages, conversation } = await chat(["where can i track my order?"]);
    expect(conversation.status).toBe("ai");
    expect(messages.at(-1)!.text).toMatch(/tracking link/);
  });

  it("answers what the customer asks, not the nearest words", async () => {
    const giftCard = await chat(["Can I return a gift card?"]);
    expect(giftCard.messages.at(-1)!.text).toMatch(/^Gift cards cannot be returned or exchanged for cash/);
    const named = await chat([
      "Hi, my name is Tom and I have a question about my invoice. Where can I find it?",
    ]);
    expect(named.messages.at(-1)!.text).toMatch(/^An invoice in PDF is attached/);
    // Nothing says whether the table comes assembled ("no cost" in a returns sentence does not answer it): the price
    // is said, and a person takes the rest.
    const assembled = await chat(["how much does the dining table cost and does it come assembled?"]);
    const handover = assembled.messages.find((m) => m.author === "ai")!;
    expect(handover.text).toMatch(/^Price eur: 1190\.\n\nI can't fully resolve this/);
    expect(handover.meta).toMatchObject({ kind: "boundary", unansweredQuestion: "does it come assembled?" });
    expect(assembled.conversation.status).toBe("waiting_human");
  });

  it("speaks French to a French customer all through the handover, system notices included", async () => {
    const { messages, conversation } = await chat(["Combien de temps prend la livraison en France ?"]);
    expect(conversation.language).toBe("fr");
    expect(said(messages).slice(1)).toEqual([
      expect.stringMatching(/^ai: Je ne peux pas répondre moi-même dans votre langue/),
      expect.stringMatching(/^system: J'ai transmis votre conversation à notre équipe/),
    ]);
  });
});
