import { describe, expect, it } from "vitest";
import { type Accumulator, accumulateJs, accumulateRowsJs, createAccumulator } from "./simd-accumulate.ts";
import { seededRandom } from "./random.ts";

function randomCase(k: number, rowCount: number, n: number, seed: number) {
  const random = seededRandom(seed);
  const weights = Float32Array.from({ length: rowCount * k }, () => (random() - 0.5) * 4);
  const rows = Int32Array.from({ length: n }, () => Math.floor(random() * rowCount));
  const vals = Float64Array.from({ length: n }, () => (random() - 0.5) * 3);
  const start = Float64Array.from({ length: k }, () => random() - 0.5);
  return { weights, rows, vals, start };
}

function setFeatures(acc: Accumulator, rows: ArrayLike<number>, vals: ArrayLike<number>): void {
  for (let i = 0; i < rows.length; i++) {
    acc.bases[i] = acc.firstRow + rows[i]! * acc.rowStride;
    acc.vals[i] = vals[i]!;
  }
}

/** The definition, one product at a time in feature order. */
function reference(k: number, c: ReturnType<typeof randomCase>): Float64Array {
  const out = Float64Array.from(c.start);
  for (let i = 0; i < c.rows.length; i++)
    for (let j = 0; j < k; j++) out[j]! += c.weights[c.rows[i]! * k + j]! * c.vals[i]!;
  return out;
}

function runWith(kind: "wasm" | "js", k: number, c: ReturnType<typeof randomCase>): Float64Array {
  const acc = createAccumulator(c.weights, k, 512, kind === "js");
  acc.out.set(c.start);
  setFeatures(acc, c.rows, c.vals);
  acc.run(c.rows.length);
  return Float64Array.from(acc.out.subarray(0, k));
}

describe("the intent model's accumulation kernel", () => {
  it("uses WebAssembly SIMD on this runtime, and the JavaScript loop when asked", () => {
    const c = randomCase(5, 3, 1, 1);
    expect(createAccumulator(c.weights, 5, 16).kind).toBe("wasm-simd");
    expect(createAccumulator(c.weights, 5, 16, true).kind).toBe("js");
  });

  it.each([1, 2, 3, 4, 5, 8, 22, 77])(
    "gives bit-for-bit the plain loop's logits with %i labels (rows padded to four labels)",
    (k) => {
      for (const [n, seed] of [
        [0, 1],
        [1, 2],
        [41, 3],
        [300, 4],
      ] as const) {
        const c = randomCase(k, 97, n, seed * 100 + k);
        const want = reference(k, c);
        expect(runWith("wasm", k, c)).toEqual(want);
        expect(runWith("js", k, c)).toEqual(want);
      }
    },
  );

  it("accumulates across runs into the same logits, as a message's two feature blocks do", () => {
    const k = 7;
    const first = randomCase(k, 20, 10, 5);
    const second = randomCase(k, 20, 6, 6);
    const acc = createAccumulator(first.weights, k, 64);
    acc.out.set(first.start);
    setFeatures(acc, first.rows, first.vals);
    acc.run(first.rows.length);
    setFeatures(acc, second.rows, second.vals);
    acc.run(second.rows.length);

    const want = Float64Array.from(first.start);
    const bases = Int32Array.from([...first.rows].map((r) => r * k));
    accumulateJs(want, k, first.weights, bases, first.vals, first.rows.length);
    const bases2 = Int32Array.from([...second.rows].map((r) => r * k));
    accumulateJs(want, k, first.weights, bases2, second.vals, second.rows.length);
    expect(Float64Array.from(acc.out.subarray(0, k))).toEqual(want);
  });

  it("adds the owner's float64 rows into out64, as the plain loop does, leaving out alone", () => {
    for (const k of [3, 22, 30]) {
      const c = randomCase(k, 4, 6, 7);
      const acc = createAccumulator(c.weights, k, 16, false, 5);
      const js = createAccumulator(c.weights, k, 16, true, 5);
      for (const a of [acc, js]) {
        for (let r = 0; r < 5; r++)
          for (let j = 0; j < k; j++) a.rows64[r * a.rows64Stride + j] = Math.sin(r * 31 + j) * 1e3;
        a.out.fill(7);
        a.out64.fill(0.5);
        const rows = [4, 0, 4, 2];
        rows.forEach((r, i) => {
          a.bases[i] = a.firstRow64 + r * a.rowStride64;
          a.vals[i] = i === 1 ? 1 : 1 / (i + 1);
        });
        a.run64(rows.length);
      }
      expect(Float64Array.from(acc.out64)).toEqual(Float64Array.from(js.out64));
      expect([...acc.out].every((x) => x === 7)).toBe(true);
      const want = new Float64Array(k).fill(0.5);
      const plainRows = Float64Array.from(
        { length: 5 * k },
        (_, i) => Math.sin(Math.floor(i / k) * 31 + (i % k)) * 1e3,
      );
      accumulateRowsJs(
        want,
        k,
        plainRows,
        Int32Array.from([4, 0, 4, 2].map((r) => r * k)),
        Float64Array.from([1, 1, 1 / 3, 1 / 4]),
        4,
      );
      expect(Float64Array.from(acc.out64)).toEqual(want);
    }
  });

  it("keeps infinities and NaN where the plain loop has them", () => {
    const k = 3;
    const weights = Float32Array.from([1, Number.POSITIVE_INFINITY, 0, 2, 3, Number.NaN]);
    const acc = createAccumulator(weights, k, 8);
    acc.out.fill(0);
    setFeatures(acc, [0, 1], [1, 1]);
    acc.run(2);
    expect([...acc.out.subarray(0, k)]).toEqual([3, Number.POSITIVE_INFINITY, Number.NaN]);
  });
});
