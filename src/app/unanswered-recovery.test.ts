// A customer message acknowledged just before its node died still gets its AI reply: another node (or the same
// one restarted) answers it once the responder's own timeout has surely passed, and only once however many
// nodes sweep or retry.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock, startTandem } from "../../test/support/tandem.ts";
import type { Tandem } from "../main.ts";
import type { Responder } from "../ports/responder.ts";

const until = async (cond: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("customer messages left unanswered by a node that went away", () => {
  const open: Tandem[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function nodes(count: number, responder: Responder) {
    const dir = mkdtempSync(join(tmpdir(), "tandem-unanswered-"));
    dirs.push(dir);
    const clock = manualClock(Date.now());
    const env = { DATABASE_URL: `sqlite:${join(dir, "tandem.db")}`, RESPONDER_TIMEOUT_MS: "1000" };
    const started: Tandem[] = [];
    for (let i = 0; i < count; i++) {
      started.push(await startTandem(env, { clock, responder, unansweredSweepMs: 5, triage: null }));
    }
    open.push(...started);
    return { clock, nodes: started };
  }

  /** The state a crash leaves: the customer's message stored and acknowledged, no responder running anywhere. */
  async function orphanedQuestion(t: Tandem) {
    const customer = await t.store.createCustomer({ name: "Ada" });
    const conversation = await t.store.createConversation({ customerId: customer.id, channel: "web" });
    await t.store.withConversation(conversation.id, (u) =>
      u.insertMessage({ author: "customer", text: "where is my parcel?", clientMessageId: "c1", idempotencyKey: "customer:c1" }),
    );
    return conversation.id;
  }

  const aiMessages = async (t: Tandem, id: string) =>
    (await t.store.listMessages(id, {})).filter((m) => m.author === "ai");

  it("answers it once the responder's timeout has passed, exactly once although two nodes sweep", async () => {
    let calls = 0;
    const responder: Responder = {
      async respond() {
        calls++;
        return { kind: "reply", text: "It left our warehouse this morning." };
      },
    };
    const { clock, nodes: [a, b] } = await nodes(2, responder);
    const id = await orphanedQuestion(a as Tandem);

    await sleep(100); // many sweeps on both nodes, all inside the grace period
    expect(calls).toBe(0);

    clock.advance(1000 + 10_000 + 1);
    await until(async () => (await aiMessages(a as Tandem, id)).length > 0);
    await sleep(100); // more sweeps on both nodes
    const replies = await aiMessages(b as Tandem, id);
    expect(replies.map((m) => m.text)).toEqual(["It left our warehouse this morning."]);
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it("leaves alone a message the AI already answered, and one older than the horizon", async () => {
    const responder: Responder = { respond: async () => ({ kind: "reply", text: "answer" }) };
    const { clock, nodes: [a] } = await nodes(1, responder);
    const t = a as Tandem;
    const answered = await orphanedQuestion(t);
    await t.conversations.postAiMessage(answered, { text: "already answered", replyTo: 1 });
    const ancient = await orphanedQuestion(t);
    clock.advance(2 * 60 * 60_000);
    await sleep(100);
    expect((await aiMessages(t, answered)).map((m) => m.text)).toEqual(["already answered"]);
    expect(await aiMessages(t, ancient)).toEqual([]);
  });

  it("stores one AI reply per customer message however often it is posted", async () => {
    const responder: Responder = { respond: async () => ({ kind: "none" }) };
    const { nodes: [a] } = await nodes(1, responder);
    const t = a as Tandem;
    const id = await orphanedQuestion(t);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.conversations.postAiMessage(id, { text: "once", replyTo: 1 })),
    );
    expect(results.filter((m) => m !== null)).toHaveLength(1);
    expect((await aiMessages(t, id)).map((m) => m.text)).toEqual(["once"]);
  });
});
