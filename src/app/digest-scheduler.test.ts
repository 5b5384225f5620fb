// The weekly digest timer on a controllable clock: the schedule itself, exactly one delivery per week across two
// nodes sharing a database, a retry after a failed delivery, and nothing outside the grace period.

import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../adapters/webhook/index.ts";
import { digestWeekEnd, lastDigestSlot, localHourInstant, nextDigestSlot } from "../domain/analytics/digest-schedule.ts";
import type { Tandem } from "../main.ts";
import { manualClock, startTandem } from "../../test/support/tandem.ts";
import { createDigestScheduler } from "./digest-scheduler.ts";

const at = (iso: string) => Date.parse(iso);
const quiet = { info() {}, warn() {}, error() {} };

const slotAt = (iso: string) => Date.parse(iso);

describe("digest schedule", () => {
  it("finds the latest and next Monday 08:00 UTC around any instant", () => {
    // 2026-03-02 is a Monday.
    expect(lastDigestSlot(at("2026-03-02T08:00:00Z"), "mon", 8)).toEqual({ at: slotAt("2026-03-02T08:00:00Z"), day: "2026-03-02" });
    expect(lastDigestSlot(at("2026-03-02T07:59:59Z"), "mon", 8)).toEqual({ at: slotAt("2026-02-23T08:00:00Z"), day: "2026-02-23" });
    expect(lastDigestSlot(at("2026-03-05T23:00:00Z"), "mon", 8).at).toBe(at("2026-03-02T08:00:00Z"));
    expect(nextDigestSlot(at("2026-03-02T08:00:00Z"), "mon", 8)).toEqual({ at: slotAt("2026-03-09T08:00:00Z"), day: "2026-03-09" });
    expect(lastDigestSlot(at("2026-03-02T08:00:00Z"), "sun", 23).at).toBe(at("2026-03-01T23:00:00Z"));
    expect(lastDigestSlot(at("2026-03-07T12:00:00Z"), "sat", 0).at).toBe(at("2026-03-07T00:00:00Z"));
    expect(digestWeekEnd(lastDigestSlot(at("2026-03-02T08:00:00Z"), "mon", 8))).toBe("2026-03-01");
  });

  it("keeps to 08:00 on the team's wall clock through a daylight-saving change", () => {
    // New York is UTC-5 until Sunday 2026-03-08, then UTC-4.
    const ny = "America/New_York";
    expect(lastDigestSlot(at("2026-03-02T13:00:00Z"), "mon", 8, ny)).toEqual({ at: slotAt("2026-03-02T13:00:00Z"), day: "2026-03-02" });
    expect(lastDigestSlot(at("2026-03-02T12:59:59Z"), "mon", 8, ny).day).toBe("2026-02-23");
    expect(nextDigestSlot(at("2026-03-02T13:00:00Z"), "mon", 8, ny)).toEqual({ at: slotAt("2026-03-09T12:00:00Z"), day: "2026-03-09" });
  });

  it("takes the weekday of the team's zone, not of UTC", () => {
    // 19:00 UTC on Sunday is already 08:00 on Monday in Auckland (UTC+13 in March).
    const slot = lastDigestSlot(at("2026-03-01T19:00:00Z"), "mon", 8, "Pacific/Auckland");
    expect(slot).toEqual({ at: slotAt("2026-03-01T19:00:00Z"), day: "2026-03-02" });
    expect(digestWeekEnd(slot)).toBe("2026-03-01");
  });

  it("sends in the first of a repeated hour, and just after the jump when the hour is skipped", () => {
    // Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST (at 01:00 UTC); 2026-10-25 03:00 CEST falls back to 02:00 CET.
    expect(localHourInstant("2026-03-29", 2, "Europe/Berlin")).toBe(at("2026-03-29T01:00:00Z"));
    expect(localHourInstant("2026-10-25", 2, "Europe/Berlin")).toBe(at("2026-10-25T00:00:00Z"));
    expect(localHourInstant("2026-10-26", 2, "Europe/Berlin")).toBe(at("2026-10-26T01:00:00Z"));
    expect(localHourInstant("2026-03-02", 8, "Asia/Kolkata")).toBe(at("2026-03-02T02:30:00Z"));
  });
});

