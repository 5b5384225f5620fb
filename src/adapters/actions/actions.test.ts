import { resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ActionDialog,
  type CustomerIdentity,
  type PendingAction,
  triggerForm,
} from "../../domain/actions/dialog.ts";
import { parseRegistry } from "../../domain/actions/registry.ts";
import { extractSlot } from "../../domain/actions/slots.ts";
import { migrateToLatest, openDatabase } from "../db/database.ts";
import { type ActionAuditRecord, HttpActionExecutor, SqlActionAudit } from "./http-executor.ts";
import { type MockShop, startMockShop } from "./mock-shop.ts";
import { loadActionRegistry } from "./registry-file.ts";

const registry = loadActionRegistry(resolve(import.meta.dirname, "../../../demo/actions.yaml"));
const dialog = new ActionDialog(registry);
const me: CustomerIdentity = { customerId: "cus_1", email: "demo.customer@example.com", externalId: null };
let shop: MockShop;
const audit: ActionAuditRecord[] = [];
const executor = () =>
  new HttpActionExecutor({ baseUrl: shop.url, audit: { record: async (e) => void audit.push(e) } });
beforeAll(async () => {
  shop = await startMockShop();
});
afterAll(() => shop.close());
beforeEach(() => {
  audit.length = 0;
});

describe("slot extraction", () => {
  it("finds order ids, emails, dates and numbers", () => {
    expect(extractSlot("order_id", "where is order lc-10234 please")).toBe("LC-10234");
    expect(extractSlot("order_id", "my order number: 9876543")).toBe("9876543");
    expect(extractSlot("order_id", "no order here")).toBeNull();
    expect(extractSlot("email", "write to Ana.Lopez+shop@Example.com.")).toBe("ana.lopez+shop@example.com");
    expect(extractSlot("date", "deliver on 2026-12-24")).toBe("2026-12-24");
    expect(extractSlot("date", "deliver on 24/12/2026")).toBe("2026-12-24");
    expect(extractSlot("date", "on 31/02/2026")).toBeNull();
    expect(extractSlot("number", "I want 3 of them")).toBe("3");
  });
});

describe("registry", () => {
  it("rejects a registry whose slot names no parameter", () => {
    const bad = { actions: [{ ...registry.actions[0]!, slots: { nope: { extract: "text" } } }] };
    expect(() => parseRegistry(bad)).toThrow(/slot nope is not a parameter/);
    expect(() => parseRegistry({ actions: [{ name: "Bad Name" }] })).toThrow(/ACTIONS_INVALID|snake_case/);
  });
});

describe("trigger phrases", () => {
  it("match with contractions spelled out or typed without the apostrophe", () => {
    for (const text of [
      "hi, where's my order?",
      "Where’s my order",
      "wheres my order",
      "I ordered a rug 2 weeks ago and it still hasn't arrived",
      "my parcel hasnt arrived",
    ])
      expect(dialog.select(text)?.name, text).toBe("lookup_order");
    expect(dialog.select("I can't log in")?.name).toBe("reset_password");
    expect(dialog.select("i cant log in")?.name).toBe("reset_password");
  });

  it("read an order number as 'my order'", () => {
    expect(dialog.select("has LC-10234 shipped?")?.name).toBe("lookup_order");
    expect(dialog.select("where is LC-10234")?.name).toBe("lookup_order");
    expect(dialog.select("please cancel LC-10234")).toBeNull();
  });

  it("match whole words only", () => {
    expect(triggerForm("Reorder status?")).toBe(" reorder status ");
    expect(dialog.select("what is the reorder status of the lamp")).toBeNull();
  });
});

