// Login brute-force throttling: RATE_LIMIT_LOGIN_PER_MINUTE attempts per client IP and email, then 429
// RATE_LIMITED even for the right password; other accounts and other clients keep their own budgets.

import { afterAll, describe, expect, it } from "vitest";
import { startTandem } from "../support/tandem.ts";
import { expectErrorBody } from "./fixtures.ts";

const LIMIT = 3;
const PASSWORD = "correct-horse-battery";
const t = await startTandem({ RATE_LIMIT_LOGIN_PER_MINUTE: String(LIMIT) }, { triage: null });
afterAll(() => t.close());

let n = 0;
async function account() {
  const email = `throttle-${++n}@example.test`;
  await t.users.create({ email, password: PASSWORD, displayName: `Agent ${n}`, role: "agent" });
  return email;
}
const login = (email: string, password: string, ip = "203.0.113.7", headers: Record<string, string> = {}) =>
  t.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email, password },
    remoteAddress: ip,
    headers,
  });

describe("login throttling", () => {
  it(`answers 429 RATE_LIMITED after ${LIMIT} attempts, and refuses the right password while throttled`, async () => {
    const email = await account();
    for (let i = 0; i < LIMIT; i++) {
      const res = await login(email, `guess-${i}`);
      expect(res.statusCode).toBe(401);
      expectErrorBody(res, "INVALID_CREDENTIALS");
    }
    const throttled = await login(email, "guess-x");
    expect(throttled.statusCode).toBe(429);
    expectErrorBody(throttled, "RATE_LIMITED");
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(0);

    const right = await login(email, PASSWORD);
    expect(right.statusCode).toBe(429);
    expectErrorBody(right, "RATE_LIMITED");
    expect(right.body).not.toContain("token");
    expect(right.cookies.find((c) => c.name === "tandem_session")).toBeUndefined();
  });

  it("counts the email case-insensitively, so case variants share one budget", async () => {
    const email = await account();
    for (let i = 0; i < LIMIT; i++) await login(i % 2 ? email.toUpperCase() : email, "wrong");
    for (const variant of [email, email.toUpperCase(), email.replace(/^t/, "T")]) {
      expect((await login(variant, PASSWORD)).statusCode, variant).toBe(429);
    }
  });

  it("gives no spelling of a throttled email a successful login", async () => {
    const email = await account();
    for (let i = 0; i < LIMIT; i++) await login(email, "wrong");
    for (const variant of [
      ` ${email}`,
      `${email} `,
      `${email}\t`,
      email.replace("@", "\uFF20"),
      email.replace(/^t/, "\uFF54"),
      `${email}\u200B`,
    ]) {
      expect((await login(variant, PASSWORD)).statusCode, JSON.stringify(variant)).not.toBe(200);
    }
  });

  it("keeps the budget exact under a burst of parallel attempts", async () => {
    const email = await account();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(email, `burst-${i}`)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(LIMIT);
    expect(codes.filter((c) => c === 429)).toHaveLength(20 - LIMIT);
  });

  it("does not lock colleagues out: another email from the same client has its own budget", async () => {
    const victim = await account();
    const colleague = await account();
    for (let i = 0; i <= LIMIT; i++) await login(victim, "wrong");
    expect((await login(victim, PASSWORD)).statusCode).toBe(429);
    expect((await login(colleague, PASSWORD)).statusCode).toBe(200);
  });

  it("does not lock the real user out from another client", async () => {
    const email = await account();
    for (let i = 0; i <= LIMIT; i++) await login(email, "wrong", "198.51.100.66");
    expect((await login(email, PASSWORD, "198.51.100.66")).statusCode).toBe(429);
    expect((await login(email, PASSWORD, "192.0.2.10")).statusCode).toBe(200);
  });

  it("ignores X-Forwarded-For when TRUST_PROXY is off, so forging it buys no fresh budget", async () => {
    const email = await account();
    for (let i = 0; i < LIMIT; i++)
      await login(email, "wrong", "203.0.113.9", { "x-forwarded-for": `10.0.0.${i}` });
    const res = await login(email, PASSWORD, "203.0.113.9", { "x-forwarded-for": "10.0.0.99" });
    expect(res.statusCode).toBe(429);
  });

  it("throttles unknown emails the same way, so the answer does not reveal which accounts exist", async () => {
    const codes: number[] = [];
    for (let i = 0; i <= LIMIT; i++) codes.push((await login("nobody@example.test", "wrong")).statusCode);
    expect(codes).toEqual([...Array(LIMIT).fill(401), 429]);
  });
});
