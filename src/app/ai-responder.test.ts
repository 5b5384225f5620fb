import { describe, expect, it } from "vitest";
import { ActionDialog } from "../domain/actions/dialog.ts";
import { parseRegistry } from "../domain/actions/registry.ts";
import { type ActionRunner, Answerer } from "../domain/answer/answerer.ts";
import { buildHandoffPacket } from "../domain/handoff/index.ts";
import { conversation, message } from "../domain/handoff/test-fixtures.ts";
import { testChunk } from "../domain/knowledge/chunk.test-helper.ts";
import { KnowledgeIndex } from "../domain/knowledge/knowledge-index.ts";
import type { Customer, Message } from "../domain/model.ts";
import { createAiResponder } from "./ai-responder.ts";

const dialog = new ActionDialog(
  parseRegistry({
    actions: [
      {
        name: "lookup_order",
        description: "Look up one of the customer's orders.",
        triggers: ["where is my order"],
        params: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
        slots: { orderId: { extract: "order_id" } },
        http: { method: "GET", url: "{baseUrl}/orders/{orderId}" },
        reply: { en: "Order {orderId} is in transit." },
      },
      {
        name: "reset_password",
        description: "Send a password reset link.",
        sideEffect: true,
        triggers: ["reset my password"],
        params: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
        slots: { email: { extract: "email", identity: "email" } },
        http: { method: "POST", url: "{baseUrl}/password-resets" },
        reply: { en: "Done: a reset link is on its way." },
      },
    ],
  }),
);

const shopper: Customer = {
  id: "cus-1",
  externalId: null,
  name: "Maria Lopez",
  email: "maria@example.com",
  locale: "en",
  attributes: {},
  createdAt: "2026-03-04T09:00:00.000Z",
} as Customer;

/** Runs actions like the HTTP executor would, failing the ones named in `failing`. */
function runner(failing: readonly string[] = []): ActionRunner {
  return {
    async execute(action, params) {
      if (failing.includes(action.name))
        return { ok: false, error: { code: "ACTION_HTTP_ERROR", message: "backend returned 503" } };
      return {
        ok: true,
        reply:
          action.name === "lookup_order"
            ? `Order ${params.orderId} is in transit.`
            : "Done: a reset link is on its way.",
      };
    },
  };
}

/**
 * Plays customer messages through the real responder and answerer, storing each outcome as the conversation
 * service does (the AI message carries the outcome's meta verbatim), so the packet reads exactly what is written.
 */
async function converse(
  texts: readonly string[],
  failing: readonly string[] = [],
  retriever = new KnowledgeIndex(),
): Promise<Message[]> {
  const responder = createAiResponder({
    answerer: new Answerer({ retriever, actions: { dialog, runner: runner(failing) } }),
    resolveByAi: async () => {},
  });
  const history: Message[] = [];
  for (const text of texts) {
    // "agent: ..." is a person's message in the conversation, which the AI does not answer.
    if (text.startsWith("agent: ")) {
      history.push(message(history.length + 1, "agent", text.slice(7)));
      continue;
    }
    const customerMessage = message(history.length + 1, "customer", text);
    history.push(customerMessage);
    const outcome = await responder.respond({
      conversation: conversation(),
      customer: shopper,
      message: customerMessage,
      history: [...history],
      signal: new AbortController().signal,
    });
    if (outcome.kind === "none") continue;
    if (outcome.text)
      history.push(message(history.length + 1, "ai", outcome.text, { meta: outcome.meta ?? null }));
  }
  return history;
}

const shippingFaq = () => {
  const index = new KnowledgeIndex();
  index.upsert([
    testChunk(
      "ship",
      "Shipping times",
      "Orders ship within 2 working days and arrive 3 to 5 days after that.",
    ),
  ]);
  return index;
};

