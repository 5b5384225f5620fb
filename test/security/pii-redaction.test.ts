// PII redaction rules (REDACT_PII): what is masked, and the look-alikes support teams need kept (orders, dates).
import { describe, expect, it } from "vitest";
import {
  luhnValid,
  PII_MASKS,
  redactLogLine,
  redactPii,
  redactPiiDeep,
} from "../../src/adapters/logging/redact.ts";

const { email, phone, card } = PII_MASKS;

describe("redactPii", () => {
  it.each([
    ["write to ana.lopez+billing@example.co.uk please", `write to ${email} please`],
    ["Ana@Example.COM", email],
    ["jörg.müller@beispiel.de hat geschrieben", `${email} hat geschrieben`],
    ["two: a@b.io, c_d@e-f.org.", `two: ${email}, ${email}.`],
  ])("masks the email in %j", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    ["call me on +1 (555) 123-4567 tomorrow", `call me on ${phone} tomorrow`],
    ["(555) 123-4567", phone],
    ["555-123-4567", phone],
    ["555.123.4567.", `${phone}.`],
    ["555 123 4567", phone],
    ["+15551234567", phone],
    ["+44 20 7946 0958", phone],
    ["020 7946 0958", phone],
    ["+33 6 12 34 56 78", phone],
    ["06 12 34 56 78", phone],
    ["tel:+49-30-1234-5678", `tel:${phone}`],
  ])("masks the phone number in %j", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    ["my card is 4111 1111 1111 1111, exp 12/29", `my card is ${card}, exp 12/29`],
    ["4111-1111-1111-1111", card],
    ["4111111111111111", card],
    ["amex 378282246310005", `amex ${card}`],
    ["amex 3782 822463 10005", `amex ${card}`],
    ["mastercard 5555555555554444", `mastercard ${card}`],
    ["2-series 2223003122003222", `2-series ${card}`],
  ])("masks the Luhn-valid card number in %j", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([
    "order #123456 shipped",
    "order 12345678 shipped",
    "order number 1234567890",
    "ORD-2024-000123",
    "ORD-555-123-4567",
    "INV/2024/0042",
    "delivered on 2024-03-15",
    "delivered on 15/03/2024",
    "delivered on 03.15.2024",
    "delivered on 15-03-2024 at 10:30",
    "at 2026-03-02T09:00:00Z",
    "tracking 1Z999AA10123456784",
    "version 1.24.3",
    "from 192.168.100.200",
    "conversation 8f14e45f-ceea-467f-a0a6-1e2f5c9f3d77",
    "id 12345678-1234-1234-1234-123456789012",
    "total $1,234.56",
    "4111 1111 1111 1112 (fails Luhn)",
    "epoch 1764000000000",
    "qty 3 x 4 = 12",
    "+12",
    "contact us @support on twitter",
  ])("keeps %j unchanged", (input) => {
    expect(redactPii(input)).toBe(input);
  });

  it("masks every kind in one text and keeps the rest", () => {
    const text =
      "Hi, I'm ana@example.com / +1 (555) 123-4567, card 4111 1111 1111 1111, order #88123 placed 2024-03-15.";
    expect(redactPii(text)).toBe(
      `Hi, I'm ${email} / ${phone}, card ${card}, order #88123 placed 2024-03-15.`,
    );
  });

  it("is idempotent", () => {
    const once = redactPii("ana@example.com +1 555 123 4567 4111111111111111");
    expect(redactPii(once)).toBe(once);
  });

  it("stays fast on long hostile input (no catastrophic backtracking)", () => {
    const hostile = [
      `${"a".repeat(20_000)}@`,
      "+1".repeat(10_000),
      `+${"1".repeat(20_000)}`,
      "4 ".repeat(10_000),
      "0 12 ".repeat(5_000),
      `${"a.".repeat(10_000)}@b`,
      `x@${"b.".repeat(10_000)}`,
    ];
    const started = performance.now();
    for (const h of hostile) redactPii(h);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("luhnValid", () => {
  it("accepts valid numbers and refuses a one-digit change", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("4111 1111")).toBe(false);
    expect(luhnValid("")).toBe(false);
  });
});

describe("redactPiiDeep", () => {
  it("masks strings at any depth and keeps keys, numbers and booleans", () => {
    const input = {
      "ana@example.com": 1,
      user: { email: "ana@example.com", phones: ["+1 555 123 4567", "n/a"], age: 41, vip: true },
      time: 4111111111111111,
      none: null,
    };
    expect(redactPiiDeep(input)).toEqual({
      "ana@example.com": 1,
      user: { email, phones: [phone, "n/a"], age: 41, vip: true },
      time: 4111111111111111,
      none: null,
    });
    expect(input.user.email).toBe("ana@example.com"); // the input is not mutated
  });
});

describe("redactLogLine", () => {
  it("masks string values of a pino JSON line and leaves its structure and numeric fields intact", () => {
    const line = `${JSON.stringify({ level: 30, time: 4111111111111111, msg: "login failed for ana@example.com", err: { message: "Key (email)=(ana@example.com)" } })}\n`;
    const out = redactLogLine(line);
    expect(out.endsWith("\n")).toBe(true);
    expect(JSON.parse(out)).toEqual({
      level: 30,
      time: 4111111111111111,
      msg: `login failed for ${email}`,
      err: { message: `Key (email)=(${email})` },
    });
  });

  it("treats a line that is not JSON as text", () => {
    expect(redactLogLine("plain ana@example.com\n")).toBe(`plain ${email}\n`);
  });
});
