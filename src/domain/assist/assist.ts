// Real-time agent assist, recomputed on every message without an LLM: summary, knowledge articles, suggested
// replies, critical flags and next steps from similar resolved cases. Every suggestion carries a stable id so
// an agent's rating attaches to it across refreshes.

import { readCustomerContext, type CustomerContext } from "../handoff/customer-context.ts";
import type { Conversation, Customer, Message, User } from "../model.ts";
import {
  type CannedResponse,
  rankCannedResponses,
  renderTemplate,
  templateVars,
} from "./canned-responses.ts";
import type { CopilotDraft, CopilotSummary } from "./copilot.ts";
import { type CriticalFlag, criticalFlags, DEFAULT_FLAG_THRESHOLDS, type FlagThresholds } from "./flags.ts";
import type { SuggestionType } from "./ratings.ts";
import type { NextStep, SimilarCaseIndex } from "./similar-cases.ts";
import { type ConversationSummary, summarizeConversation } from "./summary.ts";
import { findOrderId } from "./template.ts";
import { clip, fnv1a } from "./text.ts";

export { findOrderId };

export interface KnowledgeHit {
  documentId: string;
  title: string;
  score: number;
  text: string;
}

/** The knowledge base's search, injected (issue 4 provides it). May be synchronous or not. */
export type KnowledgeSearch = (query: string, k: number) => KnowledgeHit[] | Promise<KnowledgeHit[]>;

export interface AssistInput {
  conversation: Pick<Conversation, "id" | "reasons">;
  messages: readonly Message[];
  customer: Customer | null;
  /** The agent viewing the panel, for {{agent.name}}. */
  agent?: Pick<User, "displayName"> | null;
  previousConversations?: readonly Conversation[];
  /** Precomputed context (e.g. with a lookup action's result); computed from the customer otherwise. */
  customerContext?: CustomerContext;
  company?: { name: string };
}

export interface AssistDeps {
  cannedResponses: readonly CannedResponse[];
  searchKnowledge?: KnowledgeSearch;
  similarCases?: SimilarCaseIndex;
}

export interface AssistOptions {
  articles: number;
  replies: number;
  nextSteps: number;
  flagThresholds: FlagThresholds;
}

export const DEFAULT_ASSIST_OPTIONS: AssistOptions = {
  articles: 3,
  replies: 3,
  nextSteps: 3,
  flagThresholds: DEFAULT_FLAG_THRESHOLDS,
};

/** Passages fetched per article shown: enough to fill the panel when an article's chunks crowd the top hits. */
const ARTICLE_OVERFETCH = 4;

interface Suggestion {
  id: string;
  type: SuggestionType;
}

export interface AssistPanel {
  conversationId: string;
  /** The last message seq this panel reflects, so a console can drop stale refreshes. */
  basedOnSeq: number;
  summary: Suggestion & ConversationSummary;
  articles: Array<Suggestion & { documentId: string; title: string; score: number; snippet: string }>;
  replies: Array<
    Suggestion & {
      responseId: string;
      shortcut: string;
      title: string;
      text: string;
      missingVariables: string[];
    }
  >;
  flags: Array<Suggestion & CriticalFlag>;
  nextSteps: Array<Suggestion & NextStep>;
  /** LLM mode only, when the model answered in time: its summary (type "summary") and a draft reply (type "draft"). */
  llmSummary?: Suggestion & CopilotSummary;
  draft?: Suggestion & CopilotDraft;
}

/** Stable per conversation and item: the same article suggested again keeps its id (and its rating). */
export function suggestionId(type: SuggestionType, conversationId: string, key: string): string {
  return `sug_${type}_${fnv1a(`${conversationId}\u0000${key}`)}`;
}

/** The text that describes the customer's issue: the opening messages and the latest one. */
export function issueQuery(customerTexts: readonly string[]): string {
  const parts =
    customerTexts.length <= 3
      ? customerTexts
      : [...customerTexts.slice(0, 2), customerTexts.at(-1) as string];
  return clip(parts.join(" "), 600);
}

export async function refreshAssist(
  input: AssistInput,
  deps: AssistDeps,
  options: AssistOptions = DEFAULT_ASSIST_OPTIONS,
): Promise<AssistPanel> {
  const convId = input.conversation.id;
  const visible = input.messages.filter((m) => !m.internal);
  const customerMessages = visible.filter((m) => m.author === "customer");
  const customerTexts = customerMessages.map((m) => m.text);
  const latestTriage = [...customerMessages].reverse().find((m) => m.triage)?.triage ?? null;
  const context =
    input.customerContext ??
    readCustomerContext(input.customer, input.previousConversations ?? [], {}, convId);
  const query = issueQuery(customerTexts);
  const basedOnSeq = input.messages.reduce((max, m) => Math.max(max, m.seq), 0);

  const summary = summarizeConversation(visible);

  // Search returns passages, several of which may come from one article: ask for more and keep each article once
  // (its best passage), so the panel lists distinct articles and each suggestion id (and its rating) is unique.
  const hits =
    deps.searchKnowledge && query
      ? await deps.searchKnowledge(query, options.articles * ARTICLE_OVERFETCH)
      : [];
  const seenDocuments = new Set<string>();
  const bestPerDocument = hits.filter(
    (h) => !seenDocuments.has(h.documentId) && seenDocuments.add(h.documentId),
  );
  const articles = bestPerDocument.slice(0, options.articles).map((h) => ({
    id: suggestionId("article", convId, h.documentId),
    type: "article" as const,
    documentId: h.documentId,
    title: h.title,
    score: h.score,
    snippet: clip(h.text, 240),
  }));

  const vars = templateVars({
    customer: input.customer,
    agent: input.agent ?? null,
    order: { id: findOrderId(customerTexts, context) },
    conversationId: convId,
    company: input.company ?? null,
  });
  const replies = rankCannedResponses(
    deps.cannedResponses,
    {
      intent: latestTriage?.intent ?? null,
      reasons: input.conversation.reasons,
      text: customerTexts.slice(-3).join(" "),
      language: latestTriage?.language ?? null,
    },
    options.replies,
  ).map(({ response }) => {
    const rendered = renderTemplate(response.text, vars);
    return {
      id: suggestionId("reply", convId, response.id),
      type: "reply" as const,
      responseId: response.id,
      shortcut: response.shortcut,
      title: response.title,
      text: rendered.text,
      missingVariables: rendered.missing,
    };
  });

  const flags = criticalFlags(
    context,
    customerTexts,
    latestTriage,
    options.flagThresholds,
    input.conversation.reasons,
  ).map((f) => ({
    id: suggestionId("flag", convId, f.kind),
    type: "flag" as const,
    ...f,
  }));

  const nextSteps = (
    deps.similarCases && query
      ? deps.similarCases.nextSteps(query, { limit: options.nextSteps, excludeConversationId: convId })
      : []
  ).map((s) => ({
    id: suggestionId("next_step", convId, s.resolutionCode),
    type: "next_step" as const,
    ...s,
  }));

  return {
    conversationId: convId,
    basedOnSeq,
    // The summary changes with every message; its id follows the content it was rated on.
    summary: { id: suggestionId("summary", convId, String(basedOnSeq)), type: "summary", ...summary },
    articles,
    replies,
    flags,
    nextSteps,
  };
}
