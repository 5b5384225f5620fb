import { describe, expect, it } from "vitest";
import { addWordGates, GATE_WORD_LIST, type GateBits } from "./frustration-cues.ts";
import { CONTRAST, INTENSIFIERS, LEXICON, NEGATORS, PHRASES } from "./sentiment-lexicon.ts";
import { analyseText } from "./text.ts";
import { SUPPORTED_LATIN_LANGUAGES, VOCABULARY, type WordFacts, wordHash } from "./vocabulary.ts";

const factsOf = (word: string): WordFacts | undefined => VOCABULARY.get(word, wordHash(word));
const bit = (lang: (typeof SUPPORTED_LATIN_LANGUAGES)[number]) =>
  1 << SUPPORTED_LATIN_LANGUAGES.indexOf(lang);

describe("VOCABULARY", () => {
  it("holds what each scorer's word list says about a word", () => {
    for (const [word, valence] of LEXICON) expect(factsOf(word)?.valence, word).toBe(valence);
    for (const [word, scale] of INTENSIFIERS) expect(factsOf(word)?.intensifier, word).toBe(scale);
    for (const word of NEGATORS) expect(factsOf(word)?.negator, word).toBe(true);
    for (const word of CONTRAST) expect(factsOf(word)?.contrast, word).toBe(true);
    for (const [phrase, valence] of PHRASES) {
      const [first, second, ...rest] = phrase.split(" ") as [string, string];
      if (rest.length > 0) continue; // three-word phrases never match a pair of tokens
      expect(factsOf(first)?.phrases?.get(second, wordHash(second)), phrase).toBe(valence);
    }
    for (const word of GATE_WORD_LIST) {
      const gates: GateBits = { lo: 0, hi: 0 };
      addWordGates(word, gates);
      expect([factsOf(word)?.gatesLo, factsOf(word)?.gatesHi], word).toEqual([gates.lo, gates.hi]);
      expect(gates.lo | gates.hi, word).not.toBe(0);
    }
  });

  it("marks function words with every language that uses them", () => {
    expect(factsOf("the")?.languages).toBe(bit("en"));
    expect(factsOf("que")?.languages).toBe(bit("es") | bit("fr") | bit("pt"));
    expect(factsOf("niet")?.languages).toBe(bit("nl"));
    expect(factsOf("good")?.languages).toBe(0);
    expect(factsOf("good")?.negator).toBe(false);
    expect(factsOf("xylophonist")).toBeUndefined();
  });

  it("gives each token the facts of its normalised form, on the ASCII and on the general path", () => {
    for (const text of ["Thank you, but it's NOT good :)", "Merci, mais ce n’est PAS génial 😀"]) {
      const tokens = analyseText(text).tokens.filter((t) => t.kind !== "punct");
      expect(tokens.length).toBeGreaterThan(5);
      for (const t of tokens) expect(t.facts, `${text}: ${t.raw}`).toBe(factsOf(t.norm));
    }
    expect(analyseText("NOT").tokens[0]?.facts?.negator).toBe(true);
  });
});
