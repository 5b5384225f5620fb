import { describe, expect, it } from "vitest";
import { localDayOf, localDays } from "./calendar.ts";
import { deriveFacts } from "./facts.ts";
import { agentUtilisation, figuresFrom, reasonSplit, totalsByLocalDay, totalsOf } from "./figures.ts";
import { ctx, DAY, fixtureLogs, LogBuilder, MIN, S, T0 } from "./fixtures.test-helper.ts";
import type { ConversationFacts } from "./types.ts";

const costs = { agentCostPerHour: 30, llmCostPer1kPromptTokens: 0.01, llmCostPer1kCompletionTokens: 0.03 };

function facts(now = T0 + 8 * DAY): ConversationFacts[] {
  return fixtureLogs()
    .map(({ log, others }) => deriveFacts(log, ctx(now, others)))
    .filter((f): f is ConversationFacts => f !== null);
}

describe("dashboard figures from the fixture logs", () => {
  // Seven interactions (c8 never wrote): c1 confirmed, c2 no return, c3 reopened, c4 came back elsewhere,
  // c5 and c6 escalated and resolved by people, c7 unanswered.
  const f = figuresFrom(totalsOf(facts()), costs);

  it("counts AI resolutions honestly: confirmed or not back within the window", () => {
    expect(f.conversations).toBe(7);
    expect(f.aiResolved).toBe(2); // c1, c2
    expect(f.aiResolutionRate).toBeCloseTo(2 / 7, 10);
    expect([f.aiConfirmed, f.aiNoReturn, f.aiReturned, f.aiPending]).toEqual([1, 1, 2, 0]);
  });

  it("excludes conversations still inside their window from the resolution rate", () => {
    // Three days in: c2 and c7 are pending, so 5 are decided and 1 (c1) is resolved.
    const early = figuresFrom(totalsOf(facts(T0 + 3 * DAY)), costs);
    expect(early.aiPending).toBe(2);
    expect(early.aiResolutionRate).toBeCloseTo(1 / 5, 10);
  });

  it("computes escalation rate and the reason split", () => {
    expect(f.escalationRate).toBeCloseTo(2 / 7, 10);
    expect(reasonSplit(facts())).toEqual([
      { reason: "complaint", count: 1, share: 0.5 },
      { reason: "frustration", count: 1, share: 0.5 },
      { reason: "human_requested", count: 1, share: 0.5 },
    ]);
  });

  it("averages handling time for AI-resolved and escalated conversations, and with and without assist", () => {
    expect(f.ahtAiMs).toBe((2 * MIN + 10 * S) / 2); // c1 2 min, c2 10 s
    expect(f.ahtEscalatedMs).toBe((41 * MIN + 25 * MIN) / 2); // c5, c6 from first message to resolution
    expect(f.ahtAssistedMs).toBe(40 * MIN); // c5: Alice used a suggestion
    expect(f.ahtUnassistedMs).toBe(20 * MIN); // c6
  });

  it("splits CSAT by who resolved", () => {
    expect(f.csatAi).toBe((5 + 2) / 2); // c1 5, c3 2
    expect(f.csatAiSatisfiedRate).toBe(0.5);
    expect(f.csatHuman).toBe((5 + 3) / 2); // c5 5, c6 3
  });

  it("averages first response and first human response", () => {
    // c1 30 s, c2 10 s, c3 20 s, c4 40 s, c5 2 min, c6 8 min; c7 never answered.
    expect(f.firstResponseMs).toBe((30 + 10 + 20 + 40 + 120 + 480) * S / 6);
    expect(f.firstHumanResponseMs).toBe((2 * MIN - S + 8 * MIN - 2 * S) / 2);
  });

  it("costs an interaction from agent load and LLM tokens, and compares with an all-human baseline", () => {
    // Load: c5 40 min / 4 + c6 20 min / 2 = 20 min = 1/3 h -> $10. Tokens: 1500 prompt ($0.015) + 300 completion
    // ($0.009) + recorded $0.002 = $0.026.
    expect(f.agentHours).toBeCloseTo(1 / 3, 10);
    expect(f.agentCost).toBeCloseTo(10, 10);
    expect(f.llmCost).toBeCloseTo(0.026, 10);
    expect(f.costPerInteraction).toBeCloseTo(10.026 / 7, 10);
    // Baseline: 1/6 h per human-handled conversation × 7 conversations = 7/6 h; agents worked 2/6 h of it.
    expect(f.baselineAgentHours).toBeCloseTo(7 / 6, 10);
    expect(f.workloadOffAgents).toBeCloseTo(1 - 2 / 7, 10);
    expect(f.baselineCostPerInteraction).toBeCloseTo(5, 10);
    expect(f.conversationsOffAgents).toBe(5);
  });

  it("computes agent utilisation over staffed days", () => {
    const segments = facts().flatMap((x) => x.agentSegments.map((s) => ({ ...s, conversationId: x.conversationId })));
    // Alice: 10 min of load in one 8-hour day = 10/480; Bob the same.
    expect(agentUtilisation(segments, 8)).toEqual([
      { agentId: "alice", activeDays: 1, conversations: 1, loadHours: 1 / 6, utilisation: 1 / 48 },
      { agentId: "bob", activeDays: 1, conversations: 1, loadHours: 1 / 6, utilisation: 1 / 48 },
    ]);
  });

  it("reports SLA attainment of the escalated conversations against their tiers' targets", () => {
    // c5, tier 2 (15 min to answer, 10 to pick up): claimed after 59 s, answered after 1 min 59 s: both met.
    // c6, tier 1 (5 and 3 min): assigned after 4 min 58 s, answered (the 6-minute note is internal) after 7 min 58 s:
    // both breached.
    expect(f).toMatchObject({
      slaEscalations: 2, slaResponseMet: 1, slaResponseBreached: 1, slaResponsePending: 0, slaResponseWithdrawn: 0, slaResponseAttainment: 0.5,
      slaWaitMet: 1, slaWaitBreached: 1, slaWaitAttainment: 0.5, slaBreachedConversations: 1, slaStillQueued: 0,
    });
    expect(f.slaWaitMeanMs).toBe((59 * S + 4 * MIN + 58 * S) / 2);
  });

  it("reports null rather than zero when nothing was measured", () => {
    const none = figuresFrom(totalsOf([]), costs);
    expect(none.aiResolutionRate).toBeNull();
    expect(none.costPerInteraction).toBeNull();
    expect(none.workloadOffAgents).toBeNull();
    expect(none.slaResponseAttainment).toBeNull();
    expect(none.slaWaitMeanMs).toBeNull();
  });
});

