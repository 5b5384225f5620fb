// The SLA notice ledger on every dialect: one claim wins per notice, whoever asks and however often.

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabases } from "../../../test/support/databases.ts";
import type { SlaNoticeLedger } from "../../ports/sla-notices.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../db/database.ts";
import { createSlaNoticeStore } from "./sla-notice-store.ts";

for (const target of testDatabases()) {
  describe(`SLA notice ledger on ${target.name}`, () => {
    let handles: DatabaseHandle[];
    let ledgers: SlaNoticeLedger[];
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const created = await target.create();
      // Two handles on one database: two nodes (an in-memory SQLite database is private to its handle, so a file).
      const file = join(tmpdir(), `tandem-sla-notices-${process.pid}-${Date.now()}.db`);
      const url = target.name === "sqlite" ? `sqlite:${file}` : created.url;
      drop = async () => {
        await created.drop();
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      };
      handles = [openDatabase(url), openDatabase(url)];
      await migrateToLatest(handles[0] as DatabaseHandle);
      ledgers = handles.map(createSlaNoticeStore);
    });
    afterAll(async () => {
      await Promise.all(handles.map((h) => h.close()));
      await drop();
    });

    const notice = { conversationId: "c1", metric: "waiting" as const, kind: "breached" as const, dueAt: 1_000 };

    it("lets exactly one of many concurrent claims of a notice win, across nodes", async () => {
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => (ledgers[i % 2] as SlaNoticeLedger).claim(notice)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await (ledgers[0] as SlaNoticeLedger).claim(notice)).toBe(false);
    });

    it("tells notices apart by conversation, metric, kind and due instant", async () => {
      const [a] = ledgers as [SlaNoticeLedger];
      expect(await a.claim({ ...notice, conversationId: "c2" })).toBe(true);
      expect(await a.claim({ ...notice, metric: "first_response" })).toBe(true);
      expect(await a.claim({ ...notice, kind: "warning" })).toBe(true);
      expect(await a.claim({ ...notice, dueAt: 2_000 })).toBe(true);
    });

    it("forgets notices due before the prune instant and keeps the rest", async () => {
      const [a] = ledgers as [SlaNoticeLedger];
      await a.claim({ ...notice, conversationId: "old", dueAt: 10 });
      await a.claim({ ...notice, conversationId: "new", dueAt: 5_000 });
      await a.prune(3_000);
      expect(await a.claim({ ...notice, conversationId: "old", dueAt: 10 })).toBe(true);
      expect(await a.claim({ ...notice, conversationId: "new", dueAt: 5_000 })).toBe(false);
    });
  });
}
