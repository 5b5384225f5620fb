// The Store on Kysely: one implementation for SQLite and PostgreSQL, since the schema keeps both dialects alike.
// Concurrency: PostgreSQL takes `SELECT ... FOR UPDATE` row locks; Kysely's SQLite driver already runs one
// transaction at a time on its single connection, which is the same guarantee for an embedded database.

import { createHash, randomUUID } from "node:crypto";
import { CompiledQuery, type Kysely, type Selectable, type Transaction } from "kysely";
import type pg from "pg";
import { AppError } from "../../domain/errors.ts";
import type {
  Conversation,
  ConversationEvent,
  Customer,
  Message,
  Tier,
  User,
} from "../../domain/model.ts";
import type {
  ConversationFilter,
  ConversationPatch,
  ConversationUnit,
  NewCustomer,
  NewEvent,
  NewMessage,
  NewUser,
  Store,
  StoredToken,
  Turn,
  UnitPrefetch,
  UserPatch,
} from "../../ports/store.ts";
import { type DatabaseHandle, isUniqueViolation } from "../db/database.ts";
import type { ConversationsTable, CustomersTable, Database, EventsTable, MessagesTable, UsersTable } from "../db/schema.ts";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const json = <T>(text: string | null, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

function toCustomer(r: Selectable<CustomersTable>): Customer {
  return {
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    email: r.email,
    locale: r.locale,
    attributes: json(r.attributes, {}),
    createdAt: iso(r.created_at) as string,
  };
}

function toConversation(r: Selectable<ConversationsTable>): Conversation {
  return {
    id: r.id,
    customerId: r.customer_id,
    channel: r.channel as Conversation["channel"],
    language: r.language,
    status: r.status as Conversation["status"],
    assigneeId: r.assignee_id,
    tier: r.tier as Tier | null,
    priority: r.priority,
    skill: r.skill ?? null,
    reasons: json(r.reasons, []),
    lastSeq: r.last_seq,
    version: r.version,
    aiTurnsUnresolved: r.ai_turns_unresolved,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    queuedAt: iso(r.queued_at),
    assignedAt: iso(r.assigned_at),
    firstHumanResponseAt: iso(r.first_human_response_at),
    resolvedAt: iso(r.resolved_at),
    resolutionCode: r.resolution_code,
  };
}

function toMessage(r: Selectable<MessagesTable>): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    author: r.author as Message["author"],
    authorId: r.author_id,
    authorName: r.author_name,
    clientMessageId: r.client_message_id,
    text: r.text,
    internal: r.internal === 1,
    triage: json(r.triage, null),
    meta: json(r.meta, null),
    createdAt: iso(r.created_at) as string,
  };
}

function toUser(r: Selectable<UsersTable>): User {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role as User["role"],
    tier: r.tier as Tier,
    skills: json(r.skills, []),
    languages: json(r.languages, []),
    capacity: r.capacity,
    presence: r.presence as User["presence"],
    businessHours: json(r.business_hours, null),
    lastAssignedAt: iso(r.last_assigned_at),
    createdAt: iso(r.created_at) as string,
  };
}

function toEvent(r: Selectable<EventsTable>): ConversationEvent {
  return {
    id: Number(r.id),
    conversationId: r.conversation_id,
    type: r.type,
    actorKind: r.actor_kind as ConversationEvent["actorKind"],
    actorId: r.actor_id,
    data: json(r.data, {}),
    createdAt: iso(r.created_at) as string,
  };
}

