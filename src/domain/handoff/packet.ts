// The handoff packet shown to the agent at claim: everything needed so the customer never repeats themselves —
// the history, why it was escalated, how the customer feels and where that is heading, a summary, what the AI
// already tried, and who the customer is.

import { z } from "zod";
import { summarizeConversation, type ConversationSummary } from "../assist/summary.ts";
import type {
  AuthorKind,
  Conversation,
  ConversationEvent,
  Cue,
  Customer,
  Message,
  EscalationReason,
  Tier,
} from "../model.ts";
import type { PriorityFactor } from "../triage/routing.ts";
import { negativeSentimentCues } from "../triage/sentiment.ts";
import { type AiAction, type AiCitation, readAiMeta } from "./ai-meta.ts";
import { type AuditedAction, auditedActionEntry, redactActionInput } from "./audited-actions.ts";
import { type CustomerContext, readCustomerContext } from "./customer-context.ts";

/**
 * The most recent messages a packet carries. A conversation longer than this is rare (a bot loop, a months-long
 * thread) and its latest turns are what the agent acts on: the oldest are left out, and counted.
 */
export const PACKET_HISTORY_LIMIT = 1000;

export interface HandoffInput {
  conversation: Conversation;
  messages: readonly Message[];
  events: readonly ConversationEvent[];
  customer: Customer | null;
  previousConversations?: readonly Conversation[];
  /** Actions recorded elsewhere (a configured lookup's own log), listed after the AI's as they are. */
  actionsTried?: readonly AiAction[];
  /** The action audit log's calls for this conversation: merged with what the AI's messages say it ran. */
  actionAudit?: readonly AuditedAction[];
  /** The result of a configured customer lookup action; overrides stored attributes. */
  customerLookup?: Record<string, unknown>;
}

export interface HistoryEntry {
  seq: number;
  author: AuthorKind;
  authorName: string | null;
  text: string;
  internal: boolean;
  createdAt: string;
}

export interface EscalationInfo {
  reasons: EscalationReason[];
  /** The cues that fired on the messages that routed to a human, strongest first, with the message seq. */
  cues: Array<Cue & { seq: number }>;
  tier: Tier | null;
  /** The skill it asks of whoever takes it (from the intent that escalated it); null when none. */
  skill: string | null;
  escalatedAt: string | null;
  /** The customer message whose triage escalated, when known. */
  triggerSeq: number | null;
  /** Why it is served before or after others waiting in its tier (higher first, then the oldest). */
  priority: PriorityInfo;
  /** Escalations, requeues, raises by later customer messages and transfers in order, from the event log. */
  trail: Array<{
    type: string;
    at: string;
    reasons: EscalationReason[];
    tier: Tier | null;
    note: string | null;
  }>;
}

export interface PriorityInfo {
  /** The conversation's queue priority now. */
  value: number;
  /** What it was made of when the current episode was (re-)escalated; empty when nothing raised it. */
  factors: PriorityFactor[];
  /** The same in one line, e.g. "legal_compliance 50 + VIP customer (plan enterprise) 20 = 70". */
  explanation: string;
}

export type SentimentFlag = "very_negative" | "negative" | "neutral" | "positive" | "unknown";
export type SentimentTrend = "worsening" | "stable" | "improving" | "unknown";

export interface SentimentInfo {
  flag: SentimentFlag;
  /** Latest customer sentiment in [-1, 1]. */
  current: number | null;
  frustration: number | null;
  trend: SentimentTrend;
  /** Change in sentiment per customer turn over the recent turns (least squares). */
  slope: number;
  series: Array<{ seq: number; sentiment: number; frustration: number }>;
}

export interface AiAttempts {
  answers: Array<{ seq: number; text: string; citations: AiCitation[]; answered: boolean }>;
  actions: Array<AiAction & { seq: number | null }>;
}

