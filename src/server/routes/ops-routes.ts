// Operations endpoints: liveness, readiness (the database answers) and Prometheus metrics.

import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { RouteContext } from "../app.ts";
import { errorBody } from "../errors.ts";

export function registerOpsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get("/healthz", { schema: { tags: ["ops"], summary: "Liveness" } }, async () => ({ ok: true }));
  app.get("/readyz", { schema: { tags: ["ops"], summary: "Readiness: storage reachable" } }, async (_req, reply) => {
    try {
      await ctx.store.ping();
      return { ok: true };
    } catch {
      return reply.code(503).send(errorBody("SERVICE_UNAVAILABLE", "storage unreachable"));
    }
  });
  // Business figures (CSAT, cost per interaction) are in there too: with METRICS_TOKEN set, only a scraper that
  // sends it reads them.
  const metricsToken = ctx.config.METRICS_TOKEN ? Buffer.from(`Bearer ${ctx.config.METRICS_TOKEN}`) : null;
  app.get("/metrics", { schema: { tags: ["ops"], summary: "Prometheus metrics", hide: true } }, async (req, reply) => {
    if (metricsToken) {
      const sent = Buffer.from(req.headers.authorization ?? "");
      if (sent.length !== metricsToken.length || !timingSafeEqual(sent, metricsToken))
        return reply.code(401).send(errorBody("UNAUTHENTICATED", "send Authorization: Bearer <METRICS_TOKEN>"));
    }
    reply.header("content-type", ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
