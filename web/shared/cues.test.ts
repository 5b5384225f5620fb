import { describe, expect, it } from "vitest";
import { cueText, cueView, distinctCues } from "./cues.ts";

describe("cueView", () => {
  it("quotes the customer's words", () => {
    expect(cueView({ kind: "human_request", text: "talk to a real person" })).toEqual({
      quoted: true,
      text: "talk to a real person",
      kind: "human request",
    });
    expect(cueText({ kind: "caps", text: "USELESS" })).toBe("“USELESS”");
  });

  it("describes, without quotes, what is not the customer's words", () => {
    expect(cueView({ kind: "negative_sentiment", text: "-0.351" })).toEqual({
      quoted: false,
      text: "negative tone (-0.35)",
      kind: "sentiment",
    });
    expect(cueText({ kind: "trend", text: "rising over 3 turns" })).toBe("rising over 3 turns");
    expect(cueText({ kind: "caps", text: "ALL CAPS" })).toBe("ALL CAPS");
    expect(cueText({ kind: "caps", text: "2 words in capitals" })).toBe("2 words in capitals");
    expect(cueText({ kind: "carry_over", text: "frustrated in the previous turn" })).toBe(
      "frustrated in the previous turn",
    );
  });
});

describe("distinctCues", () => {
  it("shows the same words once, whichever detector or message found them, in first-seen order and up to max", () => {
    const cues = [
      { kind: "complaint", text: "damaged" },
      { kind: "negative_word", text: "damaged" },
      { kind: "complaint", text: "Damaged" },
      { kind: "human_request", text: "a real person" },
      { kind: "negative_sentiment", text: "-0.6" },
      { kind: "negative_sentiment", text: "-0.60" },
      { kind: "caps", text: "ALL CAPS" },
    ];
    expect(distinctCues(cues).map(cueText)).toEqual(["“damaged”", "“a real person”", "negative tone (-0.60)", "ALL CAPS"]);
    expect(distinctCues(cues, 2).map(cueText)).toEqual(["“damaged”", "“a real person”"]);
  });
});
