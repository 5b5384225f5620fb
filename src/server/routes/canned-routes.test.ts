// Canned responses managed over the API, on SQLite and PostgreSQL: seeded from the YAML once, created, replaced
// and deleted by admins with coded refusals, audited, served to agents and to assist, and fanned out to a second
// node sharing the database.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryBus } from "../../adapters/bus/memory-bus.ts";
import { type DatabaseHandle, openDatabase } from "../../adapters/db/database.ts";
import { createCannedStore } from "../../adapters/store/canned-store.ts";
import type { Tandem } from "../../main.ts";
import type { StoredCannedResponse } from "../../ports/canned.ts";
import { testDatabases } from "../../../test/support/databases.ts";
import { addAgent, bearer, startTandem } from "../../../test/support/tandem.ts";

const SEED = `responses:
  - id: greeting
    shortcut: /hi
    title: Say hello
    intents: [human_request]
    text: "Hi {{customer.firstName | there}}, I'm {{agent.firstName}}."
  - id: refund-status
    shortcut: /refund
    title: Refund status
    intents: [refund]
    keywords: [refund, money]
    text: "Your refund for order {{order.id}} is on its way."
`;

const dir = mkdtempSync(join(tmpdir(), "tandem-canned-"));
const seedFile = join(dir, "canned.yaml");
writeFileSync(seedFile, SEED);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const body = (over: Record<string, unknown> = {}) => ({
  shortcut: "/warranty",
  title: "Warranty terms",
  text: "Hi {{customer.firstName | there}}, every kettle has a three year warranty.",
  intents: ["warranty"],
  keywords: ["warranty", "broken"],
  ...over,
});

