import { describe, expect, it } from "vitest";
import { deriveFacts } from "./facts.ts";
import { ctx, DAY, fixtureLogs, LogBuilder, MIN, S, T0 } from "./fixtures.test-helper.ts";

const byId = (id: string, now = T0 + 8 * DAY) => {
  const entry = fixtureLogs().find((l) => l.log.conversationId === id);
  if (!entry) throw new Error(id);
  return deriveFacts(entry.log, ctx(now, entry.others));
};

describe("conversation facts", () => {
  it("counts a resolution the customer confirmed at once, without waiting for the window", () => {
    const f = byId("c1", T0 + 5 * MIN);
    expect(f).toMatchObject({ aiOutcome: "confirmed", aiResolved: true, aiHandleMs: 2 * MIN, firstResponseMs: 30 * S, day: "2026-03-02", intent: "order_status" });
    expect(f).toMatchObject({ csatScore: 5, csatResolvedBy: "ai", promptTokens: 1000, completionTokens: 200 });
  });

  it("adds the agents' co-pilot token usage, and a dropped AI reply's, to the conversation's tokens", () => {
    const entry = fixtureLogs().find((l) => l.log.conversationId === "c1");
    if (!entry) throw new Error("c1");
    const withCopilot = {
      ...entry.log,
      events: [
        ...entry.log.events,
        { type: "assist_usage", actorKind: "system", actorId: null, data: { promptTokens: 300, completionTokens: 50 }, at: T0 + MIN },
        // An AI reply dropped because an agent took over while the model answered: its tokens were spent too.
        { type: "ai_usage_dropped", actorKind: "ai", actorId: null, data: { promptTokens: 40, completionTokens: 5 }, at: T0 + MIN },
      ],
    };
    const f = deriveFacts(withCopilot as typeof entry.log, ctx(T0 + 5 * MIN, entry.others));
    expect(f).toMatchObject({ promptTokens: 1340, completionTokens: 255 });
  });

  it("counts the AI closing on the customer's 'yes, that helped' as confirmed at once", () => {
    // What resolveByAi records: the AI is the actor, the customer's confirmation is in the data.
    const log = new LogBuilder("yes")
      .customer(T0, "delivery_info")
      .msg("ai", T0 + S)
      .customer(T0 + MIN)
      .msg("ai", T0 + MIN + S)
      .event("resolved", T0 + MIN + S, { resolvedBy: "ai", resolutionCode: "customer_confirmed", customerConfirmed: true }, "ai")
      .build();
    expect(deriveFacts(log, ctx(T0 + 2 * MIN))).toMatchObject({ aiOutcome: "confirmed", aiResolved: true, aiHandleMs: MIN + S, recheckAt: null });
  });

  it("does not count a customer giving up in the queue as a human resolution, nor their CSAT as human CSAT", () => {
    const log = new LogBuilder("gave-up")
      .customer(T0)
      .event("escalated", T0, { tier: 1, reasons: ["human_requested"] })
      .event("resolved", T0 + 10 * MIN, { resolvedBy: "human", resolutionCode: "customer_closed", assigneeId: null }, "customer")
      .event("csat", T0 + 11 * MIN, { score: 1 }, "customer")
      .build();
    const f = deriveFacts(log, ctx(T0 + DAY));
    expect(f).toMatchObject({ escalated: true, humanResolved: false, humanHandleMs: null, agentHandleMs: null, csatScore: 1, csatResolvedBy: null });
  });

  it("counts the customer closing while an agent holds the conversation as resolved by that person", () => {
    const log = new LogBuilder("closed-with-agent")
      .customer(T0)
      .event("escalated", T0, { tier: 1, reasons: ["human_requested"] })
      .event("claimed", T0 + MIN, { agentId: "alice" }, "agent", "alice")
      .msg("agent", T0 + 2 * MIN)
      .event("resolved", T0 + 5 * MIN, { resolvedBy: "human", resolutionCode: "customer_closed", assigneeId: "alice" }, "customer")
      .event("csat", T0 + 6 * MIN, { score: 4 }, "customer")
      .build();
    expect(deriveFacts(log, ctx(T0 + DAY))).toMatchObject({ humanResolved: true, humanHandleMs: 5 * MIN, agentHandleMs: 4 * MIN, csatResolvedBy: "human" });
  });

  it("does not count a customer leaving after the AI's greeting or its yes/no question as a resolution", () => {
    const greeted = new LogBuilder("hi").customer(T0, "greeting").msg("ai", T0 + S, { kind: "small_talk" }).build();
    expect(deriveFacts(greeted, ctx(T0 + 8 * DAY))).toMatchObject({ aiOutcome: "unanswered", aiResolved: false, firstResponseMs: S });
    const asked = new LogBuilder("ask")
      .customer(T0, "cancel_order")
      .msg("ai", T0 + S, { kind: "action_confirmation" })
      .build();
    expect(deriveFacts(asked, ctx(T0 + 8 * DAY))?.aiOutcome).toBe("unanswered");
    // An answer earlier in the conversation is something to resolve by, whatever the AI said last.
    const answered = new LogBuilder("answered")
      .customer(T0, "delivery_info")
      .msg("ai", T0 + S, { kind: "answer" })
      .customer(T0 + MIN)
      .msg("ai", T0 + MIN + S, { kind: "small_talk" })
      .build();
    expect(deriveFacts(answered, ctx(T0 + 8 * DAY))).toMatchObject({ aiOutcome: "no_return", aiHandleMs: MIN + S });
  });

  it("counts an agent taking a conversation from the AI as an escalation and a human resolution, not the AI's", () => {
    const log = new LogBuilder("taken")
      .customer(T0, "returns")
      .msg("ai", T0 + S, { kind: "answer" })
      .event("claimed", T0 + MIN, { from: "ai", to: "human", agentId: "alice" }, "agent", "alice")
      .msg("agent", T0 + 3 * MIN)
      .event("resolved", T0 + 6 * MIN, { resolvedBy: "human", assigneeId: "alice" }, "agent", "alice")
      .build();
    expect(deriveFacts(log, ctx(T0 + 8 * DAY))).toMatchObject({
      escalated: true, escalatedAt: T0 + MIN, reasons: ["agent_takeover"], tier: null, aiOutcome: null, aiResolved: false,
      humanResolved: true, humanHandleMs: 6 * MIN, agentHandleMs: 5 * MIN, firstHumanResponseMs: 2 * MIN,
    });
  });

  it("has no agent handling time for a conversation an agent closed straight from the queue", () => {
    const log = new LogBuilder("spam")
      .customer(T0)
      .event("escalated", T0, { tier: 1, reasons: ["human_requested"] })
      .event("resolved", T0 + 2 * MIN, { resolvedBy: "human", resolutionCode: "spam", assigneeId: null }, "agent", "alice")
      .build();
    expect(deriveFacts(log, ctx(T0 + DAY))).toMatchObject({ humanResolved: true, humanHandleMs: 2 * MIN, agentHandleMs: null });
  });

  it("leaves a silent AI answer pending until the return window has passed", () => {
    const pending = byId("c2", T0 + 3 * DAY);
    expect(pending).toMatchObject({ aiOutcome: "pending", aiResolved: false, recheckAt: T0 + 10 * S + 7 * DAY });
    const decided = byId("c2", T0 + 10 * S + 7 * DAY);
    expect(decided).toMatchObject({ aiOutcome: "no_return", aiResolved: true, aiHandleMs: 10 * S, recheckAt: null });
  });

  it("does not count an AI resolution the customer reopened within the window", () => {
    expect(byId("c3")).toMatchObject({ aiOutcome: "returned", aiResolved: false, csatScore: 2, csatResolvedBy: "ai" });
  });

  it("treats a new conversation from the same customer inside the window as coming back", () => {
    expect(byId("c4")).toMatchObject({ aiOutcome: "returned", aiResolved: false, recordedCostMicros: 2000 });
  });

  it("counts a reopening after the window as a resolution that stood", () => {
    const log = new LogBuilder("late")
      .customer(T0)
      .msg("ai", T0 + S)
      .event("resolved", T0 + MIN, { resolvedBy: "ai" }, "ai")
      .event("reopened", T0 + MIN + 8 * DAY, {}, "customer")
      .customer(T0 + MIN + 8 * DAY)
      .build();
    expect(deriveFacts(log, ctx(T0 + 9 * DAY))).toMatchObject({ aiOutcome: "no_return", aiHandleMs: MIN });
  });

  it("records escalation reasons, tier, agent time, assist use and the first human reply", () => {
    const f = byId("c5");
    expect(f).toMatchObject({
      escalated: true, reasons: ["complaint", "frustration"], tier: 2, aiOutcome: null, aiResolved: false,
      humanResolved: true, humanHandleMs: 41 * MIN, agentHandleMs: 40 * MIN, assisted: true,
      firstResponseMs: 2 * MIN, firstHumanResponseMs: 2 * MIN - S, csatScore: 5, csatResolvedBy: "human",
    });
    // Alice holds it 40 minutes at capacity 4: a quarter of her time, 10 minutes of load.
    expect(f?.agentSegments).toEqual([{ agentId: "alice", start: T0 + MIN, end: T0 + 41 * MIN, loadMs: 10 * MIN }]);
  });

  it("ignores internal notes and non-use ratings", () => {
    const f = byId("c6");
    // The internal note at 6 min is not a reply; the public one at 8 min is. "helpful" is not using the suggestion.
    expect(f).toMatchObject({ firstResponseMs: 8 * MIN, firstHumanResponseMs: 8 * MIN - 2 * S, assisted: false, agentHandleMs: 20 * MIN });
    expect(f?.agentSegments[0]?.loadMs).toBe(10 * MIN);
  });

  it("splits agent time across a transfer and counts an open assignment until now", () => {
    const log = new LogBuilder("t")
      .customer(T0)
      .event("escalated", T0, { tier: 1, reasons: ["human_requested"] })
      .event("claimed", T0 + MIN, { agentId: "alice" })
      .event("transferred", T0 + 9 * MIN, { toAgentId: "bob" })
      .build();
    const f = deriveFacts(log, ctx(T0 + 15 * MIN));
    expect(f?.agentSegments).toEqual([
      { agentId: "alice", start: T0 + MIN, end: T0 + 9 * MIN, loadMs: 2 * MIN },
      { agentId: "bob", start: T0 + 9 * MIN, end: T0 + 15 * MIN, loadMs: 3 * MIN },
    ]);
    expect(f?.humanResolved).toBe(false);
    expect(f?.agentHandleMs).toBeNull();
  });

  it("calls an unanswered customer message unanswered once the window has passed, pending before", () => {
    expect(byId("c7", T0 + DAY)?.aiOutcome).toBe("pending");
    expect(byId("c7")?.aiOutcome).toBe("unanswered");
    expect(byId("c7")?.firstResponseMs).toBeNull();
  });

  it("has no facts for a conversation in which the customer never wrote", () => {
    expect(byId("c8")).toBeNull();
  });
});
