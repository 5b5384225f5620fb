// Coded errors: every failure a client can see has a stable code; the server maps codes to HTTP in one table.

export type ErrorCode =
  | "VALIDATION_FAILED"
  | "INVALID_JSON"
  | "INVALID_UTF8"
  | "TEXT_TOO_LONG"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UPGRADE_REQUIRED"
  | "UNAUTHENTICATED"
  | "TOKEN_EXPIRED"
  | "INVALID_CREDENTIALS"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONVERSATION_NOT_FOUND"
  | "USER_NOT_FOUND"
  | "IDEMPOTENCY_CONFLICT"
  | "CSAT_ALREADY_ANSWERED"
  | "EMAIL_TAKEN"
  | "SHORTCUT_TAKEN"
  | "AI_NOT_OWNER"
  | "ALREADY_ASSIGNED"
  | "NOT_ASSIGNEE"
  | "CONVERSATION_RESOLVED"
  | "ALREADY_RESOLVED"
  | "INVALID_TRANSITION"
  | "AGENT_AT_CAPACITY"
  | "AGENT_UNAVAILABLE"
  | "NOT_CONFIGURED"
  | "RATE_LIMITED"
  | "HEADERS_TOO_LARGE"
  | "REQUEST_TIMEOUT"
  | "KB_UNSUPPORTED_FORMAT"
  | "KB_NOT_A_PDF"
  | "KB_EMPTY_FILE"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
