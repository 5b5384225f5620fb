// Which customer a widget visitor really is. A host site that has signed its user in passes their id and email with
// an HMAC of them under a secret it shares with Tandem (the scheme Intercom and Zendesk call identity
// verification); anything else a visitor sends about themselves is a claim, and a claim must never open another
// customer's record, their orders or their account actions.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface CustomerIdentitySigner {
  /** Hex HMAC-SHA256 of `${externalId}\n${email}` (email "" when absent): what the host site's server computes. */
  sign(externalId: string, email?: string | null): string;
  /** True only for the exact signature of this id and email, compared in constant time. */
  verify(claim: { externalId?: string | null; email?: string | null; identityHash?: string | null }): boolean;
  /** The secret was generated at start-up: no host site can know it, so only this server's own pages can sign. */
  readonly ephemeral: boolean;
}

export function createCustomerIdentitySigner(secret: string | undefined): CustomerIdentitySigner {
  const key = secret ?? randomBytes(32).toString("hex");
  const sign = (externalId: string, email?: string | null) =>
    createHmac("sha256", key)
      .update(`${externalId}\n${email ?? ""}`)
      .digest("hex");
  return {
    sign,
    ephemeral: secret === undefined,
    verify(claim) {
      if (!claim.externalId || !claim.identityHash || !/^[0-9a-f]{64}$/i.test(claim.identityHash))
        return false;
      const expected = Buffer.from(sign(claim.externalId, claim.email), "hex");
      return timingSafeEqual(expected, Buffer.from(claim.identityHash.toLowerCase(), "hex"));
    },
  };
}
