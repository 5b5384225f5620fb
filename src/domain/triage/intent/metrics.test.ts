import { describe, expect, it } from "vitest";
import { expectedCalibrationError, scoreBinary, scoreClassification } from "./metrics.ts";

describe("scoreClassification", () => {
  it("computes accuracy and macro-F1 over gold and predicted labels", () => {
    const s = scoreClassification(["a", "a", "b", "b"], ["a", "b", "b", "b"]);
    expect(s.accuracy).toBe(0.75);
    // a: P=1 R=0.5 F1=2/3; b: P=2/3 R=1 F1=0.8
    expect(s.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
  });

  it("counts a label only ever predicted as an F1 of zero", () => {
    expect(scoreClassification(["a", "a"], ["a", "c"]).macroF1).toBeCloseTo((2 / 3 + 0) / 2, 10);
  });
});

describe("scoreBinary", () => {
  it("computes precision and recall of the positive class", () => {
    const s = scoreBinary([true, true, false, false], [true, false, true, false]);
    expect([s.precision, s.recall, s.truePositives, s.falsePositives, s.falseNegatives]).toEqual([
      0.5, 0.5, 1, 1, 1,
    ]);
  });
});

describe("expectedCalibrationError", () => {
  it("is zero when confidence matches accuracy and large when it does not", () => {
    expect(expectedCalibrationError([0.95, 0.95], [true, true])).toBeCloseTo(0.05, 10);
    expect(expectedCalibrationError([0.99, 0.99], [false, false])).toBeCloseTo(0.99, 10);
  });
});