function patchToRow(patch: ConversationPatch): Partial<ConversationsTable> {
  const row: Partial<ConversationsTable> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.assigneeId !== undefined) row.assignee_id = patch.assigneeId;
  if (patch.tier !== undefined) row.tier = patch.tier;
  if (patch.reasons !== undefined) row.reasons = JSON.stringify(patch.reasons);
  if (patch.language !== undefined) row.language = patch.language;
  if (patch.priority !== undefined) row.priority = patch.priority;
  if (patch.skill !== undefined) row.skill = patch.skill;
  if (patch.aiTurnsUnresolved !== undefined) row.ai_turns_unresolved = patch.aiTurnsUnresolved;
  if (patch.queuedAt !== undefined) row.queued_at = patch.queuedAt;
  if (patch.assignedAt !== undefined) row.assigned_at = patch.assignedAt;
  if (patch.firstHumanResponseAt !== undefined) row.first_human_response_at = patch.firstHumanResponseAt;
  if (patch.resolvedAt !== undefined) row.resolved_at = patch.resolvedAt;
  if (patch.resolutionCode !== undefined) row.resolution_code = patch.resolutionCode;
  return row;
}

interface Prefetched {
  message?: { key: string; found: Message | null };
  turns?: { limit: number; turns: Turn[] };
  customer?: Customer | null;
}

function toTurn(r: { seq: number; author: string; text: string; frustration: number | string | null; awaits: number | string }): Turn {
  return {
    seq: r.seq, author: r.author as Turn["author"], text: r.text,
    frustration: r.frustration === null ? null : Number(r.frustration), awaitsReply: Number(r.awaits) === 1,
  };
}

/** A turn from a message not yet written, derived the way the queries below derive it from stored JSON. */
function bufferedTurn(m: MessagesTable): Turn {
  const frustration = m.triage ? (JSON.parse(m.triage) as { frustration?: number }).frustration : undefined;
  const meta = m.meta ? (JSON.parse(m.meta) as { askedResolved?: unknown; pendingAction?: unknown }) : null;
  const awaits = meta !== null && (meta.askedResolved === true || (typeof meta.pendingAction === "object" && meta.pendingAction !== null));
  return toTurn({ seq: m.seq, author: m.author, text: m.text, frustration: typeof frustration === "number" ? frustration : null, awaits: awaits ? 1 : 0 });
}

// JSON is extracted by the database: parsing 20 full triage blobs per message was a tenth of its CPU.
const PG_TURN_FRUSTRATION = "(triage::json->>'frustration')::float8";
const PG_TURN_AWAITS =
  "case when meta is not null and ((meta::json->>'askedResolved') = 'true' or (meta::json->'pendingAction') is not null and (meta::json->>'pendingAction') <> 'null') then 1 else 0 end";

const OPTIMISTIC_ATTEMPTS = 4;
/** Thrown inside an optimistic unit that needs a lock; the store re-runs the use case under locks. */
const NEEDS_LOCK = Symbol("needs-lock");

const MESSAGE_COLUMNS = [
  "id", "conversation_id", "seq", "author", "author_id", "author_name", "client_message_id", "idempotency_key",
  "text", "internal", "triage", "meta", "created_at",
] as const satisfies readonly (keyof MessagesTable)[];
const EVENT_COLUMNS = ["conversation_id", "type", "actor_kind", "actor_id", "data", "created_at"] as const satisfies readonly (keyof EventsTable)[];
/** PostgreSQL types of the non-text columns written by a buffered unit (parameters in a SELECT need them). */
const COLUMN_TYPES: Record<string, string> = { seq: "integer", internal: "integer", created_at: "bigint" };

/** A statement sent as a named prepared statement: PostgreSQL parses and plans it once per connection. */
interface Prepared {
  name: string;
  text: string;
  values: unknown[];
}

/** Statement names by text: hashing the text on every message showed in the profile. Few shapes exist. */
const preparedNames = new Map<string, string>();

