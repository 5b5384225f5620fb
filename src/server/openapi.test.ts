// The OpenAPI document against the server: every operation documents a success status and its coded errors, the
// statuses other than 200 are there, bodies the server accepts without are not required, and for a run of real
// requests the status the server answers is one the document lists, an error carrying a documented code.

import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgent, bearer, newConversation, startTandem } from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";
import { httpStatusOf } from "./errors.ts";

interface Response {
  description: string;
  content?: Record<string, { schema?: { $ref?: string } }>;
}
interface Operation {
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean; description?: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  security?: unknown[];
  responses: Record<string, Response>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const ERROR_REF = "#/components/schemas/Error";
/** Answer 101 when upgraded; a plain HTTP request gets 426. */
const WEBSOCKETS = new Set(["GET /api/v1/stream", "GET /api/v1/agent/stream"]);

/** The codes an error response lists in its description ("Conflict: ALREADY_ASSIGNED, NOT_ASSIGNEE"). */
const listedCodes = (r: Response) => (r.description.split(": ")[1] ?? "").split(", ").filter(Boolean);

function operations(doc: Doc): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
}

/** A small multipart/form-data body with one file part, as the admin upload sends it. */
function multipart(name: string, bytes: Buffer) {
  const boundary = "----tandemOpenApiTest";
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe("the OpenAPI document", () => {
  let t: Tandem;
  let doc: Doc;
  let ops: [string, Operation][];

  beforeAll(async () => {
    t = await startTandem({}, { triage: null, responder: null });
    const res = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = res.json() as Doc;
    ops = operations(doc);
  });
  afterAll(async () => {
    await t?.close();
  });

  const op = (key: string): Operation => {
    const [method, path] = key.split(" ") as [string, string];
    const found = doc.paths[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`${key} is not documented`);
    return found;
  };

  it("documents a success status and the coded errors of every operation", () => {
    expect(ops.length).toBeGreaterThan(40);
    const errorSchema = doc.components.schemas.Error;
    expect(errorSchema).toBeDefined();
    for (const [key, o] of ops) {
      const statuses = Object.keys(o.responses);
      if (WEBSOCKETS.has(key)) expect(statuses, key).toEqual(expect.arrayContaining(["101", "426"]));
      else expect(statuses.some((s) => /^2\d\d$/.test(s)), `${key} documents a 2xx: ${statuses.join(",")}`).toBe(true);
      // Storage down or the server shutting down: any operation.
      expect(statuses, key).toContain("503");
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const r = o.responses[status]!;
        expect(r.content?.["application/json"]?.schema?.$ref, `${key} ${status} has the coded error schema`).toBe(ERROR_REF);
        const codes = listedCodes(r);
        expect(codes.length, `${key} ${status} lists its codes`).toBeGreaterThan(0);
        for (const code of codes) expect(httpStatusOf[code as keyof typeof httpStatusOf], `${key}: ${code}`).toBe(Number(status));
      }
      // What every route of its shape can answer with.
      if (o.security?.length) expect(statuses, key).toEqual(expect.arrayContaining(["401", "403"]));
      if (o.requestBody) expect(statuses, key).toEqual(expect.arrayContaining(["400", "413", "415"]));
      if (o.parameters?.some((p) => p.in === "path")) expect(statuses, `${key} has an entity to miss`).toContain("404");
      // Nothing is left at the generator's placeholder.
      for (const r of Object.values(o.responses)) expect(r.description, key).not.toBe("Default Response");
    }
  });

  it("describes the error body the server really sends", async () => {
    const validate = new Ajv().compile(doc.components.schemas.Error!);
    const res = await t.app.inject({ method: "GET", url: "/api/v1/conversations/nope" });
    expect(validate(res.json()), JSON.stringify(validate.errors)).toBe(true);
    const invalid = await t.app.inject({ method: "POST", url: "/api/v1/conversations", payload: { channel: "fax" } });
    expect(invalid.json().error.details).toBeDefined();
    expect(validate(invalid.json()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ error: { message: "no code" } })).toBe(false);
    expect(validate({ error: { code: "NOT_A_CODE", message: "x" } })).toBe(false);
    expect(validate({ code: "NOT_FOUND", message: "not wrapped" })).toBe(false);
  });

  it("documents the statuses other than 200 that creating and queuing answer with", () => {
    const created = [
      "POST /api/v1/conversations",
      "POST /api/v1/conversations/{id}/csat",
      "POST /api/v1/assist/ratings",
      "POST /api/v1/users",
      "POST /api/v1/admin/canned-responses",
    ];
    for (const key of created) expect(Object.keys(op(key).responses).filter((s) => s.startsWith("2")), key).toEqual(["201"]);
    // A new message is 201; a repeat of its clientMessageId returns the original with 200.
    expect(Object.keys(op("POST /api/v1/conversations/{id}/messages").responses)).toEqual(expect.arrayContaining(["200", "201"]));
    expect(Object.keys(op("POST /api/v1/admin/knowledge/sources").responses).filter((s) => s.startsWith("2"))).toEqual(["202"]);
  });

  it("does not require the bodies the server accepts without, and requires the others", () => {
    for (const key of ["POST /api/v1/conversations", "POST /api/v1/conversations/{id}/escalate", "POST /api/v1/conversations/{id}/resolve"]) {
      expect(op(key).requestBody?.required, key).toBe(false);
    }
    for (const key of ["POST /api/v1/conversations/{id}/messages", "POST /api/v1/conversations/{id}/transfer", "POST /api/v1/auth/login"]) {
      expect(op(key).requestBody?.required, key).toBe(true);
    }
    expect(JSON.stringify(doc)).not.toContain("x-tandem-");
  });

  it("documents how the streams authenticate, the upload's two bodies and the byte cap on message text", () => {
    const token = op("GET /api/v1/agent/stream").parameters?.find((p) => p.name === "token");
    expect(token).toMatchObject({ in: "query", required: false });
    expect(op("GET /api/v1/stream").parameters?.find((p) => p.name === "token")).toMatchObject({ in: "query", required: true });

    const upload = op("POST /api/v1/admin/knowledge/sources").requestBody;
    expect(Object.keys(upload?.content ?? {}).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(upload?.content["application/json"]?.schema).toMatchObject({ required: ["url"] });
    expect(upload?.content["multipart/form-data"]?.schema).toMatchObject({ required: ["file"], properties: { file: { format: "binary" } } });

    const text = (op("POST /api/v1/conversations/{id}/messages").requestBody?.content["application/json"]?.schema as {
      properties: { text: { description?: string; maxLength?: number } };
    }).properties.text;
    expect(text.description).toContain(`${t.config.MAX_MESSAGE_BYTES} bytes`);
    // A byte cap is no character count: maxLength would promise what the server refuses.
    expect(text.maxLength).toBeUndefined();
  });

  it("lists, for each request of a run through the API, the status the server answers and the code of its error", async () => {
    const patterns = Object.keys(doc.paths)
      .map((path) => ({ path, re: new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`), params: (path.match(/\{/g) ?? []).length }))
      .sort((a, b) => a.params - b.params);
    const checked = new Set<string>();
    const call = async (
      method: "GET" | "POST" | "PUT" | "DELETE",
      url: string,
      opts: { token?: string; payload?: unknown; headers?: Record<string, string> } = {},
    ) => {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...(opts.token ? bearer(opts.token) : {}), ...opts.headers },
        ...(opts.payload === undefined ? {} : { payload: opts.payload as string }),
      });
      const path = patterns.find((p) => p.re.test(url.split("?")[0] ?? ""))?.path;
      expect(path, `${method} ${url} is documented`).toBeDefined();
      const documented = op(`${method} ${path}`).responses[String(res.statusCode)];
      expect(documented, `${method} ${path} answered ${res.statusCode} (${res.body.slice(0, 200)}), which it does not document`).toBeDefined();
      if (res.statusCode >= 400) expect(listedCodes(documented!), `${method} ${path} ${res.statusCode}`).toContain(res.json().error.code);
      checked.add(`${method} ${path} ${res.statusCode}`);
      return res;
    };

    const admin = await addAgent(t, "root@openapi.test", { role: "admin", tier: 3, name: "Root" });
    const alice = await addAgent(t, "alice@openapi.test", { tier: 1, name: "Alice" });
    const bob = await addAgent(t, "bob@openapi.test", { tier: 1, name: "Bob" });

    await call("GET", "/healthz");
    await call("GET", "/readyz");
    // Starting a conversation: no body at all, a bad one, not JSON.
    const started = await call("POST", "/api/v1/conversations");
    expect(started.statusCode).toBe(201);
    const body = started.json() as { conversation: { id: string }; token: string };
    const c = { id: body.conversation.id, token: body.token };
    await call("POST", "/api/v1/conversations", { payload: { customer: { email: "not an address" } } });
    await call("POST", "/api/v1/conversations", { payload: "hello", headers: { "content-type": "text/plain" } });
    const other = await newConversation(t.app);

    // Messages: new, repeated, reused id, over the byte cap (fewer characters than bytes), not JSON.
    const messages = `/api/v1/conversations/${c.id}/messages`;
    const first = await call("POST", messages, { token: c.token, payload: { clientMessageId: "m1", text: "my parcel is lost" } });
    expect(first.statusCode, first.body).toBe(201);
    expect((await call("POST", messages, { token: c.token, payload: { clientMessageId: "m1", text: "my parcel is lost" } })).statusCode).toBe(200);
    expect((await call("POST", messages, { token: c.token, payload: { clientMessageId: "m1", text: "something else" } })).statusCode).toBe(409);
    const overCap = "é".repeat(t.config.MAX_MESSAGE_BYTES / 2 + 1);
    expect((await call("POST", messages, { token: c.token, payload: { clientMessageId: "m2", text: overCap } })).statusCode).toBe(413);
    expect((await call("POST", messages, { token: c.token, payload: "{", headers: { "content-type": "application/json" } })).statusCode).toBe(400);
    await call("GET", `${messages}?after=0`, { token: c.token });

    // Reading: no token, someone else's conversation, no such conversation.
    expect((await call("GET", `/api/v1/conversations/${c.id}`)).statusCode).toBe(401);
    expect((await call("GET", `/api/v1/conversations/${c.id}`, { token: other.token })).statusCode).toBe(403);
    expect((await call("GET", "/api/v1/conversations/no-such-one", { token: alice.token })).statusCode).toBe(404);

    // Ownership moves, with their bodies left out where they are optional.
    expect((await call("POST", `/api/v1/conversations/${c.id}/escalate`, { token: c.token })).statusCode).toBe(200);
    expect((await call("POST", `/api/v1/conversations/${c.id}/claim`, { token: alice.token })).statusCode).toBe(200);
    expect((await call("POST", `/api/v1/conversations/${c.id}/claim`, { token: bob.token })).statusCode).toBe(409);
    expect((await call("POST", `/api/v1/conversations/${c.id}/resolve`, { token: bob.token })).statusCode).toBe(409);
    expect((await call("POST", `/api/v1/conversations/${c.id}/resolve`, { token: alice.token })).statusCode).toBe(200);
    expect((await call("POST", `/api/v1/conversations/${c.id}/resolve`, { token: alice.token })).statusCode).toBe(409);
    expect((await call("POST", `/api/v1/conversations/${c.id}/csat`, { token: c.token, payload: { score: 5 } })).statusCode).toBe(201);
    expect((await call("POST", `/api/v1/conversations/${c.id}/csat`, { token: c.token, payload: { score: 4 } })).statusCode).toBe(409);
    expect((await call("POST", `/api/v1/conversations/${other.id}/resolve`, { token: other.token })).statusCode).toBe(200);

    // Administration: users, canned responses, knowledge sources.
    const user = { email: "new@openapi.test", password: "long-enough-pass", displayName: "New", role: "agent" };
    expect((await call("POST", "/api/v1/users", { token: alice.token, payload: user })).statusCode).toBe(403);
    expect((await call("POST", "/api/v1/users", { token: admin.token, payload: user })).statusCode).toBe(201);
    expect((await call("POST", "/api/v1/users", { token: admin.token, payload: user })).statusCode).toBe(409);
    const canned = { shortcut: "/openapi", title: "OpenAPI", text: "Hello {{customer.name}}" };
    const cannedRes = await call("POST", "/api/v1/admin/canned-responses", { token: admin.token, payload: canned });
    expect(cannedRes.statusCode, cannedRes.body).toBe(201);
    expect((await call("POST", "/api/v1/admin/canned-responses", { token: admin.token, payload: canned })).statusCode).toBe(409);
    expect((await call("DELETE", "/api/v1/admin/canned-responses/no-such-id", { token: admin.token })).statusCode).toBe(404);
    const sources = "/api/v1/admin/knowledge/sources";
    const queued = await call("POST", sources, { token: admin.token, ...multipart("hours.md", Buffer.from("# Hours\n\nThe shop opens at nine.\n")) });
    expect(queued.statusCode, queued.body).toBe(202);
    expect((await call("POST", sources, { token: admin.token, ...multipart("tool.exe", Buffer.from("MZ")) })).statusCode).toBe(415);
    expect((await call("POST", sources, { token: admin.token, ...multipart("blank.md", Buffer.from(" \n")) })).statusCode).toBe(422);
    expect((await call("POST", sources, { token: admin.token, payload: { url: "ftp://example.com/x" } })).statusCode).toBe(400);
    const job = `/api/v1/admin/knowledge/jobs/${(queued.json() as { job: { id: string } }).job.id}`;
    for (let i = 0; i < 100; i++) {
      const state = (await call("GET", job, { token: admin.token })).json().job.state as string;
      if (state !== "queued" && state !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await call("GET", "/api/v1/admin/knowledge/jobs/job_00000000-0000-0000-0000-000000000000", { token: admin.token });

    // Logging in wrong; a stream asked for over plain HTTP.
    expect((await call("POST", "/api/v1/auth/login", { payload: { email: "alice@openapi.test", password: "wrong" } })).statusCode).toBe(401);
    expect((await call("GET", `/api/v1/stream?token=${c.token}`)).statusCode).toBe(426);
    expect((await call("GET", "/api/v1/agent/stream")).statusCode).toBe(426);

    // The run covered success, client errors of every kind listed in the brief, and the non-200 successes.
    const statuses = new Set([...checked].map((k) => k.split(" ").at(-1)));
    for (const s of ["200", "201", "202", "400", "401", "403", "404", "409", "413", "415", "422", "426"]) expect(statuses, s).toContain(s);
  });
});
