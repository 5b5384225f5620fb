import { describe, expect, it } from "vitest";
import {
  asksWhatToDoNext,
  continuedQuestion,
  followUpSubject,
  followUpWithSubject,
  MAX_POINTING_WORDS_UNANSWERED,
  nameInPlaceOfPronoun,
  nameInPlaceOfTitle,
  pointingClause,
  pointsBack,
  pointsWithPronoun,
  refersBack,
  resolveFollowUp,
  resolveReference,
  type WordSimilarity,
} from "./follow-up.ts";

// Similarities as word vectors give them (measured with the bundled GloVe vectors, rounded).
const TABLE: Record<string, number> = {
  "furniture|lamps": 0.49,
  "furniture|rugs": 0.45,
  "lamps|rugs": 0.4,
  "germany|france": 0.73,
  "paypal|bitcoin": 0.43,
  "lamp|rug": 0.36,
  "rug|towels": 0.44,
  "sofas|chairs": 0.74,
  "warranty|lamps": 0.16,
  "delivery|order": 0.3,
  "canada|states": 0.69,
  "canada|united": 0.68,
};
const similarity: WordSimilarity = (a, b) => TABLE[`${a}|${b}`] ?? TABLE[`${b}|${a}`] ?? 0;

describe("a follow-up that only names what changed", () => {
  it("is recognised by its shape, and a sentence of its own is not", () => {
    expect(followUpSubject("what about lamps?")).toBe("lamps");
    expect(followUpSubject("And how about the rug?")).toBe("the rug");
    expect(followUpSubject("and to France?")).toBe("France");
    expect(followUpSubject("same for chairs")).toBe("chairs");
    for (const text of [
      "and how much does it cost?",
      "also my order is late",
      "and I want a refund",
      "what about the thing I ordered last week from your shop?",
      "How about you just refund me",
      "Where is my order?",
    ])
      expect(followUpSubject(text), text).toBeNull();
  });

  it("is read as the earlier question with its subject in place of the word it is most like", () => {
    const resolve = (text: string, ...earlier: string[]) => resolveFollowUp(text, earlier, similarity);
    expect(resolve("what about lamps?", "What is the warranty on furniture?")).toBe(
      "What is the warranty on lamps?",
    );
    expect(resolve("and to France?", "How much does shipping to Germany cost?")).toBe(
      "How much does shipping to France cost?",
    );
    expect(resolve("what about Bitcoin?", "Can I pay with PayPal?")).toBe("Can I pay with Bitcoin?");
    expect(resolve("same for chairs?", "How long is the return window for sofas?")).toBe(
      "How long is the return window for chairs?",
    );
  });

  it("reads where the customer is as the earlier question asked from there", () => {
    expect(followUpSubject("what if I'm in Switzerland?")).toBe("Switzerland");
    expect(followUpSubject("and if I live in Norway?")).toBe("Norway");
    expect(followUpSubject("what if I'm not home?")).toBeNull();
    // No word of the question is like the place: the place goes with the question, which a list of places answers.
    expect(resolveFollowUp("what if I'm in Switzerland?", ["How long does delivery take?"], similarity)).toBe(
      "How long does delivery take? Switzerland",
    );
    // A question that pointed back is asked of what it pointed at.
    expect(
      resolveFollowUp(
        "what if I'm in Switzerland?",
        ["how do I return something", "do I have to pay for it?"],
        similarity,
      ),
    ).toBe("do I have to pay for it? how do I return something Switzerland");
    // Any other subject with nothing like it in the question is not glued on.
    expect(resolveFollowUp("what about lamps?", ["Where is my order LC-1?"], similarity)).toBeNull();
  });

  it("puts another product in place of the one a question names by its title's words", () => {
    expect(nameInPlaceOfTitle("how much is the Dune rug?", "Dune wool rug", "the Juniper throw")).toBe(
      "how much is the Juniper throw?",
    );
    expect(nameInPlaceOfTitle("Is the rug machine washable?", "Dune wool rug", "the bath towels")).toBe(
      "Is the bath towels machine washable?",
    );
    // Nothing of the title in the question, or two mentions apart: no guess.
    expect(nameInPlaceOfTitle("How long does delivery take?", "Dune wool rug", "the throw")).toBeNull();
    expect(nameInPlaceOfTitle("is the rug as soft as a wool throw?", "Dune wool rug", "the lamp")).toBeNull();
  });

  it("puts a name with the same head noun in place of the old one: another table for the Birch bedside table", () => {
    expect(
      resolveFollowUp("and the Harbor table?", ["what is the Birch bedside table made of?"], similarity),
    ).toBe("what is the Harbor table made of?");
  });

  it("as a last resort, puts the subject after the question it continues, but never an identifier", () => {
    expect(followUpWithSubject("what about furniture?", ["How long is the warranty?"])).toBe(
      "How long is the warranty? furniture",
    );
    expect(followUpWithSubject("what about LC-10235?", ["Where is my order LC-10234?"])).toBeNull();
    expect(followUpWithSubject("how long is it?", ["How long is the warranty?"])).toBeNull();
    expect(followUpWithSubject("what about furniture?", ["ok"])).toBeNull();
  });

  it("never puts the new subject in place of a word that only asks ('much' of 'how much')", () => {
    const asks: WordSimilarity = (a, b) => (a === "much" || b === "much" ? 0.9 : 0);
    expect(resolveFollowUp("and the Juniper throw?", ["how much is the Dune rug?"], asks)).toBeNull();
  });

  it("reads 'the US' in capitals as the country, and 'us' as the pronoun it also is", () => {
    expect(followUpSubject("what about the US?")).toBe("the United States");
    expect(followUpSubject("and the USA?")).toBe("the United States");
    expect(followUpSubject("what about us?")).toBeNull();
    expect(resolveFollowUp("what about the US?", ["Do you ship to Canada?"], similarity)).toBe(
      "Do you ship to the United States?",
    );
  });

  it("replaces the whole noun phrase after a determiner, keeping the determiner once", () => {
    const resolve = (text: string, earlier: string) => resolveFollowUp(text, [earlier], similarity);
    expect(resolve("and the rug?", "How do I return the lamp?")).toBe("How do I return the rug?");
    expect(resolve("what about the bath towels?", "Is the dune rug machine washable?")).toBe(
      "Is the bath towels machine washable?",
    );
  });

  it("continues the question a chain of follow-ups stands for, past acknowledgements", () => {
    expect(
      resolveFollowUp(
        "and rugs?",
        ["What is the warranty on furniture?", "what about lamps?", "ok"],
        similarity,
      ),
    ).toBe("What is the warranty on rugs?");
  });

  it("continues the customer's last question of three words or more that is no follow-up itself", () => {
    expect(continuedQuestion(["Do you ship to Canada?", "what about Mexico?", "ok"])).toBe(
      "Do you ship to Canada?",
    );
    expect(continuedQuestion(["hi", "ok"])).toBeNull();
    expect(continuedQuestion([])).toBeNull();
  });

  it("is searched as written when nothing earlier is like its subject, or there is nothing earlier", () => {
    // "order" is not close enough to "delivery" to be the same slot; gluing the two would ask something else.
    expect(resolveFollowUp("what about my order?", ["How long does delivery take?"], similarity)).toBeNull();
    expect(resolveFollowUp("what about LC-10235?", ["Where is my order LC-10234?"], similarity)).toBeNull();
    expect(resolveFollowUp("what about lamps?", [], similarity)).toBeNull();
    expect(resolveFollowUp("what about lamps?", ["hi", "ok"], similarity)).toBeNull();
    // A full question is never rewritten.
    expect(
      resolveFollowUp("Is the lamp dimmable?", ["What is the warranty on furniture?"], similarity),
    ).toBeNull();
  });
});

