// Builds the HTTP/WebSocket server without listening, so tests drive it in-process (inject) or over real sockets.

import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from "fastify";
import type { AuthService, Principal } from "../app/auth-service.ts";
import type { ConversationService } from "../app/conversation-service.ts";
import type { UserService } from "../app/user-service.ts";
import type { Config } from "../config.ts";
import { AppError } from "../domain/errors.ts";
import type { Bus } from "../ports/bus.ts";
import type { Store } from "../ports/store.ts";
import { installErrorHandler } from "./errors.ts";
import type { Metrics } from "./metrics.ts";
import { registerAgentRoutes } from "./routes/agent-routes.ts";
import { registerConversationRoutes } from "./routes/conversation-routes.ts";
import { registerOpsRoutes } from "./routes/ops-routes.ts";
import { registerStreams, type StreamHub } from "./stream.ts";
import { installZodValidation, toOpenApiSchema } from "./zod-schema.ts";

export interface ServerDeps {
  config: Config;
  store: Store;
  bus: Bus;
  auth: AuthService;
  conversations: ConversationService;
  users: UserService;
  metrics: Metrics;
  /** Extra route modules contributed by features (assist, knowledge, admin...). */
  plugins?: ((app: FastifyInstance, ctx: RouteContext) => Promise<void> | void)[];
  logger?: boolean | object;
}

export interface RouteContext extends ServerDeps {
  principal(req: FastifyRequest): Promise<Principal>;
  hub: StreamHub;
}

const SESSION_COOKIE = "tandem_session";

/** Strips credentials from URLs before they reach the logs (stream tokens travel in the query string). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](token|access_token)=)[^&]*/gi, "$1[redacted]");
}

export async function createServer(deps: ServerDeps): Promise<{ app: FastifyInstance; hub: StreamHub }> {
  const { config } = deps;
  const app = Fastify({
    logger:
      deps.logger ?? {
        level: config.LOG_LEVEL,
        redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
        serializers: {
          req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        },
      },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    // Per-request lines only at debug: at info level the log stays quiet and free of traffic details.
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== "debug" && config.LOG_LEVEL !== "trace" }),
    return503OnClosing: true,
    forceCloseConnections: "idle",
    ajv: { customOptions: { removeAdditional: false } },
  });

  installErrorHandler(app);
  installZodValidation(app);

  // JSON only, strict UTF-8: invalid byte sequences are refused rather than silently replaced.
  const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = fatalUtf8.decode(body);
    } catch {
      done(new AppError("INVALID_UTF8", "the body is not valid UTF-8"), undefined);
      return;
    }
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, (k, v) => (k === "__proto__" || k === "constructor" ? undefined : v)));
    } catch {
      done(new AppError("INVALID_JSON", "the body is not valid JSON"), undefined);
    }
  });

  await app.register(cookie);
  const origins = config.CORS_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean);
  await app.register(cors, {
    origin: origins.includes("*") ? true : origins,
    credentials: !origins.includes("*"),
    methods: ["GET", "POST", "PATCH", "DELETE", "PUT"],
  });
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => new AppError("RATE_LIMITED", "too many requests; slow down") });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Tandem API", version: "1", description: "Hybrid AI-human customer support. Errors are `{ error: { code, message } }`." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: ({ schema, url }) => ({ schema: toOpenApiSchema(schema) as typeof schema, url }),
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });

  app.addHook("onResponse", async (req, reply) => {
    deps.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? "unknown", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    return payload;
  });

  const principal = async (req: FastifyRequest): Promise<Principal> => {
    const cached = (req as FastifyRequest & { principal?: Principal }).principal;
    if (cached) return cached;
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError("UNAUTHENTICATED", "use Authorization: Bearer <token>");
      token = m[1];
    } else {
      token = req.cookies?.[SESSION_COOKIE];
    }
    const p = await deps.auth.authenticate(token);
    (req as FastifyRequest & { principal?: Principal }).principal = p;
    return p;
  };

  const hub = registerStreams(app, { ...deps, principal } as RouteContext);
  const ctx: RouteContext = { ...deps, principal, hub };
  registerOpsRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerAgentRoutes(app, ctx, SESSION_COOKIE);
  for (const plugin of deps.plugins ?? []) await plugin(app, ctx);

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.addHook("onClose", async () => hub.closeAll());
  return { app, hub };
}
