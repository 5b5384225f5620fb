import { describe, expect, it } from "vitest";
import { scoreSentiment, sentimentLabel } from "./sentiment.ts";

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