describe("a question that points back at what came before", () => {
  it("is one that names no topic of its own besides a pronoun or a bare question word", () => {
    for (const text of [
      "how much does that cost?",
      "Is it free?",
      "how long does it take",
      "great, and how fast?",
      "ok so how much?",
      "can I do that online?",
      "do I have to pay for it?",
    ])
      expect(refersBack(text), text).toBe(text !== "can I do that online?");
    for (const text of [
      "how much does the rug cost?",
      "is it possible to pay with PayPal?",
      "that's great thanks",
      "Where is my order?",
      "it arrived broken and the box was completely crushed when the courier left it",
    ])
      expect(refersBack(text), text).toBe(false);
  });

  it("is searched with the customer's last question that named its topic", () => {
    expect(resolveReference("how much does that cost?", ["How do I return something?"])).toBe(
      "how much does that cost? How do I return something?",
    );
    // Past acknowledgements, follow-ups and other questions that point back, to the one that said what it is about.
    expect(
      resolveReference("how long does it take?", [
        "How do I get a refund?",
        "ok",
        "is it free?",
        "and for lamps?",
      ]),
    ).toBe("how long does it take? How do I get a refund?");
  });

  it("given word similarity, stands for the follow-up that last changed the subject", () => {
    const earlier = ["How much is shipping to Germany?", "and to France?"];
    expect(resolveReference("how long does it take?", earlier, similarity)).toBe(
      "how long does it take? How much is shipping to France?",
    );
    // Without it, or when the follow-up's subject fits no word of the question, the question that named the topic.
    expect(resolveReference("how long does it take?", earlier)).toBe(
      "how long does it take? How much is shipping to Germany?",
    );
    expect(resolveReference("is it free?", ["How do I get a refund?", "and for lamps?"], similarity)).toBe(
      "is it free? How do I get a refund?",
    );
  });

  it("is searched as written when it names its topic or nothing earlier does", () => {
    expect(resolveReference("how much does the rug cost?", ["How do I return something?"])).toBeNull();
    expect(resolveReference("how much does that cost?", [])).toBeNull();
    expect(resolveReference("how much does that cost?", ["hi", "ok"])).toBeNull();
  });
});

