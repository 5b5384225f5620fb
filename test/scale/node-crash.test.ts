// kill -9 of a node in the middle of a message load: every acknowledged message is stored exactly once, and the
// customers' streams, reconnecting to the surviving node with `after`, see every message once and in order.

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

const services = scaleServices();
const CONVERSATIONS = 16;
const MESSAGES_EACH = 30;

describe.skipIf(!services)("a node killed with SIGKILL during a message load", () => {
  let cluster: TwoNodeCluster;
  let db: TwoNodeCluster["db"];
  let a: TandemNode;
  let b: TandemNode;

  beforeAll(async () => {
    if (!services) return;
    cluster = await startTwoNodeCluster(services.pgUrl);
    ({ db, a, b } = cluster);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("loses and duplicates nothing that was acknowledged, and resumed streams are exact", async () => {
    // Clients use node A until it dies, then B: the failover a load balancer would do.
    const live = () => (a.exited ? b : a);
    const convs = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) => startConversation(a.base, `Customer ${i}`)),
    );
    const streams = convs.map((c) => resumingStream(() => live().wsBase, c));
    await eventually(
      () => (streams.every((s) => s.connections > 0) ? true : undefined),
      "every stream connected",
    );
    const acked = convs.map(() => new Map<string, number>());
    const failures: FailureTally = {};
    const unexpected: string[] = [];
    let ackCount = 0;
    let replayed = 0;

    const load = convs.map(async (conv, i) => {
      for (let k = 0; k < MESSAGES_EACH; k++) {
        const cid = `c${i}-m${k}`;
        const r = await postUntilAcked(
          () => live().base,
          conv,
          cid,
          `message ${k} from customer ${i}`,
          failures,
        );
        if (r.status === 200 || r.status === 201) {
          acked[i]?.set(cid, r.body.message.seq);
          ackCount++;
          if (r.status === 200) replayed++; // stored before the crash, acknowledged only on the retry
        } else unexpected.push(`${cid}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    });
    // Kill A once the load is well under way, with requests in flight.
    while (ackCount < (CONVERSATIONS * MESSAGES_EACH) / 3) await sleep(5);
    const ackedBeforeCrash = ackCount;
    await a.crash();
    await Promise.all(load);

    expect(unexpected).toEqual([]);
    expect(ackedBeforeCrash).toBeLessThan(CONVERSATIONS * MESSAGES_EACH);
    const agentPassword = await seedUsers(db.url, [{ email: "auditor@example.test", name: "Auditor" }]);
    const auditor = await login(b.base, "auditor@example.test", agentPassword);
    for (const [i, conv] of convs.entries()) {
      const stored = await storedMessages(b.base, conv.id, auditor.token);
      const map = acked[i] as Map<string, number>;
      expect(map.size).toBe(MESSAGES_EACH);
      expect(ledgerDefects(map, stored)).toEqual([]);
      const last = stored.at(-1)?.seq as number;
      const stream = streams[i] as (typeof streams)[number];
      await stream.waitForSeq(last);
      expect(streamDefects(stream.seqs, last)).toBe("");
      // It really did move: connected to A, then resumed on B.
      expect(stream.connections).toBeGreaterThanOrEqual(2);
    }
    for (const s of streams) s.close();
    console.log(
      `node-crash: ${ackedBeforeCrash} acknowledged before the kill, ${replayed} acknowledged on a retry as already stored; retried through ${JSON.stringify(failures)}`,
    );
  });
});
