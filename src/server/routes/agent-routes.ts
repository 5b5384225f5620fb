// Agent-side API: login/session, the inbox and user administration (presence is in desk-routes.ts: it drives assignment).

import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireRole } from "../../app/auth-service.ts";
import { AppError, isAppError } from "../../domain/errors.ts";
import type { ConversationStatus, Tier } from "../../domain/model.ts";
import type { RouteContext } from "../app.ts";
import { httpStatusOf } from "../errors.ts";
import { conversationView, createUserBody, inboxQuery, loginBody, userView } from "../wire.ts";

export function registerAgentRoutes(app: FastifyInstance, ctx: RouteContext, cookieName: string): void {
  const { auth, store, config } = ctx;

  app.post(
    "/api/v1/auth/login",
    {
      schema: { tags: ["agent"], summary: "Log in; returns a bearer token and sets the console's session cookie", body: loginBody, raises: ["INVALID_CREDENTIALS"] },
      config: {
        rateLimit: {
          max: config.RATE_LIMIT_LOGIN_PER_MINUTE,
          timeWindow: "1 minute",
          // After parsing, so the key can include the email: one account guessed at does not lock out colleagues.
          hook: "preHandler",
          keyGenerator: (req: FastifyRequest) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? "").toLowerCase()}`,
        },
      },
    },
    async (req: FastifyRequest<{ Body: { email: string; password: string } }>, reply) => {
      const { token, user, expiresAt } = await auth.login(req.body.email, req.body.password);
      reply.setCookie(cookieName, token, {
        httpOnly: true, sameSite: "strict", secure: config.SECURE_COOKIES, path: "/", expires: new Date(expiresAt),
      });
      return { token, user: userView(user), expiresAt: new Date(expiresAt).toISOString() };
    },
  );

  app.post("/api/v1/auth/logout", { schema: { tags: ["agent"], summary: "Log out: revokes every session of this user and closes their streams", security: [{ bearer: [] }] } }, async (req, reply) => {
    const p = await ctx.principal(req);
    if (p.kind !== "user") throw new AppError("FORBIDDEN", "agents only");
    const header = req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? req.cookies?.[cookieName];
    if (header) await auth.logout(header);
    ctx.hub.closeUser(p.user.id);
    reply.clearCookie(cookieName, { path: "/" });
    return { ok: true };
  });

  // What a web app asks on load: signed in or not is an answer, not an error (a 401 on every load is noise in the
  // browser console that hides real failures).
  app.get(
    "/api/v1/auth/session",
    { schema: { tags: ["agent"], summary: "The signed-in user of this session, or null: never an error for a missing or expired session" } },
    async (req) => {
      try {
        const p = await ctx.principal(req);
        return { user: p.kind === "user" ? userView(p.user) : null };
      } catch (err) {
        if (isAppError(err) && httpStatusOf[err.code] === 401) return { user: null };
        throw err;
      }
    },
  );

  app.get("/api/v1/me", { schema: { tags: ["agent"], summary: "The logged-in user", security: [{ bearer: [] }] } }, async (req) => {
    const user = requireRole(await ctx.principal(req), "agent");
    return { user: userView(user) };
  });

  app.get(
    "/api/v1/conversations",
    { schema: { tags: ["agent"], summary: "Inbox: conversations by status, tier and assignee, newest activity first", querystring: inboxQuery, security: [{ bearer: [] }] } },
    async (req: FastifyRequest<{ Querystring: { status?: string; tier?: number; assignee?: string; limit: number; before?: string } }>) => {
      const user = requireRole(await ctx.principal(req), "agent");
      const q = req.query;
      const list = await store.listConversations({
        status: q.status ? (q.status.split(",") as ConversationStatus[]) : undefined,
        tier: q.tier as Tier | undefined,
        assigneeId: q.assignee === "me" ? user.id : q.assignee,
        limit: q.limit,
        before: q.before ? { updatedAt: Number(q.before.split(":")[0]), id: q.before.slice(q.before.indexOf(":") + 1) } : undefined,
      });
      const names = new Map((await store.listUsers()).map((u) => [u.id, u.displayName]));
      const last = list.at(-1);
      return {
        conversations: list.map((c) => conversationView(c, "agent", c.assigneeId ? names.get(c.assigneeId) : null)),
        nextBefore: list.length === q.limit && last ? `${Date.parse(last.updatedAt)}:${last.id}` : null,
      };
    },
  );

  app.get("/api/v1/users", { schema: { tags: ["admin"], summary: "List agents and users (supervisor+)", security: [{ bearer: [] }] } }, async (req) => {
    requireRole(await ctx.principal(req), "supervisor");
    return { users: (await store.listUsers()).map(userView) };
  });

  app.post(
    "/api/v1/users",
    {
      schema: {
        tags: ["admin"],
        summary: "Create a user (admin)",
        body: createUserBody,
        security: [{ bearer: [] }],
        response: { 201: { description: "Created: the user" } },
        raises: ["EMAIL_TAKEN"],
      },
    },
    async (req: FastifyRequest<{ Body: ReturnType<typeof createUserBody.parse> }>, reply) => {
      requireRole(await ctx.principal(req), "admin");
      const { password, ...rest } = req.body;
      if (await store.getUserAuth(rest.email)) throw new AppError("EMAIL_TAKEN", "a user with this email exists");
      const user = await ctx.users.create({ ...rest, password });
      return reply.code(201).send({ user: userView(user) });
    },
  );
}