describe("the AI responder does not go in circles", () => {
  it("hands over instead of giving the answer it already gave, when the customer comes back", async () => {
    const messages = await converse(
      ["How long does shipping take?", "how long does shipping take??"],
      [],
      shippingFaq(),
    );
    expect(messages.map((m) => [m.author, m.meta?.kind ?? null])).toEqual([
      ["customer", null],
      ["ai", "answer"],
      ["customer", null],
      ["ai", "boundary"],
    ]);
    expect(messages[3]?.meta).toMatchObject({ reason: "answer_repeated", answered: false });
    expect(messages[3]?.text).toContain("connecting you");
  });

  it("gives it again to a new question it answers word for word, and still hands over when it answers only part", async () => {
    const lamp = new KnowledgeIndex();
    lamp.upsert([
      testChunk("lamp", "Cove table lamp", "Ceramic table lamp with a linen shade, E27 bulb not included."),
    ]);
    // The customer missed the bulb in the first answer: the same answer is the right one.
    const missed = await converse(["Do you sell table lamps?", "is the bulb included?"], [], lamp);
    expect(missed.map((m) => m.meta?.kind ?? null)).toEqual([null, "answer", null, "answer"]);
    // "how long?" asks for the duration the answer states; asked again, it is going in circles.
    const warranty = new KnowledgeIndex();
    warranty.upsert([
      testChunk("w", "Warranty", "Every product has a two-year warranty from the date of delivery."),
    ]);
    const long = await converse(
      ["is there a warranty on the lamps?", "how long?", "how long?"],
      [],
      warranty,
    );
    expect(long.map((m) => m.meta?.kind ?? null)).toEqual([null, "answer", null, "answer", null, "boundary"]);
    // A question about what the answer does not say gets the same passage again: the AI has nothing more, so a person
    // takes it.
    const more = await converse(
      ["Do you sell table lamps?", "what about the lamp shade warranty?"],
      [],
      lamp,
    );
    expect(more.map((m) => m.meta?.kind ?? null)).toEqual([null, "answer", null, "boundary"]);
  });

  it("hands over instead of giving part of an answer it already gave", async () => {
    const reset = new KnowledgeIndex();
    reset.upsert([
      testChunk(
        "reset",
        "Resetting your password",
        "To reset your password, click Forgot password on the sign-in page. If the email does not arrive within ten minutes, check your spam folder.",
      ),
    ]);
    const messages = await converse(["the password reset email never came", "yes I checked spam"], [], reset);
    expect(messages.map((m) => m.meta?.kind ?? null)).toEqual([null, "answer", null, "boundary"]);
    // The part the customer's words point to, when they did not say they did it, is given.
    const refunds = new KnowledgeIndex();
    refunds.upsert([
      testChunk(
        "refunds",
        "Refunds",
        "We refund the item within 5 business days of receiving your return. Bank transfers can take another 3 business days to appear on your statement.",
      ),
    ]);
    const paid = await converse(["how long do refunds take?", "I paid by bank transfer"], [], refunds);
    expect(paid.map((m) => m.meta?.kind ?? null)).toEqual([null, "answer", null, "answer"]);
    expect(paid.at(-1)?.text).toMatch(/^Bank transfers can take another 3 business days/);
  });

  it("may give it again once a person has spoken since", async () => {
    const messages = await converse(
      ["How long does shipping take?", "agent: Anything else?", "How long does shipping take?"],
      [],
      shippingFaq(),
    );
    expect(messages.map((m) => [m.author, m.meta?.kind ?? null])).toEqual([
      ["customer", null],
      ["ai", "answer"],
      ["agent", null],
      ["customer", null],
      ["ai", "answer"],
    ]);
  });
});

const packetOf = (messages: Message[]) =>
  buildHandoffPacket({ conversation: conversation(), messages, events: [], customer: shopper });

describe("the AI responder's meta in the handoff packet", () => {
  it("lists every action the AI ran with its final outcome, one entry per run", async () => {
    const messages = await converse([
      "Please reset my password",
      "yes",
      "Also, where is my order LC-10234?",
      "no, that didn't help",
    ]);
    const { aiAttempts } = packetOf(messages);
    expect(aiAttempts.actions).toEqual([
      {
        name: "reset_password",
        status: "succeeded",
        input: { email: "maria@example.com" },
        result: "Done: a reset link is on its way.",
        seq: 4,
      },
      { name: "lookup_order", status: "succeeded", result: "Order LC-10234 is in transit.", seq: 6 },
    ]);
  });

  it("does not count the handover message as an answer", async () => {
    const messages = await converse(["Please reset my password", "yes", "no, that didn't help"]);
    const { aiAttempts } = packetOf(messages);
    expect(aiAttempts.answers.map((a) => [a.seq, a.answered])).toEqual([
      [2, true],
      [4, true],
      [6, false],
    ]);
  });

  it("records an action whose backend failed as failed, on the handover message", async () => {
    const messages = await converse(["Please reset my password", "yes"], ["reset_password"]);
    const { aiAttempts } = packetOf(messages);
    expect(aiAttempts.actions).toEqual([
      { name: "reset_password", status: "failed", input: { email: "maria@example.com" }, seq: 4 },
    ]);
    expect(aiAttempts.answers.at(-1)).toMatchObject({ seq: 4, answered: false });
  });

  it("shows an action still waiting for the customer as pending", async () => {
    const messages = await converse(["Please reset my password"]);
    expect(packetOf(messages).aiAttempts.actions).toEqual([
      { name: "reset_password", status: "pending", input: { email: "maria@example.com" }, seq: 2 },
    ]);
  });
});
