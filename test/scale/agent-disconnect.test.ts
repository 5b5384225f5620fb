// An agent whose console drops uncleanly gets their conversations returned to the queue after the grace period;
// with two nodes, a socket still open on the other node keeps them, and killing that node releases them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  eventually,
  login,
  scaleServices,
  seedUsers,
  sleep,
  startConversation,
  startTwoNodeCluster,
  type TandemNode,
  type TwoNodeCluster,
} from "../support/cluster.ts";
import { openStream } from "../support/ws-client.ts";

const services = scaleServices();
const GRACE_MS = 1500;

describe.skipIf(!services)("an agent disconnecting uncleanly, with two nodes", () => {
  let cluster: TwoNodeCluster;
  let db: TwoNodeCluster["db"];
  let a: TandemNode;
  let b: TandemNode;

  beforeAll(async () => {
    if (!services) return;
    cluster = await startTwoNodeCluster(services.pgUrl, { AGENT_DISCONNECT_GRACE_MS: String(GRACE_MS) });
    ({ db, a, b } = cluster);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("keeps an agent connected to the other node, and releases them once that node dies", async () => {
    const password = await seedUsers(db.url, [{ email: "alice@example.test", name: "Alice" }]);
    const alice = await login(a.base, "alice@example.test", password);
    expect(
      (await call(a.base, "PATCH", "/api/v1/me/presence", alice.token, { presence: "online" })).status,
    ).toBe(200);
    const conv = await startConversation(a.base);
    await call(a.base, "POST", `/api/v1/conversations/${conv.id}/messages`, conv.token, {
      clientMessageId: "c1",
      text: "a person please",
    });
    // Alice is online, so auto-assignment may have given it to her already (409 "you already hold it").
    expect([200, 409]).toContain(
      (await call(b.base, "POST", `/api/v1/conversations/${conv.id}/claim`, alice.token)).status,
    );
    const held = await call(b.base, "GET", `/api/v1/conversations/${conv.id}`, alice.token);
    expect((held.body as { conversation: { assigneeId: string } }).conversation.assigneeId).toBe(
      alice.user.id,
    );

    // Two console tabs, one per node. The tab on A drops without a close frame.
    const onA = await openStream(`${a.wsBase}/api/v1/agent/stream?token=${alice.token}`);
    const onB = await openStream(`${b.wsBase}/api/v1/agent/stream?token=${alice.token}`);
    await Promise.all([onA.waitFor((e) => e.type === "hello"), onB.waitFor((e) => e.type === "hello")]);
    onA.ws.terminate();
    await onA.closed;
    await sleep(GRACE_MS * 2.5);
    const still = await call(a.base, "GET", `/api/v1/conversations/${conv.id}`, alice.token);
    expect(still.body.conversation.status).toBe("human");

    // Node B is killed with the other tab on it: nobody holds a socket for Alice any more.
    const killedAt = Date.now();
    await b.crash();
    const releasedAfter = await eventually(
      async () =>
        (await call(a.base, "GET", `/api/v1/conversations/${conv.id}`, alice.token)).body.conversation
          .status === "waiting_human"
          ? Date.now() - killedAt
          : undefined,
      "the conversation back in the queue",
      GRACE_MS * 6,
    );
    // Not before the grace period: B's last heartbeat is at most one tick older than the kill.
    expect(releasedAfter).toBeGreaterThanOrEqual(GRACE_MS - GRACE_MS / 4 - 50);
    const events = (await call(a.base, "GET", `/api/v1/conversations/${conv.id}/events`, alice.token)).body
      .events as { type: string; data: { reason?: string } }[];
    const released = events.filter((e) => e.type === "released");
    expect(released).toHaveLength(1);
    expect(released[0]?.data.reason).toBe("agent_disconnected");
    // Presence changes right after the conversations are back in the queue.
    await eventually(
      async () =>
        (await call(a.base, "GET", "/api/v1/me", alice.token)).body.user.presence === "away"
          ? true
          : undefined,
      "presence away",
    );
    console.log(
      `agent-disconnect: released ${releasedAfter} ms after the node holding the agent's last socket was killed (grace ${GRACE_MS} ms)`,
    );
  });
});
