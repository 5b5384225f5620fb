// From per-conversation facts to the dashboard's figures, in two steps: summable totals (what a rollup table or a
// SQL SUM produces) and ratios of those totals. The SQL path and this in-memory path share figuresFrom, so they
// cannot drift apart.

import { dayIndexIn, dayLabel, HOUR_MS, type LocalDays, utcDay } from "./calendar.ts";
import { type ConversationFacts, type CostSettings, type Figures, TOTAL_KEYS, type Totals } from "./types.ts";

export function emptyTotals(): Totals {
  return Object.fromEntries(TOTAL_KEYS.map((k) => [k, 0])) as unknown as Totals;
}

/** One conversation's contribution to the totals. */
export function totalsOfOne(f: ConversationFacts): Totals {
  const t = emptyTotals();
  t.conversations = 1;
  t.escalated = f.escalated ? 1 : 0;
  t.aiResolved = f.aiResolved ? 1 : 0;
  t.aiConfirmed = f.aiOutcome === "confirmed" ? 1 : 0;
  t.aiNoReturn = f.aiOutcome === "no_return" ? 1 : 0;
  t.aiReturned = f.aiOutcome === "returned" ? 1 : 0;
  t.aiPending = f.aiOutcome === "pending" ? 1 : 0;
  t.aiUnanswered = f.aiOutcome === "unanswered" ? 1 : 0;
  t.aiHandleMsSum = f.aiHandleMs ?? 0;
  t.humanResolved = f.humanResolved ? 1 : 0;
  t.humanHandleMsSum = f.humanHandleMs ?? 0;
  if (f.humanResolved && f.agentHandleMs !== null) {
    if (f.assisted) {
      t.assistedCount = 1;
      t.assistedHandleMsSum = f.agentHandleMs;
    } else {
      t.unassistedCount = 1;
      t.unassistedHandleMsSum = f.agentHandleMs;
    }
  }
  if (f.csatScore !== null && f.csatResolvedBy === "ai") {
    t.csatAiCount = 1;
    t.csatAiSum = f.csatScore;
    t.csatAiSatisfied = f.csatScore >= 4 ? 1 : 0;
  }
  if (f.csatScore !== null && f.csatResolvedBy === "human") {
    t.csatHumanCount = 1;
    t.csatHumanSum = f.csatScore;
    t.csatHumanSatisfied = f.csatScore >= 4 ? 1 : 0;
  }
  if (f.firstResponseMs !== null) {
    t.firstResponseCount = 1;
    t.firstResponseMsSum = f.firstResponseMs;
  }
  if (f.firstHumanResponseMs !== null) {
    t.firstHumanResponseCount = 1;
    t.firstHumanResponseMsSum = f.firstHumanResponseMs;
  }
  t.agentHandled = f.agentSegments.length > 0 ? 1 : 0;
  t.agentLoadMsSum = f.agentSegments.reduce((s, x) => s + x.loadMs, 0);
  t.promptTokens = f.promptTokens;
  t.completionTokens = f.completionTokens;
  t.recordedCostMicros = f.recordedCostMicros;
  const sla = f.sla;
  if (sla) {
    t.slaEscalations = 1;
    t.slaResponseMet = sla.response === "met" ? 1 : 0;
    t.slaResponseBreached = sla.response === "breached" ? 1 : 0;
    t.slaResponsePending = sla.response === "pending" ? 1 : 0;
    t.slaWaitMet = sla.wait === "met" ? 1 : 0;
    t.slaWaitBreached = sla.wait === "breached" ? 1 : 0;
    t.slaWaitPending = sla.wait === "pending" ? 1 : 0;
    t.slaBreachedConversations = sla.response === "breached" || sla.wait === "breached" ? 1 : 0;
    t.slaStillQueued = sla.stillQueued ? 1 : 0;
    if (sla.waitMs !== null) {
      t.slaWaitCount = 1;
      t.slaWaitMsSum = sla.waitMs;
    }
  }
  return t;
}

export function addTotals(a: Totals, b: Totals): Totals {
  const out = emptyTotals();
  for (const k of TOTAL_KEYS) out[k] = a[k] + b[k];
  return out;
}

export function totalsOf(facts: Iterable<ConversationFacts>): Totals {
  let t = emptyTotals();
  for (const f of facts) t = addTotals(t, totalsOfOne(f));
  return t;
}

/**
 * Totals per local day of the range (days without conversations left out), from facts in memory: the definition
 * the SQL rollup's day grouping must reproduce. A conversation belongs to the local day its first message was on.
 */
