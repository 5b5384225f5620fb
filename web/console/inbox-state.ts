// The console's inbox as pure state transitions: loading, live stream events, grouping by queue and tier, SLA
// countdowns and sentiment flags. Kept free of React and the network so it can be tested and benchmarked alone.

import type { AgentConversation, AgentMessage, Tier, Triage } from "../shared/wire.ts";

export interface LastCustomerMessage {
  seq: number;
  text: string;
  triage: Triage | null;
}

export interface SlaSignal {
  level: "warning" | "breached";
  metric: string;
  dueAt: string;
}

export interface InboxItem {
  conversation: AgentConversation;
  assigneeName: string | null;
  lastCustomer: LastCustomerMessage | null;
  sla: SlaSignal | null;
  /** The conversation's lastSeq when its recent messages were last fetched (0 = never). */
  peekedSeq: number;
}

export interface InboxState {
  items: ReadonlyMap<string, InboxItem>;
}

export const emptyInbox: InboxState = { items: new Map() };

/** The pick-up targets the queue countdowns run against: the server's SLA policy (GET /api/v1/desk/sla-policy). */
export interface WaitTargets {
  waitingMs: Record<Tier, number>;
  /** Warn once this share of a target has passed. */
  warnAtFraction: number;
}

/** The server's default policy, used until the console has loaded the one the server runs. */
export const DEFAULT_WAIT_TARGETS: WaitTargets = {
  waitingMs: { 1: 3 * 60_000, 2: 10 * 60_000, 3: 20 * 60_000 },
  warnAtFraction: 0.8,
};

/** The policy as the server sends it, reduced to what the countdowns need. */
export function waitTargetsOf(policy: { tiers: Record<Tier, { waitingMs: number }>; warnAtFraction: number }): WaitTargets {
  return {
    waitingMs: { 1: policy.tiers[1].waitingMs, 2: policy.tiers[2].waitingMs, 3: policy.tiers[3].waitingMs },
    warnAtFraction: policy.warnAtFraction,
  };
}

const inInbox = (c: AgentConversation) => c.status === "waiting_human" || c.status === "human";

export function loadInbox(state: InboxState, conversations: readonly AgentConversation[]): InboxState {
  const items = new Map<string, InboxItem>();
  for (const c of conversations) {
    if (!inInbox(c)) continue;
    const prev = state.items.get(c.id);
    items.set(c.id, {
      conversation: c,
      assigneeName: c.owner.kind === "agent" ? (c.owner.name ?? prev?.assigneeName ?? null) : null,
      lastCustomer: prev?.lastCustomer ?? null,
      sla: prev && prev.conversation.queuedAt === c.queuedAt ? prev.sla : null,
      peekedSeq: prev?.peekedSeq ?? 0,
    });
  }
  return { items };
}

export interface StatusChange {
  state: InboxState;
  /** True when this conversation just entered a queue (a new escalation, a transfer to a tier, a release). */
  newlyQueued: boolean;
}

/** Applies a status event; `nameOf` resolves assignee ids the event does not name. Stale versions are ignored. */
export function applyStatus(state: InboxState, c: AgentConversation, nameOf: (id: string) => string | null): StatusChange {
  const prev = state.items.get(c.id);
  if (prev && c.version < prev.conversation.version) return { state, newlyQueued: false };
  const items = new Map(state.items);
  if (!inInbox(c)) {
    if (!prev) return { state, newlyQueued: false };
    items.delete(c.id);
    return { state: { items }, newlyQueued: false };
  }
  const named = c.owner.kind === "agent" ? c.owner.name : null;
  const assigneeName = c.assigneeId ? (named ?? nameOf(c.assigneeId) ?? (prev?.conversation.assigneeId === c.assigneeId ? prev.assigneeName : null)) : null;
  items.set(c.id, {
    conversation: c,
    assigneeName,
    lastCustomer: prev?.lastCustomer ?? null,
    sla: prev && prev.conversation.queuedAt === c.queuedAt ? prev.sla : null,
    peekedSeq: prev?.peekedSeq ?? 0,
  });
  const newlyQueued = c.status === "waiting_human" && (!prev || prev.conversation.status !== "waiting_human" || prev.conversation.queuedAt !== c.queuedAt);
  return { state: { items }, newlyQueued };
}

export function applyMessage(state: InboxState, m: AgentMessage): InboxState {
  const item = state.items.get(m.conversationId);
  if (!item) return state;
  const conversation = m.seq > item.conversation.lastSeq ? { ...item.conversation, lastSeq: m.seq, updatedAt: m.createdAt } : item.conversation;
  let lastCustomer = item.lastCustomer;
  if (m.author === "customer" && !m.internal && (!lastCustomer || m.seq >= lastCustomer.seq)) {
    lastCustomer = { seq: m.seq, text: m.text, triage: m.triage ?? (lastCustomer?.seq === m.seq ? lastCustomer.triage : null) };
  }
  if (conversation === item.conversation && lastCustomer === item.lastCustomer) return state;
  const items = new Map(state.items);
  items.set(m.conversationId, { ...item, conversation, lastCustomer });
  return { items };
}

