// Latency arithmetic for the foundation benchmark: percentiles, summaries and medians across repeats, kept pure
// so the figures in the report can be checked by tests rather than trusted.

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (q in [0, 1]); NaN for an empty sample. */
export function percentile(sortedAsc: ArrayLike<number>, q: number): number {
  const n = sortedAsc.length;
  if (n === 0) return Number.NaN;
  if (q <= 0) return sortedAsc[0] as number;
  const rank = Math.ceil(q * n);
  return sortedAsc[Math.min(n, rank) - 1] as number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: n ? (sorted[n - 1] as number) : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  };
}

/** Median of finite values (the middle one, or the mean of the two middle ones); NaN when none are finite. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Field-wise median of several summaries (each percentile's median across repeats, as the report shows them). */
export function medianSummary(runs: readonly LatencySummary[]): LatencySummary {
  const pick = (k: keyof LatencySummary) => median(runs.map((r) => r[k]));
  return {
    count: pick("count"),
    p50: pick("p50"),
    p90: pick("p90"),
    p99: pick("p99"),
    max: pick("max"),
    mean: pick("mean"),
  };
}

/** a / b, or NaN when either side is missing or b is zero. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN;
}
