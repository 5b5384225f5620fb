// Extractive conversation summary for the agent: the customer's issue, what was already tried, and where
// things stand, picked from the conversation's own sentences so it is instant and never invents facts.

import { type AiMessageMeta, describeAction, readAiMeta } from "../handoff/ai-meta.ts";
import { withoutGreeting } from "../knowledge/question-core.ts";
import type { Message } from "../model.ts";
import { clip, sentences, tokenize } from "./text.ts";

export type SummaryMessage = Pick<Message, "seq" | "author" | "text" | "internal" | "meta">;

export interface ScoredSentence {
  seq: number;
  text: string;
  score: number;
}

export interface ConversationSummary {
  /** The customer's problem in their own words. */
  issue: string;
  /** What the AI and agents already tried: actions with outcomes, articles offered, replies given. */
  tried: string[];
  /** The latest state: what the customer says now. */
  current: string;
  /** Ready-to-show lines: "Issue: …", "Tried: …", "Now: …". */
  bullets: string[];
  /** The most informative customer sentences, best first (for a longer view). */
  keySentences: ScoredSentence[];
}

// Words that usually carry the problem statement in support conversations.
const PROBLEM_CUES = new Set(
  tokenize(
    `not never no cant can't cannot won't doesn't didn't isn't broken error fail failed failing wrong missing lost
    charged twice refund cancel late delayed damaged stuck locked declined unable problem issue still again
    nothing arrive arrived received crash crashes bug`,
  ),
);

const MAX_SENTENCE = 180;

/**
 * A customer sentence that says what they already did about the problem ("I already changed the bulb", "I've tried
 * restarting it", "cleared my cache, no luck"): the agent must not suggest it again, and it is not the problem itself.
 * English, where the summary's cue words are too.
 */
const CUSTOMER_TRIED =
  /(?<![\p{L}])(?:already|tried|i(?:['’]ve| have) (?:also )?(?:checked|restarted|reset|changed|cleared|reinstalled|updated|replaced|unplugged|followed|contacted|called|emailed|sent))(?![\p{L}])/iu;

function scoreSentences(customer: SummaryMessage[]): ScoredSentence[] {
  // Centroid scoring: a sentence is informative when it uses the words the customer keeps coming back to.
  const tf = new Map<string, number>();
  // "Hi," is no part of the problem an agent reads: "Issue: I ordered a tent last week and it hasn't arrived yet."
  const split = customer.map((m) =>
    sentences(withoutGreeting(m.text)).map((s) => ({ seq: m.seq, text: s, tokens: tokenize(s) })),
  );
  for (const msg of split)
    for (const s of msg) for (const t of new Set(s.tokens)) tf.set(t, (tf.get(t) ?? 0) + 1);
  const firstSeq = customer[0]?.seq;
  const out: ScoredSentence[] = [];
  for (const msg of split) {
    for (const s of msg) {
      if (s.tokens.length === 0) continue;
      let score = 0;
      for (const t of new Set(s.tokens)) score += Math.log1p(tf.get(t) ?? 0) + (PROBLEM_CUES.has(t) ? 1 : 0);
      score /= Math.sqrt(s.tokens.length + 2);
      if (s.text.includes("?")) score += 0.3;
      if (s.seq === firstSeq) score += 0.4; // the opening message usually states the problem
      if (s.tokens.length < 3) score *= 0.5; // "ok", "still nothing" carry little on their own
      out.push({ seq: s.seq, text: clip(s.text, MAX_SENTENCE), score });
    }
  }
  return out.sort((a, b) => b.score - a.score || a.seq - b.seq);
}

function triedLines(messages: SummaryMessage[], customerTried: readonly string[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  const push = (line: string) => {
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  };
  for (const m of messages) {
    if (m.internal) continue;
    if (m.author === "ai") {
      const meta: AiMessageMeta = readAiMeta(m.meta);
      for (const a of meta.actions) push(`AI ran ${describeAction(a)}`);
      const titles = meta.citations.map((c) => c.title ?? c.documentId);
      if (titles.length > 0) push(`AI answered from ${[...new Set(titles)].slice(0, 2).join(", ")}`);
      else if (meta.answered !== false && meta.actions.length === 0) {
        const first = sentences(m.text)[0];
        if (first) push(`AI said: "${clip(first, 100)}"`);
      }
    } else if (m.author === "agent") {
      const first = sentences(m.text)[0];
      if (first) push(`Agent said: "${clip(first, 100)}"`);
    }
  }
  // What the customer did themselves comes first and always shows: it is what the agent must not suggest again.
  const own = customerTried.slice(-2).map((t) => `Customer says: "${clip(t, 100)}"`);
  // The most recent attempts matter most to the person taking over.
  return [...own, ...lines.slice(-(4 - own.length))];
}

/** Builds the summary from the conversation so far; internal notes are ignored. */
export function summarizeConversation(messages: readonly SummaryMessage[]): ConversationSummary {
  const visible = messages.filter((m) => !m.internal);
  const customer = visible.filter((m) => m.author === "customer");
  const scored = scoreSentences(customer);
  const opening = new Set(customer.slice(0, 3).map((m) => m.seq));
  const customerTried = [...scored]
    .filter((s) => CUSTOMER_TRIED.test(s.text))
    .sort((a, b) => a.seq - b.seq)
    .map((s) => s.text);
  // The problem, not what the customer already did about it, unless that is all they said.
  const problem = scored.filter((s) => !customerTried.includes(s.text));
  const issue = problem.find((s) => opening.has(s.seq))?.text ?? problem[0]?.text ?? scored[0]?.text ?? "";
  const last = customer[customer.length - 1];
  const lastScored = last ? scored.find((s) => s.seq === last.seq) : undefined;
  const current =
    last && last.seq !== customer[0]?.seq ? (lastScored?.text ?? clip(last.text, MAX_SENTENCE)) : "";
  const tried = triedLines(
    visible,
    customerTried.filter((t) => t !== issue),
  );
  const bullets: string[] = [];
  if (issue) bullets.push(`Issue: ${issue}`);
  if (tried.length > 0) bullets.push(`Tried: ${tried.join("; ")}`);
  if (current && current !== issue) bullets.push(`Now: ${current}`);
  return { issue, tried, current, bullets, keySentences: scored.slice(0, 5) };
}
