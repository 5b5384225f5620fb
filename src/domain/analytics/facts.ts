// Derives one conversation's facts from its event log and messages: the single definition every figure rests on,
// so a number on the dashboard can be traced back to the events that made it.

import { DAY_MS, utcDay } from "./calendar.ts";
import { slaFactsOf } from "./sla-attainment.ts";
import type { AgentSegment, AiOutcome, ConversationFacts, ConversationLog, FactsContext, LogEvent, LogMessage } from "./types.ts";

/** The escalation reason analytics gives an agent taking a conversation straight from the AI (no escalation event). */
export const AGENT_TAKEOVER = "agent_takeover";
export const DEFAULT_RETURN_WINDOW_MS = 7 * DAY_MS;

/** Ratings that mean an agent actually used a suggestion in a reply. */
const USED_RATINGS = new Set(["used_as_is", "edited"]);

/**
 * AI messages that give the customer nothing to be resolved by: a greeting or "anything else?", a question waiting
 * for their yes/no, the hand-over notice. A conversation in which the AI said only these and the customer left is
 * not a resolution ("hi" → "How can I help?" → gone). Messages without a kind (other responders) count as answers.
 */
const NON_RESOLVING_KINDS = new Set(["small_talk", "action_confirmation", "boundary"]);
const delivers = (m: LogMessage) => m.author === "ai" && !m.internal && !(m.kind !== undefined && NON_RESOLVING_KINDS.has(m.kind));

const isReply = (m: LogMessage) => !m.internal && (m.author === "ai" || m.author === "agent");

/** The AI's first resolution and its fate: confirmed, stood for the window, or undone by the customer coming back. */
function aiOutcomeOf(
  log: ConversationLog,
  msgs: readonly LogMessage[],
  firstCustomer: LogMessage,
  ctx: FactsContext,
): { outcome: AiOutcome; candidateAt: number | null; recheckAt: number | null } {
  const events = log.events;
  const resolvedIdx = events.findIndex((e) => e.type === "resolved");
  let candidateAt: number | null = null;
  let confirmed = false;
  let returnedAt: number | null = null;
  if (resolvedIdx >= 0) {
    const resolved = events[resolvedIdx] as LogEvent;
    candidateAt = resolved.at;
    // The customer closing it themselves is the confirmation; so is the AI closing it on the customer's "yes, that
    // helped" (customerConfirmed), and a satisfied CSAT answer to this resolution.
    confirmed = resolved.actorKind === "customer" || resolved.data.customerConfirmed === true;
    for (const e of events.slice(resolvedIdx + 1)) {
      if (e.type === "reopened") {
        returnedAt = e.at;
        break;
      }
      if (e.type === "csat" && typeof e.data.score === "number" && e.data.score >= 4) confirmed = true;
    }
  } else {
    // Never closed: the AI's last word is a candidate resolution only if nothing from the customer followed it.
    const lastPublic = [...msgs].reverse().find((m) => !m.internal && m.author !== "system");
    if (lastPublic?.author === "ai" && msgs.some(delivers)) candidateAt = lastPublic.at;
  }
  if (candidateAt === null) {
    const last = msgs.at(-1)?.at ?? firstCustomer.at;
    return ctx.now - last >= ctx.returnWindowMs
      ? { outcome: "unanswered", candidateAt: null, recheckAt: null }
      : { outcome: "pending", candidateAt: null, recheckAt: last + ctx.returnWindowMs };
  }
  if (confirmed) return { outcome: "confirmed", candidateAt, recheckAt: null };
  const windowEnd = candidateAt + ctx.returnWindowMs;
  const cameBackHere = returnedAt !== null && returnedAt <= windowEnd;
  const cameBackElsewhere = ctx.otherConversationsAt.some((t) => t > candidateAt && t <= windowEnd);
  if (cameBackHere || cameBackElsewhere) return { outcome: "returned", candidateAt, recheckAt: null };
  if (ctx.now >= windowEnd) return { outcome: "no_return", candidateAt, recheckAt: null };
  return { outcome: "pending", candidateAt, recheckAt: windowEnd };
}

/** Who held the conversation and for how long, from claim/assign/transfer to release/hand-back/resolve. */
function agentSegmentsOf(events: readonly LogEvent[], ctx: FactsContext): AgentSegment[] {
  const out: AgentSegment[] = [];
  let open: { agentId: string; start: number } | null = null;
  const close = (at: number) => {
    if (!open) return;
    const end = Math.max(open.start, at);
    out.push({ agentId: open.agentId, start: open.start, end, loadMs: (end - open.start) / Math.max(1, ctx.capacityOf(open.agentId)) });
    open = null;
  };
  for (const e of events) {
    if (e.type === "claimed" || e.type === "assigned") {
      close(e.at);
      const agentId = typeof e.data.agentId === "string" ? e.data.agentId : e.actorId;
      if (agentId) open = { agentId, start: e.at };
    } else if (e.type === "transferred") {
      close(e.at);
      if (typeof e.data.toAgentId === "string") open = { agentId: e.data.toAgentId, start: e.at };
    } else if (e.type === "released" || e.type === "handed_back" || e.type === "resolved") {
      close(e.at);
    }
  }
  // Still with an agent: counted until now, so today's utilisation includes the work in progress.
  close(ctx.now);
  return out;
}

/**
 * A resolution a person made: an agent closed it, or the customer closed it while an agent held it. The customer
 * closing it while still waiting in the queue (no assignee) is an abandonment, not a human resolution: counting it
 * would put zero-minute "handling times" and the unhappy CSAT of someone nobody helped under human-resolved.
 */
