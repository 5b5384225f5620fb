// Makes the classifier's confidence mean what it says (temperature scaling) and decides when the model should
// admit a message is beyond it (out-of-scope thresholds), both fitted on data the weights never saw.

/** Softmax of logits / temperature into `out`; returns the probabilities' owner for chaining. */
export function softmaxInto(logits: ArrayLike<number>, temperature: number, out: Float64Array): Float64Array {
  const k = out.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) if ((logits[i] as number) > max) max = logits[i] as number;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const e = expNonPositive(((logits[i] as number) - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < k; i++) out[i] = (out[i] as number) / sum;
  return out;
}

// e^x for x <= 0 as 2^(m/256) * e^r: m = x*256/ln2 rounded, r the remainder (|r| <= ln2/512) computed exactly with
// ln2 split in two (Cody & Waite; fdlibm's constants: ln2_hi has 32 significant bits, so m * ln2_hi/256 is exact),
// 2^(m/256) from two tables, e^r from five Taylor terms (truncation < 4e-17). Within a few ulps of Math.exp and
// about three times as fast: Math.exp is a call into C++ that V8 does not inline, and a softmax makes one per label
// on every message.
const EXP_STEPS = 256;
const STEPS_PER_LN2 = EXP_STEPS / Math.LN2;
const LN2_STEP_HI = 6.9314718036912381649e-1 / EXP_STEPS;
const LN2_STEP_LO = 1.90821492927058770002e-10 / EXP_STEPS;
const POW2_FRACTION = Float64Array.from({ length: EXP_STEPS }, (_, j) => 2 ** (j / EXP_STEPS));
const POW2_NEGATIVE = Float64Array.from({ length: 1076 }, (_, n) => 2 ** -n);

/**
 * e^x for x <= 0 (x > 0 is outside its contract): within 2 ulps of Math.exp down to e^-690, then subnormal and
 * approximate, and 0 below -745.2; NaN stays NaN.
 */
export function expNonPositive(x: number): number {
  if (!(x > -745.2)) return x === x ? 0 : x; // -Infinity and underflow to 0; NaN passes through
  // Math.floor(y + 0.5) is Math.round(y) here, bit for bit: for y <= -0.5 the sum is exact (0.5 is a multiple of y's
  // ulp), and for y in (-0.5, 0] both give a zero, whose sign nothing below can see. Math.round's half-up fix-up
  // made it the costliest step: the floor form took a softmax from ~410 to ~170 ns (22 labels, measured in triage).
  const m = Math.floor(x * STEPS_PER_LN2 + 0.5);
  const r = x - m * LN2_STEP_HI - m * LN2_STEP_LO;
  const er = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  // 0 - (m >> 8), not -(m >> 8): for x near 0 (the top label's, on every call) that is -0, which is no array index
  // to V8, and the optimised code was thrown away each time it met one.
  return er * (POW2_FRACTION[m & (EXP_STEPS - 1)] as number) * (POW2_NEGATIVE[0 - (m >> 8)] as number);
}

export const MIN_TEMPERATURE = 0.5;

/** Mean negative log-likelihood of the gold labels; `logits` is row-major [n x k]. */
export function meanNll(logits: Float64Array, gold: Int32Array, k: number, temperature: number): number {
  const n = gold.length;
  if (n === 0) return 0;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const base = r * k;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < k; i++) if ((logits[base + i] as number) > max) max = logits[base + i] as number;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp(((logits[base + i] as number) - max) / temperature);
    total += Math.log(sum) - ((logits[base + (gold[r] as number)] as number) - max) / temperature;
  }
  return total / n;
}

/**
 * The temperature minimising held-out NLL (Guo et al. 2017), by golden-section search on log T in [0.5, 20].
 * NLL is unimodal in T for a fixed set of logits, so the search cannot get stuck.
 */
