// Conversation use cases: every state change runs under the conversation's row lock, asks the pure state machine,
// writes the message/state/event together, and publishes to the bus only after the commit.

import { boundaryMessage } from "../domain/answer/messages.ts";
import { type Reprioritisation, reprioritise } from "../domain/conversation/reprioritise.ts";
import { conversationLanguageAfter } from "../domain/conversation/language.ts";
import { decide, type Command, type OwnershipState } from "../domain/conversation/state-machine.ts";
import { AppError } from "../domain/errors.ts";
import { agentJoinedMessage, boundaryMeta, customerNotice } from "../domain/handoff/index.ts";
import type { Conversation, Customer, EscalationReason, Message, Tier, TriageResult, User } from "../domain/model.ts";
import { escalationPriority } from "../domain/triage/routing.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRules, skillForIntent } from "../domain/triage/routing-rules.ts";
import { type Bus, type StreamEvent, topics } from "../ports/bus.ts";
import type { Clock } from "../ports/clock.ts";
import type { TokenUsage } from "../ports/llm.ts";
import type { Responder, ResponderOutcome } from "../ports/responder.ts";
import type { ConversationUnit, NewMessage, Store, Turn, UnitPrefetch } from "../ports/store.ts";

/** The event a dropped AI reply's token usage is recorded as (see recordDroppedUsage). */
export const DROPPED_AI_USAGE_EVENT = "ai_usage_dropped";

/** The idempotency key of the AI's reply to customer message `seq`: one reply per message, whoever sends it. */
const aiReplyKey = (seq: number) => `ai:reply:${seq}`;

/** Turns of history triage reads for trend and repetition cues. */
const TRIAGE_TURNS = 20;

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A raise of a conversation already with people, and the customer message (seq) that called for it. */
export type RaiseByMessage = Reprioritisation & { messageSeq: number };

/** Decides, for a new customer message in an AI-owned conversation, whether people must take over. */
export interface InboundTriage {
  triage(input: { text: string; history: Turn[]; conversation: Conversation; customer: Customer | null }): TriageResult;
  /** The routing rules triage decides with; they also set queue priority (the defaults when absent). */
  rules?(): RoutingRules;
}

export interface ConversationServiceDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  log: Logger;
  responder?: Responder | null;
  triage?: InboundTriage | null;
  /** How long the responder may take before the conversation goes to a person. */
  responderTimeoutMs?: number;
  /** The customer-facing text on escalation (with the expected wait when the assignment engine knows it). */
  queueMessage?: (conversation: Conversation, customer: Customer | null) => string;
  /** Called once per escalation out of the AI, after commit (metrics, webhooks). */
  onEscalated?: (conversation: Conversation) => void;
  /**
   * Called after commit when a customer's new message raised a queued or held conversation's priority, reasons or
   * tier (webhooks). `messageSeq` is the message that did it.
   */
  onReprioritised?: (conversation: Conversation, change: RaiseByMessage) => void;
  /** Called after a conversation is queued for people (assignment engine hook). */
  onQueued?: (conversation: Conversation) => void;
  /** Called when an AI reply is dropped because the conversation left the AI (metrics hook). */
  onAiDropped?: (conversationId: string) => void;
}

export type Actor = { kind: "customer"; customerId: string } | { kind: "agent"; user: User } | { kind: "ai" } | { kind: "system" };

interface Outbox {
  events: StreamEvent[];
  /** Conversations that left the AI for the queue in this unit (for metrics and webhooks, after commit). */
  escalated: Conversation[];
  /** Raises of a conversation already with people, made in this unit (for webhooks, after commit). */
  reprioritised: { conversation: Conversation; change: RaiseByMessage }[];
}

const emptyOutbox = (): Outbox => ({ events: [], escalated: [], reprioritised: [] });

const stateOf = (c: Conversation): OwnershipState => ({ status: c.status, assigneeId: c.assigneeId, tier: c.tier, reasons: c.reasons });

function transitionOrThrow(c: Conversation, cmd: Command) {
  const t = decide(stateOf(c), cmd);
  if (!t.ok) throw new AppError(t.error, t.detail);
  return t;
}


