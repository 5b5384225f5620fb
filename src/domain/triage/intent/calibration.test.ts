import { describe, expect, it } from "vitest";
import { expNonPositive, fitOutOfScopeThresholds, fitTemperature, meanNll, softmaxInto } from "./calibration.ts";

describe("expNonPositive", () => {
  const ulpOf = (x: number) => {
    const bits = new BigInt64Array(new Float64Array([x]).buffer);
    bits[0]! += 1n;
    return new Float64Array(bits.buffer)[0]! - x;
  };

  it("stays within 2 ulps of Math.exp from 0 down to e^-690", () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = -((i / 200_000) ** 2) * 690; // dense near 0, where softmax inputs live
      worst = Math.max(worst, Math.abs(expNonPositive(x) - Math.exp(x)) / ulpOf(Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it("is exactly 1 at zero, 0 for -Infinity and far below, and NaN for NaN", () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(Number.NaN)).toBeNaN();
  });

  it("makes a softmax that sums to 1 and keeps the order of the logits", () => {
    const probs = softmaxInto([2, -1, 0.5, 2, -30], 0.6, new Float64Array(5));
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(probs[0]).toBe(probs[3]);
    expect(probs[0]).toBeGreaterThan(probs[2]!);
    expect(probs[2]).toBeGreaterThan(probs[1]!);
    expect(probs[1]).toBeGreaterThan(probs[4]!);
  });
});

describe("fitTemperature", () => {
  it("softens over-confident logits (T > 1) and lowers their NLL", () => {
    // Two-class logits that are always very sure, but right only 70% of the time.
    const n = 100;
    const logits = new Float64Array(n * 2);
    const gold = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      logits[i * 2] = 8;
      gold[i] = i < 70 ? 0 : 1;
    }
    const t = fitTemperature(logits, gold, 2);
    expect(t).toBeGreaterThan(1);
    expect(meanNll(logits, gold, 2, t)).toBeLessThan(meanNll(logits, gold, 2, 1));
  });

  it("sharpens under-confident logits (T < 1)", () => {
    const n = 50;
    const logits = new Float64Array(n * 2);
    const gold = new Int32Array(n);
    for (let i = 0; i < n; i++) logits[i * 2] = 0.2; // always right, barely above the runner-up
    expect(fitTemperature(logits, gold, 2)).toBeLessThan(1);
  });
});

describe("fitOutOfScopeThresholds", () => {
  it("catches low-confidence mistakes while keeping false alarms within budget", () => {
    const correct = Array.from({ length: 100 }, (_, i) => ({
      confidence: 0.6 + 0.004 * i,
      margin: 0.3 + 0.005 * i,
      coverage: 0.9,
      correct: true,
    }));
    const wrong = Array.from({ length: 10 }, () => ({
      confidence: 0.3,
      margin: 0.05,
      coverage: 0.9,
      correct: false,
    }));
    const fit = fitOutOfScopeThresholds([...correct, ...wrong], 0.05);
    expect(fit.falseAlarmRate).toBeLessThanOrEqual(0.05);
    expect(fit.catchRate).toBe(1);
  });

  it("uses coverage when unknown words are what separates the mistakes", () => {
    const correct = Array.from({ length: 100 }, (_, i) => ({
      confidence: 0.9,
      margin: 0.8,
      coverage: 0.8 + 0.002 * i,
      correct: true,
    }));
    const wrong = Array.from({ length: 10 }, () => ({
      confidence: 0.9,
      margin: 0.8,
      coverage: 0.2,
      correct: false,
    }));
    const fit = fitOutOfScopeThresholds([...correct, ...wrong], 0.05);
    expect(fit.thresholds.minCoverage).toBeGreaterThan(0.2);
    expect(fit.catchRate).toBe(1);
  });

  it("sets no thresholds when the budget is zero", () => {
    const fit = fitOutOfScopeThresholds([{ confidence: 0.9, margin: 0.8, coverage: 1, correct: true }], 0);
    expect(fit.thresholds).toEqual({ minConfidence: 0, minMargin: 0, minCoverage: 0 });
  });
});
