// Builds the HTTP/WebSocket server without listening, so tests drive it in-process (inject) or over real sockets.

import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { AuthService, Principal } from "../app/auth-service.ts";
import type { ConversationService } from "../app/conversation-service.ts";
import type { UserService } from "../app/user-service.ts";
import type { Config } from "../config.ts";
import { AppError } from "../domain/errors.ts";
import type { Bus } from "../ports/bus.ts";
import type { Store } from "../ports/store.ts";
import { piiRedactingLoggerOptions } from "../adapters/logging/redact.ts";
import { requestToken, SESSION_COOKIE } from "./credentials.ts";
import { type CustomerIdentitySigner, createCustomerIdentitySigner } from "./customer-identity.ts";
import { clientErrorResponse, errorBody, installErrorHandler } from "./errors.ts";
import type { Metrics } from "./metrics.ts";
import { ERROR_SCHEMA, errorBodySchema, transformOpenApiDocument, transformRouteForOpenApi } from "./openapi.ts";
import { registerAgentRoutes } from "./routes/agent-routes.ts";
import { registerConversationRoutes } from "./routes/conversation-routes.ts";
import { registerOpsRoutes } from "./routes/ops-routes.ts";
import { registerWebRoutes } from "./routes/web-routes.ts";
import { registerStreams, type StreamHub } from "./stream.ts";
import { installZodValidation } from "./zod-schema.ts";

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
  /**
   * false turns logging off. An object is merged over the production logger options (level, redaction,
   * serializers), so a test can pass `{ stream }` to capture exactly what production would write.
   */
  logger?: boolean | Record<string, unknown>;
}

export interface RouteContext extends ServerDeps {
  principal(req: FastifyRequest): Promise<Principal>;
  hub: StreamHub;
  /** Verifies (and, for this server's own demo page, signs) the identities host sites vouch for. */
  identity: CustomerIdentitySigner;
}

const CREDENTIAL_PARAMS = new Set(["token", "access_token"]);

