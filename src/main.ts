// The composition root: the only place that picks concrete adapters (database, bus, crypto, responder) and wires
// them into the use cases and the server.

import type { FastifyInstance } from "fastify";
import { createAuthService } from "./app/auth-service.ts";
import { createConversationService, type InboundTriage, type Logger } from "./app/conversation-service.ts";
import { createUserService, type UserService } from "./app/user-service.ts";
import { createPresenceService, type PresenceService } from "./app/presence-service.ts";
import { createMemoryBus } from "./adapters/bus/memory-bus.ts";
import { createRedisBus } from "./adapters/bus/redis-bus.ts";
import { migrateToLatest, openDatabase } from "./adapters/db/database.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./adapters/security/password.ts";
import { hashToken, newToken } from "./adapters/security/tokens.ts";
import { createSqlStore } from "./adapters/store/sql-store.ts";
import { createPresenceStore } from "./adapters/store/presence-store.ts";
import { createSlaNoticeStore } from "./adapters/store/sla-notice-store.ts";
import { guardedFetch } from "./adapters/knowledge/ingest/guarded-fetch.ts";
import type { DatabaseHandle } from "./adapters/db/database.ts";
import { loadModel, STARTER_MODEL_DIR } from "./adapters/model/model-files.ts";
import { loadRoutingRules } from "./adapters/rules/rules-file.ts";
import { createInboundTriage } from "./app/message-triage.ts";
import { createHumanDesk, type HumanDesk, type WebhookPort } from "./app/human-desk.ts";
import { type CannedLibrary, createCannedLibrary } from "./app/canned-library.ts";
import { createCannedStore } from "./adapters/store/canned-store.ts";
import { cannedRoutes } from "./server/routes/canned-routes.ts";
import { createWebhookSender, newWebhookEvent, type WebhookEventType } from "./adapters/webhook/index.ts";
import { randomUUID } from "node:crypto";
import { HttpActionExecutor, SqlActionAudit } from "./adapters/actions/http-executor.ts";
import { type MockShop, startMockShop } from "./adapters/actions/mock-shop.ts";
import { loadActionRegistry } from "./adapters/actions/registry-file.ts";
import { DEMO_ACTIONS_FILE, seedDemoKnowledge } from "./adapters/knowledge/demo-seed.ts";
import { KnowledgeBase } from "./adapters/knowledge/knowledge-base.ts";
import { embedderFromEnv } from "./adapters/knowledge/openai-embedder.ts";
import { SqlKnowledgeStore } from "./adapters/knowledge/sql-knowledge-store.ts";
import { wordVectorsFromEnv } from "./adapters/knowledge/word-vectors-file.ts";
import { wordSimilarityOf } from "./domain/knowledge/word-vectors.ts";
import { llmFromEnv } from "./adapters/llm/openai-compatible.ts";
import { createAiResponder } from "./app/ai-responder.ts";
import { ActionDialog } from "./domain/actions/dialog.ts";
import { Answerer } from "./domain/answer/answerer.ts";
import { type Config, slaPolicyOf } from "./config.ts";
import { type CannedResponse, parseCannedLibrary } from "./domain/assist/index.ts";
import { deskRoutes } from "./server/routes/desk-routes.ts";
import { adminRoutes, switchableTriage } from "./server/routes/admin-routes.ts";
import { actionAdminRoutes } from "./server/routes/action-admin-routes.ts";
import { knowledgeRoutes } from "./server/routes/knowledge-routes.ts";
import { loadSynonymsFile } from "./adapters/knowledge/synonyms-file.ts";
import { useCustomSynonyms } from "./domain/knowledge/analyzer.ts";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createTriage } from "./domain/triage/triage.ts";
import { type Bus, type StreamEvent, topics } from "./ports/bus.ts";
import { type Clock, systemClock } from "./ports/clock.ts";
import type { Responder } from "./ports/responder.ts";
import type { Store } from "./ports/store.ts";
import { createServer, type ServerDeps } from "./server/app.ts";
import { createMetrics } from "./server/metrics.ts";

