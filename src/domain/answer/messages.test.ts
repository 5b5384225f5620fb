import { describe, expect, it } from "vitest";
import { saysSmallTalk } from "./messages.ts";

describe("small talk said in so many words", () => {
  it("is a greeting, thanks or farewell word in the message, in any supported language", () => {
    for (const [intent, text] of [
      ["goodbye", "ok bye!"],
      ["goodbye", "Have a nice day"],
      ["goodbye", "tschüss"],
      ["thanks", "thx a lot"],
      ["thanks", "Merci beaucoup"],
      ["greeting", "hiii"],
      ["greeting", "Good morning!"],
    ] as const)
      expect(saysSmallTalk(intent, text), text).toBe(true);
  });

  it("is not a message the intent model read as small talk that says none", () => {
    expect(saysSmallTalk("goodbye", "thats like 7 working days now, nothing moved. great")).toBe(false);
    expect(saysSmallTalk("thanks", "great, it arrived broken")).toBe(false);
    // "this" is no "hi", "they" no "hey".
    expect(saysSmallTalk("greeting", "this is the third time they lost it")).toBe(false);
  });

  it("leaves intents without cue words to the intent model", () => {
    expect(saysSmallTalk("order_status", "where is my parcel")).toBe(true);
  });
});