/** Names are derived from the text, so one name never stands for two texts (pg refuses that) and shapes share plans. */
function prepared(text: string, values: unknown[]): Prepared {
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `tandem_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    if (preparedNames.size >= 1000) preparedNames.clear();
    preparedNames.set(text, name);
  }
  return { name, text, values };
}

// The conversation with, in the same statement, what the unit said it will read first: its idempotency match,
// its customer and its recent turns. One consistent snapshot, no lock. Fixed text: prepared once per connection.
const READ_UNIT_SQL = `
  SELECT c.*,
    (SELECT row_to_json(m) FROM messages m WHERE $2::text IS NOT NULL AND m.conversation_id = c.id AND m.idempotency_key = $2) AS pre_message,
    (SELECT row_to_json(cu) FROM customers cu WHERE $3::boolean AND cu.id = c.customer_id) AS pre_customer,
    (SELECT json_agg(t ORDER BY t.seq) FROM (
      SELECT seq, author, text, ${PG_TURN_FRUSTRATION} AS frustration, ${PG_TURN_AWAITS} AS awaits
      FROM messages WHERE conversation_id = c.id AND internal = 0 ORDER BY seq DESC LIMIT $4::integer
    ) t) AS pre_turns
  FROM conversations c WHERE c.id = $1`;

type ReadUnitRow = Selectable<ConversationsTable> & {
  pre_message: MessagesTable | null;
  pre_customer: CustomersTable | null;
  pre_turns: Parameters<typeof toTurn>[0][] | null;
};

async function readPostgres(
  pool: pg.Pool,
  id: string,
  want: UnitPrefetch,
): Promise<{ row: Selectable<ConversationsTable>; prefetched: Prefetched } | null> {
  const key = want.idempotencyKey ?? null;
  const limit = want.recentTurns ?? 0;
  const { rows } = await pool.query<ReadUnitRow>(prepared(READ_UNIT_SQL, [id, key, want.customer === true, limit]));
  const r = rows[0];
  if (!r) return null;
  const { pre_message, pre_customer, pre_turns, ...row } = r;
  const prefetched: Prefetched = {};
  if (key !== null) prefetched.message = { key, found: pre_message ? toMessage(pre_message) : null };
  if (want.customer) prefetched.customer = pre_customer ? toCustomer(pre_customer) : null;
  if (limit > 0) prefetched.turns = { limit, turns: (pre_turns ?? []).map(toTurn) };
  return { row, prefetched };
}

/** Conversation columns a buffered unit may write (anything else is a programming error, never SQL). */
const CONVERSATION_COLUMNS = new Set<string>([
  "status", "assignee_id", "tier", "reasons", "language", "priority", "skill", "ai_turns_unresolved", "queued_at", "assigned_at",
  "first_human_response_at", "resolved_at", "resolution_code", "version", "updated_at", "last_seq",
]);

/**
 * A buffered unit's writes as one statement: the conversation's update, guarded by the version and lastSeq it
 * was read with, and the message and event inserts, which select from the update's result so that they happen
 * only if it matched. Returns n = 1 when applied, 0 when someone else wrote first (nothing applied).
 */
function flushStatement(
  read: Selectable<ConversationsTable>,
  row: Selectable<ConversationsTable>,
  dirty: ReadonlySet<keyof ConversationsTable>,
  messages: readonly MessagesTable[],
  events: readonly Omit<EventsTable, "id">[],
): Prepared {
  const values: unknown[] = [];
  const param = (v: unknown, type?: string) => {
    values.push(v);
    return type ? `$${values.length}::${type}` : `$${values.length}`;
  };
  const set = [...dirty].map((k) => {
    if (!CONVERSATION_COLUMNS.has(k)) throw new Error(`unexpected conversation column ${String(k)}`);
    return `${k} = ${param(row[k])}`;
  });
  let text = `WITH changed AS (UPDATE conversations SET ${set.length ? set.join(", ") : "updated_at = updated_at"}
    WHERE id = ${param(read.id)} AND version = ${param(read.version)} AND last_seq = ${param(read.last_seq)} RETURNING id)`;
  const insert = (table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]) =>
    `, new_${table} AS (INSERT INTO ${table} (${columns.join(", ")}) ${rows
      .map((r) => `SELECT ${columns.map((c) => param(r[c], COLUMN_TYPES[c] ?? "text")).join(", ")} FROM changed`)
      // UNION ALL branches run in order, so events keep their ids in the order they were appended.
      .join(" UNION ALL ")})`;
  if (messages.length) text += insert("messages", MESSAGE_COLUMNS, messages as unknown as Record<string, unknown>[]);
  if (events.length) text += insert("events", EVENT_COLUMNS, events as unknown as Record<string, unknown>[]);
  text += " SELECT count(*)::int AS n FROM changed";
  return prepared(text, values);
}

/**
 * The statements every message runs, as fixed SQL text executed without Kysely's query builder: building and
 * compiling a query object on every call showed in the embedded server's profile, and skipping it cut the CPU of
 * a conversation answered by the AI by a fifth in-process (1.38 → 1.11 ms). Written with `?` placeholders and
 * numbered for PostgreSQL once; results go through the same row mappers as the builder's.
 */
function hotStatements(dialect: DatabaseHandle["dialect"]) {
  const numbered = (sqlText: string) => {
    let n = 0;
    return dialect === "postgres" ? sqlText.replace(/\?/g, () => `$${++n}`) : sqlText;
  };
  const frustration = dialect === "postgres" ? PG_TURN_FRUSTRATION : "json_extract(triage, '$.frustration')";
  const awaits =
    dialect === "postgres"
      ? PG_TURN_AWAITS
      : "case when meta is not null and (json_extract(meta, '$.askedResolved') = 1 or json_type(meta, '$.pendingAction') = 'object') then 1 else 0 end";
  return {
    conversation: numbered("SELECT * FROM conversations WHERE id = ?"),
    conversationForUpdate: numbered("SELECT * FROM conversations WHERE id = ? FOR UPDATE"),
    customer: numbered("SELECT * FROM customers WHERE id = ?"),
    user: numbered("SELECT * FROM users WHERE id = ?"),
    token: numbered("SELECT * FROM tokens WHERE hash = ?"),
    messageByKey: numbered("SELECT * FROM messages WHERE conversation_id = ? AND idempotency_key = ?"),
    recentTurns: numbered(
      `SELECT seq, author, text, ${frustration} AS frustration, ${awaits} AS awaits FROM messages WHERE conversation_id = ? AND internal = 0 ORDER BY seq DESC LIMIT ?`,
    ),
    messagesAfter: numbered("SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?"),
    publicMessagesAfter: numbered("SELECT * FROM messages WHERE conversation_id = ? AND seq > ? AND internal = 0 ORDER BY seq ASC LIMIT ?"),
    insertMessage: numbered(`INSERT INTO messages (${MESSAGE_COLUMNS.join(", ")}) VALUES (${MESSAGE_COLUMNS.map(() => "?").join(", ")})`),
    advanceConversation: numbered("UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?"),
    insertEvent: numbered(`INSERT INTO events (${EVENT_COLUMNS.join(", ")}) VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")})`),
  };
}