/**
 * Unresolved AI turns after an AI message: answers and actions count, small talk ("How can I help?") does not, and
 * a customer who confirmed the previous answer before asking something new starts the count again.
 */
function aiTurnsAfter(current: number, meta: Record<string, unknown> | null | undefined): number {
  const base = meta?.previousConfirmed === true ? 0 : current;
  return meta?.kind === "small_talk" ? base : base + 1;
}

export function createConversationService(deps: ConversationServiceDeps) {
  const { store, bus, clock, log } = deps;
  const pending = new Set<Promise<unknown>>();

  async function publish(outbox: Outbox, conversationId: string): Promise<void> {
    // One bus message per topic for all of a unit's events, in order. Agents see customer-facing traffic and
    // status changes of every conversation; internal notes too.
    await bus.publishAll([topics.conversation(conversationId), topics.agents], outbox.events);
  }

  /** Runs fn under the conversation lock, then publishes what it queued. */
  async function mutate<T>(
    conversationId: string,
    fn: (unit: ConversationUnit, outbox: Outbox) => Promise<T>,
    prefetch?: UnitPrefetch,
  ): Promise<T> {
    let outbox = emptyOutbox();
    // Fresh per run: the store may run the unit again after a write conflict, and only the run that committed speaks.
    const result = await store.withConversation(conversationId, (unit) => fn(unit, (outbox = emptyOutbox())), prefetch);
    if (!result.found) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
    await publish(outbox, conversationId);
    for (const c of outbox.escalated) deps.onEscalated?.(c);
    for (const r of outbox.reprioritised) deps.onReprioritised?.(r.conversation, r.change);
    return result.value;
  }

  async function insert(unit: ConversationUnit, outbox: Outbox, m: NewMessage): Promise<Message> {
    const message = await unit.insertMessage(m);
    outbox.events.push({ type: "message", message });
    return message;
  }

  async function changeState(
    unit: ConversationUnit,
    outbox: Outbox,
    event: string,
    patch: Parameters<ConversationUnit["update"]>[0],
    actor: Actor,
    data: Record<string, unknown> = {},
  ): Promise<Conversation> {
    const from = unit.conversation.status;
    const conversation = await unit.update(patch);
    await unit.appendEvent({
      type: event,
      actorKind: actor.kind === "agent" ? "agent" : actor.kind === "customer" ? "customer" : actor.kind === "ai" ? "ai" : "system",
      actorId: actor.kind === "agent" ? actor.user.id : actor.kind === "customer" ? actor.customerId : null,
      data: { from, to: conversation.status, ...data },
    });
    outbox.events.push({ type: "status", conversation });
    return conversation;
  }

  async function escalateInUnit(
    unit: ConversationUnit,
    outbox: Outbox,
    tier: Tier,
    reasons: EscalationReason[],
    actor: Actor,
    extra: Record<string, unknown> = {},
    intent: string | null = null,
  ): Promise<Conversation | null> {
    const t = transitionOrThrow(unit.conversation, { kind: "escalate", tier, reasons });
    if (!t.event) return null;
    const firstQueue = unit.conversation.status === "ai";
    const customer = await unit.customer();
    const rules = deps.triage?.rules?.() ?? DEFAULT_ROUTING_RULES;
    // Priority follows the episode's reasons (a re-escalation while queued adds some) and who the customer is; the
    // event keeps its make-up so the packet can tell the agent why this one was served first.
    const priority = escalationPriority(t.next.reasons, customer?.attributes, rules);
    // The skill of what escalated it; a later escalation in the same episode only fills one in that was missing.
    const intentSkill = skillForIntent(intent, rules);
    const skill = firstQueue ? intentSkill : unit.conversation.skill === null && intentSkill !== null ? intentSkill : undefined;
    const c = await changeState(
      unit,
      outbox,
      t.event,
      {
        status: t.next.status, tier: t.next.tier, reasons: t.next.reasons, priority: priority.priority, skill,
        queuedAt: firstQueue ? clock.now() : undefined,
        // A new human episode: nobody has answered in it yet (a stamp from before a hand-back is not this one's).
        firstHumanResponseAt: firstQueue ? null : undefined,
      },
      actor,
      { tier: t.next.tier, reasons: t.next.reasons, priority, ...(skill != null ? { skill } : {}), ...extra },
    );
    if (firstQueue) {
      outbox.escalated.push(c);
      const text = deps.queueMessage ? deps.queueMessage(c, customer) : customerNotice("queued", c.language);
      await insert(unit, outbox, { author: "system", text, meta: { kind: "queued", tier: t.next.tier } });
    }
    return c;
  }

  /**
   * A customer wrote while people have the conversation: when triage judged the message more serious than what
   * escalated it, raise the priority (never lower it), merge the reasons, move a queued conversation up to the judged
   * tier and tell the agent who holds one. Queue and response timestamps are left alone: SLA clocks keep running.
   */
  async function reprioritiseInUnit(unit: ConversationUnit, outbox: Outbox, triage: TriageResult, messageSeq: number): Promise<void> {
    const customer = await unit.customer();
    const rules = deps.triage?.rules?.() ?? DEFAULT_ROUTING_RULES;
    const change = reprioritise(unit.conversation, triage, customer?.attributes, rules);
    if (!change) return;
    const skill = change.skill.to !== change.skill.from ? change.skill.to : undefined;
    const c = await changeState(
      unit,
      outbox,
      "reprioritised",
      { tier: change.tier.to, reasons: change.reasons, priority: change.priority.to, skill },
      { kind: "system" },
      {
        // `priority` has the make-up escalations record, so the packet explains the new value the same way.
        ...(change.priority.breakdown ? { priority: change.priority.breakdown } : {}),
        priorityFrom: change.priority.from, priorityTo: change.priority.to,
        tierFrom: change.tier.from, tier: change.tier.to, judgedTier: change.tier.judged, tierRaiseSuggested: change.tierRaiseSuggested,
        reasons: change.reasons, addedReasons: change.added, assigneeId: unit.conversation.assigneeId, messageSeq,
        ...(skill !== undefined ? { skillFrom: change.skill.from, skill } : {}),
      },
    );
    if (change.agentNote) {
      await insert(unit, outbox, {
        author: "system", internal: true, text: change.agentNote,
        meta: {
          kind: "reprioritised", priorityFrom: change.priority.from, priorityTo: change.priority.to,
          tier: change.tier.to, judgedTier: change.tier.judged, addedReasons: change.added, messageSeq,
        },
      });
    }
    outbox.reprioritised.push({ conversation: c, change: { ...change, messageSeq } });
  }

  function track<T>(p: Promise<T>): void {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  /** Conversations whose AI reply this node is working on, so the recovery sweep leaves them alone. */
  const answering = new Set<string>();

  function startResponder(conversationId: string, message: Message): void {
    answering.add(conversationId);
    track(
      runResponder(conversationId, message)
        .catch((err) => log.error({ conversationId, err: (err as Error).message }, "AI pipeline failed"))
        .finally(() => answering.delete(conversationId)),
    );
  }

  async function runResponder(conversationId: string, message: Message): Promise<void> {
    const responder = deps.responder;
    if (!responder) return;
    const conversation = await store.getConversation(conversationId);
    if (!conversation || conversation.status !== "ai") return;
    const [customer, history] = await Promise.all([
      store.getCustomer(conversation.customerId),
      store.listMessages(conversationId, { afterSeq: Math.max(0, message.seq - 40) }),
    ]);
    await bus.publish(topics.conversation(conversationId), { type: "typing", conversationId, author: "ai" });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deps.responderTimeoutMs ?? 30_000);
    let outcome: ResponderOutcome;
    try {
      outcome = await responder.respond({ conversation, customer, message, history, signal: controller.signal });
    } catch (err) {
      log.warn({ conversationId, err: (err as Error).message }, "responder failed; handing over to a person");
      outcome = { kind: "escalate", tier: 1, reasons: ["ai_error"] };
    } finally {
      clearTimeout(timer);
    }
    if (outcome.kind === "none") return;
    if (outcome.kind === "reply") {
      await service.postAiMessage(conversationId, { text: outcome.text, meta: outcome.meta ?? null, replyTo: message.seq });
      return;
    }
    const key = aiReplyKey(message.seq);
    await mutate(conversationId, async (unit, outbox) => {
      if (await unit.findMessageByKey(key)) return; // another run already answered this message
      if (unit.conversation.status !== "ai") {
        // A person already has it: the AI's parting words, if any, are dropped with the escalation.
        if (outcome.text) deps.onAiDropped?.(conversationId);
        await recordDroppedUsage(unit, outcome.meta);
        return;
      }
      if (outcome.text) await insert(unit, outbox, { author: "ai", text: outcome.text, meta: outcome.meta ?? null, idempotencyKey: key });
      // The notice after the AI's parting words is in their language, and an agent who speaks it takes over.
      if (outcome.text && outcome.language && outcome.language !== unit.conversation.language)
        await unit.update({ language: outcome.language });
      await escalateInUnit(unit, outbox, outcome.tier, outcome.reasons, { kind: "ai" }, {}, message.triage?.intent ?? null);
    });
    const after = await store.getConversation(conversationId);
    if (after?.status === "waiting_human") deps.onQueued?.(after);
  }

  /**
   * The tokens a reply nobody will read still cost: recorded as an event that analytics counts with the stored
   * replies' usage (an agent took the conversation while the model was answering).
   */
  async function recordDroppedUsage(unit: ConversationUnit, meta: Record<string, unknown> | null | undefined): Promise<void> {
    const usage = meta?.usage as Partial<TokenUsage> | null | undefined;
    if (!usage || typeof usage.promptTokens !== "number" || typeof usage.completionTokens !== "number") return;
    await unit.appendEvent({
      type: DROPPED_AI_USAGE_EVENT,
      actorKind: "ai",
      data: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens: usage.totalTokens ?? null },
    });
  }

  const service = {
    /**
     * `verified`: the host site signed this externalId and email (see the server's customer identity check). Only
     * then do they name a customer record, with its history, attributes and account actions. An unverified visitor
     * gets a record of their own: the name and locale they gave are kept, the email only as an attribute agents
     * see as a claim, never as the identity actions run with.
     */
    async start(input: {
      customer?: { externalId?: string; name?: string; email?: string; locale?: string; timeZone?: string };
      channel?: "web";
      verified?: boolean;
    }): Promise<{ conversation: Conversation; customer: Customer }> {
      const claimed = input.customer ?? {};
      const c = input.verified === true && claimed.externalId ? claimed : { name: claimed.name, locale: claimed.locale };
      // The time zone is where the customer is now (the browser's), so it is kept for anyone: it only sets how
      // times are told to them.
      const timeZone = claimed.timeZone ? { timeZone: claimed.timeZone } : {};
      const unverified = c === claimed || !claimed.email ? {} : { unverifiedEmail: claimed.email };
      const attributes = { ...unverified, ...timeZone };
      let customer = c.externalId ? await store.findCustomerByExternalId(c.externalId) : null;
      if (customer) {
        const patch = {
          name: c.name,
          email: c.email,
          locale: c.locale,
          attributes:
            claimed.timeZone && customer.attributes?.timeZone !== claimed.timeZone
              ? { ...customer.attributes, timeZone: claimed.timeZone }
              : undefined,
        };
        if (Object.values(patch).some((v) => v !== undefined)) customer = (await store.updateCustomer(customer.id, patch)) ?? customer;
      } else {
        try {
          customer = await store.createCustomer({ externalId: c.externalId ?? null, name: c.name ?? null, email: c.email ?? null, locale: c.locale ?? null, attributes: Object.keys(attributes).length > 0 ? attributes : undefined });
        } catch (err) {
          // Two first conversations of one external customer raced: the other insert won, use its row.
          const existing = c.externalId ? await store.findCustomerByExternalId(c.externalId) : null;
          if (!existing) throw err;
          customer = existing;
        }
      }
      const language = c.locale ? (c.locale.split(/[-_]/)[0] ?? null)?.toLowerCase() ?? null : null;
      const conversation = await store.createConversation({ customerId: customer.id, channel: input.channel ?? "web", language });
      await bus.publish(topics.agents, { type: "status", conversation });
      return { conversation, customer };
    },

    /** A customer message: idempotent by clientMessageId; may reopen, triage and escalate in the same commit. */
    async postCustomerMessage(
      conversationId: string,
      input: { clientMessageId: string; text: string },
    ): Promise<{ created: boolean; message: Message }> {
      const key = `customer:${input.clientMessageId}`;
      let needsResponder = false;
      let queued: Conversation | null = null;
      const result = await mutate(conversationId, async (unit, outbox) => {
        // A unit may run more than once (the store retries it on a write conflict): start each run afresh.
        needsResponder = false;
        queued = null;
        const existing = await unit.findMessageByKey(key);
        if (existing) {
          if (existing.text !== input.text) {
            throw new AppError("IDEMPOTENCY_CONFLICT", "this clientMessageId was already used with different text");
          }
          return { created: false, message: existing };
        }
        const customerActor: Actor = { kind: "customer", customerId: unit.conversation.customerId };
        const t = transitionOrThrow(unit.conversation, { kind: "customer_message" });
        if (t.event === "reopened") {
          await changeState(unit, outbox, "reopened", {
            status: "ai", assigneeId: null, tier: null, reasons: [], priority: 0, skill: null, resolvedAt: null, resolutionCode: null,
            queuedAt: null, assignedAt: null, firstHumanResponseAt: null, aiTurnsUnresolved: 0,
          }, customerActor);
        }
        let triage: TriageResult | null = null;
        let written = true; // whether the customer wrote before this message
        if (deps.triage) {
          const [history, customer] = await Promise.all([unit.recentTurns(TRIAGE_TURNS), unit.customer()]);
          triage = deps.triage.triage({ text: input.text, history, conversation: unit.conversation, customer });
          written = history.some((turn) => turn.author === "customer");
        }
        const message = await insert(unit, outbox, {
          author: "customer",
          authorId: unit.conversation.customerId,
          clientMessageId: input.clientMessageId,
          idempotencyKey: key,
          text: input.text,
          triage,
        });
        const adopted = triage ? conversationLanguageAfter(unit.conversation.language, triage, written) : null;
        if (adopted) await unit.update({ language: adopted });
        if (triage) outbox.events.push({ type: "triage", conversationId, messageSeq: message.seq, triage });
        if (unit.conversation.status === "ai") {
          if (!deps.responder) {
            queued = await escalateInUnit(unit, outbox, triage?.tier ?? 1, triage?.route === "human" ? triage.reasons : ["ai_off"], { kind: "system" }, { messageSeq: message.seq }, triage?.intent ?? null);
          } else if (triage?.route === "human") {
            if (triage.reasons.includes("unresolved_after_turns")) {
              // The AI's own limit: it says so plainly before the handoff (the customer asked several times already).
              const language = triage.language !== "und" ? triage.language : unit.conversation.language;
              await insert(unit, outbox, {
                author: "ai",
                text: boundaryMessage("unresolved_after_turns", language),
                meta: boundaryMeta({ reason: "unresolved_after_turns" }),
              });
            }
            queued = await escalateInUnit(unit, outbox, triage.tier, triage.reasons, { kind: "system" }, { messageSeq: message.seq, intent: triage.intent }, triage.intent);
          } else {
            needsResponder = true;
          }
        } else if (triage) {
          await reprioritiseInUnit(unit, outbox, triage, message.seq);
        }
        return { created: true, message };
      }, { idempotencyKey: key, recentTurns: deps.triage ? TRIAGE_TURNS : 0, customer: Boolean(deps.triage) });
      if (queued) deps.onQueued?.(queued);
      if (needsResponder) startResponder(conversationId, result.message);
      return result;
    },

    /**
     * An AI reply: dropped atomically (never interleaved) when the conversation is no longer the AI's. With
     * `replyTo` (the customer message's seq) at most one reply per customer message is ever stored, however many
     * nodes or retries answer it.
     */
    async postAiMessage(
      conversationId: string,
      input: { text: string; meta?: Record<string, unknown> | null; replyTo?: number },
    ): Promise<Message | null> {
      const key = input.replyTo === undefined ? undefined : aiReplyKey(input.replyTo);
      return mutate(conversationId, async (unit, outbox) => {
        if (key && (await unit.findMessageByKey(key))) return null;
        const t = decide(stateOf(unit.conversation), { kind: "ai_message" });
        if (!t.ok) {
          log.info({ conversationId, status: unit.conversation.status }, "AI reply dropped: conversation left the AI");
          deps.onAiDropped?.(conversationId);
          await recordDroppedUsage(unit, input.meta);
          return null;
        }
        const message = await insert(unit, outbox, { author: "ai", text: input.text, meta: input.meta ?? null, idempotencyKey: key });
        await unit.update({ aiTurnsUnresolved: aiTurnsAfter(unit.conversation.aiTurnsUnresolved, input.meta) });
        // The model configured was not what answered: operators see why (a timeout, a provider error, a refused reply).
        if (typeof input.meta?.fallback === "string")
          log.warn({ conversationId, fallback: input.meta.fallback }, "LLM answer replaced by the embedded answer");
        return message;
      }, key ? { idempotencyKey: key } : undefined);
    },

    /**
     * Answers customer messages the AI still owes a reply to: the node that took them went away before its
     * responder finished (a crash, a deploy). Left alone until `graceMs` old, so a live responder (bounded by its
     * timeout) is never raced; replies are idempotent per customer message, so nodes sweeping at once answer once.
     */
    async answerUnanswered(options: { graceMs: number; horizonMs: number }): Promise<number> {
      if (!deps.responder) return 0;
      const now = clock.now();
      const owed = await store.listAwaitingAi({ after: now - options.horizonMs, upTo: now - options.graceMs, limit: 500 });
      let started = 0;
      for (const m of owed) {
        if (answering.has(m.conversationId)) continue;
        log.info({ conversationId: m.conversationId, seq: m.seq }, "answering a customer message left unanswered");
        startResponder(m.conversationId, m);
        started++;
      }
      return started;
    },

    async escalate(conversationId: string, input: { tier: Tier; reasons: EscalationReason[]; actor: Actor; note?: string }): Promise<Conversation> {
      const c = await mutate(conversationId, async (unit, outbox) => {
        await escalateInUnit(unit, outbox, input.tier, input.reasons, input.actor, input.note ? { note: input.note } : {});
        return unit.conversation;
      });
      if (c.status === "waiting_human") deps.onQueued?.(c);
      return c;
    },

    /** An agent takes the conversation. With `respectCapacity` (auto-assignment) a full agent is refused. */
    async claim(conversationId: string, agent: User, options: { auto?: boolean } = {}): Promise<Conversation> {
      const c = await mutate(conversationId, async (unit, outbox) => {
        const t = transitionOrThrow(unit.conversation, { kind: options.auto ? "assign" : "claim", agentId: agent.id });
        // Assignment and an agent's own claim respect capacity; supervisors and admins may step in anyway, that is
        // their job when the desk is full. Tiers steer routing, not claims: an agent who picks up a case above their
        // tier made a judgement the event log records (the README's demo has Sarah, tier 1, take a tier-2 handoff).
        if (options.auto || agent.role === "agent") {
          const load = await unit.lockAgentLoad(agent.id);
          if (!load) throw new AppError("USER_NOT_FOUND", "no such agent");
          if (load.load >= load.user.capacity) {
            throw new AppError("AGENT_AT_CAPACITY", options.auto
              ? `${agent.displayName} is at capacity`
              : `you already hold ${load.load} conversation${load.load === 1 ? "" : "s"}, your capacity: resolve or pass one on first, or ask a supervisor`);
          }
        }
        const c = await changeState(unit, outbox, t.event as string, {
          status: "human", assigneeId: agent.id, tier: t.next.tier, assignedAt: clock.now(),
          // Taken straight from the AI: a new human episode, like an escalation.
          ...(unit.conversation.status === "ai" ? { firstHumanResponseAt: null } : {}),
        }, options.auto ? { kind: "system" } : { kind: "agent", user: agent }, { agentId: agent.id });
        await insert(unit, outbox, { author: "system", text: agentJoinedMessage(agent.displayName, unit.conversation.language), meta: { kind: "agent_joined", agentName: agent.displayName } });
        return c;
      });
      await store.updateUser(agent.id, { lastAssignedAt: clock.now() });
      return c;
    },

    async postAgentMessage(
      conversationId: string,
      agent: User,
      input: { clientMessageId: string; text: string; internal?: boolean; meta?: Record<string, unknown> | null },
    ): Promise<{ created: boolean; message: Message }> {
      const key = `agent:${agent.id}:${input.clientMessageId}`;
      return mutate(conversationId, async (unit, outbox) => {
        const existing = await unit.findMessageByKey(key);
        if (existing) {
          if (existing.text !== input.text || existing.internal !== Boolean(input.internal)) {
            throw new AppError("IDEMPOTENCY_CONFLICT", "this clientMessageId was already used with different content");
          }
          return { created: false, message: existing };
        }
        transitionOrThrow(unit.conversation, { kind: "agent_message", agentId: agent.id, internal: input.internal });
        const message = await insert(unit, outbox, {
          author: "agent", authorId: agent.id, authorName: agent.displayName, clientMessageId: input.clientMessageId,
          idempotencyKey: key, text: input.text, internal: Boolean(input.internal), meta: input.meta ?? null,
        });
        if (!input.internal && !unit.conversation.firstHumanResponseAt) {
          await unit.update({ firstHumanResponseAt: clock.now() });
        }
        return { created: true, message };
      });
    },

    async transfer(conversationId: string, actor: User, input: { toAgentId?: string; toTier?: Tier; note?: string }): Promise<Conversation> {
      if (!input.toAgentId && !input.toTier) throw new AppError("VALIDATION_FAILED", "give toAgentId or toTier");
      if (input.toAgentId && input.toTier) throw new AppError("VALIDATION_FAILED", "give toAgentId or toTier, not both");
      const target = input.toAgentId ? await store.getUser(input.toAgentId) : null;
      if (input.toAgentId && !target) throw new AppError("USER_NOT_FOUND", "no such agent");
      const c = await mutate(conversationId, async (unit, outbox) => {
        if (unit.conversation.status === "human" && unit.conversation.assigneeId !== actor.id && actor.role === "agent") {
          throw new AppError("NOT_ASSIGNEE", "only the assigned agent or a supervisor can transfer");
        }
        // Admins configure the desk; they do not hold its conversations. (An offline colleague may still be named by a
        // supervisor, who can line a case up for someone's next shift; the first-response clock keeps running.)
        if (target && target.role === "admin") throw new AppError("AGENT_UNAVAILABLE", `${target.displayName} is an admin, not an agent`);
        // An agent may pass a case on, or move a queued one, but only to a colleague who is at work (online or away)
        // and has room, as a claim must: moving a case is no way around capacity.
        if (target && actor.role === "agent") {
          const load = await unit.lockAgentLoad(target.id);
          if (!load) throw new AppError("USER_NOT_FOUND", "no such agent");
          // Presence is a colleague's; an agent acting here is at work, whatever their status says (as for a claim).
          if (load.user.presence === "offline" && target.id !== actor.id) {
            throw new AppError("AGENT_UNAVAILABLE", `${target.displayName} is ${load.user.presence}: pass it to a queue instead, or ask a supervisor`);
          }
          const held = load.load - (unit.conversation.assigneeId === target.id ? 1 : 0);
          if (held >= load.user.capacity) {
            throw new AppError("AGENT_AT_CAPACITY", `${target.displayName} already holds ${load.load} conversation${load.load === 1 ? "" : "s"}, their capacity: pass it to a queue instead, or ask a supervisor`);
          }
        }
        const t = transitionOrThrow(unit.conversation, { kind: "transfer", toAgentId: input.toAgentId, toTier: input.toTier });
        const c = await changeState(unit, outbox, "transferred", {
          status: t.next.status, assigneeId: t.next.assigneeId, tier: t.next.tier,
          assignedAt: t.next.assigneeId ? clock.now() : null, queuedAt: t.next.status === "waiting_human" ? clock.now() : undefined,
        }, { kind: "agent", user: actor }, { toAgentId: input.toAgentId ?? null, toTier: t.next.tier, note: input.note ?? null });
        if (input.note) {
          await insert(unit, outbox, { author: "agent", authorId: actor.id, authorName: actor.displayName, text: input.note, internal: true, meta: { kind: "transfer_note" } });
        }
        if (target) await insert(unit, outbox, { author: "system", text: agentJoinedMessage(target.displayName, unit.conversation.language), meta: { kind: "agent_joined", agentName: target.displayName } });
        return c;
      });
      if (c.status === "waiting_human") deps.onQueued?.(c);
      return c;
    },

    async handback(conversationId: string, agent: User): Promise<Conversation> {
      return mutate(conversationId, async (unit, outbox) => {
        transitionOrThrow(unit.conversation, { kind: "handback", agentId: agent.id });
        // The human episode ends: its reasons, priority and first-response stamp with it, so a later escalation's
        // first-response clock (SLA timers, the agent's view) starts afresh. The event log keeps the history.
        const c = await changeState(unit, outbox, "handed_back", {
          status: "ai", assigneeId: null, tier: null, reasons: [], priority: 0, skill: null, aiTurnsUnresolved: 0, queuedAt: null,
          assignedAt: null, firstHumanResponseAt: null,
        }, { kind: "agent", user: agent });
        await insert(unit, outbox, { author: "system", text: customerNotice("handedBack", unit.conversation.language), meta: { kind: "handed_back" } });
        return c;
      });
    },

    /** Returns a conversation to the queue when its agent went away. */
    async release(conversationId: string, reason: string, options: { expectedAssigneeId?: string } = {}): Promise<Conversation> {
      const c = await mutate(conversationId, async (unit, outbox) => {
        // Checked under the lock: a transfer since the caller looked makes it someone else's, who keeps it.
        if (options.expectedAssigneeId && unit.conversation.assigneeId !== options.expectedAssigneeId) {
          throw new AppError("NOT_ASSIGNEE", "the conversation changed hands");
        }
        transitionOrThrow(unit.conversation, { kind: "release", reason });
        return changeState(unit, outbox, "released", { status: "waiting_human", assigneeId: null, queuedAt: clock.now(), assignedAt: null },
          { kind: "system" }, { reason, previousAssignee: unit.conversation.assigneeId });
      });
      deps.onQueued?.(c);
      return c;
    },

    async resolve(conversationId: string, actor: Actor, input: { resolutionCode?: string } = {}): Promise<Conversation> {
      return mutate(conversationId, async (unit, outbox) => {
        const role = actor.kind === "agent" ? "agent" : actor.kind === "customer" ? "customer" : "ai";
        const actorId = actor.kind === "agent" ? actor.user.id : null;
        if (actor.kind === "agent" && actor.user.role !== "agent" && unit.conversation.status === "human") {
          // Supervisors and admins may close any conversation.
          transitionOrThrow(unit.conversation, { kind: "resolve", actorId: unit.conversation.assigneeId, actorRole: "agent" });
        } else {
          transitionOrThrow(unit.conversation, { kind: "resolve", actorId, actorRole: role });
        }
        const resolvedBy = unit.conversation.status === "ai" ? "ai" : "human";
        const c = await changeState(unit, outbox, "resolved", {
          status: "resolved", assigneeId: null, resolvedAt: clock.now(), resolutionCode: input.resolutionCode ?? null,
        }, actor, { resolutionCode: input.resolutionCode ?? null, resolvedBy, assigneeId: unit.conversation.assigneeId });
        await insert(unit, outbox, { author: "system", text: customerNotice("resolved", unit.conversation.language), meta: { kind: "resolved", csat: true } });
        return c;
      });
    },

    /** The customer confirmed the AI's answer: the AI says so and the conversation is resolved by the AI. */
    async resolveByAi(conversationId: string, text: string): Promise<Conversation | null> {
      return mutate(conversationId, async (unit, outbox) => {
        if (unit.conversation.status !== "ai") return null;
        await insert(unit, outbox, { author: "ai", text, meta: { kind: "resolution_confirmed" } });
        transitionOrThrow(unit.conversation, { kind: "resolve", actorId: null, actorRole: "ai" });
        const c = await changeState(unit, outbox, "resolved", {
          status: "resolved", assigneeId: null, resolvedAt: clock.now(), resolutionCode: "customer_confirmed", aiTurnsUnresolved: 0,
        }, { kind: "ai" }, { resolutionCode: "customer_confirmed", resolvedBy: "ai", customerConfirmed: true });
        await insert(unit, outbox, { author: "system", text: customerNotice("resolved", unit.conversation.language), meta: { kind: "resolved", csat: true } });
        return c;
      });
    },

    /** Waits for in-flight AI work (graceful shutdown). */
    async drain(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  return service;
}

export type ConversationService = ReturnType<typeof createConversationService>;
