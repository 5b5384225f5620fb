import { describe, expect, it } from "vitest";
import { fitOutOfScopeThresholds, fitTemperature, meanNll } from "./calibration.ts";

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
