import { describe, expect, expectTypeOf, it } from "vitest";
import { MESSAGE_LANGUAGES, type MessageLanguage } from "../../src/domain/answer/messages.ts";
import { pickLocale, STRINGS, type Strings, SUPPORTED_LOCALES, type WidgetLocale } from "./i18n.ts";

const KEYS = Object.keys(STRINGS.en).sort() as (keyof Strings)[];
const TRANSLATIONS = SUPPORTED_LOCALES.filter((l) => l !== "en");

describe("widget UI strings", () => {
  it("speak exactly the languages the server writes to customers", () => {
    expect([...SUPPORTED_LOCALES].sort()).toEqual([...MESSAGE_LANGUAGES].sort());
    // Checked by `tsc -p web`: the two unions are the same type.
    expectTypeOf<WidgetLocale>().toEqualTypeOf<MessageLanguage>();
  });

  it("make a table with a missing key a compile error", () => {
    const { poweredBy: _dropped, ...withoutOneKey } = STRINGS.pt;
    // @ts-expect-error a language without `poweredBy` is not a Strings table
    const incomplete: Strings = withoutOneKey;
    expect(Object.keys(incomplete)).toHaveLength(KEYS.length - 1);
  });

  it.each(SUPPORTED_LOCALES)("%s has every key, each of the same kind as in English", (locale) => {
    const table = STRINGS[locale];
    expect(Object.keys(table).sort()).toEqual(KEYS);
    for (const key of KEYS) {
      const value = table[key];
      expect(typeof value, `${locale}.${key}`).toBe(typeof STRINGS.en[key]);
      if (typeof value === "string") expect(value.trim(), `${locale}.${key}`).not.toBe("");
    }
  });

  it.each(SUPPORTED_LOCALES)("%s fills in names and numbers", (locale) => {
    const t = STRINGS[locale];
    expect(t.subtitleAgent("Maria Lopes")).toContain("Maria Lopes");
    expect(t.typing("Maria Lopes")).toContain("Maria Lopes");
    expect(t.csatScore(4)).toMatch(/\b4\b.*\b5\b/);
    expect(t.unread(1)).toMatch(/^1 \S/);
    expect(t.unread(7)).toMatch(/^7 \S/);
  });

  it.each(TRANSLATIONS)("%s uses a plural form for more than one unread message", (locale) => {
    const t = STRINGS[locale];
    expect(t.unread(2).replace("2", "N")).not.toBe(t.unread(1).replace("1", "N"));
    expect(t.unread(12).replace("12", "N")).toBe(t.unread(2).replace("2", "N"));
  });

  it.each(TRANSLATIONS)("%s is translated rather than copied from English", (locale) => {
    // A few words are the same in both ("Team", "Support", "Sources"); a table copied from English would not be.
    const same = KEYS.filter((k) => typeof STRINGS.en[k] === "string" && STRINGS[locale][k] === STRINGS.en[k]);
    expect(same.length, `${locale} keeps the English text for ${same.join(", ")}`).toBeLessThanOrEqual(3);
    expect(STRINGS[locale].typing("X")).not.toBe(STRINGS.en.typing("X"));
  });

  it("gives the new languages their own wording for the visible controls", () => {
    expect(STRINGS.pt.talkToPerson).toBe("Falar com uma pessoa");
    expect(STRINGS.it.talkToPerson).toBe("Parla con un operatore");
    expect(STRINGS.nl.talkToPerson).toBe("Met een medewerker praten");
    expect(STRINGS.pt.unread(3)).toBe("3 novas mensagens");
    expect(STRINGS.it.unread(1)).toBe("1 nuovo messaggio");
    expect(STRINGS.nl.unread(2)).toBe("2 nieuwe berichten");
  });
});

describe("pickLocale", () => {
  it.each([
    ["pt-BR", "pt"],
    ["pt-PT", "pt"],
    ["pt", "pt"],
    ["nl-BE", "nl"],
    ["nl-NL", "nl"],
    ["it-CH", "it"],
    ["it-IT", "it"],
    ["de-AT", "de"],
    ["es-419", "es"],
    ["fr-CA", "fr"],
  ] as const)("picks %s as %s from the language's region variant", (tag, expected) => {
    expect(pickLocale([tag])).toBe(expected);
  });

  it("reads underscores, capitals and stray spaces the way hosts write them", () => {
    expect(pickLocale(["pt_BR"])).toBe("pt");
    expect(pickLocale(["NL-be"])).toBe("nl");
    expect(pickLocale([" it-CH "])).toBe("it");
  });

  it("lets data-locale win over the browser's languages", () => {
    expect(pickLocale(["nl", "pt-BR", "en-US"])).toBe("nl");
  });

  it("skips languages it does not speak and takes the browser's next preference", () => {
    expect(pickLocale(["ja", "sv-SE", "it-CH", "en"])).toBe("it");
    expect(pickLocale([undefined, "pl-PL", "pt-BR"])).toBe("pt");
  });

  it("falls back to English when no candidate is supported", () => {
    expect(pickLocale(["ja-JP", "zh-Hant-TW", "sv"])).toBe("en");
    expect(pickLocale([null, undefined, "", "  "])).toBe("en");
    expect(pickLocale([])).toBe("en");
  });

  it("does not mistake object built-ins for languages", () => {
    expect(pickLocale(["constructor", "toString", "__proto__", "hasOwnProperty"])).toBe("en");
  });
});
