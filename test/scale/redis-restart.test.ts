// Redis killed and restarted in the middle of a message load between two nodes: posting keeps working (messages
// are durable in PostgreSQL), and once Redis is back the streams catch up from their last seq with nothing lost.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  type FailureTally,
  ledgerDefects,
  login,
  postUntilAcked,
  resumingStream,
  scaleServices,
  seedUsers,
  sleep,
  startConversation,
  startTwoNodeCluster,
  storedMessages,
  streamDefects,
  type TandemNode,
  type TwoNodeCluster,
} from "../support/cluster.ts";
import { openStream } from "../support/ws-client.ts";

const services = scaleServices();
const CONVERSATIONS = 12;
const MESSAGES_EACH = 30;

describe.skipIf(!services)("Redis restarted during a message load", () => {
  let cluster: TwoNodeCluster;
  let redis: TwoNodeCluster["redis"];
  let db: TwoNodeCluster["db"];
  let a: TandemNode;
  let b: TandemNode;

  beforeAll(async () => {
    if (!services) return;
    cluster = await startTwoNodeCluster(services.pgUrl);
    ({ redis, db, a, b } = cluster);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("resumes cross-node delivery and the streams catch up from their last seq", async () => {
    const password = await seedUsers(db.url, [{ email: "watcher@example.test", name: "Watcher" }]);
    const watcher = await login(b.base, "watcher@example.test", password);
    const agentStream = await openStream(`${b.wsBase}/api/v1/agent/stream?token=${watcher.token}`);
    await agentStream.waitFor((e) => e.type === "hello");

    // Customers write to A and read from B, so every delivery crosses Redis.
    const convs = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) => startConversation(a.base, `Customer ${i}`)),
    );
    const streams = convs.map((c) => resumingStream(() => b.wsBase, c));
    await eventually(
      () => (streams.every((s) => s.connections > 0) ? true : undefined),
      "every stream connected",
    );
    const acked = convs.map(() => new Map<string, number>());
    const failures: FailureTally = {};
    const unexpected: string[] = [];
    let ackCount = 0;
    let redisDown = false;
    let ackedWhileDown = 0;

    const load = convs.map(async (conv, i) => {
      for (let k = 0; k < MESSAGES_EACH; k++) {
        const cid = `c${i}-m${k}`;
        const r = await postUntilAcked(() => a.base, conv, cid, `message ${k}`, failures);
        if (r.status !== 200 && r.status !== 201) {
          unexpected.push(`${cid}: ${r.status} ${JSON.stringify(r.body)}`);
          continue;
        }
        acked[i]?.set(cid, r.body.message.seq);
        ackCount++;
        if (redisDown) ackedWhileDown++;
        await sleep(15); // spread the load over the outage
      }
    });
    while (ackCount < (CONVERSATIONS * MESSAGES_EACH) / 4) await sleep(5);
    await redis.stop();
    redisDown = true;
    await sleep(800);
    redisDown = false;
    await redis.start();
    await Promise.all(load);

    expect(unexpected).toEqual([]);
    // Posting never depended on Redis.
    expect(ackedWhileDown).toBeGreaterThan(0);
    for (const [i, conv] of convs.entries()) {
      const stored = await storedMessages(b.base, conv.id, watcher.token);
      expect(ledgerDefects(acked[i] as Map<string, number>, stored)).toEqual([]);
      const last = stored.at(-1)?.seq as number;
      const stream = streams[i] as (typeof streams)[number];
      await stream.waitForSeq(last);
      expect(streamDefects(stream.seqs, last)).toBe("");
    }
    // Live delivery works again after the restart (not only catch-up): a fresh message crosses from A to B.
    const probe = convs[0] as { id: string; token: string };
    const r = await postUntilAcked(() => a.base, probe, "after-restart", "are you there?", failures);
    await agentStream.waitFor(
      (e) => e.type === "message" && e.message.clientMessageId === "after-restart",
      "post-restart message on B",
    );
    await (streams[0] as (typeof streams)[number]).waitForSeq(r.body.message.seq);
    for (const s of streams) s.close();
    await agentStream.close();
    console.log(
      `redis-restart: ${ackedWhileDown} messages acknowledged while Redis was down; failures retried: ${JSON.stringify(failures)}`,
    );
  });
});
