// Customer context for the person taking over: value, plan, open orders, contract terms and history, read
// from the customer's free-form attributes (or a configured lookup's result) with tolerant key spellings.

import type { Conversation, Customer } from "../model.ts";

export interface OpenOrder {
  id: string;
  status?: string;
  total?: number;
  placedAt?: string;
}

export interface PreviousConversation {
  id: string;
  createdAt: string;
  status: Conversation["status"];
  tier: Conversation["tier"];
  reasons: Conversation["reasons"];
  resolutionCode: string | null;
}

export interface CustomerContext {
  customerId: string | null;
  name: string | null;
  email: string | null;
  /** An email the visitor typed without the site vouching for it: a claim to check, never an identity to act on. */
  unverifiedEmail: string | null;
  locale: string | null;
  lifetimeValue: number | null;
  plan: string | null;
  openOrders: OpenOrder[];
  /** Complaints on record: the attribute when set, else previous conversations escalated as complaints. */
  previousComplaints: number;
  previousConversations: PreviousConversation[];
  contractTerms: string | null;
  notes: string | null;
}

function pick(attrs: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (attrs[k] !== undefined && attrs[k] !== null) return attrs[k];
  return undefined;
}

function asNumber(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const n = Number(v.replace(/[^\d.-]/g, ""));
    return v.trim() !== "" && Number.isFinite(n) ? n : null;
  }
  return null;
}

function asText(v: unknown): string | null {
  if (typeof v === "string") return v.trim() || null;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(asText).filter(Boolean).join("; ") || null;
  if (v && typeof v === "object") {
    const parts = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => (asText(x) ? `${k}: ${asText(x)}` : null))
      .filter(Boolean);
    return parts.join("; ") || null;
  }
  return null;
}

function asOrders(v: unknown): OpenOrder[] {
  if (!Array.isArray(v)) return [];
  const out: OpenOrder[] = [];
  for (const o of v) {
    if (typeof o === "string" || typeof o === "number") out.push({ id: String(o) });
    else if (o && typeof o === "object") {
      const r = o as Record<string, unknown>;
      const id = asText(pick(r, "id", "orderId", "order_id", "number"));
      if (!id) continue;
      const order: OpenOrder = { id };
      const status = asText(r.status);
      const total = asNumber(pick(r, "total", "amount"));
      const placedAt = asText(pick(r, "placedAt", "placed_at", "createdAt", "date"));
      if (status) order.status = status;
      if (total !== null) order.total = total;
      if (placedAt) order.placedAt = placedAt;
      out.push(order);
    }
  }
  return out;
}

/**
 * Reads the context. `lookup` is the result of a configured lookup action (CRM, shop) and wins over stored
 * attributes; `previous` are the customer's other conversations, newest first or in any order.
 */
export function readCustomerContext(
  customer: Customer | null,
  previous: readonly Conversation[] = [],
  lookup: Record<string, unknown> = {},
  currentConversationId?: string,
): CustomerContext {
  const stored = customer?.attributes ?? {};
  // Per field, the lookup wins whatever key spelling either side uses.
  const get = (...keys: string[]) => pick(lookup, ...keys) ?? pick(stored, ...keys);
  const others = previous
    .filter((c) => c.id !== currentConversationId)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  const complaintsOnRecord = asNumber(get("previousComplaints", "previous_complaints", "complaints"));
  const complaintConversations = others.filter((c) => c.reasons.includes("complaint")).length;
  return {
    customerId: customer?.id ?? null,
    name: customer?.name ?? null,
    email: customer?.email ?? null,
    // Stored when the conversation started, never from a lookup: only what this visitor typed.
    unverifiedEmail: customer?.email ? null : asText(stored.unverifiedEmail),
    locale: customer?.locale ?? null,
    lifetimeValue: asNumber(get("lifetimeValue", "lifetime_value", "ltv", "LTV")),
    plan: asText(get("plan", "tier", "subscription")),
    openOrders: asOrders(get("openOrders", "open_orders", "orders")),
    previousComplaints: Math.max(complaintsOnRecord ?? 0, complaintConversations),
    previousConversations: others.slice(0, 10).map((c) => ({
      id: c.id,
      createdAt: c.createdAt,
      status: c.status,
      tier: c.tier,
      reasons: c.reasons,
      resolutionCode: c.resolutionCode,
    })),
    contractTerms: asText(get("contractTerms", "contract_terms", "contract", "sla")),
    notes: asText(get("notes", "note")),
  };
}