export interface HandoffPacket {
  conversationId: string;
  /** The most recent messages (at most PACKET_HISTORY_LIMIT), oldest first. */
  history: HistoryEntry[];
  /** How many earlier messages `history` leaves out (0 when it holds the whole conversation). */
  historyOmitted: number;
  escalation: EscalationInfo;
  sentiment: SentimentInfo;
  summary: ConversationSummary;
  aiAttempts: AiAttempts;
  customerContext: CustomerContext;
}

const TRAIL_EVENTS = new Set([
  "escalated",
  "requeued",
  "reprioritised",
  "transferred",
  "released",
  "handed_back",
  "reopened",
]);
/** Events that record the priority's make-up: escalations, and raises by a later customer message. */
const PRIORITY_EVENTS = new Set(["escalated", "requeued", "reprioritised"]);
const RECENT_TURNS = 6;

function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - mx) * ((values[i] as number) - my);
    den += (i - mx) ** 2;
  }
  return num / den;
}

function sentimentInfo(customer: readonly Message[]): SentimentInfo {
  const series = customer
    .filter((m) => m.triage)
    .map((m) => ({
      seq: m.seq,
      sentiment: m.triage?.sentiment ?? 0,
      frustration: m.triage?.frustration ?? 0,
    }));
  const last = series.at(-1);
  if (!last) return { flag: "unknown", current: null, frustration: null, trend: "unknown", slope: 0, series };
  const s = slope(series.slice(-RECENT_TURNS).map((p) => p.sentiment));
  const frustrationSlope = slope(series.slice(-RECENT_TURNS).map((p) => p.frustration));
  const trend: SentimentTrend =
    series.length < 2
      ? "unknown"
      : s < -0.1 || frustrationSlope > 0.1
        ? "worsening"
        : s > 0.1
          ? "improving"
          : "stable";
  const flag: SentimentFlag =
    last.sentiment <= -0.6 || last.frustration >= 0.7
      ? "very_negative"
      : last.sentiment <= -0.2
        ? "negative"
        : last.sentiment >= 0.3
          ? "positive"
          : "neutral";
  return { flag, current: last.sentiment, frustration: last.frustration, trend, slope: s, series };
}

function asReasons(v: unknown): EscalationReason[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === "string") as EscalationReason[]) : [];
}

function asTier(v: unknown): Tier | null {
  return v === 1 || v === 2 || v === 3 ? v : null;
}

const recordedPriority = z.object({
  priority: z.number().int(),
  factors: z.array(
    z.object({
      kind: z.enum(["reason", "vip_customer"]),
      code: z.string(),
      priority: z.number(),
      detail: z.string().optional(),
    }),
  ),
  explanation: z.string(),
});

/**
 * The priority's make-up as recorded on the episode's latest escalation or raise. A value that no longer matches it
 * (a row from before priorities were recorded) is shown bare rather than with a stale explanation.
 */
function priorityInfo(conversation: Conversation, episodeEvents: readonly ConversationEvent[]): PriorityInfo {
  const value = conversation.priority;
  for (let i = episodeEvents.length - 1; i >= 0; i--) {
    const e = episodeEvents[i] as ConversationEvent;
    if (!PRIORITY_EVENTS.has(e.type)) continue;
    const r = recordedPriority.safeParse(e.data.priority);
    if (!r.success) continue;
    if (r.data.priority !== value) break;
    return { value, factors: r.data.factors as PriorityFactor[], explanation: r.data.explanation };
  }
  return { value, factors: [], explanation: value === 0 ? "no reason raises it: 0" : `priority ${value}` };
}

