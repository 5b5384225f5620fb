// Agent presence across nodes: tracks the agent console sockets this node holds, heartbeats them into the database,
// and when an agent has had no socket on any node for AGENT_DISCONNECT_GRACE_MS (and did not go offline on
// purpose) returns their conversations to the queue and marks them away, so customers are not left with nobody.
//
// Why a database heartbeat and not a local timer: the agent may have closed a tab on node A while another tab is
// connected to node B, or node A may have been killed; only a record every node refreshes tells those apart.

import { AppError } from "../domain/errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { PresenceHeartbeats } from "../ports/presence.ts";
import type { Store } from "../ports/store.ts";
import type { ConversationService, Logger } from "./conversation-service.ts";

export const DISCONNECT_REASON = "agent_disconnected";

export interface PresenceServiceDeps {
  heartbeats: PresenceHeartbeats;
  store: Pick<Store, "getUser" | "updateUser" | "listConversations" | "getConversation">;
  conversations: Pick<ConversationService, "release">;
  clock: Clock;
  log: Logger;
  /** How long an agent may have no socket anywhere before their conversations go back to the queue. */
  graceMs: number;
  /** Heartbeat and sweep period; default a quarter of the grace, between 50 ms and 5 s. */
  tickMs?: number;
  /** Called after this service changed a user's presence (auth caches hold users). */
  onPresenceChanged?: (userId: string) => void;
}

export interface SweepReport {
  /** Agents whose release this node performed in this tick, with the conversations it returned to the queue. */
  released: { userId: string; conversationIds: string[] }[];
  /** False when the database was unreachable, or has not been reachable for a whole grace period yet. */
  swept: boolean;
}

export interface PresenceService {
  /** An agent console socket opened on this node. Call the returned function when it closes (safe to call twice). */
  agentConnected(userId: string): () => void;
  /** Agents with at least one socket on this node. */
  connectedHere(): string[];
  /** One heartbeat and sweep; the timer calls it, tests may call it directly. */
  tick(): Promise<SweepReport>;
  /** Starts the periodic tick. */
  start(): void;
  /** Stops the timer and waits for pending heartbeat writes and a running sweep. */
  close(): Promise<void>;
}

const MAX_STALE_PER_TICK = 100;

/** Why conversations went back to the queue when their agent signed off (set presence "offline") holding them. */
export const SIGNED_OFF_REASON = "agent_signed_off";

/**
 * Returns every conversation an agent holds to the queue, so the next agent picks them up; the ids released.
 * Used when the agent went away without a socket, and when they sign off (go offline) while still holding work:
 * an offline agent never answers, and nobody else would be offered those customers.
 */
export async function returnToQueue(
  deps: { store: Pick<Store, "listConversations">; conversations: Pick<ConversationService, "release"> },
  userId: string,
  reason: string,
): Promise<string[]> {
  const released: string[] = [];
  const looked = new Set<string>();
  // Re-list until none are left: releasing changes updated_at, which is the listing's order.
  for (let round = 0; round < 50; round++) {
    const held = await deps.store.listConversations({ status: ["human"], assigneeId: userId, limit: 200 });
    const todo = held.filter((c) => !looked.has(c.id));
    if (todo.length === 0) break;
    for (const c of todo) {
      looked.add(c.id);
      try {
        // The assignee is checked under the conversation lock: a transfer since the listing keeps its new owner.
        await deps.conversations.release(c.id, reason, { expectedAssigneeId: userId });
        released.push(c.id);
      } catch (err) {
        // Resolved or passed on in the meantime: nothing to give back.
        if (
          !(err instanceof AppError) ||
          !["INVALID_TRANSITION", "CONVERSATION_NOT_FOUND", "NOT_ASSIGNEE"].includes(err.code)
        )
          throw err;
      }
    }
  }
  return released;
}

export function createPresenceService(deps: PresenceServiceDeps): PresenceService {
  const { heartbeats, store, conversations, clock, log, graceMs } = deps;
  const tickMs = deps.tickMs ?? Math.min(5000, Math.max(50, Math.round(graceMs / 4)));
  const local = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<SweepReport> | null = null;
  // Staleness is only trusted once the database has been reachable from here for a whole grace period: after
  // a start or an outage, every node's heartbeats must have had the chance to land before anyone is judged gone.
  let healthySince: number | null = clock.now();

  function write(userId: string): void {
    const p = heartbeats.touch([userId], clock.now()).catch((err: Error) => {
      // The next tick refreshes every local agent anyway; a missed write only delays nothing.
      log.warn({ userId, err: err.message }, "presence heartbeat failed");
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  /** Returns the conversations returned to the queue, or null when the agent had signed off on purpose (or is gone). */
  async function releaseAgent(userId: string): Promise<string[] | null> {
    const user = await store.getUser(userId);
    let released: string[] | null = null;
    if (user && user.presence !== "offline") {
      // Away first, so the assignment engine does not hand the released conversations straight back to them.
      if (user.presence === "online") {
        await store.updateUser(userId, { presence: "away" });
        deps.onPresenceChanged?.(userId);
      }
      released = await returnToQueue({ store, conversations }, userId, DISCONNECT_REASON);
      log.info(
        { userId, conversations: released.length },
        "agent disconnected past the grace period; conversations returned to the queue",
      );
    }
    await heartbeats.markReleased(userId, clock.now());
    return released;
  }

  async function sweep(): Promise<SweepReport> {
    const now = clock.now();
    let stale: string[];
    try {
      await heartbeats.touch([...local.keys()], now);
      stale = await heartbeats.stale(now - graceMs, MAX_STALE_PER_TICK);
      healthySince ??= now;
    } catch (err) {
      if (healthySince !== null)
        log.warn(
          { err: (err as Error).message },
          "presence heartbeat failed; releases paused until the database is back",
        );
      healthySince = null;
      return { released: [], swept: false };
    }
    if (now - healthySince < graceMs) return { released: [], swept: false };
    const report: SweepReport = { released: [], swept: true };
    for (const userId of stale) {
      if (local.has(userId)) continue;
      try {
        if (!(await heartbeats.claimRelease(userId, now - graceMs, clock.now()))) continue;
        const conversationIds = await releaseAgent(userId);
        if (conversationIds) report.released.push({ userId, conversationIds });
      } catch (err) {
        // The claim stays "releasing"; a sweep retries it after another grace period.
        log.warn(
          { userId, err: (err as Error).message },
          "releasing a disconnected agent failed; will retry",
        );
      }
    }
    return report;
  }

  function tick(): Promise<SweepReport> {
    if (running) return running;
    running = sweep().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    agentConnected(userId) {
      const before = local.get(userId) ?? 0;
      local.set(userId, before + 1);
      if (before === 0) write(userId);
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        const left = (local.get(userId) ?? 1) - 1;
        if (left > 0) {
          local.set(userId, left);
          return;
        }
        local.delete(userId);
        // Seen until now: the grace period counts from the disconnect, not from the last periodic heartbeat.
        write(userId);
      };
    },
    connectedHere: () => [...local.keys()],
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), tickMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      await Promise.allSettled([...pending]);
    },
  };
}
