// Two Tandem nodes (separate processes) on one PostgreSQL and one Redis: realtime traffic crosses nodes, and
// ownership stays correct when agents on different nodes race for the same conversation.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  scaleServices,
  seedUsers,
  startConversation,
  startTwoNodeCluster,
  storedMessages,
  type TandemNode,
  type TwoNodeCluster,
  login,
} from "../support/cluster.ts";
import { openStream, seqsOf, type StreamClient } from "../support/ws-client.ts";

const services = scaleServices();

describe.skipIf(!services)("two nodes on one PostgreSQL and Redis", () => {
  let cluster: TwoNodeCluster;
  let db: TwoNodeCluster["db"];
  let a: TandemNode;
  let b: TandemNode;
  let alice: { token: string; user: { id: string } };
  let bob: { token: string; user: { id: string } };
  const sockets: StreamClient[] = [];

  beforeAll(async () => {
    if (!services) return;
    cluster = await startTwoNodeCluster(services.pgUrl);
    ({ db, a, b } = cluster);
    const password = await seedUsers(db.url, [
      { email: "alice@example.test", name: "Alice" },
      { email: "bob@example.test", name: "Bob" },
    ]);
    [alice, bob] = await Promise.all([
      login(b.base, "alice@example.test", password),
      login(a.base, "bob@example.test", password),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster?.stop();
  });

  it("shows a customer on node A and an agent on node B each other's messages", async () => {
    const conv = await startConversation(a.base);
    const customer = await openStream(`${a.wsBase}/api/v1/stream?token=${conv.token}&after=0`);
    const agent = await openStream(`${b.wsBase}/api/v1/agent/stream?token=${alice.token}`);
    sockets.push(customer, agent);
    await agent.waitFor((e) => e.type === "hello", "hello");

    const posted = await call(a.base, "POST", `/api/v1/conversations/${conv.id}/messages`, conv.token, {
      clientMessageId: "m1",
      text: "my parcel is lost",
    });
    expect(posted.status).toBe(201);
    const seen = await agent.waitFor(
      (e) => e.type === "message" && e.message.conversationId === conv.id && e.message.author === "customer",
      "customer message on B",
    );
    expect(seen.message.text).toBe("my parcel is lost");

    const claimed = await call(b.base, "POST", `/api/v1/conversations/${conv.id}/claim`, alice.token);
    expect(claimed.status).toBe(200);
    const reply = await call(b.base, "POST", `/api/v1/conversations/${conv.id}/messages`, alice.token, {
      clientMessageId: "r1",
      text: "Let me look into it.",
    });
    expect(reply.status).toBe(201);

    const got = await customer.waitFor(
      (e) => e.type === "message" && e.message.author === "agent",
      "agent reply on A",
    );
    expect(got.message.text).toBe("Let me look into it.");
    await customer.waitFor(
      (e) => e.type === "status" && e.conversation.status === "human",
      "status human on A",
    );
    // One ordered stream with no gaps: customer message, queued notice, joined notice, agent reply.
    expect(seqsOf(customer.events)).toEqual([1, 2, 3, 4]);
  });

  it("lets exactly one of two agents on different nodes win a concurrent claim", async () => {
    const convs = await Promise.all(Array.from({ length: 12 }, () => startConversation(a.base)));
    await Promise.all(
      convs.map((c) =>
        call(b.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
          clientMessageId: "q",
          text: "a person please",
        }),
      ),
    );

    for (const c of convs) {
      const [viaA, viaB] = await Promise.all([
        call(a.base, "POST", `/api/v1/conversations/${c.id}/claim`, bob.token),
        call(b.base, "POST", `/api/v1/conversations/${c.id}/claim`, alice.token),
      ]);
      const statuses = [viaA.status, viaB.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = viaA.status === 409 ? viaA : viaB;
      expect(loser.body.error.code).toBe("ALREADY_ASSIGNED");
      const winner = viaA.status === 200 ? bob : alice;

      const now = await call(a.base, "GET", `/api/v1/conversations/${c.id}`, c.token);
      expect(now.body.conversation.status).toBe("human");
      const events = await call(b.base, "GET", `/api/v1/conversations/${c.id}/events`, alice.token);
      const claims = events.body.events.filter((e: { type: string }) => e.type === "claimed");
      expect(claims).toHaveLength(1);
      expect(claims[0].actorId).toBe(winner.user.id);
      const joined = (await storedMessages(a.base, c.id, bob.token)).filter(
        (m) => m.meta?.kind === "agent_joined",
      );
      expect(joined).toHaveLength(1);
    }
  });

  it("stores a message once when a client retries its clientMessageId on both nodes at once", async () => {
    const convs = await Promise.all(Array.from({ length: 10 }, () => startConversation(a.base)));
    for (const c of convs) {
      const body = { clientMessageId: "retry-1", text: "did this arrive?" };
      const [first, second] = await Promise.all([
        call(a.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, body),
        call(b.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, body),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 201]);
      expect(first.body.message.id).toBe(second.body.message.id);
      const stored = (await storedMessages(a.base, c.id, bob.token)).filter((m) => m.author === "customer");
      expect(stored.map((m) => m.clientMessageId)).toEqual(["retry-1"]);
    }
  });

  it("stores a message once when the client gave up waiting and retried on the other node", async () => {
    const c = await startConversation(a.base);
    const body = { clientMessageId: "timeout-1", text: "hello?" };
    // The client times out almost at once; the server may or may not have stored the message by then.
    const gaveUp = await call(a.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, body, 1);
    expect(gaveUp.status).toBe(0);
    const retried = await call(b.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, body);
    expect([200, 201]).toContain(retried.status);
    const again = await call(a.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, body);
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(retried.body.message.id);
    const stored = (await storedMessages(b.base, c.id, alice.token)).filter((m) => m.author === "customer");
    expect(stored).toHaveLength(1);
    // Different text under the same id is a conflict, not a second message.
    const conflict = await call(b.base, "POST", `/api/v1/conversations/${c.id}/messages`, c.token, {
      ...body,
      text: "something else",
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("IDEMPOTENCY_CONFLICT");
  });
});
