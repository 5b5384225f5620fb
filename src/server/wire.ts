// The public wire format: what clients see of the domain, shaped per audience (customers never see triage or notes).

import { z } from "zod";
import type { Conversation, Message, User } from "../domain/model.ts";

export type Audience = "customer" | "agent";

export function ownerOf(c: Conversation, assigneeName?: string | null) {
  switch (c.status) {
    case "ai":
      return { kind: "ai" as const };
    case "waiting_human":
      return { kind: "queue" as const, tier: c.tier };
    case "human":
      return { kind: "agent" as const, agentId: c.assigneeId, name: assigneeName ?? null };
    case "resolved":
      return { kind: "none" as const };
  }
}

/**
 * Who owns the conversation, as the customer may see it: the agent's display name, never their account id, and no
 * queue tier (the customer is not told they were filed as "tier 3").
 */
function customerOwnerOf(c: Conversation, assigneeName?: string | null) {
  const owner = ownerOf(c, assigneeName);
  if (owner.kind === "queue") return { kind: "queue" as const };
  if (owner.kind === "agent") return { kind: "agent" as const, name: owner.name };
  return owner;
}

export function conversationView(c: Conversation, audience: Audience, assigneeName?: string | null) {
  const base = {
    id: c.id,
    status: c.status,
    channel: c.channel,
    language: c.language,
    lastSeq: c.lastSeq,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    resolvedAt: c.resolvedAt,
  };
  // Escalation reasons ("frustration", "vip_customer") and tiers are the desk's judgement of the customer: not theirs to read.
  if (audience === "customer") return { ...base, owner: customerOwnerOf(c, assigneeName) };
  return {
    ...base,
    owner: ownerOf(c, assigneeName),
    tier: c.tier,
    reasons: c.reasons,
    customerId: c.customerId,
    assigneeId: c.assigneeId,
    priority: c.priority,
    skill: c.skill,
    aiTurnsUnresolved: c.aiTurnsUnresolved,
    queuedAt: c.queuedAt,
    assignedAt: c.assignedAt,
    firstHumanResponseAt: c.firstHumanResponseAt,
    resolutionCode: c.resolutionCode,
  };
}

export function messageView(m: Message, audience: Audience) {
  const base = {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    author: m.author,
    authorName: m.authorName,
    text: m.text,
    clientMessageId: m.author === "customer" || audience === "agent" ? m.clientMessageId : null,
    meta: audience === "customer" ? customerMeta(m.meta) : m.meta,
    createdAt: m.createdAt,
  };
  if (audience === "customer") return base;
  return { ...base, authorId: m.authorId, internal: m.internal, triage: m.triage };
}

/**
 * The part of a message's metadata a customer may see: what the widget renders (citations, a confirmation's
 * options) and nothing of the desk's working (boundary reasons, retrieval scores, token usage, action parameters,
 * server file paths of knowledge sources).
 */
export function customerMeta(meta: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!meta) return null;
  const out: Record<string, unknown> = {};
  if (typeof meta.kind === "string") out.kind = meta.kind;
  if (Array.isArray(meta.citations)) {
    out.citations = meta.citations.flatMap((c: unknown) => {
      if (!c || typeof c !== "object") return [];
      const r = c as Record<string, unknown>;
      const url = typeof r.url === "string" && /^https?:\/\//i.test(r.url) ? r.url : null;
      // A file source is named by its file name only: the path is the server's business.
      const source = typeof r.source === "string" ? (r.source.split(/[\\/]/).pop() ?? "") : "";
      return [{ title: typeof r.title === "string" ? r.title : "", source, url }];
    });
  }
  if (meta.kind === "agent_joined" && typeof meta.agentName === "string") out.agentName = meta.agentName;
  if (meta.kind === "action_confirmation") {
    if (Array.isArray(meta.options)) out.options = meta.options;
    if (typeof meta.prompt === "string") out.prompt = meta.prompt;
  }
  return out;
}

export function userView(u: User) {
  return {
    id: u.id, email: u.email, displayName: u.displayName, role: u.role, tier: u.tier, skills: u.skills,
    languages: u.languages, capacity: u.capacity, presence: u.presence, businessHours: u.businessHours,
  };
}

// ---- request schemas (the contract) ----

