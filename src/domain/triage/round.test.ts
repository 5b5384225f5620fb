import { describe, expect, it } from "vitest";
import { seededRandom } from "./intent/random.ts";
import { roundThousandths } from "./round.ts";

const reference = (x: number) => Math.round(x * 1000) / 1000;

describe("roundThousandths", () => {
  it("rounds halves up and keeps the sign of zero exactly as Math.round does", () => {
    const edges = [0, -0, 0.0005, -0.0005, 0.0004999, -0.0004999, 0.0015, -0.0015, 0.0025, -0.0025, 1e-320];
    for (const x of edges) expect(Object.is(roundThousandths(x), reference(x)), String(x)).toBe(true);
    expect(Object.is(roundThousandths(-0.0001), -0)).toBe(true);
  });

  it("passes NaN, infinities and values too large for the fast form through Math.round", () => {
    for (const x of [Number.NaN, Infinity, -Infinity, 2 ** 60, -(2 ** 60), 2 ** 52 / 1000 + 0.5])
      expect(Object.is(roundThousandths(x), reference(x)), String(x)).toBe(true);
  });

  it("agrees bit for bit with Math.round(x * 1000) / 1000 on scores, weights and halves", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200_000; i++) {
      const x = (random() - 0.5) * 4;
      expect(roundThousandths(x)).toBe(reference(x));
    }
    for (let k = -3000; k <= 3000; k++) {
      const half = (k + 0.5) / 1000;
      expect(Object.is(roundThousandths(half), reference(half)), String(half)).toBe(true);
    }
  });
});
