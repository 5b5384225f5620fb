import { describe, expect, it } from "vitest";
import { analyseText, MAX_ANALYSED_CHARS } from "./text.ts";

describe("analyseText", () => {
  it("splits words, emoticons, emoji and punctuation runs", () => {
    const a = analyseText("This is GREAT :) 👍 !!!");
    expect(a.tokens.map((t) => [t.kind, t.raw])).toEqual([
      ["word", "This"],
      ["word", "is"],
      ["word", "GREAT"],
      ["emoticon", ":)"],
      ["emoji", "👍"],
      ["punct", "!!!"],
    ]);
    expect(a.tokens[2]?.caps).toBe(true);
    expect(a.capsWordCount).toBe(1);
  });

  it("marks elongated words and drops the hash of a hashtag", () => {
    const a = analyseText("soooo #happy");
    expect(a.tokens[0]?.elongated).toBe(true);
    expect(a.tokens[1]?.norm).toBe("happy");
  });

  it("decodes HTML entities instead of reading them as words", () => {
    expect(analyseText("A &gt; B &amp; C&#39;s").tokens.map((t) => t.norm)).toEqual(["a", "b", "c's"]);
  });

  it("caps the analysed text of a huge message", () => {
    const a = analyseText("word ".repeat(30_000));
    expect(a.truncated).toBe(true);
    expect(a.text.length).toBe(MAX_ANALYSED_CHARS);
  });

  it("strips control characters and broken surrogates from binary junk", () => {
    const junk = String.fromCharCode(0, 1, 2, 0xd800, 0xfffd, 27) + "ok";
    const a = analyseText(junk);
    expect(a.text).not.toMatch(/[\u0000-\u0008\ud800\ufffd\u001b]/);
    expect(a.tokens.map((t) => t.norm)).toEqual(["ok"]);
  });

  it("counts letters per script", () => {
    const s = analyseText("Hello Привет 你好").scripts;
    expect(s.latin).toBe(5);
    expect(s.cyrillic).toBe(6);
    expect(s.han).toBe(2);
  });
});
