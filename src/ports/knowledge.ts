// The knowledge store port: sources, their documents and chunks, durable in the database (the source of truth).

import type { IndexedChunk } from "../domain/knowledge/knowledge-index.ts";

export interface KnowledgeSource {
  id: string;
  kind: string;
  /** Shown in citations. */
  name: string;
  /** Where it was read from; adding the same location again replaces the source. */
  location: string;
  options: Record<string, unknown>;
  documentCount: number;
  chunkCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface KnowledgeDocument {
  sourceId: string;
  documentId: string;
  title: string;
  url: string | null;
  language: string;
  chunkCount: number;
}

export interface StoredChunk extends IndexedChunk {
  ordinal: number;
}

export interface SourceContent {
  id: string;
  kind: string;
  name: string;
  location: string;
  options: Record<string, unknown>;
  documents: Omit<KnowledgeDocument, "sourceId">[];
  chunks: StoredChunk[];
}

export type KnowledgeChange =
  | { type: "source_replaced"; sourceId: string; chunkCount: number }
  | { type: "source_deleted"; sourceId: string };

export interface KnowledgeStore {
  /** Atomically replaces a source and all its documents and chunks (creating it when new). */
  replaceSource(content: SourceContent, now: number): Promise<KnowledgeSource>;
  deleteSource(id: string): Promise<boolean>;
  getSource(id: string): Promise<KnowledgeSource | null>;
  listSources(): Promise<KnowledgeSource[]>;
  listDocuments(sourceId: string): Promise<KnowledgeDocument[]>;
  /** Chunks of one source, or of every source when omitted, in (source, ordinal) order, page by page. */
  chunks(sourceId?: string, pageSize?: number): AsyncIterable<StoredChunk[]>;
}

/** Text embeddings from an OpenAI-compatible /v1/embeddings endpoint, for hybrid retrieval. */
export interface Embedder {
  readonly model: string;
  /** One vector per text, same order. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