// A lone surrogate ("\ud83d" in JSON) cannot be stored as UTF-8: it becomes U+FFFD here, as the database would make it,
// so what is stored is what was acknowledged and a replay of the same request matches it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// An id must be well-formed, though: two different ids would become one. (search() ignores the g flag's lastIndex.)
export const clientMessageId = z
  .string()
  .min(1)
  .max(128)
  .refine((id) => id.search(LONE_SURROGATE) === -1, "must be well-formed Unicode (no unpaired surrogates)");
export const messageText = z
  .string()
  .transform((s) => s.replace(LONE_SURROGATE, "\uFFFD"))
  .refine((s) => s.trim().length > 0, "text must not be empty");

export const createConversationBody = z
  .object({
    customer: z
      .object({
        externalId: z.string().min(1).max(200).optional(),
        name: z.string().max(200).optional(),
        email: z.string().email().max(320).optional(),
        locale: z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, "a BCP-47 tag such as en or pt-BR").optional(),
        timeZone: z
          .string()
          .max(64)
          .refine(isTimeZone, "an IANA time zone such as Europe/Paris")
          .optional()
          .describe("the customer's IANA time zone (the widget sends the browser's): wait and opening times are told in it"),
        identityHash: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, "hex HMAC-SHA256 of externalId + newline + email")
          .optional()
          .describe("your server's HMAC-SHA256 (key CUSTOMER_IDENTITY_SECRET) of `externalId\\nemail`; without it externalId and email are unverified claims"),
      })
      .strict()
      .optional(),
    channel: z.literal("web").optional(),
  })
  .strict()
  .optional();

/** Whether Intl knows the zone: "Europe/Paris", "UTC"; not "Mars/Olympus" or an offset string. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A new message. The route caps `text` at maxBytes bytes of UTF-8 (MAX_MESSAGE_BYTES): a byte limit, which no
 * JSON Schema keyword states (maxLength counts characters), so the document says it in words.
 */
export const postMessageBody = (maxBytes: number) =>
  z
    .object({
      clientMessageId,
      text: messageText.describe(
        `at most ${maxBytes} bytes of UTF-8 (MAX_MESSAGE_BYTES; a character may take up to 4), not blank; longer is 413 TEXT_TOO_LONG`,
      ),
      internal: z.boolean().optional(),
    })
    .strict();

export const idParams = z.object({ id: z.string().min(1).max(64) }).strict();

export const afterQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();

export const loginBody = z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(1024) }).strict();

export const tierSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);

export const transferBody = z
  .object({ toAgentId: z.string().min(1).max(64).optional(), toTier: tierSchema.optional(), note: z.string().max(4000).optional() })
  .strict()
  .refine((b) => b.toAgentId || b.toTier, "give toAgentId or toTier");

export const resolveBody = z.object({ resolutionCode: z.string().min(1).max(64).optional() }).strict().optional();

export const escalateBody = z
  .object({ tier: tierSchema.optional(), note: z.string().max(4000).optional() })
  .strict()
  .optional();

export const inboxQuery = z
  .object({
    status: z
      .string()
      .regex(/^(ai|waiting_human|human|resolved)(,(ai|waiting_human|human|resolved))*$/)
      .optional(),
    tier: z.coerce.number().int().min(1).max(3).optional(),
    assignee: z.string().max(64).optional().describe("an agent id, or `me`"),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z
      .string()
      .regex(/^\d{1,15}:[\w-]{1,64}$/, "a cursor returned as nextBefore")
      .optional()
      .describe("keyset cursor from the previous page's nextBefore"),
  })
  .strict();

export const presenceBody = z.object({ presence: z.enum(["online", "away", "offline"]) }).strict();

export const createUserBody = z
  .object({
    email: z.string().email().max(320),
    password: z.string().min(8).max(1024),
    displayName: z.string().min(1).max(200),
    role: z.enum(["agent", "supervisor", "admin"]),
    tier: tierSchema.optional(),
    skills: z.array(z.string().min(1).max(64)).max(50).optional(),
    languages: z.array(z.string().min(2).max(8)).max(50).optional(),
    capacity: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

export const streamQuery = z
  .object({
    token: z.string().min(1).max(200).describe("the conversation's bearer token"),
    after: z.coerce.number().int().min(0).default(0).describe("resume after this message seq"),
  })
  .strict();

/** Not strict: the agent stream never refused other parameters. The token may also come as the session cookie. */
export const agentStreamQuery = z.object({
  token: z.string().optional().describe("an agent's bearer token; without it, the console's session cookie is used"),
});
