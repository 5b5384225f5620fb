import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, FeatureHasher, normaliseText } from "./features.ts";

const hasher = new FeatureHasher({ ...DEFAULT_FEATURE_CONFIG, hashBits: 16 });
const snapshot = (text: string, h: FeatureHasher = hasher) => {
  const f = h.extract(text);
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

  it("gives each occurrence of a repeated n-gram its own entry, or counts them into one entry for older models", () => {
    const each = snapshot("refund refund");
    expect(each.wordEnd).toBe(3); // refund, refund, refund_refund
    expect(each.buckets[0]).toBe(each.buckets[1]);
    expect(Math.abs(each.tf[0]!)).toBe(1);
    const counted = snapshot(
      "refund refund",
      new FeatureHasher({ ...DEFAULT_FEATURE_CONFIG, hashBits: 16, termFrequency: "sublinear" }),
    );
    expect(counted.wordEnd).toBe(2);
    expect(Math.abs(counted.tf[0]!)).toBeCloseTo(1 + Math.log(2), 12);
  });

  it("returns nothing for text without letters or digits", () => {
    expect(snapshot("?!… 🙂").buckets).toHaveLength(0);
  });

  it("keeps the cost of a 100 KB message bounded", () => {
    const f = hasher.extract("word ".repeat(20_000));
    expect(f.length).toBeLessThan(hasher.capacity);
  });
});

/** The definition the fast hasher must reproduce: normaliseText, regex tokens, string hashing. */
function referenceFeatures(text: string, config: FeatureConfig) {
  const { hashBits, charNgramMin, charNgramMax } = config;
  const FNV_PRIME = 16777619;
  const fnv = (s: string, seed: number) => {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    return h;
  };
  const fmix = (x: number) => {
    let h = x;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };
  const mask = (1 << hashBits) - 1;
  const block = (hashes: number[]) => {
    if (config.termFrequency === "occurrence")
      return hashes.map((h): [number, number] => [h & mask, h & 0x80000000 ? -1 : 1]);
    const counts = new Map<number, number>();
    for (const h of hashes) counts.set(h & mask, (counts.get(h & mask) ?? 0) + (h & 0x80000000 ? -1 : 1));
    const entries: [number, number][] = [];
    for (const [b, c] of counts) if (c !== 0) entries.push([b, Math.sign(c) * (1 + Math.log(Math.abs(c)))]);
    return entries;
  };
  const tokens = (normaliseText(text, 2000).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 400);
  const word: number[] = [];
  tokens.forEach((t, i) => {
    word.push(fmix(fnv(t, 0x2f6b1a3d)));
    if (i > 0)
      word.push(
        fmix(
          Math.imul(fnv(tokens[i - 1] as string, 0x2f6b1a3d) ^ 0x51ed270b, FNV_PRIME) ^ fnv(t, 0x2f6b1a3d),
        ),
      );
  });
  const char: number[] = [];
  for (const t of tokens) {
    const padded = ` ${t.slice(0, 40)} `;
    for (let start = 0; start + charNgramMin <= padded.length; start++)
      for (let n = charNgramMin; n <= charNgramMax && start + n <= padded.length; n++)
        char.push(fmix(fnv(padded.slice(start, start + n), 0x1b873593)));
  }
  const w = block(word);
  const c = block(char);
  return { wordEnd: w.length, buckets: [...w, ...c].map((e) => e[0]), tf: [...w, ...c].map((e) => e[1]) };
}

describe("FeatureHasher against its definition", () => {
  const texts = [
    "Where is my order #12345? It's been 3 weeks!!",
    "I can’t log in, I’ve reset it 2x already",
    "ʼquotedʼ and 'quoted' and 1'000'000 dollars",
    "a1b22c333 4 55 666 x9y",
    "REEMBOLSÓ de mi pedido, ¿dónde está?",
    "e\u0301te\u0301 ﬁle Ｆｕｌｌ",
    "Где мой заказ 42",
    "我的订单在哪里",
    "emoji 😡 in the middle 🙂 of text",
    "under_score-hyphen.dot,comma;semi:colon",
    "x".repeat(60),
    `before ${"y".repeat(45)} after`, // a token cut to 40 characters between two that are not
    `señor ${"é".repeat(50)} ok`,
    `${"word ".repeat(500)}tail`,
    `${"ab ".repeat(700)}é`,
    "",
    "   \t\n ",
  ];
  // Printable ASCII with apostrophes and digits dense enough to exercise folding and joining.
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const alphabet = "ab cD9'0’ʼ-_.!xyzZ 1";
  for (let i = 0; i < 300; i++) {
    let s = "";
    const n = next() % 40;
    for (let k = 0; k < n; k++) s += alphabet[next() % alphabet.length];
    texts.push(s);
  }

  const configs: FeatureConfig[] = [
    { ...DEFAULT_FEATURE_CONFIG, hashBits: 16 },
    // What models of format version 1 use: repeats counted into 1 + ln(count), and (before that) 3- to 5-grams.
    { ...DEFAULT_FEATURE_CONFIG, hashBits: 16, termFrequency: "sublinear" },
    { ...DEFAULT_FEATURE_CONFIG, hashBits: 16, charNgramMin: 3, charNgramMax: 5, termFrequency: "sublinear" },
  ];
  it.each(configs.map((c) => [`${c.charNgramMin}-${c.charNgramMax}, ${c.termFrequency}`, c] as const))(
    "matches normaliseText + regex tokens + string hashing on ASCII, apostrophes and other scripts (character %s)",
    (_, config) => {
      const h = new FeatureHasher(config);
      for (const text of texts)
        expect(snapshot(text, h), JSON.stringify(text)).toEqual(referenceFeatures(text, config));
    },
  );
});
