// Canned-response templates filled with what is known of the conversation: {{customer.firstName | there}}. Pure and
// free of dependencies, so the agent console fills a template in the browser exactly as the server fills it for the
// assist panel and the admin preview.

/** Values for template variables, looked up by dotted path: { customer: { name } } serves {{customer.name}}. */
export type TemplateVars = Record<string, unknown>;

/** A {{variable}} of a template, with its optional "| fallback". */
export const TEMPLATE_VARIABLE_RE = /\{\{\s*([a-zA-Z][\w.]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

function lookup(vars: TemplateVars, path: string): string | null {
  let cur: unknown = vars;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === "string") return cur.trim() === "" ? null : cur;
  if (typeof cur === "number" && Number.isFinite(cur)) return String(cur);
  return null;
}

/**
 * Fills {{variables}}. An unknown variable with a fallback uses the fallback; without one it stays visible
 * as written and is listed in `missing`, so the agent fills it in rather than sending a blank.
 */
export function renderTemplate(template: string, vars: TemplateVars): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(TEMPLATE_VARIABLE_RE, (whole, path: string, fallback: string | undefined) => {
    const value = lookup(vars, path);
    if (value !== null) return value;
    if (fallback !== undefined) return fallback;
    missing.push(path);
    return whole;
  });
  return { text, missing };
}

/** Derived variables every template may use: first names from display names. */
export function templateVars(input: {
  customer?: { name?: string | null; email?: string | null } | null;
  agent?: { displayName?: string | null } | null;
  order?: { id?: string | null } | null;
  conversationId?: string;
  company?: { name?: string } | null;
  extra?: TemplateVars;
}): TemplateVars {
  const first = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;
  return {
    ...input.extra,
    customer: {
      name: input.customer?.name ?? null,
      firstName: first(input.customer?.name),
      email: input.customer?.email ?? null,
    },
    agent: { name: input.agent?.displayName ?? null, firstName: first(input.agent?.displayName) },
    order: { id: input.order?.id ?? null },
    conversation: { id: input.conversationId ?? null },
    company: { name: input.company?.name ?? null },
  };
}

const ORDER_ID =
  /(?:order|commande|pedido|bestellung)\s*(?:number|no\.?|n[°º]|#|id)?\s*[:#]?\s*([A-Z]{0,4}-?\d{4,12})\b/i;

/** The order the conversation is about: named in the text, else the customer's single open order. */
export function findOrderId(
  customerTexts: readonly string[],
  context: { readonly openOrders: ReadonlyArray<{ readonly id: string }> },
): string | null {
  for (let i = customerTexts.length - 1; i >= 0; i--) {
    const m = ORDER_ID.exec(customerTexts[i] as string);
    if (m?.[1]) return m[1];
  }
  return context.openOrders.length === 1 ? (context.openOrders[0]?.id ?? null) : null;
}
