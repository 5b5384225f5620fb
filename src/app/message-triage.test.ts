import { describe, expect, it } from "vitest";
import type { Conversation } from "../domain/model.ts";
import type { Triage } from "../domain/triage/triage.ts";
import type { TriageInput, TriageResult } from "../domain/triage/types.ts";
import type { Turn } from "../ports/store.ts";
import { createInboundTriage } from "./message-triage.ts";

const conversation = { language: null, aiTurnsUnresolved: 2 } as unknown as Conversation;
const turn = (seq: number, author: Turn["author"], text: string, awaitsReply = false): Turn => ({
  seq,
  author,
  text,
  frustration: author === "customer" ? 0.25 : null,
  awaitsReply,
});

function recording(): { triage: Triage; inputs: TriageInput[] } {
  const inputs: TriageInput[] = [];
  const triage: Triage = (input) => {
    inputs.push(input);
    return {} as TriageResult;
  };
  return { triage, inputs };
}

describe("createInboundTriage", () => {
  it("expects a reply when the latest AI or agent message is the AI's own question", () => {
    const { triage, inputs } = recording();
    const inbound = createInboundTriage(triage);
    const asked = [
      turn(1, "customer", "my order"),
      turn(2, "ai", "Which order number?", true),
      turn(3, "system", "x"),
    ];
    inbound.triage({ text: "12345", history: asked, conversation, customer: null });
    const answered = [...asked, turn(4, "agent", "I'm here now")];
    inbound.triage({ text: "12345", history: answered, conversation, customer: null });
    expect(inputs.map((i) => i.expectingReply)).toEqual([true, false]);
  });

  it("starts the count of unresolved AI turns again when the reply to 'did that solve it?' says it did", () => {
    const { triage, inputs } = recording();
    const inbound = createInboundTriage(triage);
    const asked = [
      turn(1, "customer", "how much is the rug?"),
      turn(2, "ai", "249 euros. Did that solve it?", true),
    ];
    inbound.triage({
      text: "great, and can I pay with Klarna?",
      history: asked,
      conversation,
      customer: null,
    });
    // A question with no word on the last answer leaves the count; so does "great" when nothing was asked.
    inbound.triage({ text: "can I pay with Klarna?", history: asked, conversation, customer: null });
    const told = [asked[0]!, turn(2, "ai", "249 euros.")];
    inbound.triage({
      text: "great, and can I pay with Klarna?",
      history: told,
      conversation,
      customer: null,
    });
    expect(inputs.map((i) => i.aiTurnsUnresolved)).toEqual([0, 2, 2]);
  });

  it("passes customer, AI and agent turns with stored frustration, the known language and the AI turns", () => {
    const { triage, inputs } = recording();
    createInboundTriage(triage, { answererAvailable: true }).triage({
      text: "hola",
      history: [turn(1, "customer", "hi"), turn(2, "system", "joined"), turn(3, "ai", "Hello!")],
      conversation,
      customer: { locale: "es-MX", attributes: { plan: "pro" } } as never,
    });
    expect(inputs[0]).toEqual({
      text: "hola",
      history: [
        { role: "customer", text: "hi", frustration: 0.25 },
        { role: "ai", text: "Hello!", frustration: undefined },
      ],
      fallbackLanguage: "es",
      customer: { attributes: { plan: "pro" } },
      aiTurnsUnresolved: 2,
      expectingReply: false,
      answererAvailable: true,
    });
  });
});