/**
 * The knowledge base, the LLM (when configured) and routine actions, assembled into the Answerer. Changes made on
 * this node fan out over the bus so every node's in-memory index stays current.
 */
async function openKnowledge(config: Config, handle: DatabaseHandle, bus: Bus, demo: boolean) {
  const env = config as unknown as Record<string, string | undefined>;
  // Before the app logger exists; printed only when the cache is built (first start) or cannot be written.
  const wordVectors = await wordVectorsFromEnv(env, (m) => process.stderr.write(`tandem: ${m}\n`));
  // Before any chunk is indexed: the team's words must shape the index and the questions alike.
  if (config.KNOWLEDGE_SYNONYMS_FILE) useCustomSynonyms(await loadSynonymsFile(config.KNOWLEDGE_SYNONYMS_FILE));
  const kb = new KnowledgeBase({
    store: SqlKnowledgeStore.over(handle.db),
    embedder: embedderFromEnv(env),
    wordVectors,
  });
  await kb.load();
  if (demo) await seedDemoKnowledge(kb, { onlyIfEmpty: true });
  const origin = randomUUID();
  const offLocal = kb.onChange((change) => void bus.publish(topics.knowledge, { type: "kb_change", origin, change }));
  const offRemote = bus.subscribe(topics.knowledge, (e) => {
    if (e.type === "kb_change" && e.origin !== origin) void kb.applyChange(e.change).catch(() => {});
    if (e.type === "resync") void kb.load().catch(() => {});
  });
  let shop: MockShop | null = null;
  let actions: { dialog: ActionDialog; runner: HttpActionExecutor } | null = null;
  const actionsFile = config.ACTIONS_FILE ?? (demo ? DEMO_ACTIONS_FILE : undefined);
  if (actionsFile) {
    let baseUrl = config.ACTIONS_BASE_URL;
    if (!baseUrl && demo) {
      shop = await startMockShop({ port: 0, host: "127.0.0.1" });
      baseUrl = shop.url;
    }
    if (!baseUrl) throw Object.assign(new Error("ACTIONS_FILE needs ACTIONS_BASE_URL"), { code: "CONFIG_INVALID" });
    actions = { dialog: new ActionDialog(loadActionRegistry(actionsFile)), runner: new HttpActionExecutor({ baseUrl, audit: SqlActionAudit.over(handle.db) }) };
  }
  const llm = llmFromEnv(env);
  const answerer = new Answerer({
    retriever: kb.retriever,
    llm,
    // The budget of the whole call, retries and streaming included: the client's own timeout is per attempt.
    ...(config.LLM_TIMEOUT_MS ? { llmTimeoutMs: config.LLM_TIMEOUT_MS } : {}),
    actions,
    wordSimilarity: wordVectors ? wordSimilarityOf(wordVectors) : null,
  });
  return {
    kb,
    llm,
    answerer,
    actions,
    async close() {
      offLocal();
      offRemote();
      await shop?.close();
    },
  };
}

/** Signed outgoing webhooks: the desk names the event, the adapter adds the envelope (id, createdAt) and signs it. */
function webhookPort(config: Config, clock: Clock): WebhookPort | null {
  if (!config.WEBHOOK_URL) return null;
  const sender = createWebhookSender({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET ?? "" });
  return { send: (e) => sender.send(newWebhookEvent(e.type as WebhookEventType, e.data, clock.now())) };
}

/** Reads the canned-response library file (YAML) that seeds an empty database; a broken file stops start-up. */
export async function loadCannedResponses(path: string | undefined): Promise<CannedResponse[]> {
  const file = path ?? fileURLToPath(new URL("../config/canned-responses.default.yaml", import.meta.url));
  const parsed = parseCannedLibrary(await readFile(file, "utf8"));
  if (!parsed.ok) throw Object.assign(new Error(`${file}: ${parsed.error.message}`), { code: parsed.error.code });
  return parsed.responses;
}

/** Unanswered customer messages older than this are left to the next message rather than answered late. */
const UNANSWERED_HORIZON_MS = 60 * 60_000;

