// Makes the OpenAPI document say what the server does, for every route at once: the success status (200 unless the
// route declares others in `response`), the coded errors it can answer with (those its shape implies, plus the
// codes it declares in `raises`), optional request bodies, and bodies a route reads itself (multipart uploads).
// All of it is documentation: nothing here takes part in validating requests or serialising responses.

import { STATUS_CODES } from "node:http";
import type { SwaggerTransform, SwaggerTransformObject } from "@fastify/swagger";
import type { FastifySchema, RouteOptions } from "fastify";
import { z } from "zod";
import type { ErrorCode } from "../domain/errors.ts";
import { httpStatusOf } from "./errors.ts";
import { toOpenApiSchema } from "./zod-schema.ts";

declare module "fastify" {
  interface FastifySchema {
    /**
     * Documentation only: the coded errors this route raises beyond those its shape implies (validation, the body,
     * authentication, rate limits and storage: see impliedErrors). Each is documented under its status.
     */
    raises?: readonly ErrorCode[];
    /**
     * Documentation only: the request body by media type (zod or JSON Schema), for a route that reads its body
     * itself (a multipart upload) and so declares no `body` for Fastify to validate.
     */
    documentedBody?: Readonly<Record<string, unknown>>;
  }
}

/** The name of the shared error schema in components.schemas. */
export const ERROR_SCHEMA = "Error";

/** The one shape of every error body (errors.ts: errorBody). */
export const errorBodySchema = {
  type: "object" as const,
  description: "Every error: a stable code (the HTTP status follows from it), a message for people, sometimes details",
  required: ["error"],
  properties: {
    error: {
      type: "object" as const,
      required: ["code", "message"],
      properties: {
        code: { type: "string" as const, enum: Object.keys(httpStatusOf) },
        message: { type: "string" as const },
        details: { description: "more about the failure, e.g. the validation issues" },
      },
    },
  },
};

/** Marks an operation whose body may be left out; removed again by transformOpenApiDocument. */
const OPTIONAL_BODY = "x-tandem-optional-body";

const isSuccess = (status: string) => /^[123]/.test(status);

/** The errors any route of this shape can answer with, whatever its handler does. */
export function impliedErrors(schema: FastifySchema, route?: Pick<RouteOptions, "config">): ErrorCode[] {
  const codes: ErrorCode[] = [];
  const hasBody = schema.body !== undefined || schema.documentedBody !== undefined;
  if (hasBody || schema.querystring !== undefined || schema.params !== undefined || schema.headers !== undefined) {
    codes.push("VALIDATION_FAILED");
  }
  if (hasBody) codes.push("INVALID_JSON", "INVALID_UTF8", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE");
  // The validator reports a `text` over its maxLength as TEXT_TOO_LONG (zod-schema.ts), wherever it is nested.
  if (schema.body instanceof z.ZodType && capsText(z.toJSONSchema(schema.body, { io: "input", unrepresentable: "any" }))) {
    codes.push("TEXT_TOO_LONG");
  }
  if (schema.security?.length) codes.push("UNAUTHENTICATED", "TOKEN_EXPIRED", "FORBIDDEN");
  if ((route?.config as { rateLimit?: unknown } | undefined)?.rateLimit) codes.push("RATE_LIMITED");
  // Storage unreachable, or the server shutting down.
  codes.push("SERVICE_UNAVAILABLE");
  return codes;
}

function capsText(schema: unknown): boolean {
  if (!schema || typeof schema !== "object") return false;
  const s = schema as { properties?: Record<string, { maxLength?: unknown }> };
  if (s.properties?.text?.maxLength !== undefined) return true;
  return Object.values(schema).some((v) => (Array.isArray(v) ? v.some(capsText) : capsText(v)));
}

/**
 * The responses of one operation: its success statuses (those it declares, else 200), then one entry per error
 * status, described as "<reason phrase>: CODE, CODE" (openapi.test.ts reads the codes back) and pointing at the
 * shared error schema. A declared entry that is only a description
 * documents the status without claiming a body shape: @fastify/swagger leaves out the content of a `null` schema.
 */
function responsesOf(declared: Record<string, unknown>, codes: Iterable<ErrorCode>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const describedOnly = (entry: unknown) =>
    entry !== null && typeof entry === "object" && Object.keys(entry).every((k) => k === "description");
  for (const [status, entry] of Object.entries(declared)) {
    if (isSuccess(status)) out[status] = describedOnly(entry) ? { ...(entry as object), type: "null" } : entry;
  }
  if (Object.keys(out).length === 0) out["200"] = { description: "OK", type: "null" };

  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(httpStatusOf[code], [...(byStatus.get(httpStatusOf[code]) ?? []), code]);
  // An error status declared in `response` (rather than by its codes in `raises`) is kept, with its own description.
  for (const status of Object.keys(declared)) if (!isSuccess(status) && !byStatus.has(Number(status))) byStatus.set(Number(status), []);
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const own = (declared[String(status)] as { description?: string } | undefined)?.description;
    out[String(status)] = {
      description: own ?? `${STATUS_CODES[status] ?? "Error"}: ${(byStatus.get(status) ?? []).join(", ")}`,
      content: { "application/json": { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
    };
  }
  return out;
}

/** @fastify/swagger's per-route transform: zod to JSON Schema, then the responses and bodies described above. */
export const transformRouteForOpenApi: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema || schema.hide) return { schema, url };
  const { raises, documentedBody, response, ...rest } = toOpenApiSchema(schema) as FastifySchema;
  const codes = [...impliedErrors(schema, route), ...(raises ?? [])];
  const out: Record<string, unknown> = { ...rest, response: responsesOf((response ?? {}) as Record<string, unknown>, codes) };
  if (documentedBody) {
    out.body = {
      content: Object.fromEntries(
        Object.entries(documentedBody).map(([type, s]) => [
          type,
          { schema: s instanceof z.ZodType ? z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) : s },
        ]),
      ),
    };
  }
  if (schema.body instanceof z.ZodType && schema.body.safeParse(undefined).success) out[OPTIONAL_BODY] = true;
  return { schema: out as FastifySchema, url };
};

/** @fastify/swagger's whole-document transform: bodies the route accepts without are not `required`. */
export const transformOpenApiDocument: SwaggerTransformObject = (documentObject) => {
  const doc = "openapiObject" in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const ops of Object.values(paths)) {
    for (const op of Object.values(ops)) {
      if (!op[OPTIONAL_BODY]) continue;
      delete op[OPTIONAL_BODY];
      const body = op.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return doc;
};
