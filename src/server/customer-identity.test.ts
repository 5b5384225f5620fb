import { describe, expect, it } from "vitest";
import { createCustomerIdentitySigner } from "./customer-identity.ts";

const SECRET = "a-shared-secret-of-at-least-32-characters";

describe("customer identity signatures", () => {
  const signer = createCustomerIdentitySigner(SECRET);

  it("accepts the host site's signature of the same id and email", () => {
    const identityHash = signer.sign("cust-42", "ada@example.com");
    expect(signer.verify({ externalId: "cust-42", email: "ada@example.com", identityHash })).toBe(true);
    expect(
      signer.verify({
        externalId: "cust-42",
        email: "ada@example.com",
        identityHash: identityHash.toUpperCase(),
      }),
    ).toBe(true);
  });

  it("refuses a signature reused for another id or another email", () => {
    const identityHash = signer.sign("cust-42", "ada@example.com");
    expect(signer.verify({ externalId: "cust-43", email: "ada@example.com", identityHash })).toBe(false);
    expect(signer.verify({ externalId: "cust-42", email: "mallory@example.com", identityHash })).toBe(false);
    expect(signer.verify({ externalId: "cust-42", identityHash })).toBe(false);
  });

  it("refuses missing, malformed and foreign signatures", () => {
    expect(signer.verify({ externalId: "cust-42", email: null })).toBe(false);
    expect(signer.verify({ externalId: "cust-42", identityHash: "not-hex" })).toBe(false);
    expect(signer.verify({ externalId: "cust-42", identityHash: "00".repeat(31) })).toBe(false);
    const other = createCustomerIdentitySigner("another-secret-of-at-least-32-characters");
    expect(signer.verify({ externalId: "cust-42", identityHash: other.sign("cust-42") })).toBe(false);
    expect(signer.verify({ identityHash: signer.sign("") })).toBe(false);
  });

  it("makes up its own secret when none is configured, which no host site can sign with", () => {
    const a = createCustomerIdentitySigner(undefined);
    const b = createCustomerIdentitySigner(undefined);
    expect(a.ephemeral).toBe(true);
    expect(signer.ephemeral).toBe(false);
    expect(b.verify({ externalId: "cust-42", identityHash: a.sign("cust-42") })).toBe(false);
    expect(a.verify({ externalId: "cust-42", identityHash: a.sign("cust-42") })).toBe(true);
  });
});
