// `npm run build:web`: builds the widget and the console with Vite and copies the demo shop page into web/dist.

import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "vite";
import { adminConfig, consoleConfig, webDist, widgetConfig } from "./vite.config.ts";

export async function buildWeb(log: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  // Vite only picks production JSX and minification settings when NODE_ENV is production, and keeps whatever the
  // caller set (vitest sets "test"): a build started from a test must still be the production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build(widgetConfig());
    await build(consoleConfig());
    await build(adminConfig());
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const demoOut = join(webDist, "demo");
  rmSync(demoOut, { recursive: true, force: true });
  mkdirSync(demoOut, { recursive: true });
  cpSync(join(import.meta.dirname, "demo"), demoOut, { recursive: true });
  precompress(join(webDist, "widget"));
  precompress(join(webDist, "console", "assets"));
  precompress(join(webDist, "admin", "assets"));
  // Written last: its presence means the whole build finished (build-if-missing checks it).
  writeFileSync(join(webDist, "build.json"), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
  log(`web apps built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${webDist}`);
}

/** Writes .br and .gz next to each script and stylesheet: the server sends them as they are, with no CPU per request. */
function precompress(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const data = readFileSync(join(dir, name));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

if (import.meta.main) {
  buildWeb().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