async function rows<R>(exec: Kysely<Database> | Transaction<Database>, text: string, params: readonly unknown[]): Promise<R[]> {
  return (await exec.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows;
}

export function createSqlStore(handle: DatabaseHandle, clock: () => number = Date.now): Store {
  const { db, dialect } = handle;
  const forUpdate = dialect === "postgres";
  const hot = hotStatements(dialect);

  /**
   * One unit of work on a conversation. "locked": inside a transaction holding the conversation's row lock, writes
   * go out as they happen (SQLite always; PostgreSQL when a unit needs another lock). "buffered": PostgreSQL's
   * optimistic path, where nothing is locked while the use case runs; writes are collected and applied in one
   * statement that first re-checks the conversation's version and lastSeq (see `withConversation`).
   */
  class Unit implements ConversationUnit {
    conversation: Conversation;
    private row: Selectable<ConversationsTable>;
    private readonly exec: Kysely<Database> | Transaction<Database>;
    private readonly buffered: boolean;
    private prefetched: Prefetched | null;
    /** Buffered mode: what to apply, and the row as it was read (the compare in compare-and-set). */
    private readonly read: Selectable<ConversationsTable>;
    private readonly dirty = new Set<keyof ConversationsTable>();
    private readonly messages: MessagesTable[] = [];
    private readonly events: Omit<EventsTable, "id">[] = [];

    constructor(
      exec: Kysely<Database> | Transaction<Database>,
      row: Selectable<ConversationsTable>,
      prefetched: Prefetched | null,
      buffered: boolean,
    ) {
      this.exec = exec;
      this.row = row;
      this.read = row;
      this.prefetched = prefetched;
      this.buffered = buffered;
      this.conversation = toConversation(row);
    }

    async findMessageByKey(key: string): Promise<Message | null> {
      const own = this.messages.find((m) => m.idempotency_key === key);
      if (own) return toMessage(own);
      const pre = this.prefetched?.message;
      if (pre && pre.key === key) return pre.found;
      const [r] = await rows<MessagesTable>(this.exec, hot.messageByKey, [this.row.id, key]);
      return r ? toMessage(r) : null;
    }

    async recentTurns(limit: number): Promise<Turn[]> {
      const pre = this.prefetched?.turns;
      if (pre && limit <= pre.limit) return pre.turns.slice(-limit);
      const found = await rows<Parameters<typeof toTurn>[0]>(this.exec, hot.recentTurns, [this.row.id, limit]);
      const stored = found.reverse().map(toTurn);
      const own = this.messages.filter((m) => m.internal === 0).map(bufferedTurn);
      return [...stored, ...own].slice(-limit);
    }

    async customer(): Promise<Customer | null> {
      if (this.prefetched?.customer !== undefined) return this.prefetched.customer;
      const [r] = await rows<CustomersTable>(this.exec, hot.customer, [this.row.customer_id]);
      return r ? toCustomer(r) : null;
    }

    async insertMessage(m: NewMessage): Promise<Message> {
      const now = clock();
      const row: MessagesTable = {
        id: randomUUID(),
        conversation_id: this.row.id,
        seq: this.row.last_seq + 1,
        author: m.author,
        author_id: m.authorId ?? null,
        author_name: m.authorName ?? null,
        client_message_id: m.clientMessageId ?? null,
        idempotency_key: m.idempotencyKey ?? null,
        text: m.text,
        internal: m.internal ? 1 : 0,
        triage: m.triage ? JSON.stringify(m.triage) : null,
        meta: m.meta ? JSON.stringify(m.meta) : null,
        created_at: now,
      };
      if (this.buffered) {
        this.messages.push(row);
        this.dirty.add("last_seq").add("updated_at");
      } else {
        await rows(this.exec, hot.insertMessage, MESSAGE_COLUMNS.map((c) => row[c]));
        await rows(this.exec, hot.advanceConversation, [row.seq, now, this.row.id]);
      }
      // What was prefetched described the conversation before this message.
      this.prefetched = null;
      this.row = { ...this.row, last_seq: row.seq, updated_at: now };
      // Only these two columns changed: patch the view instead of re-mapping the whole row (every timestamp and
      // the reasons JSON) on each message, which the foundation benchmark's profile showed on the hot path.
      this.conversation = { ...this.conversation, lastSeq: row.seq, updatedAt: iso(now) as string };
      return toMessage(row);
    }

    async update(patch: ConversationPatch): Promise<Conversation> {
      const now = clock();
      const set = { ...patchToRow(patch), version: this.row.version + 1, updated_at: now };
      if (this.buffered) for (const k of Object.keys(set)) this.dirty.add(k as keyof ConversationsTable);
      else await this.exec.updateTable("conversations").set(set).where("id", "=", this.row.id).execute();
      this.row = { ...this.row, ...set };
      this.conversation = toConversation(this.row);
      return this.conversation;
    }

    async appendEvent(e: NewEvent): Promise<void> {
      const event = {
        conversation_id: this.row.id,
        type: e.type,
        actor_kind: e.actorKind,
        actor_id: e.actorId ?? null,
        // atSeq places the event in the message timeline: it happened after message atSeq and before the next.
        data: JSON.stringify({ ...e.data, atSeq: this.row.last_seq }),
        created_at: clock(),
      };
      if (this.buffered) this.events.push(event);
      else await rows(this.exec, hot.insertEvent, EVENT_COLUMNS.map((c) => event[c]));
    }

    async lockAgentLoad(userId: string): Promise<{ user: User; load: number } | null> {
      // Capacity is checked against other conversations' rows, which the conversation's version does not cover.
      if (this.buffered) throw NEEDS_LOCK;
      let q = this.exec.selectFrom("users").selectAll().where("id", "=", userId);
      if (forUpdate) q = q.forUpdate();
      const user = await q.executeTakeFirst();
      if (!user) return null;
      const { n } = await this.exec
        .selectFrom("conversations")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("assignee_id", "=", userId)
        .where("status", "=", "human")
        .executeTakeFirstOrThrow();
      return { user: toUser(user), load: Number(n) };
    }

    get hasWrites(): boolean {
      return this.messages.length > 0 || this.events.length > 0 || this.dirty.size > 0;
    }

    /**
     * Applies the buffered writes in one statement, if and only if the conversation still has the version and
     * lastSeq it was read with (every write to a conversation advances one of them). False: someone else wrote
     * first and nothing was applied.
     */
    async flush(pool: pg.Pool): Promise<boolean> {
      const { rows } = await pool.query<{ n: number }>(flushStatement(this.read, this.row, this.dirty, this.messages, this.events));
      return rows[0]?.n === 1;
    }
  }

  return {
    dialect,
    async ping() {
      await db.selectFrom("users").select("id").limit(1).execute();
    },
    close: () => handle.close(),

    async createCustomer(input: NewCustomer) {
      const row: CustomersTable = {
        id: randomUUID(),
        external_id: input.externalId ?? null,
        name: input.name ?? null,
        email: input.email ?? null,
        locale: input.locale ?? null,
        attributes: JSON.stringify(input.attributes ?? {}),
        created_at: clock(),
      };
      await db.insertInto("customers").values(row).execute();
      return toCustomer(row);
    },
    async getCustomer(id) {
      const [r] = await rows<CustomersTable>(db, hot.customer, [id]);
      return r ? toCustomer(r) : null;
    },
    async findCustomerByExternalId(externalId) {
      const r = await db.selectFrom("customers").selectAll().where("external_id", "=", externalId).executeTakeFirst();
      return r ? toCustomer(r) : null;
    },
    async updateCustomer(id, patch) {
      const set: Partial<CustomersTable> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.email !== undefined) set.email = patch.email;
      if (patch.locale !== undefined) set.locale = patch.locale;
      if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
      if (Object.keys(set).length > 0) await db.updateTable("customers").set(set).where("id", "=", id).execute();
      return this.getCustomer(id);
    },

    async createConversation({ customerId, channel, language }) {
      const now = clock();
      const row: ConversationsTable = {
        id: randomUUID(),
        customer_id: customerId,
        channel,
        language: language ?? null,
        status: "ai",
        assignee_id: null,
        tier: null,
        priority: 0,
        skill: null,
        reasons: "[]",
        last_seq: 0,
        version: 1,
        ai_turns_unresolved: 0,
        created_at: now,
        updated_at: now,
        queued_at: null,
        assigned_at: null,
        first_human_response_at: null,
        resolved_at: null,
        resolution_code: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("conversations").values(row).execute();
        await trx
          .insertInto("events")
          .values({ conversation_id: row.id, type: "created", actor_kind: "customer", actor_id: customerId, data: JSON.stringify({ channel }), created_at: now })
          .execute();
      });
      return toConversation(row);
    },
    async getConversation(id) {
      const [r] = await rows<ConversationsTable>(db, hot.conversation, [id]);
      return r ? toConversation(r) : null;
    },
    async listConversations(filter: ConversationFilter) {
      let q = db.selectFrom("conversations").selectAll();
      if (filter.status?.length) q = q.where("status", "in", filter.status);
      if (filter.tier !== undefined) q = q.where("tier", "=", filter.tier);
      if (filter.assigneeId !== undefined) q = q.where("assignee_id", "=", filter.assigneeId);
      if (filter.customerId !== undefined) q = q.where("customer_id", "=", filter.customerId);
      const within = filter.queuedWithin;
      if (within) {
        if (within.length === 0) return [];
        q = q.where((eb) => eb.or(within.map((w) => eb.and([eb("queued_at", ">", w.after), eb("queued_at", "<=", w.upTo)]))));
      }
      const before = filter.before;
      if (before) {
        q = q.where((eb) =>
          eb.or([eb("updated_at", "<", before.updatedAt), eb.and([eb("updated_at", "=", before.updatedAt), eb("id", "<", before.id)])]),
        );
      }
      const rows = await q.orderBy("updated_at", "desc").orderBy("id", "desc").limit(filter.limit ?? 100).execute();
      return rows.map(toConversation);
    },
    async countOpenByAssignee() {
      const rows = await db
        .selectFrom("conversations")
        .select(["assignee_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("status", "=", "human")
        .groupBy("assignee_id")
        .execute();
      return new Map(rows.filter((r) => r.assignee_id).map((r) => [r.assignee_id as string, Number(r.n)]));
    },
    async withConversation(id, fn, prefetch) {
      const pool = handle.pgPool;
      if (forUpdate && pool) {
        // Optimistic first: read (one statement, no lock held while the use case runs, triage included), then
        // apply every write in one statement that checks nothing changed meanwhile. A customer message costs two
        // round trips instead of five (BEGIN, lock, reads, writes, COMMIT), and each round trip was ~10% of the
        // server's CPU in the PostgreSQL profile. On a conflict the use case runs again on fresh state; after a
        // few, or when it needs another row's lock, it runs under the conversation's row lock instead.
        for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
          const snapshot = await readPostgres(pool, id, prefetch ?? {});
          if (!snapshot) return { found: false as const };
          const unit = new Unit(db, snapshot.row, snapshot.prefetched, true);
          let value;
          try {
            value = await fn(unit);
          } catch (err) {
            if (err === NEEDS_LOCK) break;
            throw err;
          }
          if (!unit.hasWrites || (await unit.flush(pool))) return { found: true as const, value };
        }
      }
      return db.transaction().execute(async (trx) => {
        // SQLite's one writer is the lock; PostgreSQL takes the row lock.
        const [row] = await rows<ConversationsTable>(trx, forUpdate ? hot.conversationForUpdate : hot.conversation, [id]);
        if (!row) return { found: false as const };
        return { found: true as const, value: await fn(new Unit(trx, row, null, false)) };
      });
    },

    async listMessages(conversationId, { afterSeq = 0, limit = 500, includeInternal = false }) {
      const found = await rows<MessagesTable>(db, includeInternal ? hot.messagesAfter : hot.publicMessagesAfter, [conversationId, afterSeq, limit]);
      return found.map(toMessage);
    },
    async listAwaitingAi({ after, upTo, limit }) {
      const found = await db
        .selectFrom("conversations as c")
        .innerJoin("messages as m", (j) => j.onRef("m.conversation_id", "=", "c.id").onRef("m.seq", "=", "c.last_seq"))
        .selectAll("m")
        .where("c.status", "=", "ai")
        .where("m.author", "=", "customer")
        .where("m.created_at", ">", after)
        .where("m.created_at", "<=", upTo)
        .orderBy("m.created_at", "asc")
        .limit(limit)
        .execute();
      return found.map(toMessage);
    },
    async listEvents(conversationId) {
      const rows = await db.selectFrom("events").selectAll().where("conversation_id", "=", conversationId).orderBy("id", "asc").execute();
      return rows.map(toEvent);
    },

    async listEventsByType(types, { since = 0, limit = 100_000 } = {}) {
      if (types.length === 0) return [];
      const rows = await db
        .selectFrom("events")
        .selectAll()
        .where("type", "in", types)
        .where("created_at", ">=", since)
        .orderBy("id", "asc")
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async createUser(input: NewUser) {
      const row: UsersTable = {
        id: randomUUID(),
        email: input.email.toLowerCase(),
        password_hash: input.passwordHash,
        display_name: input.displayName,
        role: input.role,
        tier: input.tier ?? 1,
        skills: JSON.stringify(input.skills ?? []),
        languages: JSON.stringify(input.languages ?? ["en"]),
        capacity: input.capacity ?? 5,
        presence: input.presence ?? "offline",
        business_hours: input.businessHours ? JSON.stringify(input.businessHours) : null,
        last_assigned_at: null,
        created_at: clock(),
      };
      try {
        await db.insertInto("users").values(row).execute();
      } catch (err) {
        // Two creations of one email at once: the second finds the first's row only at the constraint.
        if (isUniqueViolation(err)) throw new AppError("EMAIL_TAKEN", `a user with email ${row.email} exists`);
        throw err;
      }
      return toUser(row);
    },
    async getUser(id) {
      const [r] = await rows<UsersTable>(db, hot.user, [id]);
      return r ? toUser(r) : null;
    },
    async getUserAuth(email) {
      const r = await db.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
      return r ? { user: toUser(r), passwordHash: r.password_hash } : null;
    },
    async listUsers() {
      const rows = await db.selectFrom("users").selectAll().orderBy("created_at", "asc").execute();
      return rows.map(toUser);
    },
    async updateUser(id, patch: UserPatch) {
      const set: Partial<UsersTable> = {};
      if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
      if (patch.displayName !== undefined) set.display_name = patch.displayName;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.tier !== undefined) set.tier = patch.tier;
      if (patch.skills !== undefined) set.skills = JSON.stringify(patch.skills);
      if (patch.languages !== undefined) set.languages = JSON.stringify(patch.languages);
      if (patch.capacity !== undefined) set.capacity = patch.capacity;
      if (patch.presence !== undefined) set.presence = patch.presence;
      if (patch.businessHours !== undefined) set.business_hours = patch.businessHours ? JSON.stringify(patch.businessHours) : null;
      if (patch.lastAssignedAt !== undefined) set.last_assigned_at = patch.lastAssignedAt;
      if (Object.keys(set).length > 0) await db.updateTable("users").set(set).where("id", "=", id).execute();
      return this.getUser(id);
    },

    async insertToken(t: StoredToken) {
      await db
        .insertInto("tokens")
        .values({ hash: t.hash, kind: t.kind, subject_id: t.subjectId, expires_at: t.expiresAt, revoked_at: t.revokedAt, created_at: clock() })
        .execute();
    },
    async findToken(hash) {
      const [r] = await rows<Selectable<Database["tokens"]>>(db, hot.token, [hash]);
      return r ? { hash: r.hash, kind: r.kind as StoredToken["kind"], subjectId: r.subject_id, expiresAt: r.expires_at, revokedAt: r.revoked_at } : null;
    },
    async revokeTokens(kind, subjectId, at) {
      await db.updateTable("tokens").set({ revoked_at: at }).where("kind", "=", kind).where("subject_id", "=", subjectId).where("revoked_at", "is", null).execute();
    },
  };
}
