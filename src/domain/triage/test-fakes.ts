// A stand-in intent model for triage tests: keyword -> prediction, so each test states exactly what the model says.
import type { IntentModel, IntentPrediction } from "./intent/index.ts";

export function fakeIntentModel(
  rules: [RegExp, Partial<IntentPrediction>][],
  fallback: Partial<IntentPrediction> = {},
): IntentModel & { calls: string[] } {
  const calls: string[] = [];
  const labels = [
    "order_status",
    "complaint",
    "legal_compliance",
    "refund_dispute",
    "human_request",
    "complex_problem",
    "greeting",
  ];
  return {
    labels,
    calls,
    predict(text: string): IntentPrediction {
      calls.push(text);
      const hit = rules.find(([re]) => re.test(text))?.[1] ?? fallback;
      const intent = hit.intent ?? "order_status";
      const confidence = hit.confidence ?? 0.9;
      return { intent, confidence, outOfScope: hit.outOfScope ?? false };
    },
  };
}
