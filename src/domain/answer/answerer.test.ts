import { describe, expect, it } from "vitest";
import { testChunk } from "../knowledge/chunk.test-helper.ts";
import { KnowledgeIndex } from "../knowledge/knowledge-index.ts";
import { isAcknowledgement } from "../triage/acknowledgement.ts";
import { Answerer, resolveCitations } from "./answerer.ts";
import {
  asksHowTo,
  boundaryMessage,
  followUpQuestion,
  MESSAGE_LANGUAGES,
  onlyTells,
  parseFollowUpReply,
  readFollowUpReply,
} from "./messages.ts";

const c = (id: string, title: string, text: string, language = "en") =>
  testChunk(id, title, text, { language });

const index = new KnowledgeIndex();
index.upsert([
  c(
    "pw",
    "Account help",
    "To reset your password, click Forgot password on the sign-in page. We email you a reset link that is valid for one hour.",
  ),
  c(
    "ship",
    "Shipping",
    "Standard delivery takes 2 to 4 business days. Express delivery arrives the next business day.",
  ),
  c("es", "Envíos", "El envío estándar tarda de 2 a 4 días laborables.", "es"),
]);
const answerer = new Answerer({ retriever: index });

describe("embedded answerer", () => {
  it("answers with the sentences that answer and cites their source", async () => {
    const r = await answerer.answer({ text: "I forgot my password, how do I reset it?", language: "en" });
    expect(r.kind).toBe("answer");
    if (r.kind !== "answer") return;
    expect(r.mode).toBe("extractive");
    expect(r.text).toContain("click Forgot password");
    expect(r.text).not.toContain("Standard delivery");
    expect(r.citations).toEqual([
      expect.objectContaining({ documentId: "pw", title: "Account help", source: "help.md" }),
    ]);
    expect(r.passages[0]!.documentId).toBe("pw");
  });

  it("says it cannot answer, in the customer's language, when the knowledge base does not support it", async () => {
    const r = await answerer.answer({ text: "Can I bring my dog to your warehouse party?", language: "en" });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "not_in_knowledge_base" });
    if (r.kind === "cannot_answer") expect(r.boundaryMessage).toBe(boundaryMessage("cannot_answer", "en"));
  });

  it("answers from the knowledge of the customer's language", async () => {
    const r = await answerer.answer({ text: "¿Cuánto tarda el envío estándar?", language: "es" });
    expect(r.kind).toBe("answer");
    if (r.kind === "answer") expect(r.citations[0]!.title).toBe("Envíos");
  });

  it("routes to a human who speaks the language when there is no knowledge in it", async () => {
    const r = await answerer.answer({ text: "Wie lange dauert der Versand?", language: "de" });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "language_unsupported" });
    if (r.kind === "cannot_answer") expect(r.boundaryMessage).toContain("Sprache");
  });

  it("declines empty or punctuation-only messages", async () => {
    expect(await answerer.answer({ text: "?!" })).toMatchObject({
      kind: "cannot_answer",
      reason: "nothing_to_search",
    });
  });
});

