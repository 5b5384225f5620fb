// SLA attainment, the analytics side of the desk's SLA timers: did a person answer each escalated conversation within
// its tier's target, and how long did customers wait in the queue. Each conversation's timers are evaluated with the
// desk's own evaluateSla, so what the dashboard counts as a breach is exactly what the desk announced as one.
//
// Definitions (one conversation, its first escalation into the queue; later episodes after a hand-back are not
// counted, like every other figure that describes "the" escalation of a conversation):
// - In scope: the conversation's first move to a person was an `escalated` event (the AI, or a rule, queued it with a
//   tier). An agent taking a conversation straight from the AI started no SLA clock (the desk runs none either).
// - The tier's targets come from the SLA policy, for the tier of that escalation (tier 1 if it named none).
// - The episode ends at the first resolution or hand-back to the AI after the escalation.
// - First response: from the escalation to the first message a person sent the customer (internal notes do not
//   count) within the episode.
//     met       a person answered before the target elapsed;
//     breached  the target elapsed with no answer: answered late, closed or handed back late, or still unanswered;
//     pending   no answer yet and the target has not elapsed (left out of attainment until decided);
//     withdrawn the episode ended before the target without a person's answer (the customer closed it, an agent
//               closed it without writing, or it went back to the AI): neither met nor breached.
//   Attainment = met ÷ (met + breached).
// - Queue wait: from the escalation until an agent picked the conversation up (assigned, claimed, or transferred to
//   them), or until the episode ended without a pick-up (the customer waited that long too). The waiting timer's
//   outcomes read the same way, with "picked up" for "answered". A conversation still in the queue has no wait yet:
//   it is counted as still queued and left out of the percentiles, which are nearest-rank (the p-th percentile is
//   the smallest wait at least p% of waits do not exceed; the median of 4 waits is the 2nd smallest).

import { DEFAULT_SLA_POLICY, evaluateSla, type SlaPolicy, type SlaTargets, type SlaTimer } from "../sla/index.ts";
import type { LogEvent, LogMessage } from "./types.ts";

export type SlaOutcome = "met" | "breached" | "pending" | "withdrawn";
export type SlaTier = 1 | 2 | 3;

export interface SlaFacts {
  tier: SlaTier;
  targets: SlaTargets;
  escalatedAt: number;
  response: SlaOutcome;
  /** Escalation to the first person's reply in the episode; null when there was none. */
  responseMs: number | null;
  wait: SlaOutcome;
  /** Escalation to pick-up, or to the end of an episode nobody picked up; null while still queued. */
  waitMs: number | null;
  stillQueued: boolean;
  /** When a pending timer becomes decided (its deadline), so the rollup recomputes the conversation then. */
  recheckAt: number | null;
}

const isTier = (x: unknown): x is SlaTier => x === 1 || x === 2 || x === 3;

function outcome(timer: SlaTimer | undefined, successAt: number | null): SlaOutcome {
  if (!timer) return "withdrawn";
  if (timer.status === "breached") return "breached";
  if (timer.running) return "pending";
  return successAt !== null && timer.stoppedAt === successAt ? "met" : "withdrawn";
}

/**
 * The SLA facts of a conversation whose first move to a person was `escalation` (an `escalated` event); null for
 * anything else. `messages` sorted by seq.
 */
export function slaFactsOf(
  escalation: LogEvent,
  events: readonly LogEvent[],
  messages: readonly LogMessage[],
  now: number,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): SlaFacts | null {
  if (escalation.type !== "escalated") return null;
  const start = escalation.at;
  const tier = isTier(escalation.data.tier) ? escalation.data.tier : 1;
  const targets = policy.tiers[tier];
  const after = events.slice(events.indexOf(escalation) + 1); // the log is in commit order
  const end = after.find((e) => e.type === "resolved" || e.type === "handed_back")?.at ?? null;
  const within = (at: number) => end === null || at <= end;
  const pickup =
    after.find(
      (e) =>
        within(e.at) &&
        (e.type === "assigned" || e.type === "claimed" || (e.type === "transferred" && typeof e.data.toAgentId === "string")),
    )?.at ?? null;
  const reply = messages.find((m) => m.author === "agent" && !m.internal && m.at >= start && within(m.at))?.at ?? null;
  const { timers } = evaluateSla(
    { queuedAt: start, escalatedAt: start, assignedAt: pickup, firstHumanResponseAt: reply, resolvedAt: end },
    targets,
    now,
    policy.warnAtFraction,
  );
  const responseTimer = timers.find((t) => t.metric === "first_response");
  const waitTimer = timers.find((t) => t.metric === "waiting");
  const response = outcome(responseTimer, reply);
  const wait = outcome(waitTimer, pickup);
  const pendingDeadlines = [
    response === "pending" ? responseTimer?.deadlineAt : undefined,
    wait === "pending" ? waitTimer?.deadlineAt : undefined,
  ].filter((x): x is number => x !== undefined);
  const stillQueued = waitTimer?.running ?? false;
  return {
    tier,
    targets,
    escalatedAt: start,
    response,
    responseMs: reply === null ? null : reply - start,
    wait,
    waitMs: stillQueued ? null : (pickup ?? end ?? start) - start,
    stillQueued,
    recheckAt: pendingDeadlines.length > 0 ? Math.min(...pendingDeadlines) : null,
  };
}

