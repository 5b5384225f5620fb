import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language.ts";

describe("detectLanguage", () => {
  it.each([
    ["I can't log into my account, please help", "en"],
    ["No puedo entrar a mi cuenta, ¿me ayudas?", "es"],
    ["Je n'arrive pas à me connecter à mon compte", "fr"],
    ["Ich kann mich nicht bei meinem Konto anmelden", "de"],
    ["Não consigo acessar minha conta", "pt"],
    ["Non riesco ad accedere al mio account", "it"],
    ["Ik kan niet inloggen op mijn account", "nl"],
    ["Где мой заказ? Уже неделя прошла", "ru"],
    ["我的订单在哪里", "zh"],
    ["注文はどこですか", "ja"],
    ["주문이 어디에 있나요", "ko"],
    // Support questions whose function words are shared with a neighbour ("de", "la", "en"): the topic words decide.
    ["Combien de temps prend la livraison en France ?", "fr"],
    ["¿Cuánto tarda el envío a España?", "es"],
    ["Wie lange dauert die Lieferung?", "de"],
    ["Quanto tempo demora a entrega?", "pt"],
    ["Quanto tempo ci vuole per la spedizione?", "it"],
    ["Hoelang duurt de levering?", "nl"],
    // Asking for a person, the message that most needs its language right: the handoff notice is written in it.
    ["Quiero hablar con una persona", "es"],
    ["Ich will einen Menschen sprechen", "de"],
  ])("detects %j as %s", (text, lang) => {
    const r = detectLanguage(text);
    expect(r.language).toBe(lang);
    expect(r.source).toBe("detected");
    expect(r.confidence).toBeGreaterThan(0.35);
  });

  it("falls back to the conversation's language for short messages instead of guessing", () => {
    for (const text of ["hi", "ok", "merci", "👍👍", "ok :)"]) {
      expect(detectLanguage(text, "fr")).toEqual({ language: "fr", confidence: 0.5, source: "fallback" });
    }
  });

  it("reads no language into email and web addresses: an address alone falls back, the words around it decide", () => {
    // "com" is Portuguese for "with": a customer answering "what is your email?" was told, in Portuguese, that
    // nobody could help in their language.
    for (const text of [
      "alex@example.com",
      "john.doe@gmail.com",
      "https://example.com/orders/123",
      "www.example.com/pt/com",
    ])
      expect(detectLanguage(text, "en"), text).toEqual({
        language: "en",
        confidence: 0.5,
        source: "fallback",
      });
    expect(detectLanguage("alex@example.com").language).toBe("und");
    expect(detectLanguage("mi correo es juan@ejemplo.com, gracias").language).toBe("es");
    expect(detectLanguage("Bitte rufen Sie mich an, ich bin unter hans@firma.com erreichbar").language).toBe(
      "de",
    );
    // A mention is a word of the message, not an address.
    expect(detectLanguage("@support where is my order, it is late").language).toBe("en");
  });

  it("says undetermined for a short message when no fallback is known", () => {
    expect(detectLanguage("ok")).toEqual({ language: "und", confidence: 0, source: "undetermined" });
  });

  it("normalises a regional fallback tag to its primary language", () => {
    expect(detectLanguage("hi", "pt-BR").language).toBe("pt");
  });

  it("ignores a malformed fallback tag", () => {
    expect(detectLanguage("hi", "not a language!").language).toBe("und");
  });

  it("handles junk and unknown words without guessing", () => {
    expect(detectLanguage("qwxz zzkv plmtr bvcx", "de").source).toBe("fallback");
    expect(detectLanguage("\u0000\u0001\u0002").language).toBe("und");
    expect(detectLanguage("").language).toBe("und");
  });

  it("picks the dominant script of mixed text with reduced confidence", () => {
    const mixed = detectLanguage("Hi Привет, где мой заказ сегодня");
    expect(mixed.language).toBe("ru");
    expect(mixed.confidence).toBeLessThan(detectLanguage("Привет, где мой заказ сегодня").confidence);
  });

  it("prefers a known fallback over a weak detection", () => {
    // "de la" alone is shared by several languages: too weak to overrule what the conversation already says.
    expect(detectLanguage("de la plata", "es").language).toBe("es");
  });
});
