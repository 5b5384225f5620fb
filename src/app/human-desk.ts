// The human side in motion: assigns waiting conversations to agents as capacity frees up, runs SLA timers,
// builds the handoff packet and the assist panel, records CSAT and suggestion ratings, and sends webhooks.
// No in-memory truth: every run re-reads agents and queues from the store, and each assignment is a claim under
// the conversation's row lock with a capacity check, so several nodes can run this side by side.

import {
  AssignmentIndex,
  type AssignmentConfig,
  assignableAgentFrom,
  DEFAULT_ASSIGNMENT_CONFIG,
  waitingConversationFrom,
} from "../domain/assignment/index.ts";
import {
  type AssistPanel,
  aggregateRatings,
  type CannedResponse,
  type KnowledgeHit,
  type KnowledgeSearch,
  refreshAssist,
  type ResolvedCase,
  SimilarCaseIndex,
  type SuggestionRating,
  suggestionId,
} from "../domain/assist/index.ts";
import { AppError, isAppError } from "../domain/errors.ts";
import { buildHandoffPacket, customerWaitMessage, type HandoffPacket } from "../domain/handoff/index.ts";
import type { Conversation, Message, User } from "../domain/model.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy, slaDueWindows, slaEventsBetween, slaInputFor } from "../domain/sla/index.ts";
import { type Bus, topics } from "../ports/bus.ts";
import type { Clock } from "../ports/clock.ts";
import type { Llm } from "../ports/llm.ts";
import type { SlaNoticeLedger } from "../ports/sla-notices.ts";
import type { Store } from "../ports/store.ts";
import { createAssistCopilot } from "./assist-copilot.ts";
import type { ConversationService, Logger } from "./conversation-service.ts";

export interface WebhookPort {
  send(event: { type: string; data: Record<string, unknown> }): Promise<unknown>;
}

export interface HumanDeskDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  log: Logger;
  conversations: ConversationService;
  /** The current canned-response library (admins edit it at run time, so it is read on every refresh). */
  cannedResponses: () => readonly CannedResponse[];
  searchKnowledge?: KnowledgeSearch;
  webhook?: WebhookPort | null;
  /** The configured LLM: adds the co-pilot's summary and draft reply to the assist panel. */
  llm?: Llm | null;
  /** Budget of the co-pilot's model call per panel refresh (ASSIST_LLM_TIMEOUT_MS); 0 turns the co-pilot off. */
  assistLlmTimeoutMs?: number;
  assignment?: AssignmentConfig;
  sla?: SlaPolicy;
  /** How often timers are checked; assignment also runs right after anything that changes the queue. */
  tickMs?: number;
  /** Shared record of announced SLA notices, so several nodes announce each once; without it, every check announces. */
  slaNotices?: SlaNoticeLedger;
}

/** Notices older than this are forgotten: their instants lie behind every node's check window. */
const SLA_PRUNE_EVERY_MS = 60 * 60_000;

const ASSIGNABLE_ROLES = new Set(["agent", "supervisor"]);
/** Long enough to gather a burst of escalations into one assignment pass, short enough to be invisible. */
const KICK_DELAY_MS = 10;

function resolvedCaseOf(c: Conversation, messages: readonly Message[]): ResolvedCase {
  const customer = messages.filter((m) => m.author === "customer").slice(0, 3).map((m) => m.text);
  const agentLines = messages.filter((m) => m.author === "agent").slice(-2).map((m) => m.text);
  return {
    conversationId: c.id,
    issueText: customer.join(" "),
    resolutionCode: c.resolutionCode ?? "resolved",
    resolutionNotes: agentLines.join(" "),
    resolvedAt: c.resolvedAt ?? undefined,
  };
}

