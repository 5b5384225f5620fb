// Routes declare zod schemas; Fastify validates with zod and the OpenAPI document gets their JSON Schema.
// (A thin bridge instead of a plugin: zod 4 has toJSONSchema built in, and we want our own error shape.)

import type { FastifyInstance, FastifySchema } from "fastify";
import { type ZodType, z } from "zod";
import { AppError } from "../domain/errors.ts";

export function installZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = schema as unknown as ZodType;
    return (data: unknown) => {
      // Fastify hands a request without a body over as null; to an optional body schema that is "no body".
      const r = zod.safeParse(httpPart === "body" && data === null ? undefined : data);
      if (r.success) return { value: r.data };
      const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));
      const first = issues[0];
      const part = httpPart === "querystring" ? "query" : (httpPart ?? "request");
      const message = first ? `${first.path || part}: ${first.message}` : "invalid request";
      const tooLong = r.error.issues.find((i) => i.code === "too_big" && i.path.at(-1) === "text");
      return { error: tooLong ? new AppError("TEXT_TOO_LONG", message, issues) : new AppError("VALIDATION_FAILED", message, issues) };
    };
  });
  // Responses are documented, not validated at run time.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** Converts zod schemas in a route schema to JSON Schema for @fastify/swagger. */
export function toOpenApiSchema(schema: FastifySchema | undefined): FastifySchema | undefined {
  if (!schema) return schema;
  const out: Record<string, unknown> = { ...schema };
  for (const key of ["body", "querystring", "params", "headers"] as const) {
    const s = (schema as Record<string, unknown>)[key];
    if (s instanceof z.ZodType) out[key] = z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
  }
  const response = (schema as { response?: Record<string, unknown> }).response;
  if (response) {
    out.response = Object.fromEntries(
      Object.entries(response).map(([code, s]) => [code, s instanceof z.ZodType ? z.toJSONSchema(s, { io: "output", unrepresentable: "any" }) : s]),
    );
  }
  return out as FastifySchema;
}
