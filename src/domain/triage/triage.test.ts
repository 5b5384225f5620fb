import { describe, expect, it } from "vitest";
import { parseRoutingRules } from "./routing-rules.ts";
import { fakeIntentModel } from "./test-fakes.ts";
import { createTriage, NO_INTENT } from "./triage.ts";

const model = fakeIntentModel([
  [/lawyer|gdpr/i, { intent: "legal_compliance", confidence: 0.95 }],
  [/complain/i, { intent: "complaint", confidence: 0.9 }],
  [/weather/i, { intent: "out_of_scope", confidence: 0.6, outOfScope: true }],
  [/hmm/i, { intent: "product_faq", confidence: 0.1 }],
]);
const triage = createTriage({ intentModel: model });

describe("triage", () => {
  it("keeps a routine question with the AI and explains nothing it did not see", () => {
    const r = triage({ text: "Where is my order? It was placed last week." });
    expect(r).toMatchObject({
      language: "en",
      intent: "order_status",
      confidence: 0.9,
      outOfScope: false,
      route: "ai",
      reasons: [],
      tier: 1,
    });
    expect(r.frustration).toBe(0);
    expect(r.frustrationCues).toEqual([]);
  });

  it("sends a product that hurt someone to a person at the legal tier, whatever the intent model read", () => {
    // The fake model reads this as order_status, as the starter model read it as out of scope.
    const r = triage({ text: "the lamp I ordered gave me an electric shock" });
    expect(r).toMatchObject({ intent: "legal_compliance", confidence: 1, route: "human", tier: 3 });
    expect(r.reasons).toContain("legal_compliance");
    expect(r.frustrationCues.map((c) => c.kind)).toContain("safety");
  });

  it("does not read a neutral German request as negative through English homographs", () => {
    // "die" is the English verb to the English lexicon (-2.9 each): this message once went to a person as upset.
    const r = triage({ text: "Ich möchte die Rechnung sehen und die Adresse ändern" });
    expect(r).toMatchObject({ language: "de", sentiment: 0, sentimentCues: [], route: "ai" });
    expect(r.reasons).not.toContain("negative_sentiment");
    expect(triage({ text: "Die Lieferung ist angekommen, danke." }).sentiment).toBeGreaterThan(0);
  });

  it("gives a message too short to judge the language of the customer's earlier turns", () => {
    const history = [{ role: "customer" as const, text: "Bonjour, je voudrais savoir où est ma commande" }];
    expect(triage({ text: "ok", history })).toMatchObject({ language: "fr", languageConfidence: 0.5 });
    expect(triage({ text: "LC-10234", history })).toMatchObject({ language: "fr" });
  });

  it("prefers the conversation's known language, then the customer's language attribute, to the history", () => {
    const history = [{ role: "customer" as const, text: "Bonjour, je voudrais savoir où est ma commande" }];
    expect(triage({ text: "ok", history, fallbackLanguage: "de" }).language).toBe("de");
    expect(triage({ text: "ok", history, customer: { attributes: { locale: "pt-BR" } } }).language).toBe(
      "pt",
    );
    expect(triage({ text: "ok", customer: { attributes: { language: "es" } } }).language).toBe("es");
  });

  it("reports an undetermined language when nothing is known, and never guesses from AI turns", () => {
    expect(triage({ text: "ok" }).language).toBe("und");
    const aiOnly = [{ role: "ai" as const, text: "Bonjour, comment puis-je vous aider aujourd'hui ?" }];
    expect(triage({ text: "ok", history: aiOnly }).language).toBe("und");
  });

  it("names a bare acknowledgement itself and keeps it with the AI, whatever the model would have said", () => {
    // Two words is the most an acknowledgement has; triage only tests messages with that few words.
    for (const text of ["ok", "Got it!", "yes.", "nope", "Sounds  good :)", "alles klar", "D'accord!"]) {
      expect(triage({ text })).toMatchObject({
        intent: "acknowledgement",
        confidence: 1,
        outOfScope: false,
        route: "ai",
      });
    }
    expect(triage({ text: "ok, where is my order?" }).intent).toBe("order_status");
    expect(triage({ text: "👍" })).toMatchObject({ intent: NO_INTENT, route: "ai" }); // no words: nothing to name
  });

  it("expects a short reply after the AI asked a question, so the model's doubt about it does not escalate", () => {
    const asked = [
      { role: "customer" as const, text: "How long does shipping take?" },
      { role: "ai" as const, text: "Two to four days. Did that solve it?" },
    ];
    expect(triage({ text: "what's the weather like", history: asked })).toMatchObject({
      outOfScope: true,
      reasons: ["out_of_scope"],
      route: "ai",
    });
    const told = [asked[0]!, { role: "ai" as const, text: "Two to four days." }];
    expect(triage({ text: "what's the weather like", history: told }).route).toBe("human");
    expect(triage({ text: "what's the weather like", history: asked, expectingReply: false }).route).toBe(
      "human",
    );
  });

  it("reads a follow-up that only names what changed with the intent of the question it continues", () => {
    const followUps = createTriage({
      intentModel: fakeIntentModel([
        [/delivery/i, { intent: "delivery_info", confidence: 0.97 }],
        [/norway|rugs/i, { intent: "complex_problem", confidence: 0.6 }],
      ]),
    });
    const earlier = [
      { role: "customer" as const, text: "How long does delivery take to Germany?" },
      { role: "ai" as const, text: "Two to four business days." },
    ];
    expect(followUps({ text: "and to Norway?", history: earlier })).toMatchObject({
      intent: "delivery_info",
      route: "ai",
    });
    // Past a follow-up and an acknowledgement, to the question the chain continues.
    const chain = [
      ...earlier,
      { role: "customer" as const, text: "what about Sweden?" },
      { role: "customer" as const, text: "ok" },
    ];
    expect(followUps({ text: "and rugs?", history: chain }).intent).toBe("delivery_info");
    // Alone, or as a sentence of its own, the message is read as written.
    expect(followUps({ text: "and to Norway?" }).intent).toBe("complex_problem");
    expect(followUps({ text: "and how do I ship rugs to Norway?", history: earlier }).intent).toBe(
      "complex_problem",
    );
  });

  it("escalates when the customer asks for a person", () => {
    expect(triage({ text: "I want to talk to a human" })).toMatchObject({
      route: "human",
      reasons: ["human_requested"],
      tier: 1,
    });
    expect(triage({ text: "Quiero hablar con una persona, por favor" })).toMatchObject({
      language: "es",
      route: "human",
      reasons: ["human_requested"],
    });
  });

  it("escalates a legal question at tier 3", () => {
    expect(triage({ text: "My lawyer says you breached GDPR" })).toMatchObject({
      route: "human",
      tier: 3,
      reasons: expect.arrayContaining(["legal_compliance"]),
    });
  });

  it("escalates an angry, repeated complaint with its cues", () => {
    const r = triage({
      text: "THIS IS RIDICULOUS!!! I already told you my order never arrived",
      history: [
        { role: "customer", text: "my order never arrived" },
        { role: "ai", text: "It is on its way." },
      ],
    });
    expect(r.route).toBe("human");
    expect(r.reasons).toContain("frustration");
    expect(r.frustrationCues.map((c) => c.kind)).toEqual(
      expect.arrayContaining(["phrase", "punctuation", "caps"]),
    );
    expect(r.sentiment).toBeLessThan(0);
  });

  it("escalates after three unresolved AI turns, counted from history", () => {
    const history = [
      { role: "customer" as const, text: "how do I export my data" },
      { role: "ai" as const, text: "a" },
      { role: "ai" as const, text: "b" },
      { role: "ai" as const, text: "c" },
    ];
    expect(triage({ text: "and to csv?", history }).reasons).toContain("unresolved_after_turns");
    expect(triage({ text: "and to csv?", history, aiTurnsUnresolved: 0 }).reasons).not.toContain(
      "unresolved_after_turns",
    );
  });

  it("escalates a VIP customer's complaint as an executive complaint", () => {
    expect(
      triage({
        text: "I want to complain about the delay",
        customer: { attributes: { lifetimeValue: 50000 } },
      }),
    ).toMatchObject({
      route: "human",
      reasons: ["complaint", "vip_customer"],
      tier: 3,
    });
  });

  it("routes out-of-scope and unsure predictions to a person", () => {
    expect(triage({ text: "what's the weather in Paris" })).toMatchObject({
      route: "human",
      reasons: ["out_of_scope"],
      outOfScope: true,
    });
    expect(triage({ text: "hmm the thing with the stuff" })).toMatchObject({
      route: "human",
      reasons: ["low_confidence"],
    });
  });

  it("uses the rules it was given", () => {
    const lenient = createTriage({
      intentModel: model,
      rules: parseRoutingRules({ reasons: { human_requested: { escalate: false } } }),
    });
    expect(lenient({ text: "I want to talk to a human" })).toMatchObject({
      route: "ai",
      reasons: ["human_requested"],
    });
  });

  it("falls back to the conversation language for a short message", () => {
    expect(triage({ text: "ok", fallbackLanguage: "de" })).toMatchObject({
      language: "de",
      languageConfidence: 0.5,
    });
  });

  describe("bad input", () => {
    it("handles empty text without calling the model", () => {
      const m = fakeIntentModel([]);
      const r = createTriage({ intentModel: m })({ text: "" });
      expect(r).toMatchObject({
        intent: NO_INTENT,
        confidence: 0,
        route: "ai",
        reasons: [],
        sentiment: 0,
        frustration: 0,
        language: "und",
      });
      expect(m.calls).toEqual([]);
    });

    it("handles emoji-only messages: sentiment from the emoji, no intent", () => {
      const r = triage({ text: "😡😡😡" });
      expect(r.intent).toBe(NO_INTENT);
      expect(r.sentiment).toBeLessThan(-0.5);
    });

    it("caps the work on 100 KB of text and passes the model only the start", () => {
      const m = fakeIntentModel([]);
      const big = "my order is late. ".repeat(6000);
      expect(big.length).toBeGreaterThan(100_000);
      const r = createTriage({ intentModel: m })({ text: big });
      expect(r.language).toBe("en");
      expect(m.calls[0]?.length).toBeLessThanOrEqual(1000);
    });

    it("survives binary junk and mixed scripts", () => {
      const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join("");
      for (const text of [
        junk,
        "Hello Привет 你好 مرحبا 👋 ¿qué?",
        "\u0000\u0000\u0000",
        "\ud800\udc00\ud800",
      ]) {
        const r = triage({ text });
        expect(r.sentiment).toBeGreaterThanOrEqual(-1);
        expect(r.sentiment).toBeLessThanOrEqual(1);
        expect(r.frustration).toBeGreaterThanOrEqual(0);
        expect(r.frustration).toBeLessThanOrEqual(1);
        expect([1, 2, 3]).toContain(r.tier);
      }
    });

    it("tolerates a non-string text and malformed history from untyped callers", () => {
      const r = triage({ text: 42 as unknown as string, history: "nope" as unknown as [] });
      expect(r.intent).toBe(NO_INTENT);
      const r2 = triage({
        text: "still not working",
        history: [{ role: "customer", text: null as unknown as string }],
      });
      expect(r2.frustration).toBeGreaterThan(0);
    });

    it("clamps an out-of-range confidence from a misbehaving model", () => {
      const odd = fakeIntentModel([], { intent: "order_status", confidence: Number.NaN });
      expect(createTriage({ intentModel: odd })({ text: "where is my order" }).confidence).toBe(0);
    });
  });
});
