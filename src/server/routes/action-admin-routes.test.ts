// The action registry API: the registry as configured, and test calls through the real executor against the mock
// shop with a chosen customer's identity — refused for other customers' data, confirmed for side effects, audited.

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockShop, startMockShop } from "../../adapters/actions/mock-shop.ts";
import { openDatabase } from "../../adapters/db/database.ts";
import { DEMO_ACTIONS_FILE } from "../../adapters/knowledge/demo-seed.ts";
import type { Tandem } from "../../main.ts";
import { addAgent, bearer, newConversation, signedCustomer, startTandem } from "../../../test/support/tandem.ts";

describe("action registry API", () => {
  let t: Tandem;
  let shop: MockShop;
  let admin: { token: string };
  let supervisor: { token: string };
  let customerId: string;
  const file = join(tmpdir(), `tandem-actions-${process.pid}-${Date.now()}.db`);

  const test = (name: string, body: object, token = admin.token) =>
    t.app.inject({ method: "POST", url: `/api/v1/admin/actions/${name}/test`, headers: bearer(token), payload: body });

  beforeAll(async () => {
    shop = await startMockShop({ port: 0, host: "127.0.0.1" });
    t = await startTandem({ DATABASE_URL: `sqlite:${file}`, ACTIONS_FILE: DEMO_ACTIONS_FILE, ACTIONS_BASE_URL: shop.url });
    admin = await addAgent(t, "admin@example.com", { role: "admin" });
    supervisor = await addAgent(t, "sup@example.com", { role: "supervisor" });
    const c = await newConversation(t.app, signedCustomer({ externalId: "shop-user-7", name: "Dee", email: "demo.customer@example.com" }));
    customerId = (await t.store.getConversation(c.id))!.customerId;
  });
  afterAll(async () => {
    await t?.close();
    await shop?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  });

  it("lists the registry with parameters, slots and HTTP templates", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/admin/actions", headers: bearer(admin.token) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.configured).toBe(true);
    expect(body.actions.map((a: { name: string }) => a.name)).toEqual(["lookup_order", "reset_password"]);
    expect(body.actions[1]).toMatchObject({ sideEffect: true, slots: { email: { identity: "email" } }, http: { method: "POST", url: "{baseUrl}/password-resets" } });
  });

  it("runs a lookup as the chosen customer and renders the reply", async () => {
    const res = await test("lookup_order", { params: { orderId: "LC-10234" }, customerId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ action: "lookup_order", customerId, result: { ok: true, status: 200 } });
    expect(res.json().result.reply).toContain("Order LC-10234 is");
  });

  it("cannot read another customer's order: the shop sees the chosen customer's identity", async () => {
    const res = await test("lookup_order", { params: { orderId: "LC-20001" }, customerId });
    expect(res.statusCode).toBe(200);
    expect(res.json().result).toMatchObject({ ok: false, status: 404, error: { code: "ACTION_FAILED" } });
  });

  it("asks for confirmation before a side effect, fills identity parameters, and refuses someone else's", async () => {
    const unconfirmed = await test("reset_password", { customerId });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().error.message).toContain("confirm: true");
    const done = await test("reset_password", { customerId, confirm: true });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ params: { email: "demo.customer@example.com" }, result: { ok: true } });
    const other = await test("reset_password", { customerId, confirm: true, params: { email: "someone.else@example.com" } });
    expect(other.json().result).toMatchObject({ ok: false, error: { code: "ACTION_REFUSED" } });
  });

  it("refuses unknown actions, unknown customers and parameters outside the schema", async () => {
    expect((await test("launch_rocket", { customerId })).statusCode).toBe(404);
    expect((await test("lookup_order", { params: { orderId: "LC-10234" }, customerId: "nobody" })).json().error.code).toBe("NOT_FOUND");
    const bad = await test("lookup_order", { params: { orderId: "not an order" }, customerId });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("VALIDATION_FAILED");
    expect((await test("lookup_order", { params: { orderId: "LC-10234" }, customerId }, supervisor.token)).statusCode).toBe(403);
  });

  it("audits every test call like the AI's own calls", async () => {
    const handle = openDatabase(`sqlite:${file}`);
    try {
      const rows = await handle.db.selectFrom("action_audit" as never).selectAll().execute() as { action: string; outcome: string; customer_id: string; conversation_id: string | null }[];
      expect(rows.map((r) => [r.action, r.outcome])).toEqual([
        ["lookup_order", "succeeded"],
        ["lookup_order", "failed"],
        ["reset_password", "succeeded"],
        ["reset_password", "refused"],
      ]);
      expect(rows.every((r) => r.customer_id === customerId && r.conversation_id === null)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
