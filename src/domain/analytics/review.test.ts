import { describe, expect, it } from "vitest";
import { clusterQuestions } from "./gaps.ts";
import { emptyTotals, figuresFrom } from "./figures.ts";
import { buildDigest, draftArticle, reviewPatterns, weekOf } from "./review.ts";

describe("knowledge gaps", () => {
  it("groups questions about the same thing and counts them, biggest first", () => {
    const q = (text: string, at: number) => ({ conversationId: `c${at}`, text, at });
    const clusters = clusterQuestions([
      q("Can I pay with bitcoin?", 1),
      q("Do you accept bitcoin payments", 2),
      q("bitcoin accepted?", 3),
      q("Do you ship to Iceland?", 4),
      q("shipping to iceland", 5),
      q("!!!", 6),
    ]);
    expect(clusters.map((c) => c.count)).toEqual([3, 2]);
    expect(clusters[0]?.terms).toContain("bitcoin");
    expect(clusters[1]?.conversationIds).toEqual(["c4", "c5"]);
  });

  it("does not join questions by the verb that asks whether something exists", () => {
    const q = (text: string, at: number) => ({ conversationId: `c${at}`, text, at });
    const clusters = clusterQuestions([
      q("Do you offer discounts?", 1),
      q("Do you offer engraving?", 2),
      q("Is engraving available?", 3),
    ]);
    expect(clusters.map((c) => c.conversationIds)).toEqual([["c2", "c3"], ["c1"]]);
  });
});

describe("review patterns", () => {
  it("counts verdicts per week and per reason of multi-reason escalations", () => {
    const monday = Date.parse("2026-03-02T10:00:00Z");
    const rows = reviewPatterns(
      [
        { escalatedAt: monday, verdict: "unnecessary", intent: "order_status", tier: 1, reasons: ["low_confidence", "frustration"] },
        { escalatedAt: monday + 86_400_000, verdict: "correct", intent: "complaint", tier: 2, reasons: ["frustration"] },
      ],
      "reason",
    );
    expect(weekOf(monday + 5 * 86_400_000)).toBe("2026-03-02");
    expect(rows).toEqual([
      { week: "2026-03-02", key: "frustration", verdicts: { correct: 1, too_early: 0, too_late: 0, unnecessary: 1 }, total: 2 },
      { week: "2026-03-02", key: "low_confidence", verdicts: { correct: 0, too_early: 0, too_late: 0, unnecessary: 1 }, total: 1 },
    ]);
  });
});

describe("weekly digest", () => {
  it("says how many conversations are still inside the return window and left out of the AI resolution rate", () => {
    const costs = { agentCostPerHour: 30, llmCostPer1kPromptTokens: 0, llmCostPer1kCompletionTokens: 0 };
    const week = { ...emptyTotals(), conversations: 10, aiConfirmed: 3, aiResolved: 3, aiPending: 4, escalated: 3 };
    const digest = buildDigest({
      weekStart: "2026-03-02", weekEnd: "2026-03-08", timeZone: "UTC", current: figuresFrom(week, costs), previous: figuresFrom(emptyTotals(), costs),
      reasons: [], gaps: [], verdicts: { correct: 0, too_early: 0, too_late: 0, unnecessary: 0 }, escalationTarget: { low: 0.1, high: 0.2 },
    });
    // 3 resolved of the 6 decided; 4 wait for their window.
    expect(digest.highlights[0]).toBe("10 conversations; the AI resolved 50.0% at first contact, with 4 still inside the return window and not yet counted.");
  });
});

describe("article drafts", () => {
  it("takes the customer's question and the agent's answer, without pleasantries or internal notes", () => {
    const d = draftArticle([
      { author: "customer", internal: false, text: "How do I change my delivery address? It moved." },
      { author: "ai", internal: false, text: "Let me connect you." },
      { author: "agent", internal: true, text: "check CRM" },
      { author: "agent", internal: false, text: "Hi there!" },
      { author: "agent", internal: false, text: "Open Orders, pick the order, then Edit address before it ships." },
      { author: "agent", internal: false, text: "Thanks!" },
    ]);
    expect(d).toMatchObject({ title: "How do I change my delivery address?".replace(/\?$/, ""), answer: "Open Orders, pick the order, then Edit address before it ships." });
    expect(draftArticle([{ author: "customer", internal: false, text: "hello?" }])).toBeNull();
  });
});
