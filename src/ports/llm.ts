// The LLM port: the few chat-completion calls the answerer makes, whatever OpenAI-compatible server is behind it.

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it: callers validate it. */
  arguments: string;
}

export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; content: string; toolCallId: string };

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  /** Streams text as it arrives when given. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface Completion {
  text: string;
  toolCalls: ToolCall[];
  /** Null when the provider did not report usage. */
  usage: TokenUsage | null;
  model: string;
  finishReason: string | null;
}

export interface Llm {
  readonly model: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

export type LlmErrorCode = "LLM_TIMEOUT" | "LLM_PROVIDER_ERROR" | "LLM_BAD_RESPONSE" | "LLM_ABORTED";

export class LlmError extends Error {
  readonly code: LlmErrorCode;
  readonly status: number | null;
  constructor(code: LlmErrorCode, message: string, status: number | null = null) {
    super(message);
    this.name = "LlmError";
    this.code = code;
    this.status = status;
  }
}
