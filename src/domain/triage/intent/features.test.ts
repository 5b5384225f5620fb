import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_CONFIG, FeatureHasher, normaliseText } from "./features.ts";

const hasher = new FeatureHasher({ ...DEFAULT_FEATURE_CONFIG, hashBits: 16 });
const snapshot = (text: string) => {
  const f = hasher.extract(text);
  return {
    wordEnd: f.wordEnd,
    buckets: [...f.buckets.subarray(0, f.length)],
    tf: [...f.tf.subarray(0, f.length)],
  };
};

describe("normaliseText", () => {
  it("lower-cases, strips Latin accents and apostrophes, and folds digit runs", () => {
    expect(normaliseText("Don't REEMBOLSÓ order #12345", 100)).toBe("dont reembolso order #0");
  });

  it("reads at most maxChars characters", () => {
    expect(normaliseText("x".repeat(5000), 2000)).toHaveLength(2000);
  });
});

describe("FeatureHasher", () => {
  it("gives the same features for the same text, whatever came before", () => {
    const first = snapshot("where is my order");
    snapshot("something entirely different");
    expect(snapshot("where is my order")).toEqual(first);
  });

  it("puts word n-grams before character n-grams", () => {
    const f = snapshot("hello world");
    expect(f.wordEnd).toBe(3); // hello, world, hello_world
    expect(f.buckets.length).toBeGreaterThan(f.wordEnd);
  });

  it("returns nothing for text without letters or digits", () => {
    expect(snapshot("?!… 🙂").buckets).toHaveLength(0);
  });

  it("keeps the cost of a 100 KB message bounded", () => {
    const f = hasher.extract("word ".repeat(20_000));
    expect(f.length).toBeLessThan(hasher.capacity);
  });
});
