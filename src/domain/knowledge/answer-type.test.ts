import { describe, expect, it } from "vitest";
import { asksForSteps, expectedAnswer, statesAnswer, statesSteps } from "./answer-type.ts";

describe("the kind of fact a question asks for", () => {
  it("expects a duration from 'how long', 'how soon', 'how fast' and 'how many days' questions", () => {
    for (const q of [
      "How long do refunds take?",
      "how soon will it arrive",
      "how fast is express delivery?",
      "Is it too late to return the lamp?",
      "How many days do I have to return it?",
      "What's the return window?",
      "what is the warranty period?",
    ])
      expect(expectedAnswer(q, "en")?.kind).toBe("duration");
  });

  it("expects an amount from 'how much' and 'what does it cost' questions, but not from 'how much time'", () => {
    for (const q of [
      "How much does shipping to France cost?",
      "What is the price of the rug?",
      "what does delivery cost",
    ])
      expect(expectedAnswer(q, "en")?.kind).toBe("amount");
    expect(expectedAnswer("How much time do I have to return it?", "en")).toBeNull();
  });

  it("expects a charge from whether something costs anything: a price, 'free' or who pays answers it", () => {
    for (const q of [
      "do I have to pay for it?",
      "Is delivery free?",
      "Will I have to pay import fees in Switzerland?",
      "is there a fee for returns?",
      "does it cost anything to return?",
    ])
      expect(expectedAnswer(q, "en")?.kind, q).toBe("charge");
    expect(statesAnswer("charge", "Returns from the European Union are free.", "en")).toBe(true);
    expect(statesAnswer("charge", "These charges are paid by the recipient on delivery.", "en")).toBe(true);
    expect(statesAnswer("charge", "To start a return, open the Orders page of your account.", "en")).toBe(
      false,
    );
  });

  it("expects a measurement from 'how big' and 'what are the dimensions', and a number from other 'how many'", () => {
    for (const q of [
      "How big is the rug?",
      "how tall is the bedside table",
      "What are the dimensions of the table?",
      "what sizes does the dune rug come in?",
      "Which size is the duvet cover?",
    ])
      expect(expectedAnswer(q, "en")?.kind).toBe("size");
    expect(statesAnswer("size", "Flat-woven wool rug, 160 by 230 centimetres.", "en")).toBe(true);
    // The range of sizes made is a size too.
    expect(statesAnswer("size", "Stonewashed linen duvet cover, sizes single to king.", "en")).toBe(true);
    expect(statesAnswer("size", "Available in sizes S to XL.", "en")).toBe(true);
    expect(statesAnswer("size", "Place a new order for the size or colour you want.", "en")).toBe(false);
  });

  it("expects a colour named from 'what colours', and not from a yes/no question about one colour", () => {
    for (const q of [
      "What colours does the Dune rug come in?",
      "which color is the throw",
      "colour options?",
    ])
      expect(expectedAnswer(q, "en")?.kind, q).toBe("colour");
    expect(expectedAnswer("Is the Dune rug available in green?", "en")).toBeNull();
    expect(statesAnswer("colour", "Flat-woven wool rug in sand and off-white stripes.", "en")).toBe(true);
    expect(statesAnswer("colour", "Place a new order for the size or colour you want.", "en")).toBe(false);
    expect(statesAnswer("size", "Small bedside table with one drawer.", "en")).toBe(false);
    expect(expectedAnswer("How many people can sit at the table?", "en")?.kind).toBe("count");
    expect(statesAnswer("count", "Extendable dining table that seats six.", "en")).toBe(true);
  });

  it("leaves yes/no, 'when' and other questions untyped, and every language without cues", () => {
    for (const q of ["Is the shipping cost refunded?", "When is my card charged?", "Can I pay with PayPal?"])
      expect(expectedAnswer(q, "en")).toBeNull();
    expect(expectedAnswer("¿Cuánto cuesta el envío?", "es")).toBeNull();
  });

  it("leaves a question about how to do something untyped, whatever it would find out", () => {
    expect(expectedAnswer("How do I check how much is left on my gift card?", "en")).toBeNull();
    expect(expectedAnswer("how can I see how long my refund takes", "en")).toBeNull();
    expect(expectedAnswer("I can't find where to check how much is left on it", "en")).toBeNull();
    // "How do I have to ..." and "how long do I have" still ask for the fact itself.
    expect(expectedAnswer("How long do I have to return it?", "en")?.kind).toBe("duration");
    expect(expectedAnswer("How much do I have to pay for shipping?", "en")?.kind).toBe("amount");
  });

  it("treats 'take' of 'how long does it take' as framing every duration sentence shares", () => {
    expect(expectedAnswer("How long does delivery take?", "en")?.framing).toContain("take");
  });

  it("treats the price words of an amount question as framing: each priced sentence picks its own", () => {
    // "costs 4.95 euros" and "a flat fee of 39 euros" answer "what does delivery cost" alike.
    expect(expectedAnswer("What does delivery of a table cost?", "en")?.framing).toEqual(
      expect.arrayContaining(["cost", "fee", "price"]),
    );
  });

  it("recognises durations written in digits, words and hyphenated forms", () => {
    for (const s of [
      "We refund within 5 business days.",
      "Every product has a two-year warranty.",
      "Express delivery arrives the next business day.",
      "About 45 hours of burn time.",
      "It usually takes a couple of days.",
      "Refunds to a gift card are made immediately.",
    ])
      expect(statesAnswer("duration", s, "en")).toBe(true);
    expect(statesAnswer("duration", "Refunds go back to the original payment method.", "en")).toBe(false);
  });

  it("recognises amounts with a currency, a priced field and 'free'", () => {
    for (const s of [
      "Standard delivery costs 4.95 euros.",
      "Price eur: 249.",
      "It costs €12.",
      "Returns are free.",
      "Gift wrapping comes at no extra charge.",
    ])
      expect(statesAnswer("amount", s, "en")).toBe(true);
    expect(statesAnswer("amount", "You can choose a parcel locker in France.", "en")).toBe(false);
    expect(statesAnswer("amount", "Orders take 5 days.", "en")).toBe(false);
  });
});

describe("how-to questions and the sentences that say what to do", () => {
  it("reads 'how do I' and 'how can we' as asking what to do, not 'how do I know' or 'how long'", () => {
    for (const q of [
      "How do I return a rug?",
      "how can we change the address",
      "  How could I get an invoice?",
      "ok how do i do that",
      "great, so how can I start it?",
    ])
      expect(asksForSteps(q, "en")).toBe(true);
    for (const q of [
      "How do I know it shipped?",
      "How long does it take?",
      "Can I return it?",
      "how do I have to pack it",
    ])
      expect(asksForSteps(q, "en")).toBe(false);
    expect(asksForSteps("How do I return a rug?", "de")).toBe(false);
  });

  it("finds instructions, conditional instructions and where a setting is", () => {
    for (const s of [
      "To start a return, open the Orders page of your account and click Return items.",
      "If an item arrives damaged, send us a photo within 14 days.",
      "You can delete your account under Account settings, then Privacy, then Delete account.",
      "Click Unsubscribe at the bottom of any newsletter email.",
    ])
      expect(statesSteps(s)).toBe(true);
    for (const s of [
      "You can return any item within 30 days of delivery.",
      "Deleting your account erases your order history; open orders must be delivered first.",
      "We refund the item price within 5 business days.",
    ])
      expect(statesSteps(s)).toBe(false);
  });
});