describe("embedded answerer, follow-ups", () => {
  const shop = new KnowledgeIndex();
  shop.upsert([
    c(
      "warranty",
      "Warranty",
      "Every product has a two-year warranty from the date of delivery. Furniture frames and table tops have a five-year warranty.",
    ),
    c(
      "lamp",
      "Cove ceramic table lamp",
      "Category: Lighting.\nDescription: Hand-glazed ceramic lamp with a linen shade.\nPrice: 89 euros.",
    ),
  ]);
  const earlier = [
    { role: "customer" as const, text: "What is the warranty on furniture?" },
    {
      role: "ai" as const,
      text: "Furniture frames and table tops have a five-year warranty.\n\nDid that solve it?",
    },
  ];
  const similar = (a: string, b: string) =>
    new Set([a, b]).size === 2 && [a, b].includes("furniture") ? 0.49 : 0;

  it("reads 'what about lamps?' as the warranty question it continues, with word similarity", async () => {
    const r = await new Answerer({ retriever: shop, wordSimilarity: similar }).answer({
      text: "what about lamps?",
      language: "en",
      history: earlier,
    });
    expect(r.kind).toBe("answer");
    if (r.kind === "answer") {
      expect(r.citations.map((x) => x.documentId)).toContain("warranty");
      expect(r.text).toContain("two-year warranty");
      expect(r.text).not.toContain("Hand-glazed");
    }
  });

  it("answers 'how do I do that?' with what to do about the question it points back to", async () => {
    const returns = new KnowledgeIndex();
    returns.upsert([
      c(
        "returns",
        "Returning an item",
        "You can return any item within 30 days of delivery. To start a return, open the Orders page and click Return items.",
      ),
    ]);
    const r = await new Answerer({ retriever: returns }).answer({
      text: "how do I do that?",
      language: "en",
      history: [
        { role: "customer", text: "I want to return a rug" },
        { role: "ai", text: "You can return any item within 30 days of delivery.\n\nDid that solve it?" },
      ],
    });
    expect(r.kind === "answer" ? r.text : r.kind).toMatch(/^To start a return, open the Orders page/);
  });

  it("answers a question that points back from the passage the last answer was quoted from", async () => {
    const returns = new KnowledgeIndex();
    returns.upsert([
      c(
        "general",
        "Returning an item",
        "You can return any item within 30 days of delivery. To start a return, open the Orders page.",
      ),
      c(
        "damaged",
        "Damaged or wrong items",
        "If an item arrives damaged, send us a photo within 14 days. We send a replacement at no cost, and you do not need to return the damaged item.",
      ),
    ]);
    const history = [
      { role: "customer" as const, text: "my lamp arrived damaged" },
      {
        role: "ai" as const,
        text: "If an item arrives damaged, send us a photo within 14 days.\n\nDid that solve it?",
      },
    ];
    const r = await new Answerer({ retriever: returns }).answer({
      text: "do I have to send it back?",
      language: "en",
      history,
    });
    expect(r.kind === "answer" ? r.text : r.kind).toBe(
      "We send a replacement at no cost, and you do not need to return the damaged item.",
    );
    // "instead" points back too; and a question the knowledge base does not answer alone may be answered there.
    const instead = await new Answerer({ retriever: returns }).answer({
      text: "can I get a replacement instead?",
      language: "en",
      history,
    });
    expect(instead.kind === "answer" ? instead.text : instead.kind).toMatch(
      /^We send a replacement at no cost/,
    );
    // A short question that names only what the last answer says is about that answer too.
    const exactly = await new Answerer({ retriever: returns }).answer({
      text: "within how many days exactly?",
      language: "en",
      history,
    });
    expect(exactly.kind === "answer" ? exactly.text : exactly.kind).toMatch(/send us a photo within 14 days/);
    // Alone, it is the general rule.
    const alone = await new Answerer({ retriever: returns }).answer({
      text: "do I have to send it back?",
      language: "en",
    });
    expect(alone.kind === "answer" ? alone.text : alone.kind).toMatch(/^You can return any item/);
  });

  it("answers the one of two questions it can, and hands the other over with that answer", async () => {
    const r = await new Answerer({ retriever: shop }).answer({
      text: "What is the warranty on furniture and can I pay with Bitcoin?",
      language: "en",
    });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "not_in_knowledge_base" });
    if (r.kind === "cannot_answer") {
      expect(r.partial?.text).toMatch(/five-year warranty/);
      expect(r.partial?.citations.map((x) => x.documentId)).toEqual(["warranty"]);
    }
    // Neither answerable: a plain handover, with nothing said first.
    const neither = await new Answerer({ retriever: shop }).answer({
      text: "Can I pay with Bitcoin and do you have a shop in Paris?",
      language: "en",
    });
    expect(neither).toMatchObject({ kind: "cannot_answer" });
    if (neither.kind === "cannot_answer") expect(neither.partial).toBeUndefined();
  });

  it("searches the message as written without word similarity or earlier question", async () => {
    const plain = await new Answerer({ retriever: shop }).answer({
      text: "what about lamps?",
      language: "en",
      history: earlier,
    });
    const alone = await new Answerer({ retriever: shop, wordSimilarity: similar }).answer({
      text: "what about lamps?",
      language: "en",
    });
    for (const r of [plain, alone]) {
      expect(r.kind).toBe("answer");
      if (r.kind === "answer") expect(r.citations.map((x) => x.documentId)).toEqual(["lamp"]);
    }
  });
});

