import { describe, expect, it } from "vitest";
import { detectLanguage } from "../triage/language.ts";
import { conversationLanguageAfter } from "./language.ts";

const detected = (text: string, fallback?: string) => {
  const d = detectLanguage(text, fallback);
  return { language: d.language, languageConfidence: d.confidence };
};

describe("the conversation's language", () => {
  it("is set from the first message detected with some confidence", () => {
    expect(conversationLanguageAfter(null, detected("Wo ist meine Bestellung?"))).toBe("de");
    expect(conversationLanguageAfter(null, { language: "es", languageConfidence: 0.5 })).toBe("es");
    expect(conversationLanguageAfter(null, { language: "es", languageConfidence: 0.49 })).toBeNull();
  });

  it("follows what the customer writes over the locale their browser declared", () => {
    expect(conversationLanguageAfter("en", detected("Ich möchte meine Bestellung stornieren"))).toBe("de");
    expect(conversationLanguageAfter("de", detected("Where is my order? It has not arrived yet."))).toBe(
      "en",
    );
  });

  it("is set by the customer's first message over the browser's locale, as if the conversation had none", () => {
    expect(conversationLanguageAfter("en", detected("Quiero hablar con una persona", "en"), false)).toBe("es");
    expect(conversationLanguageAfter("en", detected("Quiero hablar con una persona", "en"), true)).toBeNull();
    expect(conversationLanguageAfter("en", { language: "de", languageConfidence: 0.49 }, false)).toBeNull();
  });

  it("is not switched by a message too short or too mixed to be sure of", () => {
    for (const text of ["ok danke", "merci", "Bitte", "I want to cancel, bitte", "Gracias por todo"]) {
      expect(conversationLanguageAfter("en", detected(text, "en")), text).toBeNull();
    }
    expect(conversationLanguageAfter("en", { language: "fr", languageConfidence: 0.69 })).toBeNull();
    expect(conversationLanguageAfter("en", { language: "fr", languageConfidence: 0.7 })).toBe("fr");
  });

  it("stays when nothing new was detected", () => {
    expect(conversationLanguageAfter("fr", detected("ok", "fr"))).toBeNull();
    expect(conversationLanguageAfter("fr", { language: "und", languageConfidence: 0 })).toBeNull();
    expect(conversationLanguageAfter(null, { language: "und", languageConfidence: 0 })).toBeNull();
  });
});