/**
 * Strips credentials from URLs before they reach the logs (stream tokens travel in the query string). Keys are
 * compared decoded, as the query parser sees them, so `?%74oken=` is caught too.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((part) => {
      const eq = part.indexOf("=");
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      let key: string;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, " "));
      } catch {
        key = rawKey;
      }
      return CREDENTIAL_PARAMS.has(key.trim().toLowerCase()) ? `${rawKey}=[redacted]` : part;
    });
  return `${url.slice(0, q)}?${params.join("&")}`;
}

export async function createServer(deps: ServerDeps): Promise<{ app: FastifyInstance; hub: StreamHub }> {
  const { config } = deps;
  const productionLogger = {
    level: config.LOG_LEVEL,
    redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
    },
    // REDACT_PII: every line is masked just before it is written, after serializers, so nothing slips past.
    ...(config.REDACT_PII ? piiRedactingLoggerOptions() : {}),
  };
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : typeof deps.logger === "object"
          ? { ...productionLogger, ...deps.logger }
          : productionLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    // Per-request lines only at debug: at info level the log stays quiet and free of traffic details.
    logController: new LogController({
      disableRequestLogging: config.LOG_LEVEL !== "debug" && config.LOG_LEVEL !== "trace",
    }),
    clientErrorHandler: (err, socket) => {
      const response = clientErrorResponse(err as { code?: string });
      // end() writes the answer and then closes; destroy() at once could cut it off.
      if (response !== null && socket.writable) socket.end(response);
      else socket.destroy();
    },
    return503OnClosing: true,
    forceCloseConnections: "idle",
    ajv: { customOptions: { removeAdditional: false } },
    // Errors raised while routing (a malformed percent-escape, a path parameter over maxParamLength) get the same
    // coded body as every other error instead of Fastify's own shape.
    frameworkErrors: (err, req, reply) => {
      const r = reply as FastifyReply;
      if (err.code === "FST_ERR_BAD_URL")
        return void r.code(400).send(errorBody("VALIDATION_FAILED", "the URL is malformed"));
      if (err.code === "FST_ERR_MAX_PARAM_LENGTH")
        return void r.code(400).send(errorBody("VALIDATION_FAILED", "a path parameter is too long"));
      req.log.error({ err: { message: err.message, code: err.code } }, "routing failed");
      return void r.code(500).send(errorBody("INTERNAL", "internal error"));
    },
  });

  installErrorHandler(app);
  installZodValidation(app);

  // JSON only, strict UTF-8: invalid byte sequences are refused rather than silently replaced. Fastify's default
  // text/plain parser goes too, so any other content type is a 415 rather than a string reaching the validators.
  const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
  app.removeAllContentTypeParsers();
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
    let value: unknown;
    let hasNul = false;
    try {
      value = JSON.parse(text, (k, v) => {
        if (k === "__proto__" || k === "constructor") return undefined;
        if (typeof v === "string" && v.includes("\u0000")) hasNul = true;
        return v;
      });
    } catch {
      done(new AppError("INVALID_JSON", "the body is not valid JSON"), undefined);
      return;
    }
    // PostgreSQL cannot store U+0000 in text; refusing it here keeps both dialects alike.
    if (hasNul)
      done(
        new AppError("VALIDATION_FAILED", "strings must not contain the NUL character (\\u0000)"),
        undefined,
      );
    else done(null, value);
  });

  await app.register(cookie);
  const origins = config.CORS_ORIGINS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  await app.register(cors, {
    origin: origins.includes("*") ? true : origins,
    credentials: !origins.includes("*"),
    methods: ["GET", "POST", "PATCH", "DELETE", "PUT"],
    // A malformed preflight (no Origin) gets a bare 204 without CORS headers, which grants nothing, rather than
    // the plugin's text/plain 400 outside the error contract.
    strictPreflight: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new AppError("RATE_LIMITED", "too many requests; slow down"),
  });
  // Registered before @fastify/websocket's own preClose, which closes sockets without a code: clients get 1001
  // ("going away") and know to reconnect with `after`.
  let closing = false;
  app.addHook("preClose", function (done) {
    closing = true;
    const clients = [...(this.websocketServer?.clients ?? [])];
    for (const client of clients) client.close(1001, "server shutting down");
    // Closing waits for every connection to end, and two kinds may not: a WebSocket peer that never answers the close
    // handshake (ws waits 30 s) and a request the client stops sending halfway (Node waits up to 5 minutes). Half the
    // shutdown grace is theirs; then they are cut, so that draining and closing the database get the other half and
    // the process exits cleanly instead of being killed. A message is acknowledged only after it is committed, so
    // a cut response loses nothing.
    const cut = setTimeout(
      () => {
        for (const client of clients) client.terminate();
        this.server.closeAllConnections();
      },
      Math.floor(deps.config.SHUTDOWN_GRACE_MS / 2),
    );
    cut.unref();
    this.server.once("close", () => clearTimeout(cut));
    done();
  });
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // A client breaking the protocol (a frame over maxPayload, invalid UTF-8: ws codes WS_ERR_*) is the client's
    // fault, not the server's: one warning line with the code, no stack trace. Anything else stays an error.
    errorHandler(error, socket, request) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && code.startsWith("WS_ERR_")) {
        request.log.warn(
          { code, message: error.message },
          "stream closed: the client broke the WebSocket protocol",
        );
      } else {
        request.log.error({ err: error }, "stream failed");
      }
      socket.terminate();
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tandem API",
        version: "1",
        description:
          "Hybrid AI-human customer support. Errors are `{ error: { code, message, details? } }` (schema Error); each operation lists its error statuses and the codes each can carry.",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: { [ERROR_SCHEMA]: errorBodySchema },
      },
    },
    transform: transformRouteForOpenApi,
    transformObject: transformOpenApiDocument,
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
    // A request still in flight when shutdown began must not leave a keep-alive connection behind: the server's
    // close waits for every connection, and an idle keep-alive one would hold it until the keep-alive timeout.
    if (closing) reply.header("connection", "close");
    return payload;
  });

  const principal = async (req: FastifyRequest): Promise<Principal> => {
    const cached = (req as FastifyRequest & { principal?: Principal }).principal;
    if (cached) return cached;
    const p = await deps.auth.authenticate(requestToken(req));
    (req as FastifyRequest & { principal?: Principal }).principal = p;
    return p;
  };

  const hub = registerStreams(app, { ...deps, principal } as RouteContext);
  const ctx: RouteContext = {
    ...deps,
    principal,
    hub,
    identity: createCustomerIdentitySigner(deps.config.CUSTOMER_IDENTITY_SECRET),
  };
  registerOpsRoutes(app, ctx);
  registerConversationRoutes(app, ctx);
  registerAgentRoutes(app, ctx, SESSION_COOKIE);
  registerWebRoutes(app, ctx);
  for (const plugin of deps.plugins ?? []) await plugin(app, ctx);

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.addHook("onClose", async () => hub.closeAll());
  return { app, hub };
}
