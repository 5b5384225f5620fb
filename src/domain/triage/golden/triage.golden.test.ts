// Pins triage's decisions on a few hundred project-written messages, so performance work on tokenising,
// frustration, language and the intent model cannot change what Tandem decides without a test failing.
//
// The expected outputs in triage.golden.json were recorded from the code before it was optimised. Regenerate them
// only for an intended behaviour change (and say why in the change):
//   TANDEM_WRITE_GOLDEN=1 npx vitest run src/domain/triage/golden && npx biome format --write src/domain/triage/golden
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadModel, STARTER_MODEL_DIR } from "../../../adapters/model/model-files.ts";
import { type FeatureConfig, HashedIntentModel, type IntentModel } from "../intent/index.ts";
import { seededRandom } from "../intent/random.ts";
import type { SentimentResult } from "../sentiment.ts";
import { type AnalysedText, analyseText } from "../text.ts";
import { createTriage } from "../triage.ts";
import type { Cue, TriageResult } from "../types.ts";
import { goldenCases } from "./golden-cases.ts";

// Sentiment belongs to its own module and evolves on its own: the golden records what it returned for each text and
// replays it, so this test pins tokenising, language, frustration, intent and routing whatever sentiment becomes.
// What sentiment reads from the tokeniser is pinned separately, by a digest of analyseText's output per case.
const sentimentTap = vi.hoisted(() => ({
  mode: "replay" as "record" | "replay",
  recorded: new Map<string, unknown>(),
}));
vi.mock("../sentiment.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../sentiment.ts")>();
  const { createHash: hash } = await import("node:crypto");
  const textKey = (text: string) => hash("sha256").update(text).digest("hex").slice(0, 24);
  const scoreSentiment = (input: AnalysedText | string, ...rest: unknown[]): SentimentResult => {
    const text = textKey(typeof input === "string" ? input : input.text);
    if (sentimentTap.mode === "record") {
      const r = (real.scoreSentiment as (i: AnalysedText | string, ...x: unknown[]) => SentimentResult)(
        input,
        ...rest,
      );
      sentimentTap.recorded.set(text, structuredClone(r));
      return r;
    }
    const r = sentimentTap.recorded.get(text);
    if (r === undefined)
      throw new Error(`no recorded sentiment for a text (key ${text}): did analyseText change it?`);
    return structuredClone(r) as SentimentResult;
  };
  return { ...real, scoreSentiment };
});

const FIXTURE = join(import.meta.dirname, "triage.golden.json");
const WRITE = process.env.TANDEM_WRITE_GOLDEN === "1";
const TOLERANCE = 1e-9;

/** [intent, confidence, outOfScope, the three most probable labels best first]: a tuple keeps the fixture compact. */
type IntentOutput = [string, number, boolean, ...string[]];

interface Fixture {
  starterWeightsSha256: string;
  /** What scoreSentiment returned for each analysed text it was given, by textKey (replayed, see sentimentTap). */
  sentiment: Record<string, SentimentResult>;
  /** Per case id: sha256 of the analyseText fields sentiment reads (see tokenDigest). */
  tokens: Record<string, string>;
  triage: Record<string, TriageResult>;
  /** Per synthetic model configuration, per case id: what the bare intent model predicts. */
  intent: Record<string, Record<string, IntentOutput>>;
}

// Synthetic models with seeded random weights over every feature configuration the hasher supports, so the golden
// exercises feature hashing and the logits exactly, independent of what the shipped starter model happens to say.
const SYNTHETIC: Record<string, FeatureConfig> = {
  starterLike: {
    hashBits: 15,
    wordNgramMax: 2,
    charNgramMin: 3,
    charNgramMax: 5,
    maxChars: 2000,
    termFrequency: "sublinear",
  },
  unigramsShortChars: {
    hashBits: 12,
    wordNgramMax: 1,
    charNgramMin: 2,
    charNgramMax: 4,
    maxChars: 300,
    termFrequency: "sublinear",
  },
  wordsOnly: {
    hashBits: 10,
    wordNgramMax: 2,
    charNgramMin: 0,
    charNgramMax: 0,
    maxChars: 64,
    termFrequency: "sublinear",
  },
  // The starter model's configurations since character n-grams became 4-grams only (new ones go last: seeds go by
  // position).
  fourGramsOnly: {
    hashBits: 15,
    wordNgramMax: 2,
    charNgramMin: 4,
    charNgramMax: 4,
    maxChars: 2000,
    termFrequency: "sublinear",
  },
  // And since each occurrence became its own entry (model format version 2).
  fourGramsEachOccurrence: {
    hashBits: 15,
    wordNgramMax: 2,
    charNgramMin: 4,
    charNgramMax: 4,
    maxChars: 2000,
    termFrequency: "occurrence",
  },
};

function syntheticModel(features: FeatureConfig, seed: number): HashedIntentModel {
  const random = seededRandom(seed);
  const labels = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
  const k = labels.length;
  const buckets: number[] = [];
  // Leave every fifth bucket unseen, so unseen-feature handling (unseenIdf, coverage) is part of the golden.
  for (let b = 0; b < 1 << features.hashBits; b++) if (b % 5 !== 0) buckets.push(b);
  const idf = Float32Array.from(buckets, () => 1 + 4 * random());
  const weights = Float32Array.from({ length: buckets.length * k }, () => 2 * random() - 1);
  const bias = Float32Array.from({ length: k }, () => 0.2 * random() - 0.1);
  return new HashedIntentModel({
    labels,
    features,
    blockWeights: { word: 1, char: 0.7 },
    rows: Uint32Array.from(buckets),
    idf,
    unseenIdf: 5,
    weights,
    bias,
    temperature: 0.8,
    thresholds: { minConfidence: 0.3, minMargin: 0.05, minCoverage: 0.5 },
    outOfScopeLabel: "zeta",
  });
}

