import { describe, expect, it } from "vitest";
import type { BusinessHours } from "../model.ts";
import { businessHoursSchema, hoursState, nextOpening } from "./business-hours.ts";

const paris: BusinessHours = {
  tz: "Europe/Paris",
  days: {
    mon: ["09:00", "17:00"],
    tue: ["09:00", "17:00"],
    wed: ["09:00", "17:00"],
    thu: ["09:00", "17:00"],
    fri: ["09:00", "17:00"],
  },
};

describe("business hours", () => {
  it("treats an agent without hours as always available", () => {
    expect(hoursState(null, Date.UTC(2026, 0, 1))).toEqual({ open: true, changesAt: null });
  });

  it("opens and closes on the agent's wall clock in winter and in summer", () => {
    // Wednesday 4 March 2026: Paris is UTC+1. Wednesday 1 July 2026: UTC+2.
    expect(hoursState(paris, Date.UTC(2026, 2, 4, 8, 30))).toEqual({
      open: true,
      changesAt: Date.UTC(2026, 2, 4, 16, 0),
    });
    expect(hoursState(paris, Date.UTC(2026, 2, 4, 7, 59)).open).toBe(false);
    expect(hoursState(paris, Date.UTC(2026, 6, 1, 7, 30))).toEqual({
      open: true,
      changesAt: Date.UTC(2026, 6, 1, 15, 0),
    });
  });

  it("finds Monday's opening from a Friday evening, across the weekend", () => {
    expect(nextOpening(paris, Date.UTC(2026, 2, 6, 18, 0))).toBe(Date.UTC(2026, 2, 9, 8, 0));
  });

  it("finds the opening across a daylight-saving change", () => {
    // Clocks go forward on Sunday 29 March 2026; Monday 30 March opens at 07:00 UTC.
    expect(nextOpening(paris, Date.UTC(2026, 2, 27, 18, 0))).toBe(Date.UTC(2026, 2, 30, 7, 0));
  });

  it("handles a night shift that runs past midnight", () => {
    const night: BusinessHours = { tz: "UTC", days: { tue: ["22:00", "06:00"] } };
    expect(hoursState(night, Date.UTC(2026, 2, 3, 23, 0))).toEqual({
      open: true,
      changesAt: Date.UTC(2026, 2, 4, 6, 0),
    });
    expect(hoursState(night, Date.UTC(2026, 2, 4, 5, 59)).open).toBe(true);
    expect(hoursState(night, Date.UTC(2026, 2, 4, 6, 0)).open).toBe(false);
  });

  it("merges back-to-back days into one continuous shift", () => {
    const allWeek: BusinessHours = {
      tz: "UTC",
      days: {
        mon: ["00:00", "24:00"],
        tue: ["00:00", "24:00"],
        wed: ["00:00", "24:00"],
        thu: ["00:00", "24:00"],
        fri: ["00:00", "24:00"],
        sat: ["00:00", "24:00"],
        sun: ["00:00", "24:00"],
      },
    };
    expect(hoursState(allWeek, Date.UTC(2026, 2, 4, 3, 0))).toEqual({ open: true, changesAt: null });
  });

  it("is never open with no days configured, and closed rather than guessing on an unknown zone", () => {
    expect(hoursState({ tz: "UTC", days: {} }, Date.UTC(2026, 2, 4))).toEqual({
      open: false,
      changesAt: null,
    });
    expect(
      hoursState({ tz: "Mars/Olympus", days: { wed: ["00:00", "24:00"] } }, Date.UTC(2026, 2, 4)).open,
    ).toBe(false);
  });

  it("rejects malformed schedules at the boundary", () => {
    expect(businessHoursSchema.safeParse(paris).success).toBe(true);
    expect(businessHoursSchema.safeParse({ tz: "Nowhere/City", days: {} }).success).toBe(false);
    expect(businessHoursSchema.safeParse({ tz: "UTC", days: { mon: ["9:00", "17:00"] } }).success).toBe(
      false,
    );
    expect(businessHoursSchema.safeParse({ tz: "UTC", days: { mon: ["09:00", "09:00"] } }).success).toBe(
      false,
    );
    expect(businessHoursSchema.safeParse({ tz: "UTC", days: { funday: ["09:00", "10:00"] } }).success).toBe(
      false,
    );
  });
});
