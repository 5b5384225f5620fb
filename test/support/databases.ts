// Which databases a suite runs against. SQLite always; PostgreSQL when TANDEM_TEST_PG_URL is set. Under
// TANDEM_STRICT=1 (CI) a missing service is a failure, never a silent skip.

import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  name: "sqlite" | "postgres";
  /** Creates a fresh, empty database and returns its URL plus a cleanup. */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

const strict = process.env.TANDEM_STRICT === "1";
let warned = false;

export function requireService(name: string, envVar: string): string | undefined {
  const value = process.env[envVar];
  if (value) return value;
  if (strict) throw new Error(`${name} is required in strict mode (TANDEM_STRICT=1) but ${envVar} is not set`);
  if (!warned) {
    warned = true;
    console.warn(`\n!!! ${name} suites SKIPPED: ${envVar} is not set. Run: eval "$(scripts/test-services.sh start)" !!!\n`);
  }
  return undefined;
}

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: "sqlite",
      async create() {
        return { url: "sqlite::memory:", drop: async () => {} };
      },
    },
  ];
  const pgUrl = requireService("PostgreSQL", "TANDEM_TEST_PG_URL");
  if (pgUrl) {
    list.push({
      name: "postgres",
      async create() {
        const dbName = `tandem_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${dbName}`);
        await admin.end();
        const url = new URL(pgUrl);
        url.pathname = `/${dbName}`;
        return {
          url: url.toString(),
          async drop() {
            const c = new pg.Client({ connectionString: pgUrl });
            await c.connect();
            await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
            await c.end();
          },
        };
      },
    });
  }
  return list;
}
