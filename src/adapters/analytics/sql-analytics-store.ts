// The AnalyticsStore on Kysely for SQLite and PostgreSQL. Aggregation happens in SQL over the per-day rollup, so a
// dashboard view sums at most (days × intents) rows whatever the message volume; plain standard SQL keeps one
// implementation for both dialects (JSON is only read in the few places that need it, with per-dialect functions).

import { type Kysely, type RawBuilder, sql } from "kysely";
import type { ConversationFacts, LogEvent, LogMessage, Totals } from "../../domain/analytics/types.ts";
import { TOTAL_KEYS } from "../../domain/analytics/types.ts";
import { totalsOfOne } from "../../domain/analytics/figures.ts";
import type {
  AnalyticsStore,
  EscalationRow,
  LogBundle,
  ReviewRecord,
  StoredMessageText,
  TrainingExampleRecord,
} from "../../ports/analytics.ts";
import type { DatabaseHandle } from "../db/database.ts";
import { totalColumn } from "../db/migrations/004-review.ts";

const TOTAL_COLS = TOTAL_KEYS.map(totalColumn);
const colList = sql.raw(TOTAL_COLS.join(", "));
const sumList = sql.raw(TOTAL_COLS.map((c) => `SUM(${c}) AS ${c}`).join(", "));

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const parse = <T>(text: unknown, fallback: T): T => {
  if (typeof text !== "string" || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

function totalsFromRow(row: Record<string, unknown>): Totals {
  const t = {} as Totals;
  TOTAL_KEYS.forEach((k, i) => {
    t[k] = num(row[TOTAL_COLS[i] as string]);
  });
  return t;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

const inList = (xs: readonly (string | number)[]): RawBuilder<unknown> => sql.join(xs.map((x) => sql`${x}`));

export function createSqlAnalyticsStore(handle: DatabaseHandle): AnalyticsStore {
  const db = handle.db as unknown as Kysely<unknown>;
  const pg = handle.dialect === "postgres";
  const jsonText = (col: string, path: string[]): RawBuilder<unknown> =>
    pg ? sql.raw(`(${col}::jsonb #>> '{${path.join(",")}}')`) : sql.raw(`json_extract(${col}, '$.${path.join(".")}')`);
  const rows = async <T = Record<string, unknown>>(q: RawBuilder<unknown>, on: Kysely<unknown> = db): Promise<T[]> =>
    (await q.execute(on)).rows as T[];

  async function escalationRows(where: RawBuilder<unknown>, limit: number): Promise<EscalationRow[]> {
    const r = await rows(sql`
      SELECT e.id AS event_id, e.conversation_id, e.created_at, e.data, c.status, c.resolution_code, c.resolved_at,
             f.intent, f.t_csat_ai_count, f.t_csat_ai_sum, f.t_csat_human_count, f.t_csat_human_sum,
             r.verdict, r.note, r.corrected_intent
      FROM events e
      JOIN conversations c ON c.id = e.conversation_id
      LEFT JOIN analytics_facts f ON f.conversation_id = e.conversation_id
      LEFT JOIN escalation_reviews r ON r.event_id = e.id
      WHERE e.type = 'escalated' AND ${where}
      ORDER BY e.id DESC
      LIMIT ${limit}`);
    return r.map((x) => {
      const data = parse<Record<string, unknown>>(x.data, {});
      const csatCount = num(x.t_csat_ai_count) + num(x.t_csat_human_count);
      return {
        eventId: Number(x.event_id),
        conversationId: String(x.conversation_id),
        escalatedAt: Number(x.created_at),
        tier: typeof data.tier === "number" ? data.tier : null,
        reasons: Array.isArray(data.reasons) ? data.reasons.map(String) : [],
        messageSeq: typeof data.messageSeq === "number" ? data.messageSeq : null,
        intent: typeof x.intent === "string" ? x.intent : typeof data.intent === "string" ? data.intent : "unknown",
        status: String(x.status),
        resolutionCode: (x.resolution_code as string | null) ?? null,
        resolvedAt: numOrNull(x.resolved_at),
        csatScore: csatCount > 0 ? (num(x.t_csat_ai_sum) + num(x.t_csat_human_sum)) / csatCount : null,
        verdict: (x.verdict as string | null) ?? null,
        note: (x.note as string | null) ?? null,
        correctedIntent: (x.corrected_intent as string | null) ?? null,
      };
    });
  }

  /**
   * The escalated event `e` itself carries one of these reasons. (analytics_reasons holds a conversation's first
   * escalation only: filtering on it would credit a later escalation with the first one's reasons, and miss a later
   * escalation for a reason the first did not have.)
   */
  const eventHasReason = (reasons: readonly string[]): RawBuilder<unknown> =>
    pg
      ? sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.data::jsonb -> 'reasons') = 'array' THEN e.data::jsonb -> 'reasons' END) AS r(v)
                    WHERE r.v IN (${inList(reasons)}))`
      : sql`EXISTS (SELECT 1 FROM json_each(e.data, '$.reasons') WHERE value IN (${inList(reasons)}))`;

  const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
  const dayEnd = (day: string) => Date.parse(`${day}T00:00:00Z`) + 86_400_000;

  return {
    async getState(key) {
      const r = await rows<{ value: string }>(sql`SELECT value FROM analytics_state WHERE key = ${key}`);
      return r[0]?.value ?? null;
    },
    async setState(key, value) {
      await sql`INSERT INTO analytics_state (key, value) VALUES (${key}, ${value})
                ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db);
    },

    async changedConversations(since) {
      const r = await rows<{ id: string; customer_id: string }>(sql`
        SELECT c.id, c.customer_id FROM conversations c
        WHERE c.id IN (SELECT DISTINCT conversation_id FROM events WHERE created_at >= ${since})`);
      return r.map((x) => ({ conversationId: x.id, customerId: x.customer_id }));
    },
    async dueForRecheck(now, limit) {
      const r = await rows<{ conversation_id: string }>(sql`
        SELECT conversation_id FROM analytics_facts WHERE recheck_at IS NOT NULL AND recheck_at <= ${now} LIMIT ${limit}`);
      return r.map((x) => x.conversation_id);
    },
    async pendingOfCustomers(customerIds) {
      const out: string[] = [];
      for (const part of chunks(customerIds, 500)) {
        const r = await rows<{ conversation_id: string }>(sql`
          SELECT conversation_id FROM analytics_facts WHERE customer_id IN (${inList(part)}) AND ai_outcome = 'pending'`);
        out.push(...r.map((x) => x.conversation_id));
      }
      return out;
    },

    async loadLogs(ids): Promise<LogBundle> {
      if (ids.length === 0) return { logs: [], conversationsByCustomer: new Map() };
      const list = inList(ids);
      const [convs, events, messages] = await Promise.all([
        rows<{ id: string; customer_id: string }>(sql`SELECT id, customer_id FROM conversations WHERE id IN (${list})`),
        rows<{ conversation_id: string; type: string; actor_kind: string; actor_id: string | null; data: string; created_at: number }>(sql`
          SELECT conversation_id, type, actor_kind, actor_id, data, created_at FROM events WHERE conversation_id IN (${list}) ORDER BY id`),
        // Only what metrics read: the intent of customer messages and the meta of AI messages (token usage).
        rows<{ conversation_id: string; seq: number; author: string; author_id: string | null; internal: number; created_at: number; intent: string | null; meta: string | null }>(sql`
          SELECT conversation_id, seq, author, author_id, internal, created_at,
                 CASE WHEN author = 'customer' THEN ${jsonText("triage", ["intent"])} END AS intent,
                 CASE WHEN author = 'ai' THEN meta END AS meta
          FROM messages WHERE conversation_id IN (${list})`),
      ]);
      const evBy = new Map<string, LogEvent[]>();
      for (const e of events) {
        const list = evBy.get(e.conversation_id) ?? [];
        list.push({ type: e.type, actorKind: e.actor_kind, actorId: e.actor_id, at: Number(e.created_at), data: parse(e.data, {}) });
        evBy.set(e.conversation_id, list);
      }
      const msgBy = new Map<string, LogMessage[]>();
      for (const m of messages) {
        const list = msgBy.get(m.conversation_id) ?? [];
        const msg: LogMessage = {
          seq: Number(m.seq), author: m.author as LogMessage["author"], authorId: m.author_id, internal: Number(m.internal) === 1,
          at: Number(m.created_at), intent: m.intent,
        };
        if (m.meta) {
          const meta = parse<{ kind?: unknown; usage?: { promptTokens?: unknown; completionTokens?: unknown }; costUsd?: unknown }>(m.meta, {});
          if (typeof meta.kind === "string") msg.kind = meta.kind;
          if (typeof meta.usage?.promptTokens === "number") msg.promptTokens = meta.usage.promptTokens;
          if (typeof meta.usage?.completionTokens === "number") msg.completionTokens = meta.usage.completionTokens;
          if (typeof meta.costUsd === "number") msg.costUsd = meta.costUsd;
        }
        list.push(msg);
        msgBy.set(m.conversation_id, list);
      }
      const customers = [...new Set(convs.map((c) => c.customer_id))];
      const conversationsByCustomer = new Map<string, { id: string; createdAt: number }[]>();
      for (const part of chunks(customers, 500)) {
        // "Coming back" is writing again: a conversation is dated by its first customer message, and one the
        // customer opened without writing (an API client creating it up front) is not a return.
        const r = await rows<{ id: string; customer_id: string; first_at: number }>(sql`
          SELECT c.id, c.customer_id, MIN(m.created_at) AS first_at
          FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.author = 'customer' AND m.internal = 0
          WHERE c.customer_id IN (${inList(part)}) GROUP BY c.id, c.customer_id`);
        for (const x of r) {
          const list = conversationsByCustomer.get(x.customer_id) ?? [];
          list.push({ id: x.id, createdAt: Number(x.first_at) });
          conversationsByCustomer.set(x.customer_id, list);
        }
      }
      return {
        logs: convs.map((c) => ({ conversationId: c.id, customerId: c.customer_id, events: evBy.get(c.id) ?? [], messages: msgBy.get(c.id) ?? [] })),
        conversationsByCustomer,
      };
    },

    async agentCapacities() {
      const r = await rows<{ id: string; capacity: number }>(sql`SELECT id, capacity FROM users`);
      return new Map(r.map((x) => [x.id, Number(x.capacity)]));
    },

    async saveFacts(entries) {
      if (entries.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // Nodes rolling up at the same time take turns, so two never rebuild the same day at once.
        if (pg) await sql`SELECT pg_advisory_xact_lock(7263501)`.execute(trx);
        const ids = entries.map((e) => e.conversationId);
        const days = new Set<string>();
        for (const part of chunks(ids, 500)) {
          const old = await rows<{ day: string }>(sql`SELECT DISTINCT day FROM analytics_facts WHERE conversation_id IN (${inList(part)})`, trx);
          for (const d of old) days.add(d.day);
          for (const table of ["analytics_facts", "analytics_reasons", "analytics_segments"]) {
            await sql`DELETE FROM ${sql.table(table)} WHERE conversation_id IN (${inList(part)})`.execute(trx);
          }
        }
        const facts = entries.map((e) => e.facts).filter((f): f is ConversationFacts => f !== null);
        for (const part of chunks(facts, 100)) {
          const values = part.map((f) => {
            const t = totalsOfOne(f);
            return sql`(${f.conversationId}, ${f.customerId}, ${f.day}, ${f.startedAt}, ${f.intent}, ${f.tier}, ${f.aiOutcome}, ${f.recheckAt}, ${sql.join(TOTAL_KEYS.map((k) => sql`${t[k]}`))})`;
          });
          await sql`INSERT INTO analytics_facts (conversation_id, customer_id, day, started_at, intent, tier, ai_outcome, recheck_at, ${colList})
                    VALUES ${sql.join(values)}`.execute(trx);
          for (const f of part) days.add(f.day);
        }
        const reasons = facts.flatMap((f) => [...new Set(f.reasons)].map((r) => sql`(${f.conversationId}, ${r}, ${f.day}, ${f.intent}, ${f.tier})`));
        for (const part of chunks(reasons, 300)) {
          await sql`INSERT INTO analytics_reasons (conversation_id, reason, day, intent, tier) VALUES ${sql.join(part)}`.execute(trx);
        }
        const segments = facts.flatMap((f) =>
          f.agentSegments.map((s, n) => sql`(${f.conversationId}, ${n}, ${s.agentId}, ${new Date(s.start).toISOString().slice(0, 10)}, ${s.start}, ${s.loadMs})`),
        );
        for (const part of chunks(segments, 300)) {
          await sql`INSERT INTO analytics_segments (conversation_id, n, agent_id, day, start_at, load_ms) VALUES ${sql.join(part)}`.execute(trx);
        }
        for (const part of chunks([...days], 200)) {
          await sql`DELETE FROM analytics_daily WHERE day IN (${inList(part)})`.execute(trx);
          await sql`INSERT INTO analytics_daily (day, intent, ${colList})
                    SELECT day, intent, ${sumList} FROM analytics_facts WHERE day IN (${inList(part)}) GROUP BY day, intent`.execute(trx);
        }
      });
    },

    async totalsBy(range, groupBy) {
      // PostgreSQL refuses GROUP BY a constant: the grand total is a plain aggregate.
      if (groupBy === "all") {
        const r = await rows(sql`SELECT COUNT(*) AS n, ${sumList} FROM analytics_daily WHERE day >= ${range.from} AND day <= ${range.to}`);
        return r.filter((x) => Number(x.n) > 0).map((x) => ({ key: "all", totals: totalsFromRow(x) }));
      }
      const key = sql.raw(groupBy === "day" ? "day" : "intent");
      const r = await rows(sql`
        SELECT ${key} AS k, ${sumList} FROM analytics_daily WHERE day >= ${range.from} AND day <= ${range.to}
        GROUP BY ${key} ORDER BY ${key}`);
      return r.map((x) => ({ key: String(x.k), totals: totalsFromRow(x) }));
    },
    async reasonsBy(range, groupBy) {
      const keyExpr = groupBy === "day" || groupBy === "week" ? "day" : groupBy === "intent" ? "intent" : groupBy === "tier" ? "COALESCE(tier, 0)" : null;
      const r = await rows<{ k: string | number; reason: string; n: number }>(
        keyExpr === null
          ? sql`SELECT 'all' AS k, reason, COUNT(*) AS n FROM analytics_reasons
                WHERE day >= ${range.from} AND day <= ${range.to} GROUP BY reason ORDER BY reason`
          : sql`SELECT ${sql.raw(keyExpr)} AS k, reason, COUNT(*) AS n FROM analytics_reasons
                WHERE day >= ${range.from} AND day <= ${range.to} GROUP BY ${sql.raw(keyExpr)}, reason ORDER BY 1, 2`,
      );
      if (groupBy !== "week") return r.map((x) => ({ key: String(x.k), reason: x.reason, count: Number(x.n) }));
      // Weeks from days in JS: a few hundred rows at most, and no dialect-specific date functions.
      const weeks = new Map<string, number>();
      for (const x of r) {
        const d = new Date(`${x.k}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
        const k = `${d.toISOString().slice(0, 10)}\u0000${x.reason}`;
        weeks.set(k, (weeks.get(k) ?? 0) + Number(x.n));
      }
      return [...weeks].map(([k, count]) => {
        const [key, reason] = k.split("\u0000") as [string, string];
        return { key, reason, count };
      }).sort((a, b) => a.key.localeCompare(b.key) || a.reason.localeCompare(b.reason));
    },
    async agentLoad(range) {
      const r = await rows<{ agent_id: string; days: number; convs: number; load: number }>(sql`
        SELECT agent_id, COUNT(DISTINCT day) AS days, COUNT(DISTINCT conversation_id) AS convs, SUM(load_ms) AS load
        FROM analytics_segments WHERE day >= ${range.from} AND day <= ${range.to} GROUP BY agent_id`);
      return r.map((x) => ({ agentId: x.agent_id, activeDays: Number(x.days), conversations: Number(x.convs), loadMs: Number(x.load) }));
    },
    async factRows(range, limit) {
      return rows(sql`
        SELECT conversation_id, day, intent, tier, ai_outcome, ${colList} FROM analytics_facts
        WHERE day >= ${range.from} AND day <= ${range.to} ORDER BY started_at, conversation_id LIMIT ${limit}`);
    },

    async listEscalations({ range, limit, beforeEventId, reason, unreviewedOnly }) {
      const parts: RawBuilder<unknown>[] = [sql`e.created_at >= ${dayStart(range.from)}`, sql`e.created_at < ${dayEnd(range.to)}`];
      if (beforeEventId !== undefined) parts.push(sql`e.id < ${beforeEventId}`);
      // The escalation's own reasons array, read as JSON (a LIKE on the text would have to escape the "_" in every
      // reason code, and could match the same word in another field).
      if (reason) parts.push(eventHasReason([reason]));
      if (unreviewedOnly) parts.push(sql`r.event_id IS NULL`);
      return escalationRows(sql.join(parts, sql` AND `), limit);
    },
    async getEscalation(eventId) {
      return (await escalationRows(sql`e.id = ${eventId}`, 1))[0] ?? null;
    },
    async saveReview(r: ReviewRecord) {
      await sql`
        INSERT INTO escalation_reviews (event_id, conversation_id, verdict, note, corrected_intent, reviewer_id, escalated_at, intent, tier, reasons, reviewed_at)
        VALUES (${r.eventId}, ${r.conversationId}, ${r.verdict}, ${r.note}, ${r.correctedIntent}, ${r.reviewerId}, ${r.escalatedAt}, ${r.intent}, ${r.tier}, ${JSON.stringify(r.reasons)}, ${r.reviewedAt})
        ON CONFLICT (event_id) DO UPDATE SET verdict = excluded.verdict, note = excluded.note, corrected_intent = excluded.corrected_intent,
          reviewer_id = excluded.reviewer_id, reviewed_at = excluded.reviewed_at`.execute(db);
    },
    async listReviews(range) {
      const r = await rows(sql`
        SELECT * FROM escalation_reviews WHERE escalated_at >= ${dayStart(range.from)} AND escalated_at < ${dayEnd(range.to)} ORDER BY escalated_at`);
      return r.map((x) => ({
        eventId: Number(x.event_id), conversationId: String(x.conversation_id), verdict: String(x.verdict),
        note: (x.note as string | null) ?? null, correctedIntent: (x.corrected_intent as string | null) ?? null,
        reviewerId: String(x.reviewer_id), escalatedAt: Number(x.escalated_at), intent: String(x.intent),
        tier: numOrNull(x.tier), reasons: parse<string[]>(x.reasons, []), reviewedAt: Number(x.reviewed_at),
      }));
    },
    async escalationsWithReasons(range, reasons, limit) {
      if (reasons.length === 0) return [];
      const r = await rows<{ conversation_id: string; data: string }>(sql`
        SELECT e.conversation_id, e.data FROM events e
        WHERE e.type = 'escalated' AND e.created_at >= ${dayStart(range.from)} AND e.created_at < ${dayEnd(range.to)}
          AND ${eventHasReason(reasons)}
        ORDER BY e.id DESC LIMIT ${limit}`);
      return r.map((x) => {
        const d = parse<Record<string, unknown>>(x.data, {});
        return { conversationId: x.conversation_id, messageSeq: typeof d.messageSeq === "number" ? d.messageSeq : null, atSeq: typeof d.atSeq === "number" ? d.atSeq : null };
      });
    },
    async customerMessages(ids) {
      const out: StoredMessageText[] = [];
      for (const part of chunks(ids, 500)) {
        const r = await rows(sql`
          SELECT conversation_id, seq, author, internal, text, created_at, triage FROM messages
          WHERE conversation_id IN (${inList(part)}) AND internal = 0 ORDER BY conversation_id, seq`);
        out.push(...r.map((x) => ({
          conversationId: String(x.conversation_id), seq: Number(x.seq), author: String(x.author), internal: Number(x.internal) === 1,
          text: String(x.text), createdAt: Number(x.created_at), triage: parse<Record<string, unknown> | null>(x.triage, null),
        })));
      }
      return out;
    },
    async recentTriagedMessages(limit) {
      const r = await rows(sql`
        SELECT m.conversation_id, m.seq, m.author, m.internal, m.text, m.created_at, m.triage, cu.attributes
        FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id
        WHERE m.author = 'customer' AND m.triage IS NOT NULL ORDER BY m.created_at DESC LIMIT ${limit}`);
      return r.map((x) => ({
        conversationId: String(x.conversation_id), seq: Number(x.seq), author: String(x.author), internal: false,
        text: String(x.text), createdAt: Number(x.created_at), triage: parse<Record<string, unknown> | null>(x.triage, null),
        customerAttributes: parse<Record<string, unknown>>(x.attributes, {}),
      }));
    },

    async addTrainingExample(e: TrainingExampleRecord) {
      await sql`
        INSERT INTO training_examples (id, text, label, source, conversation_id, message_seq, created_by, created_at)
        VALUES (${e.id}, ${e.text}, ${e.label}, ${e.source}, ${e.conversationId}, ${e.messageSeq}, ${e.createdBy}, ${e.createdAt})
        ON CONFLICT (conversation_id, message_seq) DO UPDATE SET label = excluded.label, source = excluded.source,
          created_by = excluded.created_by, created_at = excluded.created_at`.execute(db);
    },
    async listTrainingExamples(limit) {
      const r = await rows(sql`SELECT * FROM training_examples ORDER BY created_at, id LIMIT ${limit}`);
      return r.map((x) => ({
        id: String(x.id), text: String(x.text), label: String(x.label), source: String(x.source),
        conversationId: (x.conversation_id as string | null) ?? null, messageSeq: numOrNull(x.message_seq),
        createdBy: (x.created_by as string | null) ?? null, createdAt: Number(x.created_at),
      }));
    },
  };
}
