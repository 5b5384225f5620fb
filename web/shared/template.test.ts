import { describe, expect, it } from "vitest";
import { blankFor, fillForComposer, templateVars } from "./template.ts";

describe("fillForComposer", () => {
  it("fills what is known and leaves no raw braces: a value missing without fallback becomes a readable blank", () => {
    const vars = templateVars({ customer: { name: "Alex Rivera" }, agent: { displayName: "Priya Shah" } });
    expect(fillForComposer("Hi {{customer.firstName | there}}, I'm {{agent.firstName}} from {{company.name | support}}.", vars)).toEqual({
      text: "Hi Alex, I'm Priya from support.",
      blanks: [],
    });
    const late = fillForComposer("I'm sorry order {{order.id}} hasn't reached you, {{customer.firstName}}. Order {{ order.id }} again.", templateVars({}));
    expect(late.text).toBe("I'm sorry order [order number] hasn't reached you, [customer's first name]. Order [order number] again.");
    expect(late.blanks).toEqual(["[order number]", "[customer's first name]"]);
    expect(late.text).not.toMatch(/\{\{|\}\}/);
    expect(blankFor("shop.url")).toBe("[shop url]");
  });
});
