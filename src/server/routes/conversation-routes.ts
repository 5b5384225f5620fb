// Customer-facing conversation API (the contract other tools rely on) plus the agent moves on one conversation.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireConversationAccess, requireRole } from "../../app/auth-service.ts";
import { AppError } from "../../domain/errors.ts";
import type { Conversation } from "../../domain/model.ts";
import type { RouteContext } from "../app.ts";
import { tokenRateKey } from "../credentials.ts";
import {
  afterQuery,
  conversationView,
  createConversationBody,
  escalateBody,
  idParams,
  messageView,
  postMessageBody,
  resolveBody,
  transferBody,
} from "../wire.ts";

type Req<B = unknown, Q = unknown> = FastifyRequest<{ Params: { id: string }; Body: B; Querystring: Q }>;

export function registerConversationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { conversations, store, auth, config } = ctx;

  async function view(c: Conversation, audience: "customer" | "agent") {
    const name = c.assigneeId ? (await store.getUser(c.assigneeId))?.displayName : null;
    return conversationView(c, audience, name);
  }

  async function load(id: string): Promise<Conversation> {
    const c = await store.getConversation(id);
    if (!c) throw new AppError("CONVERSATION_NOT_FOUND", "no such conversation");
    return c;
  }

  app.post(
    "/api/v1/conversations",
    {
      schema: {
        tags: ["customer"],
        summary: "Start a conversation; returns a bearer token for it alone",
        body: createConversationBody,
        response: { 201: { description: "Created: the conversation, as its customer sees it, and a bearer token for it alone" } },
      },
      config: { rateLimit: { max: config.RATE_LIMIT_CONVERSATIONS_PER_MINUTE, timeWindow: "1 minute" } },
    },
    async (req: Req<ReturnType<typeof createConversationBody.parse>>, reply) => {
      const body = req.body ?? {};
      const { identityHash, ...customer } = body.customer ?? {};
      const verified = ctx.identity.verify({ externalId: customer.externalId, email: customer.email, identityHash });
      const { conversation } = await conversations.start({ ...body, customer, verified });
      const token = await auth.issueConversationToken(conversation.id);
      return reply.code(201).send({ conversation: await view(conversation, "customer"), token });
    },
  );

  app.get(
    "/api/v1/conversations/:id",
    { schema: { tags: ["customer", "agent"], summary: "Read a conversation (its own token, or any agent)", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND"] } },
    async (req: Req) => {
      const p = await ctx.principal(req);
      requireConversationAccess(p, req.params.id);
      const c = await load(req.params.id);
      return { conversation: await view(c, p.kind === "customer" ? "customer" : "agent") };
    },
  );

  app.post(
    "/api/v1/conversations/:id/messages",
    {
      schema: {
        tags: ["customer", "agent"],
        summary: "Post a message; idempotent per clientMessageId (same id + same text → 200 with the original)",
        params: idParams,
        body: postMessageBody(config.MAX_MESSAGE_BYTES),
        security: [{ bearer: [] }],
        response: {
          200: { description: "A repeat of an earlier clientMessageId with the same text: the original message, nothing new stored" },
          201: { description: "Created: the new message" },
        },
        raises: ["CONVERSATION_NOT_FOUND", "TEXT_TOO_LONG", "IDEMPOTENCY_CONFLICT", "NOT_ASSIGNEE"],
      },
      config: { rateLimit: { max: config.RATE_LIMIT_MESSAGES_PER_MINUTE, timeWindow: "1 minute", keyGenerator: tokenRateKey } },
    },
    async (req: Req<{ clientMessageId: string; text: string; internal?: boolean }>, reply) => {
      const p = await ctx.principal(req);
      requireConversationAccess(p, req.params.id);
      const { clientMessageId, text, internal } = req.body;
      if (Buffer.byteLength(text, "utf8") > config.MAX_MESSAGE_BYTES) {
        throw new AppError("TEXT_TOO_LONG", `text is limited to ${config.MAX_MESSAGE_BYTES} bytes`);
      }
      let result;
      if (p.kind === "customer") {
        if (internal) throw new AppError("FORBIDDEN", "customers cannot post internal notes");
        result = await conversations.postCustomerMessage(req.params.id, { clientMessageId, text });
        if (result.created) ctx.metrics.messages.inc({ author: "customer" });
      } else {
        const user = requireRole(p, "agent");
        result = await conversations.postAgentMessage(req.params.id, user, { clientMessageId, text, internal });
        if (result.created) ctx.metrics.messages.inc({ author: "agent" });
      }
      return reply.code(result.created ? 201 : 200).send({ message: messageView(result.message, p.kind === "customer" ? "customer" : "agent") });
    },
  );

  app.get(
    "/api/v1/conversations/:id/messages",
    { schema: { tags: ["customer", "agent"], summary: "Messages after a seq, in seq order", params: idParams, querystring: afterQuery, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND"] } },
    async (req: Req<unknown, { after: number; limit: number }>) => {
      const p = await ctx.principal(req);
      requireConversationAccess(p, req.params.id);
      await load(req.params.id);
      const audience = p.kind === "customer" ? "customer" : "agent";
      const messages = await store.listMessages(req.params.id, { afterSeq: req.query.after, limit: req.query.limit, includeInternal: audience === "agent" });
      return { messages: messages.map((m) => messageView(m, audience)) };
    },
  );

  app.post(
    "/api/v1/conversations/:id/escalate",
    { schema: { tags: ["customer", "agent"], summary: "Ask for a person (customer) or escalate manually (agent)", params: idParams, body: escalateBody, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND", "CONVERSATION_RESOLVED"] } },
    async (req: Req<{ tier?: 1 | 2 | 3; note?: string } | undefined>) => {
      const p = await ctx.principal(req);
      requireConversationAccess(p, req.params.id);
      const c =
        p.kind === "customer"
          ? await conversations.escalate(req.params.id, { tier: 1, reasons: ["human_requested"], actor: { kind: "customer", customerId: (await load(req.params.id)).customerId } })
          : await conversations.escalate(req.params.id, {
              tier: req.body?.tier ?? 1, reasons: ["judgment_call"], actor: { kind: "agent", user: requireRole(p, "agent") }, note: req.body?.note,
            });
      return { conversation: await view(c, p.kind === "customer" ? "customer" : "agent") };
    },
  );

  app.post(
    "/api/v1/conversations/:id/claim",
    { schema: { tags: ["agent"], summary: "Take the conversation (one owner: a second claim gets 409 ALREADY_ASSIGNED)", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND", "ALREADY_ASSIGNED", "CONVERSATION_RESOLVED", "AGENT_AT_CAPACITY"] } },
    async (req: Req) => {
      const user = requireRole(await ctx.principal(req), "agent");
      return { conversation: await view(await conversations.claim(req.params.id, user), "agent") };
    },
  );

  app.post(
    "/api/v1/conversations/:id/resolve",
    { schema: { tags: ["agent", "customer"], summary: "Resolve (the assigned agent, any agent for a queued conversation, a supervisor, or the customer closing it)", params: idParams, body: resolveBody, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND", "ALREADY_RESOLVED", "NOT_ASSIGNEE"] } },
    async (req: Req<{ resolutionCode?: string } | undefined>) => {
      const p = await ctx.principal(req);
      requireConversationAccess(p, req.params.id);
      if (p.kind === "customer") {
        const c = await load(req.params.id);
        const resolved = await conversations.resolve(req.params.id, { kind: "customer", customerId: c.customerId }, { resolutionCode: "customer_closed" });
        return { conversation: await view(resolved, "customer") };
      }
      const user = requireRole(p, "agent");
      const c = await conversations.resolve(req.params.id, { kind: "agent", user }, { resolutionCode: req.body?.resolutionCode });
      return { conversation: await view(c, "agent") };
    },
  );

  app.post(
    "/api/v1/conversations/:id/transfer",
    { schema: { tags: ["agent"], summary: "Transfer to an agent or back to a tier queue, with an optional internal note (the assigned agent, any agent for a queued conversation, or a supervisor; an agent passes only to a colleague who is not offline and has room)", params: idParams, body: transferBody, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND", "USER_NOT_FOUND", "INVALID_TRANSITION", "NOT_ASSIGNEE", "AGENT_UNAVAILABLE", "AGENT_AT_CAPACITY"] } },
    async (req: Req<{ toAgentId?: string; toTier?: 1 | 2 | 3; note?: string }>) => {
      const user = requireRole(await ctx.principal(req), "agent");
      return { conversation: await view(await conversations.transfer(req.params.id, user, req.body), "agent") };
    },
  );

  app.post(
    "/api/v1/conversations/:id/handback",
    { schema: { tags: ["agent"], summary: "Hand the conversation back to the AI", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND", "INVALID_TRANSITION", "NOT_ASSIGNEE"] } },
    async (req: Req) => {
      const user = requireRole(await ctx.principal(req), "agent");
      return { conversation: await view(await conversations.handback(req.params.id, user), "agent") };
    },
  );

  app.get(
    "/api/v1/conversations/:id/events",
    { schema: { tags: ["agent"], summary: "The append-only event log of the conversation", params: idParams, security: [{ bearer: [] }], raises: ["CONVERSATION_NOT_FOUND"] } },
    async (req: Req) => {
      requireRole(await ctx.principal(req), "agent");
      await load(req.params.id);
      return { events: await store.listEvents(req.params.id) };
    },
  );
}
