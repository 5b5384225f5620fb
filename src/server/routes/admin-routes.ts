// Admin and supervisor API: analytics (JSON, CSV, Prometheus), escalation review, knowledge gaps, article drafts,
// the weekly digest, routing-rule preview, agent settings, provider status, and the retrain-then-confirm loop.
// Also the switchable triage the retrain activates, so a new intent model takes effect without a restart.

import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sql } from "kysely";
import { Gauge } from "prom-client";
import { stringify as toYaml } from "yaml";
import { z } from "zod";
import { createSqlAnalyticsStore } from "../../adapters/analytics/sql-analytics-store.ts";
import type { DatabaseHandle } from "../../adapters/db/database.ts";
import { loadModel, saveModel, STARTER_MODEL_DIR } from "../../adapters/model/model-files.ts";
import { readTrainingData } from "../../adapters/model/training-data.ts";
import { loadRoutingRules, parseRoutingRulesText } from "../../adapters/rules/rules-file.ts";
import { createWebhookSender, newWebhookEvent } from "../../adapters/webhook/index.ts";
import { createDigestScheduler } from "../../app/digest-scheduler.ts";
import { createAnalyticsService, isCalendarDay, LAST_DAY } from "../../app/analytics-service.ts";
import { requireRole } from "../../app/auth-service.ts";
import type { InboundTriage } from "../../app/conversation-service.ts";
import { createInboundTriage } from "../../app/message-triage.ts";
import { createReviewService, type ModelWorkshop } from "../../app/review-service.ts";
import { canonicalTimeZone, DAY_MS } from "../../domain/analytics/calendar.ts";
import { reviewInputSchema } from "../../domain/analytics/review.ts";
import { AppError } from "../../domain/errors.ts";
import type { HashedIntentModel } from "../../domain/triage/intent/index.ts";
import { DEFAULT_ROUTING_RULES, parseRoutingRules, RulesError, type RoutingRules } from "../../domain/triage/routing-rules.ts";
import { createTriage } from "../../domain/triage/triage.ts";
import type { Clock } from "../../ports/clock.ts";
import { type Config, slaPolicyOf } from "../../config.ts";
import type { RouteContext } from "../app.ts";
import { idParams } from "../wire.ts";

const ACTIVE_MODEL_KEY = "active_model_dir";
const STARTER_DATA = fileURLToPath(new URL("../../../models/starter-data", import.meta.url));

/** Triage whose intent model can be replaced at run time (the admin retrain); everything else stays as loaded. */
export interface SwitchableTriage extends InboundTriage {
  readonly switchable: true;
  model(): HashedIntentModel;
  rules(): RoutingRules;
  modelDir(): string;
  swap(dir: string): Promise<void>;
}

/** Loads the configured model and rules like main's loadTriage, but keeps them replaceable. */
export async function switchableTriage(config: Config, options: { answererAvailable?: boolean } = {}): Promise<SwitchableTriage> {
  const rules = config.ROUTING_RULES_FILE ? await loadRoutingRules(config.ROUTING_RULES_FILE) : DEFAULT_ROUTING_RULES;
  let dir = config.TRIAGE_MODEL_DIR ?? STARTER_MODEL_DIR;
  let model = await loadModel(dir);
  let inner = createInboundTriage(createTriage({ intentModel: model, rules }), options);
  return {
    switchable: true,
    triage: (input) => inner.triage(input),
    model: () => model,
    rules: () => rules,
    modelDir: () => dir,
    async swap(next: string) {
      if (next === dir) return;
      const m = await loadModel(next);
      model = m;
      inner = createInboundTriage(createTriage({ intentModel: m, rules }), options);
      dir = next;
    },
  };
}

const isSwitchable = (t: InboundTriage | null | undefined): t is SwitchableTriage => Boolean(t && (t as Partial<SwitchableTriage>).switchable);

export interface AdminRoutesDeps {
  handle: DatabaseHandle;
  clock: Clock;
  triage?: InboundTriage | null;
  /** How often the weekly-digest schedule is checked (default one minute). */
  digestTickMs?: number;
}

const day = z.string().refine(isCalendarDay, "a day is a calendar date, YYYY-MM-DD");
/** The zone the days are in (the dashboard sends the browser's); default ANALYTICS_TIME_ZONE. */
const tzParam = z
  .string()
  .max(64)
  .refine((tz) => canonicalTimeZone(tz) !== null, "not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)");
