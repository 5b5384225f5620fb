// SLA timers per tier, as pure functions of a conversation's timestamps and an injected `now`: the console
// shows time left, and a scheduler learns exactly when to wake to emit warning and breach events once each.

import { z } from "zod";
import type { Conversation, Tier } from "../model.ts";

export type SlaMetric = "first_response" | "waiting";
export type SlaStatus = "ok" | "warning" | "breached";

export interface SlaTargets {
  /** From escalation to the first message a person sends the customer. */
  firstResponseMs: number;
  /** From entering the queue to being assigned. */
  waitingMs: number;
}

export interface SlaPolicy {
  tiers: Record<Tier, SlaTargets>;
  /** Warn once this fraction of a target has elapsed (0.8 = at 80%). */
  warnAtFraction: number;
}

const targetsSchema = z.object({
  firstResponseMs: z.number().int().positive(),
  waitingMs: z.number().int().positive(),
});
export const slaPolicySchema = z.object({
  tiers: z.object({ 1: targetsSchema, 2: targetsSchema, 3: targetsSchema }),
  warnAtFraction: z.number().gt(0).lt(1),
});

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  tiers: {
    1: { firstResponseMs: 5 * 60_000, waitingMs: 3 * 60_000 },
    2: { firstResponseMs: 15 * 60_000, waitingMs: 10 * 60_000 },
    3: { firstResponseMs: 30 * 60_000, waitingMs: 20 * 60_000 },
  },
  warnAtFraction: 0.8,
};

/** Epoch-ms timestamps the timers read. */
export interface SlaTimestamps {
  /** When the current queue stint began (null when the conversation is not with the human side). */
  queuedAt: number | null;
  /** When the conversation was first escalated; defaults to queuedAt. Keeps first response honest across requeues. */
  escalatedAt?: number | null;
  assignedAt: number | null;
  firstHumanResponseAt: number | null;
  resolvedAt: number | null;
}

export interface SlaTimer {
  metric: SlaMetric;
  status: SlaStatus;
  /** False once the clock stopped (assigned / answered / resolved). */
  running: boolean;
  startedAt: number;
  stoppedAt: number | null;
  elapsedMs: number;
  targetMs: number;
  /** Time left before breach; negative once breached. */
  remainingMs: number;
  warnAt: number;
  deadlineAt: number;
}

export interface SlaEvaluation {
  /** The worst status across timers ("ok" when no timer applies). */
  status: SlaStatus;
  timers: SlaTimer[];
}

export interface SlaEvent {
  metric: SlaMetric;
  kind: "warning" | "breached";
  at: number;
}

const RANK: Record<SlaStatus, number> = { ok: 0, warning: 1, breached: 2 };

function timer(
  metric: SlaMetric,
  start: number,
  stop: number | null,
  targetMs: number,
  warnAtFraction: number,
  now: number,
): SlaTimer {
  const deadlineAt = start + targetMs;
  const warnAt = start + Math.floor(targetMs * warnAtFraction);
  const until = stop ?? now;
  const status: SlaStatus = until >= deadlineAt ? "breached" : until >= warnAt ? "warning" : "ok";
  return {
    metric,
    status,
    running: stop === null,
    startedAt: start,
    stoppedAt: stop,
    elapsedMs: Math.max(0, until - start),
    targetMs,
    remainingMs: deadlineAt - until,
    warnAt,
    deadlineAt,
  };
}

/** A clock stops at the first of its stop instants that falls inside the timer's window. */
function stopAt(start: number, ...candidates: Array<number | null>): number | null {
  let stop: number | null = null;
  for (const c of candidates) if (c !== null && c >= start && (stop === null || c < stop)) stop = c;
  return stop;
}

/** The SLA state of one conversation at `now`. */
export function evaluateSla(
  ts: SlaTimestamps,
  targets: SlaTargets,
  now: number,
  warnAtFraction = DEFAULT_SLA_POLICY.warnAtFraction,
): SlaEvaluation {
  const timers: SlaTimer[] = [];
  const escalatedAt = ts.escalatedAt ?? ts.queuedAt;
  if (escalatedAt !== null) {
    const stop = stopAt(escalatedAt, ts.firstHumanResponseAt, ts.resolvedAt);
    timers.push(timer("first_response", escalatedAt, stop, targets.firstResponseMs, warnAtFraction, now));
  }
  if (ts.queuedAt !== null) {
    const stop = stopAt(ts.queuedAt, ts.assignedAt, ts.resolvedAt);
    timers.push(timer("waiting", ts.queuedAt, stop, targets.waitingMs, warnAtFraction, now));
  }
  const status = timers.reduce<SlaStatus>(
    (worst, t) => (RANK[t.status] > RANK[worst] ? t.status : worst),
    "ok",
  );
  return { status, timers };
}

