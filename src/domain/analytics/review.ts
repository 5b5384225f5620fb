// Escalation review: reviewers' verdicts and the patterns they form by reason, intent and tier over time; the
// extractive knowledge-article draft from a resolved conversation; and the weekly digest.

import { z } from "zod";
import type { GapCluster } from "./gaps.ts";
import type { ReasonCount } from "./figures.ts";
import type { Figures } from "./types.ts";

export const VERDICTS = ["correct", "too_early", "too_late", "unnecessary"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Reasons that mean the AI could not answer: their questions are knowledge-gap candidates. */
export const GAP_REASONS = ["cannot_answer", "out_of_scope", "low_confidence"] as const;

export const reviewInputSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    note: z.string().trim().max(2000).optional(),
    /** The intent the triggering message really had; becomes a labelled training example. */
    correctedIntent: z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, "an intent label is letters, digits, _ . -").optional(),
  })
  .strict();
export type ReviewInput = z.infer<typeof reviewInputSchema>;

export interface ReviewedEscalation {
  escalatedAt: number;
  verdict: string;
  intent: string;
  tier: number | null;
  reasons: readonly string[];
}

export interface PatternRow {
  /** Monday of the week (UTC), YYYY-MM-DD. */
  week: string;
  key: string;
  verdicts: Record<Verdict, number>;
  total: number;
}

