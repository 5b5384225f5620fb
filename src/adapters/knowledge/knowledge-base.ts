// The knowledge base as the rest of Tandem uses it: ingest, list, delete, search, with the index kept current.
//
// The database is the truth; the in-memory index is rebuilt from it at start (load) and updated on every change
// this node makes. Other nodes learn of changes through onChange listeners fanned out over the bus, and call
// applyChange, which re-reads that source from the database.

import {
  type ChunkOptions,
  chunkDocument,
  contentHash,
  DEFAULT_CHUNK_OPTIONS,
} from "../../domain/knowledge/chunker.ts";
import {
  DEFAULT_SEMANTIC,
  KnowledgeIndex,
  type Retrieval,
  type SearchOptions,
} from "../../domain/knowledge/knowledge-index.ts";
import type { WordVectors } from "../../domain/knowledge/word-vectors.ts";
import { detectLanguage } from "../../domain/triage/language.ts";
import type {
  Embedder,
  KnowledgeChange,
  KnowledgeSource,
  KnowledgeStore,
  StoredChunk,
} from "../../ports/knowledge.ts";
import { checkLanguage } from "./ingest/language.ts";
import { IngestError, type ParsedSource } from "./ingest/types.ts";

export interface KnowledgeBaseOptions {
  store: KnowledgeStore;
  index?: KnowledgeIndex;
  chunking?: ChunkOptions;
  /** Language of documents that declare none and are too short to detect. */
  defaultLanguage?: string;
  now?: () => number;
  /** Turns on hybrid retrieval: chunks are embedded at ingestion, questions at retrieval. */
  embedder?: Embedder | null;
  /** Budget for embedding one question; past it retrieval is lexical only. */
  queryEmbeddingTimeoutMs?: number;
  /** English word vectors: turns on semantic title matching (no endpoint needed). */
  wordVectors?: WordVectors | null;
}

export interface IngestReport {
  source: KnowledgeSource;
  documents: number;
  chunks: number;
  /** Chunks dropped because the same text already appeared in this source. */
  duplicates: number;
}

export type ChangeListener = (change: KnowledgeChange) => void;

/** Stable id for a source: the same kind and location always map to the same source, so re-adding replaces it. */
export const sourceIdFor = (kind: string, location: string): string =>
  `src_${contentHash(`${kind}\u0000${location}`)}`;

export class KnowledgeBase {
  readonly index: KnowledgeIndex;
  private readonly store: KnowledgeStore;
  private readonly chunking: ChunkOptions;
  private readonly defaultLanguage: string;
  private readonly now: () => number;
  private readonly listeners = new Set<ChangeListener>();
  private readonly embedder: Embedder | null;
  private readonly queryEmbeddingTimeoutMs: number;

  constructor(options: KnowledgeBaseOptions) {
    this.store = options.store;
    this.index =
      options.index ??
      new KnowledgeIndex({
        defaultLanguage: options.defaultLanguage ?? "en",
        semantic: options.wordVectors ? { vectors: options.wordVectors, ...DEFAULT_SEMANTIC } : null,
      });
    this.chunking = options.chunking ?? DEFAULT_CHUNK_OPTIONS;
    this.defaultLanguage = options.defaultLanguage ?? "en";
    this.now = options.now ?? Date.now;
    this.embedder = options.embedder ?? null;
    this.queryEmbeddingTimeoutMs = options.queryEmbeddingTimeoutMs ?? 1500;
  }

  /**
   * Retrieval as the answerer uses it: hybrid when an embedder is configured (an embedding failure or timeout
   * degrades to lexical retrieval, never to no answer), lexical otherwise.
   */
  async retrieve(query: string, options: SearchOptions = {}): Promise<Retrieval> {
    if (!this.embedder) return this.index.search(query, options);
    let vector: Float32Array | null = null;
    try {
      [vector = null] = await this.embedder.embed([query], AbortSignal.timeout(this.queryEmbeddingTimeoutMs));
    } catch {
      vector = null;
    }
    return this.index.search(query, { ...options, vector });
  }