describe("a short question that names a product with a pronoun", () => {
  it("takes the product's name in place of the pronoun", () => {
    expect(nameInPlaceOfPronoun("does it come with a bulb?", "Cove ceramic table lamp")).toBe(
      "does the Cove ceramic table lamp come with a bulb?",
    );
    expect(nameInPlaceOfPronoun("Can I machine wash them?", "Aster linen duvet cover")).toBe(
      "Can I machine wash the Aster linen duvet cover?",
    );
  });

  it("leaves a question without such a pronoun, or long enough to stand alone", () => {
    expect(nameInPlaceOfPronoun("what colours are there?", "Dune wool rug")).toBeNull();
    // "its" and "item" are not the pronoun.
    expect(nameInPlaceOfPronoun("what is its item number", "Dune wool rug")).toBeNull();
    expect(
      nameInPlaceOfPronoun(
        "if I order it today before two in the afternoon will it arrive tomorrow",
        "Dune wool rug",
      ),
    ).toBeNull();
  });
});

describe("a short message that points back at what was just said", () => {
  it("points with a pronoun for a thing, or ends with 'instead', 'then' or 'in that case'", () => {
    for (const text of [
      "do I have to send it back?",
      "can I get a refund instead?",
      "what happens to my orders then?",
      "can I pay by card in that case?",
    ])
      expect(pointsBack(text)).toBe(true);
    for (const text of [
      "how long does delivery take?",
      "then how do I return my order if I never got an email about the return label from you?",
    ])
      expect(pointsBack(text)).toBe(false);
  });

  it("points with 'that' ending a clause, 'something that big', or a first clause the rest only tells after", () => {
    expect(pointingClause("why do i have to pay that, i already paid you")).toBe("why do i have to pay that");
    expect(pointingClause("do you deliver something that big?")).toBe("do you deliver something that big?");
    expect(pointingClause("is that normal?")).toBeNull();
    expect(pointingClause("I know that the lamp is sold out, when will it be back in stock?")).toBeNull();
  });

  it("may be longer when it cannot be answered alone, and 'mine' points too", () => {
    const long = "how long will they keep it there if im away for a few days";
    expect(pointsWithPronoun(long)).toBe(false);
    expect(pointsWithPronoun(long, MAX_POINTING_WORDS_UNANSWERED)).toBe(true);
    expect(pointsWithPronoun("how can i see how much is left on mine")).toBe(true);
    expect(pointsWithPronoun("how do i get a new one")).toBe(true);
    expect(refersBack("ok how do i do that")).toBe(true);
  });
});

describe("a message that asks for the next step of what was just said", () => {
  it("asks what to do now, in a few common ways, and names nothing of its own", () => {
    for (const text of [
      "I see. What should I do now?",
      "ok, what now?",
      "now what?",
      "what do I do about it?",
    ])
      expect(asksWhatToDoNext(text), text).toBe(true);
    for (const text of [
      "what should I do with the packaging?",
      "what now is the price?",
      "how do I return it?",
    ])
      expect(asksWhatToDoNext(text), text).toBe(false);
  });
});
