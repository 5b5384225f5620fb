// Core schema: customers, conversations, messages, users, tokens and the append-only event log.

import { type Kysely, sql } from "kysely";
import type { DialectName } from "../database.ts";

export function coreMigration(dialect: DialectName) {
  const bigint = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("customers")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("external_id", "text", (c) => c.unique())
        .addColumn("name", "text")
        .addColumn("email", "text")
        .addColumn("locale", "text")
        .addColumn("attributes", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("conversations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id"))
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("language", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("assignee_id", "text")
        .addColumn("tier", "integer")
        .addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("reasons", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("ai_turns_unresolved", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("updated_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("queued_at", sql.raw(bigint))
        .addColumn("assigned_at", sql.raw(bigint))
        .addColumn("first_human_response_at", sql.raw(bigint))
        .addColumn("resolved_at", sql.raw(bigint))
        .addColumn("resolution_code", "text")
        .execute();
      await db.schema.createIndex("conversations_status_tier").on("conversations").columns(["status", "tier", "queued_at"]).execute();
      await db.schema.createIndex("conversations_assignee").on("conversations").columns(["assignee_id", "status"]).execute();
      await db.schema.createIndex("conversations_customer").on("conversations").columns(["customer_id", "created_at"]).execute();
      await db.schema.createIndex("conversations_updated").on("conversations").columns(["updated_at"]).execute();

      await db.schema
        .createTable("messages")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("author", "text", (c) => c.notNull())
        .addColumn("author_id", "text")
        .addColumn("author_name", "text")
        .addColumn("client_message_id", "text")
        .addColumn("idempotency_key", "text")
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("internal", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("triage", "text")
        .addColumn("meta", "text")
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .addUniqueConstraint("messages_conversation_seq", ["conversation_id", "seq"])
        .addUniqueConstraint("messages_idempotency", ["conversation_id", "idempotency_key"])
        .execute();
      await db.schema.createIndex("messages_created").on("messages").columns(["created_at"]).execute();

      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("display_name", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("tier", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("skills", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("languages", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("capacity", "integer", (c) => c.notNull().defaultTo(5))
        .addColumn("presence", "text", (c) => c.notNull().defaultTo("offline"))
        .addColumn("business_hours", "text")
        .addColumn("last_assigned_at", sql.raw(bigint))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("tokens")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("subject_id", "text", (c) => c.notNull())
        .addColumn("expires_at", sql.raw(bigint), (c) => c.notNull())
        .addColumn("revoked_at", sql.raw(bigint))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema.createIndex("tokens_subject").on("tokens").columns(["kind", "subject_id"]).execute();

      const idColumn = dialect === "postgres" ? sql.raw("bigserial primary key") : sql.raw("integer primary key autoincrement");
      await db.schema
        .createTable("events")
        .addColumn("id", idColumn)
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("actor_kind", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", sql.raw(bigint), (c) => c.notNull())
        .execute();
      await db.schema.createIndex("events_conversation").on("events").columns(["conversation_id", "id"]).execute();
      await db.schema.createIndex("events_type_created").on("events").columns(["type", "created_at"]).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ["events", "tokens", "users", "messages", "conversations", "customers"]) await db.schema.dropTable(t).execute();
    },
  };
}