const rangeQuery = z.object({ from: day.optional(), to: day.optional(), tz: tzParam.optional() }).strict();
const csvQuery = rangeQuery.extend({ view: z.enum(["days", "intents", "conversations"]).default("days") }).strict();
const escalationsQuery = rangeQuery
  .extend({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.coerce.number().int().min(1).optional(),
    reason: z.string().regex(/^\w{1,40}$/).optional(),
    unreviewed: z.enum(["true", "false"]).optional(),
  })
  .strict();
const patternsQuery = rangeQuery.extend({ by: z.enum(["reason", "intent", "tier"]).default("reason") }).strict();
const eventParams = z.object({ eventId: z.coerce.number().int().min(1) }).strict();
// A week's first day must be a day the calendar arithmetic knows too: six days after the first.
const FIRST_WEEK_END = "1970-01-07";
const digestQuery = z
  .object({
    weekEnd: day
      .refine((d) => d >= FIRST_WEEK_END && d <= LAST_DAY, `weeks end from ${FIRST_WEEK_END} to ${LAST_DAY}`)
      .optional(),
  })
  .strict();
const previewBody = z
  .object({ yaml: z.string().max(256 * 1024).optional(), rules: z.record(z.string(), z.unknown()).optional(), limit: z.number().int().min(1).max(2000).default(200) })
  .strict()
  .refine((b) => (b.yaml === undefined) !== (b.rules === undefined), "give either yaml or rules");
const activateBody = z.object({ candidateId: z.string().uuid() }).strict();
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time is HH:MM (00:00-23:59)");
const timeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone (e.g. Europe/Berlin)");
const userPatchBody = z
  .object({
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    skills: z.array(z.string().min(1).max(40)).max(50).optional(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).max(20).optional(),
    capacity: z.number().int().min(0).max(100).optional(),
    // partialRecord: a week with days off (zod 4's record over an enum demands every key).
    businessHours: z
      .object({ tz: timeZone, days: z.partialRecord(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), z.tuple([clockTime, clockTime])) })
      .nullable()
      .optional(),
  })
  .strict();

type Q<T extends z.ZodType> = z.infer<T>;

