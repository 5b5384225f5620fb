// The human side in motion: assigns waiting conversations to agents as capacity frees up, runs SLA timers,
// builds the handoff packet and the assist panel, records CSAT and suggestion ratings, and sends webhooks.
// No in-memory truth: every run re-reads agents and queues from the store, and each assignment is a claim under
// the conversation's row lock with a capacity check, so several nodes can run this side by side.

import {
  AssignmentIndex,
  type AssignmentConfig,
  assignableAgentFrom,
  DEFAULT_ASSIGNMENT_CONFIG,
  languagesServing,
  requiredSkill,
  skillsServing,
  normalizeLanguage,
  waitingConversationFrom,
} from "../domain/assignment/index.ts";
import {
  type AssistPanel,
  aggregateRatings,
  type CannedResponse,
  type KnowledgeHit,
  type KnowledgeSearch,
  refreshAssist,
  resolvedCaseFrom,
  SimilarCaseIndex,
  type SuggestionRating,
  suggestionId,
} from "../domain/assist/index.ts";
import { AppError, isAppError } from "../domain/errors.ts";
import {
  type AuditedAction,
  buildHandoffPacket,
  customerWaitMessage,
  type HandoffPacket,
  PACKET_HISTORY_LIMIT,
} from "../domain/handoff/index.ts";
import type { Conversation, Customer, User } from "../domain/model.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy, slaDueWindows, slaEventsBetween, slaInputFor } from "../domain/sla/index.ts";
import { type Bus, topics } from "../ports/bus.ts";
import type { Clock } from "../ports/clock.ts";
import type { Llm } from "../ports/llm.ts";
import type { SlaNoticeLedger } from "../ports/sla-notices.ts";
import type { Store } from "../ports/store.ts";
import { createAssistCopilot } from "./assist-copilot.ts";
import type { ConversationService, Logger, RaiseByMessage } from "./conversation-service.ts";

export interface WebhookPort {
  send(event: { type: string; data: Record<string, unknown> }): Promise<unknown>;
}

/** The action audit log, read for the handoff packet (the AI's failed calls, with their error codes). */
export interface ActionAuditReader {
  forConversation(conversationId: string): Promise<readonly AuditedAction[]>;
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
  /** Where the AI's action calls are audited; without it the packet shows only the actions the AI's messages name. */
  actionAudit?: ActionAuditReader | null;
}

/** Notices older than this are forgotten: their instants lie behind every node's check window. */
const SLA_PRUNE_EVERY_MS = 60 * 60_000;