/** The next instant after `now` at which a running timer warns or breaches, so a scheduler can sleep until it. */
export function nextSlaDeadline(
  ts: SlaTimestamps,
  targets: SlaTargets,
  now: number,
  warnAtFraction = DEFAULT_SLA_POLICY.warnAtFraction,
): SlaEvent | null {
  let next: SlaEvent | null = null;
  for (const t of evaluateSla(ts, targets, now, warnAtFraction).timers) {
    if (!t.running) continue;
    const candidates: SlaEvent[] = [
      { metric: t.metric, kind: "warning", at: t.warnAt },
      { metric: t.metric, kind: "breached", at: t.deadlineAt },
    ];
    for (const c of candidates) if (c.at > now && (next === null || c.at < next.at)) next = c;
  }
  return next;
}

/**
 * Warning and breach events whose instant falls in (from, to], oldest first. A scheduler that remembers the
 * last instant it processed emits each event exactly once, whatever its wake-up jitter.
 */
export function slaEventsBetween(
  ts: SlaTimestamps,
  targets: SlaTargets,
  from: number,
  to: number,
  warnAtFraction = DEFAULT_SLA_POLICY.warnAtFraction,
): SlaEvent[] {
  const out: SlaEvent[] = [];
  for (const t of evaluateSla(ts, targets, to, warnAtFraction).timers) {
    // A clock that stopped before an instant never reaches it.
    const end = t.stoppedAt ?? Number.POSITIVE_INFINITY;
    for (const [kind, at] of [
      ["warning", t.warnAt],
      ["breached", t.deadlineAt],
    ] as const) {
      if (at > from && at <= to && at <= end) out.push({ metric: t.metric, kind, at });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The queuedAt ranges (after, upTo] of conversations that can have a warning or breach falling due in (from, to]
 * under this policy: one range per distinct offset (each tier's warning and deadline per metric), overlapping
 * ones merged. Lets a scheduler read only the conversations with something due instead of every open one.
 * Timers start at queuedAt (first response may start earlier, at escalatedAt, which is never after queuedAt, so
 * a caller passing escalatedAt must widen its own query).
 */
export function slaDueWindows(policy: SlaPolicy, from: number, to: number): { after: number; upTo: number }[] {
  const offsets = new Set<number>();
  for (const t of Object.values(policy.tiers)) {
    for (const target of [t.firstResponseMs, t.waitingMs]) {
      offsets.add(target);
      offsets.add(Math.floor(target * policy.warnAtFraction));
    }
  }
  const windows = [...offsets].map((o) => ({ after: from - o, upTo: to - o })).sort((a, b) => a.after - b.after);
  const merged: { after: number; upTo: number }[] = [];
  for (const w of windows) {
    const last = merged.at(-1);
    if (last && w.after <= last.upTo) last.upTo = Math.max(last.upTo, w.upTo);
    else merged.push({ ...w });
  }
  return merged;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** Reads the timers' timestamps from a stored conversation (ISO strings) and the policy's targets for its tier. */
export function slaInputFor(
  conversation: Pick<
    Conversation,
    "tier" | "queuedAt" | "assignedAt" | "firstHumanResponseAt" | "resolvedAt"
  >,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
  escalatedAt: string | null = null,
): { timestamps: SlaTimestamps; targets: SlaTargets } {
  return {
    timestamps: {
      queuedAt: ms(conversation.queuedAt),
      escalatedAt: ms(escalatedAt),
      assignedAt: ms(conversation.assignedAt),
      firstHumanResponseAt: ms(conversation.firstHumanResponseAt),
      resolvedAt: ms(conversation.resolvedAt),
    },
    targets: policy.tiers[conversation.tier ?? 1],
  };
}
