// The Bus contract, on the in-process bus and on Redis: per-topic order, fan-out, unsubscribe, isolation by topic.

import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { requireService } from "../../../test/support/databases.ts";
import type { Bus, StreamEvent } from "../../ports/bus.ts";
import { createMemoryBus } from "./memory-bus.ts";
import { createRedisBus } from "./redis-bus.ts";

const redisUrl = requireService("Redis", "TANDEM_TEST_REDIS_URL");
const impls: [string, () => Promise<Bus>][] = [["memory", async () => createMemoryBus()]];
if (redisUrl) impls.push(["redis", () => createRedisBus({ url: redisUrl, prefix: `t${randomBytes(4).toString("hex")}:` })]);

const typing = (n: number): StreamEvent => ({ type: "typing", conversationId: String(n), author: "ai" });
const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
};

for (const [name, make] of impls) {
  describe(`Bus on ${name}`, () => {
    const open: Bus[] = [];
    const bus = async () => {
      const b = await make();
      open.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of open.splice(0)) await b.close();
    });

    it("delivers a topic's events to every subscriber in publish order", async () => {
      const b = await bus();
      const a: string[] = [];
      const c: string[] = [];
      b.subscribe("t1", (e) => e.type === "typing" && a.push(e.conversationId));
      b.subscribe("t1", (e) => e.type === "typing" && c.push(e.conversationId));
      await new Promise((r) => setTimeout(r, 50)); // let a remote SUBSCRIBE land
      for (let i = 0; i < 100; i++) await b.publish("t1", typing(i));
      await until(() => a.length === 100 && c.length === 100);
      expect(a).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
      expect(c).toEqual(a);
    });

    it("delivers batches to each of their topics and single events interleaved, in publish order, even when published without waiting", async () => {
      const b = await bus();
      const got: string[] = [];
      const other: string[] = [];
      b.subscribe("t2", (e) => e.type === "typing" && got.push(e.conversationId));
      b.subscribe("t3", (e) => e.type === "typing" && other.push(e.conversationId));
      await new Promise((r) => setTimeout(r, 50));
      await Promise.all([
        b.publishAll(["t2", "t3"], [typing(1), typing(2), typing(3)]),
        b.publish("t2", typing(4)),
        b.publishAll(["t2"], []),
        b.publishAll(["t2", "t3"], [typing(5)]),
      ]);
      await until(() => got.length === 5 && other.length === 4);
      expect(got).toEqual(["1", "2", "3", "4", "5"]);
      expect(other).toEqual(["1", "2", "3", "5"]);
    });

    it("keeps topics apart and stops after unsubscribe", async () => {
      const b = await bus();
      const got: string[] = [];
      const off = b.subscribe("x", (e) => e.type === "typing" && got.push(`x${e.conversationId}`));
      b.subscribe("y", (e) => e.type === "typing" && got.push(`y${e.conversationId}`));
      await new Promise((r) => setTimeout(r, 50));
      await b.publish("x", typing(1));
      await b.publish("y", typing(2));
      await until(() => got.length === 2);
      off();
      await new Promise((r) => setTimeout(r, 50));
      await b.publish("x", typing(3));
      await b.publish("y", typing(4));
      await until(() => got.length === 3);
      await new Promise((r) => setTimeout(r, 50));
      expect(got.sort()).toEqual(["x1", "y2", "y4"]);
    });

    if (name === "redis") {
      it("fans out between two nodes", async () => {
        const prefix = `n${randomBytes(4).toString("hex")}:`;
        const a = await createRedisBus({ url: redisUrl as string, prefix });
        const b = await createRedisBus({ url: redisUrl as string, prefix });
        open.push(a, b);
        const got: string[] = [];
        b.subscribe("conv:1", (e) => e.type === "typing" && got.push(e.conversationId));
        await new Promise((r) => setTimeout(r, 50));
        await a.publish("conv:1", typing(7));
        await until(() => got.length === 1);
        expect(got).toEqual(["7"]);
      });
    }
  });
}