export interface TandemOverrides {
  /** Seed the demo knowledge base and serve the demo actions from a built-in mock shop. */
  demo?: boolean;
  /** How often SLA timers are checked (tests use a short tick). */
  deskTickMs?: number;
  /** How often the weekly-digest schedule is checked (tests use a short tick with a manual clock). */
  digestTickMs?: number;
  /** How often to look for customer messages whose AI reply was lost with a node (tests use a short tick). */
  unansweredSweepMs?: number;
  clock?: Clock;
  bus?: Bus;
  responder?: Responder | null;
  triage?: InboundTriage | null;
  logger?: ServerDeps["logger"];
}

export interface Tandem {
  app: FastifyInstance;
  store: Store;
  users: UserService;
  conversations: ReturnType<typeof createConversationService>;
  presence: PresenceService;
  config: Config;
  desk: HumanDesk;
  knowledge: KnowledgeBase;
  canned: CannedLibrary;
  /** Listen to everything agents see (tests, in-process integrations). */
  subscribeAgents(handler: (e: StreamEvent) => void): () => void;
  /** Graceful stop: refuse new work, finish in-flight requests and AI work, close sockets and the database. */
  close(): Promise<void>;
}

export const cryptoAdapter = { newToken, hashToken, hashPassword, verifyPassword, dummyHash: DUMMY_HASH };

export async function openStore(config: Config): Promise<Store> {
  return (await openStorage(config)).store;
}

/** The migrated database handle and the Store on it (adapters beyond the Store, like presence, share the handle). */
/** Opens and migrates the database; the store stamps rows with `now` (the composition's clock, so tests agree). */
export async function openStorage(config: Config, now: () => number = Date.now): Promise<{ store: Store; handle: DatabaseHandle }> {
  const handle = openDatabase(config.DATABASE_URL, { sqliteSynchronous: config.SQLITE_SYNCHRONOUS, poolSize: config.DB_POOL_SIZE });
  await migrateToLatest(handle);
  return { store: createSqlStore(handle, now), handle };
}

/** Loads the intent model and routing rules; a missing or corrupt model or bad rules refuse the start. */
export async function loadTriage(config: Config, options: { answererAvailable?: boolean } = {}): Promise<InboundTriage> {
  const [intentModel, rules] = await Promise.all([
    loadModel(config.TRIAGE_MODEL_DIR ?? STARTER_MODEL_DIR),
    config.ROUTING_RULES_FILE ? loadRoutingRules(config.ROUTING_RULES_FILE) : Promise.resolve(undefined),
  ]);
  return createInboundTriage(createTriage({ intentModel, rules }), options);
}

