import { describe, expect, it } from "vitest";
import { analyzerFor } from "./analyzer.ts";
import { Bm25Index } from "./bm25.ts";
import { NOT_ONE_EDIT, ONE_MORE_OR_LESS, oneEdit, SUBSTITUTED, SWAPPED, TypoIndex } from "./typos.ts";

describe("one edit between two words", () => {
  it("names the kind of edit, likeliest typo first", () => {
    expect(oneEdit("recieve", "receive")).toBe(SWAPPED);
    expect(oneEdit("pasword", "password")).toBe(ONE_MORE_OR_LESS);
    expect(oneEdit("shipe", "ship")).toBe(ONE_MORE_OR_LESS);
    expect(oneEdit("cancl", "candl")).toBe(SUBSTITUTED);
    expect(SWAPPED < ONE_MORE_OR_LESS && ONE_MORE_OR_LESS < SUBSTITUTED).toBe(true);
  });

  it("is none for equal words and for two edits or more", () => {
    expect(oneEdit("order", "order")).toBe(NOT_ONE_EDIT);
    expect(oneEdit("chnage", "chang")).toBe(NOT_ONE_EDIT);
    expect(oneEdit("refund", "return")).toBe(NOT_ONE_EDIT);
    expect(oneEdit("ship", "shipping")).toBe(NOT_ONE_EDIT);
  });
});

describe("correcting a term the index does not hold", () => {
  const vocabulary = ["password", "cancel", "candl", "ship", "order"];
  const df = (id: number) => [3, 1, 5, 4, 9][id] ?? 0;

  it("prefers a missing letter to a changed one, then the more frequent term", () => {
    const typos = new TypoIndex();
    // "cancl" is "cancel" missing a letter, though "candl" (one letter changed) is in more chunks.
    expect(typos.correct("cancl", vocabulary, df)).toBe("cancel");
    expect(typos.correct("pasword", vocabulary, df)).toBe("password");
  });

  it("leaves short terms and terms with nothing one edit away alone", () => {
    const typos = new TypoIndex();
    expect(typos.correct("oder", vocabulary, df)).toBeNull(); // too short to tell from another word
    expect(typos.correct("mattress", vocabulary, df)).toBeNull();
  });

  it("never corrects to a term no live chunk holds", () => {
    expect(new TypoIndex().correct("cancl", vocabulary, (id) => (id === 1 ? 0 : df(id)))).toBe("candl");
  });

  it("sees terms the index gains after its first look-up", () => {
    const typos = new TypoIndex();
    const grown = ["order"];
    expect(typos.correct("refnud", grown, () => 1)).toBeNull();
    grown.push("refund");
    expect(typos.correct("refnud", grown, () => 1)).toBe("refund");
  });
});

describe("a question with a typo", () => {
  const en = analyzerFor("en");
  const index = (wordTerms: ReadonlySet<string> | null) => {
    const idx = new Bm25Index(en, {}, wordTerms);
    idx.add("reset", "Resetting your password", "Click Forgot password on the sign-in page.");
    idx.add("white", "Colours", "The lamp comes in white and sand.");
    return idx;
  };
  // The terms of the language's common words; "pasword" is none of them.
  const english = new Set(en.terms("write review password white colour lamp"));

  it("finds the passage the customer meant", () => {
    const q = index(english).analyseQuery("I forgot my pasword");
    expect(q.terms).toContain("password");
    expect(index(english).search("I forgot my pasword", 1)[0]!.id).toBe("reset");
  });

  it("leaves a real word the knowledge base does not use as it is ('write' is not 'white')", () => {
    expect(index(english).analyseQuery("How do I write a review?").terms).toContain("write");
  });

  it("reads two of the index's words typed as one as both ('giftcard'), not a word split into pieces", () => {
    const idx = index(english);
    idx.add("gift", "Gift cards", "Gift cards are valid for two years.");
    expect(idx.analyseQuery("can I use a giftcard").terms).toEqual(
      expect.arrayContaining(en.terms("gift card")),
    );
    // "lampwhite" parts are words, but "lamps" of "lampswhite" and anything under three letters are not split.
    expect(idx.analyseQuery("lampwhite").terms).toEqual(en.terms("lamp white"));
    expect(idx.analyseQuery("giftcardz").terms).toEqual(en.terms("giftcardz"));
    expect(idx.analyseQuery("awhite").terms).toEqual(en.terms("awhite"));
    // A term a phrase synonym writes is meant as one: "opening hours" is neither "open" nor "hour".
    idx.add("open", "Open orders", "Open orders can be changed within one hour.");
    expect(idx.analyseQuery("what are your opening hours").terms).toEqual(en.terms("opening hours"));
  });

  it("corrects nothing without a vocabulary to tell typos from words", () => {
    expect(index(null).analyseQuery("I forgot my pasword").terms).toContain("pasword");
  });
});
