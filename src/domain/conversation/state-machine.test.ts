// Unit tests of the ownership rules: one owner per conversation, the AI never talks over a person.

import { describe, expect, it } from "vitest";
import type { ConversationStatus } from "../model.ts";
import { type Command, decide, type OwnershipState, type Transition } from "./state-machine.ts";

const AI: OwnershipState = { status: "ai", assigneeId: null, tier: null, reasons: [] };
const QUEUED: OwnershipState = {
  status: "waiting_human",
  assigneeId: null,
  tier: 2,
  reasons: ["human_requested"],
};
const HELD: OwnershipState = {
  status: "human",
  assigneeId: "agent-a",
  tier: 2,
  reasons: ["human_requested"],
};
const RESOLVED: OwnershipState = {
  status: "resolved",
  assigneeId: null,
  tier: 2,
  reasons: ["human_requested"],
};
const ALL: Record<ConversationStatus, OwnershipState> = {
  ai: AI,
  waiting_human: QUEUED,
  human: HELD,
  resolved: RESOLVED,
};

function accepted(t: Transition): { next: OwnershipState; event: string | null } {
  if (!t.ok) throw new Error(`expected the command to be accepted, got ${t.error}: ${t.detail}`);
  return { next: t.next, event: t.event };
}

function refused(t: Transition): string {
  if (t.ok) throw new Error(`expected the command to be refused, got next=${JSON.stringify(t.next)}`);
  expect(t.detail.length).toBeGreaterThan(0);
  return t.error;
}

describe("decide: customer messages", () => {
  it.each(["ai", "waiting_human", "human"] as const)(
    "accepts a customer message in %s without changing ownership",
    (status) => {
      const t = accepted(decide(ALL[status], { kind: "customer_message" }));
      expect(t.next).toEqual(ALL[status]);
      expect(t.event).toBeNull();
    },
  );

  it("reopens a resolved conversation to the AI when the customer writes again", () => {
    const t = accepted(decide(RESOLVED, { kind: "customer_message" }));
    expect(t.next).toEqual({ status: "ai", assigneeId: null, tier: null, reasons: [] });
    expect(t.event).toBe("reopened");
  });
});

describe("decide: AI replies", () => {
  it("lets the AI reply while it owns the conversation", () => {
    const t = accepted(decide(AI, { kind: "ai_message" }));
    expect(t.next).toEqual(AI);
    expect(t.event).toBeNull();
  });

  it.each(["waiting_human", "human", "resolved"] as const)(
    "drops an AI reply once the conversation left the AI (%s)",
    (status) => {
      expect(refused(decide(ALL[status], { kind: "ai_message" }))).toBe("AI_NOT_OWNER");
    },
  );
});

describe("decide: agent messages", () => {
  it("lets the assigned agent reply", () => {
    const t = accepted(decide(HELD, { kind: "agent_message", agentId: "agent-a" }));
    expect(t.next).toEqual(HELD);
    expect(t.event).toBeNull();
  });

  it("refuses a reply from an agent who does not hold the conversation", () => {
    expect(refused(decide(HELD, { kind: "agent_message", agentId: "agent-b" }))).toBe("NOT_ASSIGNEE");
  });

  it.each(["ai", "waiting_human", "resolved"] as const)(
    "refuses a customer-visible agent reply before a claim (%s)",
    (status) => {
      expect(refused(decide(ALL[status], { kind: "agent_message", agentId: "agent-a" }))).toBe(
        "NOT_ASSIGNEE",
      );
    },
  );

  it.each(["ai", "waiting_human", "human", "resolved"] as const)(
    "lets any agent add an internal note in %s without changing ownership",
    (status) => {
      const t = accepted(decide(ALL[status], { kind: "agent_message", agentId: "agent-b", internal: true }));
      expect(t.next).toEqual(ALL[status]);
      expect(t.event).toBeNull();
    },
  );
});

