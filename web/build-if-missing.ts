// `npm start`'s prestart: builds the web apps when web/dist is missing or older than their sources, and does
// nothing (in a few milliseconds) otherwise.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;
const SOURCES = ["widget", "console", "admin", "shared", "demo"].map((d) => join(here, d));
const STAMP = join(here, "dist", "build.json");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Why the build is needed, or null when web/dist is complete and newer than every source file. */
export function staleReason(): string | null {
  if (!existsSync(STAMP)) return "web/dist is missing";
  const built = statSync(STAMP).mtimeMs;
  const sources = Math.max(statSync(join(here, "vite.config.ts")).mtimeMs, ...SOURCES.filter(existsSync).map(newestSource));
  return sources > built ? "web sources changed since the last build" : null;
}

export async function buildWebIfNeeded(log: (line: string) => void = console.log): Promise<boolean> {
  const reason = staleReason();
  if (!reason) return false;
  log(`Building the web apps (${reason})…`);
  const { buildWeb } = await import("./build.ts");
  await buildWeb(log);
  return true;
}

if (import.meta.main) {
  buildWebIfNeeded().catch((err: unknown) => {
    console.error("web build failed:", err);
    process.exit(1);
  });
}