export function totalsByLocalDay(facts: Iterable<ConversationFacts>, range: LocalDays): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const f of facts) {
    if (f.startedAt < range.startMs || f.startedAt >= range.endMs) continue;
    const day = dayLabel(range, dayIndexIn(range, f.startedAt));
    out.set(day, addTotals(out.get(day) ?? emptyTotals(), totalsOfOne(f)));
  }
  return out;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export function figuresFrom(t: Totals, costs: CostSettings): Figures {
  const decided = t.conversations - t.aiPending;
  const agentHours = t.agentLoadMsSum / HOUR_MS;
  const agentCost = agentHours * costs.agentCostPerHour;
  const llmCost =
    (t.promptTokens / 1000) * costs.llmCostPer1kPromptTokens +
    (t.completionTokens / 1000) * costs.llmCostPer1kCompletionTokens +
    t.recordedCostMicros / 1_000_000;
  // The all-human baseline: every conversation costs agents what the ones they did handle cost on average. Harder
  // conversations are the ones escalated, so this overstates the baseline a little; it is the honest data-only choice.
  const perHumanConversation = ratio(agentHours, t.agentHandled);
  const baselineAgentHours = perHumanConversation === null ? null : perHumanConversation * t.conversations;
  return {
    conversations: t.conversations,
    aiResolutionRate: ratio(t.aiResolved, decided),
    aiResolved: t.aiResolved,
    aiConfirmed: t.aiConfirmed,
    aiNoReturn: t.aiNoReturn,
    aiReturned: t.aiReturned,
    aiPending: t.aiPending,
    escalationRate: ratio(t.escalated, t.conversations),
    escalated: t.escalated,
    ahtAiMs: ratio(t.aiHandleMsSum, t.aiResolved),
    ahtEscalatedMs: ratio(t.humanHandleMsSum, t.humanResolved),
    ahtAssistedMs: ratio(t.assistedHandleMsSum, t.assistedCount),
    ahtUnassistedMs: ratio(t.unassistedHandleMsSum, t.unassistedCount),
    assistedCount: t.assistedCount,
    unassistedCount: t.unassistedCount,
    csatAi: ratio(t.csatAiSum, t.csatAiCount),
    csatAiCount: t.csatAiCount,
    csatAiSatisfiedRate: ratio(t.csatAiSatisfied, t.csatAiCount),
    csatHuman: ratio(t.csatHumanSum, t.csatHumanCount),
    csatHumanCount: t.csatHumanCount,
    csatHumanSatisfiedRate: ratio(t.csatHumanSatisfied, t.csatHumanCount),
    firstResponseMs: ratio(t.firstResponseMsSum, t.firstResponseCount),
    firstHumanResponseMs: ratio(t.firstHumanResponseMsSum, t.firstHumanResponseCount),
    agentHours,
    agentCost,
    llmCost,
    costPerInteraction: ratio(agentCost + llmCost, t.conversations),
    baselineAgentHours,
    baselineCostPerInteraction: baselineAgentHours === null ? null : ratio(baselineAgentHours * costs.agentCostPerHour, t.conversations),
    workloadOffAgents: baselineAgentHours ? 1 - agentHours / baselineAgentHours : null,
    // Every conversation a person held was escalated (a takeover counts as one), and an escalated conversation
    // needed a person even while it waited in the queue or when the customer gave up there.
    conversationsOffAgents: t.conversations - t.escalated,
    slaEscalations: t.slaEscalations,
    slaResponseAttainment: ratio(t.slaResponseMet, t.slaResponseMet + t.slaResponseBreached),
    slaResponseMet: t.slaResponseMet,
    slaResponseBreached: t.slaResponseBreached,
    slaResponsePending: t.slaResponsePending,
    slaResponseWithdrawn: t.slaEscalations - t.slaResponseMet - t.slaResponseBreached - t.slaResponsePending,
    slaWaitAttainment: ratio(t.slaWaitMet, t.slaWaitMet + t.slaWaitBreached),
    slaWaitMet: t.slaWaitMet,
    slaWaitBreached: t.slaWaitBreached,
    slaWaitPending: t.slaWaitPending,
    slaBreachedConversations: t.slaBreachedConversations,
    slaStillQueued: t.slaStillQueued,
    slaWaitMeanMs: ratio(t.slaWaitMsSum, t.slaWaitCount),
  };
}

export interface ReasonCount {
  reason: string;
  count: number;
  /** Share of escalated conversations that carried this reason (one conversation may carry several). */
  share: number;
}

export function reasonSplit(facts: Iterable<ConversationFacts>): ReasonCount[] {
  const counts = new Map<string, number>();
  let escalated = 0;
  for (const f of facts) {
    if (!f.escalated) continue;
    escalated++;
    for (const r of new Set(f.reasons)) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return sortReasons([...counts].map(([reason, count]) => ({ reason, count, share: count / escalated })));
}

export const sortReasons = (rows: ReasonCount[]): ReasonCount[] =>
  rows.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));

export interface AgentUtilisation {
  agentId: string;
  /** Days on which the agent held at least one conversation. */
  activeDays: number;
  conversations: number;
  loadHours: number;
  /** Load ÷ (active days × staffed hours): the time-weighted share of capacity in use while staffed. */
  utilisation: number;
}

/**
 * Utilisation from agent segments. Presence history is not recorded, so staffed time is assumed to be
 * `staffedHoursPerDay` on each day the agent held a conversation; a segment belongs to the day it started (the
 * local day, when `dayOf` gives it: a New York shift from 18:00 to 22:00 is one day, not two UTC days).
 */
export function agentUtilisation(
  segments: Iterable<{ agentId: string; start: number; loadMs: number; conversationId: string }>,
  staffedHoursPerDay: number,
  dayOf: (ms: number) => string = utcDay,
): AgentUtilisation[] {
  const by = new Map<string, { days: Set<string>; conversations: Set<string>; loadMs: number }>();
  for (const s of segments) {
    const a = by.get(s.agentId) ?? { days: new Set(), conversations: new Set(), loadMs: 0 };
    a.days.add(dayOf(s.start));
    a.conversations.add(s.conversationId);
    a.loadMs += s.loadMs;
    by.set(s.agentId, a);
  }
  return [...by]
    .map(([agentId, a]) => utilisationRow(agentId, a.days.size, a.conversations.size, a.loadMs, staffedHoursPerDay))
    .sort((x, y) => y.utilisation - x.utilisation || x.agentId.localeCompare(y.agentId));
}

export function utilisationRow(agentId: string, activeDays: number, conversations: number, loadMs: number, staffedHoursPerDay: number): AgentUtilisation {
  const loadHours = loadMs / HOUR_MS;
  return { agentId, activeDays, conversations, loadHours, utilisation: activeDays > 0 ? loadHours / (activeDays * staffedHoursPerDay) : 0 };
}
