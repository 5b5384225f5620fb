// Public surface of the intent classifier: import from here, not from the files behind it.

export type { OutOfScopeThresholds } from "./calibration.ts";
export { IntentError, type IntentErrorCode } from "./errors.ts";
export { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from "./features.ts";
export {
  ESCALATION_INTENTS,
  type EscalationIntent,
  type EscalationIntentName,
  escalationFor,
  OUT_OF_SCOPE_INTENT,
  ROUTINE_INTENTS,
  SMALLTALK_INTENTS,
  STARTER_INTENTS,
} from "./intent-catalog.ts";
export {
  deserialiseIntentModel,
  HashedIntentModel,
  INTENT_MODEL_FORMAT,
  INTENT_MODEL_VERSION,
  type IntentModel,
  type IntentModelMeta,
  type IntentPrediction,
  type SerialisedIntentModel,
  serialiseIntentModel,
} from "./intent-model.ts";
export { type BinaryScores, type ClassificationScores, scoreBinary, scoreClassification } from "./metrics.ts";
export {
  type LabelledExample,
  type TrainOptions,
  type TrainReport,
  type TrainResult,
  trainIntentModel,
} from "./train.ts";
