// Canned-response templates as they go into the agent's composer: filled exactly as the server fills them for the
// assist panel and the admin preview (the same module, src/domain/assist/template.ts), and every value nobody knows
// turned into a readable blank for the agent to type over.

import {
  findOrderId,
  renderTemplate,
  TEMPLATE_VARIABLE_RE,
  type TemplateVars,
  templateVars,
} from "../../src/domain/assist/template.ts";

export { findOrderId, renderTemplate, type TemplateVars, templateVars };

const BLANK_NAMES: Record<string, string> = {
  "customer.name": "customer name",
  "customer.firstName": "customer's first name",
  "customer.email": "customer's email",
  "order.id": "order number",
  "company.name": "company name",
  "conversation.id": "conversation id",
  "agent.name": "your name",
  "agent.firstName": "your first name",
};

/** What the agent is asked to type where a variable had no value: "[order number]". */
export function blankFor(path: string): string {
  return `[${BLANK_NAMES[path] ?? path.replace(/\./g, " ")}]`;
}

/**
 * A template as it goes into the composer: filled like the server fills it, and every variable with no value and
 * no fallback turned into a readable blank ("[order number]") instead of raw braces, listed so the composer can
 * select it and refuse to send it.
 */
export function fillForComposer(template: string, vars: TemplateVars): { text: string; blanks: string[] } {
  const { text, missing } = renderTemplate(template, vars);
  if (missing.length === 0) return { text, blanks: [] };
  const blanks: string[] = [];
  const filled = text.replace(TEMPLATE_VARIABLE_RE, (whole, path: string) => {
    if (!missing.includes(path)) return whole;
    const blank = blankFor(path);
    if (!blanks.includes(blank)) blanks.push(blank);
    return blank;
  });
  return { text: filled, blanks };
}