const ASSIGNABLE_ROLES = new Set(["agent", "supervisor"]);
/** Long enough to gather a burst of escalations into one assignment pass, short enough to be invisible. */
const KICK_DELAY_MS = 10;

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

  /** One assignment pass: rebuild the routing snapshot from storage and claim what it decides. */
  async function assignOnce(): Promise<number> {
    const now = clock.now();
    const [users, loads] = await Promise.all([store.listUsers(), store.countOpenByAssignee()]);
    // Nobody online with a free slot: nothing can be assigned now. The queue is still read: the snapshot is what
    // customers are told their wait from, and a backlog nobody can take yet is exactly when that wait is long.
    const anyFree = users.some((u) => ASSIGNABLE_ROLES.has(u.role) && u.presence === "online" && (loads.get(u.id) ?? 0) < u.capacity);
    const waiting = await store.listConversations({ status: ["waiting_human"], limit: 10_000 });
    const index = new AssignmentIndex(assignment);
    const byId = new Map<string, User>();
    for (const u of users) {
      if (!ASSIGNABLE_ROLES.has(u.role) || u.capacity <= 0) continue;
      byId.set(u.id, u);
      index.upsertAgent(assignableAgentFrom(u, loads.get(u.id) ?? 0), now);
    }
    // Narrow by language only when somebody who can serve the conversation's tier speaks it and is working today;
    // otherwise any agent beats no agent (a speaker in another tier would never be offered it).
    const spoken = languagesServing([...byId.values()], assignment);
    // Skills the same way, and only for as long as the tier's wait target: the specialist first, then whoever is free.
    const skilled = skillsServing([...byId.values()], assignment);
    for (const c of waiting) {
      const language = normalizeLanguage(c.language);
      const requireLanguage = language !== null && (spoken.get(c.tier ?? 1)?.has(language) ?? false);
      const entry = waitingConversationFrom(c, { requireLanguage });
      entry.skill = requiredSkill({ skill: c.skill, tier: entry.tier, queuedAt: entry.queuedAt }, skilled, now, assignment);
      index.enqueue(entry);
    }
    snapshot = index;
    if (!anyFree) return 0;
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

  /**
   * Conversations back in the queue after a transfer or a release whose customer no person has answered yet:
   * conversation id → when this episode was escalated (epoch ms). Their first-response clock runs from there, not
   * from the requeue, so an agent who claims and passes a conversation on without a word does not reset it. Their
   * queuedAt moved, so the due windows below would not find them: they are checked by id while they stay here.
   */
  const requeued = new Map<string, number>();
  const longestFirstResponseMs = Math.max(...Object.values(sla.tiers).map((t) => t.firstResponseMs));

  /** The start of the current human episode: the first escalation since the conversation last went back to the AI. */
  async function episodeEscalatedAt(conversationId: string): Promise<number | null> {
    let at: number | null = null;
    for (const e of await store.listEvents(conversationId)) {
      if (e.type === "handed_back" || e.type === "reopened") at = null;
      else if (e.type === "escalated" && at === null) at = Date.parse(e.createdAt);
    }
    return at;
  }

  /** Called when a conversation enters the queue: remembers its episode start if it was there before. */
  async function trackRequeue(c: Conversation): Promise<void> {
    if (c.status !== "waiting_human" || c.queuedAt === null) return;
    const escalatedAt = await episodeEscalatedAt(c.id);
    if (escalatedAt === null || escalatedAt >= Date.parse(c.queuedAt)) return; // a fresh escalation: queuedAt is right
    if (clock.now() - escalatedAt > longestFirstResponseMs) return; // its first-response deadline is long past
    if ((await firstResponseSince(c, escalatedAt)) !== null) return;
    requeued.set(c.id, escalatedAt);
  }

  /**
   * When a person first answered the customer since `since`, or null. The stored stamp is the human episode's first
   * reply (cleared on hand-back and when the conversation leaves the AI again), so it is later replies it does not
   * record: after a transfer or release, `since` is the requeue and the stamp the earlier agent's. The messages tell
   * whether anyone has answered since (read only then, which is only when a first-response notice is about to go out).
   */
  async function firstResponseSince(c: Conversation, since: number): Promise<number | null> {
    const stamped = c.firstHumanResponseAt === null ? null : Date.parse(c.firstHumanResponseAt);
    if (stamped === null || stamped >= since) return stamped;
    const recent = await store.listMessages(c.id, { afterSeq: Math.max(0, c.lastSeq - 200), limit: 200 });
    const reply = recent.find((m) => m.author === "agent" && !m.internal && Date.parse(m.createdAt) >= since);
    return reply ? Date.parse(reply.createdAt) : null;
  }

  /** Announces the warnings and breaches of one conversation that fall due in (from, now]. */
  async function announceSla(c: Conversation, escalatedAt: number | null, from: number, now: number): Promise<void> {
    const { timestamps, targets } = slaInputFor(c, sla, escalatedAt === null ? null : new Date(escalatedAt).toISOString());
    let events = slaEventsBetween(timestamps, targets, from, now, sla.warnAtFraction);
    const start = timestamps.escalatedAt ?? timestamps.queuedAt;
    if (start !== null && events.some((e) => e.metric === "first_response")) {
      const answered = await firstResponseSince(c, start);
      if (answered !== timestamps.firstHumanResponseAt) {
        events = slaEventsBetween({ ...timestamps, firstHumanResponseAt: answered }, targets, from, now, sla.warnAtFraction);
      }
    }
    for (const e of events) {
      // Every node checks the same timers; the ledger lets exactly one of them announce each notice.
      if (deps.slaNotices && !(await deps.slaNotices.claim({ conversationId: c.id, metric: e.metric, kind: e.kind, dueAt: e.at }))) continue;
      const dueAt = new Date(e.at).toISOString();
      await bus.publish(topics.agents, { type: "sla", conversationId: c.id, level: e.kind, metric: e.metric, dueAt });
      if (e.kind === "breached") void deps.webhook?.send({ type: "sla.breached", data: { conversationId: c.id, metric: e.metric, tier: c.tier, at: dueAt } });
    }
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
    const seen = new Set<string>();
    for (const c of due) {
      seen.add(c.id);
      await announceSla(c, requeued.get(c.id) ?? null, from, now);
    }
    for (const [id, escalatedAt] of requeued) {
      const c = seen.has(id) ? null : await store.getConversation(id);
      if (c) await announceSla(c, escalatedAt, from, now);
      const current = c ?? due.find((d) => d.id === id);
      const open = current && (current.status === "waiting_human" || current.status === "human");
      const deadline = escalatedAt + sla.tiers[current?.tier ?? 1].firstResponseMs;
      // Answered in this episode (a stale stamp is only read against the messages when a notice falls due, above).
      const stamped = current?.firstHumanResponseAt ? Date.parse(current.firstHumanResponseAt) : null;
      if (!open || now >= deadline || (stamped !== null && stamped >= escalatedAt)) requeued.delete(id);
    }
    if (deps.slaNotices && now - lastSlaPrune > SLA_PRUNE_EVERY_MS) {
      lastSlaPrune = now;
      await deps.slaNotices.prune(now - SLA_PRUNE_EVERY_MS);
    }
  }

  async function indexResolved(c: Conversation): Promise<void> {
    // Per resolution, not per conversation: a reopened conversation resolved again teaches its latest resolution.
    const key = `${c.id}\u0000${c.resolvedAt}`;
    if (indexed.has(key)) return;
    indexed.add(key);
    const [messages, customer] = await Promise.all([
      store.listMessages(c.id, { limit: 200 }),
      store.getCustomer(c.customerId),
    ]);
    const resolved = resolvedCaseFrom(c, messages, customer);
    if (resolved) similar.add(resolved);
  }

  return {
    kick,
    assignOnce,
    /** The SLA targets this desk runs: the console counts down to the same ones. */
    slaPolicy: sla,

    /** What the customer is told on escalation, from the latest routing snapshot, in their language and clock. */
    queueMessage(c: Conversation, customer: Customer | null = null): string {
      const zone = customer?.attributes.timeZone;
      return customerWaitMessage(
        snapshot.replyExpectation(waitingConversationFrom(c, { requireLanguage: false }), clock.now()),
        clock.now(),
        typeof zone === "string" ? zone : "UTC",
        c.language,
      );
    },

    /** After an escalation commits: tell the outside world. */
    escalated(c: Conversation): void {
      void deps.webhook?.send({ type: "conversation.escalated", data: { conversationId: c.id, tier: c.tier, priority: c.priority, reasons: c.reasons, at: c.queuedAt } });
    },

    /**
     * After a customer's new message raised a conversation already with people: tell the outside world, as for the
     * escalation it sharpens (the console hears it on the agent stream; the assignment pass runs on its status).
     */
    reprioritised(c: Conversation, change: RaiseByMessage): void {
      void deps.webhook?.send({
        type: "conversation.reprioritised",
        data: {
          conversationId: c.id, status: c.status, assigneeId: c.assigneeId, messageSeq: change.messageSeq,
          priority: { from: change.priority.from, to: change.priority.to, explanation: change.priority.breakdown?.explanation ?? null },
          tier: { from: change.tier.from, to: change.tier.to, judged: change.tier.judged },
          tierRaiseSuggested: change.tierRaiseSuggested, reasons: c.reasons, addedReasons: change.added, at: c.updatedAt,
        },
      });
    },

    async start(): Promise<void> {
      const resolved = await store.listConversations({ status: ["resolved"], limit: 5_000 });
      for (const c of resolved) await indexResolved(c);
      // Requeues before this node started keep their first-response clock too.
      const since = clock.now() - longestFirstResponseMs;
      const moves = await store.listEventsByType(["transferred", "released"], { since });
      for (const id of new Set(moves.map((e) => e.conversationId))) {
        const c = await store.getConversation(id);
        if (c) await trackRequeue(c);
      }
      unsubscribers.push(
        bus.subscribe(topics.agents, (e) => {
          if (e.type !== "status") return;
          const c = e.conversation;
          if (c.status === "waiting_human") {
            kick();
            void trackRequeue(c).catch((err) => log.warn({ err: (err as Error).message, conversationId: c.id }, "SLA requeue check failed"));
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
      // The most recent messages, not the first ones: in a very long conversation the latest turns are what the
      // agent acts on (the packet counts the ones left out).
      const [messages, events, customer, previous, actionAudit] = await Promise.all([
        store.listMessages(conversationId, {
          includeInternal: true, afterSeq: Math.max(0, conversation.lastSeq - PACKET_HISTORY_LIMIT), limit: PACKET_HISTORY_LIMIT,
        }),
        store.listEvents(conversationId),
        store.getCustomer(conversation.customerId),
        store.listConversations({ customerId: conversation.customerId, limit: 50 }),
        deps.actionAudit?.forConversation(conversationId) ?? [],
      ]);
      return buildHandoffPacket({
        conversation, messages, events, customer, actionAudit,
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
