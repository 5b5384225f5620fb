// Presence: an agent who vanishes (no console socket on any node for the grace period, and not offline on purpose)
// gets their conversations returned to the queue, exactly once, and never while a socket is open elsewhere.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addAgent,
  manualClock,
  newConversation,
  postMessage,
  startTandem,
} from "../../test/support/tandem.ts";
import { openStream } from "../../test/support/ws-client.ts";
import { createMemoryBus } from "../adapters/bus/memory-bus.ts";
import type { DatabaseHandle } from "../adapters/db/database.ts";
import { createPresenceStore } from "../adapters/store/presence-store.ts";
import { loadConfig } from "../config.ts";
import { openStorage } from "../main.ts";
import type { PresenceHeartbeats } from "../ports/presence.ts";
import type { Store } from "../ports/store.ts";
import { type ConversationService, createConversationService } from "./conversation-service.ts";
import { createPresenceService, DISCONNECT_REASON, type PresenceService } from "./presence-service.ts";

const GRACE = 1000;
const quiet = { info() {}, warn() {}, error() {} };

describe("presence across nodes sharing one database", () => {
  let store: Store;
  let handle: DatabaseHandle;
  let conversations: ConversationService;
  let clock: ReturnType<typeof manualClock>;
  let heartbeats: PresenceHeartbeats;
  let failing = false;
  const nodes: PresenceService[] = [];

  const node = () => {
    const p = createPresenceService({ heartbeats, store, conversations, clock, log: quiet, graceMs: GRACE });
    nodes.push(p);
    return p;
  };

  async function agentHolding(n: number, presence: "online" | "offline" = "online") {
    const agent = await store.createUser({
      email: `a${Math.random()}@example.test`,
      passwordHash: "x",
      displayName: "Agent",
      role: "agent",
      presence,
      capacity: 50,
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { conversation } = await conversations.start({});
      await conversations.postCustomerMessage(conversation.id, {
        clientMessageId: "c1",
        text: "I need a person",
      });
      await conversations.claim(conversation.id, agent);
      ids.push(conversation.id);
    }
    return { agent, ids };
  }

  const statusOf = async (id: string) => (await store.getConversation(id))?.status;

  beforeEach(async () => {
    ({ store, handle } = await openStorage(loadConfig({ DATABASE_URL: "sqlite::memory:" })));
    clock = manualClock();
    conversations = createConversationService({ store, bus: createMemoryBus(), clock, log: quiet });
    const real = createPresenceStore(handle);
    failing = false;
    const guard =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      (...a: A) =>
        failing ? Promise.reject(new Error("connect ECONNREFUSED")) : f(...a);
    heartbeats = {
      touch: guard(real.touch),
      stale: guard(real.stale),
      claimRelease: guard(real.claimRelease),
      markReleased: guard(real.markReleased),
    };
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
    await store.close();
  });

  it("returns an agent's conversations to the queue once the grace period after their last socket passes", async () => {
    const a = node();
    const { agent, ids } = await agentHolding(2);
    const leave = a.agentConnected(agent.id);
    clock.advance(5000);
    await a.tick();
    leave();
    await a.close(); // flushes the last-seen write
    clock.advance(GRACE - 1);
    expect((await a.tick()).released).toEqual([]);
    expect(await statusOf(ids[0] as string)).toBe("human");

    clock.advance(2);
    const report = await a.tick();
    expect(report.released).toEqual([{ userId: agent.id, conversationIds: expect.arrayContaining(ids) }]);
    for (const id of ids) {
      expect(await statusOf(id)).toBe("waiting_human");
      const released = (await store.listEvents(id)).filter((e) => e.type === "released");
      expect(released).toHaveLength(1);
      expect(released[0]?.data).toMatchObject({ reason: DISCONNECT_REASON, previousAssignee: agent.id });
    }
    expect((await store.getUser(agent.id))?.presence).toBe("away");
    // Done once: later sweeps leave the agent alone.
    clock.advance(10 * GRACE);
    expect((await a.tick()).released).toEqual([]);
  });

  it("keeps the conversations when the agent reconnects within the grace period", async () => {
    const a = node();
    const { agent, ids } = await agentHolding(1);
    clock.advance(GRACE);
    a.agentConnected(agent.id)();
    clock.advance(GRACE / 2);
    a.agentConnected(agent.id);
    clock.advance(3 * GRACE);
    expect((await a.tick()).released).toEqual([]);
    expect(await statusOf(ids[0] as string)).toBe("human");
  });

  it("leaves an agent who went offline on purpose holding their conversations", async () => {
    const a = node();
    const { agent, ids } = await agentHolding(1, "offline");
    clock.advance(GRACE);
    a.agentConnected(agent.id)();
    await a.close();
    clock.advance(2 * GRACE);
    expect((await a.tick()).released).toEqual([]);
    expect(await statusOf(ids[0] as string)).toBe("human");
  });

  it("does not release an agent whose socket is open on another node, and releases once when that node dies", async () => {
    const a = node();
    const b = node();
    const { agent, ids } = await agentHolding(1);
    clock.advance(GRACE);
    a.agentConnected(agent.id);
    b.agentConnected(agent.id)(); // a tab on B closes; the one on A stays open
    for (let i = 0; i < 5; i++) {
      clock.advance(GRACE / 2);
      await a.tick(); // A's heartbeat keeps the agent alive for everyone
      expect((await b.tick()).released).toEqual([]);
    }
    expect(await statusOf(ids[0] as string)).toBe("human");

    // A is killed: no more heartbeats from it. After the grace, B (or any node) releases, exactly once.
    clock.advance(GRACE + 1);
    const c = node();
    clock.advance(GRACE); // a node trusts staleness only after a grace period of reachable database
    const reports = await Promise.all([b.tick(), c.tick()]);
    expect(reports.flatMap((r) => r.released).map((r) => r.userId)).toEqual([agent.id]);
    expect(await statusOf(ids[0] as string)).toBe("waiting_human");
    expect((await store.listEvents(ids[0] as string)).filter((e) => e.type === "released")).toHaveLength(1);
  });

  it("after a database outage waits a whole grace period before judging anyone gone", async () => {
    const a = node();
    const b = node();
    const { agent, ids } = await agentHolding(1);
    clock.advance(GRACE);
    a.agentConnected(agent.id);
    await a.tick();
    failing = true; // the database goes away: A's heartbeats stop landing
    clock.advance(3 * GRACE);
    expect(await Promise.all([a.tick(), b.tick()])).toEqual([
      { released: [], swept: false },
      { released: [], swept: false },
    ]);
    failing = false;
    // B is back first and sees A's agent stale, but must not act until A has had the chance to heartbeat.
    clock.advance(10);
    expect((await b.tick()).released).toEqual([]);
    await a.tick();
    clock.advance(GRACE);
    await a.tick();
    expect((await b.tick()).released).toEqual([]);
    expect(await statusOf(ids[0] as string)).toBe("human");
  });
});

describe("presence over a real agent socket", () => {
  it("releases the conversations of an agent whose console socket dropped without going offline", async () => {
    const t = await startTandem({ AGENT_DISCONNECT_GRACE_MS: "300" });
    try {
      const base = await t.app.listen({ port: 0, host: "127.0.0.1" });
      const alice = await addAgent(t, "alice@example.test", { name: "Alice" });
      await t.app.inject({
        method: "PATCH",
        url: "/api/v1/me/presence",
        headers: { authorization: `Bearer ${alice.token}` },
        payload: { presence: "online" },
      });
      const conv = await newConversation(t.app);
      await postMessage(t.app, conv.id, conv.token, { clientMessageId: "c1", text: "a person please" });
      const claimed = await t.app.inject({
        method: "POST",
        url: `/api/v1/conversations/${conv.id}/claim`,
        headers: { authorization: `Bearer ${alice.token}` },
      });
      // Alice is online, so auto-assignment may have given it to her already (409 "you already hold it").
      expect([200, 409]).toContain(claimed.statusCode);
      expect((await t.store.getConversation(conv.id))?.assigneeId).toBe(alice.user.id);

      const socket = await openStream(
        `${base.replace(/^http/, "ws")}/api/v1/agent/stream?token=${alice.token}`,
      );
      await socket.waitFor((e) => e.type === "hello");
      expect(t.presence.connectedHere()).toEqual([alice.user.id]);
      socket.ws.terminate(); // no close frame: a dropped network
      await socket.closed;
      const started = Date.now();
      for (;;) {
        const c = await t.store.getConversation(conv.id);
        if (c?.status === "waiting_human") break;
        if (Date.now() - started > 10_000) throw new Error(`not released; status ${c?.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // Not before the grace period (300 ms), measured from the moment the socket dropped.
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect((await t.store.getUser(alice.user.id))?.presence).toBe("away");
      const released = (await t.store.listEvents(conv.id)).find((e) => e.type === "released");
      expect(released?.data).toMatchObject({ reason: "agent_disconnected" });
    } finally {
      await t.close();
    }
  });
});
