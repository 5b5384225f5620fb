import { describe, expect, it } from "vitest";
import { analyzerFor } from "./analyzer.ts";

const terms = (text: string) => analyzerFor("en").terms(text);
const same = (a: string, b: string) => expect(terms(a)).toEqual(terms(b));

describe("a customer's words for what the knowledge base names otherwise", () => {
  it("index as one term, in questions and passages alike", () => {
    same("my package", "my parcel");
    same("remove my profile", "delete my profile");
    same("a receipt", "an invoice");
    same("it arrived broken", "it arrived damaged");
    same("the guarantee", "the warranty");
  });

  it("include phrases: signing in, two-factor authentication, money back, forgetting", () => {
    for (const s of ["I can't log in", "login problems", "the sign-in page", "signing in"])
      expect(terms(s)).toContain("signin");
    same("how to enable 2FA", "how to enable two-factor authentication");
    same("can I get my money back", "can I get a refund");
    same("I don't remember my password", "I forgot my password");
    same("stop the marketing emails", "stop the newsletter");
    same("who pays return shipping from the UK", "who pays return shipping from the United Kingdom");
  });

  it("join a word with two senses only inside the phrase that fixes its sense", () => {
    same("please close my account", "please delete account");
    expect(terms("close the window")).toEqual(["close", "window"]);
    // "us" stays a pronoun; only the written-out abbreviations are countries.
    expect(terms("email us")).toEqual(["email", "us"]);
  });

  it("join British and American spellings", () => {
    same("colour", "color");
    same("instalments", "installments");
  });

  it("leave other languages as they were", () => {
    expect(analyzerFor("fr").terms("colis")).toEqual(["colis"]);
  });
});
