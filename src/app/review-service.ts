// Escalation review and feedback to the AI: reviewers' verdicts and their patterns, knowledge gaps, article drafts,
// the weekly digest, a routing-rules preview, labelled examples from reviews, and a retrain that activates only on
// confirmation after showing its effect on the operator's own held-out examples.

import { createHash, randomUUID } from "node:crypto";
import { addDays, localDayOf, localDays } from "../domain/analytics/calendar.ts";
import { emptyTotals, figuresFrom } from "../domain/analytics/figures.ts";
import { clusterQuestions, type GapCluster, type GapQuestion, gapTokens } from "../domain/analytics/gaps.ts";
import { readFollowUpReply } from "../domain/answer/messages.ts";
import {
  type ArticleDraft,
  buildDigest,
  type Digest,
  draftArticle,
  GAP_REASONS,
  type PatternRow,
  type ReviewInput,
  reviewPatterns,
  VERDICTS,
  type Verdict,
} from "../domain/analytics/review.ts";
import { previewRouting, type RoutingPreview } from "../domain/analytics/rules-preview.ts";
import { AppError } from "../domain/errors.ts";
import type { User } from "../domain/model.ts";
import {
  ESCALATION_INTENTS,
  type IntentModel,
  type LabelledExample,
  OUT_OF_SCOPE_INTENT,
  type TrainReport,
  trainIntentModel,
} from "../domain/triage/intent/index.ts";
import type { RoutingRules } from "../domain/triage/routing-rules.ts";
import { negativeSentimentCues } from "../domain/triage/sentiment.ts";
import type { AnalyticsStore, DayRange, EscalationRow } from "../ports/analytics.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import { type AnalyticsService, isCalendarDay, timeZoneOrThrow } from "./analytics-service.ts";
import type { Logger } from "./conversation-service.ts";
import type { WebhookPort } from "./human-desk.ts";

/** What a retrain needs from the outside: the base examples, and model files. */
export interface ModelWorkshop {
  baseExamples(): Promise<LabelledExample[]>;
  activeModel(): IntentModel;
  /** Writes a candidate model and returns its directory. */
  saveCandidate(model: IntentModel, report: TrainReport): Promise<string>;
  /** Makes the model in `dir` the one triage uses (and remembers it across restarts). */
  activate(dir: string): Promise<void>;
}

export interface ReviewServiceDeps {
  analytics: AnalyticsStore;
  analyticsService: AnalyticsService;
  store: Store;
  clock: Clock;
  log: Logger;
  webhook?: WebhookPort | null;
  rules: () => RoutingRules;
  workshop?: ModelWorkshop | null;
}

export interface EscalationView extends EscalationRow {
  /** The customer's words that triggered it, and the cues triage saw in them. */
  message: string | null;
  cues: { kind: string; text: string; weight: number }[];
  sentiment: number | null;
  frustration: number | null;
  /** Triage's intent for that message (`intent` is the conversation's, from its first message). */
  messageIntent: string | null;
}

export interface RetrainCandidate {
  id: string;
  dir: string;
  operatorExamples: number;
  heldOut: number;
  accuracyBefore: number | null;
  accuracyAfter: number | null;
  report: TrainReport;
  createdAt: string;
}

const CANDIDATE_TTL_MS = 3_600_000;

/** The operator's examples are split by a hash of their text: the same example is always on the same side. */
const isHeldOut = (text: string) => (createHash("sha256").update(text).digest()[0] as number) < 256 * 0.25;

/**
 * The question behind an escalation: the customer's message at or before `seq`, except that a reply which only
 * says the last answer did not help ("no, that didn't help") stands for the question that answer was for —
 * otherwise the knowledge gaps fill up with "no" instead of the questions the knowledge base could not answer.
 */
