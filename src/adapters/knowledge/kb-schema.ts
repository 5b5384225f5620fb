// Row types of the knowledge tables (migration 002-knowledge), for Kysely; times are epoch-ms, JSON is text.

import type { Generated } from "kysely";

export interface KbSourcesTable {
  id: string;
  kind: string;
  name: string;
  location: string;
  options: string;
  document_count: number;
  chunk_count: number;
  created_at: number;
  updated_at: number;
}

export interface KbDocumentsTable {
  source_id: string;
  document_id: string;
  title: string;
  url: string | null;
  language: string;
  chunk_count: number;
}

export interface KbChunksTable {
  id: string;
  source_id: string;
  document_id: string;
  ordinal: number;
  title: string;
  heading: string;
  location: string;
  url: string | null;
  text: string;
  hash: string;
  language: string;
  embedding: string | null;
}

export interface ActionAuditTable {
  id: Generated<number>;
  conversation_id: string | null;
  customer_id: string;
  action: string;
  params: string;
  outcome: string;
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  created_at: number;
}

export interface KbDatabase {
  action_audit: ActionAuditTable;
  kb_sources: KbSourcesTable;
  kb_documents: KbDocumentsTable;
  kb_chunks: KbChunksTable;
}
