// Hand-written conversation logs for the analytics tests: small enough that every expected figure is worked out
// in a comment next to the assertion.

import type { ConversationLog, FactsContext, LogEvent, LogMessage } from "./types.ts";

export const T0 = Date.parse("2026-03-02T09:00:00Z");
export const S = 1000;
export const MIN = 60 * S;
export const DAY = 86_400_000;

export class LogBuilder {
  readonly events: LogEvent[] = [];
  readonly messages: LogMessage[] = [];
  readonly conversationId: string;
  readonly customerId: string;
  constructor(conversationId: string, customerId = `cust-${conversationId}`) {
    this.conversationId = conversationId;
    this.customerId = customerId;
  }
  event(type: string, at: number, data: Record<string, unknown> = {}, actorKind = "system", actorId: string | null = null): this {
    this.events.push({ type, at, data, actorKind, actorId });
    return this;
  }
  msg(author: LogMessage["author"], at: number, extra: Partial<LogMessage> = {}): this {
    this.messages.push({ seq: this.messages.length + 1, author, authorId: null, internal: false, at, ...extra });
    return this;
  }
  customer(at: number, intent?: string): this {
    return this.msg("customer", at, intent ? { intent } : {});
  }
  build(): ConversationLog {
    return { conversationId: this.conversationId, customerId: this.customerId, events: this.events, messages: this.messages };
  }
}

export const capacities: Record<string, number> = { alice: 4, bob: 2 };

export function ctx(now: number, otherConversationsAt: number[] = []): FactsContext {
  return { now, returnWindowMs: 7 * DAY, otherConversationsAt, capacityOf: (id) => capacities[id] ?? 1 };
}

/** Seven conversations covering every outcome, all started on 2026-03-02 (see figures.test.ts for the sums). */
export function fixtureLogs(): { log: ConversationLog; others: number[] }[] {
  const confirmed = new LogBuilder("c1")
    .event("created", T0, {}, "customer")
    .customer(T0, "order_status")
    .msg("ai", T0 + 30 * S, { promptTokens: 1000, completionTokens: 200 })
    .event("resolved", T0 + 2 * MIN, { resolvedBy: "ai", resolutionCode: "customer_closed" }, "customer")
    .msg("system", T0 + 2 * MIN)
    .event("csat", T0 + 3 * MIN, { score: 5 }, "customer");
  const silent = new LogBuilder("c2").customer(T0, "order_status").msg("ai", T0 + 10 * S, { promptTokens: 500, completionTokens: 100 });
  const reopened = new LogBuilder("c3")
    .customer(T0, "billing_info")
    .msg("ai", T0 + 20 * S)
    .event("resolved", T0 + MIN, { resolvedBy: "ai" }, "ai")
    .event("csat", T0 + 2 * MIN, { score: 2 }, "customer")
    .event("reopened", T0 + 2 * DAY, {}, "customer")
    .customer(T0 + 2 * DAY);
  const cameBackElsewhere = new LogBuilder("c4", "cust-shared").customer(T0, "order_status").msg("ai", T0 + 40 * S, { costUsd: 0.002 });
  const escalatedAssisted = new LogBuilder("c5")
    .customer(T0, "complaint")
    .event("escalated", T0 + 1 * S, { tier: 2, reasons: ["complaint", "frustration"] })
    .msg("system", T0 + 1 * S)
    .event("claimed", T0 + MIN, { agentId: "alice" }, "agent", "alice")
    .msg("system", T0 + MIN)
    .msg("agent", T0 + 2 * MIN, { authorId: "alice" })
    .event("assist_rating", T0 + 2 * MIN, { rating: "used_as_is", suggestionType: "reply" }, "agent", "alice")
    .event("resolved", T0 + 41 * MIN, { resolvedBy: "human", resolutionCode: "refund" }, "agent", "alice")
    .event("csat", T0 + 42 * MIN, { score: 5 }, "customer");
  const escalatedPlain = new LogBuilder("c6")
    .customer(T0, "human_request")
    .event("escalated", T0 + 2 * S, { tier: 1, reasons: ["human_requested"] })
    .event("assigned", T0 + 5 * MIN, { agentId: "bob" })
    .msg("agent", T0 + 6 * MIN, { authorId: "bob", internal: true })
    .msg("agent", T0 + 8 * MIN, { authorId: "bob" })
    .event("assist_rating", T0 + 8 * MIN, { rating: "helpful" }, "agent", "bob")
    .event("resolved", T0 + 25 * MIN, { resolvedBy: "human" }, "agent", "bob")
    .event("csat", T0 + 26 * MIN, { score: 3 }, "customer");
  const unanswered = new LogBuilder("c7").customer(T0, "greeting");
  const widgetOnly = new LogBuilder("c8").event("created", T0, {}, "customer");
  return [
    { log: confirmed.build(), others: [] },
    { log: silent.build(), others: [] },
    { log: reopened.build(), others: [] },
    { log: cameBackElsewhere.build(), others: [T0 + DAY] },
    { log: escalatedAssisted.build(), others: [] },
    { log: escalatedPlain.build(), others: [] },
    { log: unanswered.build(), others: [] },
    { log: widgetOnly.build(), others: [] },
  ];
}
