// One table from error code to HTTP status, and the single error handler that never leaks internals.

import type { FastifyError, FastifyInstance } from "fastify";
import { type ErrorCode, isAppError } from "../domain/errors.ts";

export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_UTF8: 400,
  TEXT_TOO_LONG: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPGRADE_REQUIRED: 426,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  CSAT_ALREADY_ANSWERED: 409,
  EMAIL_TAKEN: 409,
  SHORTCUT_TAKEN: 409,
  AI_NOT_OWNER: 409,
  ALREADY_ASSIGNED: 409,
  NOT_ASSIGNEE: 409,
  CONVERSATION_RESOLVED: 409,
  ALREADY_RESOLVED: 409,
  INVALID_TRANSITION: 409,
  AGENT_AT_CAPACITY: 409,
  AGENT_UNAVAILABLE: 409,
  NOT_CONFIGURED: 409,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  KB_UNSUPPORTED_FORMAT: 415,
  KB_NOT_A_PDF: 422,
  KB_EMPTY_FILE: 422,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export const errorBody = (code: ErrorCode, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Database unreachable or restarting: the client should retry, so it gets a 503, not a 500. */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  const codes = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08006", "08001", "08003", "SQLITE_BUSY"];
  if (e?.code && codes.includes(e.code)) return true;
  return /timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated|connect ECONNREFUSED|the database system is (starting|shutting) up/i.test(e?.message ?? "");
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send(errorBody("NOT_FOUND", "no such route"));
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isAppError(err)) {
      return reply.code(httpStatusOf[err.code]).send(errorBody(err.code, err.message, err.details));
    }
    const code = err.code;
    if (code === "FST_ERR_CTP_BODY_TOO_LARGE") return reply.code(413).send(errorBody("PAYLOAD_TOO_LARGE", "request body too large"));
    if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return reply.code(415).send(errorBody("UNSUPPORTED_MEDIA_TYPE", "send application/json"));
    if (code === "FST_ERR_CTP_EMPTY_JSON_BODY") return reply.code(400).send(errorBody("INVALID_JSON", "the JSON body is empty"));
    if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError) {
      return reply.code(400).send(errorBody("INVALID_JSON", "the body is not valid JSON"));
    }
    if (err.statusCode === 429) return reply.code(429).send(errorBody("RATE_LIMITED", "too many requests; slow down"));
    // PostgreSQL refuses U+0000 in text (22021) wherever it slips in (a path or query value): the input is at fault.
    if (code === "22021" || code === "22P05") return reply.code(400).send(errorBody("VALIDATION_FAILED", "the request contains a character that cannot be stored"));
    // The client went away mid-body: nothing to answer and nothing wrong with storage.
    if (req.raw.aborted || req.raw.socket?.destroyed) {
      req.log.debug({ err: { message: err.message, code: err.code } }, "client went away mid-request");
      return reply.code(400).send(errorBody("VALIDATION_FAILED", "the request was cut off"));
    }
    if (isUnavailable(err)) {
      req.log.warn({ err: { message: err.message, code: err.code } }, "storage unavailable");
      return reply.code(503).header("retry-after", "1").send(errorBody("SERVICE_UNAVAILABLE", "temporarily unavailable; retry shortly"));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody("VALIDATION_FAILED", err.message));
    }
    req.log.error({ err }, "unhandled error");
    return reply.code(500).send(errorBody("INTERNAL", "internal error"));
  });
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers over 16 KB, a malformed request line or
 * Content-Length, a client too slow to send its headers): answered on the socket in the same coded shape as every
 * other error, instead of Fastify's own.
 */
export function clientErrorResponse(err: { code?: string }): string | null {
  if (err.code === "ECONNRESET") return null;
  const [status, reason, body] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", errorBody("HEADERS_TOO_LARGE", "the request headers are too large")]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", errorBody("REQUEST_TIMEOUT", "the request took too long to arrive")]
        : [400, "Bad Request", errorBody("VALIDATION_FAILED", "the HTTP request is malformed")];
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
}
