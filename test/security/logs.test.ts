// What the server writes to its log, captured through the production logger configuration: never tokens,
// passwords, cookies or message bodies, at info or debug; and with REDACT_PII, no emails, phones or cards.

import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { Tandem } from "../../src/main.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../support/tandem.ts";
import { openStream } from "../support/ws-client.ts";
import { listen } from "./fixtures.ts";

const BODY = "my secret message body 7d1f3c";
const NOTE = "internal note body 99ab01";
const WRONG_PASSWORD = "wrong-password-5e6f";

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join("\n") };
}

const started: Tandem[] = [];
afterAll(async () => {
  for (const t of started) await t.close();
});

/** Login, a conversation with a message and a note, both streams (token in the URL), a cookie call, a logout. */
async function flow(env: Record<string, string>) {
  const log = sink();
  const t = await startTandem(env, { triage: null, logger: { stream: log.stream } });
  started.push(t);
  const base = await listen(t);
  const agent = await addAgent(t, "logs-agent@example.test");
  const secrets: string[] = [agent.token, agent.password, WRONG_PASSWORD, BODY, NOTE];

  const failed = await t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: "logs-agent@example.test", password: WRONG_PASSWORD },
  });
  expect(failed.statusCode).toBe(401);
  const session = await t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: "logs-agent@example.test", password: agent.password },
  });
  const sessionToken = session.json().token as string;
  secrets.push(sessionToken);

  const c = await newConversation(t.app, { name: "Logged Customer", email: "customer@example.test" });
  secrets.push(c.token);
  const customerStream = await openStream(`${base}/api/v1/stream?token=${c.token}&after=0`);
  const encodedKeyStream = await openStream(`${base}/api/v1/stream?%74oken=${c.token}`);
  const agentStream = await openStream(`${base}/api/v1/agent/stream?token=${sessionToken}`);
  await agentStream.waitFor((e) => e.type === "hello");

  expect((await postMessage(t.app, c.id, c.token, { clientMessageId: "c1", text: BODY })).statusCode).toBe(
    201,
  );
  await customerStream.waitFor((e) => e.type === "message" && e.message.text === BODY);
  await t.app.inject({
    method: "POST",
    url: `/api/v1/conversations/${c.id}/claim`,
    headers: bearer(sessionToken),
  });
  expect(
    (await postMessage(t.app, c.id, sessionToken, { clientMessageId: "n1", text: NOTE, internal: true }))
      .statusCode,
  ).toBe(201);
  await t.app.inject({
    method: "GET",
    url: "/api/v1/me",
    headers: { cookie: `tandem_session=${sessionToken}` },
  });
  await t.app.inject({
    method: "GET",
    url: "/api/v1/me",
    headers: { authorization: `Bearer ${sessionToken}x` },
  }); // a bad token, refused
  await t.app.inject({
    method: "GET",
    url: "/api/v1/conversations?assignee=customer@example.test",
    headers: bearer(sessionToken),
  });
  await Promise.all([customerStream.close(), encodedKeyStream.close()]);
  expect(
    (await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(sessionToken) }))
      .statusCode,
  ).toBe(200);
  await agentStream.closed;
  return { log, secrets };
}

function expectClean(text: string, secrets: string[]) {
  for (const s of secrets)
    expect(text, `the log contains ${JSON.stringify(s.slice(0, 12))}…`).not.toContain(s);
  expect(text).not.toMatch(/tk_[ac]_[A-Za-z0-9_-]{20,}/); // no token of any kind, even one not listed
  expect(text).not.toContain("tandem_session=");
  expect(text).not.toMatch(/"(authorization|cookie|set-cookie|password)":\s*"(?!\[Redacted\])/i);
}

describe("logs", () => {
  it("at debug: logs every request, with stream tokens redacted and no secrets or bodies", async () => {
    const { log, secrets } = await flow({ LOG_LEVEL: "debug" });
    const text = log.text();
    // The control: the flow really was logged, URLs included.
    expect(log.lines.filter((l) => l.includes("incoming request")).length).toBeGreaterThanOrEqual(10);
    expect(text).toContain("/api/v1/stream?token=[redacted]&after=0");
    expect(text).toContain("/api/v1/stream?%74oken=[redacted]");
    expect(text).toContain("/api/v1/agent/stream?token=[redacted]");
    expectClean(text, secrets);
    for (const line of log.lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("at info: stays quiet about traffic and holds no secrets or bodies", async () => {
    const { log, secrets } = await flow({ LOG_LEVEL: "info" });
    const text = log.text();
    expect(text).not.toContain("incoming request");
    expect(text).not.toContain("/api/v1/");
    expectClean(text, secrets);
  });

  it("keeps emails in request URLs without REDACT_PII (the control for the next test)", async () => {
    const { log } = await flow({ LOG_LEVEL: "debug" });
    expect(log.text()).toContain("assignee=customer@example.test");
  });

  it("logs a stream frame over the size limit as one warning with its code, no stack trace, and closes with 1009", async () => {
    const log = sink();
    const t = await startTandem({ LOG_LEVEL: "info" }, { triage: null, logger: { stream: log.stream } });
    started.push(t);
    const base = (await t.app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
    const c = await newConversation(t.app);
    const socket = new WebSocket(`${base}/api/v1/stream?token=${c.token}`);
    await new Promise((resolve) => socket.addEventListener("open", resolve, { once: true }));
    const closed = new Promise<number>((resolve) => socket.addEventListener("close", (e) => resolve(e.code)));
    socket.send("x".repeat(2_000_000));
    expect(await closed).toBe(1009);
    const lines = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(lines.find((l) => l.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH")).toMatchObject({ level: 40 });
    expect(log.text()).not.toContain("receiver.js");
  });

  it("with REDACT_PII masks emails in every line and keeps lines valid JSON", async () => {
    const { log, secrets } = await flow({ LOG_LEVEL: "debug", REDACT_PII: "true" });
    const text = log.text();
    expect(text).toContain("assignee=[email]");
    expect(text).not.toContain("customer@example.test");
    expect(text).not.toContain("logs-agent@example.test");
    expectClean(text, secrets);
    for (const line of log.lines) expect(typeof JSON.parse(line).time).toBe("number");
  });
});
