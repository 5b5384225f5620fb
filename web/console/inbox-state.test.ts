import { describe, expect, it } from "vitest";
import { DEFAULT_SLA_POLICY } from "../../src/domain/sla/index.ts";
import type { AgentConversation, AgentMessage, Triage } from "../shared/wire.ts";
import {
  applyMessage,
  DEFAULT_WAIT_TARGETS,
  applySla,
  applyStatus,
  applyTriage,
  emptyInbox,
  formatDuration,
  groupInbox,
  loadInbox,
  sentimentFlag,
  slaClock,
  waitTargetsOf,
} from "./inbox-state.ts";

const T0 = Date.parse("2026-03-02T09:00:00Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();

const conv = (id: string, over: Partial<AgentConversation> = {}): AgentConversation => ({
  id, status: "waiting_human", owner: { kind: "queue", tier: 1 }, tier: 1, reasons: ["frustration"], channel: "web", language: "en",
  lastSeq: 3, version: 2, createdAt: iso(0), updatedAt: iso(0), resolvedAt: null, customerId: `cu-${id}`, assigneeId: null, priority: 0,
  skill: null, aiTurnsUnresolved: 0, queuedAt: iso(0), assignedAt: null, firstHumanResponseAt: null, resolutionCode: null, ...over,
});

const triage = (sentiment: number, frustration: number): Triage => ({
  language: "en", languageConfidence: 1, sentiment, sentimentCues: [], frustration, frustrationCues: [], frustrationTrend: 0, intent: "order_status",
  confidence: 0.9, outOfScope: false, route: "human", reasons: [], tier: 1,
});

const msg = (conversationId: string, seq: number, over: Partial<AgentMessage> = {}): AgentMessage => ({
  id: `${conversationId}-${seq}`, conversationId, seq, author: "customer", authorName: null, text: `text ${seq}`, clientMessageId: null, meta: null,
  createdAt: iso(seq * 1000), authorId: null, internal: false, triage: null, ...over,
});

const noNames = () => null;

describe("inbox state", () => {
  it("groups my conversations first, then each tier's queue oldest first, then teammates'", () => {
    const s = loadInbox(emptyInbox, [
      conv("q1-new", { queuedAt: iso(50_000) }),
      conv("q1-old", { queuedAt: iso(10_000) }),
      conv("q3", { tier: 3, owner: { kind: "queue", tier: 3 } }),
      conv("mine", { status: "human", assigneeId: "me", owner: { kind: "agent", agentId: "me", name: "Me" } }),
      conv("theirs", { status: "human", assigneeId: "bob", owner: { kind: "agent", agentId: "bob", name: "Bob" } }),
      conv("ai", { status: "ai" }),
    ]);
    const groups = groupInbox(s, "me").map((g) => [g.key, g.items.map((i) => i.conversation.id)]);
    expect(groups).toEqual([
      ["mine", ["mine"]],
      ["tier-1", ["q1-old", "q1-new"]],
      ["tier-2", []],
      ["tier-3", ["q3"]],
      ["others", ["theirs"]],
    ]);
    expect(s.items.get("theirs")?.assigneeName).toBe("Bob");
  });

  it("orders each queue as the desk assigns it: higher priority first, then who waited longest", () => {
    const s = loadInbox(emptyInbox, [
      conv("plain-old", { queuedAt: iso(0) }),
      conv("legal-new", { queuedAt: iso(90_000), priority: 50 }),
      conv("angry", { queuedAt: iso(60_000), priority: 40 }),
      conv("legal-old", { queuedAt: iso(30_000), priority: 50 }),
      conv("plain-new", { queuedAt: iso(45_000) }),
    ]);
    const tier1 = groupInbox(s, "me").find((g) => g.key === "tier-1");
    expect(tier1?.items.map((i) => i.conversation.id)).toEqual(["legal-old", "legal-new", "angry", "plain-old", "plain-new"]);
  });

  it("flags a conversation entering a queue as new, once, and drops it when it leaves the human side", () => {
    let r = applyStatus(emptyInbox, conv("c1"), noNames);
    expect(r.newlyQueued).toBe(true);
    r = applyStatus(r.state, conv("c1", { version: 3 }), noNames);
    expect(r.newlyQueued).toBe(false);
    r = applyStatus(r.state, conv("c1", { version: 4, status: "human", assigneeId: "bob", owner: { kind: "agent", agentId: "bob", name: null } }), (id) => (id === "bob" ? "Bob" : null));
    expect(r.state.items.get("c1")?.assigneeName).toBe("Bob");
    // A transfer back to a queue is a new arrival there.
    r = applyStatus(r.state, conv("c1", { version: 5, queuedAt: iso(90_000), tier: 2 }), noNames);
    expect(r.newlyQueued).toBe(true);
    r = applyStatus(r.state, conv("c1", { version: 6, status: "resolved" }), noNames);
    expect(r.state.items.has("c1")).toBe(false);
  });

  it("ignores a status event older than what it shows", () => {
    const s = applyStatus(emptyInbox, conv("c1", { version: 5, tier: 2 }), noNames).state;
    const r = applyStatus(s, conv("c1", { version: 4, tier: 1 }), noNames);
    expect(r.state).toBe(s);
    expect(r.newlyQueued).toBe(false);
  });

  it("keeps the latest customer message and its triage for the preview and the sentiment flag", () => {
    let s = loadInbox(emptyInbox, [conv("c1")]);
    s = applyMessage(s, msg("c1", 4, { text: "where is my order", triage: triage(-0.2, 0.3) }));
    s = applyMessage(s, msg("c1", 5, { author: "agent", text: "checking" }));
    s = applyMessage(s, msg("c1", 6, { author: "agent", internal: true, text: "note" }));
    expect(s.items.get("c1")?.lastCustomer?.text).toBe("where is my order");
    expect(s.items.get("c1")?.conversation.lastSeq).toBe(6);
    s = applyMessage(s, msg("c1", 7, { text: "THIS IS UNACCEPTABLE" }));
    s = applyTriage(s, "c1", 7, triage(-0.9, 0.95));
    expect(sentimentFlag(s.items.get("c1")?.lastCustomer?.triage)).toBe("frustrated");
    // A late triage for an older message does not overwrite the newer one.
    expect(applyTriage(s, "c1", 4, triage(0.9, 0))).toBe(s);
    expect(applyMessage(s, msg("unknown", 1))).toBe(s);
  });

  it("counts the waiting clock down against the tier target, warns at 80% and breaches at the target", () => {
    const s = loadInbox(emptyInbox, [conv("t1"), conv("t3", { tier: 3 })]);
    const t1 = s.items.get("t1")!;
    const targets = waitTargetsOf({
      tiers: { 1: { waitingMs: 120_000 }, 2: { waitingMs: 300_000 }, 3: { waitingMs: 600_000 } },
      warnAtFraction: 0.8,
    });
    expect(slaClock(t1, T0 + 60_000, targets)).toEqual({ remainingMs: 60_000, waitedMs: 60_000, level: "ok" });
    expect(slaClock(t1, T0 + 100_000, targets).level).toBe("warning");
    expect(slaClock(t1, T0 + 130_000, targets)).toMatchObject({ remainingMs: -10_000, level: "breached" });
    expect(slaClock(s.items.get("t3")!, T0 + 130_000, targets)).toMatchObject({ remainingMs: 470_000, level: "ok" });
    expect(slaClock({ ...t1, conversation: conv("h", { status: "human" }) }, T0, targets).remainingMs).toBeNull();
  });

  it("counts down to the server's default targets until the console has loaded the desk's policy", () => {
    const t1 = loadInbox(emptyInbox, [conv("t1")]).items.get("t1")!;
    expect(DEFAULT_WAIT_TARGETS).toEqual(waitTargetsOf(DEFAULT_SLA_POLICY));
    expect(slaClock(t1, T0 + 60_000)).toMatchObject({ remainingMs: 120_000, level: "ok" });
  });

  it("takes the server's SLA deadline and level over the fallback target", () => {
    let s = loadInbox(emptyInbox, [conv("c1")]);
    s = applySla(s, "c1", { level: "warning", metric: "waiting", dueAt: iso(600_000) });
    expect(slaClock(s.items.get("c1")!, T0 + 130_000)).toMatchObject({ remainingMs: 470_000, level: "warning" });
  });

  it("flags sentiment only when it is clearly negative, frustrated or positive", () => {
    expect(sentimentFlag(null)).toBeNull();
    expect(sentimentFlag(triage(0, 0.1))).toBeNull();
    expect(sentimentFlag(triage(-0.6, 0.2))).toBe("negative");
    expect(sentimentFlag(triage(-0.1, 0.8))).toBe("frustrated");
    expect(sentimentFlag(triage(0.7, 0))).toBe("positive");
  });

  it("formats durations compactly", () => {
    expect([formatDuration(5_000), formatDuration(65_000), formatDuration(3_725_000), formatDuration(-30_000), formatDuration(3 * 86_400_000)]).toEqual([
      "5s", "1m 05s", "1h 02m", "30s", "3d",
    ]);
  });
});
