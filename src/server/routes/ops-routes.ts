// Operations endpoints: liveness, readiness (the database answers) and Prometheus metrics.

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
  app.get("/metrics", { schema: { tags: ["ops"], summary: "Prometheus metrics", hide: true } }, async (_req, reply) => {
    reply.header("content-type", ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
