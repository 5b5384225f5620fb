// Template checks and the admin input schema for canned responses, and language-aware ranking.

import { describe, expect, it } from "vitest";
import {
  type CannedResponse,
  cannedInputSchema,
  rankCannedResponses,
  renderTemplate,
  SAMPLE_TEMPLATE_VARS,
  TEMPLATE_VARIABLES,
  templateProblems,
  templateVars,
} from "./index.ts";

describe("templateProblems", () => {
  it("accepts every variable a conversation provides, with and without fallbacks", () => {
    expect(templateProblems(TEMPLATE_VARIABLES.map((v) => `{{${v}}} {{ ${v} | x }}`).join(" "))).toEqual([]);
  });

  it("names a variable no conversation provides", () => {
    expect(templateProblems("Hi {{customer.fristName}}")).toEqual([
      expect.stringContaining("unknown variable {{customer.fristName}}"),
    ]);
  });

  it("reports braces that would reach the customer raw", () => {
    for (const text of ["Hi {{customer.name}", "Hi {customer.name}}", "{{ }}", "{{1abc}}"]) {
      expect(templateProblems(text), text).toEqual([expect.stringContaining("malformed placeholder")]);
    }
  });

  it("lists exactly the variables templateVars() fills", () => {
    const vars = templateVars({
      customer: { name: "A B", email: "a@b.c" },
      agent: { displayName: "C D" },
      order: { id: "1" },
      conversationId: "c",
      company: { name: "Co" },
    });
    const missing = TEMPLATE_VARIABLES.filter((v) => renderTemplate(`{{${v}}}`, vars).missing.length > 0);
    expect(missing).toEqual([]);
    expect(
      TEMPLATE_VARIABLES.filter((v) => renderTemplate(`{{${v}}}`, SAMPLE_TEMPLATE_VARS).missing.length > 0),
    ).toEqual([]);
  });
});

describe("cannedInputSchema", () => {
  it("lower-cases and trims the shortcut and fills the optional lists", () => {
    expect(cannedInputSchema.parse({ shortcut: " /Refund ", title: "Refund", text: "Done." })).toEqual({
      shortcut: "/refund",
      title: "Refund",
      text: "Done.",
      intents: [],
      reasons: [],
      keywords: [],
      language: null,
    });
  });

  it("refuses a template with an unknown variable, naming it", () => {
    const r = cannedInputSchema.safeParse({ shortcut: "/x", title: "X", text: "{{order.number}}" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ["text"],
      message: expect.stringContaining("{{order.number}}"),
    });
  });
});

describe("rankCannedResponses with languages", () => {
  const response = (id: string, language: string | null): CannedResponse => ({
    id,
    shortcut: `/${id}`,
    title: "Refund",
    intents: ["refund"],
    reasons: [],
    keywords: [],
    text: "x",
    language,
  });

  it("leaves out responses written in another language than the conversation's", () => {
    const library = [response("en", "en"), response("de", "de"), response("any", null)];
    expect(
      rankCannedResponses(library, { intent: "refund", text: "", language: "de" }).map((r) => r.response.id),
    ).toEqual(["any", "de"]);
    expect(rankCannedResponses(library, { intent: "refund", text: "" }).map((r) => r.response.id)).toEqual([
      "any",
      "de",
      "en",
    ]);
  });
});
