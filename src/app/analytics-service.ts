// Analytics use cases: keeps the per-conversation facts and daily rollup current from the event log (incrementally,
// from a watermark), and answers dashboard views by aggregating the rollup in the database.

import { DAY_MS, deriveFacts, utcDay } from "../domain/analytics/facts.ts";
import {
  type AgentUtilisation,
  emptyTotals,
  figuresFrom,
  type ReasonCount,
  sortReasons,
  utilisationRow,
} from "../domain/analytics/figures.ts";
import type { CostSettings, Figures, Totals } from "../domain/analytics/types.ts";
import { AppError } from "../domain/errors.ts";
import type { AnalyticsStore, DayRange } from "../ports/analytics.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import type { Logger } from "./conversation-service.ts";

export interface AnalyticsSettings {
  returnWindowMs: number;
  costs: CostSettings;
  staffedHoursPerDay: number;
  /** The escalation-rate band the operator aims for (the brief's 10–20%). */
  escalationTarget: { low: number; high: number };
}

export interface AnalyticsServiceDeps {
  analytics: AnalyticsStore;
  store: Store;
  clock: Clock;
  log: Logger;
  settings: AnalyticsSettings;
}

/** Events committed slightly out of order (PostgreSQL sequences, long transactions) are caught by re-reading this far back. */
const WATERMARK_LAG_MS = 10_000;
const BATCH = 500;
const WATERMARK_KEY = "rollup_watermark";
/**
 * Bumped whenever deriveFacts changes what a conversation's figures are: a rollup stored under another version is
 * rebuilt from the whole event log once, so old days do not keep the old definition next to new days with the new.
 * The version is stored in the watermark's value ("2:<ms>"; older releases wrote "<ms>"), which export and import
 * already treat as derived state.
 * 2: "yes, that helped" confirms at once; a customer leaving the queue is not a human resolution; a conversation
 *    in which the AI only made small talk is not resolved by the customer leaving; an agent taking a conversation
 *    from the AI is an escalation (agent_takeover), not an AI resolution; no agent time without an agent.
 */
export const FACTS_VERSION = "2";
const MAX_RANGE_DAYS = 3660;

export interface Overview {
  range: DayRange;
  figures: Figures;
  reasons: ReasonCount[];
  escalationTarget: { low: number; high: number };
  refreshedAt: string | null;
}

/**
 * A real calendar day, YYYY-MM-DD. Date.parse alone is not enough: it rolls "2026-02-30" over to March 2, and the
 * SQL compares days as text, so the rollover would make the charts and the totals disagree about the range.
 */
export function isCalendarDay(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const ms = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === d;
}

/** Validates and defaults a day range: the last 30 days up to today. */
export function dayRange(now: number, from?: string, to?: string): DayRange {
  for (const d of [from, to]) {
    if (d !== undefined && !isCalendarDay(d)) throw new AppError("VALIDATION_FAILED", `${d} is not a day (YYYY-MM-DD)`);
  }
  const end = to ?? utcDay(now);
  const start = from ?? utcDay(Date.parse(`${end}T00:00:00Z`) - 29 * DAY_MS);
  if (start > end) throw new AppError("VALIDATION_FAILED", "from must not be after to");
  if ((Date.parse(end) - Date.parse(start)) / DAY_MS > MAX_RANGE_DAYS) throw new AppError("VALIDATION_FAILED", "a range covers at most 10 years");
  return { from: start, to: end };
}

