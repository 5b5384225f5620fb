import { describe, expect, it } from "vitest";
import { softmaxInto } from "./calibration.ts";
import { IntentError } from "./errors.ts";
import { DEFAULT_FEATURE_CONFIG } from "./features.ts";
import {
  deserialiseIntentModel,
  HashedIntentModel,
  type IntentModelParams,
  serialiseIntentModel,
} from "./intent-model.ts";
import { seededRandom } from "./random.ts";
import { trainIntentModel } from "./train.ts";
import { toyExamples } from "./toy-data.test-helper.ts";

const trained = trainIntentModel(toyExamples(), { folds: 5, seed: 3, features: { hashBits: 14 } });
const { model } = trained;

describe("trainIntentModel", () => {
  it("learns a toy data set and generalises to unseen phrasings", () => {
    expect(trained.report.heldOutAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(model.predict("where is my parcel please").intent).toBe("order");
    expect(model.predict("I forgot the password to sign in").intent).toBe("password");
    expect(model.predict("please refund my subscription").intent).toBe("refund");
    expect(model.predict("hello there team").intent).toBe("greeting");
  });

  it("tolerates typos through character n-grams", () => {
    expect(model.predict("i forgott my passwrod").intent).toBe("password");
  });

  it("reports held-out accuracy, macro-F1 and the calibration it fitted", () => {
    const r = trained.report;
    expect(r.labels).toBe(4);
    expect(r.folds).toBe(5);
    expect(r.heldOutSize).toBe(r.examples);
    expect(r.heldOutMacroF1).toBeGreaterThan(0.8);
    expect(r.temperature).toBeGreaterThan(0);
    expect(r.heldOutNll.calibrated).toBeLessThanOrEqual(r.heldOutNll.raw + 1e-9);
  });

  it("judges itself only on predictions from models that did not train on the example", () => {
    // Random labels on unrelated made-up words: a model can memorise them but not generalise, so an honest
    // held-out accuracy sits near chance (1 in 4) however well the final model fits its own data.
    const random = seededRandom(7);
    const word = () =>
      Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join("");
    const noise = Array.from({ length: 240 }, () => ({
      text: `${word()} ${word()} ${word()}`,
      label: ["a", "b", "c", "d"][Math.floor(random() * 4)] as string,
    }));
    const { model: memorised, report } = trainIntentModel(noise, {
      folds: 4,
      seed: 1,
      features: { hashBits: 14 },
    });
    const fitsOwnData =
      noise.filter((e) => memorised.predict(e.text).intent === e.label).length / noise.length;
    expect(fitsOwnData).toBeGreaterThan(0.9);
    expect(report.heldOutAccuracy).toBeLessThan(0.4);
  });

  it("keeps duplicate examples in one fold, so repeating the data does not inflate its held-out accuracy", () => {
    const random = seededRandom(11);
    const word = () =>
      Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join("");
    const noise = Array.from({ length: 120 }, () => ({
      text: `${word()} ${word()}`,
      label: ["a", "b", "c"][Math.floor(random() * 3)] as string,
    }));
    // The same rows four times over, some with other case and punctuation: still nothing to generalise from.
    const repeated = [
      ...noise,
      ...noise,
      ...noise.map((e) => ({ ...e, text: `${e.text.toUpperCase()}!` })),
      ...noise,
    ];
    const { report } = trainIntentModel(repeated, { folds: 4, seed: 1, features: { hashBits: 14 } });
    expect(report.heldOutAccuracy).toBeLessThan(0.5);
  });

  it("trains on fewer examples than folds, holding each one out once", () => {
    const { report } = trainIntentModel(
      [
        { text: "where is my parcel", label: "order" },
        { text: "reset my password", label: "account" },
        { text: "track my order", label: "order" },
      ],
      { folds: 5 },
    );
    expect(report.folds).toBe(3);
    expect(report.heldOutSize).toBe(3);
  });

  it("is reproducible for a given seed", () => {
    const again = trainIntentModel(toyExamples(), { folds: 5, seed: 3, features: { hashBits: 14 } });
    expect(again.model.predict("track my shipment")).toEqual(model.predict("track my shipment"));
  });

  it("refuses data with a single label or an empty text, with a coded error", () => {
    expect(() =>
      trainIntentModel([
        { text: "a", label: "x" },
        { text: "b", label: "x" },
      ]),
    ).toThrow(IntentError);
    try {
      trainIntentModel([
        { text: " ", label: "x" },
        { text: "b", label: "y" },
      ]);
      expect.unreachable();
    } catch (err) {
      expect((err as IntentError).code).toBe("TRAINING_DATA_INVALID");
      expect((err as Error).message).toContain("example 1");
    }
  });

  it("refuses options out of range", () => {
    expect(() => trainIntentModel(toyExamples(), { folds: 1 })).toThrow(/folds/);
    expect(() => trainIntentModel(toyExamples(), { folds: 2.5 })).toThrow(/folds/);
    expect(() => trainIntentModel(toyExamples(), { features: { hashBits: 30 } })).toThrow(/hashBits/);
  });
});

describe("HashedIntentModel.predict", () => {
  it("returns calibrated confidences in [0, 1], best first, summing to at most 1", () => {
    for (const text of ["where is my order", "zzqx", "", "😀😀😀", "a".repeat(100_000)]) {
      const p = model.predict(text);
      expect(p.confidence).toBeGreaterThanOrEqual(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
      const ranked = model.rank(text);
      expect(ranked[0]).toEqual({ intent: p.intent, confidence: p.confidence });
      expect(ranked.map((t) => t.confidence)).toEqual(
        [...ranked.map((t) => t.confidence)].sort((a, b) => b - a),
      );
      expect(ranked.reduce((s, t) => s + t.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it("predicts the same whether a message's words were cached, evicted, or share one slot", () => {
    const params = model.params as IntentModelParams;
    const uncached = new HashedIntentModel(params, { wordSumSlots: 0 });
    const oneSlot = new HashedIntentModel(params, { wordSumSlots: 1 }); // every word evicts the one before
    const texts = [
      "where is my parcel please",
      "where is my parcel please", // every word cached now
      "refund refund my my subscription subscription", // a word met twice in one message
      "i forgott my passwrod to sign in",
      `${"x".repeat(60)} ${"x".repeat(45)}y order`, // cut to 40 characters for n-grams: one key for both
      "a b c", // no character n-gram at all
      "",
      "Où est ma commande ? 12345",
    ];
    for (const text of [...texts, ...texts]) {
      const want = uncached.predict(text);
      for (const m of [model, oneSlot]) {
        const got = m.predict(text);
        expect(got.intent, text).toBe(want.intent);
        expect(got.outOfScope, text).toBe(want.outOfScope);
        // Summed word by word, the logits can differ from one sum over all features in the last bits only.
        expect(Math.abs(got.confidence - want.confidence), text).toBeLessThan(1e-12);
      }
      // Whether the words were cached never changes the numbers at all.
      expect(oneSlot.predict(text)).toEqual(model.predict(text));
    }
  });

  it("reports exactly the softmax's three largest probabilities, the first of equal logits first", () => {
    // No weight rows: every text's logits are the bias, so the softmax to compare with is known.
    const bias = Float32Array.from([2, -1, 0.5, 2, -30, 1.25, 2]);
    const labels = ["a", "b", "c", "d", "e", "f", "g"];
    const tiny = new HashedIntentModel({
      labels,
      features: DEFAULT_FEATURE_CONFIG,
      blockWeights: { word: 1, char: 1 },
      rows: new Uint32Array(0),
      idf: new Float32Array(0),
      unseenIdf: 3,
      weights: new Float32Array(0),
      bias,
      temperature: 0.7,
      thresholds: { minConfidence: 0, minMargin: 0, minCoverage: 0 },
      outOfScopeLabel: null,
    });
    const probs = softmaxInto(bias, 0.7, new Float64Array(labels.length));
    const p = tiny.predict("where is my order");
    expect(tiny.rank("where is my order")).toEqual([
      { intent: "a", confidence: probs[0] },
      { intent: "d", confidence: probs[3] },
      { intent: "g", confidence: probs[6] },
    ]);
    expect(p.confidence).toBe(probs[0]);
    expect(p.intent).toBe("a");
  });

  it("takes the margin to the runner-up that rank() reports, wherever the two best labels sit", () => {
    const texts = [
      "where is my parcel please",
      "refund my password",
      "hello where is my order",
      "sign in refund",
    ];
    const withMinMargin = (minMargin: number) =>
      new HashedIntentModel({ ...model.params, thresholds: { minConfidence: 0, minMargin, minCoverage: 0 } });
    for (const text of texts) {
      const [first, second] = model.rank(text);
      const margin = first!.confidence - second!.confidence;
      expect(withMinMargin(margin).predict(text), text).toMatchObject({
        intent: first!.intent,
        confidence: first!.confidence,
        outOfScope: false,
      });
      expect(withMinMargin(margin + 1e-12).predict(text).outOfScope, text).toBe(true);
    }
  });

  it("is less confident about nonsense than about an in-domain request", () => {
    const sure = model.predict("where is my package");
    const nonsense = model.predict("qwv zxkj plorb fnnt");
    expect(nonsense.confidence).toBeLessThan(sure.confidence);
    expect(sure.outOfScope).toBe(false);
  });

  it("flags unrelated text, empty text and emoji-only text as out of scope", () => {
    expect(model.predict("qwv zxkj plorb fnnt").outOfScope).toBe(true);
    expect(model.predict("").outOfScope).toBe(true);
    expect(model.predict("🙂🙂").outOfScope).toBe(true);
  });

  it("predicts the explicit out-of-scope class when the data has one", () => {
    const data = [
      ...toyExamples(),
      ...[
        "what is the weather tomorrow",
        "tell me a joke",
        "who won the football",
        "write me a poem",
        "capital of france",
        "weather in paris",
        "a funny joke please",
        "football scores today",
        "poem about the sea",
        "capital of spain",
      ].map((text) => ({ text, label: "out_of_scope" })),
    ];
    const { model: withOos } = trainIntentModel(data, { folds: 5, seed: 1, features: { hashBits: 14 } });
    const p = withOos.predict("tell me a joke about the weather");
    expect(p.intent).toBe("out_of_scope");
    expect(p.outOfScope).toBe(true);
  });

  it("handles binary junk and mixed scripts without throwing", () => {
    const junk = String.fromCharCode(...Array.from({ length: 500 }, (_, i) => (i * 7919) % 65_536));
    expect(() => model.predict(junk)).not.toThrow();
    expect(() => model.predict("où est ma commande 注文はどこ where is my order")).not.toThrow();
    expect(model.predict(undefined as unknown as string).outOfScope).toBe(true);
  });
});

describe("serialise and deserialise", () => {
  it("round-trips to a model that predicts identically", () => {
    const { meta, weights } = serialiseIntentModel(model);
    const copy = deserialiseIntentModel(JSON.parse(JSON.stringify(meta)), weights.slice());
    for (const text of [
      "where is my order",
      "i forgot my pin",
      "refund please",
      "hi",
      "nonsense words here",
      "",
    ]) {
      expect(copy.predict(text)).toEqual(model.predict(text));
    }
    expect(copy.labels).toEqual(model.labels);
  });

  it("rejects a truncated blob, a wrong version and a malformed description", () => {
    const { meta, weights } = serialiseIntentModel(model);
    expect(() => deserialiseIntentModel(meta, weights.subarray(0, weights.length - 4))).toThrow(/bytes/);
    expect(() => deserialiseIntentModel({ ...meta, version: 99 }, weights)).toThrow(/version 99/);
    expect(() => deserialiseIntentModel({ ...meta, labels: "x" }, weights)).toThrow(/labels/);
    try {
      deserialiseIntentModel(null, weights);
      expect.unreachable();
    } catch (err) {
      expect((err as IntentError).code).toBe("INTENT_MODEL_INVALID");
    }
  });

  it("reads a version 1 file, which predates termFrequency, as counting repeats (and a version 2 file must say)", () => {
    const { meta, weights } = serialiseIntentModel(model);
    expect(meta.version).toBe(2);
    expect(meta.features.termFrequency).toBe("occurrence");
    const { termFrequency: _, ...v1Features } = meta.features;
    const v1 = deserialiseIntentModel({ ...meta, version: 1, features: v1Features }, weights);
    expect(v1.params.features.termFrequency).toBe("sublinear");
    expect(() => deserialiseIntentModel({ ...meta, features: v1Features }, weights)).toThrow(
      /features.termFrequency/,
    );
  });

  it("rejects weights that are not finite numbers", () => {
    const { meta, weights } = serialiseIntentModel(model);
    const bad = weights.slice();
    new DataView(bad.buffer).setFloat32(bad.length - 4, Number.NaN, true);
    expect(() => deserialiseIntentModel(meta, bad)).toThrow(/non-finite/);
  });
});
