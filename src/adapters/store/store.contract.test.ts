// The Store contract, run against every dialect: what the use cases rely on, including locking and idempotency keys.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../../test/support/databases.ts";
import type { Store } from "../../ports/store.ts";
import { migrateToLatest, openDatabase } from "../db/database.ts";
import { createSqlStore } from "./sql-store.ts";

for (const target of testDatabases()) {
  describe(`Store on ${target.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const created = await target.create();
      drop = created.drop;
      const handle = openDatabase(created.url);
      await migrateToLatest(handle);
      store = createSqlStore(handle);
    });
    afterAll(async () => {
      await store.close();
      await drop();
    });

    it("creates customers and finds them by external id", async () => {
      const c = await store.createCustomer({ externalId: "ext-1", name: "Ada", attributes: { lifetimeValue: 1200, plan: "pro" } });
      const found = await store.findCustomerByExternalId("ext-1");
      expect(found).toEqual(c);
      expect(found?.attributes).toEqual({ lifetimeValue: 1200, plan: "pro" });
    });

    it("starts a conversation owned by the AI with a created event", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      expect(conv.status).toBe("ai");
      expect(conv.lastSeq).toBe(0);
      expect((await store.listEvents(conv.id)).map((e) => e.type)).toEqual(["created"]);
    });

    it("numbers messages 1, 2, 3 within a conversation and lists them after a seq", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      for (const text of ["a", "b", "c"]) {
        await store.withConversation(conv.id, (u) => u.insertMessage({ author: "customer", text }));
      }
      const all = await store.listMessages(conv.id, {});
      expect(all.map((m) => [m.seq, m.text])).toEqual([[1, "a"], [2, "b"], [3, "c"]]);
      expect((await store.listMessages(conv.id, { afterSeq: 1 })).map((m) => m.seq)).toEqual([2, 3]);
      expect((await store.getConversation(conv.id))?.lastSeq).toBe(3);
    });

    it("keeps seq gapless under concurrent writers", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.withConversation(conv.id, (u) => u.insertMessage({ author: "customer", text: `m${i}` }))),
      );
      const seqs = (await store.listMessages(conv.id, {})).map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it("rolls back everything when the unit of work throws", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      await expect(
        store.withConversation(conv.id, async (u) => {
          await u.insertMessage({ author: "customer", text: "lost" });
          await u.update({ status: "human" });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.listMessages(conv.id, {})).toEqual([]);
      expect((await store.getConversation(conv.id))?.status).toBe("ai");
    });

    it("rejects a second message with the same idempotency key", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      await store.withConversation(conv.id, (u) => u.insertMessage({ author: "customer", text: "x", idempotencyKey: "k1" }));
      await expect(store.withConversation(conv.id, (u) => u.insertMessage({ author: "customer", text: "x", idempotencyKey: "k1" }))).rejects.toThrow();
      const found = await store.withConversation(conv.id, (u) => u.findMessageByKey("k1"));
      expect(found.found && found.value?.text).toBe("x");
    });

    it("reads recent turns narrowly: stored frustration and whether the AI awaits a reply", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      const triage = { frustration: 0.42, sentiment: -0.3, cues: [{ kind: "phrase", text: "still" }] } as never;
      await store.withConversation(conv.id, async (u) => {
        await u.insertMessage({ author: "customer", text: "where is it", triage });
        await u.insertMessage({ author: "agent", text: "note", internal: true });
        await u.insertMessage({ author: "ai", text: "Here. Did that solve it?", meta: { askedResolved: true } });
        await u.insertMessage({ author: "ai", text: "Order number?", meta: { pendingAction: { action: "lookup_order" } } });
        await u.insertMessage({ author: "ai", text: "plain", meta: { pendingAction: null, citations: [] } });
      });
      const r = await store.withConversation(conv.id, (u) => u.recentTurns(10));
      const turns = r.found ? r.value : [];
      expect(turns.map((t) => [t.seq, t.author, t.frustration, t.awaitsReply])).toEqual([
        [1, "customer", 0.42, false],
        [3, "ai", null, true],
        [4, "ai", null, true],
        [5, "ai", null, false],
      ]);
      const last2 = await store.withConversation(conv.id, (u) => u.recentTurns(2));
      expect(last2.found && last2.value.map((t) => t.seq)).toEqual([4, 5]);
    });


    it("answers the same with a prefetch hint as without, and never from a stale prefetch", async () => {
      const cust = await store.createCustomer({ name: "Pre", attributes: { plan: "pro" } });
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      const triage = { frustration: 0.5 } as never;
      await store.withConversation(conv.id, async (u) => {
        await u.insertMessage({ author: "customer", text: "one", idempotencyKey: "k1", triage });
        await u.insertMessage({ author: "ai", text: "two", meta: { askedResolved: true } });
      });
      const read = (u: Parameters<Parameters<Store["withConversation"]>[1]>[0]) =>
        Promise.all([u.findMessageByKey("k1"), u.findMessageByKey("k2"), u.recentTurns(20), u.recentTurns(1), u.customer()]);
      const plain = await store.withConversation(conv.id, read);
      const hinted = await store.withConversation(conv.id, read, { idempotencyKey: "k1", recentTurns: 20, customer: true });
      expect(hinted).toEqual(plain);
      expect(hinted.found && hinted.value[2].map((t) => [t.seq, t.frustration, t.awaitsReply])).toEqual([[1, 0.5, false], [2, null, true]]);
      expect(hinted.found && hinted.value[4]?.attributes).toEqual({ plan: "pro" });

      const after = await store.withConversation(conv.id, async (u) => {
        await u.insertMessage({ author: "customer", text: "three", idempotencyKey: "k3" });
        return Promise.all([u.findMessageByKey("k3"), u.recentTurns(20)]);
      }, { idempotencyKey: "k3", recentTurns: 20 });
      expect(after.found && after.value[0]?.text).toBe("three");
      expect(after.found && after.value[1].map((t) => t.seq)).toEqual([1, 2, 3]);
    });

    it("sees what the previous lock holder committed when prefetching (retries of one message make one row)", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      const post = () =>
        store.withConversation(conv.id, async (u) => {
          const existing = await u.findMessageByKey("same");
          if (existing) return "existing";
          const turns = await u.recentTurns(20);
          await u.insertMessage({ author: "customer", text: `after ${turns.length}`, idempotencyKey: "same" });
          return "created";
        }, { idempotencyKey: "same", recentTurns: 20, customer: true });
      const outcomes = await Promise.all(Array.from({ length: 8 }, post));
      expect(outcomes.filter((o) => o.found && o.value === "created")).toHaveLength(1);
      expect((await store.listMessages(conv.id, {})).map((m) => m.text)).toEqual(["after 0"]);
    });
    it("reports a missing conversation instead of running the unit", async () => {
      expect(await store.withConversation("nope", async () => 1)).toEqual({ found: false });
    });

    it("bumps the version on every update and round-trips JSON fields", async () => {
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      const r = await store.withConversation(conv.id, (u) => u.update({ status: "waiting_human", tier: 2, reasons: ["complaint", "frustration"], queuedAt: 1000 }));
      expect(r.found && r.value).toMatchObject({ status: "waiting_human", tier: 2, reasons: ["complaint", "frustration"], version: 2 });
      expect((await store.getConversation(conv.id))?.queuedAt).toBe(new Date(1000).toISOString());
    });

    it("counts an agent's load under lock and lists conversations by status", async () => {
      const u = await store.createUser({ email: "Load@Example.com", passwordHash: "h", displayName: "L", role: "agent", capacity: 2 });
      expect((await store.getUserAuth("load@example.com"))?.user.id).toBe(u.id);
      const cust = await store.createCustomer({});
      const conv = await store.createConversation({ customerId: cust.id, channel: "web" });
      await store.withConversation(conv.id, (unit) => unit.update({ status: "human", assigneeId: u.id }));
      const load = await store.withConversation(conv.id, (unit) => unit.lockAgentLoad(u.id));
      expect(load.found && load.value?.load).toBe(1);
      expect((await store.countOpenByAssignee()).get(u.id)).toBe(1);
      const humans = await store.listConversations({ status: ["human"], assigneeId: u.id });
      expect(humans.map((c) => c.id)).toEqual([conv.id]);
    });

    it("refuses a second user with the same email, in any case and at the same moment, with EMAIL_TAKEN", async () => {
      const make = (email: string) => store.createUser({ email, passwordHash: "h", displayName: "D", role: "agent" });
      const results = await Promise.allSettled([make("twice@example.com"), make("Twice@Example.com")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: "EMAIL_TAKEN" });
    });

    it("stores, finds and revokes tokens", async () => {
      await store.insertToken({ hash: "h1", kind: "conversation", subjectId: "c1", expiresAt: 5000, revokedAt: null });
      expect(await store.findToken("h1")).toEqual({ hash: "h1", kind: "conversation", subjectId: "c1", expiresAt: 5000, revokedAt: null });
      await store.revokeTokens("conversation", "c1", 42);
      expect((await store.findToken("h1"))?.revokedAt).toBe(42);
    });
  });
}
