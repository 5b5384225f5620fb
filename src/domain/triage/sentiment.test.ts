import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language.ts";
import { negativeSentimentCues, scoreSentiment, sentimentLabel } from "./sentiment.ts";

const score = (t: string) => scoreSentiment(t).score;

describe("scoreSentiment", () => {
  it("scores plain positive and negative words with the right sign, within [-1, 1]", () => {
    expect(score("The support was great")).toBeGreaterThan(0.3);
    expect(score("The support was terrible")).toBeLessThan(-0.3);
    for (const t of [
      "love love love love love love amazing perfect",
      "hate hate hate awful worst horrible disgusting",
    ]) {
      expect(Math.abs(score(t))).toBeLessThanOrEqual(1);
    }
  });

  it("is neutral when nothing carries sentiment", () => {
    expect(scoreSentiment("Where is my order 1234?")).toEqual({ score: 0, cues: [] });
    expect(score("")).toBe(0);
    // A demand is not praise: VADER rates "want" +0.3, which made "I want a human now" lean positive.
    expect(scoreSentiment("I want a refund")).toEqual({ score: 0, cues: [] });
  });

  it("flips a negated word and reports the negation", () => {
    expect(score("this is good")).toBeGreaterThan(0);
    const notGood = scoreSentiment("this is not good");
    expect(notGood.score).toBeLessThan(0);
    expect(notGood.cues).toContainEqual(expect.objectContaining({ kind: "negation", text: "not good" }));
    expect(score("it isn't helpful at all")).toBeLessThan(0);
    expect(score("not bad")).toBeGreaterThan(0);
  });

  it("does not let a negation reach across a clause boundary", () => {
    expect(score("no, the new app is great")).toBeGreaterThan(0.3);
  });

  it("strengthens with intensifiers and weakens with diminishers", () => {
    expect(score("the update is very good")).toBeGreaterThan(score("the update is good"));
    expect(score("the update is slightly good")).toBeLessThan(score("the update is good"));
    expect(scoreSentiment("extremely bad").cues).toContainEqual(
      expect.objectContaining({ kind: "intensifier" }),
    );
  });

  it("gives a shouted word more weight than the same word in lower case", () => {
    expect(score("the wait was BAD today")).toBeLessThan(score("the wait was bad today"));
    expect(scoreSentiment("the wait was BAD today").cues).toContainEqual(
      expect.objectContaining({ kind: "caps", text: "BAD" }),
    );
  });

  it("amplifies with exclamation marks in the direction the message leans", () => {
    expect(score("this is great!!!")).toBeGreaterThan(score("this is great"));
    expect(score("this is awful!!!")).toBeLessThan(score("this is awful"));
    expect(score("where is my order!!!")).toBe(0);
  });

  it("reads emoticons and emoji", () => {
    expect(score(":)")).toBeGreaterThan(0);
    expect(score(":-(")).toBeLessThan(0);
    expect(score("😡😡")).toBeLessThan(-0.3);
    expect(score("thanks ❤️")).toBeGreaterThan(score("thanks"));
    expect(scoreSentiment("👍").cues).toContainEqual(expect.objectContaining({ kind: "emoji", text: "👍" }));
  });

  it("weighs the clause after 'but' over the one before", () => {
    expect(score("the app is nice but it is useless")).toBeLessThan(0);
    expect(score("the app was slow but the agent was wonderful")).toBeGreaterThan(0);
  });

  it("understands phrases whose words mislead alone", () => {
    expect(score("can't wait for the new version")).toBeGreaterThan(0.3);
    expect(score("the app is still not working")).toBeLessThan(-0.3);
    expect(score("I'm fed up")).toBeLessThan(-0.3);
    // Where the reset email may be is no complaint; spam itself still is.
    expect(score("I checked spam, it is not in the spam folder")).toBe(0);
    expect(score("so much spam from you")).toBeLessThan(0);
  });

  it("reads elongated words as their base word, a little stronger", () => {
    expect(score("goooood")).toBeGreaterThan(score("good"));
  });

  it("treats 'like' as praise only when it is a verb", () => {
    expect(score("I like it")).toBeGreaterThan(0);
    expect(score("it looks like a box")).toBe(0);
  });

  it("labels scores into three classes", () => {
    expect(sentimentLabel(-0.5)).toBe("negative");
    expect(sentimentLabel(0)).toBe("neutral");
    expect(sentimentLabel(0.8)).toBe("positive");
  });
});

