// Runs the assist co-pilot against the configured LLM for the human desk: one bounded model call per new message,
// cached so that reloading the panel never calls the model again, with token usage recorded on the conversation.
// Any failure (timeout, provider error, unusable output) yields nothing, and the desk shows the extractive panel.

import {
  type CopilotDraft,
  type CopilotSummary,
  copilotPrompt,
  copilotTranscript,
  DEFAULT_COPILOT_LIMITS,
  type KnowledgeHit,
  parseCopilotOutput,
} from "../domain/assist/index.ts";
import type { Message } from "../domain/model.ts";
import type { Clock } from "../ports/clock.ts";
import type { Llm, TokenUsage } from "../ports/llm.ts";
import type { Store } from "../ports/store.ts";
import type { Logger } from "./conversation-service.ts";

export interface CopilotDeps {
  llm: Llm;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The whole budget of one refresh's model call; past it the panel goes out without the co-pilot. */
  timeoutMs: number;
  /** Conversation states remembered (most recent first out); a state is one conversation at one message. */
  cacheSize?: number;
  /** A failed call is not retried for this long, so a down provider does not add a timeout to every panel load. */
  retryAfterMs?: number;
}

export interface CopilotRequest {
  conversationId: string;
  messages: readonly Message[];
  passages: readonly KnowledgeHit[];
  language: string | null;
  customerName: string | null;
}

export interface CopilotResult {
  /** The last message the model saw (customer, AI or agent; not internal notes or system notices). */
  basedOnSeq: number;
  summary: CopilotSummary | null;
  draft: CopilotDraft | null;
}

type Entry = { kind: "ok"; result: CopilotResult } | { kind: "failed"; at: number } | { kind: "pending"; promise: Promise<CopilotResult | null> };

/** Event appended on the conversation for every co-pilot call that reported usage (see the README's analytics notes). */
export const ASSIST_USAGE_EVENT = "assist_usage";

export function createAssistCopilot(deps: CopilotDeps) {
  const { llm, store, clock, log } = deps;
  const cacheSize = deps.cacheSize ?? 2000;
  const retryAfterMs = deps.retryAfterMs ?? 30_000;
  // A Map keeps insertion order: re-inserting on use makes it a small LRU.
  const cache = new Map<string, Entry>();

  function remember(key: string, entry: Entry): void {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  }

  async function recordUsage(conversationId: string, usage: TokenUsage, basedOnSeq: number, outcome: string): Promise<void> {
    try {
      await store.withConversation(conversationId, (unit) =>
        unit.appendEvent({
          type: ASSIST_USAGE_EVENT,
          actorKind: "system",
          data: {
            promptTokens: usage.promptTokens,
            completionTokens: usage.completionTokens,
            totalTokens: usage.totalTokens,
            model: llm.model,
            basedOnSeq,
            outcome,
          },
        }),
      );
    } catch (err) {
      log.warn({ err: (err as Error).message, conversationId }, "assist usage not recorded");
    }
  }

  async function call(req: CopilotRequest, basedOnSeq: number): Promise<CopilotResult | null> {
    const input = { messages: req.messages, passages: req.passages, language: req.language, customerName: req.customerName };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The race returns on time even if the provider ignores the abort; the abort frees the socket.
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error("timeout"));
        resolve("timeout");
      }, deps.timeoutMs);
    });
    const started = clock.now();
    try {
      const completion = await Promise.race([
        llm.complete({ messages: copilotPrompt(input), temperature: 0.2, maxTokens: DEFAULT_COPILOT_LIMITS.maxTokens, signal: controller.signal }),
        deadline,
      ]);
      if (completion === "timeout") {
        log.warn({ conversationId: req.conversationId, timeoutMs: deps.timeoutMs }, "assist co-pilot timed out");
        return null;
      }
      const parsed = parseCopilotOutput(completion.text, input);
      if (completion.usage) await recordUsage(req.conversationId, completion.usage, basedOnSeq, parsed.ok ? "ok" : parsed.error.code);
      if (!parsed.ok) {
        log.warn({ conversationId: req.conversationId, code: parsed.error.code }, "assist co-pilot output refused");
        return null;
      }
      if (parsed.issues.length > 0) log.info({ conversationId: req.conversationId, issues: parsed.issues }, "assist co-pilot output sanitised");
      if (!parsed.summary && !parsed.draft) return null;
      log.info({ conversationId: req.conversationId, ms: clock.now() - started }, "assist co-pilot refreshed");
      return { basedOnSeq, summary: parsed.summary, draft: parsed.draft };
    } catch (err) {
      log.warn({ conversationId: req.conversationId, code: (err as { code?: string }).code ?? "LLM_PROVIDER_ERROR", err: (err as Error).message }, "assist co-pilot failed");
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /**
     * The co-pilot's summary and draft for the conversation as it stands, or null (failure, timeout, nothing to
     * say). Keyed on the last message the model sees: internal notes and system notices do not reach it, so they
     * do not cost a new call either. Concurrent loads of one state share a single call.
     */
    async refresh(req: CopilotRequest): Promise<CopilotResult | null> {
      const visible = copilotTranscript(req.messages);
      const basedOnSeq = visible.at(-1)?.seq ?? 0;
      if (!visible.some((m) => m.author === "customer")) return null;
      const key = `${req.conversationId}\u0000${basedOnSeq}`;
      const hit = cache.get(key);
      if (hit?.kind === "ok") {
        remember(key, hit);
        return hit.result;
      }
      if (hit?.kind === "pending") return hit.promise;
      if (hit?.kind === "failed" && clock.now() - hit.at < retryAfterMs) return null;
      const promise = call(req, basedOnSeq);
      remember(key, { kind: "pending", promise });
      const result = await promise;
      // Only the entry this call put there is replaced (the LRU may have dropped it meanwhile).
      if (cache.get(key)?.kind === "pending") remember(key, result ? { kind: "ok", result } : { kind: "failed", at: clock.now() });
      return result;
    },

    /** Cached states, for tests and metrics. */
    get size(): number {
      return cache.size;
    },
  };
}

export type AssistCopilot = ReturnType<typeof createAssistCopilot>;