describe("decide: escalation", () => {
  it("queues an AI conversation for people with the tier and reasons", () => {
    const t = accepted(decide(AI, { kind: "escalate", tier: 2, reasons: ["negative_sentiment"] }));
    expect(t.next).toEqual({
      status: "waiting_human",
      assigneeId: null,
      tier: 2,
      reasons: ["negative_sentiment"],
    });
    expect(t.event).toBe("escalated");
  });

  it("raises the tier and merges reasons when a queued conversation is escalated again", () => {
    const t = accepted(decide(QUEUED, { kind: "escalate", tier: 3, reasons: ["legal_compliance"] }));
    expect(t.next).toEqual({
      status: "waiting_human",
      assigneeId: null,
      tier: 3,
      reasons: ["human_requested", "legal_compliance"],
    });
    expect(t.event).toBe("requeued");
  });

  it("never lowers the tier of a queued conversation", () => {
    const t = accepted(decide(QUEUED, { kind: "escalate", tier: 1, reasons: ["frustration"] }));
    expect(t.next.tier).toBe(2);
    expect(t.next.reasons).toEqual(["human_requested", "frustration"]);
  });

  it("logs nothing when a re-escalation changes neither tier nor reasons", () => {
    const t = accepted(decide(QUEUED, { kind: "escalate", tier: 1, reasons: ["human_requested"] }));
    expect(t.next).toEqual(QUEUED);
    expect(t.event).toBeNull();
  });

  it("leaves a conversation a person already holds untouched", () => {
    const t = accepted(decide(HELD, { kind: "escalate", tier: 3, reasons: ["legal_compliance"] }));
    expect(t.next).toEqual(HELD);
    expect(t.event).toBeNull();
  });

  it("refuses to escalate a resolved conversation", () => {
    expect(refused(decide(RESOLVED, { kind: "escalate", tier: 1, reasons: ["human_requested"] }))).toBe(
      "CONVERSATION_RESOLVED",
    );
  });
});

describe("decide: re-prioritisation by a later customer message", () => {
  it("moves a queued conversation up to a higher tier and merges the new reasons", () => {
    const t = accepted(decide(QUEUED, { kind: "reprioritise", tier: 3, reasons: ["frustration", "legal_compliance"] }));
    expect(t.next).toEqual({
      status: "waiting_human",
      assigneeId: null,
      tier: 3,
      reasons: ["human_requested", "frustration", "legal_compliance"],
    });
    expect(t.event).toBe("reprioritised");
  });

  it("never moves a queued conversation down a tier", () => {
    const t = accepted(decide(QUEUED, { kind: "reprioritise", tier: 1, reasons: ["negative_sentiment"] }));
    expect(t.next.tier).toBe(2);
    expect(t.next.reasons).toEqual(["human_requested", "negative_sentiment"]);
  });

  it("merges reasons into a held conversation but leaves its tier and agent alone", () => {
    const t = accepted(decide(HELD, { kind: "reprioritise", tier: 3, reasons: ["legal_compliance"] }));
    expect(t.next).toEqual({ ...HELD, reasons: ["human_requested", "legal_compliance"] });
    expect(t.event).toBe("reprioritised");
  });

  it("logs nothing when the message adds neither tier nor reasons", () => {
    const t = accepted(decide(HELD, { kind: "reprioritise", tier: 3, reasons: ["human_requested"] }));
    expect(t.next).toEqual(HELD);
    expect(t.event).toBeNull();
  });

  it.each(["ai", "resolved"] as const)("refuses to re-prioritise a conversation in %s", (status) => {
    expect(refused(decide(ALL[status], { kind: "reprioritise", tier: 3, reasons: ["legal_compliance"] }))).toBe(
      "INVALID_TRANSITION",
    );
  });
});

