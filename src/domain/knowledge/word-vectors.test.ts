import { describe, expect, it } from "vitest";
import { decideAnswerable } from "./answerability.ts";
import { testChunk } from "./chunk.test-helper.ts";
import { buildExtractiveAnswer } from "./extractive.ts";
import { KnowledgeIndex } from "./knowledge-index.ts";
import { contentWordIds, SoftTitleMatcher, WordVectors, wordSimilarityOf } from "./word-vectors.ts";

// A toy vocabulary, most frequent first. "remove" and "delete" point the same way; "invoice" is unrelated.
const words = ["the", "delete", "remove", "account", "invoice", "profile", "facebook", "fb"];
const vec: Record<string, number[]> = {
  the: [1, 1, 1, 1],
  delete: [1, 0, 0, 0],
  remove: [0.95, 0.3, 0, 0],
  account: [0, 1, 0, 0],
  invoice: [0, 0, 1, 0],
  profile: [0, 0.9, 0, 0.4],
  facebook: [0, 0, 0, 1],
  fb: [0.1, 0, 0.1, 0.95],
};
const vectors = WordVectors.fromFloats(
  words,
  words.map((w) => vec[w]!),
  4,
);

describe("word vectors", () => {
  it("keeps cosine similarity within quantisation error", () => {
    const cos = (a: number[], b: number[]) =>
      a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    for (const a of words)
      for (const b of words)
        expect(vectors.similarity(vectors.id(a), vectors.id(b))).toBeCloseTo(cos(vec[a]!, vec[b]!), 1);
    expect(vectors.similarity(vectors.id("remove"), vectors.id("remove"))).toBe(1);
  });

  it("compare two words by name for follow-ups, and know nothing of a word outside the vocabulary", () => {
    const similarity = wordSimilarityOf(vectors);
    expect(similarity("remove", "delete")).toBeCloseTo(
      vectors.similarity(vectors.id("remove"), vectors.id("delete")),
    );
    expect(similarity("delete", "invoice")).toBeCloseTo(0, 1);
    expect(similarity("delete", "frobnicate")).toBeNull();
  });

  it("weighs rare words above frequent ones", () => {
    expect(vectors.weight(vectors.id("fb"))).toBeGreaterThan(vectors.weight(vectors.id("the")));
  });

  it("reads a text's distinct content words, skipping stopwords and unknown words", () => {
    const ids = contentWordIds("How do I REMOVE the account, the account!? zzyzx", vectors);
    expect(ids.map((i) => vectors.word(i))).toEqual(["remove", "account"]);
  });

  it("refuses data whose size does not match the vocabulary", () => {
    expect(() => new WordVectors(["a", "b"], new Int8Array(3), new Float32Array(2), 2)).toThrow(RangeError);
  });
});

describe("soft title coverage", () => {
  const question = contentWordIds("remove fb account", vectors);
  const matcher = new SoftTitleMatcher(question, vectors, 0.4);
  const cover = (title: string) => matcher.coverage(contentWordIds(title, vectors));

  it("is 1 when every question word is in the title", () => {
    expect(cover("remove fb account")).toBeCloseTo(1, 5);
  });

  it("credits related words below exact ones and unrelated words not at all", () => {
    const related = cover("delete facebook profile");
    expect(related).toBeGreaterThan(0.5);
    expect(related).toBeLessThan(1);
    expect(cover("invoice")).toBe(0);
    expect(cover("")).toBe(0);
  });
});