/** The parts of analyseText's output that sentiment.ts reads; new fields may be added to tokens without changing it. */
function tokenDigest(text: string): string {
  const a = analyseText(text);
  const view = {
    text: a.text,
    truncated: a.truncated,
    wordCount: a.wordCount,
    capsWordCount: a.capsWordCount,
    scripts: a.scripts,
    tokens: a.tokens.map((t) => [t.kind, t.raw, t.norm, t.caps, t.elongated]),
  };
  return createHash("sha256").update(JSON.stringify(view)).digest("hex");
}

function starterSha(): string {
  return createHash("sha256")
    .update(readFileSync(join(STARTER_MODEL_DIR, "weights.bin")))
    .digest("hex");
}

function expectClose(actual: number, expected: number, where: string): void {
  if (!(Math.abs(actual - expected) <= TOLERANCE))
    expect.fail(`${where}: ${actual} differs from the recorded ${expected}`);
}

function expectCues(actual: Cue[], expected: Cue[], where: string): void {
  expect(
    actual.map((c) => [c.kind, c.text]),
    where,
  ).toEqual(expected.map((c) => [c.kind, c.text]));
  actual.forEach((c, i) => expectClose(c.weight, (expected[i] as Cue).weight, `${where} cue ${i} weight`));
}

const cases = goldenCases();
let starter: IntentModel;
let fixture: Fixture;

beforeAll(async () => {
  starter = await loadModel(STARTER_MODEL_DIR);
  if (WRITE) {
    const triage = createTriage({ intentModel: starter });
    sentimentTap.mode = "record";
    const recordedTriage = Object.fromEntries(cases.map((c) => [c.id, triage(c.input)]));
    sentimentTap.mode = "replay";
    const intent: Fixture["intent"] = {};
    Object.entries(SYNTHETIC).forEach(([name, features], n) => {
      const model = syntheticModel(features, 1000 + n);
      intent[name] = Object.fromEntries(
        cases.map((c) => {
          const p = model.predict(c.input.text);
          return [
            c.id,
            [p.intent, p.confidence, p.outOfScope, ...model.rank(c.input.text).map((t) => t.intent)],
          ];
        }),
      );
    });
    fixture = {
      starterWeightsSha256: starterSha(),
      sentiment: Object.fromEntries(sentimentTap.recorded) as Record<string, SentimentResult>,
      tokens: Object.fromEntries(cases.map((c) => [c.id, tokenDigest(c.input.text)])),
      triage: recordedTriage,
      intent,
    };
    writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 2)}\n`);
  } else {
    if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: record it with TANDEM_WRITE_GOLDEN=1`);
    fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture;
    for (const [text, r] of Object.entries(fixture.sentiment)) sentimentTap.recorded.set(text, r);
  }
});

describe("triage golden", () => {
  it("has a distinct id for every case and a recording for each", () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(Object.keys(fixture.triage).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it("was recorded with the starter model that ships now", () => {
    // A retrained starter model changes intents legitimately; record again then, in a change of its own.
    expect(starterSha(), "models/starter changed since triage.golden.json was recorded").toBe(
      fixture.starterWeightsSha256,
    );
  });

  it("reproduces every recorded triage decision, score and cue with the starter model", () => {
    const triage = createTriage({ intentModel: starter });
    for (const c of cases) {
      const got = triage(c.input);
      const want = fixture.triage[c.id] as TriageResult;
      const where = c.id;
      expect(
        {
          language: got.language,
          intent: got.intent,
          outOfScope: got.outOfScope,
          route: got.route,
          reasons: got.reasons,
          tier: got.tier,
        },
        where,
      ).toEqual({
        language: want.language,
        intent: want.intent,
        outOfScope: want.outOfScope,
        route: want.route,
        reasons: want.reasons,
        tier: want.tier,
      });
      expectClose(got.languageConfidence, want.languageConfidence, `${where} languageConfidence`);
      expectClose(got.sentiment, want.sentiment, `${where} sentiment`);
      expectClose(got.frustration, want.frustration, `${where} frustration`);
      expectClose(got.frustrationTrend, want.frustrationTrend, `${where} frustrationTrend`);
      expectClose(got.confidence, want.confidence, `${where} confidence`);
      expectCues(got.sentimentCues, want.sentimentCues, `${where} sentimentCues`);
      expectCues(got.frustrationCues, want.frustrationCues, `${where} frustrationCues`);
    }
  });

  it("gives sentiment the same tokens, counts and scripts for every case", () => {
    for (const c of cases) expect(tokenDigest(c.input.text), c.id).toBe(fixture.tokens[c.id]);
  });

  it("reproduces the bare intent model's predictions exactly for every feature configuration", () => {
    Object.entries(SYNTHETIC).forEach(([name, features], n) => {
      const model = syntheticModel(features, 1000 + n);
      const recorded = fixture.intent[name] ?? {};
      for (const c of cases) {
        const got = model.predict(c.input.text);
        const want = recorded[c.id] as IntentOutput;
        const where = `${name} ${c.id}`;
        const [intent, confidence, outOfScope, ...top] = want;
        expect([got.intent, got.outOfScope, model.rank(c.input.text).map((t) => t.intent)], where).toEqual([
          intent,
          outOfScope,
          top,
        ]);
        expectClose(got.confidence, confidence, `${where} confidence`);
      }
    });
  });
});