describe("digest scheduler", () => {
  it("sends once per slot, retries after a failed delivery, and stays quiet outside the grace period", async () => {
    const clock = manualClock(at("2026-03-02T07:00:00Z"));
    const claimed = new Set<string>();
    const sent: string[] = [];
    let fail = true;
    const s = createDigestScheduler({
      clock, log: quiet, weekday: "mon", hour: 8,
      claim: async (k) => !claimed.has(k) && Boolean(claimed.add(k)),
      release: async (k) => void claimed.delete(k),
      send: async (weekEnd) => {
        if (fail) return { ok: false, error: "receiver answered 500" };
        sent.push(weekEnd);
        return { ok: true };
      },
    });
    // Last week's slot is more than a day old: nothing to catch up on.
    expect(await s.tick()).toBe("not_due");
    clock.advance(3_600_000); // 08:00
    expect(await s.tick()).toBe("failed");
    fail = false;
    expect(await s.tick()).toBe("sent");
    expect(sent).toEqual(["2026-03-01"]);
    expect(await s.tick()).toBe("already_sent");
    clock.advance(24 * 3_600_000);
    expect(await s.tick()).toBe("not_due");
    clock.advance(6 * 24 * 3_600_000);
    expect(await s.tick()).toBe("sent");
    expect(sent).toEqual(["2026-03-01", "2026-03-08"]);
  });
});

describe("weekly digest webhook on two nodes", () => {
  const file = join(tmpdir(), `tandem-digest-${process.pid}-${Date.now()}.db`);
  const secret = "digest-secret-0123456789";
  const clock = manualClock(at("2026-03-01T12:00:00Z")); // a Sunday
  const received: { type: string; id: string; data: { weekStart: string; weekEnd: string; timeZone: string; title: string } }[] = [];
  let receiver: Server;
  let nodes: Tandem[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const signed = verifySignature(String(req.headers["x-tandem-signature"]), body, secret);
        if (signed.ok) received.push(JSON.parse(body));
        res.writeHead(signed.ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const env = {
      DATABASE_URL: `sqlite:${file}`, WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, WEBHOOK_SECRET: secret,
      DIGEST_WEEKDAY: "mon", DIGEST_HOUR: "8", ANALYTICS_TIME_ZONE: "America/New_York", ANALYTICS_REFRESH_SECONDS: "0",
    };
    nodes = [await startTandem(env, { clock, digestTickMs: 10 }), await startTandem(env, { clock, digestTickMs: 10 })];
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await new Promise<void>((r) => receiver?.close(() => r()));
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  });

  const settle = () => new Promise((r) => setTimeout(r, 300));

  it("delivers the digest once at Monday 08:00 New York time, then again a week later across the clock change", async () => {
    await settle();
    expect(received).toEqual([]);
    clock.advance(24 * 3_600_000 + 59 * 60_000); // Monday 12:59 UTC: 07:59 in New York
    await settle();
    expect(received).toEqual([]);
    clock.advance(60_000); // 08:00 EST
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    await settle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: "digest.weekly", id: expect.stringMatching(/^evt_/), data: { weekStart: "2026-02-23", weekEnd: "2026-03-01" } });
    expect(received[0]!.data).toMatchObject({ timeZone: "America/New_York", title: "Tandem weekly digest, 2026-02-23 to 2026-03-01 (America/New_York)" });
    clock.advance(7 * 24 * 3_600_000 - 3_600_000); // Monday 2026-03-09 12:00 UTC: 08:00 EDT, an hour earlier in UTC
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(2);
    await settle();
    expect(received).toHaveLength(2);
    expect(received[1]!.data.weekEnd).toBe("2026-03-08");
  });
});
