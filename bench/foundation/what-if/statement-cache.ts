// What-if preload for the foundation benchmark, not product code: Kysely's SQLite driver calls
// better-sqlite3's prepare() for every query, which the server's CPU profile shows as ~20% of its time. Loaded
// into the Tandem child with `--server-node-arg=--import=./bench/foundation/what-if/statement-cache.ts`, it
// memoizes prepared statements per SQL text so the benchmark can measure what that change would buy.
//
// Safe for this measurement because statements are only run with all()/run() on the server's request path (a
// statement cannot be reused while an iterate() over it is open, which Kysely's stream() would do).

import Database from "better-sqlite3";

type Statement = ReturnType<Database.Database["prepare"]>;
const MAX_STATEMENTS = 500; // Kysely emits parameterized SQL, so the distinct texts are few (IN lists vary by length)

const caches = new WeakMap<Database.Database, Map<string, Statement>>();
const original = Database.prototype.prepare;

Database.prototype.prepare = function prepare(this: Database.Database, source: string): Statement {
  let cache = caches.get(this);
  if (!cache) caches.set(this, (cache = new Map()));
  const hit = cache.get(source);
  if (hit) {
    // Refresh its place so the Map's insertion order is least-recently-used first.
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const statement = original.call(this, source) as Statement;
  cache.set(source, statement);
  if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
  return statement;
} as typeof original;
