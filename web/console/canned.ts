// Canned responses in the console: which ones the composer's /picker offers for what was typed and in what order,
// the library kept fresh while a page stays open, and the template variables the console can fill.

import { findOrderId, type TemplateVars, templateVars } from "../shared/template.ts";
import type { AgentMessage, UserView } from "../shared/wire.ts";
import type { CannedResponse, CustomerContext } from "./types.ts";

/** Title words start with the query ("ref" finds "Refund…", "hi" does not find "while"). */
const titleMatches = (title: string, q: string) => title.toLowerCase().split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(q));

/**
 * The responses for `/query`: the exact shortcut first, then shortcuts that start with the query, then the rest
 * that match (a shortcut containing it, a title word starting with it); alphabetical by shortcut within each.
 */
export function matchCanned(list: readonly CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const typed = `/${q}`;
  const exact: CannedResponse[] = [];
  const prefix: CannedResponse[] = [];
  const other: CannedResponse[] = [];
  for (const c of list) {
    const s = c.shortcut.toLowerCase();
    if (s === typed) exact.push(c);
    else if (s.startsWith(typed)) prefix.push(c);
    else if (q && (s.includes(q) || titleMatches(c.title ?? "", q))) other.push(c);
  }
  const byShortcut = (a: CannedResponse, b: CannedResponse) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0);
  return [...exact, ...prefix.sort(byShortcut), ...other.sort(byShortcut)];
}

/** How old the library may be when the picker opens before it is fetched again (admins edit it while agents work). */
export const CANNED_MAX_AGE_MS = 5_000;

/**
 * The canned-response library, shared by every composer on the page: fetched once, and again when asked for with a
 * copy older than the caller accepts. One fetch at a time; a failed fetch keeps the copy and is retried next time.
 */
export class CannedLibrary {
  private list: CannedResponse[] | null = null;
  private fetchedAt: number | null = null;
  private pending: Promise<CannedResponse[] | null> | null = null;
  private readonly load: () => Promise<CannedResponse[] | null>;
  private readonly now: () => number;

  constructor(load: () => Promise<CannedResponse[] | null>, now: () => number = () => Date.now()) {
    this.load = load;
    this.now = now;
  }

  /** The copy held now (null before the first fetch, or when the server has no library). */
  current(): CannedResponse[] | null {
    return this.list;
  }

  get(maxAgeMs: number): Promise<CannedResponse[] | null> {
    if (this.pending) return this.pending;
    if (this.fetchedAt !== null && this.now() - this.fetchedAt <= maxAgeMs) return Promise.resolve(this.list);
    const p = this.load()
      .then(
        (list) => {
          this.list = list;
          this.fetchedAt = this.now();
          return list;
        },
        () => this.list,
      )
      .finally(() => {
        this.pending = null;
      });
    this.pending = p;
    return p;
  }
}

/** The variables the console knows for a conversation: the customer from the handoff packet, the order, the agent. */
export function consoleTemplateVars(input: {
  conversationId: string;
  me: Pick<UserView, "displayName">;
  customer: CustomerContext | null | undefined;
  messages: readonly AgentMessage[];
}): TemplateVars {
  const customerTexts = input.messages.filter((m) => m.author === "customer" && !m.internal).map((m) => m.text);
  const ctx = input.customer;
  return templateVars({
    customer: ctx ? { name: ctx.name ?? null, email: ctx.email ?? null } : null,
    agent: input.me,
    order: { id: findOrderId(customerTexts, { openOrders: ctx?.openOrders ?? [] }) },
    conversationId: input.conversationId,
  });
}