describe("scoreSentiment in other languages than English", () => {
  /** Scored as triage does: with the language detected from the same text. */
  const scoreIn = (t: string) => {
    const language = detectLanguage(t);
    expect(language.language).not.toBe("en");
    return scoreSentiment(t, language);
  };

  it.each([
    // German: "die" (the), "war" (was), "Gift" (poison), "Bad" (bath), "Hell" (a place name)
    "Ich möchte die Rechnung sehen und die Adresse ändern",
    "Der Versand war schnell und die Ware ist in Ordnung",
    "Ich habe das Gift für den Garten bestellt, ich bin fast fertig.",
    "Ich möchte ein Bad bestellen",
    "Ich wohne in Hell und die Post kommt nie",
    "Die Lieferung ist nicht angekommen",
    // French: "pain" (bread), "grave" (serious)
    "Je voudrais du pain et du vin",
    "Je veux juste changer la date de livraison, rien de grave",
    // Spanish: "ha" (has, English laughter), "sin" (without)
    "Mi pedido ha salido sin la factura",
    "He visto que el envío ya ha salido",
  ])("does not read English words into a neutral message: %s", (t) => {
    expect(scoreIn(t)).toEqual({ score: 0, cues: [] });
  });

  it("still rates a thank-you in the customer's language, not its English homographs", () => {
    const r = scoreIn("Die Lieferung ist angekommen, danke.");
    expect(r.score).toBeGreaterThan(0);
    expect(r.cues.map((c) => c.text)).toEqual(["danke"]);
  });

  it("keeps the cues that hold in any language: the lexicon's own words, negators, intensifiers, emoji, '!'", () => {
    const upset = scoreIn("Das ist nicht toll, ich bin sehr enttäuscht 😡!!!");
    expect(upset.score).toBeLessThan(-0.75);
    expect(upset.cues.map((c) => c.kind)).toEqual(
      expect.arrayContaining(["negation", "intensifier", "lexicon", "emoji", "punctuation"]),
    );
    expect(scoreIn("Je suis très déçu :(").score).toBeLessThan(-0.5);
    expect(scoreIn("Mi pedido no ha llegado, es terrible").cues.map((c) => c.text)).toEqual(["terrible"]);
    expect(scoreIn("Ok, danke, alles super!!").score).toBeGreaterThan(0.5);
  });

  it("rates every word when the language is English, undetermined or not confidently known", () => {
    const t = "Die Lieferung ist angekommen, danke.";
    const asBefore = scoreSentiment(t);
    expect(asBefore.score).toBeLessThan(0); // the English reading "die": why the language matters
    expect(scoreSentiment(t, { language: "und", confidence: 0 })).toEqual(asBefore);
    expect(scoreSentiment(t, { language: "de", confidence: 0.2 })).toEqual(asBefore);
    expect(scoreSentiment(t, { language: "en", confidence: 0.9 })).toEqual(asBefore);
  });
});

describe("scoreSentiment in English", () => {
  // Recorded from the scorer before it took the language into account: English must score exactly as it did.
  const RECORDED: [string, number][] = [
    ["The support was terrible", -0.585],
    ["I love this app, the agent was wonderful!!!", 0.891],
    ["this is not good at all", -0.313],
    ["Die hard fans will love the new season", -0.029],
    ["The war on bad customer service is going well :)", -0.419],
    ["My password reset link is broken and I'm FURIOUS", -0.836],
    ["It was a gift, also it came fast, hell yeah 😍", 0.585],
    ["can't wait for the new version, no problem", 0.739],
    ["the app is nice but it is useless", -0.424],
    ["goooood job O_o", 0.506],
  ];

  it.each(RECORDED)("scores %j exactly as before, with or without its detected language", (t, recorded) => {
    const language = detectLanguage(t);
    expect(["en", "und"]).toContain(language.language);
    const withLanguage = scoreSentiment(t, language);
    expect(withLanguage.score).toBe(recorded);
    expect(withLanguage).toEqual(scoreSentiment(t));
  });
});

describe("negativeSentimentCues", () => {
  const negativeOf = (text: string) =>
    negativeSentimentCues(scoreSentiment(text).cues).map((c) => [c.kind, c.text]);

  it("keeps what pulled a message down, with its modifiers, and drops the friendly words", () => {
    expect(negativeOf("Thanks, but this is NOT good and the app is VERY buggy")).toEqual([
      ["negation", "NOT good"],
      ["lexicon", "good"],
      ["intensifier", "VERY buggy"],
      ["lexicon", "buggy"],
    ]);
  });

  it("drops a modifier of a positive word", () => {
    expect(negativeOf("GREAT help, thanks, but the delivery was awful")).toEqual([["lexicon", "awful"]]);
  });
});
