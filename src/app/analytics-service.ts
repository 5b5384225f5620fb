// Analytics use cases: keeps the per-conversation facts and their hourly rollup current from the event log
// (incrementally, from a watermark), and answers dashboard views over local days in the asked time zone by
// aggregating the rollup in the database.

import { canonicalTimeZone, DAY_MS, dayLabels, localDayOf, localDays, utcDay } from "../domain/analytics/calendar.ts";
import { deriveFacts } from "../domain/analytics/facts.ts";
import {
  type AgentUtilisation,
  emptyTotals,
  figuresFrom,
  type ReasonCount,
  sortReasons,
  utilisationRow,
} from "../domain/analytics/figures.ts";
import { type SlaSummary, slaSummaryFrom } from "../domain/analytics/sla-attainment.ts";
import type { CostSettings, Figures, Totals } from "../domain/analytics/types.ts";
import { AppError } from "../domain/errors.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy } from "../domain/sla/index.ts";
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
  /** The zone of days when a request names none, and of the Prometheus windows (IANA name; default UTC). */
  timeZone?: string;
  /** The desk's SLA targets (default DEFAULT_SLA_POLICY, the one the desk runs). */
  sla?: SlaPolicy;
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
 * 3: SLA outcomes per escalated conversation; the rollup is per UTC hour (migration 007), filled by this rebuild.
 */
export const FACTS_VERSION = "3";
const MAX_RANGE_DAYS = 3660;
/** Days the calendar arithmetic is defined for (the epoch onwards; a day after `to` must still be YYYY-MM-DD). */
export const FIRST_DAY = "1970-01-01";
export const LAST_DAY = "9999-12-30";

export interface Overview {
  /** The local days asked for and the zone they are in. */
  range: { from: string; to: string; timeZone: string };
  figures: Figures;
  reasons: ReasonCount[];
  /** SLA attainment over the range, overall and per tier, with queue-wait percentiles (see sla-attainment.ts). */
  sla: SlaSummary;
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

/** The zone's canonical IANA name, or a VALIDATION_FAILED naming the parameter. */
export function timeZoneOrThrow(name: string): string {
  const zone = canonicalTimeZone(name);
  if (!zone) throw new AppError("VALIDATION_FAILED", `tz: ${JSON.stringify(name.slice(0, 64))} is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)`);
  return zone;
}

/**
 * Validates and defaults a range of local days in `timeZone` (default UTC): the last 30 days up to today, where
 * "today" is the day it is now in that zone.
 */
export function dayRange(now: number, from?: string, to?: string, timeZone = "UTC"): DayRange {
  const zone = timeZoneOrThrow(timeZone);
  for (const d of [from, to]) {
    if (d !== undefined && !isCalendarDay(d)) throw new AppError("VALIDATION_FAILED", `${d} is not a day (YYYY-MM-DD)`);
    if (d !== undefined && (d < FIRST_DAY || d > LAST_DAY)) throw new AppError("VALIDATION_FAILED", `days run from ${FIRST_DAY} to ${LAST_DAY}`);
  }
  const end = to ?? localDayOf(now, zone);
  const start = from ?? utcDay(Math.max(Date.parse(`${end}T00:00:00Z`) - 29 * DAY_MS, 0));
  if (start > end) throw new AppError("VALIDATION_FAILED", "from must not be after to");
  if ((Date.parse(end) - Date.parse(start)) / DAY_MS > MAX_RANGE_DAYS) throw new AppError("VALIDATION_FAILED", "a range covers at most 10 years");
  return localDays(start, end, zone);
}


export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  const { analytics, store, clock, log, settings } = deps;
  const slaPolicy = settings.sla ?? DEFAULT_SLA_POLICY;
  const defaultZone = timeZoneOrThrow(settings.timeZone ?? "UTC");
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
          slaPolicy,
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

  /** Escalations per reason, with their share of the `escalated` conversations of the range. */
  async function reasonsOf(range: DayRange, escalated: number): Promise<ReasonCount[]> {
    const rows = await analytics.reasonsBy(range, "all");
    return sortReasons(rows.map((r) => ({ reason: r.reason, count: r.count, share: escalated > 0 ? r.count / escalated : 0 })));
  }

  async function slaOf(range: DayRange): Promise<SlaSummary> {
    const [counts, percentiles] = await Promise.all([analytics.slaCounts(range), analytics.waitPercentiles(range)]);
    return slaSummaryFrom(counts, percentiles, slaPolicy);
  }

  const service = {
    refresh,
    settings,
    /** A validated range in the request's zone, or the configured one. */
    range: (q: { from?: string; to?: string; tz?: string }): DayRange => dayRange(clock.now(), q.from, q.to, q.tz ?? defaultZone),

    async overview(range: DayRange): Promise<Overview> {
      const [all] = await totals(range, "all");
      const [reasons, sla] = await Promise.all([reasonsOf(range, all?.totals.escalated ?? 0), slaOf(range)]);
      return {
        range: { from: range.from, to: range.to, timeZone: range.timeZone },
        figures: figuresFrom(all?.totals ?? emptyTotals(), settings.costs),
        reasons,
        sla,
        escalationTarget: settings.escalationTarget,
        refreshedAt: refreshedAt === null ? null : new Date(refreshedAt).toISOString(),
      };
    },

    /**
     * One row per local day in the range (days without conversations included, as zeros, so charts have no gaps).
     * A conversation counts on the day, in the range's zone, of its first customer message.
     */
    async byDay(range: DayRange): Promise<{ day: string; figures: Figures; reasons: Record<string, number> }[]> {
      const [rows, reasons] = await Promise.all([totals(range, "day"), analytics.reasonsBy(range, "day")]);
      const byKey = new Map(rows.map((r) => [r.key, r.totals]));
      const reasonsBy = new Map<string, Record<string, number>>();
      for (const r of reasons) reasonsBy.set(r.key, { ...reasonsBy.get(r.key), [r.reason]: r.count });
      return dayLabels(range).map((day) => ({ day, figures: figuresFrom(byKey.get(day) ?? emptyTotals(), settings.costs), reasons: reasonsBy.get(day) ?? {} }));
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

    /**
     * Figures over the last 30 days and today, for the Prometheus gauges (computed from the rollup), in the
     * configured zone: "1d" is today since local midnight.
     */
    async gaugeFigures(): Promise<{ window: string; figures: Figures; reasons: ReasonCount[]; sla: SlaSummary }[]> {
      const now = clock.now();
      const today = localDayOf(now, defaultZone);
      const out = [];
      for (const [window, range] of [["30d", dayRange(now, undefined, undefined, defaultZone)], ["1d", dayRange(now, today, today, defaultZone)]] as const) {
        const o = await service.overview(range);
        out.push({ window, figures: o.figures, reasons: o.reasons, sla: o.sla });
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
