// The human desk over HTTP: the agent's presence (which drives assignment), handoff packet, assist panel and its
// ratings, and the CSAT answer (canned responses are in canned-routes.ts).

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { requireConversationAccess, requireRole } from "../../app/auth-service.ts";
import type { HumanDesk } from "../../app/human-desk.ts";
import { returnToQueue, SIGNED_OFF_REASON } from "../../app/presence-service.ts";
import { suggestionRatingInputSchema } from "../../domain/assist/index.ts";
import { AppError } from "../../domain/errors.ts";
import type { RouteContext } from "../app.ts";
import { idParams, presenceBody, userView } from "../wire.ts";

const ratingBody = suggestionRatingInputSchema.extend({ conversationId: z.string().min(1).max(64) }).strict();
const csatBody = z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }).strict();
const sinceQuery = z.object({ since: z.coerce.number().int().min(0).optional() }).strict();

export function deskRoutes(desk: HumanDesk) {
  return (app: FastifyInstance, ctx: RouteContext): void => {
    app.patch(
      "/api/v1/me/presence",
      { schema: { tags: ["agent"], summary: "Set presence: online, away or offline (going offline returns the conversations you hold to the queue)", body: presenceBody, security: [{ bearer: [] }] } },
      async (req: FastifyRequest<{ Body: { presence: "online" | "away" | "offline" } }>) => {
        const user = requireRole(await ctx.principal(req), "agent");
        const updated = await ctx.store.updateUser(user.id, { presence: req.body.presence });
        ctx.auth.invalidateUser(user.id);
        // Signing off while holding conversations would leave those customers with nobody: an offline agent is never
        // released by the disconnect sweep (they left on purpose) and nobody else is offered them. They go back to
        // the queue; "away" (a short break) keeps them. Presence is set first so none is assigned straight back.
        const released = req.body.presence === "offline" ? await returnToQueue(ctx, user.id, SIGNED_OFF_REASON) : [];
        // An agent coming online is capacity freeing up: the queue drains now, not at the next periodic pass, and
        // the wait customers are told is computed with them in it.
        desk.kick();
        return { user: userView(updated ?? user), released };
      },
    );

    app.get(
      "/api/v1/desk/sla-policy",
      { schema: { tags: ["agent"], summary: "The SLA targets per tier (first response and pick-up, in ms) and the share of a target at which agents are warned", security: [{ bearer: [] }] } },
      async (req: FastifyRequest) => {
        requireRole(await ctx.principal(req), "agent");
        return { sla: desk.slaPolicy };
      },
    );

    app.get(
      "/api/v1/conversations/:id/packet",
      { schema: { tags: ["agent"], summary: "The handoff packet: history, why it was escalated, sentiment, summary, what the AI tried, customer context", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: { id: string } }>) => {
        requireRole(await ctx.principal(req), "agent");
        return { packet: await desk.packet(req.params.id) };
      },
    );

    app.get(
      "/api/v1/conversations/:id/assist",
      { schema: { tags: ["agent"], summary: "Agent assist: summary, articles, suggested replies, critical flags, next steps from similar resolved cases", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: { id: string } }>) => {
        const user = requireRole(await ctx.principal(req), "agent");
        return { assist: await desk.assist(req.params.id, user) };
      },
    );

    app.post(
      "/api/v1/assist/ratings",
      {
        schema: {
          tags: ["agent"],
          summary: "Rate an assist suggestion: helpful, not_helpful, used_as_is or edited",
          body: ratingBody,
          security: [{ bearer: [] }],
          response: { 201: { description: "Created: the rating is recorded" } },
          raises: ["CONVERSATION_NOT_FOUND"],
        },
      },
      async (req: FastifyRequest<{ Body: z.infer<typeof ratingBody> }>, reply) => {
        const user = requireRole(await ctx.principal(req), "agent");
        const { conversationId, ...rating } = req.body;
        await desk.rate(user, conversationId, rating);
        return reply.code(201).send({ ok: true });
      },
    );

    app.get(
      "/api/v1/assist/ratings/summary",
      { schema: { tags: ["supervisor"], summary: "Suggestion ratings aggregated per suggestion type", querystring: sinceQuery, security: [{ bearer: [] }] } },
      async (req: FastifyRequest<{ Querystring: { since?: number } }>) => {
        requireRole(await ctx.principal(req), "supervisor");
        return { byType: await desk.ratingSummary(req.query.since) };
      },
    );

    app.post(
      "/api/v1/conversations/:id/csat",
      {
        schema: {
          tags: ["customer"],
          summary: "The customer's satisfaction score (1-5) after resolution, once per resolution",
          params: idParams,
          body: csatBody,
          security: [{ bearer: [] }],
          response: { 201: { description: "Created: the answer is recorded" } },
          raises: ["CONVERSATION_NOT_FOUND", "CSAT_ALREADY_ANSWERED", "INVALID_TRANSITION"],
        },
      },
      async (req: FastifyRequest<{ Params: { id: string }; Body: z.infer<typeof csatBody> }>, reply) => {
        const p = await ctx.principal(req);
        if (p.kind !== "customer") throw new AppError("FORBIDDEN", "CSAT comes from the customer");
        requireConversationAccess(p, req.params.id);
        await desk.csat(req.params.id, req.body);
        return reply.code(201).send({ ok: true });
      },
    );
  };
}
