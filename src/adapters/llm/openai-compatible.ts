// The LLM port over any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp) via `openai`.

import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { z } from "zod";
import {
  type ChatMessage,
  type Completion,
  type CompletionRequest,
  type Llm,
  LlmError,
  type TokenUsage,
  type ToolCall,
} from "../../ports/llm.ts";

export interface OpenAiCompatibleOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  /** Per-request timeout (the answerer also bounds the whole call). */
  timeoutMs?: number;
  maxRetries?: number;
}

const envSchema = z.object({
  LLM_BASE_URL: z.url({ error: "LLM_BASE_URL must be a URL such as http://localhost:11434/v1" }).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
});

/** The configured LLM, or null in the embedded (no LLM) mode; a half-done configuration is an error, not a guess. */
export function llmFromEnv(env: Record<string, string | undefined>): Llm | null {
  const parsed = envSchema.safeParse({
    LLM_BASE_URL: env.LLM_BASE_URL || undefined,
    LLM_MODEL: env.LLM_MODEL || undefined,
    LLM_API_KEY: env.LLM_API_KEY || undefined,
    LLM_TIMEOUT_MS: env.LLM_TIMEOUT_MS || undefined,
  });
  if (!parsed.success)
    throw Object.assign(new Error(parsed.error.issues.map((i) => i.message).join("; ")), {
      code: "CONFIG_INVALID",
    });
  const e = parsed.data;
  if (!e.LLM_BASE_URL && !e.LLM_MODEL) return null;
  if (!e.LLM_BASE_URL || !e.LLM_MODEL)
    throw Object.assign(new Error("set both LLM_BASE_URL and LLM_MODEL (or neither for the embedded mode)"), {
      code: "CONFIG_INVALID",
    });
  return new OpenAiCompatibleLlm({
    baseURL: e.LLM_BASE_URL,
    model: e.LLM_MODEL,
    ...(e.LLM_API_KEY ? { apiKey: e.LLM_API_KEY } : {}),
    ...(e.LLM_TIMEOUT_MS ? { timeoutMs: e.LLM_TIMEOUT_MS } : {}),
  });
}

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

function toWire(m: ChatMessage): WireMessage {
  if (m.role === "tool") return { role: "tool", content: m.content, tool_call_id: m.toolCallId };
  if (m.role === "assistant") {
    return {
      role: "assistant",
      content: m.content,
      ...(m.toolCalls?.length
        ? {
            tool_calls: m.toolCalls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    };
  }
  return { role: m.role, content: m.content };
}

function usageOf(
  u: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null | undefined,
): TokenUsage | null {
  if (!u) return null;
  const promptTokens = u.prompt_tokens ?? 0;
  const completionTokens = u.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: u.total_tokens ?? promptTokens + completionTokens };
}

export class OpenAiCompatibleLlm implements Llm {
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiCompatibleOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      // Local servers (Ollama, llama.cpp) ignore the key, but the client insists on one.
      apiKey: options.apiKey ?? "not-needed",
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 1,
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const body = {
      model: this.model,
      messages: request.messages.map(toWire),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((t) => ({
              type: "function" as const,
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
      ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    const opts = request.signal ? { signal: request.signal } : {};
    try {
      if (!request.onDelta) {
        const res = await this.client.chat.completions.create({ ...body, stream: false }, opts);
        const choice = res.choices?.[0];
        if (!choice) throw new LlmError("LLM_BAD_RESPONSE", "the provider returned no choice");
        const toolCalls: ToolCall[] = (choice.message.tool_calls ?? [])
          .filter((c) => c.type === "function")
          .map((c) => ({
            id: c.id,
            name: (c as { function: { name: string } }).function.name,
            arguments: (c as { function: { arguments: string } }).function.arguments,
          }));
        return {
          text: choice.message.content ?? "",
          toolCalls,
          usage: usageOf(res.usage),
          model: res.model ?? this.model,
          finishReason: choice.finish_reason ?? null,
        };
      }
      const stream = await this.client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        opts,
      );
      let text = "";
      let usage: TokenUsage | null = null;
      let finishReason: string | null = null;
      let model = this.model;
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let choices = 0;
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = usageOf(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        choices++;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          request.onDelta(delta.content);
        }
        for (const tc of delta?.tool_calls ?? []) {
          const cur = calls.get(tc.index) ?? { id: "", name: "", arguments: "" };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name += tc.function.name;
          if (tc.function?.arguments) cur.arguments += tc.function.arguments;
          calls.set(tc.index, cur);
        }
      }
      // Cut off by the caller's budget, the stream can end without an error: what arrived is a fragment, not a reply.
      if (request.signal?.aborted) throw toLlmError(request.signal.reason, request.signal);
      // A body that was no event stream at all (an HTML error page with status 200) yields no chunk: that is the
      // provider failing, not the model declining with an empty reply.
      if (choices === 0) throw new LlmError("LLM_BAD_RESPONSE", "the provider's stream held no completion");
      return {
        text,
        toolCalls: [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c),
        usage,
        model,
        finishReason,
      };
    } catch (e) {
      throw toLlmError(e, request.signal);
    }
  }
}

function toLlmError(e: unknown, signal?: AbortSignal): LlmError {
  if (e instanceof LlmError) return e;
  if (e instanceof APIConnectionTimeoutError)
    return new LlmError("LLM_TIMEOUT", "the model did not answer in time");
  if (e instanceof APIUserAbortError || signal?.aborted) {
    const reason = signal?.reason as Error | undefined;
    return reason?.message === "timeout"
      ? new LlmError("LLM_TIMEOUT", "the model did not answer in time")
      : new LlmError("LLM_ABORTED", "the request was cancelled");
  }
  if (e instanceof APIError)
    return new LlmError(
      "LLM_PROVIDER_ERROR",
      `provider error${e.status ? ` ${e.status}` : ""}: ${e.message}`,
      e.status ?? null,
    );
  if (e instanceof SyntaxError)
    return new LlmError("LLM_BAD_RESPONSE", `unreadable provider response: ${e.message}`);
  return new LlmError("LLM_PROVIDER_ERROR", (e as Error).message ?? String(e));
}
