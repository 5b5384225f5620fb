// The handoff packet shown to the agent at claim: everything needed so the customer never repeats themselves —
// the history, why it was escalated, how the customer feels and where that is heading, a summary, what the AI
// already tried, and who the customer is.

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
import { type AiAction, type AiCitation, readAiMeta } from "./ai-meta.ts";
import { type CustomerContext, readCustomerContext } from "./customer-context.ts";

export interface HandoffInput {
  conversation: Conversation;
  messages: readonly Message[];
  events: readonly ConversationEvent[];
  customer: Customer | null;
  previousConversations?: readonly Conversation[];
  /** Actions recorded outside message meta (e.g. the action audit log). */
  actionsTried?: readonly AiAction[];
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
  escalatedAt: string | null;
  /** The customer message whose triage escalated, when known. */
  triggerSeq: number | null;
  /** Escalations, requeues and transfers in order, from the event log. */
  trail: Array<{
    type: string;
    at: string;
    reasons: EscalationReason[];
    tier: Tier | null;
    note: string | null;
  }>;
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
  history: HistoryEntry[];
  escalation: EscalationInfo;
  sentiment: SentimentInfo;
  summary: ConversationSummary;
  aiAttempts: AiAttempts;
  customerContext: CustomerContext;
}

const TRAIL_EVENTS = new Set(["escalated", "requeued", "transferred", "released", "handed_back", "reopened"]);
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

function escalationInfo(
  conversation: Conversation,
  customer: readonly Message[],
  events: readonly ConversationEvent[],
): EscalationInfo {
  const trail = events
    .filter((e) => TRAIL_EVENTS.has(e.type))
    .sort((a, b) => a.id - b.id)
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
  const cues = new Map<string, Cue & { seq: number }>();
  for (const m of cueSources) {
    for (const c of [...(m.triage?.frustrationCues ?? []), ...(m.triage?.sentimentCues ?? [])]) {
      const key = `${c.kind}\u0000${c.text.toLowerCase()}`;
      const prev = cues.get(key);
      if (!prev || prev.weight < c.weight) cues.set(key, { ...c, seq: m.seq });
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
    cues: [...cues.values()].sort((a, b) => b.weight - a.weight || a.seq - b.seq),
    tier: conversation.tier,
    escalatedAt: firstEscalation?.at ?? conversation.queuedAt,
    triggerSeq: routed[0]?.seq ?? null,
    trail,
  };
}

function aiAttempts(messages: readonly Message[], extra: readonly AiAction[]): AiAttempts {
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
  for (const a of extra) actions.push({ ...a, seq: null });
  return { answers, actions };
}

export function buildHandoffPacket(input: HandoffInput): HandoffPacket {
  const messages = [...input.messages].sort((a, b) => a.seq - b.seq);
  const customer = messages.filter((m) => m.author === "customer");
  return {
    conversationId: input.conversation.id,
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
    aiAttempts: aiAttempts(messages, input.actionsTried ?? []),
    customerContext: readCustomerContext(
      input.customer,
      input.previousConversations ?? [],
      input.customerLookup ?? {},
      input.conversation.id,
    ),
  };
}
