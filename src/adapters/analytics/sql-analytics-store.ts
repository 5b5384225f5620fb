// The AnalyticsStore on Kysely for SQLite and PostgreSQL. Aggregation happens in SQL over a per-UTC-hour rollup, so a
// dashboard view sums at most (hours × intents) rows whatever the message volume; plain standard SQL keeps one
// implementation for both dialects (JSON is only read in the few places that need it, with per-dialect functions).
//
// Local days: the rollup is per UTC hour because an hour is the coarsest bucket that a local midnight does not cut
// in two in any zone whose offset is a whole number of hours, DST days (23 or 25 hours) included. A day in such a
// zone is an exact sum of hours; the SQL groups hours by local day with the zone's offsets over the range written
// into the query as a CASE (they change only at DST transitions, so a year is three pieces). In half- and
// quarter-hour zones (India, Nepal, Newfoundland...) one hour a day straddles midnight: those hours are left out of
// the hourly sums and their conversations read from the facts one by one, so every figure is exact in every zone.
// Hours are kept per intent and summed over intents (a year is then 8,760 rows whatever the intents, for the
// overview and the per-day view); whole UTC days per intent serve the per-intent view, which only needs hours at the
// ends of its range.

import { type Kysely, type RawBuilder, sql } from "kysely";
import { DAY_MS, dayIndexIn, dayLabel, HOUR_MS, type LocalDays, splitHours } from "../../domain/analytics/calendar.ts";
import { addTotals, emptyTotals, totalsOfOne } from "../../domain/analytics/figures.ts";
import { nearestRank, PERCENTILES, type SlaCount, type SlaOutcome, type SlaTier, type WaitPercentile } from "../../domain/analytics/sla-attainment.ts";
import type { ConversationFacts, LogEvent, LogMessage, Totals } from "../../domain/analytics/types.ts";
import { TOTAL_KEYS } from "../../domain/analytics/types.ts";
import type {
  AnalyticsStore,
  DayRange,
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

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/** An integer written into SQL text (parenthesised, so a negative one never makes "- -", a comment). */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return `(${n})`;
}

/**
 * Days since range.from of the instant in column expression `col`: floor((col + offset(col) − from's midnight) ÷ day),
 * the same as dayIndexIn. Never negative for instants in the range, so integer division (which truncates in both
 * dialects) is the floor. The offsets are our own integers, written as literals: PostgreSQL would type a CASE of
 * bound parameters as text.
 */
export function dayIndexSql(col: string, range: LocalDays): RawBuilder<unknown> {
  const pieces = range.offsets;
  const last = pieces.at(-1);
  if (!last) throw new Error("a range has at least one offset");
  const offset =
    pieces.length === 1
      ? int(last.offsetMs)
      : `CASE ${pieces.slice(1).map((p, i) => `WHEN ${col} < ${int(p.from)} THEN ${int((pieces[i] as typeof p).offsetMs)}`).join(" ")} ELSE ${int(last.offsetMs)} END`;
  return sql.raw(`((${col} + ${offset} - ${int(Date.parse(`${range.from}T00:00:00Z`))}) / ${DAY_MS})`);
}