export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  const { analytics, store, clock, log, settings } = deps;
  let refreshing: Promise<number> | null = null;
  let refreshedAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;

  /** Recomputes the facts of these conversations from their logs and stores them (with the rollup). */
  async function recompute(ids: string[], now: number, capacities: Map<string, number>): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      const part = ids.slice(i, i + BATCH);
      const bundle = await analytics.loadLogs(part);
      const found = new Set(bundle.logs.map((l) => l.conversationId));
      const entries = bundle.logs.map((log) => ({
        conversationId: log.conversationId,
        facts: deriveFacts(log, {
          now,
          returnWindowMs: settings.returnWindowMs,
          otherConversationsAt: (bundle.conversationsByCustomer.get(log.customerId) ?? []).filter((c) => c.id !== log.conversationId).map((c) => c.createdAt),
          capacityOf: (id) => capacities.get(id) ?? 1,
        }),
      }));
      for (const id of part) if (!found.has(id)) entries.push({ conversationId: id, facts: null });
      await analytics.saveFacts(entries);
    }
  }

  async function refreshOnce(): Promise<number> {
    const now = clock.now();
    const [version, at] = ((await analytics.getState(WATERMARK_KEY)) ?? "").split(":");
    const mark = version === FACTS_VERSION && at ? Number(at) : 0;
    const changed = await analytics.changedConversations(mark === 0 ? 0 : mark - WATERMARK_LAG_MS);
    const ids = new Set(changed.map((c) => c.conversationId));
    for (const id of await analytics.pendingOfCustomers([...new Set(changed.map((c) => c.customerId))])) ids.add(id);
    for (const id of await analytics.dueForRecheck(now, 50_000)) ids.add(id);
    if (ids.size > 0) await recompute([...ids], now, await analytics.agentCapacities());
    await analytics.setState(WATERMARK_KEY, `${FACTS_VERSION}:${now}`);
    refreshedAt = now;
    return ids.size;
  }

  /** Brings the rollup up to date; concurrent callers share one run. Returns how many conversations were recomputed. */
  function refresh(): Promise<number> {
    if (!refreshing) {
      refreshing = refreshOnce().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function totals(range: DayRange, groupBy: "all" | "day" | "intent"): Promise<{ key: string; totals: Totals }[]> {
    await refresh();
    return analytics.totalsBy(range, groupBy);
  }

  async function reasonsOf(range: DayRange): Promise<ReasonCount[]> {
    const [rows, all] = await Promise.all([analytics.reasonsBy(range, "all"), analytics.totalsBy(range, "all")]);
    const escalated = all[0]?.totals.escalated ?? 0;
    return sortReasons(rows.map((r) => ({ reason: r.reason, count: r.count, share: escalated > 0 ? r.count / escalated : 0 })));
  }

  const service = {
    refresh,
    settings,

    async overview(range: DayRange): Promise<Overview> {
      const [all] = await totals(range, "all");
      return {
        range,
        figures: figuresFrom(all?.totals ?? emptyTotals(), settings.costs),
        reasons: await reasonsOf(range),
        escalationTarget: settings.escalationTarget,
        refreshedAt: refreshedAt === null ? null : new Date(refreshedAt).toISOString(),
      };
    },

    /** One row per day in the range (days without conversations included, as zeros, so charts have no gaps). */
    async byDay(range: DayRange): Promise<{ day: string; figures: Figures; reasons: Record<string, number> }[]> {
      const [rows, reasons] = await Promise.all([totals(range, "day"), analytics.reasonsBy(range, "day")]);
      const byKey = new Map(rows.map((r) => [r.key, r.totals]));
      const reasonsBy = new Map<string, Record<string, number>>();
      for (const r of reasons) reasonsBy.set(r.key, { ...reasonsBy.get(r.key), [r.reason]: r.count });
      const out = [];
      for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += DAY_MS) {
        const day = utcDay(t);
        out.push({ day, figures: figuresFrom(byKey.get(day) ?? emptyTotals(), settings.costs), reasons: reasonsBy.get(day) ?? {} });
      }
      return out;
    },

    async byIntent(range: DayRange): Promise<{ intent: string; figures: Figures; reasons: Record<string, number> }[]> {
      const [rows, reasons] = await Promise.all([totals(range, "intent"), analytics.reasonsBy(range, "intent")]);
      const reasonsBy = new Map<string, Record<string, number>>();
      for (const r of reasons) reasonsBy.set(r.key, { ...reasonsBy.get(r.key), [r.reason]: r.count });
      return rows
        .map((r) => ({ intent: r.key, figures: figuresFrom(r.totals, settings.costs), reasons: reasonsBy.get(r.key) ?? {} }))
        .sort((a, b) => b.figures.conversations - a.figures.conversations || a.intent.localeCompare(b.intent));
    },

    async agents(range: DayRange): Promise<(AgentUtilisation & { displayName: string; capacity: number })[]> {
      await refresh();
      const [load, users] = await Promise.all([analytics.agentLoad(range), store.listUsers()]);
      const names = new Map(users.map((u) => [u.id, u]));
      return load
        .map((a) => ({
          ...utilisationRow(a.agentId, a.activeDays, a.conversations, a.loadMs, settings.staffedHoursPerDay),
          displayName: names.get(a.agentId)?.displayName ?? a.agentId,
          capacity: names.get(a.agentId)?.capacity ?? 1,
        }))
        .sort((x, y) => y.utilisation - x.utilisation || x.displayName.localeCompare(y.displayName));
    },

    /** CSV of a view: "days" (one row per day), "intents", or "conversations" (one row per conversation's facts). */
    async csv(view: "days" | "intents" | "conversations", range: DayRange): Promise<string> {
      if (view === "conversations") {
        await refresh();
        const rows = await analytics.factRows(range, 1_000_000);
        const header = rows[0] ? Object.keys(rows[0]) : ["conversation_id"];
        return toCsv(header, rows.map((r) => header.map((h) => r[h] ?? null)));
      }
      const rows = view === "days"
        ? (await service.byDay(range)).map((r) => ({ key: r.day, f: r.figures }))
        : (await service.byIntent(range)).map((r) => ({ key: r.intent, f: r.figures }));
      const cols = Object.keys(figuresFrom(emptyTotals(), settings.costs)) as (keyof Figures)[];
      return toCsv([view === "days" ? "day" : "intent", ...cols], rows.map((r) => [r.key, ...cols.map((c) => r.f[c])]));
    },

    /** Figures over all time and the last 30 days, for the Prometheus gauges (computed from the rollup). */
    async gaugeFigures(): Promise<{ window: string; figures: Figures; reasons: ReasonCount[] }[]> {
      const now = clock.now();
      const out = [];
      for (const [window, range] of [["30d", dayRange(now)], ["1d", dayRange(now, utcDay(now), utcDay(now))]] as const) {
        const o = await service.overview(range);
        out.push({ window, figures: o.figures, reasons: o.reasons });
      }
      return out;
    },

    start(intervalMs: number): void {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => {
        refresh().catch((err) => log.warn({ err: (err as Error).message }, "analytics refresh failed"));
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await refreshing?.catch(() => {});
    },
  };
  return service;
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with ' (CSV injection). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    let s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6)) : String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
