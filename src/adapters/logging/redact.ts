// PII redaction (emails, phone numbers, payment card numbers) for logs and exports when REDACT_PII is on.
//
// Hand-written rather than a library: the npm PII scrubbers either pull in NLP models or redact any long digit
// run, which would also erase order numbers, dates and ids that support teams need to keep. The rules here are
// deliberately shaped: a card number must pass the Luhn check and start like a real card (2–6), a phone number
// must be written like one (a leading +, the North American 3-3-4 shape, or a trunk-0 national number in
// groups); a bare digit run is never taken for a phone.

import { luhnValid } from "../../domain/card-number.ts";

/** What replaces each kind of PII. Stable strings, so exports stay diffable and tests can look for them. */
export const PII_MASKS = { email: "[email]", phone: "[phone]", card: "[card]" } as const;

// Local part and domain accept letters and digits of any script; the TLD needs two letters or more. Matches start
// only where a local part can start, which keeps the scan linear on long runs of text without an @.
const EMAIL = /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// 13–19 digits, optionally split by single spaces or dashes (4111 1111 1111 1111, 3782-822463-10005), first
// digit 2–6 (Mastercard 2-series, Amex/JCB/Diners 3, Visa 4, Mastercard/Maestro 5, Discover/UnionPay 6).
const CARD = /(?<![\p{N}\p{L}_-])[2-6](?:[ -]?\d){12,18}(?![\p{N}\p{L}_]|-\d)/gu;

// Not glued to a word, another number, or a dashed/dotted code (ORD-555-123-4567 stays an order reference).
const BEFORE = String.raw`(?<![\p{L}\p{N}_+#/.\-])`;
const AFTER = String.raw`(?![\p{L}\p{N}_]|[.\-/]\p{N})`;
const SEP = String.raw`[ .\-]?`;
const PHONE_SHAPES = [
  // International: + then 7–17 digits, each optionally after one separator, area codes possibly in parentheses:
  // +1 (555) 123-4567, +44 20 7946 0958, +15551234567. One digit per step keeps backtracking bounded.
  String.raw`\+\d(?:${SEP}(?:\d|\(\d{1,4}\))){6,16}`,
  // North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567.
  String.raw`(?:\(\d{3}\)[ ]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}`,
  // Trunk-prefixed national numbers in groups: 020 7946 0958, 06 12 34 56 78, 030-1234-5678.
  String.raw`0\d{1,4}(?:[ .\-]\d{2,4}){2,4}`,
];
const PHONE = new RegExp(`${BEFORE}(?:${PHONE_SHAPES.join("|")})${AFTER}`, "gu");

export { luhnValid };

const digitsOf = (s: string) => s.replace(/\D/g, "");

/** ISO dates and times written with dashes or dots look like grouped numbers; they are never phones. */
const DATE_LIKE = /^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{4})$/;

function redactPhone(match: string): string {
  const n = digitsOf(match).length;
  if (DATE_LIKE.test(match)) return match;
  if (match.startsWith("+")) return n >= 8 && n <= 15 ? PII_MASKS.phone : match; // E.164 allows at most 15 digits
  return n >= 10 && n <= 12 ? PII_MASKS.phone : match;
}

/** Replaces emails, phone numbers and Luhn-valid card numbers in free text with fixed masks. Pure. */
export function redactPii(text: string): string {
  let out = text.includes("@") ? text.replace(EMAIL, PII_MASKS.email) : text;
  if (!/\d/.test(out)) return out;
  out = out.replace(CARD, (m) => {
    const d = digitsOf(m);
    return d.length >= 13 && d.length <= 19 && luhnValid(d) ? PII_MASKS.card : m;
  });
  return out.replace(PHONE, redactPhone);
}

/**
 * Redacts every string inside a JSON-like value (objects, arrays, strings); keys, numbers and booleans are kept,
 * so timestamps and counters survive. Returns a new value; cycles are not expected (JSON data) and not followed.
 */
export function redactPiiDeep<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactPii(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // class instances (Buffer, Date...) untouched
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(v, seen);
  return out;
}

/**
 * Redacts one serialised log line (pino writes one JSON object per line). Parsing first means only string values
 * change, never the structure or numeric fields; a line that is not JSON is redacted as plain text.
 */
export function redactLogLine(line: string): string {
  const trimmed = line.endsWith("\n") ? line.slice(0, -1) : line;
  let out: string;
  try {
    out = JSON.stringify(redactPiiDeep(JSON.parse(trimmed) as unknown));
  } catch {
    out = redactPii(trimmed);
  }
  return line.endsWith("\n") ? `${out}\n` : out;
}

/**
 * pino options that apply PII redaction to every line just before it is written, after serializers have run,
 * so messages, request URLs and error details are all covered.
 */
export function piiRedactingLoggerOptions(): { hooks: { streamWrite(line: string): string } } {
  return { hooks: { streamWrite: redactLogLine } };
}
