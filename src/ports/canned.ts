// The canned-response storage port: the library agents insert with /shortcut, edited by admins, with an audit trail.

import type { CannedResponse } from "../domain/assist/index.ts";

/** A response as stored: the library entry plus who last changed it and when. */
export interface StoredCannedResponse extends CannedResponse {
  language: string | null;
  /** Epoch milliseconds. */
  updatedAt: number;
  /** The user who last changed it; null for entries seeded from the YAML file. */
  updatedBy: string | null;
}

export type CannedAuditAction = "seed" | "create" | "update" | "delete";

export interface CannedAuditEntry {
  responseId: string;
  action: CannedAuditAction;
  actorId: string | null;
  at: number;
  /** The response after the change (before it, for a delete). */
  snapshot: CannedResponse;
}

/** Why a write was refused: the shortcut or id belongs to another response (checked by the database's constraints). */
export type CannedWriteConflict = "shortcut_taken" | "id_taken";

export interface CannedStore {
  list(): Promise<StoredCannedResponse[]>;
  get(id: string): Promise<StoredCannedResponse | null>;
  /** Inserts it and its audit entry in one transaction. */
  insert(
    response: StoredCannedResponse,
  ): Promise<{ ok: true } | { ok: false; conflict: CannedWriteConflict }>;
  /** Replaces it and records the audit entry in one transaction; not_found when the id does not exist. */
  update(
    response: StoredCannedResponse,
  ): Promise<{ ok: true } | { ok: false; conflict: CannedWriteConflict | "not_found" }>;
  /** Deletes it and records the audit entry (with the deleted content); false when the id does not exist. */
  delete(id: string, actorId: string, at: number): Promise<boolean>;
  /**
   * Inserts the seed library only if the library has never been managed (no responses and no audit history), so
   * deleting every response does not bring the file's back on the next start. Safe when nodes start together.
   * Returns how many were inserted.
   */
  seedIfNeverManaged(responses: readonly CannedResponse[], at: number): Promise<number>;
  /** Newest first. */
  history(responseId: string, limit?: number): Promise<CannedAuditEntry[]>;
}
