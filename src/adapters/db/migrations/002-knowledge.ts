// Knowledge base schema: sources, documents and chunks (the truth the in-memory index is built from), and the audit
// trail of routine actions.

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

export function knowledgeMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("kb_sources")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("location", "text", (c) => c.notNull())
        .addColumn("options", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("document_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("chunk_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("updated_at", sql.raw(bigint), (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("kb_documents")
        .addColumn("source_id", "text", (c) => c.notNull().references("kb_sources.id").onDelete("cascade"))
        .addColumn("document_id", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("url", "text")
        .addColumn("language", "text", (c) => c.notNull())
        .addColumn("chunk_count", "integer", (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint("kb_documents_pk", ["source_id", "document_id"])
        .execute();

      await db.schema
        .createTable("kb_chunks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("source_id", "text", (c) => c.notNull().references("kb_sources.id").onDelete("cascade"))
        .addColumn("document_id", "text", (c) => c.notNull())
        .addColumn("ordinal", "integer", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("heading", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("location", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("url", "text")
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("language", "text", (c) => c.notNull())
        // Float32 little-endian, base64: the same text on both dialects; null without an embedding endpoint.
        .addColumn("embedding", "text")
        .execute();
      await db.schema
        .createIndex("kb_chunks_source")
        .on("kb_chunks")
        .columns(["source_id", "ordinal"])
        .execute();
      await db.schema.createIndex("kb_chunks_hash").on("kb_chunks").columns(["hash"]).execute();

      // Every routine action the AI runs (or refuses), with whose identity: an append-only audit trail.
      const idColumn =
        dialect === "postgres"
          ? sql.raw("bigserial primary key")
          : sql.raw("integer primary key autoincrement");
      await db.schema
        .createTable("action_audit")
        .addColumn("id", idColumn)
        .addColumn("conversation_id", "text")
        .addColumn("customer_id", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("params", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("http_status", "integer")
        .addColumn("duration_ms", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error", "text")
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("action_audit_conversation")
        .on("action_audit")
        .columns(["conversation_id", "id"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["action_audit", "kb_chunks", "kb_documents", "kb_sources"])
        await db.schema.dropTable(t).execute();
    },
  };
}
