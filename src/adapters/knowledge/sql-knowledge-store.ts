// KnowledgeStore on Kysely: the same queries on SQLite and PostgreSQL; a source is replaced in one transaction.

import type { Kysely } from "kysely";
import type {
  KnowledgeDocument,
  KnowledgeSource,
  KnowledgeStore,
  SourceContent,
  StoredChunk,
} from "../../ports/knowledge.ts";
import type { KbChunksTable, KbDatabase, KbSourcesTable } from "./kb-schema.ts";

const INSERT_BATCH = 400;

export class SqlKnowledgeStore implements KnowledgeStore {
  private readonly db: Kysely<KbDatabase>;

  /** Takes the application's Kysely handle (typed for the core schema) and views it through the knowledge tables. */
  static over<DB>(db: Kysely<DB>): SqlKnowledgeStore {
    return new SqlKnowledgeStore(db as unknown as Kysely<KbDatabase>);
  }

  constructor(db: Kysely<KbDatabase>) {
    this.db = db;
  }

  async replaceSource(content: SourceContent, now: number): Promise<KnowledgeSource> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom("kb_sources")
        .select("created_at")
        .where("id", "=", content.id)
        .executeTakeFirst();
      await trx.deleteFrom("kb_chunks").where("source_id", "=", content.id).execute();
      await trx.deleteFrom("kb_documents").where("source_id", "=", content.id).execute();
      const row: KbSourcesTable = {
        id: content.id,
        kind: content.kind,
        name: content.name,
        location: content.location,
        options: JSON.stringify(content.options),
        document_count: content.documents.length,
        chunk_count: content.chunks.length,
        created_at: existing ? Number(existing.created_at) : now,
        updated_at: now,
      };
      if (existing) {
        const { id: _id, created_at: _c, ...rest } = row;
        await trx.updateTable("kb_sources").set(rest).where("id", "=", content.id).execute();
      } else {
        await trx.insertInto("kb_sources").values(row).execute();
      }
      for (let i = 0; i < content.documents.length; i += INSERT_BATCH) {
        await trx
          .insertInto("kb_documents")
          .values(
            content.documents.slice(i, i + INSERT_BATCH).map((d) => ({
              source_id: content.id,
              document_id: d.documentId,
              title: d.title,
              url: d.url,
              language: d.language,
              chunk_count: d.chunkCount,
            })),
          )
          .execute();
      }
      for (let i = 0; i < content.chunks.length; i += INSERT_BATCH) {
        await trx
          .insertInto("kb_chunks")
          .values(content.chunks.slice(i, i + INSERT_BATCH).map(toRow))
          .execute();
      }
      return toSource(row);
    });
  }

  async deleteSource(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("kb_chunks").where("source_id", "=", id).execute();
      await trx.deleteFrom("kb_documents").where("source_id", "=", id).execute();
      const res = await trx.deleteFrom("kb_sources").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    });
  }

  async getSource(id: string): Promise<KnowledgeSource | null> {
    const row = await this.db.selectFrom("kb_sources").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toSource(row) : null;
  }

  async listSources(): Promise<KnowledgeSource[]> {
    const rows = await this.db
      .selectFrom("kb_sources")
      .selectAll()
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toSource);
  }

  async listDocuments(sourceId: string): Promise<KnowledgeDocument[]> {
    const rows = await this.db
      .selectFrom("kb_documents")
      .selectAll()
      .where("source_id", "=", sourceId)
      .orderBy("document_id")
      .execute();
    return rows.map((r) => ({
      sourceId: r.source_id,
      documentId: r.document_id,
      title: r.title,
      url: r.url,
      language: r.language,
      chunkCount: Number(r.chunk_count),
    }));
  }

  async *chunks(sourceId?: string, pageSize = 2000): AsyncIterable<StoredChunk[]> {
    const names = new Map((await this.listSources()).map((s) => [s.id, s.name]));
    // Keyset pagination on (source_id, ordinal): stable and cheap on both dialects, whatever the size.
    let after: { source: string; ordinal: number } | null = null;
    for (;;) {
      let q = this.db.selectFrom("kb_chunks").selectAll();
      if (sourceId !== undefined) q = q.where("source_id", "=", sourceId);
      if (after) {
        const a: { source: string; ordinal: number } = after;
        q = q.where((eb) =>
          eb.or([
            eb("source_id", ">", a.source),
            eb.and([eb("source_id", "=", a.source), eb("ordinal", ">", a.ordinal)]),
          ]),
        );
      }
      const rows = await q.orderBy("source_id").orderBy("ordinal").limit(pageSize).execute();
      if (rows.length === 0) return;
      yield rows.map((r) => fromRow(r, names.get(r.source_id) ?? r.source_id));
      const last = rows[rows.length - 1]!;
      after = { source: last.source_id, ordinal: Number(last.ordinal) };
      if (rows.length < pageSize) return;
    }
  }
}

function toRow(c: StoredChunk): KbChunksTable {
  return {
    id: c.id,
    source_id: c.sourceId,
    document_id: c.documentId,
    ordinal: c.ordinal,
    title: c.title,
    heading: c.heading,
    location: c.location,
    url: c.url,
    text: c.text,
    hash: c.hash,
    language: c.language,
    embedding: c.embedding && c.embedding.length ? encodeVector(c.embedding) : null,
  };
}

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

export function decodeVector(s: string): Float32Array {
  const bytes = Buffer.from(s, "base64");
  // Copy into an aligned buffer: a Buffer slice may start at an offset Float32Array cannot view.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  return out;
}

function fromRow(r: KbChunksTable, sourceName: string): StoredChunk {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName,
    documentId: r.document_id,
    ordinal: Number(r.ordinal),
    title: r.title,
    heading: r.heading,
    location: r.location,
    url: r.url,
    text: r.text,
    hash: r.hash,
    language: r.language,
    embedding: r.embedding ? decodeVector(r.embedding) : null,
  };
}

function toSource(r: KbSourcesTable): KnowledgeSource {
  let options: Record<string, unknown> = {};
  try {
    options = JSON.parse(r.options) as Record<string, unknown>;
  } catch {
    // a hand-edited row: show the source without its options rather than failing the listing
  }
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    location: r.location,
    options,
    documentCount: Number(r.document_count),
    chunkCount: Number(r.chunk_count),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
