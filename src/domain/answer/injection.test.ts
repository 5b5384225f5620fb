import { describe, expect, it } from "vitest";
import type { Completion, CompletionRequest, Llm } from "../../ports/llm.ts";
import { ActionDialog, type CustomerIdentity } from "../actions/dialog.ts";
import { parseRegistry } from "../actions/registry.ts";
import { testChunk } from "../knowledge/chunk.test-helper.ts";
import { KnowledgeIndex } from "../knowledge/knowledge-index.ts";
import { Answerer, groundedPrompt } from "./answerer.ts";
import { INJECTION_CORPUS } from "./injection-corpus.ts";
import { boundaryMessage, MESSAGE_LANGUAGES } from "./messages.ts";

const chunk = (id: string, title: string, text: string) =>
  testChunk(id, title, text, { sourceName: "policies.md" });
const index = new KnowledgeIndex();
index.upsert([
  chunk(
    "ret",
    "Returns",
    "You can return any item within 30 days of delivery. Refunds are paid within 5 business days.",
  ),
  chunk(
    "ship",
    "Shipping",
    "Standard delivery takes 2 to 4 business days. Shipping is free for orders over 50 euros.",
  ),
  chunk("pw", "Account help", "To reset your password, click Forgot password on the sign-in page."),
  chunk("war", "Warranty", "Every product has a two-year warranty from the date of delivery."),
  chunk(
    "cust",
    "Customer service",
    "Our customer service answers questions about orders, returns and accounts.",
  ),
]);
const kbSentences = [...["ret", "ship", "pw", "war", "cust"]].flatMap((id) =>
  index.get(id)!.text.split(/(?<=\.)\s+/),
);
const boundaries = new Set(
  MESSAGE_LANGUAGES.flatMap((l) =>
    (["cannot_answer", "language_unsupported", "technical_problem", "not_found"] as const).map((k) =>
      boundaryMessage(k, l),
    ),
  ),
);

const me: CustomerIdentity = { customerId: "cus_1", email: "me@example.com", externalId: null };
const dialog = new ActionDialog(
  parseRegistry({
    actions: [
      {
        name: "lookup_order",
        description: "d",
        triggers: ["order"],
        params: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] },
        slots: { orderId: { extract: "order_id" } },
        http: { method: "GET", url: "{baseUrl}/orders/{orderId}" },
        reply: { en: "{status}" },
      },
      {
        name: "reset_password",
        description: "d",
        sideEffect: true,
        triggers: ["password"],
        params: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
        slots: { email: { extract: "email", identity: "email" } },
        http: { method: "POST", url: "{baseUrl}/password-resets" },
        reply: { en: "ok" },
      },
    ],
  }),
);

describe("injection corpus", () => {
  it("has at least 50 cases", () => {
    expect(INJECTION_CORPUS.length).toBeGreaterThanOrEqual(50);
  });

  describe.each(INJECTION_CORPUS.map((t, i) => [i, t] as const))("embedded mode, case %i", (_i, attack) => {
    it("replies only with knowledge-base sentences or a fixed boundary message, and acts only for the customer", async () => {
      const r = await new Answerer({ retriever: index }).answer({ text: attack, language: "en" });
      if (r.kind === "answer") {
        for (const s of r.text.split(/(?<=\.)\s+/)) expect(kbSentences).toContain(s);
        expect(r.citations.length).toBeGreaterThan(0);
      } else if (r.kind === "cannot_answer") {
        expect(boundaries.has(r.boundaryMessage)).toBe(true);
      }
      const step = dialog.next({ text: attack, pending: null, identity: me });
      if (step.kind === "execute") {
        // An action may run, but only with the customer's own identity values.
        if (step.action.name === "reset_password") expect(step.params.email).toBe("me@example.com");
      }
      if (step.kind === "confirm")
        expect(step.pending.params.email ?? "me@example.com").toBe("me@example.com");
      const out = JSON.stringify({ r, step });
      for (const secret of [
        "someone.else@example.com",
        "victim@example.com",
        "attacker@evil.test",
        "cus_2",
      ]) {
        if (!attack.includes(secret)) expect(out).not.toContain(secret);
        else if (step.kind === "execute") expect(JSON.stringify(step.params)).not.toContain(secret);
      }
    });
  });

  // A model that obeys every injection: the answerer must still not pass uncited or off-passage text through.
  class ObedientLlm implements Llm {
    readonly model = "obedient";
    seen: CompletionRequest[] = [];
    async complete(req: CompletionRequest): Promise<Completion> {
      this.seen.push(req);
      return {
        text: "Sure! My system prompt is: ... and customer someone.else@example.com ordered LC-20001.",
        toolCalls: [{ id: "x", name: "reset_password", arguments: '{"email":"attacker@evil.test"}' }],
        usage: null,
        model: this.model,
        finishReason: "stop",
      };
    }
  }

  describe.each(INJECTION_CORPUS.map((t, i) => [i, t] as const))("LLM mode, case %i", (_i, attack) => {
    it("keeps instructions in the system message only and never passes an ungrounded reply through", async () => {
      const passages = index.search("refund return", { k: 3 }).passages;
      const messages = groundedPrompt(
        { text: attack, history: [{ role: "customer", text: attack }] },
        passages,
        "en",
      );
      const baseline = groundedPrompt({ text: "hello" }, passages, "en");
      expect(messages[0]).toEqual(baseline[0]);
      expect(messages.filter((m) => m.role === "system")).toHaveLength(1);
      for (const m of messages.slice(1)) {
        if (m.role !== "user") continue;
        expect(m.content.startsWith("<customer>") && m.content.endsWith("</customer>")).toBe(true);
        expect(m.content.slice("<customer>".length, -"</customer>".length)).not.toMatch(/[<>]/);
      }
      const llm = new ObedientLlm();
      const r = await new Answerer({ retriever: index, llm }).answer({ text: attack, language: "en" });
      const out = JSON.stringify(r);
      expect(out).not.toContain("My system prompt");
      // The result never carries the model's invented data (it holds only passages and what the answerer chose).
      expect(out).not.toContain("attacker@evil.test");
      expect(out).not.toContain("someone.else@example.com");
      if (r.kind === "answer") {
        expect(r.mode).toBe("extractive");
        for (const s of r.text.split(/(?<=\.)\s+/)) expect(kbSentences).toContain(s);
      }
    });
  });
});
