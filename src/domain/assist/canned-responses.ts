// The canned-response library: validated at load, rendered with conversation variables, and ranked for the
// current conversation by issue type (triage intent and reasons) and wording.

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { renderTemplate, TEMPLATE_VARIABLE_RE, type TemplateVars, templateVars } from "./template.ts";
import { tokenize } from "./text.ts";

export { renderTemplate, type TemplateVars, templateVars };

export interface CannedResponse {
  id: string;
  /** Typed in the composer to insert it, e.g. "/refund". */
  shortcut: string;
  title: string;
  /** Triage intents it answers; an entry also matches intents that contain it ("refund" ⊂ "refund_dispute"). */
  intents: string[];
  /** Escalation reason codes it suits, e.g. "complaint". */
  reasons: string[];
  /** Extra words that make it relevant when the customer uses them. */
  keywords: string[];
  /** Body with {{variables}}; `{{customer.firstName | there}}` falls back to "there" when unknown. */
  text: string;
  /** The language it is written in (ISO 639-1/-3); not suggested for conversations in another language. */
  language?: string | null;
}

const cannedSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _"),
    shortcut: z.string().regex(/^\/[a-z0-9][a-z0-9_-]*$/, "a slash then lower-case letters, digits, - or _"),
    title: z.string().min(1),
    intents: z.array(z.string().min(1)).default([]),
    reasons: z.array(z.string().min(1)).default([]),
    keywords: z.array(z.string().min(1)).default([]),
    text: z.string().min(1),
    language: z.string().regex(/^[a-z]{2,3}$/, "an ISO 639 code such as en").optional(),
  })
  .strict();

const librarySchema = z.object({ responses: z.array(cannedSchema).min(1) }).strict();

export interface CannedLibraryError {
  code: "CANNED_LIBRARY_INVALID";
  message: string;
}

/** Parses and validates a library (YAML or JSON text). Duplicate ids or shortcuts are errors. */
export function parseCannedLibrary(
  text: string,
): { ok: true; responses: CannedResponse[] } | { ok: false; error: CannedLibraryError } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return {
      ok: false,
      error: { code: "CANNED_LIBRARY_INVALID", message: `not valid YAML: ${(e as Error).message}` },
    };
  }
  const parsed = librarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") ?? "";
    return {
      ok: false,
      error: { code: "CANNED_LIBRARY_INVALID", message: `${where}: ${issue?.message ?? "invalid"}` },
    };
  }
  const ids = new Set<string>();
  const shortcuts = new Set<string>();
  for (const r of parsed.data.responses) {
    if (ids.has(r.id))
      return { ok: false, error: { code: "CANNED_LIBRARY_INVALID", message: `duplicate id ${r.id}` } };
    if (shortcuts.has(r.shortcut)) {
      return {
        ok: false,
        error: { code: "CANNED_LIBRARY_INVALID", message: `duplicate shortcut ${r.shortcut}` },
      };
    }
    ids.add(r.id);
    shortcuts.add(r.shortcut);
  }
  return { ok: true, responses: parsed.data.responses };
}

/** Every variable templateVars() provides: a template naming anything else can never be filled. */
export const TEMPLATE_VARIABLES: readonly string[] = [
  "customer.name",
  "customer.firstName",
  "customer.email",
  "agent.name",
  "agent.firstName",
  "order.id",
  "conversation.id",
  "company.name",
];

/**
 * Problems that would make a template render wrongly, found with the same pattern renderTemplate uses: a variable
 * no conversation provides, or braces that are not a well-formed {{variable}} (they would reach the customer raw).
 */
export function templateProblems(template: string, known: readonly string[] = TEMPLATE_VARIABLES): string[] {
  const problems: string[] = [];
  for (const m of template.matchAll(TEMPLATE_VARIABLE_RE)) {
    const path = m[1] ?? "";
    if (!known.includes(path)) problems.push(`unknown variable {{${path}}}; known: ${known.join(", ")}`);
  }
  const rest = template.replace(TEMPLATE_VARIABLE_RE, "");
  if (rest.includes("{{") || rest.includes("}}")) problems.push("malformed placeholder: write {{name}} or {{name | fallback}}");
  return problems;
}

/** What an admin sends to create or replace a response; the id and the audit fields are the server's. */
export const cannedInputSchema = z
  .object({
    shortcut: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^\/[a-z0-9][a-z0-9_-]{0,39}$/, "a slash then up to 40 lower-case letters, digits, - or _ (e.g. /refund)"),
    title: z.string().trim().min(1).max(120),
    text: z
      .string()
      .min(1)
      .max(4000)
      .superRefine((text, ctx) => {
        for (const message of templateProblems(text)) ctx.addIssue({ code: "custom", message });
      }),
    intents: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
    reasons: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
    keywords: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
    language: z.string().regex(/^[a-z]{2,3}$/, "an ISO 639 code such as en").nullable().default(null),
  })
  .strict();
export type CannedInput = z.infer<typeof cannedInputSchema>;

/** Sample values for previewing a template in the admin app, shaped like a real conversation's. */
export const SAMPLE_TEMPLATE_VARS: TemplateVars = {
  customer: { name: "Alex Morgan", firstName: "Alex", email: "alex@example.com" },
  agent: { name: "Sam Lee", firstName: "Sam" },
  order: { id: "NW-1042" },
  conversation: { id: "c_3f9a" },
  company: { name: "Northwind" },
};

export interface ReplyContext {
  intent?: string | null;
  reasons?: readonly string[];
  /** Recent customer text. */
  text: string;
  /** The conversation's language, when known: responses written in another language are left out. */
  language?: string | null;
}

export interface RankedResponse {
  response: CannedResponse;
  score: number;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "_");

/** Ranks the library for this conversation: intent match first, then reasons, then shared wording. */
export function rankCannedResponses(
  library: readonly CannedResponse[],
  ctx: ReplyContext,
  k = 3,
): RankedResponse[] {
  const intent = ctx.intent ? norm(ctx.intent) : null;
  const reasons = new Set((ctx.reasons ?? []).map(norm));
  const words = new Set(tokenize(ctx.text));
  const ranked: RankedResponse[] = [];
  for (const r of library) {
    if (ctx.language && r.language && r.language !== ctx.language) continue;
    let score = 0;
    if (intent && r.intents.some((i) => intent === norm(i))) score += 3;
    else if (intent && r.intents.some((i) => intent.includes(norm(i)))) score += 2;
    for (const reason of r.reasons) if (reasons.has(norm(reason))) score += 1;
    let overlap = 0;
    for (const t of new Set(tokenize(`${r.keywords.join(" ")} ${r.title}`))) if (words.has(t)) overlap++;
    score += Math.min(overlap, 4) * 0.5;
    if (score > 0) ranked.push({ response: r, score });
  }
  return ranked.sort((a, b) => b.score - a.score || a.response.id.localeCompare(b.response.id)).slice(0, k);
}

/** The response behind a composer shortcut such as "/refund". */
export function findByShortcut(library: readonly CannedResponse[], shortcut: string): CannedResponse | null {
  const s = shortcut.trim().toLowerCase();
  return library.find((r) => r.shortcut === s) ?? null;
}