export function adminRoutes(deps: AdminRoutesDeps) {
  return async (app: FastifyInstance, ctx: RouteContext): Promise<void> => {
    const { config, store } = ctx;
    const clock = deps.clock;
    const log = { info: (o: object, m?: string) => app.log.info(o, m), warn: (o: object, m?: string) => app.log.warn(o, m), error: (o: object, m?: string) => app.log.error(o, m) };
    const analyticsStore = createSqlAnalyticsStore(deps.handle);
    const analytics = createAnalyticsService({
      analytics: analyticsStore, store, clock, log,
      settings: {
        returnWindowMs: config.ANALYTICS_RETURN_WINDOW_DAYS * DAY_MS,
        staffedHoursPerDay: config.ANALYTICS_STAFFED_HOURS_PER_DAY,
        costs: { agentCostPerHour: config.AGENT_COST_PER_HOUR, llmCostPer1kPromptTokens: config.LLM_COST_PER_1K_PROMPT_TOKENS, llmCostPer1kCompletionTokens: config.LLM_COST_PER_1K_COMPLETION_TOKENS },
        escalationTarget: { low: config.ESCALATION_TARGET_MIN, high: config.ESCALATION_TARGET_MAX },
        timeZone: config.ANALYTICS_TIME_ZONE,
        sla: slaPolicyOf(config),
      },
    });
    const triage = isSwitchable(deps.triage) ? deps.triage : null;
    const workshop: ModelWorkshop | null = triage
      ? {
          baseExamples: async () => (await readTrainingData(config.RETRAIN_BASE_DATA ?? STARTER_DATA)).examples,
          activeModel: () => triage.model(),
          async saveCandidate(model, report) {
            const dir = resolve(join(config.MODELS_DIR, `intent-${new Date(clock.now()).toISOString().replace(/[:.]/g, "-")}`));
            await mkdir(dir, { recursive: true });
            await saveModel(dir, model as HashedIntentModel, report);
            return dir;
          },
          async activate(dir) {
            await triage.swap(dir);
            await analyticsStore.setState(ACTIVE_MODEL_KEY, dir);
          },
        }
      : null;
    const sender = config.WEBHOOK_URL ? createWebhookSender({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET ?? "" }) : null;
    // The sender wants a full event (id for receivers to deduplicate on, timestamp); the review service gives type + data.
    const webhook = sender && { send: (e: { type: string; data: Record<string, unknown> }) => sender.send(newWebhookEvent(e.type as "digest.weekly", e.data, clock.now())) };
    const review = createReviewService({
      analytics: analyticsStore, analyticsService: analytics, store, clock, log,
      webhook,
      rules: () => triage?.rules() ?? DEFAULT_ROUTING_RULES,
      workshop,
    });

    /** Another node may have activated a model: follow the stored choice. */
    async function followActiveModel(): Promise<void> {
      if (!triage) return;
      const dir = await analyticsStore.getState(ACTIVE_MODEL_KEY);
      if (dir && dir !== triage.modelDir()) {
        try {
          await triage.swap(dir);
          log.info({ dir }, "intent model switched to the activated one");
        } catch (err) {
          log.error({ dir, err: (err as Error).message }, "the activated intent model cannot be loaded; keeping the current one");
        }
      }
    }
    await followActiveModel();
    const followTimer = setInterval(() => void followActiveModel().catch(() => {}), 30_000);
    followTimer.unref();
    analytics.start(config.ANALYTICS_REFRESH_SECONDS * 1000);
    const digestTimer =
      webhook && config.DIGEST_WEEKDAY !== "off"
        ? createDigestScheduler({
            clock, log, weekday: config.DIGEST_WEEKDAY, hour: config.DIGEST_HOUR, timeZone: config.ANALYTICS_TIME_ZONE, tickMs: deps.digestTickMs,
            // INSERT .. ON CONFLICT DO NOTHING is the cross-node claim: one row per week, one sender.
            claim: async (key) =>
              Number((await sql`INSERT INTO analytics_state (key, value) VALUES (${key}, ${String(clock.now())}) ON CONFLICT (key) DO NOTHING`.execute(deps.handle.db)).numAffectedRows ?? 0) === 1,
            release: async (key) => void (await sql`DELETE FROM analytics_state WHERE key = ${key}`.execute(deps.handle.db)),
            send: async (weekEnd) => {
              const delivery = await webhook.send({ type: "digest.weekly", data: (await review.digest(weekEnd)) as unknown as Record<string, unknown> });
              return delivery.ok ? { ok: true } : { ok: false, error: delivery.error.message };
            },
          })
        : null;
    digestTimer?.start();
    app.addHook("onClose", async () => {
      clearInterval(followTimer);
      await digestTimer?.stop();
      await analytics.stop();
    });

    registerGauges(ctx, analytics, log);

    const sec = { security: [{ bearer: [] }] };
    const supervisor = async (req: FastifyRequest) => requireRole(await ctx.principal(req), "supervisor");
    const admin = async (req: FastifyRequest) => requireRole(await ctx.principal(req), "admin");
    const rangeOf = (q: { from?: string; to?: string; tz?: string }) => analytics.range(q);

    app.get("/api/v1/admin/analytics/overview", { schema: { tags: ["supervisor"], summary: "Dashboard figures and SLA attainment over a range of local days in tz (default: the last 30 days)", querystring: rangeQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof rangeQuery> }>) => {
        await supervisor(req);
        return analytics.overview(rangeOf(req.query));
      });
    app.get("/api/v1/admin/analytics/days", { schema: { tags: ["supervisor"], summary: "Figures per day, with escalations by reason", querystring: rangeQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof rangeQuery> }>) => {
        await supervisor(req);
        return { days: await analytics.byDay(rangeOf(req.query)) };
      });
    app.get("/api/v1/admin/analytics/intents", { schema: { tags: ["supervisor"], summary: "Figures per intent of the first customer message", querystring: rangeQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof rangeQuery> }>) => {
        await supervisor(req);
        return { intents: await analytics.byIntent(rangeOf(req.query)) };
      });
    app.get("/api/v1/admin/analytics/agents", { schema: { tags: ["supervisor"], summary: "Agent utilisation (load ÷ capacity over staffed hours)", querystring: rangeQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof rangeQuery> }>) => {
        await supervisor(req);
        return { agents: await analytics.agents(rangeOf(req.query)), staffedHoursPerDay: config.ANALYTICS_STAFFED_HOURS_PER_DAY };
      });
    app.get("/api/v1/admin/analytics/export.csv", { schema: { tags: ["supervisor"], summary: "CSV export: per day, per intent or per conversation", querystring: csvQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof csvQuery> }>, reply: FastifyReply) => {
        await supervisor(req);
        const range = rangeOf(req.query);
        const csv = await analytics.csv(req.query.view, range);
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="tandem-${req.query.view}-${range.from}-${range.to}-${range.timeZone.replace(/\//g, "_")}.csv"`)
          .send(csv);
      });

    app.get("/api/v1/admin/escalations", { schema: { tags: ["supervisor"], summary: "Escalations with reasons, cues, outcome and review verdict, newest first", querystring: escalationsQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof escalationsQuery> }>) => {
        await supervisor(req);
        const q = req.query;
        return review.escalations(rangeOf(q), { limit: q.limit, before: q.before, reason: q.reason, unreviewedOnly: q.unreviewed === "true" });
      });
    app.post("/api/v1/admin/escalations/:eventId/review", { schema: { tags: ["supervisor"], summary: "Mark an escalation correct, too_early, too_late or unnecessary (unnecessary/corrected intent adds a training example)", params: eventParams, body: reviewInputSchema, ...sec, raises: ["NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: Q<typeof eventParams>; Body: Q<typeof reviewInputSchema> }>) => {
        const user = await supervisor(req);
        return review.review(req.params.eventId, user, req.body);
      });
    app.get("/api/v1/admin/escalations/patterns", { schema: { tags: ["supervisor"], summary: "Review verdicts per week by reason, intent or tier, and escalation volume per reason", querystring: patternsQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof patternsQuery> }>) => {
        await supervisor(req);
        return review.patterns(rangeOf(req.query), req.query.by);
      });
    app.get("/api/v1/admin/knowledge-gaps", { schema: { tags: ["supervisor"], summary: "Questions the AI could not answer, clustered by similarity, with counts", querystring: rangeQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof rangeQuery> }>) => {
        await supervisor(req);
        return { clusters: await review.gaps(rangeOf(req.query)) };
      });
    app.post("/api/v1/admin/conversations/:id/article-draft", { schema: { tags: ["supervisor"], summary: "Draft a knowledge article (question + agent answer) from a resolved conversation", params: idParams, ...sec, raises: ["CONVERSATION_NOT_FOUND", "INVALID_TRANSITION"] } },
      async (req: FastifyRequest<{ Params: { id: string } }>) => {
        await supervisor(req);
        return { draft: await review.draft(req.params.id) };
      });
    app.get("/api/v1/admin/digest", { schema: { tags: ["supervisor"], summary: "The weekly digest (7 days ending weekEnd, default yesterday)", querystring: digestQuery, ...sec } },
      async (req: FastifyRequest<{ Querystring: Q<typeof digestQuery> }>) => {
        await supervisor(req);
        return { digest: await review.digest(req.query.weekEnd) };
      });
    app.post("/api/v1/admin/digest/send", { schema: { tags: ["admin"], summary: "Send the weekly digest to WEBHOOK_URL now (event digest.weekly)", querystring: digestQuery, ...sec, raises: ["NOT_CONFIGURED"] } },
      async (req: FastifyRequest<{ Querystring: Q<typeof digestQuery> }>) => {
        await admin(req);
        if (!config.WEBHOOK_URL) throw new AppError("NOT_CONFIGURED", "no WEBHOOK_URL is configured: set it to send the digest");
        return review.sendDigest(req.query.weekEnd);
      });

    app.get("/api/v1/admin/routing-rules", { schema: { tags: ["admin"], summary: "The routing rules in force, as JSON and YAML", ...sec } }, async (req) => {
      await admin(req);
      const rules = triage?.rules() ?? DEFAULT_ROUTING_RULES;
      return { rules, yaml: toYaml(rules), source: config.ROUTING_RULES_FILE ?? "built-in defaults" };
    });
    app.post("/api/v1/admin/routing-rules/preview", { schema: { tags: ["admin"], summary: "How recent customer messages would have been routed under edited rules", body: previewBody, ...sec } },
      async (req: FastifyRequest<{ Body: Q<typeof previewBody> }>) => {
        await admin(req);
        let edited: RoutingRules;
        try {
          edited = req.body.yaml !== undefined ? parseRoutingRulesText(req.body.yaml, "edited rules") : parseRoutingRules(req.body.rules, "edited rules");
        } catch (err) {
          if (err instanceof RulesError) throw new AppError("VALIDATION_FAILED", err.message);
          throw err;
        }
        return { preview: await review.previewRules(edited, req.body.limit), yaml: toYaml(edited) };
      });

    app.patch("/api/v1/admin/users/:id", { schema: { tags: ["admin"], summary: "Change an agent's tier, skills, languages, capacity or business hours", params: idParams, body: userPatchBody, ...sec, raises: ["USER_NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: { id: string }; Body: Q<typeof userPatchBody> }>) => {
        await admin(req);
        const user = await store.updateUser(req.params.id, req.body);
        if (!user) throw new AppError("USER_NOT_FOUND", "no such user");
        ctx.auth.invalidateUser(user.id);
        const { id, email, displayName, role, tier, skills, languages, capacity, presence, businessHours } = user;
        return { user: { id, email, displayName, role, tier, skills, languages, capacity, presence, businessHours } };
      });

    app.get("/api/v1/admin/providers", { schema: { tags: ["admin"], summary: "AI mode, intent model, routing rules, and which LLM/embedding settings are configured (never their values)", ...sec } }, async (req) => {
      await admin(req);
      const env = Object.keys(process.env).filter((k) => /^(LLM|EMBEDDING|OPENAI)_/.test(k) && process.env[k]);
      return {
        ai: config.TANDEM_AI,
        intentModel: triage ? { dir: triage.modelDir(), labels: triage.model().labels ?? null } : null,
        routingRules: config.ROUTING_RULES_FILE ?? "built-in defaults",
        llm: { configured: env.some((k) => k.startsWith("LLM_") || k.startsWith("OPENAI_")), settings: env.filter((k) => !k.startsWith("EMBEDDING_")) },
        embeddings: { configured: env.some((k) => k.startsWith("EMBEDDING_")), settings: env.filter((k) => k.startsWith("EMBEDDING_")) },
        webhook: Boolean(config.WEBHOOK_URL),
      };
    });

    app.get("/api/v1/admin/training-examples", { schema: { tags: ["supervisor"], summary: "Labelled examples from reviews and intent corrections", ...sec } }, async (req) => {
      await supervisor(req);
      return { examples: await review.trainingExamples() };
    });
    app.post("/api/v1/admin/model/retrain", { schema: { tags: ["admin"], summary: "Train a candidate intent model on base + operator examples; reports held-out accuracy before and after", ...sec, raises: ["VALIDATION_FAILED", "NOT_CONFIGURED"] } }, async (req) => {
      await admin(req);
      return { candidate: await review.retrain() };
    });
    app.post("/api/v1/admin/model/activate", { schema: { tags: ["admin"], summary: "Activate a retrained candidate (triage uses it at once, on every node within 30 s)", body: activateBody, ...sec, raises: ["NOT_FOUND", "NOT_CONFIGURED"] } },
      async (req: FastifyRequest<{ Body: Q<typeof activateBody> }>) => {
        await admin(req);
        return review.activate(req.body.candidateId);
      });
  };
}

/**
 * The dashboard's headline figures as Prometheus gauges, read from the rollup when scraped. A failure to read them
 * (the database struggling) leaves them out and sets tandem_analytics_up to 0: it must not fail the whole scrape,
 * which would also lose the request, queue and process metrics an operator needs at exactly that moment.
 */
function registerGauges(ctx: RouteContext, analytics: ReturnType<typeof createAnalyticsService>, log: { warn(o: object, m?: string): void }): void {
  const registry = ctx.metrics.registry;
  if (registry.getSingleMetric("tandem_ai_resolution_rate")) return;
  // The registry collects gauge after gauge: the first fills them all and the rest of the scrape reuses it.
  let collecting: Promise<void> | null = null;
  let collectedAt = 0;
  async function collect(): Promise<void> {
    if (!collecting && Date.now() - collectedAt > 1000) {
      collecting = collectAll().finally(() => {
        collecting = null;
        collectedAt = Date.now();
      });
    }
    await collecting;
  }
  const g = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry], collect });
  const rate = g("tandem_ai_resolution_rate", "AI first-contact resolution rate (confirmed or no return within the window)", ["window"]);
  const escalation = g("tandem_escalation_rate", "share of conversations escalated to people", ["window"]);
  const reasons = g("tandem_escalations_by_reason", "escalated conversations by reason", ["window", "reason"]);
  const aht = g("tandem_handling_time_seconds", "average handling time", ["window", "kind"]);
  const csat = g("tandem_csat_score", "average CSAT (1-5) by who resolved", ["window", "resolved_by"]);
  const frt = g("tandem_first_response_seconds", "average first response time", ["window", "kind"]);
  const cost = g("tandem_cost_per_interaction", "agent + LLM cost per conversation", ["window", "basis"]);
  const workload = g("tandem_workload_off_agents_ratio", "agent time saved vs an all-human baseline", ["window"]);
  const conversations = g("tandem_conversations", "conversations with a customer message", ["window"]);
  const slaAttainment = g("tandem_sla_attainment_ratio", "SLA targets met ÷ decided (met + breached), by timer and tier", ["window", "timer", "tier"]);
  const slaBreached = g("tandem_sla_breached_conversations", "escalated conversations that breached a target, by timer (any = either) and tier", ["window", "timer", "tier"]);
  const queueWait = g("tandem_queue_wait_seconds", "nearest-rank percentiles of the queue wait of escalated conversations no longer queued", ["window", "quantile", "tier"]);
  const up = g("tandem_analytics_up", "1 when the analytics gauges were read at this scrape, 0 when reading them failed", []);
  async function collectAll(): Promise<void> {
    for (const m of [rate, escalation, reasons, aht, csat, frt, cost, workload, conversations, slaAttainment, slaBreached, queueWait]) m.reset();
    let windows: Awaited<ReturnType<typeof analytics.gaugeFigures>>;
    try {
      windows = await analytics.gaugeFigures();
    } catch (err) {
      log.warn({ err: (err as Error).message }, "analytics gauges unavailable for this scrape");
      up.set(0);
      return;
    }
    up.set(1);
    for (const { window, figures: f, reasons: rs, sla } of windows) {
      const set = (gauge: Gauge, labels: Record<string, string>, v: number | null) => {
        if (v !== null) gauge.set({ window, ...labels }, v);
      };
      set(rate, {}, f.aiResolutionRate);
      set(escalation, {}, f.escalationRate);
      for (const r of rs) set(reasons, { reason: r.reason }, r.count);
      const s = (ms: number | null) => (ms === null ? null : ms / 1000);
      set(aht, { kind: "ai" }, s(f.ahtAiMs));
      set(aht, { kind: "escalated" }, s(f.ahtEscalatedMs));
      set(aht, { kind: "agent_assisted" }, s(f.ahtAssistedMs));
      set(aht, { kind: "agent_unassisted" }, s(f.ahtUnassistedMs));
      set(csat, { resolved_by: "ai" }, f.csatAi);
      set(csat, { resolved_by: "human" }, f.csatHuman);
      set(frt, { kind: "any" }, s(f.firstResponseMs));
      set(frt, { kind: "human" }, s(f.firstHumanResponseMs));
      set(cost, { basis: "actual" }, f.costPerInteraction);
      set(cost, { basis: "all_human_baseline" }, f.baselineCostPerInteraction);
      set(workload, {}, f.workloadOffAgents);
      set(conversations, {}, f.conversations);
      for (const row of [sla.all, ...sla.tiers]) {
        const tier = row.tier === null ? "all" : String(row.tier);
        set(slaAttainment, { timer: "first_response", tier }, row.responseAttainment);
        set(slaAttainment, { timer: "queue_wait", tier }, row.waitAttainment);
        set(slaBreached, { timer: "first_response", tier }, row.responseBreached);
        set(slaBreached, { timer: "queue_wait", tier }, row.waitBreached);
        set(slaBreached, { timer: "any", tier }, row.breachedConversations);
        set(queueWait, { quantile: "0.5", tier }, s(row.waitP50Ms));
        set(queueWait, { quantile: "0.9", tier }, s(row.waitP90Ms));
      }
    }
  }
}
