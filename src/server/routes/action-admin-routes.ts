// The routine-action registry for admins: what the AI can do, and a test call that runs an action through the same
// executor the AI uses, with a chosen customer's identity, audited like every other call.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { HttpActionExecutor } from "../../adapters/actions/http-executor.ts";
import { requireRole } from "../../app/auth-service.ts";
import type { ActionDialog, CustomerIdentity } from "../../domain/actions/dialog.ts";
import { AppError } from "../../domain/errors.ts";
import type { RouteContext } from "../app.ts";

export interface ActionAdminDeps {
  actions: { dialog: ActionDialog; runner: HttpActionExecutor } | null;
}

const nameParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "action names are snake_case") }).strict();
const testBody = z
  .object({
    params: z.record(z.string().max(64), z.string().max(2000)).default({}),
    customerId: z.string().min(1).max(64),
    /** Required for actions with side effects: the test call really performs them. */
    confirm: z.boolean().optional(),
  })
  .strict();

export function actionAdminRoutes(deps: ActionAdminDeps) {
  return (app: FastifyInstance, ctx: RouteContext): void => {
    const sec = { security: [{ bearer: [] }] };
    const admin = async (req: FastifyRequest) => requireRole(await ctx.principal(req), "admin");

    app.get("/api/v1/admin/actions", { schema: { tags: ["admin"], summary: "The routine-action registry (ACTIONS_FILE): names, parameters, slots, HTTP templates", ...sec } }, async (req) => {
      await admin(req);
      const list = deps.actions?.dialog.actions ?? [];
      return {
        configured: deps.actions !== null,
        actions: list.map((a) => ({
          name: a.name, description: a.description, intents: a.intents, triggers: a.triggers, sideEffect: a.sideEffect,
          params: a.params, slots: a.slots, http: { method: a.http.method, url: a.http.url, timeoutMs: a.http.timeoutMs },
        })),
      };
    });

    app.post("/api/v1/admin/actions/:name/test", { schema: { tags: ["admin"], summary: "Run an action once as a given customer (identity parameters are that customer's own); audited", params: nameParams, body: testBody, ...sec, raises: ["NOT_FOUND", "NOT_CONFIGURED"] } },
      async (req: FastifyRequest<{ Params: z.infer<typeof nameParams>; Body: z.infer<typeof testBody> }>) => {
        const user = await admin(req);
        if (!deps.actions) throw new AppError("NOT_CONFIGURED", "no routine actions are configured: set ACTIONS_FILE and ACTIONS_BASE_URL");
        const { dialog, runner } = deps.actions;
        const action = dialog.find(req.params.name);
        if (!action) throw new AppError("NOT_FOUND", "no such action");
        if (action.sideEffect && req.body.confirm !== true) {
          throw new AppError("VALIDATION_FAILED", `${action.name} changes something for the customer; send confirm: true to really run it`);
        }
        const customer = await ctx.store.getCustomer(req.body.customerId);
        if (!customer) throw new AppError("NOT_FOUND", "no such customer");
        const identity: CustomerIdentity = { customerId: customer.id, email: customer.email, externalId: customer.externalId };
        // Identity parameters come from the customer, as in a conversation; a different value is refused by the executor.
        const params = { ...req.body.params };
        for (const [slot, def] of Object.entries(action.slots)) {
          const own = def.identity ? identity[def.identity] : null;
          if (def.identity && own && params[slot] === undefined) params[slot] = own;
        }
        if (!dialog.valid(action, params)) {
          throw new AppError("VALIDATION_FAILED", `params do not match ${action.name}'s schema`, { schema: action.params });
        }
        app.log.info({ action: action.name, customerId: customer.id, by: user.id }, "admin test call of a routine action");
        const started = Date.now();
        const result = await runner.execute(action, params, identity, { conversationId: null, language: customer.locale ?? null });
        return { action: action.name, customerId: customer.id, params, durationMs: Date.now() - started, result };
      });
  };
}
