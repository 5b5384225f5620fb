// Coded errors for the intent classifier, so callers (CLI, server, adapters) can map them without parsing text.

export type IntentErrorCode = "TRAINING_DATA_INVALID" | "TRAINING_OPTIONS_INVALID" | "INTENT_MODEL_INVALID";

export class IntentError extends Error {
  readonly code: IntentErrorCode;

  constructor(code: IntentErrorCode, message: string) {
    super(message);
    this.name = "IntentError";
    this.code = code;
  }
}
