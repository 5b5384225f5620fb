// Classification metrics shared by the training report and the evaluation harness, so both count the same way.

export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationScores {
  accuracy: number;
  /** Unweighted mean F1 over every label seen in gold or predictions (scikit-learn's "macro"). */
  macroF1: number;
  perLabel: Record<string, LabelScores>;
}

export function scoreClassification(
  gold: readonly string[],
  predicted: readonly string[],
): ClassificationScores {
  if (gold.length !== predicted.length) throw new RangeError("gold and predicted must have the same length");
  const tp = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] as string;
    const p = predicted[i] as string;
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (g === p) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    }
  }
  const labels = [...new Set([...goldCount.keys(), ...predCount.keys()])].sort();
  const perLabel: Record<string, LabelScores> = {};
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const pc = predCount.get(label) ?? 0;
    const gc = goldCount.get(label) ?? 0;
    const precision = pc === 0 ? 0 : t / pc;
    const recall = gc === 0 ? 0 : t / gc;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perLabel[label] = { precision, recall, f1, support: gc };
    f1Sum += f1;
  }
  return {
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: labels.length === 0 ? 0 : f1Sum / labels.length,
    perLabel,
  };
}

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

export function scoreBinary(gold: readonly boolean[], predicted: readonly boolean[]): BinaryScores {
  if (gold.length !== predicted.length) throw new RangeError("gold and predicted must have the same length");
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < gold.length; i++) {
    if (predicted[i]) {
      if (gold[i]) tp++;
      else fp++;
    } else if (gold[i]) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision,
    recall,
    f1,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
  };
}

/** Expected calibration error with equal-width confidence bins. */
export function expectedCalibrationError(
  confidence: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): number {
  const n = confidence.length;
  if (n === 0) return 0;
  const sumConf = new Float64Array(bins);
  const sumAcc = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const c = confidence[i] as number;
    const b = Math.min(bins - 1, Math.floor(c * bins));
    sumConf[b] = (sumConf[b] as number) + c;
    sumAcc[b] = (sumAcc[b] as number) + (correct[i] ? 1 : 0);
    count[b] = (count[b] as number) + 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const k = count[b] as number;
    if (k > 0) ece += (k / n) * Math.abs((sumConf[b] as number) / k - (sumAcc[b] as number) / k);
  }
  return ece;
}
