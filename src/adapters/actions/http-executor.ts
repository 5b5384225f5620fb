// Runs a routine action over HTTP with the conversation's own customer identity, and audits every call.

import type { Kysely } from "kysely";
import type { CustomerIdentity } from "../../domain/actions/dialog.ts";
import { type ActionDefinition, localizedText, renderTemplate } from "../../domain/actions/registry.ts";
import type { KbDatabase } from "../knowledge/kb-schema.ts";

export interface ActionAuditRecord {
  conversationId: string | null;
  customerId: string;
  action: string;
  params: Record<string, string>;
  outcome: "succeeded" | "failed" | "refused";
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  at: number;
}

export interface ActionAuditSink {
  record(entry: ActionAuditRecord): Promise<void>;
}

export type ActionResult =
  | { ok: true; status: number; data: unknown; reply: string }
  | {
      ok: false;
      status: number | null;
      error: { code: "ACTION_FAILED" | "ACTION_TIMEOUT" | "ACTION_REFUSED"; message: string };
    };

export interface HttpActionExecutorOptions {
  /** Substituted for {baseUrl} in action URLs (the shop's API). */
  baseUrl: string;
  audit: ActionAuditSink;
  /** Extra headers, e.g. the shop API's service credential. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  now?: () => number;
}

export class HttpActionExecutor {
  private readonly options: HttpActionExecutorOptions;

  constructor(options: HttpActionExecutorOptions) {
    this.options = options;
  }

  async execute(
    action: ActionDefinition,
    params: Record<string, string>,
    identity: CustomerIdentity,
    context: { conversationId: string | null; language?: string | null },
  ): Promise<ActionResult> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const audit = (outcome: ActionAuditRecord["outcome"], httpStatus: number | null, error: string | null) =>
      this.options.audit.record({
        conversationId: context.conversationId,
        customerId: identity.customerId,
        action: action.name,
        params,
        outcome,
        httpStatus,
        durationMs: now() - started,
        error,
        at: started,
      });

    // Defence in depth: identity parameters must equal the conversation's customer, whatever the caller passed.
    for (const [name, slot] of Object.entries(action.slots)) {
      if (!slot.identity) continue;
      const own = identity[slot.identity];
      if (!own || params[name]?.toLowerCase() !== own.toLowerCase()) {
        await audit("refused", null, `parameter ${name} is not the customer's own ${slot.identity}`);
        return {
          ok: false,
          status: null,
          error: { code: "ACTION_REFUSED", message: "actions run only for the conversation's own customer" },
        };
      }
    }
    const url = action.http.url.replace(/\{(\w+)\}/g, (_, k: string) =>
      k === "baseUrl" ? this.options.baseUrl.replace(/\/$/, "") : encodeURIComponent(params[k] ?? ""),
    );
    const hasBody = action.http.method !== "GET" && action.http.method !== "DELETE";
    const bodyParams = action.http.body
      ? Object.fromEntries(action.http.body.map((k) => [k, params[k]]))
      : params;
    const headers: Record<string, string> = {
      accept: "application/json",
      "x-tandem-customer-id": identity.customerId,
      ...(identity.email ? { "x-tandem-customer-email": identity.email } : {}),
      ...(identity.externalId ? { "x-tandem-customer-external-id": identity.externalId } : {}),
      ...(hasBody ? { "content-type": "application/json" } : {}),
      ...this.options.headers,
    };
    let status: number | null = null;
    try {
      const res = await (this.options.fetch ?? fetch)(url, {
        method: action.http.method,
        headers,
        ...(hasBody ? { body: JSON.stringify(bodyParams) } : {}),
        signal: AbortSignal.timeout(action.http.timeoutMs),
        redirect: "error",
      });
      status = res.status;
      const raw = await res.text();
      let data: unknown = null;
      try {
        data = raw ? JSON.parse(raw) : null;
      } catch {
        data = raw;
      }
      if (!res.ok) {
        await audit("failed", status, `HTTP ${status}`);
        return {
          ok: false,
          status,
          error: { code: "ACTION_FAILED", message: `the service answered ${status}` },
        };
      }
      const values = {
        ...params,
        ...(data && typeof data === "object" ? (data as Record<string, unknown>) : { result: data }),
      };
      await audit("succeeded", status, null);
      return {
        ok: true,
        status,
        data,
        reply: renderTemplate(localizedText(action.reply, context.language), values),
      };
    } catch (e) {
      const timeout = (e as Error).name === "TimeoutError";
      await audit("failed", status, timeout ? "timeout" : (e as Error).message);
      return {
        ok: false,
        status,
        error: {
          code: timeout ? "ACTION_TIMEOUT" : "ACTION_FAILED",
          message: timeout ? "the service did not answer in time" : "the service could not be reached",
        },
      };
    }
  }
}

/** Audit records in the action_audit table (migration 002). */
export class SqlActionAudit implements ActionAuditSink {
  private readonly db: Kysely<KbDatabase>;
  constructor(db: Kysely<KbDatabase>) {
    this.db = db;
  }
  static over<DB>(db: Kysely<DB>): SqlActionAudit {
    return new SqlActionAudit(db as unknown as Kysely<KbDatabase>);
  }
  async record(e: ActionAuditRecord): Promise<void> {
    await this.db
      .insertInto("action_audit")
      .values({
        conversation_id: e.conversationId,
        customer_id: e.customerId,
        action: e.action,
        params: JSON.stringify(e.params),
        outcome: e.outcome,
        http_status: e.httpStatus,
        duration_ms: Math.round(e.durationMs),
        error: e.error,
        created_at: e.at,
      })
      .execute();
  }
  async forConversation(conversationId: string): Promise<ActionAuditRecord[]> {
    const rows = await this.db
      .selectFrom("action_audit")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      customerId: r.customer_id,
      action: r.action,
      params: JSON.parse(r.params) as Record<string, string>,
      outcome: r.outcome as ActionAuditRecord["outcome"],
      httpStatus: r.http_status,
      durationMs: Number(r.duration_ms),
      error: r.error,
      at: Number(r.created_at),
    }));
  }
}
