// Shared pieces of the security suite: the route list read from the running server, the error-body contract,
// and a listening Tandem for the WebSocket checks.

import { resolve } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { Tandem } from "../../src/main.ts";

export type Json = Record<string, unknown>;

export interface ApiRoute {
  /** Upper-case HTTP method. */
  method: string;
  /** OpenAPI-style path, e.g. /api/v1/conversations/{id}. */
  path: string;
  /** The OpenAPI operation (summary, parameters, requestBody...). */
  op: Json;
}

/** Every documented operation, read from the started server's own OpenAPI document. */
export async function documentedRoutes(t: Tandem): Promise<ApiRoute[]> {
  const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as { paths: Record<string, Record<string, Json>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/**
 * Every route in Fastify's routing table (HEAD and OPTIONS aside), documented or not, as `METHOD /path/{param}`.
 * Waits for the server to be ready first: plugins registered without await add their routes only then.
 */
export async function registeredRoutes(t: Tandem): Promise<string[]> {
  await t.app.ready();
  const tree = t.app.printRoutes({ commonPrefix: false });
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^([│ ]*)(?:├── |└── )(\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    stack.length = (m[1] ?? "").length / 4;
    stack.push(m[2] ?? "");
    const path = stack
      .join("")
      .replace(/\/\//g, "/")
      .replace(/:(\w+)/g, "{$1}");
    for (const method of (m[3] ?? "").split(", "))
      if (method !== "HEAD" && method !== "OPTIONS") out.add(`${method} ${path}`);
  }
  return [...out].sort();
}

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Fills path parameters: every `{...}` becomes `id` (URL-encoded). */
export const fillPath = (path: string, id: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(id));

/** A stack frame, a source path or a driver's own message: never allowed in a response. */
const LEAK =
  /\bat [\w.<>]+ \(|node:internal|node_modules|\.[jt]s:\d+:\d+|SQLITE_|syntax error at|relation "/i;
const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

/** The error contract: `{ error: { code, message } }` (optional `details`), nothing else, no stack traces. */
export function errorBodyProblem(res: LightMyRequestResponse, method = "GET"): string | null {
  if (res.statusCode < 400 || method === "HEAD") return null;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `status ${res.statusCode} with a non-JSON body: ${res.body.slice(0, 120)}`;
  }
  const b = body as { error?: { code?: unknown; message?: unknown } };
  if (!b || typeof b !== "object" || Object.keys(b).join() !== "error")
    return `body is not { error }: ${res.body.slice(0, 160)}`;
  if (typeof b.error?.code !== "string" || !/^[A-Z][A-Z0-9_]+$/.test(b.error.code))
    return `error.code missing or not a code: ${res.body.slice(0, 160)}`;
  if (typeof b.error.message !== "string" || b.error.message.length === 0)
    return `error.message missing: ${res.body.slice(0, 160)}`;
  const extra = Object.keys(b.error).filter((k) => !["code", "message", "details"].includes(k));
  if (extra.length) return `unexpected error fields ${extra.join(",")}`;
  if (LEAK.test(res.body) || res.body.includes(REPO_ROOT))
    return `the body leaks internals: ${res.body.slice(0, 200)}`;
  return null;
}

export function expectErrorBody(res: LightMyRequestResponse, code?: string): void {
  expect(errorBodyProblem(res), `${res.statusCode} ${res.body.slice(0, 200)}`).toBeNull();
  if (code) expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}

/** Listens on an ephemeral port and returns the ws:// base URL. */
export async function listen(t: Tandem): Promise<string> {
  const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
  return address.replace(/^http/, "ws");
}

/** Wire fields only agents may see (src/server/wire.ts): a customer-facing body must contain none of them. */
export const AGENT_ONLY_FIELDS = [
  "customerId",
  "assigneeId",
  "priority",
  "aiTurnsUnresolved",
  "queuedAt",
  "assignedAt",
  "firstHumanResponseAt",
  "resolutionCode",
  "authorId",
  "internal",
  "triage",
] as const;

/** Every key used anywhere in a JSON value. */
export function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysDeep(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysDeep(v, out);
    }
  }
  return out;
}