function escalationInfo(
  conversation: Conversation,
  customer: readonly Message[],
  events: readonly ConversationEvent[],
): EscalationInfo {
  const ordered = [...events].sort((a, b) => a.id - b.id);
  const resetAt = ordered.findLastIndex((e) => e.type === "handed_back" || e.type === "reopened");
  const trail = ordered
    .filter((e) => TRAIL_EVENTS.has(e.type))
    .map((e) => ({
      type: e.type,
      at: e.createdAt,
      reasons: asReasons(e.data.reasons),
      tier: asTier(e.data.tier ?? e.data.toTier),
      note: typeof e.data.note === "string" ? e.data.note : null,
    }));
  // The current episode starts after the last time the conversation went back to the AI.
  const lastReset = [...trail].reverse().find((t) => t.type === "handed_back" || t.type === "reopened");
  const episode = lastReset ? trail.filter((t) => t.at >= lastReset.at && t.type !== lastReset.type) : trail;
  const firstEscalation = episode.find((t) => t.type === "escalated");
  const episodeMessages = lastReset ? customer.filter((m) => m.createdAt >= lastReset.at) : customer;
  const routed = episodeMessages.filter((m) => m.triage?.route === "human");
  // Without a triage verdict (AI off, or a manual escalation) the latest cues still explain the mood.
  const cueSources = routed.length > 0 ? routed : episodeMessages.filter((m) => m.triage).slice(-1);
  // Frustration cues, then what made the messages read negative ("please" and "thanks" explain no escalation), each
  // group strongest first: a negative word's weight is its pull below zero.
  type Ranked = Cue & { seq: number; frustration: boolean };
  const stronger = (a: Ranked, b: Ranked) =>
    Number(b.frustration) - Number(a.frustration) || Math.abs(b.weight) - Math.abs(a.weight);
  const cues = new Map<string, Ranked>();
  for (const m of cueSources) {
    const ranked = [
      ...(m.triage?.frustrationCues ?? []).map((c) => ({ ...c, seq: m.seq, frustration: true })),
      ...negativeSentimentCues(m.triage?.sentimentCues ?? []).map((c) => ({
        ...c,
        seq: m.seq,
        frustration: false,
      })),
    ];
    for (const cue of ranked) {
      const key = `${cue.kind}\u0000${cue.text.toLowerCase()}`;
      const prev = cues.get(key);
      if (!prev || stronger(cue, prev) < 0) cues.set(key, cue);
    }
  }
  const reasons = [
    ...new Set([
      ...conversation.reasons,
      ...episode.flatMap((t) => t.reasons),
      ...routed.flatMap((m) => m.triage?.reasons ?? []),
    ]),
  ];
  return {
    reasons,
    cues: [...cues.values()]
      .sort((a, b) => stronger(a, b) || a.seq - b.seq)
      .map(({ frustration: _, ...cue }) => cue),
    tier: conversation.tier,
    skill: conversation.skill,
    escalatedAt: firstEscalation?.at ?? conversation.queuedAt,
    triggerSeq: routed[0]?.seq ?? null,
    priority: priorityInfo(conversation, ordered.slice(resetAt + 1)),
    trail,
  };
}

/**
 * Audited calls merged into the actions the AI's messages name. A call enriches the entry it produced (same action
 * and outcome, in a message written after the call started) with its error code and HTTP status; a call no message
 * names (one run straight from the customer's message that failed: the handover cannot say which) joins the list
 * at the AI message that followed it. Calls from before `since` belong to messages the packet left out.
 */
