// The shape the AI writes into `Message.meta` (citations, actions, whether it answered), defined once here for
// both sides: the responder builds its meta with the helpers below and the handoff packet and assist panel read
// it back leniently (a malformed entry is dropped rather than failing the packet or the panel).

import { z } from "zod";
import type { AnswerResult } from "../answer/answerer.ts";

/** A knowledge passage the AI cited (the same fields as the `tandem ask` citations). */
export interface AiCitation {
  documentId: string;
  title?: string;
  source?: string;
  url?: string;
  snippet?: string;
}

/**
 * The outcome of an action the AI ran, as agents see it: `pending` while it still waits for the customer (a
 * missing detail or a yes/no confirmation), `succeeded` once it ran, `failed` when it ran and the backend
 * failed, `refused` when it could not run for this customer (identity mismatch, details never given) and
 * `cancelled` when the customer said no. The same words as the action audit log (succeeded/failed/refused).
 */
export const AI_ACTION_STATUSES = ["pending", "succeeded", "failed", "refused", "cancelled"] as const;
export type AiActionStatus = (typeof AI_ACTION_STATUSES)[number];

/** The answerer's per-turn action statuses (how far the dialog got), which the meta never stores as such. */
export type ActionTurnStatus = Extract<AnswerResult, { kind: "action" }>["status"];

/**
 * The one mapping from an action turn to its outcome. A `Record` over the answerer's own status type, so a status
 * added there fails type-checking here until it is given an outcome. Also used when reading meta stored before the
 * vocabulary was unified (it held the turn statuses).
 */
const OUTCOME_OF_TURN: { readonly [S in ActionTurnStatus]: AiActionStatus } = {
  asking: "pending",
  confirming: "pending",
  done: "succeeded",
  cancelled: "cancelled",
  refused: "refused",
};

/** A routine action the AI attempted, e.g. lookup_order, with its outcome. */
export interface AiAction {
  name: string;
  status: AiActionStatus;
  input?: Record<string, unknown>;
  /** A short human-readable outcome, or the structured result. */
  result?: unknown;
  error?: string;
  /** For a call that did not succeed, the executor's coded outcome (ACTION_FAILED, ACTION_TIMEOUT, ACTION_REFUSED). */
  errorCode?: string;
  /** The backend's HTTP status, when it answered. */
  httpStatus?: number;
  at?: string;
}

/** What kind of message the AI wrote; `boundary` is a handover ("I can't fully resolve this..."). */
export const AI_MESSAGE_KINDS = [
  "answer",
  "action",
  "action_confirmation",
  "small_talk",
  "boundary",
] as const;
export type AiMessageKind = (typeof AI_MESSAGE_KINDS)[number];

/**
 * `Message.meta` of an AI message as read back. Every field is optional; other keys are ignored.
 * - `citations`: passages the answer relied on.
 * - `actions`: actions attempted while producing this message.
 * - `answered`: false when this was a boundary message; explicit in new meta, inferred from `kind` in old meta.
 * - `resolvedConfirmed`: the customer's answer to "did that solve it?", when recorded on this message.
 */
export interface AiMessageMeta {
  kind?: AiMessageKind;
  citations: AiCitation[];
  actions: AiAction[];
  confidence?: number;
  answered?: boolean;
  resolvedConfirmed?: boolean;
}

/** Results are shown in one line of the packet and the summary; the full reply is in the history anyway. */
const MAX_RESULT_CHARS = 200;

const clipResult = (text: string): string =>
  text.length <= MAX_RESULT_CHARS ? text : `${text.slice(0, MAX_RESULT_CHARS - 1).trimEnd()}…`;

/**
 * The `actions` entry for one action turn of the answerer: its outcome in the shared vocabulary, the parameters
 * known so far, and for a finished action the reply it produced.
 */
export function actionTurnEntry(turn: {
  action: string;
  status: ActionTurnStatus;
  text: string;
  params?: Readonly<Record<string, string>> | null;
}): AiAction {
  const status = OUTCOME_OF_TURN[turn.status];
  const entry: AiAction = { name: turn.action, status };
  if (turn.params && Object.keys(turn.params).length > 0) entry.input = { ...turn.params };
  if (status !== "pending" && turn.text.trim()) entry.result = clipResult(turn.text.trim());
  return entry;
}

/**
 * The `actions` entry when a prepared action ended in a handover: `action_failed` means it ran and the backend
 * failed, `action_incomplete` that it could not be run for this customer.
 */
export function actionHandoverEntry(
  action: string,
  reason: "action_failed" | "action_incomplete",
  params?: Readonly<Record<string, string>> | null,
): AiAction {
  const entry: AiAction = { name: action, status: reason === "action_failed" ? "failed" : "refused" };
  if (params && Object.keys(params).length > 0) entry.input = { ...params };
  return entry;
}

/** The meta of a boundary (handover) message: never counted as an answer. */
export function boundaryMeta(fields: { reason: string } & Record<string, unknown>): Record<string, unknown> {
  return { ...fields, kind: "boundary" satisfies AiMessageKind, answered: false };
}

const citationSchema = z.object({
  documentId: z.string().min(1),
  title: z.string().optional(),
  source: z.string().optional(),
  url: z.string().optional(),
  snippet: z.string().optional(),
});

const turnStatuses = Object.keys(OUTCOME_OF_TURN) as [ActionTurnStatus, ...ActionTurnStatus[]];

const actionSchema = z.object({
  name: z.string().min(1),
  status: z.union([
    z.enum(AI_ACTION_STATUSES),
    z.enum(turnStatuses).transform((s): AiActionStatus => OUTCOME_OF_TURN[s]),
  ]),
  input: z.record(z.string(), z.unknown()).optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  errorCode: z.string().optional(),
  httpStatus: z.number().int().optional(),
  at: z.string().optional(),
});

function each<T>(value: unknown, schema: z.ZodType<T, unknown>): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const v of value) {
    const r = schema.safeParse(v);
    if (r.success) out.push(r.data);
  }
  return out;
}

const isKind = (v: unknown): v is AiMessageKind =>
  typeof v === "string" && (AI_MESSAGE_KINDS as readonly string[]).includes(v);

export function readAiMeta(meta: Record<string, unknown> | null | undefined): AiMessageMeta {
  const m = meta ?? {};
  const out: AiMessageMeta = {
    citations: each(m.citations, citationSchema) as AiCitation[],
    actions: each(m.actions, actionSchema) as AiAction[],
  };
  if (isKind(m.kind)) out.kind = m.kind;
  if (typeof m.confidence === "number" && Number.isFinite(m.confidence)) out.confidence = m.confidence;
  if (typeof m.answered === "boolean") out.answered = m.answered;
  // Boundary messages stored before `answered: false` was written on them.
  else if (out.kind === "boundary") out.answered = false;
  if (typeof m.resolvedConfirmed === "boolean") out.resolvedConfirmed = m.resolvedConfirmed;
  return out;
}

/** One line for an action's outcome, for summaries and the packet. */
export function describeAction(a: AiAction): string {
  const outcome =
    a.status === "failed"
      ? `failed${a.errorCode || a.error ? `: ${[a.errorCode, a.error].filter(Boolean).join(", ")}` : ""}`
      : typeof a.result === "string"
        ? `${a.status}: ${a.result}`
        : a.status;
  return `${a.name} (${outcome})`;
}
