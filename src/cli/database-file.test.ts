import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DatabaseFileError,
  databaseFileState,
  databaseUrlFromEnv,
  requireExistingDatabase,
  sqliteFile,
} from "./database-file.ts";

const dir = mkdtempSync(join(tmpdir(), "tandem-db-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): DatabaseFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DatabaseFileError) return err;
    throw err;
  }
  throw new Error("expected a DatabaseFileError");
}

describe("DATABASE_URL for CLI commands", () => {
  it("uses the server's default when DATABASE_URL is unset or blank", () => {
    expect(databaseUrlFromEnv({})).toBe("sqlite:./data/tandem.db");
    expect(databaseUrlFromEnv({ DATABASE_URL: "  " })).toBe("sqlite:./data/tandem.db");
    expect(databaseUrlFromEnv({ DATABASE_URL: " postgres://u@h/db " })).toBe("postgres://u@h/db");
  });

  it("refuses a URL the server's configuration would refuse, with DATABASE_URL_INVALID", () => {
    for (const bad of ["mysql://h/db", "sqlite:", "./data/tandem.db"]) {
      const err = thrown(() => databaseUrlFromEnv({ DATABASE_URL: bad }));
      expect(err.code).toBe("DATABASE_URL_INVALID");
      expect(err.message).toContain(JSON.stringify(bad));
    }
  });

  it("resolves a SQLite path against the working directory and has no file for PostgreSQL or memory", () => {
    expect(sqliteFile("sqlite:./data/x.db")).toBe(resolve("data/x.db"));
    expect(sqliteFile("sqlite::memory:")).toBeNull();
    expect(sqliteFile("postgres://h/db")).toBeNull();
  });

  it("tells a database file from a missing path and from a directory", () => {
    const file = join(dir, "there.db");
    writeFileSync(file, "");
    mkdirSync(join(dir, "folder.db"));
    expect(databaseFileState(`sqlite:${file}`)).toBe("file");
    expect(databaseFileState(`sqlite:${join(dir, "typo.db")}`)).toBe("missing");
    expect(databaseFileState(`sqlite:${join(file, "below.db")}`)).toBe("missing");
    expect(databaseFileState(`sqlite:${join(dir, "folder.db")}`)).toBe("not-a-file");
    expect(databaseFileState("postgres://h/db")).toBeNull();
  });
});

describe("requireExistingDatabase", () => {
  it("accepts an existing file, PostgreSQL and an in-memory database", () => {
    const file = join(dir, "exists.db");
    writeFileSync(file, "");
    expect(() => requireExistingDatabase(`sqlite:${file}`)).not.toThrow();
    expect(() => requireExistingDatabase("postgres://h/db")).not.toThrow();
    expect(() => requireExistingDatabase("sqlite::memory:")).not.toThrow();
  });

  it("refuses a missing file with DATABASE_NOT_FOUND naming the URL and the absolute path", () => {
    const url = `sqlite:${join(dir, "tandme.db")}`;
    const err = thrown(() => requireExistingDatabase(url, { DATABASE_URL: url }));
    expect(err.code).toBe("DATABASE_NOT_FOUND");
    expect(err.message).toContain(`DATABASE_URL names ${url}, but ${join(dir, "tandme.db")} does not exist`);
  });

  it("says when the missing file is the default path because DATABASE_URL is unset", () => {
    const err = thrown(() => requireExistingDatabase("sqlite:./no-such-dir/tandem.db", {}));
    expect(err.message).toContain(`DATABASE_URL is unset, so the default sqlite:./no-such-dir/tandem.db`);
    expect(err.message).toContain(process.cwd());
  });

  it("refuses a directory where the database file should be", () => {
    const url = `sqlite:${join(dir, "a-dir.db")}`;
    mkdirSync(join(dir, "a-dir.db"));
    expect(thrown(() => requireExistingDatabase(url, { DATABASE_URL: url })).message).toContain(
      "is not a file",
    );
  });
});