describe("semantic title matching in retrieval", () => {
  const chunk = (id: string, title: string, text: string) =>
    testChunk(id, title, text, { sourceId: "faq", sourceName: "faq" });
  const chunks = [
    chunk(
      "a",
      "Delete your Facebook profile",
      "Open your account settings, then remove it at the bottom of the page.",
    ),
    chunk("b", "Account invoice", "Each account gets an invoice; remove old invoices from the billing page."),
  ];

  it("ranks the title that means what the customer asked above one that shares their words", () => {
    const lexical = new KnowledgeIndex({ semantic: null });
    lexical.upsert(chunks);
    expect(lexical.search("remove fb account").passages[0]?.chunk.id).toBe("b");
    const semantic = new KnowledgeIndex({ semantic: { vectors, weight: 1, threshold: 0.4 } });
    semantic.upsert(chunks);
    expect(semantic.search("remove fb account").passages[0]?.chunk.id).toBe("a");
  });

  it("leaves the lexical evidence used for answerability untouched", () => {
    const lexical = new KnowledgeIndex({ semantic: null });
    const semantic = new KnowledgeIndex({ semantic: { vectors, weight: 1, threshold: 0.4 } });
    lexical.upsert(chunks);
    semantic.upsert(chunks);
    const pick = (idx: KnowledgeIndex) =>
      idx.search("remove fb account").passages.find((p) => p.chunk.id === "b")!;
    expect(pick(semantic).normScore).toBe(pick(lexical).normScore);
    expect(pick(semantic).coverage).toBe(pick(lexical).coverage);
  });

  it("does not apply English vectors to other languages' chunks", () => {
    const idx = new KnowledgeIndex({ semantic: { vectors, weight: 1, threshold: 0.4 } });
    idx.upsert(chunks.map((c) => ({ ...c, language: "de" })));
    const lexical = new KnowledgeIndex({ semantic: null });
    lexical.upsert(chunks.map((c) => ({ ...c, language: "de" })));
    const ids = (i: KnowledgeIndex) =>
      i.search("remove fb account", { language: "de" }).passages.map((p) => p.chunk.id);
    expect(ids(idx)).toEqual(ids(lexical));
  });
});

describe("a record and the policy whose heading names what it lacks in other words", () => {
  // "splintered" and "damaged" point the same way; "arrived" is near "returned", which the returns heading says.
  // ("broken" would not do: the built-in synonyms make it "damaged" without any vectors.)
  const shopWords = [
    "the",
    "lamp",
    "arrived",
    "splintered",
    "damaged",
    "returned",
    "wrong",
    "items",
    "ceramic",
    "cove",
  ];
  const axis = (i: number, lean: number[] = []) =>
    Array.from({ length: 8 }, (_, k) => (k === i ? 1 : (lean[k] ?? 0)));
  const shopVectors = WordVectors.fromFloats(
    shopWords,
    [
      axis(0, [1, 1, 1, 1, 1, 1, 1]),
      axis(1),
      axis(2, [0, 0, 0, 0, 0, 0, 0, 0.9]),
      axis(3),
      axis(3, [0, 0, 0, 0.1, 0.3]),
      axis(7),
      axis(4),
      axis(5),
      axis(6),
      axis(6, [0, 0.2]),
    ],
    8,
  );
  const chunks = [
    testChunk(
      "lamp",
      "Cove ceramic table lamp",
      "Category: Lighting. Description: Hand-glazed ceramic lamp with a linen shade. Price eur: 89.",
    ),
    testChunk(
      "damaged",
      "Returns and refunds",
      "If an item arrives damaged or you received the wrong item, send us a photo within 14 days of delivery.",
      { heading: "Damaged or wrong items" },
    ),
    testChunk(
      "final",
      "Returns and refunds",
      "Engraved items cannot be returned unless they arrived damaged.",
      { heading: "Items that cannot be returned" },
    ),
    testChunk("track", "Tracking", "We email you a tracking link when your parcel leaves the warehouse."),
  ];
  const q = "My lamp arrived splintered";

  it("answers from that policy when the vectors say its heading means the missing word", () => {
    const idx = new KnowledgeIndex({ semantic: { vectors: shopVectors, weight: 1, threshold: 0.4 } });
    idx.upsert(chunks);
    const r = idx.search(q);
    expect(r.passages[0]!.chunk.id).toBe("lamp");
    expect(r.passages.find((p) => p.chunk.id === "damaged")?.softTitleTerms).toEqual(["splinter"]);
    // "arrived" is in the final-sale section's own text: its heading's "returned" does not stand in for it.
    expect(r.passages.find((p) => p.chunk.id === "final")?.softTitleTerms).toBeUndefined();
    expect(decideAnswerable(r).answerable).toBe(true);
    const a = buildExtractiveAnswer(q, r.passages, "en")!;
    expect(a.text).toMatch(/^If an item arrives damaged/);
    expect(a.citations.map((c) => c.documentId)).toEqual(["damaged"]);
  });

  it("declines without vectors: no word of the knowledge base says 'splintered'", () => {
    const idx = new KnowledgeIndex({ semantic: null });
    idx.upsert(chunks);
    expect(decideAnswerable(idx.search(q)).answerable).toBe(false);
  });
});
