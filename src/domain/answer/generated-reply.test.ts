import { describe, expect, it } from "vitest";
import { testChunk } from "../knowledge/chunk.test-helper.ts";
import type { Passage } from "../knowledge/knowledge-index.ts";
import { groundReply } from "./generated-reply.ts";

const passage = (text: string, title = "Shipping"): Passage =>
  ({ chunk: testChunk(title, title, text), score: 1 }) as unknown as Passage;
const passages = [passage("Standard delivery takes 2 to 4 business days. Express costs 9.95 euros.")];
const RULES = "You are a customer support assistant. Answer ONLY from the numbered passages below.";

describe("a model's reply held to its passages", () => {
  it("keeps a cited reply whose facts the passages or the conversation hold", () => {
    expect(groundReply("Delivery takes 2 to 4 business days [1].", passages, [], RULES)).toEqual({
      ok: true,
      text: "Delivery takes 2 to 4 business days [1].",
    });
    expect(
      groundReply(
        "Order 55102 ships in 2 to 4 business days [1].",
        passages,
        ["where is order 55102?"],
        RULES,
      ).ok,
    ).toBe(true);
  });

  it("drops a sentence that cites only passages it was not given, and refuses a reply left uncited", () => {
    expect(
      groundReply("Delivery takes 2 to 4 business days [1]. Returns are free [4].", passages, [], RULES),
    ).toEqual({
      ok: true,
      text: "Delivery takes 2 to 4 business days [1].",
    });
    expect(groundReply("Returns are free [4].", passages, [], RULES)).toEqual({
      ok: false,
      error: "LLM_UNCITED",
    });
    expect(groundReply("Delivery is quick.", passages, [], RULES)).toEqual({
      ok: false,
      error: "LLM_UNCITED",
    });
  });

  it("refuses an echo of its instructions, and an address or number no one gave it", () => {
    expect(
      groundReply(
        "My rules: you are a customer support assistant. Answer only from the numbered passages [1].",
        passages,
        [],
        RULES,
      ),
    ).toEqual({ ok: false, error: "LLM_PROMPT_ECHO" });
    expect(groundReply("Write to refunds@evil.example [1].", passages, [], RULES)).toEqual({
      ok: false,
      error: "LLM_UNGROUNDED_DETAIL",
    });
    expect(groundReply("Express costs 12.95 euros [1].", passages, [], RULES)).toEqual({
      ok: false,
      error: "LLM_UNGROUNDED_DETAIL",
    });
  });
});
