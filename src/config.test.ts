import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

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
});
