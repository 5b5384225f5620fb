// The agent console's API client: every call the console makes, typed. Session auth rides on the httpOnly cookie
// the login sets; endpoints other features ship later (packet, assist, canned responses, CSAT) return null on 404
// so the console degrades instead of breaking.

import { ApiError, requestJson } from "../shared/http.ts";
import type { AgentConversation, AgentMessage, Presence, Tier, UserView } from "../shared/wire.ts";
import type { AssistPanel, CannedResponse, HandoffPacket, Rating } from "./types.ts";

const base = "";
const call = <T>(path: string, options: Parameters<typeof requestJson>[2] = {}) => requestJson<T>(base, path, { credentials: "same-origin", ...options });

/** Null when the endpoint does not exist on this server (404/405/501) rather than an error. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) return null;
    throw err;
  }
}

export const api = {
  login: (email: string, password: string) => call<{ token: string; user: UserView; expiresAt: string }>("/api/v1/auth/login", { method: "POST", body: { email, password } }),
  logout: () => call<{ ok: true }>("/api/v1/auth/logout", { method: "POST" }),
  /** Who is signed in, or null: never an error for a missing or expired session. */
  session: () => call<{ user: UserView | null }>("/api/v1/auth/session"),
  /** The SLA targets the desk runs (per tier, in ms), so queue countdowns match its warnings and breaches. */
  slaPolicy: () =>
    call<{ sla: { tiers: Record<Tier, { firstResponseMs: number; waitingMs: number }>; warnAtFraction: number } }>("/api/v1/desk/sla-policy"),
  /** `released`: the conversations going offline returned to the queue. */
  setPresence: (presence: Presence) =>
    call<{ user: UserView; released?: string[] }>("/api/v1/me/presence", { method: "PATCH", body: { presence } }),

  inbox: async (): Promise<AgentConversation[]> => {
    // Keyset pages of the server's maximum size until the queues and open conversations are all loaded.
    const all: AgentConversation[] = [];
    let before: number | null = null;
    for (let page = 0; page < 20; page++) {
      const q = new URLSearchParams({ status: "waiting_human,human", limit: "1000" });
      if (before !== null) q.set("before", String(before));
      const r: { conversations: AgentConversation[]; nextBefore: number | null } = await call(`/api/v1/conversations?${q}`);
      all.push(...r.conversations);
      if (r.nextBefore === null) break;
      before = r.nextBefore;
    }
    const seen = new Set<string>();
    return all.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
  },
  conversation: (id: string) => call<{ conversation: AgentConversation }>(`/api/v1/conversations/${encodeURIComponent(id)}`),
  messages: async (id: string, after = 0): Promise<AgentMessage[]> => {
    const out: AgentMessage[] = [];
    let cursor = after;
    for (;;) {
      const r = await call<{ messages: AgentMessage[] }>(`/api/v1/conversations/${encodeURIComponent(id)}/messages?after=${cursor}&limit=1000`);
      out.push(...r.messages);
      const last = r.messages.at(-1);
      if (r.messages.length < 1000 || !last) break;
      cursor = last.seq;
    }
    return out;
  },
  recentMessages: (id: string, lastSeq: number, count = 8) =>
    call<{ messages: AgentMessage[] }>(`/api/v1/conversations/${encodeURIComponent(id)}/messages?after=${Math.max(0, lastSeq - count)}&limit=${count + 2}`),
  post: (id: string, body: { clientMessageId: string; text: string; internal?: boolean }) =>
    call<{ message: AgentMessage }>(`/api/v1/conversations/${encodeURIComponent(id)}/messages`, { method: "POST", body }),
  claim: (id: string) => call<{ conversation: AgentConversation }>(`/api/v1/conversations/${encodeURIComponent(id)}/claim`, { method: "POST", body: {} }),
  transfer: (id: string, body: { toAgentId?: string; toTier?: Tier; note?: string }) =>
    call<{ conversation: AgentConversation }>(`/api/v1/conversations/${encodeURIComponent(id)}/transfer`, { method: "POST", body }),
  handback: (id: string) => call<{ conversation: AgentConversation }>(`/api/v1/conversations/${encodeURIComponent(id)}/handback`, { method: "POST", body: {} }),
  resolve: (id: string, resolutionCode?: string) =>
    call<{ conversation: AgentConversation }>(`/api/v1/conversations/${encodeURIComponent(id)}/resolve`, {
      method: "POST",
      body: resolutionCode ? { resolutionCode } : {},
    }),
  /** Supervisors only: agents get null and the transfer dialog offers tiers alone. */
  users: async (): Promise<UserView[] | null> => {
    try {
      return (await call<{ users: UserView[] }>("/api/v1/users")).users;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return null;
      throw err;
    }
  },
  packet: (id: string) => optional(call<{ packet?: HandoffPacket } & Partial<HandoffPacket>>(`/api/v1/conversations/${encodeURIComponent(id)}/packet`)).then(unwrap<HandoffPacket>("packet")),
  assist: (id: string) => optional(call<{ assist?: AssistPanel } & Partial<AssistPanel>>(`/api/v1/conversations/${encodeURIComponent(id)}/assist`)).then(unwrap<AssistPanel>("assist")),
  /** The server attaches the rating to its conversation (the event log analytics reads), so conversationId is required. */
  rate: (body: { conversationId: string; suggestionId: string; suggestionType: string; rating: Rating }) => optional(call<unknown>("/api/v1/assist/ratings", { method: "POST", body })),
  canned: async (): Promise<CannedResponse[] | null> => {
    const r = await optional(call<unknown>("/api/v1/canned-responses"));
    if (r === null) return null;
    const list = Array.isArray(r) ? r : ((r as Record<string, unknown>).responses ?? (r as Record<string, unknown>).cannedResponses);
    if (!Array.isArray(list)) return [];
    return list.filter(
      (x): x is CannedResponse => !!x && typeof x.shortcut === "string" && typeof x.text === "string" && typeof (x.title ?? "") === "string",
    );
  },
};

/** Accepts `{ packet: {...} }` or the bare object, whichever the endpoint returns. */
function unwrap<T>(key: string) {
  return (r: unknown): T | null => {
    if (r === null || typeof r !== "object") return null;
    const inner = (r as Record<string, unknown>)[key];
    return (inner && typeof inner === "object" ? inner : r) as T;
  };
}

export { ApiError };
