// Configuration: parsed once from the environment with zod, frozen, and refused with a readable message when wrong.

import { z } from "zod";
import { canonicalTimeZone } from "./domain/analytics/calendar.ts";
import type { SlaPolicy } from "./domain/sla/index.ts";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** Three minute counts, Tier 1 to Tier 3 ("5,15,30"): one SLA target per tier. */
const tierMinutes = (defaults: string) =>
  z
    .string()
    .default(defaults)
    .transform((text, ctx) => {
      const minutes = text.split(",").map((part) => Number(part.trim()));
      if (minutes.length !== 3 || minutes.some((m) => !Number.isFinite(m) || m <= 0 || m > 7 * 24 * 60)) {
        ctx.addIssue({ code: "custom", message: "must be three minute counts for tiers 1, 2 and 3, each above 0 and at most a week, such as 5,15,30" });
        return z.NEVER;
      }
      return minutes as [number, number, number];
    });

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("sqlite:./data/tandem.db")
    .refine((v) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(v), "must be sqlite:<path> or postgres://..."),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, "must be redis://host:port")
    .optional()
    .describe("Redis for fan-out between several nodes; unset = in-process bus (single node)"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  REDACT_PII: bool.default(false).describe("mask emails, phone numbers and card numbers in logs and exports"),
  PUBLIC_URL: z.string().url().optional(),
  CORS_ORIGINS: z.string().default("*").describe("comma-separated origins allowed to call the customer API (the widget's sites), or *"),
  TANDEM_AI: z.enum(["on", "off"]).default("on"),
  TRIAGE_MODEL_DIR: z.string().min(1).optional().describe("intent model directory from `tandem train`; default: the shipped starter model"),
  ROUTING_RULES_FILE: z.string().min(1).optional().describe("routing rules (JSON or YAML); default: built-in rules"),
  CANNED_RESPONSES_FILE: z.string().min(1).optional().describe("canned-response library (YAML) that seeds an empty database; afterwards admins edit it in /admin; default: config/canned-responses.default.yaml"),
  CUSTOMER_IDENTITY_SECRET: z.string().min(32).optional().describe("HMAC-SHA256 key your site signs its signed-in customers with (customer.identityHash); unset = every visitor is anonymous to actions and customer records"),
  METRICS_TOKEN: z.string().min(16).optional().describe("bearer token a scraper must send to read /metrics; unset = /metrics is open to whoever reaches the port"),
  WEBHOOK_URL: z.string().url().optional().describe("receives signed JSON events: conversation.escalated, conversation.assigned, sla.breached"),
  WEBHOOK_SECRET: z.string().min(16).optional().describe("HMAC-SHA256 key for the X-Tandem-Signature header"),
  LLM_BASE_URL: z.string().url().optional().describe("OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp, OpenAI) for generative answers; unset = embedded extractive answers"),
  LLM_MODEL: z.string().min(1).optional().describe("model name at LLM_BASE_URL"),
  LLM_API_KEY: z.string().optional().describe("API key for LLM_BASE_URL (and embeddings when EMBEDDINGS_API_KEY is unset)"),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().optional().describe("budget for one model call; past it the embedded answer or a person takes over"),
  ASSIST_LLM_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(4000).describe("budget of the agent-assist co-pilot's model call (summary and draft reply) per panel refresh; past it the panel shows without them (0 = co-pilot off)"),
  EMBEDDINGS_BASE_URL: z.string().url().optional().describe("OpenAI-compatible /v1/embeddings endpoint; turns on hybrid (BM25 + vector) retrieval"),
  EMBEDDINGS_MODEL: z.string().min(1).optional().describe("embedding model name"),
  EMBEDDINGS_API_KEY: z.string().optional().describe("API key for the embeddings endpoint"),
  KNOWLEDGE_SYNONYMS_FILE: z.string().min(1).optional().describe("your team's synonym groups per language (YAML or JSON: en: [[item number, sku], [sofa, couch]]), added to the built-in support synonyms for retrieval and answerability"),
  ACTIONS_FILE: z.string().min(1).optional().describe("routine actions registry (YAML); the demo uses demo/actions.yaml"),
  ACTIONS_BASE_URL: z.string().url().optional().describe("base URL substituted for {baseUrl} in action URLs (your shop's API)"),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  CONVERSATION_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  MAX_MESSAGE_BYTES: z.coerce.number().int().min(1).max(1_000_000).default(8192),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(65536),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  SQLITE_SYNCHRONOUS: z.enum(["normal", "full"]).default("normal"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SECURE_COOKIES: bool.default(false),
  TRUST_PROXY: bool.default(false),
  RESPONDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  AGENT_DISCONNECT_GRACE_MS: z.coerce.number().int().min(100).default(60_000).describe("how long an agent may have no console socket on any node before their conversations return to the queue"),
  ANALYTICS_RETURN_WINDOW_DAYS: z.coerce.number().positive().max(90).default(7).describe("an unconfirmed AI resolution counts only if the customer does not come back within this many days"),
  ANALYTICS_REFRESH_SECONDS: z.coerce.number().int().min(0).default(30).describe("how often the analytics rollup catches up with the event log (0 = only when a dashboard asks)"),
  ANALYTICS_TIME_ZONE: z.string().default("UTC").refine((tz) => canonicalTimeZone(tz) !== null, "must be an IANA time zone such as America/New_York").describe("zone of the analytics days when a request names none (the dashboard sends the browser's), and of the Prometheus windows"),
  ANALYTICS_STAFFED_HOURS_PER_DAY: z.coerce.number().positive().max(24).default(8).describe("staffed hours per agent per active day, the denominator of utilisation"),
  AGENT_COST_PER_HOUR: z.coerce.number().min(0).default(30).describe("fully loaded cost of one agent-hour, for cost per interaction"),
  LLM_COST_PER_1K_PROMPT_TOKENS: z.coerce.number().min(0).default(0).describe("LLM price per 1,000 prompt tokens recorded on AI messages"),
  LLM_COST_PER_1K_COMPLETION_TOKENS: z.coerce.number().min(0).default(0).describe("LLM price per 1,000 completion tokens recorded on AI messages"),
  ESCALATION_TARGET_MIN: z.coerce.number().min(0).max(1).default(0.1).describe("lower edge of the escalation-rate target band"),
  ESCALATION_TARGET_MAX: z.coerce.number().min(0).max(1).default(0.2).describe("upper edge of the escalation-rate target band"),
  RETRAIN_BASE_DATA: z.string().min(1).optional().describe("labelled examples a retrain starts from (default: models/starter-data)"),
  MODELS_DIR: z.string().min(1).default("./data/models").describe("where retrained intent models are written"),
  KB_FETCH_ALLOW_PRIVATE: bool.default(false).describe("let admins' URL ingestion reach loopback, private and link-local addresses (off: refused as SSRF)"),
  KB_WORD_VECTORS: z.enum(["auto", "off"]).default("auto").describe("semantic title matching with the bundled English word vectors (auto: on when the package is installed)"),
  KB_WORD_VECTORS_CACHE: z.string().min(1).optional().describe("directory for the word-vector cache (default node_modules/.cache/tandem)"),
  KB_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(500_000_000).default(20_971_520).describe("largest file an admin may upload to the knowledge base"),
  SLA_FIRST_RESPONSE_MINUTES: tierMinutes("5,15,30").describe("SLA target per tier (1,2,3) for a person's first reply after an escalation, in minutes"),
  SLA_WAITING_MINUTES: tierMinutes("3,10,20").describe("SLA target per tier (1,2,3) for an escalated conversation to be picked up, in minutes"),
  SLA_WARN_AT: z.coerce.number().gt(0).lt(1).default(0.8).describe("share of an SLA target after which agents are warned (0.8 = at 80%)"),
  DIGEST_WEEKDAY: z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "off"]).default("mon").describe("day the weekly digest is sent to WEBHOOK_URL (off = never)"),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8).describe("hour (0-23, in ANALYTICS_TIME_ZONE) the weekly digest is sent on DIGEST_WEEKDAY; it covers the 7 local days before"),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Variables that changed meaning: a deployment still setting one is told, rather than silently ignored. */
