import { describe, expect, it } from "vitest";
import { analyseText, MAX_ANALYSED_CHARS } from "./text.ts";
import { VOCABULARY, WordTable, wordHash } from "./vocabulary.ts";

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

describe("analyseText on plain ASCII", () => {
  // TOKEN_RE-based analysis as the general path does it: the definition the hand-written ASCII scan reproduces.
  const TOKEN_RE =
    /((?:<\/?3|[:;=8xX][-o'^]?[)(\][dDpP/\\|*3$@oO]+|[)(\]\[dD][-o'^]?[:;=]|\^_*\^|[Tt;]_[Tt;]|-_-|o\.O|O\.o))(?![\p{L}\p{N}])|([#@]?[\p{L}\p{M}\p{N}]+(?:['’\-_][\p{L}\p{M}\p{N}]+)*)|([!?¡¿.,;:]+)|(\p{Extended_Pictographic})/gu;
  function reference(text: string) {
    const tokens: [string, string, string, boolean, boolean, number, boolean, unknown][] = [];
    let wordCount = 0;
    let capsWordCount = 0;
    for (const m of text.matchAll(TOKEN_RE)) {
      if (m[2] !== undefined) {
        const word = m[2];
        const lower = word.toLowerCase();
        const upper = word.toUpperCase();
        const cased = lower !== upper;
        if (cased || /\p{L}/u.test(word)) wordCount++;
        const caps = cased && word.length >= 2 && word === upper;
        if (caps) capsWordCount++;
        const norm = lower.startsWith("#") ? lower.slice(1) : lower;
        tokens.push([
          "word",
          word,
          norm,
          caps,
          norm.length >= 3 && /(\p{L})\1\1/u.test(norm),
          wordHash(norm),
          /^[a-z0-9]+$/.test(norm),
          VOCABULARY.get(norm, wordHash(norm)),
        ]);
      } else {
        const raw = (m[1] ?? m[3] ?? m[4]) as string;
        tokens.push([
          m[1] !== undefined ? "emoticon" : m[3] !== undefined ? "punct" : "emoji",
          raw,
          raw,
          false,
          false,
          0,
          false,
          m[3] !== undefined ? undefined : VOCABULARY.get(raw, wordHash(raw)),
        ]);
      }
    }
    return {
      tokens,
      wordCount,
      capsWordCount,
      latin: (text.match(/[A-Za-z]/g) ?? []).length,
      mayHoldAddress: text.includes("/") || /\S@/.test(text),
    };
  }
  const view = (text: string) => {
    const a = analyseText(text);
    return {
      tokens: a.tokens.map((t) => [t.kind, t.raw, t.norm, t.caps, t.elongated, t.hash, t.plain, t.facts]),
      wordCount: a.wordCount,
      capsWordCount: a.capsWordCount,
      latin: a.scripts.latin,
      mayHoldAddress: a.mayHoldAddress,
    };
  };

  it("tokenises exactly as the Unicode regex does, emoticons and their backtracking included", () => {
    const fixed = [
      ":) :-) :-)) :-))x ;P xD xDD xDrive 8-) 8) 80s =] D: D-: (: <3 </3 <3x ^_^ ^^ ^__^ T_T t_t ;_; -_- o.O O.o o.o",
      "#happy @support #1 #-x @ # hello-world don't e-mail snake_case x-ray a--b it's'",
      "SOOOO goood Bookkeeper AAA aaa 111 aa1a HELLO World USA ID A I'M OK",
      "wait... what?! really??? ,,, ;; :: !?!?",
      ":DDD :ddd :Ppp x3 X3 xo) xoxo :o :O :oO ;-o :^) =^P :$ :@ :| :/ :\\ :* :[ :]",
      "",
      " ",
      "a",
      "\tline one\nline two\r\n",
      // Words met before, in other cases and in one message twice: a word's token is kept and reused between messages.
      "Not NOT not bad BAD Bad good GOOD refund Refund",
      "not bad, Not Bad! good good GOOD... REFUND refund",
      // Addresses: an '@' after a word or a '/' anywhere, emoticons' included; a mention is no address.
      "alex@example.com https://example.com/x @team x @ y a:@ :/ a\n@b",
    ];
    const alphabet = ":;=8xXo-'^)(][dDpP/\\|*3$@O<^_Tt.!?,aAbsS #hHe ";
    let seed = 3;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const texts = [...fixed];
    for (let i = 0; i < 5000; i++) {
      let s = "";
      for (let n = next() % 14; n > 0; n--) s += alphabet[next() % alphabet.length];
      texts.push(s);
    }
    for (const text of texts) expect(view(text), JSON.stringify(text)).toEqual(reference(text));
  });
});

describe("WordTable", () => {
  const table = new WordTable([
    ["order", 1],
    ["déjà", 2],
    ["i'm", 3],
  ]);

  it("finds a token's word by the hash the tokeniser gave it, on both the ASCII and the general path", () => {
    const tokens = analyseText("ORDER #order déjà I'm orders").tokens;
    expect(tokens.map((t) => table.get(t.norm, t.hash))).toEqual([1, 1, 2, 3, undefined]);
    expect(tokens.every((t) => t.hash === wordHash(t.norm))).toBe(true);
  });

  it("does not take a word with the same hash for another", () => {
    expect(table.get("orders", wordHash("order"))).toBeUndefined();
  });
});
