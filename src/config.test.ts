import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, slaPolicyOf } from "./config.ts";
import { DEFAULT_SLA_POLICY } from "./domain/sla/index.ts";

describe("configuration", () => {
  it("defaults to the embedded SQLite file on port 3000", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBe("sqlite:./data/tandem.db");
  });
  it("accepts PostgreSQL URLs", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/tandem" }).DATABASE_URL).toMatch(/^postgres/);
  });
  it("refuses bad values with a message naming each variable", () => {
    expect(() => loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x" });
    } catch (e) {
      expect((e as Error).message).toContain("PORT");
      expect((e as Error).message).toContain("DATABASE_URL");
    }
  });
  it("is frozen", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
  it("reads the SLA targets per tier in minutes, defaulting to the desk's own policy", () => {
    expect(slaPolicyOf(loadConfig({}))).toEqual(DEFAULT_SLA_POLICY);
    expect(slaPolicyOf(loadConfig({ SLA_FIRST_RESPONSE_MINUTES: "2, 10, 60", SLA_WAITING_MINUTES: "1,5,0.5", SLA_WARN_AT: "0.5" }))).toEqual({
      tiers: {
        1: { firstResponseMs: 120_000, waitingMs: 60_000 },
        2: { firstResponseMs: 600_000, waitingMs: 300_000 },
        3: { firstResponseMs: 3_600_000, waitingMs: 30_000 },
      },
      warnAtFraction: 0.5,
    });
    for (const bad of ["5,15", "5,15,30,60", "5,0,30", "5,x,30", "5,15,20000"])
      expect(() => loadConfig({ SLA_WAITING_MINUTES: bad }), bad).toThrow(/SLA_WAITING_MINUTES: must be three minute counts/);
    expect(() => loadConfig({ SLA_WARN_AT: "1" })).toThrow(/SLA_WARN_AT/);
  });
  it("tells a deployment still setting a replaced variable what replaced it", () => {
    expect(() => loadConfig({ DIGEST_HOUR_UTC: "9" })).toThrow(/DIGEST_HOUR_UTC: was replaced by DIGEST_HOUR, an hour in ANALYTICS_TIME_ZONE/);
    expect(loadConfig({ DIGEST_HOUR: "9" }).DIGEST_HOUR).toBe(9);
    expect(() => loadConfig({ DIGEST_HOUR: "24" })).toThrow(/DIGEST_HOUR/);
  });
});
