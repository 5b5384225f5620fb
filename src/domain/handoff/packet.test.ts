import { describe, expect, it } from "vitest";
import { actionHandoverEntry, actionTurnEntry, boundaryMeta, readAiMeta } from "./ai-meta.ts";
import { type AuditedAction, redactActionInput } from "./audited-actions.ts";
import { agentJoinedMessage, customerNotice, customerWaitMessage } from "./customer-messages.ts";
import { readCustomerContext } from "./customer-context.ts";
import { buildHandoffPacket, PACKET_HISTORY_LIMIT } from "./packet.ts";
import {
  conversation,
  customer,
  events,
  message,
  messages,
  previousConversations,
  triage,
} from "./test-fixtures.ts";

const packet = () =>
  buildHandoffPacket({
    conversation: conversation(),
    messages: [...messages].reverse(), // order must not matter
    events,
    customer,
    previousConversations,
    actionsTried: [{ name: "carrier_trace", status: "failed", error: "carrier API timeout" }],
  });

describe("buildHandoffPacket", () => {
  it("carries the full history in order, internal notes marked", () => {
    const p = packet();
    expect(p.history.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(p.history.find((h) => h.seq === 5)).toMatchObject({ internal: true, authorName: "Sam" });
  });

  it("explains the escalation with its reasons, tier, trigger and the cues that fired, strongest first", () => {
    const { escalation } = packet();
    expect(escalation.reasons).toEqual(["frustration", "human_requested"]);
    expect(escalation.tier).toBe(2);
    expect(escalation.triggerSeq).toBe(6);
    expect(escalation.escalatedAt).toBe(events[1]?.createdAt);
    // Frustration first; then the words that read negative ("!!!" is already there); "NOW" modifies no such word.
    expect(escalation.cues.map((c) => c.text)).toEqual([
      "talk to a real person",
      "this is ridiculous",
      "!!!",
      "ridiculous",
    ]);
    expect(escalation.trail).toEqual([
      {
        type: "escalated",
        at: events[1]?.createdAt,
        reasons: ["frustration", "human_requested"],
        tier: 2,
        note: null,
      },
    ]);
  });

  it("flags a very negative, worsening customer", () => {
    const { sentiment } = packet();
    expect(sentiment).toMatchObject({
      flag: "very_negative",
      current: -0.85,
      frustration: 0.9,
      trend: "worsening",
    });
    expect(sentiment.slope).toBeLessThan(-0.1);
    expect(sentiment.series.map((s) => s.seq)).toEqual([1, 3, 6]);
  });

  it("reports an improving customer and an unknown trend without triage", () => {
    const calmer = [
      message(1, "customer", "It broke.", { triage: triage({ sentiment: -0.7, frustration: 0.5 }) }),
      message(2, "customer", "OK, that helps.", { triage: triage({ sentiment: 0.1, frustration: 0.2 }) }),
      message(3, "customer", "Great, thanks!", { triage: triage({ sentiment: 0.6, frustration: 0 }) }),
    ];
    const base = { conversation: conversation(), events: [], customer: null };
    expect(buildHandoffPacket({ ...base, messages: calmer }).sentiment).toMatchObject({
      flag: "positive",
      trend: "improving",
    });
    expect(
      buildHandoffPacket({ ...base, messages: [message(1, "customer", "hello")] }).sentiment,
    ).toMatchObject({
      flag: "unknown",
      trend: "unknown",
      current: null,
    });
  });

  it("lists what the AI tried: answers with citations, actions with results, malformed meta dropped", () => {
    const { aiAttempts } = packet();
    expect(aiAttempts.answers.map((a) => [a.seq, a.citations.map((c) => c.documentId)])).toEqual([
      [2, ["kb-shipping"]],
      [4, ["kb-shipping"]],
    ]);
    expect(aiAttempts.actions).toEqual([
      expect.objectContaining({
        name: "lookup_order",
        status: "succeeded",
        result: "in transit since Friday",
        seq: 2,
      }),
      { name: "carrier_trace", status: "failed", error: "carrier API timeout", seq: null },
    ]);
  });

  it("summarises the issue, the attempts and where things stand", () => {
    const { summary } = packet();
    expect(summary.issue).toContain("still hasn't arrived");
    expect(summary.tried).toContain("AI ran lookup_order (succeeded: in transit since Friday)");
    expect(summary.current).toContain("real person");
    expect(summary.bullets).toHaveLength(3);
    // Internal notes never leak into the summary.
    expect(JSON.stringify(summary)).not.toContain("Leeds");
  });

  it("gathers customer context: value, plan, orders, contract, notes and complaint history", () => {
    const { customerContext } = packet();
    expect(customerContext).toMatchObject({
      name: "Maria Lopez",
      lifetimeValue: 12400,
      plan: "Gold",
      previousComplaints: 1,
      contractTerms: "delivery: next-day guaranteed; credit: 10% on late delivery",
      notes: "Prefers email follow-ups.",
    });
    expect(customerContext.openOrders).toEqual([
      { id: "A-10442", status: "shipped", total: 129.9 },
      { id: "junk-that-is-kept-as-id" },
    ]);
    expect(customerContext.previousConversations.map((c) => c.id)).toEqual(["conv-0", "conv-old"]);
  });

  it("lets a configured lookup override stored attributes", () => {
    const ctx = readCustomerContext(customer, [], {
      lifetime_value: 50,
      plan: "Free",
      previousComplaints: 4,
    });
    expect(ctx).toMatchObject({ lifetimeValue: 50, plan: "Free", previousComplaints: 4 });
  });

  it("scopes cues to the episode after the conversation last went back to the AI", () => {
    const handedBack = [
      ...events,
      {
        id: 3,
        conversationId: "conv-1",
        type: "handed_back",
        actorKind: "agent" as const,
        actorId: "u1",
        data: {},
        createdAt: messages[6]?.createdAt ?? "",
      },
    ];
    const later = message(9, "customer", "Now the refund is wrong.", {
      createdAt: new Date(Date.UTC(2026, 2, 4, 11, 0)).toISOString(),
      triage: triage({
        route: "human",
        reasons: ["complaint"],
        frustrationCues: [{ kind: "phrase", text: "is wrong", weight: 0.3 }],
      }),
    });
    const p = buildHandoffPacket({
      conversation: conversation({ reasons: ["complaint"] }),
      messages: [...messages, later],
      events: handedBack,
      customer,
    });
    expect(p.escalation.cues.map((c) => c.text)).toEqual(["is wrong"]);
    expect(p.escalation.reasons).toEqual(["complaint"]);
    expect(p.escalation.triggerSeq).toBe(9);
  });
});

describe("a very long conversation", () => {
  const long = Array.from({ length: PACKET_HISTORY_LIMIT + 205 }, (_, i) =>
    message(i + 1, i % 2 === 0 ? "customer" : "ai", `turn ${i + 1}`),
  );

  it("carries the most recent messages and says how many earlier ones it left out", () => {
    const p = buildHandoffPacket({
      conversation: conversation({ lastSeq: long.length }),
      messages: long,
      events,
      customer,
    });
    expect(p.history).toHaveLength(PACKET_HISTORY_LIMIT);
    expect(p.history[0]?.seq).toBe(206);
    expect(p.history.at(-1)?.text).toBe(`turn ${long.length}`);
    expect(p.historyOmitted).toBe(205);
  });

  it("counts the messages its caller did not read as left out too", () => {
    const recent = long.slice(-PACKET_HISTORY_LIMIT);
    const p = buildHandoffPacket({
      conversation: conversation({ lastSeq: long.length }),
      messages: recent,
      events,
      customer,
    });
    expect(p.historyOmitted).toBe(205);
    expect(
      buildHandoffPacket({ conversation: conversation(), messages, events, customer }).historyOmitted,
    ).toBe(0);
  });
});

describe("the escalation's priority", () => {
  const at = (min: number) => new Date(Date.UTC(2026, 2, 4, 10, min)).toISOString();
  const escalated = (id: number, min: number, priority: unknown, type = "escalated") => ({
    id,
    conversationId: "conv-1",
    type,
    actorKind: "system" as const,
    actorId: null,
    data: { reasons: ["legal_compliance"], tier: 3, priority },
    createdAt: at(min),
  });
  const recorded = {
    priority: 70,
    factors: [
      { kind: "reason", code: "legal_compliance", priority: 50 },
      { kind: "vip_customer", code: "vip_customer", priority: 20, detail: "plan enterprise" },
    ],
    explanation: "legal_compliance 50 + VIP customer (plan enterprise) 20 = 70",
  };

  it("tells the agent what the priority is made of, as recorded when it was escalated", () => {
    const p = buildHandoffPacket({
      conversation: conversation({ priority: 70 }),
      messages,
      events: [escalated(2, 6, recorded)],
      customer,
    });
    expect(p.escalation.priority).toEqual({
      value: 70,
      factors: recorded.factors,
      explanation: recorded.explanation,
    });
  });

  it("reads the current episode only, and shows a priority without a matching record bare", () => {
    const handedBack = { ...escalated(3, 8, null), type: "handed_back", data: {} };
    const p = buildHandoffPacket({
      conversation: conversation({ priority: 0 }),
      messages,
      events: [
        escalated(2, 6, recorded),
        handedBack,
        escalated(4, 9, { priority: 0, factors: [], explanation: "no reason raises it: 0" }),
      ],
      customer,
    });
    expect(p.escalation.priority).toEqual({ value: 0, factors: [], explanation: "no reason raises it: 0" });
    const legacy = buildHandoffPacket({
      conversation: conversation({ priority: 5 }),
      messages,
      events,
      customer,
    });
    expect(legacy.escalation.priority).toEqual({ value: 5, factors: [], explanation: "priority 5" });
  });

  it("explains the priority a later customer message raised it to, and lists the raise in the trail", () => {
    const low = {
      priority: 10,
      factors: [{ kind: "reason", code: "unresolved_after_turns", priority: 10 }],
      explanation: "unresolved_after_turns 10",
    };
    const raised = {
      ...escalated(5, 12, recorded, "reprioritised"),
      data: { reasons: ["unresolved_after_turns", "legal_compliance"], tier: 3, priority: recorded },
    };
    const p = buildHandoffPacket({
      conversation: conversation({ priority: 70, tier: 3 }),
      messages,
      events: [
        { ...escalated(2, 6, low), data: { reasons: ["unresolved_after_turns"], tier: 1, priority: low } },
        raised,
      ],
      customer,
    });
    expect(p.escalation.priority).toEqual({
      value: 70,
      factors: recorded.factors,
      explanation: recorded.explanation,
    });
    expect(p.escalation.trail.map((e) => [e.type, e.tier, e.reasons])).toEqual([
      ["escalated", 1, ["unresolved_after_turns"]],
      ["reprioritised", 3, ["unresolved_after_turns", "legal_compliance"]],
    ]);
  });

  it("keeps the escalation's explanation when a raise left the priority where it was", () => {
    // The merged reasons added up to less than the stored value, which was kept: the raise records no make-up.
    const kept = {
      ...escalated(5, 12, null, "reprioritised"),
      data: { reasons: ["legal_compliance", "complaint"], tier: 3 },
    };
    const p = buildHandoffPacket({
      conversation: conversation({ priority: 70 }),
      messages,
      events: [escalated(2, 6, recorded), kept],
      customer,
    });
    expect(p.escalation.priority.explanation).toBe(recorded.explanation);
  });
});

describe("actions from the audit log", () => {
  const at = (min: number, sec = 0) => Date.UTC(2026, 2, 4, 10, min, sec);
  const call = (over: Partial<AuditedAction>): AuditedAction => ({
    action: "lookup_order",
    params: { orderId: "LC-10234" },
    outcome: "failed",
    httpStatus: 503,
    error: "HTTP 503",
    at: at(1, 30),
    ...over,
  });
  const handover = message(2, "ai", "I'm having a technical problem; a person will take over.", {
    meta: boundaryMeta({ reason: "action_failed" }),
  });
  const build = (msgs: ReturnType<typeof message>[], actionAudit: AuditedAction[]) =>
    buildHandoffPacket({ conversation: conversation(), messages: msgs, events, customer, actionAudit })
      .aiAttempts.actions;

  it("shows a call that failed straight from the customer's message, with its inputs and error code", () => {
    const actions = build([message(1, "customer", "Where is my order LC-10234?"), handover], [call({})]);
    expect(actions).toEqual([
      {
        name: "lookup_order",
        status: "failed",
        input: { orderId: "LC-10234" },
        errorCode: "ACTION_FAILED",
        error: "HTTP 503",
        httpStatus: 503,
        at: new Date(at(1, 30)).toISOString(),
        seq: 2,
      },
    ]);
  });

  it("tells a timeout and a refusal apart by their codes", () => {
    const actions = build(
      [message(1, "customer", "Where is my order?"), handover],
      [
        call({ error: "timeout", httpStatus: null }),
        call({
          outcome: "refused",
          error: "parameter email is not the customer's own email",
          httpStatus: null,
          at: at(1, 40),
        }),
      ],
    );
    expect(actions.map((a) => [a.status, a.errorCode, a.httpStatus])).toEqual([
      ["failed", "ACTION_TIMEOUT", undefined],
      ["refused", "ACTION_REFUSED", undefined],
    ]);
  });

  it("adds the audit's error code to the entry the AI's handover already names, rather than listing it twice", () => {
    const named = message(4, "ai", "I'm having a technical problem; a person will take over.", {
      meta: boundaryMeta({
        reason: "action_failed",
        actions: [actionHandoverEntry("lookup_order", "action_failed", { orderId: "LC-10234" })],
      }),
    });
    const actions = build(
      [
        message(1, "customer", "Where is my order?"),
        message(2, "ai", "What is your order number?"),
        message(3, "customer", "LC-10234"),
        named,
      ],
      [call({ at: at(3, 30) })],
    );
    expect(actions).toEqual([
      expect.objectContaining({
        name: "lookup_order",
        status: "failed",
        errorCode: "ACTION_FAILED",
        httpStatus: 503,
        seq: 4,
      }),
    ]);
  });

  it("never shows the agent a secret the action was called with", () => {
    const actions = build(
      [message(1, "customer", "Change my password"), handover],
      [
        call({
          action: "change_password",
          params: { email: "maria@example.com", newPassword: "hunter22", api_key: "k-1" },
        }),
      ],
    );
    expect(actions[0]?.input).toEqual({
      email: "maria@example.com",
      newPassword: "[redacted]",
      api_key: "[redacted]",
    });
    expect(JSON.stringify(actions)).not.toContain("hunter22");
  });

  it("leaves out calls made before the messages a long conversation's packet carries", () => {
    const msgs = Array.from({ length: PACKET_HISTORY_LIMIT + 1 }, (_, i) =>
      message(i + 1, "customer", `m${i + 1}`),
    );
    const early = call({ at: Date.parse(msgs[0]?.createdAt ?? "") });
    expect(
      buildHandoffPacket({
        conversation: conversation(),
        messages: msgs,
        events,
        customer,
        actionAudit: [early],
      }).aiAttempts.actions,
    ).toEqual([]);
  });
});

describe("redactActionInput", () => {
  it("hides secret-named parameters and card numbers, and keeps what the agent needs", () => {
    expect(
      redactActionInput({
        orderId: "LC-10234",
        shippingAddress: "1 Main St", // "pin" inside a word is not a PIN
        pin: "1234",
        accessToken: "abc",
        "card-cvv": "123",
        payment: "4242 4242 4242 4242",
        reference: "1234567890123", // 13 digits failing the Luhn check: not a card
      }),
    ).toEqual({
      orderId: "LC-10234",
      shippingAddress: "1 Main St",
      pin: "[redacted]",
      accessToken: "[redacted]",
      "card-cvv": "[redacted]",
      payment: "[redacted] …4242",
      reference: "1234567890123",
    });
  });
});

describe("the actions the AI ran, across the turns of each action", () => {
  const reset = (status: "asking" | "confirming" | "done", text: string) =>
    actionTurnEntry({ action: "reset_password", status, text, params: { email: "maria@example.com" } });
  const turns = [
    message(1, "customer", "I forgot my password"),
    message(2, "ai", "Shall I send a reset link to maria@example.com?", {
      meta: { kind: "action_confirmation", actions: [reset("confirming", "Shall I send…")] },
    }),
    message(3, "customer", "yes"),
    message(4, "ai", "Done: a reset link is on its way.", {
      meta: { kind: "action", actions: [reset("done", "Done: a reset link is on its way.")] },
    }),
    message(5, "customer", "Where is order LC-10234?"),
    message(6, "ai", "Order LC-10234 is in transit.", {
      meta: {
        kind: "action",
        actions: [
          actionTurnEntry({ action: "lookup_order", status: "done", text: "Order LC-10234 is in transit." }),
        ],
      },
    }),
    message(7, "customer", "That is not true, get me a person"),
    message(8, "ai", "I can't fully resolve this; a person will take over.", {
      meta: boundaryMeta({ reason: "customer_said_unresolved" }),
    }),
  ];
  const attempts = () =>
    buildHandoffPacket({ conversation: conversation(), messages: turns, events: [], customer }).aiAttempts;

  it("lists each run once, with its final outcome and result", () => {
    expect(attempts().actions).toEqual([
      {
        name: "reset_password",
        status: "succeeded",
        input: { email: "maria@example.com" },
        result: "Done: a reset link is on its way.",
        seq: 4,
      },
      { name: "lookup_order", status: "succeeded", result: "Order LC-10234 is in transit.", seq: 6 },
    ]);
  });

  it("does not count a boundary message as answered", () => {
    expect(attempts().answers.map((a) => a.answered)).toEqual([true, true, true, false]);
  });

  it("reads meta stored with the answerer's turn statuses and boundaries stored without `answered`", () => {
    expect(
      readAiMeta({
        kind: "action",
        actions: [
          { name: "lookup_order", status: "done" },
          { name: "reset_password", status: "asking" },
        ],
      }).actions,
    ).toEqual([
      { name: "lookup_order", status: "succeeded" },
      { name: "reset_password", status: "pending" },
    ]);
    expect(readAiMeta({ kind: "boundary", reason: "not_in_knowledge_base" }).answered).toBe(false);
    expect(readAiMeta({ kind: "answer" }).answered).toBeUndefined();
  });

  it("keeps a run that was still waiting for the customer at handover as pending", () => {
    const waiting = [message(1, "customer", "reset my password"), turns[1] as (typeof turns)[number]];
    expect(
      buildHandoffPacket({ conversation: conversation(), messages: waiting, events: [], customer }).aiAttempts
        .actions,
    ).toEqual([{ name: "reset_password", status: "pending", input: { email: "maria@example.com" }, seq: 2 }]);
  });
});

describe("readAiMeta", () => {
  it("reads citations and actions and ignores everything malformed", () => {
    expect(readAiMeta(null)).toEqual({ citations: [], actions: [] });
    expect(
      readAiMeta({
        citations: "x",
        actions: [{ name: "a", status: "weird" }],
        confidence: "high",
        answered: false,
      }),
    ).toEqual({
      citations: [],
      actions: [],
      answered: false,
    });
  });
});

describe("customer-facing handoff messages", () => {
  const now = Date.UTC(2026, 2, 6, 20, 0); // Friday 20:00 UTC

  it("tells the customer the expected wait", () => {
    expect(customerWaitMessage({ kind: "queued", estimatedWaitMs: 7 * 60_000, position: 3 }, now)).toContain(
      "The expected wait is about 7 minutes.",
    );
    expect(customerWaitMessage({ kind: "agent_available" }, now)).toContain("now");
  });

  it("tells the customer when a person will reply after hours, in their time zone", () => {
    const monday9 = Date.UTC(2026, 2, 9, 8, 0);
    expect(
      customerWaitMessage({ kind: "after_hours", nextOpeningAt: monday9 }, now, "Europe/Paris"),
    ).toContain("A person will reply on Monday at 9:00 AM GMT+1");
    expect(customerWaitMessage({ kind: "after_hours", nextOpeningAt: now + 3_600_000 }, now)).toContain(
      "today at 9:00 PM UTC",
    );
  });

  it("tells the customer in their own language, with the weekday and time in its conventions", () => {
    const monday9 = Date.UTC(2026, 2, 9, 8, 0);
    expect(
      customerWaitMessage({ kind: "queued", estimatedWaitMs: 7 * 60_000, position: 3 }, now, "UTC", "fr"),
    ).toBe(
      "Je vous mets en relation avec un membre de notre équipe, qui verra tout ce que nous avons échangé. L'attente estimée est d'environ 7 minutes.",
    );
    expect(
      customerWaitMessage({ kind: "after_hours", nextOpeningAt: monday9 }, now, "Europe/Berlin", "de-AT"),
    ).toContain("Eine Person antwortet Ihnen am Montag um 09:00 MEZ");
    expect(agentJoinedMessage("Sarah Connor", "es")).toBe(
      "Sarah, de nuestro equipo, se ha unido y puede ver nuestra conversación.",
    );
    expect(customerNotice("resolved", "ja")).toBe(customerNotice("resolved", "en"));
  });

  it("introduces the agent by first name", () => {
    expect(agentJoinedMessage("Sarah Connor")).toBe(
      "Sarah from our team has joined and can see our conversation.",
    );
  });
});
