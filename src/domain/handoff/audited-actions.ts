// Actions the AI ran, as the action audit log recorded them, turned into the packet's "what the AI tried" entries:
// a call that failed straight from the customer's message leaves no trace in the AI's message meta (the handover
// message cannot name it), so without the audit the agent would retry it blind. Inputs lose their secrets here.

import type { AiAction, AiActionStatus } from "./ai-meta.ts";
import { luhnValid } from "../card-number.ts";

/** One audited call (the fields of the audit log the packet needs; the audit adapter's records fit as they are). */
export interface AuditedAction {
  action: string;
  params: Readonly<Record<string, string>>;
  outcome: "succeeded" | "failed" | "refused";
  httpStatus: number | null;
  /** The audit's own words: "HTTP 503", "timeout", a network error, or why it was refused. */
  error: string | null;
  /** Epoch ms when the call started. */
  at: number;
}

/** The coded outcome the executor returned to the AI for a call that did not succeed. */
export type ActionErrorCode = "ACTION_FAILED" | "ACTION_TIMEOUT" | "ACTION_REFUSED";

/**
 * The executor's error code, recovered from the audit (which stores the outcome and its text, not the code): a
 * refusal is ACTION_REFUSED, a call the service did not answer in time ACTION_TIMEOUT, any other failure
 * ACTION_FAILED. Kept in step with the HTTP executor, which writes "timeout" for exactly its timeouts.
 */
export function auditErrorCode(a: Pick<AuditedAction, "outcome" | "error">): ActionErrorCode | null {
  if (a.outcome === "succeeded") return null;
  if (a.outcome === "refused") return "ACTION_REFUSED";
  return a.error === "timeout" ? "ACTION_TIMEOUT" : "ACTION_FAILED";
}

const REDACTED = "[redacted]";

/** Words that make a parameter a secret wherever they appear in its name (apiKey, new_password, card_cvv). */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passcode",
  "passphrase",
  "secret",
  "token",
  "otp",
  "pin",
  "cvv",
  "cvc",
  "ssn",
  "credential",
  "credentials",
  "authorization",
  "auth",
  "apikey",
  "accesskey",
  "privatekey",
  "sessionid",
]);

/** The words of a parameter name: camelCase, snake_case, kebab-case and dotted names all split the same way. */
function nameWords(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // "api_key" and "apiKey" are one idea: pairs are checked joined as well.
  const pairs = words.slice(1).map((w, i) => `${words[i]}${w}`);
  return [...words, ...pairs];
}

export function isSecretName(name: string): boolean {
  return nameWords(name).some((w) => SECRET_WORDS.has(w));
}

/** A payment card number (13 to 19 digits, spaces or dashes allowed, passing the Luhn check). */
function looksLikeCardNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, "");
  return /^\d{13,19}$/.test(digits) && luhnValid(digits);
}

/**
 * An action's inputs as an agent may see them: values of secret-named parameters replaced, and card numbers masked
 * to their last four digits whatever the parameter is called. Order numbers and emails stay: the agent needs them.
 */
export function redactActionInput(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (isSecretName(k)) out[k] = REDACTED;
    else if (typeof v === "string" && looksLikeCardNumber(v))
      out[k] = `${REDACTED} …${v.replace(/[\s-]/g, "").slice(-4)}`;
    else out[k] = v;
  }
  return out;
}

const STATUS_OF: Record<AuditedAction["outcome"], AiActionStatus> = {
  succeeded: "succeeded",
  failed: "failed",
  refused: "refused",
};

/** The packet entry for one audited call (inputs redacted). */
export function auditedActionEntry(a: AuditedAction): AiAction {
  const entry: AiAction = { name: a.action, status: STATUS_OF[a.outcome], at: new Date(a.at).toISOString() };
  if (Object.keys(a.params).length > 0) entry.input = redactActionInput(a.params);
  const code = auditErrorCode(a);
  if (code) entry.errorCode = code;
  if (a.error) entry.error = a.error;
  if (a.httpStatus !== null) entry.httpStatus = a.httpStatus;
  return entry;
}