export async function buildTandem(config: Config, overrides: TandemOverrides = {}): Promise<Tandem> {
  const clock = overrides.clock ?? systemClock;
  // With the knowledge-base responder on, its answerability check (not the intent model's uncertainty) decides
  // whether an unfamiliar question needs a person.
  const answererAvailable = config.TANDEM_AI === "on" && overrides.responder === undefined;
  const triage = overrides.triage === undefined ? await switchableTriage(config, { answererAvailable }) : overrides.triage;
  const { store, handle } = await openStorage(config, () => clock.now());
  const bus = overrides.bus ?? (config.REDIS_URL ? await createRedisBus({ url: config.REDIS_URL }) : createMemoryBus());
  const metrics = createMetrics();
  const auth = createAuthService({
    store, clock, crypto: cryptoAdapter,
    sessionTtlMs: config.SESSION_TTL_HOURS * 3600_000,
    conversationTokenTtlMs: config.CONVERSATION_TOKEN_TTL_DAYS * 86400_000,
  });
  const users = createUserService({ store, crypto: cryptoAdapter });

  // The app logger is Fastify's pino instance; the service gets it once the server exists.
  let log: Logger = { info() {}, warn() {}, error() {} };
  const knowledge = await openKnowledge(config, handle, bus, overrides.demo ?? false);
  const responder =
    config.TANDEM_AI === "off"
      ? null
      : overrides.responder !== undefined
        ? overrides.responder
        : createAiResponder({
            answerer: knowledge.answerer,
            onStream: (event) => void bus.publish(topics.conversation(event.conversationId), event),
            resolveByAi: async (id, text) => void (await conversations.resolveByAi(id, text)),
          });
  const conversations = createConversationService({
    store, bus, clock,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    responder,
    triage,
    responderTimeoutMs: config.RESPONDER_TIMEOUT_MS,
    queueMessage: (c, customer) => desk.queueMessage(c, customer),
    onEscalated: (c) => {
      for (const r of c.reasons) metrics.escalations.inc({ reason: r });
      desk.escalated(c);
    },
    onReprioritised: (c, change) => desk.reprioritised(c, change),
    onQueued: () => desk.kick(),
    onAiDropped: () => metrics.aiDropped.inc(),
  });
  const canned = createCannedLibrary({
    store: createCannedStore(handle), bus, clock,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    seed: () => loadCannedResponses(config.CANNED_RESPONSES_FILE),
  });
  await canned.start();
  const desk = createHumanDesk({
    store, bus, clock, conversations, cannedResponses: canned.current,
    searchKnowledge: async (query, k) => {
      const r = await knowledge.kb.retrieve(query, { k });
      return r.passages.map((p) => ({ documentId: p.chunk.documentId, title: p.chunk.title, score: p.score, text: p.chunk.text }));
    },
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    webhook: webhookPort(config, clock),
    llm: knowledge.llm,
    assistLlmTimeoutMs: config.ASSIST_LLM_TIMEOUT_MS,
    tickMs: overrides.deskTickMs,
    sla: slaPolicyOf(config),
    slaNotices: createSlaNoticeStore(handle),
    actionAudit: SqlActionAudit.over(handle.db),
  });
  const { app, hub } = await createServer({
    config, store, bus, auth, conversations, users, metrics, logger: overrides.logger,
    plugins: [
      deskRoutes(desk),
      cannedRoutes(canned),
      adminRoutes({ handle, clock, triage, digestTickMs: overrides.digestTickMs }),
      knowledgeRoutes({
        kb: knowledge.kb, answerer: knowledge.answerer, clock, maxUploadBytes: config.KB_UPLOAD_MAX_BYTES,
        // URLs from the admin API must not turn the server into a proxy into the private network.
        ...(config.KB_FETCH_ALLOW_PRIVATE ? {} : { fetch: guardedFetch() }),
      }),
      actionAdminRoutes({ actions: knowledge.actions }),
    ],
  });
  log = app.log;
  const presence = createPresenceService({
    heartbeats: createPresenceStore(handle), store, conversations, clock, graceMs: config.AGENT_DISCONNECT_GRACE_MS,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    onPresenceChanged: (userId) => auth.invalidateUser(userId),
  });
  hub.trackAgentSockets(presence);
  presence.start();
  await desk.start();
  // Customer messages whose AI reply was lost with a node (crash, deploy) are answered by whichever node sweeps
  // first; waiting past the responder's own timeout means a live responder is never raced.
  const sweepUnanswered = () =>
    void conversations
      .answerUnanswered({ graceMs: config.RESPONDER_TIMEOUT_MS + 10_000, horizonMs: UNANSWERED_HORIZON_MS })
      .catch((err) => log.warn({ err: (err as Error).message }, "unanswered-message sweep failed"));
  const unansweredTimer = responder ? setInterval(sweepUnanswered, overrides.unansweredSweepMs ?? 10_000) : null;
  unansweredTimer?.unref();
  if (responder) sweepUnanswered();

  let closed = false;
  return {
    app, store, users, conversations, presence, desk, config, knowledge: knowledge.kb, canned,
    subscribeAgents: (handler) => bus.subscribe(topics.agents, handler),
    async close() {
      if (closed) return;
      closed = true;
      if (unansweredTimer) clearInterval(unansweredTimer);
      await desk.stop();
      canned.stop();
      await app.close();
      // After the sockets closed (their last-seen writes are pending) and before the database goes.
      await presence.close();
      await conversations.drain();
      await bus.close();
      await knowledge.close();
      await store.close();
    },
  };
}