for (const dbKind of testDatabases()) {
  describe(`canned responses API on ${dbKind.name}`, () => {
    let db: { url: string; drop(): Promise<void> };
    let url: string;
    let a: Tandem;
    let b: Tandem;
    let admin: { token: string; user: { id: string } };
    let agent: { token: string };
    let supervisor: { token: string };

    beforeAll(async () => {
      db = await dbKind.create();
      // Two nodes on one database: SQLite needs a file for that, PostgreSQL has its fresh database.
      url = dbKind.name === "sqlite" ? `sqlite:${join(dir, `shared-${Date.now()}.db`)}` : db.url;
      const bus = createMemoryBus();
      const env = { DATABASE_URL: url, CANNED_RESPONSES_FILE: seedFile, ANALYTICS_REFRESH_SECONDS: "0" };
      a = await startTandem(env, { bus, triage: null });
      b = await startTandem(env, { bus, triage: null });
      admin = await addAgent(a, "admin@canned.test", { role: "admin" });
      agent = await addAgent(a, "agent@canned.test");
      supervisor = await addAgent(a, "super@canned.test", { role: "supervisor" });
    }, 60_000);

    // The audit and seed checks read the database directly through a handle of their own.
    let probe: DatabaseHandle | null = null;
    const directStore = () => createCannedStore((probe ??= openDatabase(url)));

    afterAll(async () => {
      await probe?.close();
      await b?.close();
      await a?.close();
      await db?.drop();
    });

    const list = async (node: Tandem, token = agent.token) => {
      const r = await node.app.inject({
        method: "GET",
        url: "/api/v1/canned-responses",
        headers: bearer(token),
      });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { responses: StoredCannedResponse[] }).responses;
    };
    const create = (payload: unknown, token = admin.token, node = a) =>
      node.app.inject({
        method: "POST",
        url: "/api/v1/admin/canned-responses",
        headers: bearer(token),
        payload: payload as object,
      });

    it("seeds the library from the YAML file once, even with two nodes starting on the same database", async () => {
      expect((await list(a)).map((r) => r.shortcut)).toEqual(["/hi", "/refund"]);
      expect((await list(b)).map((r) => r.shortcut)).toEqual(["/hi", "/refund"]);
      const history = await directStore().history("greeting");
      expect(history.map((h) => h.action)).toEqual(["seed"]);
    });

    it("creates a response that agents on every node see, recording who made it", async () => {
      const r = await create(body());
      expect(r.statusCode, r.body).toBe(201);
      const created = (r.json() as { response: StoredCannedResponse }).response;
      expect(created).toMatchObject({
        id: "warranty",
        shortcut: "/warranty",
        updatedBy: admin.user.id,
        language: null,
        reasons: [],
      });
      expect((await list(a)).find((x) => x.shortcut === "/warranty")?.text).toContain("three year warranty");
      // Node b learnt of it over the bus (the memory bus delivers synchronously; the reload is one query).
      await expect.poll(async () => (await list(b)).some((x) => x.shortcut === "/warranty")).toBe(true);
      expect(b.canned.current().some((x) => x.id === "warranty")).toBe(true);
    });

    it("refuses a shortcut another response has with 409 SHORTCUT_TAKEN, on create and on update", async () => {
      const dup = await create(body({ shortcut: "/refund", title: "Another refund" }));
      expect(dup.statusCode, dup.body).toBe(409);
      expect(dup.json()).toMatchObject({ error: { code: "SHORTCUT_TAKEN" } });
      const put = await a.app.inject({
        method: "PUT",
        url: "/api/v1/admin/canned-responses/warranty",
        headers: bearer(admin.token),
        payload: body({ shortcut: "/hi" }),
      });
      expect(put.statusCode, put.body).toBe(409);
      expect(put.json()).toMatchObject({ error: { code: "SHORTCUT_TAKEN" } });
      expect((await list(a)).filter((x) => x.shortcut === "/refund")).toHaveLength(1);
    });

    it("refuses templates with unknown variables or broken braces, and malformed shortcuts, with VALIDATION_FAILED", async () => {
      const cases = [
        body({ shortcut: "/typo", text: "Hi {{customer.fristName}}" }),
        body({ shortcut: "/braces", text: "Hi {{customer.firstName}" }),
        body({ shortcut: "no-slash" }),
        body({ shortcut: "/Has Space" }),
        body({ shortcut: "/extra", extra: true }),
        body({ shortcut: "/lang", language: "English" }),
      ];
      for (const c of cases) {
        const r = await create(c);
        expect(r.statusCode, `${JSON.stringify(c)} -> ${r.body}`).toBe(400);
        expect(r.json().error.code).toBe("VALIDATION_FAILED");
      }
      const typo = await create(cases[0]);
      expect(typo.json().error.message).toContain("unknown variable {{customer.fristName}}");
      expect((await list(a)).map((x) => x.shortcut)).not.toContain("/typo");
    });

    it("normalises the shortcut's case and keeps the id when the shortcut changes", async () => {
      const r = await create(
        body({ shortcut: "/Exchange", title: "Exchanges", text: "We can exchange order {{order.id}}." }),
      );
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().response).toMatchObject({ id: "exchange", shortcut: "/exchange" });
      const put = await a.app.inject({
        method: "PUT",
        url: "/api/v1/admin/canned-responses/exchange",
        headers: bearer(admin.token),
        payload: body({
          shortcut: "/swap",
          title: "Swaps",
          text: "We can swap order {{order.id}}.",
          language: "en",
        }),
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().response).toMatchObject({
        id: "exchange",
        shortcut: "/swap",
        language: "en",
        updatedBy: admin.user.id,
      });
      await expect.poll(async () => (await list(b)).find((x) => x.id === "exchange")?.shortcut).toBe("/swap");
      // The old shortcut is free again; the new response takes a fresh id since "exchange" is still in use.
      const again = await create(
        body({ shortcut: "/exchange", title: "Exchanges again", text: "Exchange it." }),
      );
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json().response.id).toMatch(/^exchange-[0-9a-f]{6}$/);
    });

    it("deletes a response everywhere and keeps its last content in the audit", async () => {
      const del = await b.app.inject({
        method: "DELETE",
        url: "/api/v1/admin/canned-responses/warranty",
        headers: bearer(admin.token),
      });
      expect(del.statusCode, del.body).toBe(200);
      await expect.poll(async () => (await list(a)).some((x) => x.id === "warranty")).toBe(false);
      expect((await list(b)).some((x) => x.id === "warranty")).toBe(false);
      const history = await directStore().history("warranty");
      expect(history.map((h) => [h.action, h.actorId])).toEqual([
        ["delete", admin.user.id],
        ["create", admin.user.id],
      ]);
      expect(history[0]?.snapshot.shortcut).toBe("/warranty");
      const gone = await b.app.inject({
        method: "DELETE",
        url: "/api/v1/admin/canned-responses/warranty",
        headers: bearer(admin.token),
      });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error.code).toBe("NOT_FOUND");
      const put = await a.app.inject({
        method: "PUT",
        url: "/api/v1/admin/canned-responses/warranty",
        headers: bearer(admin.token),
        payload: body(),
      });
      expect(put.statusCode).toBe(404);
    });

    it("does not seed again after an admin emptied the library", async () => {
      for (const r of await list(a)) {
        const del = await a.app.inject({
          method: "DELETE",
          url: `/api/v1/admin/canned-responses/${r.id}`,
          headers: bearer(admin.token),
        });
        expect(del.statusCode, del.body).toBe(200);
      }
      const store = directStore();
      expect(
        await store.seedIfNeverManaged(
          [{ id: "x", shortcut: "/x", title: "X", text: "x", intents: [], reasons: [], keywords: [] }],
          Date.now(),
        ),
      ).toBe(0);
      expect(await store.list()).toEqual([]);
      const restore = await create(
        body({ shortcut: "/hi", title: "Say hello", text: "Hi {{customer.firstName | there}}!" }),
      );
      expect(restore.statusCode, restore.body).toBe(201);
    });

    it("keeps the admin routes to admins; supervisors and agents are refused", async () => {
      expect((await create(body({ shortcut: "/sup" }), supervisor.token)).statusCode).toBe(403);
      expect((await create(body({ shortcut: "/agt" }), agent.token)).statusCode).toBe(403);
      const preview = await a.app.inject({
        method: "POST",
        url: "/api/v1/admin/canned-responses/preview",
        headers: bearer(agent.token),
        payload: { text: "x" },
      });
      expect(preview.statusCode).toBe(403);
    });

    it("previews a template with sample values and lists its problems", async () => {
      const r = await a.app.inject({
        method: "POST",
        url: "/api/v1/admin/canned-responses/preview",
        headers: bearer(admin.token),
        payload: { text: "Hi {{customer.firstName}}, order {{order.id}} ({{ordr.id}}) {{" },
      });
      expect(r.statusCode, r.body).toBe(200);
      const p = r.json() as { text: string; problems: string[]; missing: string[] };
      expect(p.text).toBe("Hi Alex, order NW-1042 ({{ordr.id}}) {{");
      expect(p.missing).toEqual(["ordr.id"]);
      expect(p.problems).toHaveLength(2);
    });
  });
}
