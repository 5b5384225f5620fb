// The admin app's API client: session cookie auth (set by the login), typed calls to the admin endpoints.

import type { SlaSummary } from "../../src/domain/analytics/sla-attainment.ts";
import { ApiError, requestJson } from "../shared/http.ts";

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
  businessHours: BusinessHours | null;
}

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export interface BusinessHours {
  tz: string;
  days: Partial<Record<Weekday, [string, string]>>;
}

export interface KnowledgeSource {
  id: string;
  kind: string;
  name: string;
  location: string;
  documentCount: number;
  chunkCount: number;
  updatedAt: number;
}
export interface IngestJob {
  id: string;
  kind: "url" | "file";
  target: string;
  state: "queued" | "running" | "succeeded" | "failed";
  pages: number;
  documents: number;
  chunks: number;
  duplicates: number;
  skipped: { url: string; reason: string }[];
  sourceId: string | null;
  error: { code: string; message: string } | null;
}
export interface AskResult {
  language: string;
  passages: { chunkId: string; title: string; source: string; location: string; score: number; coverage: number; text: string }[];
  answerable: boolean;
  answer: string | null;
  citations: { documentId: string; title: string; source: string; location: string }[];
  mode: string | null;
  reason?: string;
  boundaryMessage?: string;
  action?: { name: string; status: string; text: string };
}
export interface ActionView {
  name: string;
  description: string;
  intents: string[];
  triggers: string[];
  sideEffect: boolean;
  params: { properties: Record<string, { type?: string; pattern?: string; description?: string }>; required: string[] };
  slots: Record<string, { extract: string; identity?: string }>;
  http: { method: string; url: string; timeoutMs: number };
}
export interface ActionTestResult {
  action: string;
  customerId: string;
  params: Record<string, string>;
  durationMs: number;
  result: { ok: true; status: number; data: unknown; reply: string } | { ok: false; status: number | null; error: { code: string; message: string } };
}

/** What an admin edits; the server adds the id and who changed it when. */
export interface CannedInput {
  shortcut: string;
  title: string;
  text: string;
  intents: string[];
  reasons: string[];
  keywords: string[];
  language: string | null;
}
export interface CannedView extends CannedInput {
  id: string;
  updatedAt: number;
  updatedBy: string | null;
}
export interface CannedPreview {
  text: string;
  missing: string[];
  problems: string[];
  sample: Record<string, Record<string, string>>;
}

/** A file upload (multipart/form-data); the browser sets the boundary. Errors come back coded like every call. */
async function uploadFile(file: File, fields: Record<string, string>): Promise<{ job: IngestJob }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
  form.append("file", file, file.name);
  let res: Response;
  try {
    res = await fetch("/api/v1/admin/knowledge/sources", { method: "POST", body: form, credentials: "same-origin", headers: { accept: "application/json" } });
  } catch (err) {
    throw new ApiError("NETWORK_ERROR", (err as Error).message || "network error", 0);
  }
  const data = (await res.json().catch(() => null)) as { job?: IngestJob; error?: { code: string; message: string } } | null;
  if (!res.ok || !data?.job) throw new ApiError(data?.error?.code ?? `HTTP_${res.status}`, data?.error?.message ?? res.statusText, res.status);
  return { job: data.job };
}

export type Figures = Record<string, number | null>;

/** The SLA summary (tier null = all tiers); definitions in src/domain/analytics/sla-attainment.ts. */
export type { SlaRow } from "../../src/domain/analytics/sla-attainment.ts";
export interface ReasonCount {
  reason: string;
  count: number;
  share: number;
}
export interface Overview {
  range: { from: string; to: string; timeZone: string };
  figures: Figures;
  reasons: ReasonCount[];
  sla: SlaSummary;
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
  /** Triage's intent for that message (`intent` is the conversation's, from its first message). */
  messageIntent: string | null;
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

/**
 * The browser's IANA time zone, which the analytics days are asked in: a team in New York sees New York days. Null
 * when the browser cannot tell (the server then uses its configured zone, and says which in the answer).
 */
export function browserTimeZone(): string | null {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof tz === "string" && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz) ? tz : null;
  } catch {
    return null;
  }
}

/** Today's date (YYYY-MM-DD) and the date `days` before it, in the browser's zone (not UTC's). */
export function localDate(daysBefore = 0, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBefore);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export type DayRangeQuery = { from?: string; to?: string };

/** A range query with the browser's zone added. */
const q = (params: { readonly [key: string]: string | undefined }) => {
  const tz = browserTimeZone();
  return new URLSearchParams(Object.entries({ ...params, ...(tz ? { tz } : {}) }).filter(([, v]) => v) as [string, string][]).toString();
};