describe("action dialog and executor", () => {
  it("asks for a missing order number, then looks the order up and shows the result", async () => {
    const first = dialog.next({ text: "Where is my order?", pending: null, identity: me });
    expect(first).toMatchObject({ kind: "ask_slot", slot: "orderId" });
    const pending = (first as { pending: PendingAction }).pending;
    const second = dialog.next({ text: "it's LC-10234", pending, identity: me });
    expect(second.kind).toBe("execute");
    if (second.kind !== "execute") return;
    const r = await executor().execute(second.action, second.params, me, {
      conversationId: "conv_1",
      language: "en",
    });
    expect(r).toMatchObject({ ok: true, status: 200 });
    if (r.ok)
      expect(r.reply).toBe(
        "Order LC-10234 is shipped. It ships with PostNL and should arrive by 2026-11-27. https://tracking.example/LC-10234",
      );
    expect(audit).toEqual([
      expect.objectContaining({
        action: "lookup_order",
        customerId: "cus_1",
        conversationId: "conv_1",
        outcome: "succeeded",
        httpStatus: 200,
      }),
    ]);
  });

  it("cannot see another customer's order", async () => {
    const step = dialog.next({ text: "status of my order LC-20001", pending: null, identity: me });
    if (step.kind !== "execute") throw new Error(step.kind);
    const r = await executor().execute(step.action, step.params, me, { conversationId: "c" });
    expect(r).toMatchObject({ ok: false, status: 404, error: { code: "ACTION_FAILED" } });
    expect(JSON.stringify(r)).not.toContain("dining table");
    expect(audit[0]!.outcome).toBe("failed");
  });

  it("confirms before a side effect and uses only the customer's own email", async () => {
    const ask = dialog.next({ text: "I forgot my password", pending: null, identity: me });
    expect(ask).toMatchObject({
      kind: "confirm",
      message: "Shall I send a password reset link to demo.customer@example.com? Please answer yes or no.",
    });
    const go = dialog.next({
      text: "yes please",
      pending: (ask as { pending: PendingAction }).pending,
      identity: me,
    });
    if (go.kind !== "execute") throw new Error(go.kind);
    const r = await executor().execute(go.action, go.params, me, { conversationId: "c", language: "en" });
    expect(r.ok).toBe(true);
    expect(shop.resets).toEqual(["demo.customer@example.com"]);
  });

  it("does nothing when the customer declines the confirmation", () => {
    const ask = dialog.next({ text: "reset password", pending: null, identity: me });
    expect(
      dialog.next({ text: "no", pending: (ask as { pending: PendingAction }).pending, identity: me }),
    ).toMatchObject({ kind: "cancelled" });
  });

  it("refuses to act for another person's email", () => {
    expect(
      dialog.next({ text: "reset password for victim@example.com", pending: null, identity: me }),
    ).toMatchObject({ kind: "refused", reason: "identity_mismatch" });
    expect(dialog.next({ text: "reset my password", pending: null, identity: null })).toMatchObject({
      kind: "refused",
      reason: "missing_identity",
    });
  });

  it("tells an anonymous or unverified visitor it needs to know who they are before looking up an order", () => {
    const anonymous: CustomerIdentity = { customerId: "cus_anon", email: null, externalId: null };
    for (const identity of [anonymous, null])
      expect(dialog.next({ text: "Where is my order LC-10234?", pending: null, identity })).toMatchObject({
        kind: "refused",
        action: "lookup_order",
        reason: "missing_identity",
      });
    expect(dialog.next({ text: "Where is my order LC-10234?", pending: null, identity: me })).toMatchObject({
      kind: "execute",
      params: { orderId: "LC-10234" },
    });
  });

  it("refuses at execution when parameters do not match the identity, and audits it", async () => {
    const action = registry.actions.find((a) => a.name === "reset_password")!;
    const r = await executor().execute(action, { email: "victim@example.com" }, me, { conversationId: "c" });
    expect(r).toMatchObject({ ok: false, error: { code: "ACTION_REFUSED" } });
    expect(audit[0]).toMatchObject({ outcome: "refused" });
    expect(shop.resets).not.toContain("victim@example.com");
  });

  it("gives up after asking twice for a slot it never gets", () => {
    let step = dialog.next({ text: "where is my order", pending: null, identity: me });
    step = dialog.next({
      text: "hmm, let me look",
      pending: (step as { pending: PendingAction }).pending,
      identity: me,
    });
    expect(step.kind).toBe("ask_slot");
    step = dialog.next({
      text: "one moment",
      pending: (step as { pending: PendingAction }).pending,
      identity: me,
    });
    expect(step).toMatchObject({ kind: "refused", reason: "gave_up" });
  });

  it("hands over at once when the customer says they do not have the detail asked for", () => {
    for (const reply of ["I don't know the number", "no idea", "I can't find it", "I lost the email"]) {
      const first = dialog.next({ text: "where is my order", pending: null, identity: me });
      const step = dialog.next({
        text: reply,
        pending: (first as { pending: PendingAction }).pending,
        identity: me,
      });
      expect(step, reply).toMatchObject({ kind: "refused", reason: "gave_up" });
    }
    // A number given with doubt is still a number.
    const first = dialog.next({ text: "where is my order", pending: null, identity: me });
    const step = dialog.next({
      text: "not sure, maybe LC-10234?",
      pending: (first as { pending: PendingAction }).pending,
      identity: me,
    });
    expect(step.kind).toBe("execute");
  });

  it("lets the customer move on from a slot question: a question of their own drops the action, 'never mind' ends it", () => {
    const reply = (text: string) => {
      const first = dialog.next({ text: "where is my order", pending: null, identity: me });
      return dialog.next({ text, pending: (first as { pending: PendingAction }).pending, identity: me });
    };
    // Nothing to do here: the message is answered as any other.
    expect(reply("never mind, how long does delivery take?")).toEqual({ kind: "none" });
    expect(reply("what is your returns policy")).toEqual({ kind: "none" });
    expect(reply("never mind")).toMatchObject({ kind: "cancelled", action: "lookup_order" });
    expect(reply("oh forget it.")).toMatchObject({ kind: "cancelled" });
    // Still the slot's answer: a value, or a short reply that is no question.
    expect(reply("is it LC-10234?").kind).toBe("execute");
    expect(reply("hmm, let me look").kind).toBe("ask_slot");
  });

  it("reports a service that does not answer in time", async () => {
    const action = {
      ...registry.actions[0]!,
      http: { ...registry.actions[0]!.http, url: "http://10.255.255.1/orders/{orderId}", timeoutMs: 200 },
    };
    const r = await executor().execute(action, { orderId: "LC-10234" }, me, { conversationId: "c" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(["ACTION_TIMEOUT", "ACTION_FAILED"]).toContain(r.error.code);
  });

  it("stores audit records in the database", async () => {
    const handle = openDatabase("sqlite::memory:");
    await migrateToLatest(handle);
    const sink = SqlActionAudit.over(handle.db);
    const ex = new HttpActionExecutor({ baseUrl: shop.url, audit: sink });
    await ex.execute(registry.actions[0]!, { orderId: "LC-10388" }, me, { conversationId: "conv_9" });
    expect(await sink.forConversation("conv_9")).toEqual([
      expect.objectContaining({
        action: "lookup_order",
        customerId: "cus_1",
        outcome: "succeeded",
        params: { orderId: "LC-10388" },
      }),
    ]);
    await handle.close();
  });
});

describe("answerer with routine actions (embedded mode)", () => {
  it("asks for the order number, runs the lookup and shows the result", async () => {
    const { Answerer } = await import("../../domain/answer/answerer.ts");
    const { KnowledgeIndex } = await import("../../domain/knowledge/knowledge-index.ts");
    const answerer = new Answerer({
      retriever: new KnowledgeIndex(),
      actions: { dialog, runner: executor() },
    });
    const first = await answerer.answer({
      text: "where is my order?",
      language: "en",
      identity: me,
      conversationId: "conv_a",
    });
    expect(first).toMatchObject({ kind: "action", status: "asking", action: "lookup_order" });
    if (first.kind !== "action") return;
    const second = await answerer.answer({
      text: "LC-10388",
      language: "en",
      identity: me,
      conversationId: "conv_a",
      pendingAction: first.pending,
    });
    expect(second).toMatchObject({ kind: "action", status: "done", pending: null });
    if (second.kind === "action") expect(second.text).toContain("Order LC-10388 is processing");
    expect(audit.map((a) => a.conversationId)).toEqual(["conv_a"]);
  });

  it("confirms a password reset in the customer's language and escalates when the shop fails", async () => {
    const { Answerer } = await import("../../domain/answer/answerer.ts");
    const { KnowledgeIndex } = await import("../../domain/knowledge/knowledge-index.ts");
    const answerer = new Answerer({
      retriever: new KnowledgeIndex(),
      actions: { dialog, runner: executor() },
    });
    const ask = await answerer.answer({ text: "Quiero reset password", language: "es", identity: me });
    expect(ask).toMatchObject({ kind: "action", status: "confirming" });
    if (ask.kind !== "action") return;
    expect(ask.text).toContain("¿Envío un enlace");
    const broken = new Answerer({
      retriever: new KnowledgeIndex(),
      actions: {
        dialog,
        runner: new HttpActionExecutor({ baseUrl: "http://127.0.0.1:9", audit: { record: async () => {} } }),
      },
    });
    const r = await broken.answer({ text: "sí", language: "es", identity: me, pendingAction: ask.pending });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "action_failed" });
    if (r.kind === "cannot_answer") expect(r.boundaryMessage).toContain("especialista");
  });
});
