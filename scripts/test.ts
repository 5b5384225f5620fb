// `npm test`: type-check, lint, then every Vitest suite; ends with the line CI reads: "N passed, N failed".
// Without PostgreSQL/Redis/Chromium the service suites skip loudly; with TANDEM_STRICT=1 (CI) they fail instead.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
let passed = 0;
let failed = 0;

function check(name: string, cmd: string, cmdArgs: string[]): void {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit" });
  if (r.status === 0) {
    passed++;
    console.log(`✓ ${name}`);
  } else {
    failed++;
    console.log(`✗ ${name} (exit ${r.status})`);
  }
}

if (!args.length) {
  check("typecheck", bin("tsc"), ["-p", ".", "--noEmit"]);
  check("typecheck web", bin("tsc"), ["-p", "web", "--noEmit"]);
  check("lint", bin("eslint"), ["--max-warnings=0", "src", "bench", "test", "scripts", "web"]);
}

const outDir = join(root, "test-artifacts");
mkdirSync(outDir, { recursive: true });
const report = join(outDir, "vitest.json");
rmSync(report, { force: true });
const strict = process.env.TANDEM_STRICT === "1";
if (!strict) {
  const missing = ["TANDEM_TEST_PG_URL", "TANDEM_TEST_REDIS_URL"].filter((v) => !process.env[v]);
  if (missing.length) {
    console.warn(`\n!!! ${missing.join(", ")} not set: PostgreSQL/Redis suites will be SKIPPED.`);
    console.warn(`!!! Start throwaway services with: eval "$(scripts/test-services.sh start)"\n`);
  }
}
const vitest = spawnSync(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...args], {
  cwd: root,
  stdio: "inherit",
});
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numFailedTestSuites: number };
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  if (r.numPendingTests) console.log(`(${r.numPendingTests} skipped)`);
} else {
  failed++;
  console.log(`✗ vitest produced no report (exit ${vitest.status})`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