const RENAMED: Record<string, string> = {
  DIGEST_HOUR_UTC: "was replaced by DIGEST_HOUR, an hour in ANALYTICS_TIME_ZONE (UTC unless set)",
};

/** Parses the environment. Throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const parsed = configSchema.safeParse(known);
  const renamed = Object.entries(RENAMED).filter(([name]) => env[name] !== undefined && env[name] !== "");
  if (!parsed.success || renamed.length > 0) {
    const lines = [
      ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(known[String(i.path[0])])})`)),
      ...renamed.map(([name, why]) => `  ${name}: ${why}`),
    ];
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return Object.freeze(parsed.data);
}

/** One row per variable, for the README table and `tandem config`. */
export function describeConfig(): { name: string; default: unknown; description: string }[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => {
    const def = (schema as z.ZodTypeAny).safeParse(undefined);
    return { name, default: def.success ? def.data : undefined, description: (schema as z.ZodTypeAny).description ?? "" };
  });
}

/** The SLA targets the desk runs, analytics judges by and the console counts down to. */
export function slaPolicyOf(config: Pick<Config, "SLA_FIRST_RESPONSE_MINUTES" | "SLA_WAITING_MINUTES" | "SLA_WARN_AT">): SlaPolicy {
  const targets = (tier: 0 | 1 | 2) => ({
    firstResponseMs: Math.round(config.SLA_FIRST_RESPONSE_MINUTES[tier] * 60_000),
    waitingMs: Math.round(config.SLA_WAITING_MINUTES[tier] * 60_000),
  });
  return { tiers: { 1: targets(0), 2: targets(1), 3: targets(2) }, warnAtFraction: config.SLA_WARN_AT };
}