export function createHumanDesk(deps: HumanDeskDeps) {
  const { store, bus, clock, log, conversations } = deps;
  const assignment = deps.assignment ?? DEFAULT_ASSIGNMENT_CONFIG;
  const sla = deps.sla ?? DEFAULT_SLA_POLICY;
  const similar = new SimilarCaseIndex();
  const assistLlmTimeoutMs = deps.assistLlmTimeoutMs ?? 4000;
  const copilot =
    deps.llm && assistLlmTimeoutMs > 0
      ? createAssistCopilot({ llm: deps.llm, store, clock, log, timeoutMs: assistLlmTimeoutMs })
      : null;
  const indexed = new Set<string>();
  let snapshot = new AssignmentIndex(assignment);
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  let lastSlaCheck = clock.now();
  let lastSlaPrune = lastSlaCheck;
  const unsubscribers: (() => void)[] = [];

  async function knownLanguages(users: User[]): Promise<Set<string>> {
    return new Set(users.flatMap((u) => u.languages.map((l) => l.toLowerCase())));
  }

  /** One assignment pass: rebuild the routing snapshot from storage and claim what it decides. */
  async function assignOnce(): Promise<number> {
    const now = clock.now();
    const [users, loads] = await Promise.all([store.listUsers(), store.countOpenByAssignee()]);
    // Nobody online with a free slot: nothing can be assigned, so the queue is not even read.
    const anyFree = users.some((u) => ASSIGNABLE_ROLES.has(u.role) && u.presence === "online" && (loads.get(u.id) ?? 0) < u.capacity);
    if (!anyFree) {
      const index = new AssignmentIndex(assignment);
      for (const u of users) if (ASSIGNABLE_ROLES.has(u.role) && u.capacity > 0) index.upsertAgent(assignableAgentFrom(u, loads.get(u.id) ?? 0), now);
      snapshot = index;
      return 0;
    }
    const waiting = await store.listConversations({ status: ["waiting_human"], limit: 10_000 });
    const languages = await knownLanguages(users);
    const index = new AssignmentIndex(assignment);
    const byId = new Map<string, User>();
    for (const u of users) {
      if (!ASSIGNABLE_ROLES.has(u.role) || u.capacity <= 0) continue;
      byId.set(u.id, u);
      index.upsertAgent(assignableAgentFrom(u, loads.get(u.id) ?? 0), now);
    }
    for (const c of waiting) {
      // Narrow by language only when somebody on the team speaks it; otherwise any agent beats no agent.
      index.enqueue(waitingConversationFrom(c, { requireLanguage: Boolean(c.language && languages.has(c.language)) }));
    }
    snapshot = index;
    let done = 0;
    for (const a of index.drain(now)) {
      const agent = byId.get(a.agentId);
      if (!agent) continue;
      try {
        await conversations.claim(a.conversationId, agent, { auto: true });
        done++;
        void deps.webhook?.send({ type: "conversation.assigned", data: { conversationId: a.conversationId, agentId: agent.id, overflow: a.overflow, waitedMs: a.waitedMs } });
      } catch (err) {
        // Another node or a manual claim got there first, or the agent filled up meanwhile: the next pass decides again.
        if (!isAppError(err)) log.warn({ err: (err as Error).message, conversationId: a.conversationId }, "auto-assignment failed");
      }
    }
    return done;
  }

  /** Coalesces bursts of triggers (a few ms apart) into one pass, and triggers during a pass into one more. */
  function kick(): void {
    if (running) {
      again = true;
      return;
    }
    if (kickTimer) return;
    kickTimer = setTimeout(() => {
      kickTimer = null;
      run();
    }, KICK_DELAY_MS);
  }

  function run(): void {
    running = (async () => {
      do {
        again = false;
        try {
          await assignOnce();
        } catch (err) {
          log.warn({ err: (err as Error).message }, "assignment pass failed");
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
  }

  async function checkSla(): Promise<void> {
    const now = clock.now();
    const from = lastSlaCheck;
    lastSlaCheck = now;
    // Only conversations with a warning or breach falling due in this tick: reading every open conversation each
    // second was a visible stall under load (and grows with the queue).
    const due = await store.listConversations({
      status: ["waiting_human", "human"], queuedWithin: slaDueWindows(sla, from, now), limit: 10_000,
    });
    for (const c of due) {
      const { timestamps, targets } = slaInputFor(c, sla);
      for (const e of slaEventsBetween(timestamps, targets, from, now, sla.warnAtFraction)) {
        // Every node checks the same timers; the ledger lets exactly one of them announce each notice.
        if (deps.slaNotices && !(await deps.slaNotices.claim({ conversationId: c.id, metric: e.metric, kind: e.kind, dueAt: e.at }))) continue;
        const dueAt = new Date(e.at).toISOString();
        await bus.publish(topics.agents, { type: "sla", conversationId: c.id, level: e.kind, metric: e.metric, dueAt });
        if (e.kind === "breached") void deps.webhook?.send({ type: "sla.breached", data: { conversationId: c.id, metric: e.metric, tier: c.tier, at: dueAt } });
      }
    }
    if (deps.slaNotices && now - lastSlaPrune > SLA_PRUNE_EVERY_MS) {
      lastSlaPrune = now;
      await deps.slaNotices.prune(now - SLA_PRUNE_EVERY_MS);
    }
  }

  async function indexResolved(c: Conversation): Promise<void> {
    if (indexed.has(c.id)) return;
    indexed.add(c.id);
    const messages = await store.listMessages(c.id, { limit: 200 });
    similar.add(resolvedCaseOf(c, messages));
  }

  return {
    kick,
    assignOnce,

    /** What the customer is told on escalation, from the latest routing snapshot. */
    queueMessage(c: Conversation): string {
      return customerWaitMessage(snapshot.replyExpectation(waitingConversationFrom(c, { requireLanguage: false }), clock.now()), clock.now(), "UTC", c.language);
    },

    /** After an escalation commits: tell the outside world. */
    escalated(c: Conversation): void {
      void deps.webhook?.send({ type: "conversation.escalated", data: { conversationId: c.id, tier: c.tier, reasons: c.reasons, at: c.queuedAt } });
    },

    async start(): Promise<void> {
      const resolved = await store.listConversations({ status: ["resolved"], limit: 5_000 });
      for (const c of resolved) await indexResolved(c);
      unsubscribers.push(
        bus.subscribe(topics.agents, (e) => {
          if (e.type !== "status") return;
          const c = e.conversation;
          if (c.status === "waiting_human") {
            kick();
          } else if (c.status === "resolved" || c.status === "ai") {
            kick(); // capacity freed
            if (c.status === "resolved") void indexResolved(c).catch(() => {});
          }
        }),
      );
      const tick = deps.tickMs ?? 1000;
      let ticks = 0;
      timer = setInterval(() => {
        ticks++;
        void checkSla().catch((err) => log.warn({ err: (err as Error).message }, "SLA check failed"));
        if (ticks % 5 === 0) kick(); // overflow targets and business hours move with time
      }, tick);
      timer.unref();
      kick();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      if (kickTimer) clearTimeout(kickTimer);
      for (const off of unsubscribers.splice(0)) off();
      await running;
    },

    async packet(conversationId: string): Promise<HandoffPacket> {
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
      const [messages, events, customer, previous] = await Promise.all([
        store.listMessages(conversationId, { includeInternal: true, limit: 1000 }),
        store.listEvents(conversationId),
        store.getCustomer(conversation.customerId),
        store.listConversations({ customerId: conversation.customerId, limit: 50 }),
      ]);
      return buildHandoffPacket({
        conversation, messages, events, customer,
        previousConversations: previous.filter((c) => c.id !== conversationId),
      });
    },

    async assist(conversationId: string, agent: User | null): Promise<AssistPanel> {
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
      const [messages, customer, previous] = await Promise.all([
        store.listMessages(conversationId, { includeInternal: true, afterSeq: Math.max(0, conversation.lastSeq - 200), limit: 200 }),
        store.getCustomer(conversation.customerId),
        store.listConversations({ customerId: conversation.customerId, limit: 50 }),
      ]);
      // The co-pilot grounds its draft in the same passages the panel suggests: keep them from the one search.
      let passages: KnowledgeHit[] = [];
      const search = deps.searchKnowledge;
      const searchKnowledge: KnowledgeSearch | undefined = search
        ? async (query, k) => (passages = await search(query, k))
        : undefined;
      const panel = await refreshAssist(
        { conversation, messages, customer, agent, previousConversations: previous.filter((c) => c.id !== conversationId) },
        { cannedResponses: deps.cannedResponses(), searchKnowledge, similarCases: similar },
      );
      if (!copilot) return panel;
      const language = conversation.language ?? [...messages].reverse().find((m) => m.author === "customer" && m.triage)?.triage?.language ?? null;
      const extra = await copilot.refresh({ conversationId, messages, passages, language, customerName: customer?.name ?? null });
      if (!extra) return panel;
      return {
        ...panel,
        ...(extra.summary
          ? { llmSummary: { id: suggestionId("summary", conversationId, `llm\u0000${extra.basedOnSeq}`), type: "summary" as const, ...extra.summary } }
          : {}),
        ...(extra.draft
          ? { draft: { id: suggestionId("draft", conversationId, String(extra.basedOnSeq)), type: "draft" as const, ...extra.draft } }
          : {}),
      };
    },

    async rate(agent: User, conversationId: string, input: Pick<SuggestionRating, "suggestionId" | "suggestionType" | "rating">): Promise<void> {
      const r = await store.withConversation(conversationId, (unit) =>
        unit.appendEvent({ type: "assist_rating", actorKind: "agent", actorId: agent.id, data: { ...input } }),
      );
      if (!r.found) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
    },

    async ratingSummary(since = 0) {
      const events = await store.listEventsByType(["assist_rating"], { since });
      const ratings: SuggestionRating[] = events.map((e) => ({
        suggestionId: String(e.data.suggestionId),
        suggestionType: e.data.suggestionType as SuggestionRating["suggestionType"],
        rating: e.data.rating as SuggestionRating["rating"],
        conversationId: e.conversationId,
        agentId: e.actorId ?? "",
        createdAt: e.createdAt,
      }));
      return aggregateRatings(ratings);
    },

    /** The customer's satisfaction answer, once per resolution. */
    async csat(conversationId: string, input: { score: number; comment?: string }): Promise<void> {
      const current = await store.getConversation(conversationId);
      if (!current) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
      const answered = (await store.listEvents(conversationId)).some((e) => e.type === "csat" && e.data.resolvedAt === current.resolvedAt);
      if (answered) throw new AppError("CSAT_ALREADY_ANSWERED", "this resolution was already rated");
      const r = await store.withConversation(conversationId, async (unit) => {
        if (unit.conversation.status !== "resolved") throw new AppError("INVALID_TRANSITION", "CSAT is asked once the conversation is resolved");
        await unit.appendEvent({ type: "csat", actorKind: "customer", actorId: unit.conversation.customerId, data: { score: input.score, comment: input.comment ?? null, resolvedAt: unit.conversation.resolvedAt } });
      });
      if (!r.found) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
    },

    similarCases: similar,
  };
}

export type HumanDesk = ReturnType<typeof createHumanDesk>;
