// PostgreSQL restarted in the middle of a message load: while it is down every request fails fast with a coded
// 503 (never a hang, never a 500), and the node recovers by itself once it is back, with nothing acknowledged
// lost or duplicated.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  eventually,
  type FailureTally,
  ledgerDefects,
  login,
  postUntilAcked,
  type PrivateServices,
  resumingStream,
  scaleServices,
  seedUsers,
  sleep,
  startConversation,
  startNode,
  startPrivateServices,
  storedMessages,
  streamDefects,
  type TandemNode,
} from "../support/cluster.ts";

const services = scaleServices();
const CONVERSATIONS = 8;
const MESSAGES_EACH = 30;
/** "Fast": the pool gives up connecting after 3 s (DB_POOL connection timeout); a refused port fails at once. */
const FAIL_FAST_MS = 3500;

describe.skipIf(!services)("PostgreSQL restarted during a message load", () => {
  let own: PrivateServices;
  let node: TandemNode;

  beforeAll(async () => {
    if (!services) return;
    // A PostgreSQL of this suite's own: stopping the shared one would break every other suite.
    own = await startPrivateServices();
    node = await startNode("A", { DATABASE_URL: own.pgUrl, REDIS_URL: own.redisUrl, LOG_LEVEL: "error" });
  }, 90_000);

  afterAll(async () => {
    await node?.stop();
    await own?.destroy();
  });

  it("answers 503 SERVICE_UNAVAILABLE quickly while it is down and recovers without a restart", async () => {
    const password = await seedUsers(own.pgUrl, [{ email: "auditor@example.test", name: "Auditor" }]);
    const auditor = await login(node.base, "auditor@example.test", password);
    const convs = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) => startConversation(node.base, `Customer ${i}`)),
    );
    const streams = convs.map((c) => resumingStream(() => node.wsBase, c));
    await eventually(
      () => (streams.every((s) => s.connections > 0) ? true : undefined),
      "every stream connected",
    );

    const acked = convs.map(() => new Map<string, number>());
    const failures: FailureTally = {};
    const outageResponses: { status: number; code?: string; ms: number }[] = [];
    const unexpected: string[] = [];
    let ackCount = 0;
    let upAt = 0;
    let firstAckAfterUpMs: number | null = null;
    const load = convs.map(async (conv, i) => {
      for (let k = 0; k < MESSAGES_EACH; k++) {
        const cid = `c${i}-m${k}`;
        const r = await postUntilAcked(() => node.base, conv, cid, `message ${k}`, failures, {
          deadlineMs: 30_000,
          onFailure: (f) => outageResponses.push({ status: f.status, code: f.body?.error?.code, ms: f.ms }),
        });
        if (r.status !== 200 && r.status !== 201) {
          unexpected.push(`${cid}: ${r.status} ${JSON.stringify(r.body)}`);
          continue;
        }
        acked[i]?.set(cid, r.body.message.seq);
        ackCount++;
        if (upAt && firstAckAfterUpMs === null) firstAckAfterUpMs = Date.now() - upAt;
        await sleep(10);
      }
    });

    while (ackCount < (CONVERSATIONS * MESSAGES_EACH) / 4) await sleep(5);
    await own.stopPostgres("fast");
    const downAt = Date.now();
    // While it is down: readiness says so, and an ordinary read is a coded 503, fast.
    const ready = await call(node.base, "GET", "/readyz");
    expect(ready.status, node.tail()).toBe(503);
    const read = await call(node.base, "GET", `/api/v1/conversations/${convs[0]?.id}`, convs[0]?.token);
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(read.ms).toBeLessThan(FAIL_FAST_MS);
    await sleep(Math.max(0, 1500 - (Date.now() - downAt)));
    await own.startPostgres();
    upAt = Date.now();
    await Promise.all(load);
    expect((await call(node.base, "GET", "/readyz")).status).toBe(200);

    expect(unexpected, node.tail()).toEqual([]);
    expect(outageResponses.length).toBeGreaterThan(0);
    // Every failure during the outage was a coded 503 or a refused connection, and none of them hung.
    const bad = outageResponses.filter((r) => !(r.status === 503 && r.code === "SERVICE_UNAVAILABLE"));
    expect(bad).toEqual([]);
    expect(Math.max(...outageResponses.map((r) => r.ms))).toBeLessThan(FAIL_FAST_MS);

    for (const [i, conv] of convs.entries()) {
      const stored = await storedMessages(node.base, conv.id, auditor.token);
      expect(ledgerDefects(acked[i] as Map<string, number>, stored)).toEqual([]);
      const last = stored.at(-1)?.seq as number;
      const stream = streams[i] as (typeof streams)[number];
      await stream.waitForSeq(last);
      expect(streamDefects(stream.seqs, last)).toBe("");
    }
    for (const s of streams) s.close();
    const slowest = Math.round(Math.max(...outageResponses.map((r) => r.ms)));
    console.log(
      `postgres-restart: ${outageResponses.length} coded 503s during the outage (slowest ${slowest} ms), first acknowledgement ${firstAckAfterUpMs} ms after PostgreSQL was back; ${JSON.stringify(failures)}`,
    );
  });
});