export function fitTemperature(logits: Float64Array, gold: Int32Array, k: number): number {
  if (gold.length === 0) return 1;
  // Never sharpen more than 2x: a held-out split with (almost) no errors drives the NLL-optimal T towards 0,
  // which would make even a message the model knows nothing about look certain.
  let lo = Math.log(MIN_TEMPERATURE);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = meanNll(logits, gold, k, Math.exp(a));
  let fb = meanNll(logits, gold, k, Math.exp(b));
  for (let iter = 0; iter < 60 && hi - lo > 1e-4; iter++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = meanNll(logits, gold, k, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = meanNll(logits, gold, k, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

export interface OutOfScopeThresholds {
  /** Flag when the calibrated top probability is below this. */
  minConfidence: number;
  /** Flag when the top probability leads the runner-up by less than this. */
  minMargin: number;
  /** Flag when less than this share of the message's feature mass was ever seen in training. */
  minCoverage: number;
}

export interface HeldOutJudgement {
  confidence: number;
  margin: number;
  coverage: number;
  /** The prediction is right (for an in-scope gold label) — flagging it would be a false alarm. */
  correct: boolean;
}

export interface ThresholdFit {
  thresholds: OutOfScopeThresholds;
  /** Share of correct held-out predictions the thresholds flag (the false-alarm rate actually reached). */
  falseAlarmRate: number;
  /** Share of wrong or out-of-scope held-out predictions the thresholds flag. */
  catchRate: number;
}

function quantileBelow(sorted: Float64Array, q: number): number {
  // The value such that floor(q * n) entries lie strictly below it (ties aside).
  const i = Math.floor(q * sorted.length);
  return i <= 0 ? 0 : (sorted[Math.min(i, sorted.length - 1)] as number);
}

/**
 * Picks confidence, margin and coverage thresholds that catch as many untrustworthy held-out predictions (wrong,
 * or gold out-of-scope) as possible while flagging at most `falseAlarmBudget` of the correct ones. Without
 * labelled out-of-scope examples this is the honest proxy: a message the model would get wrong looks, to the
 * model, like one it has never been trained for.
 */
export function fitOutOfScopeThresholds(
  judgements: readonly HeldOutJudgement[],
  falseAlarmBudget: number,
): ThresholdFit {
  const none: ThresholdFit = {
    thresholds: { minConfidence: 0, minMargin: 0, minCoverage: 0 },
    falseAlarmRate: 0,
    catchRate: 0,
  };
  const good = judgements.filter((j) => j.correct);
  const bad = judgements.filter((j) => !j.correct);
  if (good.length === 0 || falseAlarmBudget <= 0) return none;
  const conf = Float64Array.from(good.map((j) => j.confidence)).sort();
  const margin = Float64Array.from(good.map((j) => j.margin)).sort();
  const coverage = Float64Array.from(good.map((j) => j.coverage)).sort();
  const flagged = (j: HeldOutJudgement, t: OutOfScopeThresholds) =>
    j.confidence < t.minConfidence || j.margin < t.minMargin || j.coverage < t.minCoverage;
  const rate = (list: readonly HeldOutJudgement[], t: OutOfScopeThresholds) =>
    list.length === 0 ? 0 : list.filter((j) => flagged(j, t)).length / list.length;

  // Neyman–Pearson style: the budget is the false-alarm rate the operator accepts, so it is spent, split between
  // the three rules (the union never exceeds the sum) for the most catches; ties go to the most even split.
  let best: ThresholdFit | null = null;
  let bestSpread = Number.POSITIVE_INFINITY;
  const steps = 10;
  for (let a = 0; a <= steps; a++) {
    for (let b = 0; a + b <= steps; b++) {
      const shares = [a / steps, b / steps, (steps - a - b) / steps] as const;
      const t = {
        minConfidence: quantileBelow(conf, shares[0] * falseAlarmBudget),
        minMargin: quantileBelow(margin, shares[1] * falseAlarmBudget),
        minCoverage: quantileBelow(coverage, shares[2] * falseAlarmBudget),
      };
      const falseAlarmRate = rate(good, t);
      if (falseAlarmRate > falseAlarmBudget) continue;
      const catchRate = rate(bad, t);
      const spread = Math.max(...shares) - Math.min(...shares);
      const better =
        best === null ||
        catchRate > best.catchRate ||
        (catchRate === best.catchRate && falseAlarmRate > best.falseAlarmRate) ||
        (catchRate === best.catchRate && falseAlarmRate === best.falseAlarmRate && spread < bestSpread);
      if (better) {
        best = { thresholds: t, falseAlarmRate, catchRate };
        bestSpread = spread;
      }
    }
  }
  return best ?? none;
}