export function weekOf(ms: number): string {
  const d = new Date(ms);
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

const zeroVerdicts = (): Record<Verdict, number> => ({ correct: 0, too_early: 0, too_late: 0, unnecessary: 0 });

/** Verdict counts per week and per reason (each reason of a multi-reason escalation counts), intent or tier. */
export function reviewPatterns(reviews: readonly ReviewedEscalation[], by: "reason" | "intent" | "tier"): PatternRow[] {
  const rows = new Map<string, PatternRow>();
  for (const r of reviews) {
    if (!(VERDICTS as readonly string[]).includes(r.verdict)) continue;
    const keys = by === "reason" ? [...new Set(r.reasons.length ? r.reasons : ["none"])] : by === "intent" ? [r.intent] : [r.tier === null ? "none" : `tier ${r.tier}`];
    const week = weekOf(r.escalatedAt);
    for (const key of keys) {
      const id = `${week}\u0000${key}`;
      const row = rows.get(id) ?? { week, key, verdicts: zeroVerdicts(), total: 0 };
      row.verdicts[r.verdict as Verdict]++;
      row.total++;
      rows.set(id, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.week.localeCompare(b.week) || b.total - a.total || a.key.localeCompare(b.key));
}

export interface DraftMessage {
  author: string;
  internal: boolean;
  text: string;
}

export interface ArticleDraft {
  title: string;
  question: string;
  answer: string;
  body: string;
}

const sentenceCase = (s: string) => (s ? s[0]?.toUpperCase() + s.slice(1) : s);

/**
 * An extractive draft: the customer's question (their opening messages) and the agent's answer (their public
 * replies, minus greetings and sign-offs). Nothing is invented; an editor turns it into an article.
 */
export function draftArticle(messages: readonly DraftMessage[]): ArticleDraft | null {
  const visible = messages.filter((m) => !m.internal && m.text.trim() !== "");
  const firstAgent = visible.findIndex((m) => m.author === "agent");
  if (firstAgent < 0) return null;
  const question = visible.slice(0, firstAgent).filter((m) => m.author === "customer").map((m) => m.text.trim()).slice(0, 3).join("\n");
  const pleasantry = /^(hi|hello|hey|thanks|thank you|you're welcome|no problem|have a (great|nice) day|bye)\b[^.!?]*[.!?]?\s*$/i;
  const answerLines = visible
    .slice(firstAgent)
    .filter((m) => m.author === "agent")
    .map((m) => m.text.trim())
    .filter((t) => !pleasantry.test(t));
  if (!question || answerLines.length === 0) return null;
  const firstSentence = (question.split(/(?<=[.!?])\s+|\n/)[0] ?? question).replace(/[.!?]+$/, "");
  const title = sentenceCase(firstSentence.length > 80 ? `${firstSentence.slice(0, 77).trimEnd()}…` : firstSentence);
  const answer = answerLines.join("\n\n");
  return { title, question, answer, body: `## ${title}\n\n**Question.** ${question}\n\n**Answer.** ${answer}\n` };
}

export interface DigestInput {
  weekStart: string;
  weekEnd: string;
  /** IANA zone of the week's days. */
  timeZone: string;
  current: Figures;
  previous: Figures;
  reasons: readonly ReasonCount[];
  gaps: readonly GapCluster[];
  verdicts: Record<Verdict, number>;
  escalationTarget: { low: number; high: number };
}

export interface Digest {
  title: string;
  weekStart: string;
  weekEnd: string;
  timeZone: string;
  highlights: string[];
  figures: { current: Figures; previous: Figures };
  topReasons: ReasonCount[];
  topGaps: { representative: string; count: number; terms: string[] }[];
  verdicts: Record<Verdict, number>;
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);
const delta = (a: number | null, b: number | null) =>
  a === null || b === null ? "" : ` (${a >= b ? "+" : "−"}${(100 * Math.abs(a - b)).toFixed(1)} pts vs the week before)`;

/** The weekly summary sent to the digest page and webhook: the figures that moved and what to fix next. */
export function buildDigest(d: DigestInput): Digest {
  const c = d.current;
  const highlights = [
    // A digest goes out the day after its week: the last days' silent AI answers are still inside the return
    // window, left out of the rate until decided, and the reader must know how many that is.
    `${c.conversations} conversations; the AI resolved ${pct(c.aiResolutionRate)} at first contact${delta(c.aiResolutionRate, d.previous.aiResolutionRate)}` +
      (c.aiPending > 0 ? `, with ${c.aiPending} still inside the return window and not yet counted.` : "."),
    `Escalation rate ${pct(c.escalationRate)}${delta(c.escalationRate, d.previous.escalationRate)}; target ${pct(d.escalationTarget.low)}–${pct(d.escalationTarget.high)}` +
      (c.escalationRate === null ? "." : c.escalationRate > d.escalationTarget.high ? " — above target." : c.escalationRate < d.escalationTarget.low ? " — below target: check for missed escalations." : " — on target."),
  ];
  if (c.csatAi !== null || c.csatHuman !== null) {
    highlights.push(`CSAT ${c.csatAi === null ? "n/a" : c.csatAi.toFixed(2)} for AI-resolved and ${c.csatHuman === null ? "n/a" : c.csatHuman.toFixed(2)} for human-resolved conversations.`);
  }
  const top = d.reasons[0];
  if (top) highlights.push(`Most common escalation reason: ${top.reason} (${top.count}).`);
  const gap = d.gaps[0];
  if (gap) highlights.push(`Biggest knowledge gap: "${gap.representative}" (${gap.count} question${gap.count === 1 ? "" : "s"}).`);
  const reviewed = Object.values(d.verdicts).reduce((a, b) => a + b, 0);
  if (reviewed > 0) highlights.push(`${reviewed} escalations reviewed: ${d.verdicts.unnecessary} unnecessary, ${d.verdicts.too_early} too early, ${d.verdicts.too_late} too late.`);
  return {
    title: `Tandem weekly digest, ${d.weekStart} to ${d.weekEnd}${d.timeZone === "UTC" ? "" : ` (${d.timeZone})`}`,
    weekStart: d.weekStart,
    weekEnd: d.weekEnd,
    timeZone: d.timeZone,
    highlights,
    figures: { current: d.current, previous: d.previous },
    topReasons: d.reasons.slice(0, 5),
    topGaps: d.gaps.slice(0, 5).map((g) => ({ representative: g.representative, count: g.count, terms: g.terms })),
    verdicts: d.verdicts,
  };
}