function mergeAudit(
  actions: AiAttempts["actions"],
  messages: readonly Message[],
  audit: readonly AuditedAction[],
  since: number,
): AiAttempts["actions"] {
  if (audit.length === 0) return actions;
  const out = [...actions];
  const writtenAt = new Map(messages.map((m) => [m.seq, Date.parse(m.createdAt)]));
  const aiMessages = messages.filter((m) => m.author === "ai");
  const matched = new Set<number>();
  for (const record of [...audit].sort((a, b) => a.at - b.at)) {
    if (record.at < since) continue;
    const entry = auditedActionEntry(record);
    const i = out.findIndex(
      (a, k) =>
        !matched.has(k) &&
        a.seq !== null &&
        a.name === entry.name &&
        a.status === entry.status &&
        (writtenAt.get(a.seq) ?? Number.NEGATIVE_INFINITY) >= record.at,
    );
    if (i >= 0) {
      // What the message said stands (its input, its result); the audit adds what only it knows.
      out[i] = {
        ...entry,
        ...(out[i] as AiAttempts["actions"][number]),
        ...pickDefined(entry, ["errorCode", "httpStatus", "at"]),
      };
      matched.add(i);
    } else {
      const after = aiMessages.find((m) => Date.parse(m.createdAt) >= record.at);
      out.push({ ...entry, seq: after?.seq ?? null });
      matched.add(out.length - 1);
    }
  }
  // In conversation order; entries no message places (seq null) last, in the order they were added.
  return out
    .map((a, k) => ({ a, k }))
    .sort(
      (x, y) => (x.a.seq ?? Number.POSITIVE_INFINITY) - (y.a.seq ?? Number.POSITIVE_INFINITY) || x.k - y.k,
    )
    .map((x) => x.a);
}

function pickDefined<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function aiAttempts(
  messages: readonly Message[],
  extra: readonly AiAction[],
  audit: readonly AuditedAction[],
  auditSince: number,
): AiAttempts {
  const answers: AiAttempts["answers"] = [];
  const actions: AiAttempts["actions"] = [];
  for (const m of messages) {
    if (m.author !== "ai") continue;
    const meta = readAiMeta(m.meta);
    answers.push({ seq: m.seq, text: m.text, citations: meta.citations, answered: meta.answered !== false });
    for (const a of meta.actions) {
      // The steps of one run (a detail asked for, a confirmation asked, then the outcome) are one attempt: the
      // agent needs its final state, not one line per turn. A run still pending at handover stays listed as such.
      const last = actions.at(-1);
      if (last && last.seq !== null && last.name === a.name && last.status === "pending") {
        actions[actions.length - 1] = { ...(last.input ? { input: last.input } : {}), ...a, seq: m.seq };
      } else actions.push({ ...a, seq: m.seq });
    }
  }
  const merged = mergeAudit(actions, messages, audit, auditSince);
  for (const a of extra) merged.push({ ...a, seq: null });
  // Whatever recorded them, inputs reach the agent without secrets.
  return { answers, actions: merged.map((a) => (a.input ? { ...a, input: redactActionInput(a.input) } : a)) };
}

export function buildHandoffPacket(input: HandoffInput): HandoffPacket {
  const sorted = [...input.messages].sort((a, b) => a.seq - b.seq);
  const messages = sorted.length > PACKET_HISTORY_LIMIT ? sorted.slice(-PACKET_HISTORY_LIMIT) : sorted;
  // Seqs run 1, 2, 3… per conversation (the store's contract), so the first carried message's seq counts the
  // ones before it, whether the caller read them and they were cut here or never read them at all.
  const historyOmitted = Math.max(0, (messages[0]?.seq ?? 1) - 1);
  const first = messages[0];
  const auditSince = historyOmitted > 0 && first ? Date.parse(first.createdAt) : Number.NEGATIVE_INFINITY;
  const customer = messages.filter((m) => m.author === "customer");
  return {
    conversationId: input.conversation.id,
    historyOmitted,
    history: messages.map((m) => ({
      seq: m.seq,
      author: m.author,
      authorName: m.authorName,
      text: m.text,
      internal: m.internal,
      createdAt: m.createdAt,
    })),
    escalation: escalationInfo(input.conversation, customer, input.events),
    sentiment: sentimentInfo(customer),
    summary: summarizeConversation(messages),
    aiAttempts: aiAttempts(messages, input.actionsTried ?? [], input.actionAudit ?? [], auditSince),
    customerContext: readCustomerContext(
      input.customer,
      input.previousConversations ?? [],
      input.customerLookup ?? {},
      input.conversation.id,
    ),
  };
}