export const api = {
  login: (email: string, password: string) => call<{ user: UserView }>("/api/v1/auth/login", { method: "POST", body: { email, password } }),
  logout: () => call<{ ok: true }>("/api/v1/auth/logout", { method: "POST" }),
  /** Who is signed in, or null: never an error for a missing or expired session. */
  session: () => call<{ user: UserView | null }>("/api/v1/auth/session"),
  overview: (r: DayRangeQuery) => call<Overview>(`/api/v1/admin/analytics/overview?${q(r)}`),
  days: (r: DayRangeQuery) => call<{ days: DayRow[] }>(`/api/v1/admin/analytics/days?${q(r)}`),
  intents: (r: DayRangeQuery) => call<{ intents: IntentRow[] }>(`/api/v1/admin/analytics/intents?${q(r)}`),
  agentLoad: (r: DayRangeQuery) => call<{ agents: AgentRow[]; staffedHoursPerDay: number }>(`/api/v1/admin/analytics/agents?${q(r)}`),
  csvUrl: (view: string, r: DayRangeQuery) => `/api/v1/admin/analytics/export.csv?${q({ ...r, view })}`,
  escalations: () => call<{ escalations: Escalation[] }>(`/api/v1/admin/escalations?${q({ limit: "100" })}`),
  review: (eventId: number, verdict: string, correctedIntent?: string) =>
    call<{ escalation: Escalation }>(`/api/v1/admin/escalations/${eventId}/review`, { method: "POST", body: correctedIntent ? { verdict, correctedIntent } : { verdict } }),
  patterns: (by: string) => call<{ verdicts: PatternRow[] }>(`/api/v1/admin/escalations/patterns?${q({ by })}`),
  gaps: () => call<{ clusters: GapCluster[] }>(`/api/v1/admin/knowledge-gaps?${q({})}`),
  draft: (conversationId: string) => call<{ draft: { title: string; body: string } }>(`/api/v1/admin/conversations/${encodeURIComponent(conversationId)}/article-draft`, { method: "POST" }),
  digest: () => call<{ digest: Digest }>("/api/v1/admin/digest"),
  rules: () => call<{ yaml: string; source: string }>("/api/v1/admin/routing-rules"),
  preview: (yaml: string) => call<{ preview: Preview }>("/api/v1/admin/routing-rules/preview", { method: "POST", body: { yaml, limit: 200 } }),
  users: () => call<{ users: UserView[] }>("/api/v1/users"),
  patchUser: (id: string, body: Partial<Pick<UserView, "tier" | "capacity" | "skills" | "businessHours">>) => call<{ user: UserView }>(`/api/v1/admin/users/${encodeURIComponent(id)}`, { method: "PATCH", body }),
  canned: () => call<{ responses: CannedView[]; variables: string[] }>("/api/v1/canned-responses"),
  createCanned: (body: CannedInput) => call<{ response: CannedView }>("/api/v1/admin/canned-responses", { method: "POST", body }),
  updateCanned: (id: string, body: CannedInput) => call<{ response: CannedView }>(`/api/v1/admin/canned-responses/${encodeURIComponent(id)}`, { method: "PUT", body }),
  deleteCanned: (id: string) => call<{ deleted: string }>(`/api/v1/admin/canned-responses/${encodeURIComponent(id)}`, { method: "DELETE" }),
  previewCanned: (text: string) => call<CannedPreview>("/api/v1/admin/canned-responses/preview", { method: "POST", body: { text } }),
  providers: () => call<Record<string, unknown>>("/api/v1/admin/providers"),
  examples: () => call<{ examples: { text: string; label: string; source: string }[] }>("/api/v1/admin/training-examples"),
  retrain: () => call<{ candidate: Candidate }>("/api/v1/admin/model/retrain", { method: "POST" }),
  sources: () => call<{ sources: KnowledgeSource[]; jobs: IngestJob[] }>("/api/v1/admin/knowledge/sources"),
  addUrl: (url: string, maxPages?: number, maxDepth?: number) =>
    call<{ job: IngestJob }>("/api/v1/admin/knowledge/sources", { method: "POST", body: { url, ...(maxPages ? { maxPages } : {}), ...(maxDepth !== undefined ? { maxDepth } : {}) } }),
  upload: uploadFile,
  job: (id: string) => call<{ job: IngestJob }>(`/api/v1/admin/knowledge/jobs/${encodeURIComponent(id)}`),
  deleteSource: (id: string) => call<{ deleted: string }>(`/api/v1/admin/knowledge/sources/${encodeURIComponent(id)}`, { method: "DELETE" }),
  ask: (text: string) => call<AskResult>("/api/v1/admin/knowledge/ask", { method: "POST", body: { text } }),
  actions: () => call<{ configured: boolean; actions: ActionView[] }>("/api/v1/admin/actions"),
  testAction: (name: string, customerId: string, params: Record<string, string>, confirm: boolean) =>
    call<ActionTestResult>(`/api/v1/admin/actions/${encodeURIComponent(name)}/test`, { method: "POST", body: { customerId, params, ...(confirm ? { confirm } : {}) } }),
  activate: (candidateId: string) => call<{ activated: string }>("/api/v1/admin/model/activate", { method: "POST", body: { candidateId } }),
};
