// Path traversal against every route that serves files (web apps, API docs): no encoding of ../ reaches a
// file outside the served folders, and every refusal is a coded error.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTandem } from "../support/tandem.ts";
import { errorBodyProblem, registeredRoutes } from "./fixtures.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const t = await startTandem({}, { triage: null });
afterAll(() => t.close());

/** Text that would only appear if a file outside the served folders leaked. */
const MARKERS = [
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).description as string,
  "root:x:0:0",
  "// The composition root", // src/main.ts
  "[extensions]", // a Windows ini
];

const TRICKS = [
  "../../package.json",
  "..%2f..%2fpackage.json",
  "..%2F..%2F..%2Fpackage.json",
  "%2e%2e%2f%2e%2e%2fpackage.json",
  "%2e%2e/%2e%2e/package.json",
  "..%5c..%5cpackage.json",
  "....//....//package.json",
  "..%252f..%252fpackage.json",
  "%c0%ae%c0%ae%2fpackage.json",
  "..%00/package.json",
  "package.json%00.js",
  "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
  "%2fetc%2fpasswd",
  "..%2f..%2fsrc%2fmain.ts",
  "x.js%2f..%2f..%2f..%2fpackage.json",
  "..;/..;/package.json",
  "%u002e%u002e/package.json",
];

/** The folder part of each file-serving route: where a traversal attempt starts from. */
const prefixes = [
  ...new Set(
    (await registeredRoutes(t))
      .filter((k) => /^GET \/(widget|console|demo|api\/docs)/.test(k))
      .map((k) => {
        const path = k.split(" ")[1] ?? "";
        if (/(\{[^}]+\}|\*)$/.test(path)) return path.replace(/\/?(\{[^}]+\}|\*)$/, "/");
        return path.endsWith("/") ? path : path.slice(0, path.lastIndexOf("/") + 1);
      }),
  ),
];

describe("path traversal on file-serving routes", () => {
  it("finds the file-serving routes", () => {
    expect(prefixes).toEqual(
      expect.arrayContaining(["/api/docs/static/", "/console/", "/console/assets/", "/widget/", "/demo/"]),
    );
  });

  it.each(prefixes)("serves nothing outside the app from %s", async (prefix) => {
    for (const trick of TRICKS) {
      const res = await t.app.inject({ method: "GET", url: `${prefix}${trick}` });
      const label = `${prefix}${trick} → ${res.statusCode}`;
      for (const marker of MARKERS) expect(res.body, label).not.toContain(marker);
      // 200 only where a single-page app answers every path with its own index page.
      if (res.statusCode === 200) expect(res.headers["content-type"], label).toMatch(/^text\/html/);
      else {
        expect([400, 403, 404, 503], label).toContain(res.statusCode);
        expect(errorBodyProblem(res), label).toBeNull();
      }
    }
  });
});