function resolvedByPerson(e: LogEvent): boolean {
  if (e.data.resolvedBy !== "human") return false;
  return !(e.actorKind === "customer" && (e.data.assigneeId === null || e.data.assigneeId === undefined));
}

/** Null when the customer never wrote: an opened widget is not an interaction. */
export function deriveFacts(log: ConversationLog, ctx: FactsContext): ConversationFacts | null {
  const msgs = [...log.messages].sort((a, b) => a.seq - b.seq);
  const firstCustomer = msgs.find((m) => m.author === "customer" && !m.internal);
  if (!firstCustomer) return null;
  const start = firstCustomer.at;
  const events = log.events;

  // The conversation left the AI for a person: escalated, or an agent took it straight from the AI (a claim or an
  // assignment before any escalation). A takeover is not the AI's resolution whatever the customer does next.
  const escalation = events.find((e) => e.type === "escalated" || e.type === "claimed" || e.type === "assigned");
  const takeover = escalation !== undefined && escalation.type !== "escalated";
  const escalated = escalation !== undefined;
  const escalatedAt = escalation?.at ?? null;

  const firstReply = msgs.find((m) => m.seq > firstCustomer.seq && isReply(m));
  const firstHumanReply =
    escalatedAt === null ? undefined : msgs.find((m) => m.author === "agent" && !m.internal && m.at >= escalatedAt);

  let aiOutcome: AiOutcome | null = null;
  let aiHandleMs: number | null = null;
  let recheckAt: number | null = null;
  if (!escalated) {
    const o = aiOutcomeOf(log, msgs, firstCustomer, ctx);
    aiOutcome = o.outcome;
    recheckAt = o.recheckAt;
    if ((o.outcome === "confirmed" || o.outcome === "no_return") && o.candidateAt !== null) aiHandleMs = o.candidateAt - start;
  }
  const aiResolved = aiOutcome === "confirmed" || aiOutcome === "no_return";

  const humanResolution = escalated ? events.find((e) => e.type === "resolved" && resolvedByPerson(e)) : undefined;
  const agentSegments = agentSegmentsOf(events, ctx);
  const humanResolved = humanResolution !== undefined;
  // Only when someone held it: an agent closing a conversation straight from the queue (spam, a duplicate) spent no
  // agent time on it, and a zero would pull the with/without-assist averages down.
  const heldBeforeResolution = humanResolved ? agentSegments.filter((s) => s.start <= humanResolution.at) : [];
  const agentHandleMs =
    heldBeforeResolution.length > 0 && humanResolution
      ? heldBeforeResolution.reduce((sum, s) => sum + (Math.min(s.end, humanResolution.at) - s.start), 0)
      : null;

  // CSAT: the last answer, attributed to whoever resolved the resolution it answered.
  let csatScore: number | null = null;
  let csatResolvedBy: "ai" | "human" | null = null;
  let lastResolvedBy: "ai" | "human" | null = null;
  let resolvedOnce = false;
  // A customer who gave up waiting in the queue rated nobody's resolution: their answer counts for neither side.
  for (const e of events) {
    if (e.type === "resolved") {
      resolvedOnce = true;
      lastResolvedBy = e.data.resolvedBy !== "human" ? "ai" : resolvedByPerson(e) ? "human" : null;
    }
    if (e.type === "csat" && typeof e.data.score === "number" && resolvedOnce) {
      csatScore = e.data.score;
      csatResolvedBy = lastResolvedBy;
    }
  }

  let promptTokens = 0;
  let completionTokens = 0;
  let costUsd = 0;
  for (const m of msgs) {
    if (m.author !== "ai") continue;
    promptTokens += m.promptTokens ?? 0;
    completionTokens += m.completionTokens ?? 0;
    costUsd += m.costUsd ?? 0;
  }
  // The agents' co-pilot (summary and draft in LLM mode) spends tokens too, and so does an AI reply dropped because
  // an agent took the conversation while the model was answering: they count in the interaction's cost.
  for (const e of events) {
    if (e.type !== "assist_usage" && e.type !== "ai_usage_dropped") continue;
    if (typeof e.data.promptTokens === "number") promptTokens += e.data.promptTokens;
    if (typeof e.data.completionTokens === "number") completionTokens += e.data.completionTokens;
  }

  const sla = escalation ? slaFactsOf(escalation, events, msgs, ctx.now, ctx.slaPolicy) : null;
  if (sla?.recheckAt != null) recheckAt = recheckAt === null ? sla.recheckAt : Math.min(recheckAt, sla.recheckAt);

  const reasons = takeover ? [AGENT_TAKEOVER] : escalation && Array.isArray(escalation.data.reasons) ? escalation.data.reasons.map(String) : [];
  const tier = escalation && !takeover && typeof escalation.data.tier === "number" ? escalation.data.tier : null;
  return {
    conversationId: log.conversationId,
    customerId: log.customerId,
    day: utcDay(start),
    startedAt: start,
    intent: firstCustomer.intent ?? "unknown",
    escalated,
    escalatedAt,
    reasons,
    tier,
    aiOutcome,
    aiResolved,
    aiHandleMs,
    recheckAt,
    humanResolved,
    humanHandleMs: humanResolution ? humanResolution.at - start : null,
    agentHandleMs,
    assisted: events.some((e) => e.type === "assist_rating" && USED_RATINGS.has(String(e.data.rating))),
    csatScore,
    csatResolvedBy,
    firstResponseMs: firstReply ? firstReply.at - start : null,
    firstHumanResponseMs: firstHumanReply && escalatedAt !== null ? firstHumanReply.at - escalatedAt : null,
    agentSegments,
    promptTokens,
    completionTokens,
    recordedCostMicros: Math.round(costUsd * 1_000_000),
    sla,
  };
}
