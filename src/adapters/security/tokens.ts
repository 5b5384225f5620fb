// Bearer tokens: 256 random bits shown once; only their SHA-256 is stored, so a database leak reveals no credential.

import { createHash, randomBytes } from "node:crypto";

export function newToken(prefix: "tk_a" | "tk_c"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