export function applyTriage(state: InboxState, conversationId: string, messageSeq: number, triage: Triage): InboxState {
  const item = state.items.get(conversationId);
  if (!item || (item.lastCustomer && item.lastCustomer.seq > messageSeq)) return state;
  const items = new Map(state.items);
  items.set(conversationId, {
    ...item,
    lastCustomer: { seq: messageSeq, text: item.lastCustomer?.seq === messageSeq ? item.lastCustomer.text : (item.lastCustomer?.text ?? ""), triage },
  });
  return { items };
}

export function applySla(state: InboxState, conversationId: string, sla: SlaSignal): InboxState {
  const item = state.items.get(conversationId);
  if (!item) return state;
  const items = new Map(state.items);
  items.set(conversationId, { ...item, sla });
  return { items };
}

/** Records the recent messages fetched for a row that had none yet. */
export function applyPeek(state: InboxState, conversationId: string, atSeq: number, messages: readonly AgentMessage[]): InboxState {
  const item = state.items.get(conversationId);
  if (!item) return state;
  let next: InboxState = { items: new Map(state.items) };
  (next.items as Map<string, InboxItem>).set(conversationId, { ...item, peekedSeq: Math.max(atSeq, 1) });
  for (const m of messages) next = applyMessage(next, m);
  return next;
}

export interface InboxGroup {
  key: string;
  title: string;
  items: InboxItem[];
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/**
 * Queues by tier in the order the desk assigns them (higher priority first, then who waited longest, then id),
 * then mine, then teammates'.
 */
export function groupInbox(state: InboxState, meId: string | null): InboxGroup[] {
  const queues: Record<Tier, InboxItem[]> = { 1: [], 2: [], 3: [] };
  const mine: InboxItem[] = [];
  const others: InboxItem[] = [];
  for (const item of state.items.values()) {
    const c = item.conversation;
    if (c.status === "waiting_human") queues[(c.tier ?? 1) as Tier].push(item);
    else if (c.assigneeId && c.assigneeId === meId) mine.push(item);
    else others.push(item);
  }
  const byQueued = (a: InboxItem, b: InboxItem) =>
    b.conversation.priority - a.conversation.priority ||
    time(a.conversation.queuedAt) - time(b.conversation.queuedAt) ||
    (a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0);
  const byUpdated = (a: InboxItem, b: InboxItem) => time(b.conversation.updatedAt) - time(a.conversation.updatedAt);
  return [
    { key: "mine", title: "Assigned to me", items: mine.sort(byUpdated) },
    ...([1, 2, 3] as const).map((t) => ({ key: `tier-${t}`, title: `Queue · Tier ${t}`, items: queues[t].sort(byQueued) })),
    { key: "others", title: "With teammates", items: others.sort(byUpdated) },
  ];
}

export type SlaLevel = "ok" | "warning" | "breached";

export interface SlaClock {
  /** Time left to the waiting target; negative once breached. Null when no clock runs. */
  remainingMs: number | null;
  waitedMs: number | null;
  level: SlaLevel;
}

/** The waiting-time clock of a queued conversation; a server `sla` event's deadline overrides the targets. */
export function slaClock(item: InboxItem, now: number, targets: WaitTargets = DEFAULT_WAIT_TARGETS): SlaClock {
  const c = item.conversation;
  if (c.status !== "waiting_human" || !c.queuedAt) return { remainingMs: null, waitedMs: null, level: "ok" };
  const queuedAt = Date.parse(c.queuedAt);
  const waitedMs = Math.max(0, now - queuedAt);
  const target = targets.waitingMs[(c.tier ?? 1) as Tier];
  const dueAt = item.sla?.metric === "waiting" || item.sla?.metric === "first_response" ? Date.parse(item.sla.dueAt) : queuedAt + target;
  const remainingMs = dueAt - now;
  const totalMs = Math.max(1, dueAt - queuedAt);
  let level: SlaLevel = remainingMs <= 0 ? "breached" : waitedMs >= totalMs * targets.warnAtFraction ? "warning" : "ok";
  if (item.sla?.level === "breached") level = "breached";
  else if (item.sla?.level === "warning" && level === "ok") level = "warning";
  return { remainingMs, waitedMs, level };
}

export type SentimentFlag = "frustrated" | "negative" | "positive" | null;

export function sentimentFlag(triage: Triage | null | undefined): SentimentFlag {
  if (!triage) return null;
  if (triage.frustration >= 0.7) return "frustrated";
  if (triage.sentiment <= -0.5) return "negative";
  if (triage.sentiment >= 0.5) return "positive";
  return null;
}

/** "45s", "3m 05s", "1h 12m" — compact enough for an inbox row. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d`;
}