/** One conversation as the SLA summary reads it: what the SQL table stores per escalated conversation. */
export interface SlaRecord {
  tier: SlaTier;
  response: SlaOutcome;
  wait: SlaOutcome;
  waitMs: number | null;
  stillQueued: boolean;
}

/** Conversations with the same tier and outcomes: the SQL path counts these with GROUP BY. */
export interface SlaCount {
  tier: SlaTier;
  response: SlaOutcome;
  wait: SlaOutcome;
  stillQueued: boolean;
  count: number;
}

/** A nearest-rank percentile of the queue waits of one tier (null = all tiers). */
export interface WaitPercentile {
  tier: SlaTier | null;
  percentile: 50 | 90;
  waitMs: number;
}

export interface SlaRow {
  /** Null for the row over all tiers. */
  tier: SlaTier | null;
  /** The tier's targets (null on the all-tiers row, whose conversations had different ones). */
  targets: SlaTargets | null;
  escalations: number;
  responseMet: number;
  responseBreached: number;
  responsePending: number;
  responseWithdrawn: number;
  /** met ÷ (met + breached); null when none is decided. */
  responseAttainment: number | null;
  waitMet: number;
  waitBreached: number;
  waitPending: number;
  waitWithdrawn: number;
  waitAttainment: number | null;
  /** Conversations that breached either target. */
  breachedConversations: number;
  stillQueued: number;
  /** Conversations with a known queue wait (all but those still queued). */
  waitMeasured: number;
  waitP50Ms: number | null;
  waitP90Ms: number | null;
}

export interface SlaSummary {
  all: SlaRow;
  /** Tiers 1-3 in order, each present (zeros when no conversation had that tier). */
  tiers: SlaRow[];
}

export const PERCENTILES = [50, 90] as const;

/** 1-based rank of the nearest-rank p-th percentile of n values: ceil(p·n/100). The SQL path computes the same. */
export const nearestRank = (p: number, n: number): number => Math.ceil((p * n) / 100);

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** Folds counts and percentiles into the per-tier rows and the all-tiers row. */
export function slaSummaryFrom(counts: readonly SlaCount[], percentiles: readonly WaitPercentile[], policy: SlaPolicy = DEFAULT_SLA_POLICY): SlaSummary {
  const row = (tier: SlaTier | null): SlaRow => {
    const mine = counts.filter((c) => tier === null || c.tier === tier);
    const sum = (pred: (c: SlaCount) => boolean) => mine.reduce((s, c) => s + (pred(c) ? c.count : 0), 0);
    const r = {
      escalations: sum(() => true),
      responseMet: sum((c) => c.response === "met"),
      responseBreached: sum((c) => c.response === "breached"),
      responsePending: sum((c) => c.response === "pending"),
      responseWithdrawn: sum((c) => c.response === "withdrawn"),
      waitMet: sum((c) => c.wait === "met"),
      waitBreached: sum((c) => c.wait === "breached"),
      waitPending: sum((c) => c.wait === "pending"),
      waitWithdrawn: sum((c) => c.wait === "withdrawn"),
      breachedConversations: sum((c) => c.response === "breached" || c.wait === "breached"),
      stillQueued: sum((c) => c.stillQueued),
    };
    const p = (n: 50 | 90) => percentiles.find((x) => x.tier === tier && x.percentile === n)?.waitMs ?? null;
    return {
      tier,
      targets: tier === null ? null : policy.tiers[tier],
      ...r,
      responseAttainment: ratio(r.responseMet, r.responseMet + r.responseBreached),
      waitAttainment: ratio(r.waitMet, r.waitMet + r.waitBreached),
      waitMeasured: r.escalations - r.stillQueued,
      waitP50Ms: p(50),
      waitP90Ms: p(90),
    };
  };
  return { all: row(null), tiers: ([1, 2, 3] as const).map(row) };
}

/** The in-memory definition of the summary, from per-conversation records (the SQL path must agree with it). */
export function slaSummary(records: Iterable<SlaRecord>, policy: SlaPolicy = DEFAULT_SLA_POLICY): SlaSummary {
  const counts = new Map<string, SlaCount>();
  const waits = new Map<SlaTier | null, number[]>([[null, []]]);
  for (const r of records) {
    const key = `${r.tier}|${r.response}|${r.wait}|${r.stillQueued}`;
    const c = counts.get(key) ?? { tier: r.tier, response: r.response, wait: r.wait, stillQueued: r.stillQueued, count: 0 };
    c.count++;
    counts.set(key, c);
    if (r.waitMs !== null) {
      for (const k of [null, r.tier] as const) waits.set(k, [...(waits.get(k) ?? []), r.waitMs]);
    }
  }
  const percentiles: WaitPercentile[] = [];
  for (const [tier, list] of waits) {
    const sorted = [...list].sort((a, b) => a - b);
    if (sorted.length === 0) continue;
    for (const p of PERCENTILES) percentiles.push({ tier, percentile: p, waitMs: sorted[nearestRank(p, sorted.length) - 1] as number });
  }
  return slaSummaryFrom([...counts.values()], percentiles, policy);
}
