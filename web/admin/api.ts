// The admin app's API client: session cookie auth (set by the login), typed calls to the admin endpoints.

import { requestJson } from "../shared/http.ts";

const call = <T,>(path: string, options: Parameters<typeof requestJson>[2] = {}) => requestJson<T>("", path, { credentials: "same-origin", ...options });

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: "agent" | "supervisor" | "admin";
  tier: 1 | 2 | 3;
  skills: string[];
  languages: string[];
  capacity: number;
  presence: string;
}

export type Figures = Record<string, number | null>;
export interface ReasonCount {
  reason: string;
  count: number;
  share: number;
}
export interface Overview {
  range: { from: string; to: string };
  figures: Figures;
  reasons: ReasonCount[];
  escalationTarget: { low: number; high: number };
}
export interface DayRow {
  day: string;
  figures: Figures;
  reasons: Record<string, number>;
}
export interface IntentRow {
  intent: string;
  figures: Figures;
}
export interface AgentRow {
  agentId: string;
  displayName: string;
  capacity: number;
  activeDays: number;
  conversations: number;
  loadHours: number;
  utilisation: number;
}
export interface Escalation {
  eventId: number;
  conversationId: string;
  escalatedAt: number;
  tier: number | null;
  reasons: string[];
  intent: string;
  status: string;
  resolutionCode: string | null;
  csatScore: number | null;
  verdict: string | null;
  message: string | null;
  cues: { kind: string; text: string }[];
}
export interface PatternRow {
  week: string;
  key: string;
  verdicts: Record<string, number>;
  total: number;
}
export interface GapCluster {
  terms: string[];
  representative: string;
  count: number;
  conversationIds: string[];
  examples: string[];
}
export interface Digest {
  title: string;
  highlights: string[];
}
export interface PreviewRow {
  conversationId: string;
  seq: number;
  text: string;
  intent: string;
  before: { route: string; reasons: string[]; tier: number };
  after: { route: string; reasons: string[]; tier: number };
  changed: boolean;
}
export interface Preview {
  rows: PreviewRow[];
  summary: { messages: number; humanBefore: number; humanAfter: number; changed: number; toHuman: number; toAi: number };
}
export interface Candidate {
  id: string;
  operatorExamples: number;
  heldOut: number;
  accuracyBefore: number | null;
  accuracyAfter: number | null;
}

const q = (range: { from?: string; to?: string }) => new URLSearchParams(Object.entries(range).filter(([, v]) => v) as [string, string][]).toString();

export const api = {
  login: (email: string, password: string) => call<{ user: UserView }>("/api/v1/auth/login", { method: "POST", body: { email, password } }),
  logout: () => call<{ ok: true }>("/api/v1/auth/logout", { method: "POST" }),
  me: () => call<{ user: UserView }>("/api/v1/me"),
  overview: (r: { from?: string; to?: string }) => call<Overview>(`/api/v1/admin/analytics/overview?${q(r)}`),
  days: (r: { from?: string; to?: string }) => call<{ days: DayRow[] }>(`/api/v1/admin/analytics/days?${q(r)}`),
  intents: (r: { from?: string; to?: string }) => call<{ intents: IntentRow[] }>(`/api/v1/admin/analytics/intents?${q(r)}`),
  agentLoad: (r: { from?: string; to?: string }) => call<{ agents: AgentRow[]; staffedHoursPerDay: number }>(`/api/v1/admin/analytics/agents?${q(r)}`),
  csvUrl: (view: string, r: { from?: string; to?: string }) => `/api/v1/admin/analytics/export.csv?${q({ ...r, view } as { from?: string; to?: string })}`,
  escalations: () => call<{ escalations: Escalation[] }>("/api/v1/admin/escalations?limit=100"),
  review: (eventId: number, verdict: string, correctedIntent?: string) =>
    call<{ escalation: Escalation }>(`/api/v1/admin/escalations/${eventId}/review`, { method: "POST", body: correctedIntent ? { verdict, correctedIntent } : { verdict } }),
  patterns: (by: string) => call<{ verdicts: PatternRow[] }>(`/api/v1/admin/escalations/patterns?by=${by}`),
  gaps: () => call<{ clusters: GapCluster[] }>("/api/v1/admin/knowledge-gaps"),
  draft: (conversationId: string) => call<{ draft: { title: string; body: string } }>(`/api/v1/admin/conversations/${encodeURIComponent(conversationId)}/article-draft`, { method: "POST" }),
  digest: () => call<{ digest: Digest }>("/api/v1/admin/digest"),
  rules: () => call<{ yaml: string; source: string }>("/api/v1/admin/routing-rules"),
  preview: (yaml: string) => call<{ preview: Preview }>("/api/v1/admin/routing-rules/preview", { method: "POST", body: { yaml, limit: 200 } }),
  users: () => call<{ users: UserView[] }>("/api/v1/users"),
  patchUser: (id: string, body: Partial<Pick<UserView, "tier" | "capacity" | "skills">>) => call<{ user: UserView }>(`/api/v1/admin/users/${encodeURIComponent(id)}`, { method: "PATCH", body }),
  canned: () => call<{ responses: { shortcut?: string; id?: string; title?: string; text?: string; body?: string }[] }>("/api/v1/canned-responses"),
  providers: () => call<Record<string, unknown>>("/api/v1/admin/providers"),
  examples: () => call<{ examples: { text: string; label: string; source: string }[] }>("/api/v1/admin/training-examples"),
  retrain: () => call<{ candidate: Candidate }>("/api/v1/admin/model/retrain", { method: "POST" }),
  activate: (candidateId: string) => call<{ activated: string }>("/api/v1/admin/model/activate", { method: "POST", body: { candidateId } }),
};
