// The shape the AI writes into `Message.meta` (citations and actions), read leniently: a malformed entry is
// dropped rather than failing the handoff packet or the assist panel that reads it.

import { z } from "zod";

/** A knowledge passage the AI cited (the same fields as the `tandem ask` citations). */
export interface AiCitation {
  documentId: string;
  title?: string;
  source?: string;
  url?: string;
  snippet?: string;
}

/** A routine action the AI attempted, e.g. lookup_order, with its outcome. */
export interface AiAction {
  name: string;
  status: "succeeded" | "failed" | "pending" | "cancelled";
  input?: Record<string, unknown>;
  /** A short human-readable outcome, or the structured result. */
  result?: unknown;
  error?: string;
  at?: string;
}

/**
 * `Message.meta` of an AI message. Every field is optional; other keys are ignored.
 * - `citations`: passages the answer relied on.
 * - `actions`: actions attempted while producing this message.
 * - `answered`: false when this was a boundary message ("I can't fully resolve this...").
 * - `resolvedConfirmed`: the customer's answer to "did that solve it?", when recorded on this message.
 */
export interface AiMessageMeta {
  citations: AiCitation[];
  actions: AiAction[];
  confidence?: number;
  answered?: boolean;
  resolvedConfirmed?: boolean;
}

const citationSchema = z.object({
  documentId: z.string().min(1),
  title: z.string().optional(),
  source: z.string().optional(),
  url: z.string().optional(),
  snippet: z.string().optional(),
});

const actionSchema = z.object({
  name: z.string().min(1),
  status: z.enum(["succeeded", "failed", "pending", "cancelled"]),
  input: z.record(z.string(), z.unknown()).optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  at: z.string().optional(),
});

function each<T>(value: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const v of value) {
    const r = schema.safeParse(v);
    if (r.success) out.push(r.data);
  }
  return out;
}

export function readAiMeta(meta: Record<string, unknown> | null | undefined): AiMessageMeta {
  const m = meta ?? {};
  const out: AiMessageMeta = {
    citations: each(m.citations, citationSchema) as AiCitation[],
    actions: each(m.actions, actionSchema) as AiAction[],
  };
  if (typeof m.confidence === "number" && Number.isFinite(m.confidence)) out.confidence = m.confidence;
  if (typeof m.answered === "boolean") out.answered = m.answered;
  if (typeof m.resolvedConfirmed === "boolean") out.resolvedConfirmed = m.resolvedConfirmed;
  return out;
}

/** One line for an action's outcome, for summaries and the packet. */
export function describeAction(a: AiAction): string {
  const outcome =
    a.status === "failed"
      ? `failed${a.error ? `: ${a.error}` : ""}`
      : typeof a.result === "string"
        ? `${a.status}: ${a.result}`
        : a.status;
  return `${a.name} (${outcome})`;
}