describe("decide: claims and assignment", () => {
  it("gives a queued conversation to the claiming agent, keeping its tier", () => {
    const t = accepted(decide(QUEUED, { kind: "claim", agentId: "agent-b" }));
    expect(t.next).toEqual({ ...QUEUED, status: "human", assigneeId: "agent-b" });
    expect(t.event).toBe("claimed");
  });

  it("lets an agent take a conversation straight from the AI, on tier 1", () => {
    const t = accepted(decide(AI, { kind: "claim", agentId: "agent-b" }));
    expect(t.next).toEqual({ status: "human", assigneeId: "agent-b", tier: 1, reasons: [] });
    expect(t.event).toBe("claimed");
  });

  it("logs an automatic assignment as assigned, not claimed", () => {
    expect(accepted(decide(QUEUED, { kind: "assign", agentId: "agent-b" })).event).toBe("assigned");
  });

  it("refuses a second claim by another agent", () => {
    expect(refused(decide(HELD, { kind: "claim", agentId: "agent-b" }))).toBe("ALREADY_ASSIGNED");
  });

  it("refuses a second claim by the agent who already holds it", () => {
    expect(refused(decide(HELD, { kind: "claim", agentId: "agent-a" }))).toBe("ALREADY_ASSIGNED");
  });

  it("refuses to auto-assign a conversation a person holds", () => {
    expect(refused(decide(HELD, { kind: "assign", agentId: "agent-b" }))).toBe("ALREADY_ASSIGNED");
  });

  it.each(["claim", "assign"] as const)("refuses to %s a resolved conversation", (kind) => {
    expect(refused(decide(RESOLVED, { kind, agentId: "agent-b" }))).toBe("CONVERSATION_RESOLVED");
  });
});

describe("decide: transfer", () => {
  it("moves a held conversation to another agent", () => {
    const t = accepted(decide(HELD, { kind: "transfer", toAgentId: "agent-b" }));
    expect(t.next).toEqual({ ...HELD, assigneeId: "agent-b" });
    expect(t.event).toBe("transferred");
  });

  it("sends a held conversation back to a tier queue without an owner", () => {
    const t = accepted(decide(HELD, { kind: "transfer", toTier: 3 }));
    expect(t.next).toEqual({ ...HELD, status: "waiting_human", assigneeId: null, tier: 3 });
  });

  it("keeps the current tier when a queue transfer names none", () => {
    expect(accepted(decide(HELD, { kind: "transfer" })).next.tier).toBe(2);
  });

  it("assigns a queued conversation directly to an agent", () => {
    const t = accepted(decide(QUEUED, { kind: "transfer", toAgentId: "agent-c" }));
    expect(t.next).toEqual({ ...QUEUED, status: "human", assigneeId: "agent-c" });
  });

  it.each(["ai", "resolved"] as const)("refuses to transfer a conversation in %s", (status) => {
    expect(refused(decide(ALL[status], { kind: "transfer", toTier: 2 }))).toBe("INVALID_TRANSITION");
  });
});

describe("decide: handback", () => {
  it("returns a held conversation to the AI when its agent hands it back", () => {
    const t = accepted(decide(HELD, { kind: "handback", agentId: "agent-a" }));
    expect(t.next).toEqual(AI);
    expect(t.event).toBe("handed_back");
  });

  it("refuses a handback by an agent who is not the assignee", () => {
    expect(refused(decide(HELD, { kind: "handback", agentId: "agent-b" }))).toBe("NOT_ASSIGNEE");
  });

  it.each(["ai", "waiting_human", "resolved"] as const)("refuses a handback in %s", (status) => {
    expect(refused(decide(ALL[status], { kind: "handback", agentId: "agent-a" }))).toBe("INVALID_TRANSITION");
  });
});

describe("decide: release", () => {
  it("returns a held conversation to its queue when the agent went away", () => {
    const t = accepted(decide(HELD, { kind: "release", reason: "disconnected" }));
    expect(t.next).toEqual({ ...HELD, status: "waiting_human", assigneeId: null });
    expect(t.event).toBe("released");
  });

  it.each(["ai", "waiting_human", "resolved"] as const)("refuses a release in %s", (status) => {
    expect(refused(decide(ALL[status], { kind: "release", reason: "offline" }))).toBe("INVALID_TRANSITION");
  });
});

