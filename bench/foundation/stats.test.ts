import { describe, expect, it } from "vitest";
import { median, medianSummary, percentile, ratio, summarize } from "./stats.ts";

describe("latency statistics", () => {
  it("takes the nearest-rank percentile, so p50 of 1..100 is 50 and p99 is 99", () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
  });

  it("summarizes unsorted samples numerically rather than lexically", () => {
    const s = summarize([10, 9, 100, 2, 1]);
    expect(s).toMatchObject({ count: 5, p50: 9, max: 100, mean: 24.4 });
  });

  it("reports NaN rather than zero for an empty sample", () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(Number.isNaN(s.p50)).toBe(true);
  });

  it("takes the median of repeats, ignoring runs that produced no figure", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(medianSummary([summarize([1, 2, 3]), summarize([5, 6, 7]), summarize([9, 10, 11])]).p50).toBe(6);
  });

  it("refuses a ratio against a missing or zero floor", () => {
    expect(ratio(6, 2)).toBe(3);
    expect(Number.isNaN(ratio(6, 0))).toBe(true);
    expect(Number.isNaN(ratio(Number.NaN, 2))).toBe(true);
  });
});