export function questionBehind<M extends { seq: number; text: string }>(
  customerMessages: readonly M[],
  seq: number | null,
): M | undefined {
  if (seq === null) return customerMessages[0];
  const upTo = customerMessages.filter((x) => x.seq <= seq);
  let i = upTo.length - 1;
  while (i > 0) {
    const reply = readFollowUpReply((upTo[i] as M).text);
    if (reply.verdict !== "unresolved" || gapTokens(reply.rest).length >= 3) break;
    i--;
  }
  return upTo[i] ?? customerMessages[0];
}

export function createReviewService(deps: ReviewServiceDeps) {
  const { analytics, analyticsService, store, clock, log } = deps;
  let candidate: (RetrainCandidate & { expiresAt: number }) | null = null;

  async function withMessages(rows: EscalationRow[]): Promise<EscalationView[]> {
    const msgs = await analytics.customerMessages([...new Set(rows.map((r) => r.conversationId))]);
    const byConv = new Map<string, typeof msgs>();
    for (const m of msgs) byConv.set(m.conversationId, [...(byConv.get(m.conversationId) ?? []), m]);
    return rows.map((r) => {
      const list = (byConv.get(r.conversationId) ?? []).filter((m) => m.author === "customer");
      const m =
        (r.messageSeq !== null ? list.find((x) => x.seq === r.messageSeq) : undefined) ??
        list.filter((x) => x.createdAt <= r.escalatedAt).at(-1) ??
        null;
      const t = m?.triage ?? null;
      // What explains an escalation: the frustration cues, then what made the message read negative.
      const negative = negativeSentimentCues((t?.sentimentCues as EscalationView["cues"]) ?? []);
      const cues = [...((t?.frustrationCues as EscalationView["cues"]) ?? []), ...negative];
      return {
        ...r,
        message: m?.text ?? null,
        cues: cues.slice(0, 12),
        sentiment: typeof t?.sentiment === "number" ? t.sentiment : null,
        frustration: typeof t?.frustration === "number" ? t.frustration : null,
        messageIntent: typeof t?.intent === "string" ? t.intent : null,
      };
    });
  }

  async function gaps(range: DayRange, limit = 2000): Promise<GapCluster[]> {
    await analyticsService.refresh();
    const escalations = await analytics.escalationsWithReasons(range, GAP_REASONS, limit);
    const msgs = await analytics.customerMessages(escalations.map((e) => e.conversationId));
    const byConv = new Map<string, typeof msgs>();
    for (const m of msgs)
      if (m.author === "customer") byConv.set(m.conversationId, [...(byConv.get(m.conversationId) ?? []), m]);
    const questions: GapQuestion[] = [];
    for (const e of escalations) {
      const list = byConv.get(e.conversationId) ?? [];
      const seq = e.messageSeq ?? e.atSeq;
      const m = questionBehind(list, seq);
      if (m) questions.push({ conversationId: e.conversationId, text: m.text, at: m.createdAt });
    }
    return clusterQuestions(questions);
  }

  function accuracy(model: IntentModel, examples: readonly LabelledExample[]): number | null {
    if (examples.length === 0) return null;
    return examples.filter((e) => model.predict(e.text).intent === e.label).length / examples.length;
  }

  const service = {
    async escalations(
      range: DayRange,
      q: { limit: number; before?: number; reason?: string; unreviewedOnly?: boolean },
    ): Promise<{ escalations: EscalationView[]; nextBefore: number | null }> {
      await analyticsService.refresh();
      const rows = await analytics.listEscalations({
        range,
        limit: q.limit,
        beforeEventId: q.before,
        reason: q.reason,
        unreviewedOnly: q.unreviewedOnly,
      });
      return {
        escalations: await withMessages(rows),
        nextBefore: rows.length === q.limit ? (rows.at(-1)?.eventId ?? null) : null,
      };
    },

    /** Records a verdict; "unnecessary" or a corrected intent also stores the message as a labelled example. */
    async review(
      eventId: number,
      reviewer: User,
      input: ReviewInput,
    ): Promise<{ escalation: EscalationView; example: { text: string; label: string } | null }> {
      await analyticsService.refresh();
      const row = await analytics.getEscalation(eventId);
      if (!row) throw new AppError("NOT_FOUND", "no such escalation");
      const [view] = await withMessages([row]);
      if (!view) throw new AppError("NOT_FOUND", "no such escalation");
      let example: { text: string; label: string } | null = null;
      if (input.verdict === "unnecessary" || input.correctedIntent) {
        // The example's text is the triggering message, so its label must be that message's intent, not the
        // conversation's (a "how long is shipping?" opening would label a later refund request "delivery_info").
        const predicted = view.messageIntent ?? view.intent;
        const usable =
          predicted !== "unknown" &&
          predicted !== "none" &&
          predicted !== OUT_OF_SCOPE_INTENT &&
          !Object.hasOwn(ESCALATION_INTENTS, predicted);
        const label = input.correctedIntent ?? (usable ? predicted : null);
        if (!label) {
          throw new AppError(
            "VALIDATION_FAILED",
            `the message was classified as "${predicted}"; say which intent it really had (correctedIntent) so the AI can learn from it`,
          );
        }
        if (!view.message)
          throw new AppError("VALIDATION_FAILED", "the escalation has no customer message to learn from");
        const seq =
          row.messageSeq ??
          (await analytics.customerMessages([row.conversationId])).find((m) => m.text === view.message)
            ?.seq ??
          null;
        await analytics.addTrainingExample({
          id: randomUUID(),
          text: view.message,
          label,
          source: input.correctedIntent ? "intent_correction" : "unnecessary_escalation",
          conversationId: row.conversationId,
          messageSeq: seq,
          createdBy: reviewer.id,
          createdAt: clock.now(),
        });
        example = { text: view.message, label };
      }
      await analytics.saveReview({
        eventId,
        conversationId: row.conversationId,
        verdict: input.verdict,
        note: input.note ?? null,
        correctedIntent: input.correctedIntent ?? null,
        reviewerId: reviewer.id,
        escalatedAt: row.escalatedAt,
        intent: row.intent,
        tier: row.tier,
        reasons: row.reasons,
        reviewedAt: clock.now(),
      });
      const [after] = await withMessages([(await analytics.getEscalation(eventId)) as EscalationRow]);
      log.info({ eventId, verdict: input.verdict, reviewer: reviewer.id }, "escalation reviewed");
      return { escalation: after as EscalationView, example };
    },

    /** Verdicts per week by reason, intent or tier, next to the escalation volume by reason per week. */
    async patterns(
      range: DayRange,
      by: "reason" | "intent" | "tier",
    ): Promise<{ verdicts: PatternRow[]; volume: { week: string; reason: string; count: number }[] }> {
      await analyticsService.refresh();
      const [reviews, volume] = await Promise.all([
        analytics.listReviews(range),
        analytics.reasonsBy(range, "week"),
      ]);
      return {
        verdicts: reviewPatterns(reviews, by),
        volume: volume.map((v) => ({ week: v.key, reason: v.reason, count: v.count })),
      };
    },

    gaps,

    async draft(conversationId: string): Promise<ArticleDraft & { conversationId: string }> {
      const c = await store.getConversation(conversationId);
      if (!c) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
      if (c.status !== "resolved")
        throw new AppError("INVALID_TRANSITION", "draft articles from resolved conversations");
      const messages = await store.listMessages(conversationId, { limit: 500 });
      const d = draftArticle(messages);
      if (!d)
        throw new AppError(
          "VALIDATION_FAILED",
          "this conversation has no customer question answered by an agent",
        );
      return { ...d, conversationId };
    },

    /**
     * The digest of the 7 days ending `weekEnd` (default yesterday), compared with the 7 days before: local days of
     * the analytics time zone, the zone the digest is scheduled in (DIGEST_HOUR).
     */
    async digest(weekEnd?: string): Promise<Digest> {
      const zone = timeZoneOrThrow(analyticsService.settings.timeZone ?? "UTC");
      const end = weekEnd ?? addDays(localDayOf(clock.now(), zone), -1);
      if (!isCalendarDay(end)) throw new AppError("VALIDATION_FAILED", "weekEnd must be a day (YYYY-MM-DD)");
      const current = localDays(addDays(end, -6), end, zone);
      const previous = localDays(addDays(end, -13), addDays(end, -7), zone);
      const [now, before, clusters, reviews] = await Promise.all([
        analyticsService.overview(current),
        analyticsService.overview(previous),
        gaps(current, 1000),
        analytics.listReviews(current),
      ]);
      const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
      for (const r of reviews) if (r.verdict in verdicts) verdicts[r.verdict as Verdict]++;
      return buildDigest({
        weekStart: current.from,
        weekEnd: current.to,
        timeZone: zone,
        current: now.figures,
        previous: before.figures ?? figuresFrom(emptyTotals(), analyticsService.settings.costs),
        reasons: now.reasons,
        gaps: clusters,
        verdicts,
        escalationTarget: analyticsService.settings.escalationTarget,
      });
    },

    async sendDigest(weekEnd?: string): Promise<{ sent: boolean; digest: Digest }> {
      const digest = await service.digest(weekEnd);
      if (!deps.webhook) return { sent: false, digest };
      await deps.webhook.send({ type: "digest.weekly", data: digest as unknown as Record<string, unknown> });
      return { sent: true, digest };
    },

    async previewRules(edited: RoutingRules, limit: number): Promise<RoutingPreview> {
      const msgs = await analytics.recentTriagedMessages(limit);
      return previewRouting(
        msgs
          .filter((m) => m.triage)
          .map((m) => ({
            conversationId: m.conversationId,
            seq: m.seq,
            text: m.text,
            at: m.createdAt,
            triage: m.triage as Record<string, unknown>,
            customerAttributes: m.customerAttributes,
          })),
        deps.rules(),
        edited,
      );
    },

    trainingExamples: (limit = 10_000) => analytics.listTrainingExamples(limit),

    /** Trains on the base examples plus the operator's; nothing changes until `activate` is called with its id. */
    async retrain(): Promise<RetrainCandidate> {
      const workshop = deps.workshop;
      if (!workshop) throw new AppError("NOT_CONFIGURED", "retraining is not configured on this server");
      const operator = (await analytics.listTrainingExamples(100_000)).map((e) => ({
        text: e.text,
        label: e.label,
      }));
      if (operator.length === 0)
        throw new AppError(
          "VALIDATION_FAILED",
          "there are no operator examples yet: review escalations first",
        );
      const heldOut = operator.filter((e) => isHeldOut(e.text));
      const train = [...(await workshop.baseExamples()), ...operator.filter((e) => !isHeldOut(e.text))];
      const { model, report } = trainIntentModel(train, { seed: 1 });
      const dir = await workshop.saveCandidate(model, report);
      const c: RetrainCandidate = {
        id: randomUUID(),
        dir,
        operatorExamples: operator.length,
        heldOut: heldOut.length,
        accuracyBefore: accuracy(workshop.activeModel(), heldOut),
        accuracyAfter: accuracy(model, heldOut),
        report,
        createdAt: new Date(clock.now()).toISOString(),
      };
      candidate = { ...c, expiresAt: clock.now() + CANDIDATE_TTL_MS };
      return c;
    },

    async activate(candidateId: string): Promise<{ activated: string }> {
      const workshop = deps.workshop;
      if (!workshop) throw new AppError("NOT_CONFIGURED", "retraining is not configured on this server");
      if (!candidate || candidate.id !== candidateId || candidate.expiresAt < clock.now()) {
        throw new AppError(
          "NOT_FOUND",
          "no such retrained model (it expires after an hour, or another retrain replaced it)",
        );
      }
      await workshop.activate(candidate.dir);
      const dir = candidate.dir;
      candidate = null;
      log.info({ dir }, "retrained intent model activated");
      return { activated: dir };
    },
  };
  return service;
}

export type ReviewService = ReturnType<typeof createReviewService>;
