import { describe, expect, it } from "vitest";
import { outcomeLabel, statusLabel } from "./labels.ts";

describe("outcome labels", () => {
  it("reads as words, never as the server's codes", () => {
    expect(outcomeLabel("waiting_human", null)).toBe("Waiting in queue");
    expect(outcomeLabel("human", null)).toBe("With an agent");
    expect(outcomeLabel("ai", undefined)).toBe("With the AI");
    expect(outcomeLabel("resolved", "refund_issued")).toBe("Resolved (refund issued)");
    expect(statusLabel("some_new_state")).toBe("some new state");
  });
});