describe("decide: resolve", () => {
  it("lets the assigned agent resolve, clearing the owner", () => {
    const t = accepted(decide(HELD, { kind: "resolve", actorId: "agent-a", actorRole: "agent" }));
    expect(t.next).toEqual({ status: "resolved", assigneeId: null, tier: 2, reasons: ["human_requested"] });
    expect(t.event).toBe("resolved");
  });

  it("refuses a resolve by an agent who does not hold the conversation", () => {
    expect(refused(decide(HELD, { kind: "resolve", actorId: "agent-b", actorRole: "agent" }))).toBe(
      "NOT_ASSIGNEE",
    );
  });

  it.each(["ai", "waiting_human"] as const)("lets an agent close an unowned conversation in %s", (status) => {
    expect(
      accepted(decide(ALL[status], { kind: "resolve", actorId: "agent-b", actorRole: "agent" })).next.status,
    ).toBe("resolved");
  });

  it.each(["ai", "waiting_human", "human"] as const)(
    "lets the customer close the conversation in %s",
    (status) => {
      expect(
        accepted(decide(ALL[status], { kind: "resolve", actorId: null, actorRole: "customer" })).next.status,
      ).toBe("resolved");
    },
  );

  it("lets the AI resolve a conversation it owns", () => {
    expect(accepted(decide(AI, { kind: "resolve", actorId: null, actorRole: "ai" })).event).toBe("resolved");
  });

  it.each(["waiting_human", "human"] as const)(
    "refuses an AI resolve once a person is involved (%s)",
    (status) => {
      expect(refused(decide(ALL[status], { kind: "resolve", actorId: null, actorRole: "ai" }))).toBe(
        "AI_NOT_OWNER",
      );
    },
  );

  it.each(["agent", "ai", "customer"] as const)("refuses to resolve twice (%s)", (actorRole) => {
    expect(refused(decide(RESOLVED, { kind: "resolve", actorId: "agent-a", actorRole }))).toBe(
      "ALREADY_RESOLVED",
    );
  });
});

describe("decide: reopen", () => {
  it("reopens a resolved conversation to the AI", () => {
    const t = accepted(decide(RESOLVED, { kind: "reopen" }));
    expect(t.next).toEqual(AI);
    expect(t.event).toBe("reopened");
  });

  it.each(["ai", "waiting_human", "human"] as const)(
    "refuses to reopen a conversation that is open (%s)",
    (status) => {
      expect(refused(decide(ALL[status], { kind: "reopen" }))).toBe("INVALID_TRANSITION");
    },
  );
});

describe("decide: invariants over every command and status", () => {
  const commands: Command[] = [
    { kind: "customer_message" },
    { kind: "ai_message" },
    { kind: "agent_message", agentId: "agent-a" },
    { kind: "agent_message", agentId: "agent-b", internal: true },
    { kind: "escalate", tier: 3, reasons: ["legal_compliance"] },
    { kind: "reprioritise", tier: 3, reasons: ["legal_compliance"] },
    { kind: "claim", agentId: "agent-b" },
    { kind: "assign", agentId: "agent-b" },
    { kind: "transfer", toAgentId: "agent-c" },
    { kind: "transfer", toTier: 1 },
    { kind: "handback", agentId: "agent-a" },
    { kind: "release", reason: "offline" },
    { kind: "resolve", actorId: "agent-a", actorRole: "agent" },
    { kind: "resolve", actorId: null, actorRole: "customer" },
    { kind: "reopen" },
  ];
  const cases = Object.values(ALL).flatMap((state) =>
    commands.map((cmd) => [state.status, cmd.kind, state, cmd] as const),
  );

  it.each(cases)("keeps an owner exactly when the status is human (%s + %s)", (_s, _k, state, cmd) => {
    const t = decide(state, cmd);
    if (!t.ok) return;
    expect(t.next.assigneeId !== null).toBe(t.next.status === "human");
  });

  it.each(cases)("does not mutate the state it is given (%s + %s)", (_s, _k, state, cmd) => {
    const before = structuredClone(state);
    decide(state, cmd);
    expect(state).toEqual(before);
  });

  it.each(cases)(
    "names an event for the log whenever ownership or the queue changes (%s + %s)",
    (_s, _k, state, cmd) => {
      const t = decide(state, cmd);
      if (!t.ok) return;
      if (JSON.stringify(t.next) !== JSON.stringify(state)) expect(t.event).not.toBeNull();
      else if (cmd.kind !== "transfer") expect(t.event).toBeNull();
    },
  );
});