  /** The Answerer's retriever over this knowledge base. */
  get retriever(): { search(query: string, options?: SearchOptions): Promise<Retrieval> } {
    return { search: (q, o) => this.retrieve(q, o) };
  }

  /** Rebuilds the index from the database; returns the number of chunks indexed. */
  async load(): Promise<number> {
    let n = 0;
    for await (const page of this.store.chunks()) {
      this.index.upsert(page);
      n += page.length;
    }
    return n;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  search(query: string, options?: SearchOptions): Retrieval {
    return this.index.search(query, options);
  }

  listSources(): Promise<KnowledgeSource[]> {
    return this.store.listSources();
  }

  /** Chunks and stores a parsed source, replacing any earlier version of it, then updates the index. */
  async ingest(parsed: ParsedSource, options: { language?: string } = {}): Promise<IngestReport> {
    const id = sourceIdFor(parsed.kind, parsed.location);
    // A declared language picks the tokeniser for every chunk: one it does not support is refused, not stored.
    const declared = options.language === undefined ? undefined : checkLanguage(options.language);
    const chunks: StoredChunk[] = [];
    const documents: {
      documentId: string;
      title: string;
      url: string | null;
      language: string;
      chunkCount: number;
    }[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (const doc of parsed.documents) {
      const language = declared ?? doc.language ?? this.detect(doc.sections.map((s) => s.text).join(" "));
      let count = 0;
      for (const draft of chunkDocument(doc, this.chunking)) {
        if (seen.has(draft.hash)) {
          duplicates++;
          continue;
        }
        seen.add(draft.hash);
        chunks.push({
          id: `${id}:${chunks.length}`,
          sourceId: id,
          sourceName: parsed.name,
          documentId: draft.documentId,
          ordinal: chunks.length,
          title: draft.title,
          heading: draft.heading,
          location: draft.location,
          url: doc.url ?? null,
          text: draft.text,
          hash: draft.hash,
          language,
        });
        count++;
      }
      if (count > 0)
        documents.push({
          documentId: doc.id,
          title: doc.title,
          url: doc.url ?? null,
          language,
          chunkCount: count,
        });
    }
    if (chunks.length === 0)
      throw new IngestError("KB_EMPTY_SOURCE", `${parsed.name}: no text found to index`);
    if (this.embedder) {
      // Embedded before the transaction: a failing endpoint leaves the previous version of the source intact.
      const vectors = await this.embedder.embed(
        chunks.map((c) => (c.heading ? `${c.title} — ${c.heading}\n${c.text}` : `${c.title}\n${c.text}`)),
      );
      chunks.forEach((c, i) => {
        c.embedding = vectors[i] ?? null;
      });
    }
    const source = await this.store.replaceSource(
      {
        id,
        kind: parsed.kind,
        name: parsed.name,
        location: parsed.location,
        options: declared ? { language: declared } : {},
        documents,
        chunks,
      },
      this.now(),
    );
    this.index.replaceSource(id, chunks);
    this.emit({ type: "source_replaced", sourceId: id, chunkCount: chunks.length });
    return { source, documents: documents.length, chunks: chunks.length, duplicates };
  }

  async deleteSource(id: string): Promise<boolean> {
    const deleted = await this.store.deleteSource(id);
    this.index.removeSource(id);
    if (deleted) this.emit({ type: "source_deleted", sourceId: id });
    return deleted;
  }

  /** Brings this node's index in line with a change another node made (re-read from the database). */
  async applyChange(change: KnowledgeChange): Promise<void> {
    if (change.type === "source_deleted") {
      this.index.removeSource(change.sourceId);
      return;
    }
    const chunks: StoredChunk[] = [];
    for await (const page of this.store.chunks(change.sourceId)) chunks.push(...page);
    this.index.replaceSource(change.sourceId, chunks);
  }

  private detect(text: string): string {
    const r = detectLanguage(text.slice(0, 2000), this.defaultLanguage);
    return r.confidence >= 0.5 ? r.language : this.defaultLanguage;
  }

  private emit(change: KnowledgeChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure (e.g. the bus is down) must not undo a committed change
      }
    }
  }
}