describe("messages", () => {
  it("has a boundary message and a follow-up question in every supported language", () => {
    for (const lang of MESSAGE_LANGUAGES) {
      expect(boundaryMessage("cannot_answer", lang).length).toBeGreaterThan(40);
      expect(followUpQuestion(lang)).toMatch(/\?$/);
    }
    expect(boundaryMessage("cannot_answer", "en")).toBe(
      "I can't fully resolve this, so I'm connecting you with a specialist who will see everything we've discussed.",
    );
    expect(boundaryMessage("cannot_answer", "ja")).toBe(boundaryMessage("cannot_answer", "en"));
    expect(followUpQuestion("de-AT")).toBe("Hat das Ihr Problem gelöst?");
  });

  it("reads replies to the follow-up", () => {
    expect(parseFollowUpReply("Yes, thanks!")).toBe("resolved");
    expect(parseFollowUpReply("no it still fails")).toBe("unresolved");
    expect(parseFollowUpReply("Sí")).toBe("resolved");
    expect(parseFollowUpReply("nein")).toBe("unresolved");
    expect(parseFollowUpReply("and what about invoices?")).toBe("unclear");
    expect(parseFollowUpReply("ok")).toBe("resolved");
    expect(parseFollowUpReply("cool, thanks")).toBe("resolved");
    expect(parseFollowUpReply("No problem, thanks!")).toBe("resolved");
    expect(parseFollowUpReply("not really")).toBe("unresolved");
    expect(parseFollowUpReply("ok but it still fails")).toBe("unclear");
  });

  it("separates a confirmation from the new question that follows it", () => {
    expect(readFollowUpReply("Yes, and how do I return an item?")).toEqual({
      verdict: "resolved",
      rest: "how do I return an item?",
    });
    expect(readFollowUpReply("yes thanks! 👍")).toEqual({ verdict: "resolved", rest: "" });
    expect(readFollowUpReply("great, thank you, have a nice day")).toEqual({ verdict: "resolved", rest: "" });
    // Several yes-words are one verdict: "great" after "ok" is no question to answer.
    for (const reply of [
      "ok great",
      "yes perfect, thanks so much!",
      "ok cool thank you very much",
      "thanks, nothing else",
      "yes, that's all for now",
    ])
      expect(readFollowUpReply(reply), reply).toEqual({ verdict: "resolved", rest: "" });
    // A hedge is neither: what is still missing may follow it.
    for (const reply of ["kind of", "I guess", "not entirely.", "sort of..."])
      expect(readFollowUpReply(reply), reply).toEqual({ verdict: "partly", rest: "" });
    expect(readFollowUpReply("kind of, but what if I lost the receipt?")).toEqual({
      verdict: "partly",
      rest: "what if I lost the receipt?",
    });
    expect(readFollowUpReply("ok great, and do you ship to Norway?")).toEqual({
      verdict: "resolved",
      rest: "do you ship to Norway?",
    });
    expect(readFollowUpReply("no, I still cannot log in")).toEqual({
      verdict: "unresolved",
      rest: "I still cannot log in",
    });
  });

  it("knows a bare acknowledgement from a message that asks something", () => {
    for (const text of [
      "ok",
      "OK!",
      "got it 👍".replace(" 👍", ""),
      "cool",
      "alright.",
      "👍",
      "never mind",
      "nvm",
    ])
      expect(isAcknowledgement(text)).toBe(true);
    for (const text of [
      "ok how do I return it",
      "okay?? where is my order",
      "fine print",
      "",
      "never mind, how long does delivery take?",
    ])
      expect(isAcknowledgement(text)).toBe(false);
  });

  it("tells a question about how to do something from a request to do it, in every reply language", () => {
    for (const text of [
      "How do I reset my password?",
      "can I cancel my order?",
      "Where can I track my order?",
      "¿Cómo cambio mi contraseña?",
      "Comment annuler ma commande ?",
      "Wie kann ich mein Passwort ändern?",
      "Posso cancelar a encomenda?",
      "Come posso annullare l'ordine?",
      "Hoe wijzig ik mijn wachtwoord?",
    ])
      expect(asksHowTo(text), text).toBe(true);
    for (const text of [
      "Where is my order?",
      "Please cancel my order",
      "I forgot my password",
      "however I can't",
      "",
    ])
      expect(asksHowTo(text), text).toBe(false);
  });

  it("tells a message that only tells from one that asks or requests", () => {
    for (const text of [
      "sent my return back last week with the label u emailed",
      "im about to order 2 bedside tables for our office",
      "hey so i bought the juniper throw but the green is way darker than on the pics",
    ])
      expect(onlyTells(text, "en"), text).toBe(true);
    for (const text of [
      "is there express to Norway",
      "hi, i live in zurich and want to return the cove lamp",
      "please cancel my order",
      "where is my parcel",
      "my order is late?",
    ])
      expect(onlyTells(text, "en"), text).toBe(false);
    expect(onlyTells("¿dónde está mi pedido?", "es")).toBe(false);
    expect(onlyTells("mi pedido llegó roto", "es")).toBe(true);
  });

  it("drops citation markers that point at no passage", () => {
    const passages = index.search("password reset").passages;
    const r = resolveCitations("Click Forgot password [1]. Also see [7].", passages);
    expect(r.clean).toBe("Click Forgot password [1]. Also see .");
    expect(r.citations.map((x) => x.documentId)).toEqual(["pw"]);
  });
});
