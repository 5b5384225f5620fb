// Embeddings from any OpenAI-compatible /v1/embeddings endpoint (OpenAI, Ollama, vLLM, llama.cpp, TEI).

import OpenAI from "openai";
import { z } from "zod";
import type { Embedder } from "../../ports/knowledge.ts";

export interface OpenAiEmbedderOptions {
  baseURL: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Texts per request. */
  batchSize?: number;
}

export class EmbeddingError extends Error {
  readonly code = "EMBEDDINGS_FAILED" as const;
}

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly batchSize: number;

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model;
    this.batchSize = options.batchSize ?? 64;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? "not-needed",
      timeout: options.timeoutMs ?? 15_000,
      maxRetries: 1,
    });
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      let res: OpenAI.Embeddings.CreateEmbeddingResponse;
      try {
        res = await this.client.embeddings.create(
          { model: this.model, input: batch, encoding_format: "float" },
          signal ? { signal } : {},
        );
      } catch (e) {
        throw new EmbeddingError(`embedding request failed: ${(e as Error).message}`);
      }
      if (!Array.isArray(res.data) || res.data.length !== batch.length)
        throw new EmbeddingError(`expected ${batch.length} embeddings, got ${res.data?.length ?? 0}`);
      const sorted = [...res.data].sort((a, b) => a.index - b.index);
      for (const d of sorted) {
        if (
          !Array.isArray(d.embedding) ||
          d.embedding.some((x) => typeof x !== "number" || !Number.isFinite(x))
        )
          throw new EmbeddingError("an embedding is not a list of numbers");
        out.push(Float32Array.from(d.embedding));
      }
    }
    return out;
  }
}

const envSchema = z.object({
  EMBEDDINGS_BASE_URL: z
    .url({ error: "EMBEDDINGS_BASE_URL must be a URL such as http://localhost:11434/v1" })
    .optional(),
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  EMBEDDINGS_API_KEY: z.string().optional(),
});

/** The configured embedder, or null for lexical-only retrieval; half a configuration is an error. */
export function embedderFromEnv(env: Record<string, string | undefined>): Embedder | null {
  const parsed = envSchema.safeParse({
    EMBEDDINGS_BASE_URL: env.EMBEDDINGS_BASE_URL || undefined,
    EMBEDDINGS_MODEL: env.EMBEDDINGS_MODEL || undefined,
    EMBEDDINGS_API_KEY: env.EMBEDDINGS_API_KEY || env.LLM_API_KEY || undefined,
  });
  if (!parsed.success)
    throw Object.assign(new Error(parsed.error.issues.map((i) => i.message).join("; ")), {
      code: "CONFIG_INVALID",
    });
  const e = parsed.data;
  if (!e.EMBEDDINGS_BASE_URL && !e.EMBEDDINGS_MODEL) return null;
  if (!e.EMBEDDINGS_BASE_URL || !e.EMBEDDINGS_MODEL)
    throw Object.assign(new Error("set both EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL, or neither"), {
      code: "CONFIG_INVALID",
    });
  return new OpenAiEmbedder({
    baseURL: e.EMBEDDINGS_BASE_URL,
    model: e.EMBEDDINGS_MODEL,
    ...(e.EMBEDDINGS_API_KEY ? { apiKey: e.EMBEDDINGS_API_KEY } : {}),
  });
}
