// Shapes of the agent-side payloads the console renders beyond the core wire format: the handoff packet, the
// assist panel, canned responses. Mirrors src/domain/handoff and src/domain/assist; every field is read
// defensively because these endpoints evolve with the human-side work.

import type { Cue } from "../shared/wire.ts";

export type Rating = "helpful" | "not_helpful" | "used_as_is" | "edited";

export interface CustomerContext {
  customerId?: string | null;
  name?: string | null;
  email?: string | null;
  unverifiedEmail?: string | null;
  locale?: string | null;
  lifetimeValue?: number | null;
  plan?: string | null;
  openOrders?: Array<{ id: string; status?: string; total?: number; placedAt?: string }>;
  previousComplaints?: number;
  previousConversations?: Array<{ id: string; createdAt: string; status: string; reasons?: string[]; resolutionCode?: string | null }>;
  contractTerms?: string | null;
  notes?: string | null;
}

export interface HandoffPacket {
  conversationId?: string;
  escalation?: {
    reasons?: string[];
    cues?: Array<Cue & { seq?: number }>;
    tier?: number | null;
    escalatedAt?: string | null;
    trail?: Array<{ type: string; at: string; reasons?: string[]; tier?: number | null; note?: string | null }>;
    /** Queue priority (higher is served first) and what it is made of, in one line. */
    priority?: { value: number; explanation?: string };
  };
  /** Earlier messages the packet leaves out of a very long conversation. */
  historyOmitted?: number;
  sentiment?: { flag?: string; current?: number | null; frustration?: number | null; trend?: string };
  summary?: { issue?: string; tried?: string[]; current?: string; bullets?: string[] };
  aiAttempts?: {
    answers?: Array<{ seq: number; text: string; answered?: boolean; citations?: Array<{ title?: string; url?: string; source?: string }> }>;
    actions?: Array<{ name: string; status: string; error?: string; errorCode?: string; httpStatus?: number; result?: unknown }>;
  };
  customerContext?: CustomerContext;
}

interface Suggestion {
  id: string;
  type: string;
}

export interface AssistPanel {
  conversationId?: string;
  basedOnSeq?: number;
  summary?: Suggestion & { bullets?: string[]; issue?: string; current?: string };
  articles?: Array<Suggestion & { title: string; snippet?: string; url?: string | null; score?: number }>;
  replies?: Array<Suggestion & { shortcut?: string; title?: string; text: string; missingVariables?: string[] }>;
  flags?: Array<Suggestion & { kind?: string; severity?: "info" | "warning" | "critical"; label: string; evidence?: string }>;
  nextSteps?: Array<Suggestion & { resolutionCode: string; confidence?: number; caseCount?: number; notes?: string }>;
  /** LLM mode: the co-pilot's summary (shown instead of the extractive one) and a draft reply grounded in the KB. */
  llmSummary?: (Suggestion & { bullets?: string[]; issue?: string; current?: string }) | null;
  draft?: (Suggestion & { text: string; citations?: Array<{ documentId: string; title: string }> }) | null;
}

export interface CannedResponse {
  id?: string;
  shortcut: string;
  title?: string;
  text: string;
}