describe("figures per local day", () => {
  const NY = "America/New_York";
  const started = (id: string, iso: string, escalate = false) => {
    const at = Date.parse(iso);
    const log = new LogBuilder(id).customer(at, "order_status").msg("ai", at + S);
    if (escalate) log.event("escalated", at + S, { tier: 1, reasons: ["human_requested"] });
    const facts = deriveFacts(log.build(), ctx(at + 10 * DAY));
    if (!facts) throw new Error(id);
    return facts;
  };

  it("puts each conversation on the New York day of its first message across the 23-hour DST day", () => {
    const facts = [
      started("sat-late", "2026-03-08T04:59:00Z"), // 23:59 EST on Saturday the 7th
      started("sun-early", "2026-03-08T05:00:00Z"), // 00:00 EST on the 8th
      started("sun-after-jump", "2026-03-08T07:30:00Z", true), // 03:30 EDT on the 8th (02:00-03:00 never happened)
      started("sun-late", "2026-03-09T03:59:00Z"), // 23:59 EDT on the 8th: the 9th in UTC
      started("mon", "2026-03-09T04:00:00Z"), // 00:00 EDT on the 9th
    ];
    const range = localDays("2026-03-07", "2026-03-09", NY);
    const byDay = totalsByLocalDay(facts, range);
    expect([...byDay].map(([d, t]) => [d, t.conversations, t.escalated])).toEqual([
      ["2026-03-07", 1, 0],
      ["2026-03-08", 3, 1],
      ["2026-03-09", 1, 0],
    ]);
    // The same conversations by UTC day: the New York evening moves to the next day.
    const utc = totalsByLocalDay(facts, localDays("2026-03-07", "2026-03-09", "UTC"));
    expect([...utc].map(([d, t]) => [d, t.conversations])).toEqual([["2026-03-08", 3], ["2026-03-09", 2]]);
    // Outside the range: left out.
    expect([...totalsByLocalDay(facts, localDays("2026-03-08", "2026-03-08", NY)).values()].map((t) => t.conversations)).toEqual([3]);
  });

  it("counts utilisation days as local days when asked", () => {
    // One New York evening shift from 18:00 to 22:00 EST crosses UTC midnight.
    const segments = [
      { agentId: "alice", start: Date.parse("2026-01-05T23:00:00Z"), loadMs: 60 * MIN, conversationId: "a" },
      { agentId: "alice", start: Date.parse("2026-01-06T02:00:00Z"), loadMs: 60 * MIN, conversationId: "b" },
    ];
    expect(agentUtilisation(segments, 8)[0]?.activeDays).toBe(2);
    expect(agentUtilisation(segments, 8, (ms) => localDayOf(ms, NY))[0]?.activeDays).toBe(1);
  });
});
