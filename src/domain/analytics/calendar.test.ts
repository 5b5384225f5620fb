import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  dayIndexIn,
  dayLabel,
  dayLabels,
  dayStartMs,
  dayStarts,
  HOUR_MS,
  localDayOf,
  localDays,
  offsetAt,
  splitHours,
} from "./calendar.ts";

const at = (iso: string) => Date.parse(iso);
const lengthsInHours = (starts: number[]) => starts.slice(1).map((s, i) => (s - (starts[i] as number)) / HOUR_MS);

describe("local days", () => {
  it("makes New York's spring-forward day 23 hours and its fall-back day 25 hours", () => {
    const spring = localDays("2026-03-07", "2026-03-09", "America/New_York");
    expect(spring.startMs).toBe(at("2026-03-07T05:00:00Z")); // midnight EST
    expect(dayStarts(spring)).toEqual([
      at("2026-03-07T05:00:00Z"),
      at("2026-03-08T05:00:00Z"),
      at("2026-03-09T04:00:00Z"), // midnight EDT
      at("2026-03-10T04:00:00Z"),
    ]);
    expect(lengthsInHours(dayStarts(spring))).toEqual([24, 23, 24]);
    const fall = localDays("2026-10-31", "2026-11-02", "America/New_York");
    expect(lengthsInHours(dayStarts(fall))).toEqual([24, 25, 24]);
    expect(fall.offsets).toEqual([
      { from: at("2026-10-31T04:00:00Z"), offsetMs: -4 * HOUR_MS },
      { from: at("2026-11-01T06:00:00Z"), offsetMs: -5 * HOUR_MS }, // 02:00 EDT becomes 01:00 EST
    ]);
  });

  it("puts a New York evening on its own day, not on the next UTC day", () => {
    expect(localDayOf(at("2026-03-09T03:59:59Z"), "America/New_York")).toBe("2026-03-08"); // 23:59 EDT
    expect(localDayOf(at("2026-03-09T04:00:00Z"), "America/New_York")).toBe("2026-03-09");
    expect(localDayOf(at("2026-03-08T04:59:59Z"), "America/New_York")).toBe("2026-03-07"); // 23:59 EST
    expect(localDayOf(at("2026-03-09T03:59:59Z"), "UTC")).toBe("2026-03-09");
  });

  it("starts a day whose midnight a DST change skips at the change (Santiago springs forward at 00:00)", () => {
    // 2026-09-05 23:59:59 −04 is followed by 2026-09-06 01:00:00 −03.
    expect(dayStartMs("2026-09-06", "America/Santiago")).toBe(at("2026-09-06T04:00:00Z"));
    expect(lengthsInHours(dayStarts(localDays("2026-09-05", "2026-09-06", "America/Santiago")))).toEqual([24, 23]);
    // The fall-back repeats 23:00-24:00 of April 4: a 25-hour day whose local date never goes backwards.
    expect(lengthsInHours(dayStarts(localDays("2026-04-04", "2026-04-05", "America/Santiago")))).toEqual([25, 24]);
  });

  it("handles half-hour DST (Lord Howe) and quarter-hour offsets (Kathmandu)", () => {
    expect(lengthsInHours(dayStarts(localDays("2026-10-03", "2026-10-05", "Australia/Lord_Howe")))).toEqual([24, 23.5, 24]);
    expect(offsetAt(at("2026-06-01T00:00:00Z"), "Asia/Kathmandu")).toBe(5.75 * HOUR_MS);
    expect(dayStartMs("2026-06-01", "Asia/Kathmandu")).toBe(at("2026-05-31T18:15:00Z"));
  });

  it("names the UTC hours a day boundary cuts in two: none in whole-hour zones, one a day in India", () => {
    expect(splitHours(localDays("2026-03-01", "2026-03-31", "America/New_York"))).toEqual([]);
    expect(splitHours(localDays("2026-03-01", "2026-03-31", "UTC"))).toEqual([]);
    // Indian midnight is 18:30 UTC: the hour 18:00-19:00 UTC belongs half to each day.
    expect(splitHours(localDays("2026-03-01", "2026-03-02", "Asia/Kolkata"))).toEqual([
      at("2026-02-28T18:00:00Z"),
      at("2026-03-01T18:00:00Z"),
      at("2026-03-02T18:00:00Z"),
    ]);
  });

  it("labels every day of a range, leap days included", () => {
    expect(dayLabels(localDays("2028-02-27", "2028-03-01", "Pacific/Auckland"))).toEqual(["2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"]);
  });

  it("agrees with the zone database on the day of any instant, in any zone", () => {
    const zones = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Pago_Pago"];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (zone, startOffset, days, where) => {
        const first = new Date(Date.UTC(2025, 0, 1) + startOffset * 86_400_000).toISOString().slice(0, 10);
        const last = new Date(Date.UTC(2025, 0, 1) + (startOffset + days - 1) * 86_400_000).toISOString().slice(0, 10);
        const range = localDays(first, last, zone);
        const ms = Math.min(range.endMs - 1, range.startMs + Math.floor(where * (range.endMs - range.startMs)));
        expect(dayLabel(range, dayIndexIn(range, ms))).toBe(localDayOf(ms, zone));
        const starts = dayStarts(range);
        expect(starts.slice(0, -1)).toEqual(dayLabels(range).map((d) => dayStartMs(d, zone)));
        // Each boundary is exact: the instant before it is on the previous day.
        for (const [i, s] of starts.slice(1, -1).entries()) expect(localDayOf(s - 1, zone)).toBe(dayLabels(range)[i]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("time zone names", () => {
  it("accepts IANA names in their canonical spelling and refuses the rest", () => {
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimeZone("america/new_york")).toBe("America/New_York");
    expect(canonicalTimeZone("utc")).toBe("UTC");
    expect(canonicalTimeZone("Etc/GMT+5")).toBe("Etc/GMT+5");
    for (const bad of ["", "Mars/Olympus", "+05:30", "-0400", "America/New York", "../etc/passwd", "x".repeat(65)]) expect(canonicalTimeZone(bad), bad).toBeNull();
  });
});