const OUTCOMES: readonly SlaOutcome[] = ["met", "breached", "pending", "withdrawn"];
const asOutcome = (v: unknown): SlaOutcome => (OUTCOMES.includes(v as SlaOutcome) ? (v as SlaOutcome) : "withdrawn");
const asTier = (v: unknown): SlaTier => (Number(v) === 2 ? 2 : Number(v) === 3 ? 3 : 1);

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

  /** Rows of `table` summed, in one group ("all") or by `key`. */
  async function summed(table: string, key: RawBuilder<unknown> | null, where: RawBuilder<unknown>) {
    if (key) return rows(sql`SELECT ${key} AS k, ${sumList} FROM ${sql.table(table)} WHERE ${where} GROUP BY ${key}`);
    // PostgreSQL refuses GROUP BY a constant: the grand total is a plain aggregate (an empty one has n = 0).
    const r = await rows(sql`SELECT 'all' AS k, COUNT(*) AS n, ${sumList} FROM ${sql.table(table)} WHERE ${where}`);
    return r.filter((x) => Number(x.n) > 0);
  }

  /**
   * Totals over the range, in one group or per local day (key: day number) or intent. Whole hours come from the
   * rollup; an hour that a local midnight cuts in two (half-hour zones) comes from the facts. Per day, that is every
   * day's boundary hour; in total or per intent only the range's own ends matter, and whole UTC days in between are
   * read per day rather than per hour.
   */
  async function rangeTotals(range: DayRange, groupBy: "all" | "day" | "intent"): Promise<Map<string, Totals>> {
    const out = new Map<string, Totals>();
    const add = (found: Record<string, unknown>[]) => {
      for (const r of found) out.set(String(r.k), addTotals(out.get(String(r.k)) ?? emptyTotals(), totalsFromRow(r)));
    };
    const lo = ceilHour(range.startMs);
    const hi = floorHour(range.endMs);
    let fromFacts: number[];
    if (groupBy === "day") {
      fromFacts = splitHours(range);
      const cleanOnly = fromFacts.some((h) => h >= lo && h < hi)
        ? sql` AND ${dayIndexSql("hour", range)} = ${dayIndexSql(`(hour + ${HOUR_MS - 1})`, range)}`
        : sql``;
      add(await summed("analytics_hourly_all", dayIndexSql("hour", range), sql`hour >= ${lo} AND hour < ${hi}${cleanOnly}`));
    } else {
      fromFacts = [...new Set([range.startMs, range.endMs].filter((t) => t % HOUR_MS !== 0).map(floorHour))];
      if (groupBy === "all") {
        add(await summed("analytics_hourly_all", null, sql`hour >= ${lo} AND hour < ${hi}`));
      } else {
        const dayLo = ceilDay(lo);
        const dayHi = Math.max(dayLo, floorDay(hi));
        const intent = sql.raw("intent");
        if (dayLo < dayHi) add(await summed("analytics_daily_utc", intent, sql`day_start >= ${dayLo} AND day_start < ${dayHi}`));
        add(await summed("analytics_hourly", intent, dayLo < dayHi
          ? sql`(hour >= ${lo} AND hour < ${dayLo}) OR (hour >= ${dayHi} AND hour < ${hi})`
          : sql`hour >= ${lo} AND hour < ${hi}`));
      }
    }
    const factKey = groupBy === "day" ? dayIndexSql("started_at", range) : groupBy === "intent" ? sql.raw("intent") : null;
    for (const part of chunks(fromFacts, 500)) {
      add(await summed("analytics_facts", factKey, sql`hour IN (${inList(part)}) AND started_at >= ${range.startMs} AND started_at < ${range.endMs}`));
    }
    return out;
  }

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
        const hours = new Set<number>();
        for (const part of chunks(ids, 500)) {
          const old = await rows<{ hour: number }>(sql`SELECT DISTINCT hour FROM analytics_facts WHERE conversation_id IN (${inList(part)})`, trx);
          for (const h of old) hours.add(Number(h.hour));
          for (const table of ["analytics_facts", "analytics_reasons", "analytics_segments", "analytics_sla"]) {
            await sql`DELETE FROM ${sql.table(table)} WHERE conversation_id IN (${inList(part)})`.execute(trx);
          }
        }
        const facts = entries.map((e) => e.facts).filter((f): f is ConversationFacts => f !== null);
        for (const part of chunks(facts, 100)) {
          const values = part.map((f) => {
            const t = totalsOfOne(f);
            return sql`(${f.conversationId}, ${f.customerId}, ${f.day}, ${f.startedAt}, ${floorHour(f.startedAt)}, ${f.intent}, ${f.tier}, ${f.aiOutcome}, ${f.recheckAt}, ${sql.join(TOTAL_KEYS.map((k) => sql`${t[k]}`))})`;
          });
          await sql`INSERT INTO analytics_facts (conversation_id, customer_id, day, started_at, hour, intent, tier, ai_outcome, recheck_at, ${colList})
                    VALUES ${sql.join(values)}`.execute(trx);
          for (const f of part) hours.add(floorHour(f.startedAt));
        }
        const reasons = facts.flatMap((f) => [...new Set(f.reasons)].map((r) => sql`(${f.conversationId}, ${r}, ${f.day}, ${f.startedAt}, ${f.intent}, ${f.tier})`));
        for (const part of chunks(reasons, 300)) {
          await sql`INSERT INTO analytics_reasons (conversation_id, reason, day, started_at, intent, tier) VALUES ${sql.join(part)}`.execute(trx);
        }
        const slas = facts.flatMap((f) =>
          f.sla
            ? [sql`(${f.conversationId}, ${f.startedAt}, ${f.sla.tier}, ${f.sla.response}, ${f.sla.responseMs}, ${f.sla.wait}, ${f.sla.waitMs}, ${f.sla.stillQueued ? 1 : 0})`]
            : [],
        );
        for (const part of chunks(slas, 300)) {
          await sql`INSERT INTO analytics_sla (conversation_id, started_at, tier, response_outcome, response_ms, wait_outcome, wait_ms, still_queued)
                    VALUES ${sql.join(part)}`.execute(trx);
        }
        const segments = facts.flatMap((f) =>
          f.agentSegments.map((s, n) => sql`(${f.conversationId}, ${n}, ${s.agentId}, ${new Date(s.start).toISOString().slice(0, 10)}, ${s.start}, ${s.loadMs})`),
        );
        for (const part of chunks(segments, 300)) {
          await sql`INSERT INTO analytics_segments (conversation_id, n, agent_id, day, start_at, load_ms) VALUES ${sql.join(part)}`.execute(trx);
        }
        for (const part of chunks([...hours], 200)) {
          await sql`DELETE FROM analytics_hourly WHERE hour IN (${inList(part)})`.execute(trx);
          await sql`INSERT INTO analytics_hourly (hour, intent, ${colList})
                    SELECT hour, intent, ${sumList} FROM analytics_facts WHERE hour IN (${inList(part)}) GROUP BY hour, intent`.execute(trx);
          await sql`DELETE FROM analytics_hourly_all WHERE hour IN (${inList(part)})`.execute(trx);
          await sql`INSERT INTO analytics_hourly_all (hour, ${colList})
                    SELECT hour, ${sumList} FROM analytics_hourly WHERE hour IN (${inList(part)}) GROUP BY hour`.execute(trx);
        }
        // Whole UTC days are re-summed from their (at most 24 × intents) hourly rows.
        for (const part of chunks([...new Set([...hours].map(floorDay))], 100)) {
          await sql`DELETE FROM analytics_daily_utc WHERE day_start IN (${inList(part)})`.execute(trx);
          await sql`INSERT INTO analytics_daily_utc (day_start, intent, ${colList})
                    SELECT hour - (hour % ${sql.lit(DAY_MS)}), intent, ${sumList} FROM analytics_hourly
                    WHERE ${sql.join(part.map((d) => sql`(hour >= ${d} AND hour < ${d + DAY_MS})`), sql` OR `)}
                    GROUP BY 1, 2`.execute(trx);
        }
      });
    },

    async totalsBy(range, groupBy) {
      const totals = await rangeTotals(range, groupBy);
      const keyOf = (k: string) => (groupBy === "day" ? dayLabel(range, Number(k)) : k);
      return [...totals]
        .map(([k, t]) => ({ key: keyOf(k), totals: t }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async reasonsBy(range, groupBy) {
      const byDay = groupBy === "day" || groupBy === "week";
      const keyExpr = byDay ? dayIndexSql("started_at", range) : groupBy === "intent" ? sql.raw("intent") : groupBy === "tier" ? sql.raw("COALESCE(tier, 0)") : null;
      const inRange = sql`started_at >= ${range.startMs} AND started_at < ${range.endMs}`;
      const raw = await rows<{ k: string | number; reason: string; n: number }>(
        keyExpr === null
          ? sql`SELECT 'all' AS k, reason, COUNT(*) AS n FROM analytics_reasons WHERE ${inRange} GROUP BY reason ORDER BY reason`
          : sql`SELECT ${keyExpr} AS k, reason, COUNT(*) AS n FROM analytics_reasons WHERE ${inRange} GROUP BY ${keyExpr}, reason ORDER BY 1, 2`,
      );
      const r = byDay ? raw.map((x) => ({ ...x, k: dayLabel(range, Number(x.k)) })) : raw;
      if (groupBy !== "week") return r.map((x) => ({ key: String(x.k), reason: x.reason, count: Number(x.n) }));
      // Weeks (from their local Monday) from local days in JS: a few hundred rows at most, no dialect-specific dates.
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
        SELECT agent_id, COUNT(DISTINCT ${dayIndexSql("start_at", range)}) AS days, COUNT(DISTINCT conversation_id) AS convs, SUM(load_ms) AS load
        FROM analytics_segments WHERE start_at >= ${range.startMs} AND start_at < ${range.endMs} GROUP BY agent_id`);
      return r.map((x) => ({ agentId: x.agent_id, activeDays: Number(x.days), conversations: Number(x.convs), loadMs: Number(x.load) }));
    },
    async factRows(range, limit) {
      // The hour bounds let the (hour, intent) index narrow the scan; started_at decides.
      const r = await rows(sql`
        SELECT conversation_id, started_at, intent, tier, ai_outcome, ${colList} FROM analytics_facts
        WHERE hour >= ${floorHour(range.startMs)} AND hour <= ${floorHour(range.endMs)} AND started_at >= ${range.startMs} AND started_at < ${range.endMs}
        ORDER BY started_at, conversation_id LIMIT ${limit}`);
      return r.map(({ conversation_id, started_at, ...rest }) => ({
        conversation_id: conversation_id as string,
        day: dayLabel(range, dayIndexIn(range, Number(started_at))),
        ...(rest as Record<string, string | number | null>),
      }));
    },
    async slaCounts(range) {
      const r = await rows<{ tier: number; response_outcome: string; wait_outcome: string; still_queued: number; n: number }>(sql`
        SELECT tier, response_outcome, wait_outcome, still_queued, COUNT(*) AS n FROM analytics_sla
        WHERE started_at >= ${range.startMs} AND started_at < ${range.endMs}
        GROUP BY tier, response_outcome, wait_outcome, still_queued`);
      return r.map(
        (x): SlaCount => ({
          tier: asTier(x.tier), response: asOutcome(x.response_outcome), wait: asOutcome(x.wait_outcome), stillQueued: Number(x.still_queued) === 1, count: Number(x.n),
        }),
      );
    },
    async waitPercentiles(range) {
      // Nearest rank ceil(p·n/100) in integer SQL: (p·n + 99) / 100. Window functions sort only the escalated
      // conversations of the range, in the database; both dialects have them.
      const ranks = sql.raw(PERCENTILES.map((p) => `rn = (n * ${p} + 99) / 100`).join(" OR "));
      const inRange = sql`started_at >= ${range.startMs} AND started_at < ${range.endMs} AND wait_ms IS NOT NULL`;
      const perTier = rows<{ tier: number | null; wait_ms: number; rn: number; n: number }>(sql`
        SELECT tier, wait_ms, rn, n FROM (
          SELECT tier, wait_ms, ROW_NUMBER() OVER (PARTITION BY tier ORDER BY wait_ms) AS rn, COUNT(*) OVER (PARTITION BY tier) AS n
          FROM analytics_sla WHERE ${inRange}) x
        WHERE ${ranks}`);
      const all = rows<{ tier: number | null; wait_ms: number; rn: number; n: number }>(sql`
        SELECT NULL AS tier, wait_ms, rn, n FROM (
          SELECT wait_ms, ROW_NUMBER() OVER (ORDER BY wait_ms) AS rn, COUNT(*) OVER () AS n FROM analytics_sla WHERE ${inRange}) x
        WHERE ${ranks}`);
      const out: WaitPercentile[] = [];
      for (const x of [...(await perTier), ...(await all)]) {
        for (const p of PERCENTILES) {
          if (Number(x.rn) === nearestRank(p, Number(x.n))) out.push({ tier: x.tier === null ? null : asTier(x.tier), percentile: p, waitMs: Number(x.wait_ms) });
        }
      }
      return out;
    },

    async listEscalations({ range, limit, beforeEventId, reason, unreviewedOnly }) {
      const parts: RawBuilder<unknown>[] = [sql`e.created_at >= ${range.startMs}`, sql`e.created_at < ${range.endMs}`];
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
        SELECT * FROM escalation_reviews WHERE escalated_at >= ${range.startMs} AND escalated_at < ${range.endMs} ORDER BY escalated_at`);
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
        WHERE e.type = 'escalated' AND e.created_at >= ${range.startMs} AND e.created_at < ${range.endMs}
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
