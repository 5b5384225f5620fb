// Shared plumbing for the browser tests: Chromium discovery (skip loudly, or fail under TANDEM_STRICT=1), a built
// web/dist, a real Tandem listening on a real port, and helpers to drive the widget and the console.

import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { Tandem, TandemOverrides } from "../../src/main.ts";
import { startTandem } from "../../test/support/tandem.ts";
import { buildWebIfNeeded } from "../build-if-missing.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const STRICT = process.env.TANDEM_STRICT === "1";
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-artifacts", "screenshots");

/** True when the browser suites should run; says so loudly (or throws under TANDEM_STRICT=1) when they cannot. */
export function browserAvailable(suite: string): boolean {
  if (hasChromium) return true;
  const msg = `Chromium not found at ${CHROMIUM}: the browser suite "${suite}" cannot run (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (STRICT) throw new Error(`${msg}. TANDEM_STRICT=1 requires it.`);
  console.warn(`\n!!! ${msg}. SKIPPED.\n`);
  return false;
}

const LOCK = join(import.meta.dirname, "..", "dist.lock");

/** Builds web/dist once even when several test files (in parallel workers) ask at the same time. */
export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another worker is building; a lock older than two minutes is a crashed build.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error("timed out waiting for another worker's web build");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await buildWebIfNeeded(() => {});
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

export interface RunningTandem {
  tandem: Tandem;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A real Tandem on a real port (0 = any free one), with quiet logs and generous rate limits. */
export async function serve(env: Record<string, string> = {}, overrides: TandemOverrides = {}, port = 0): Promise<RunningTandem> {
  const tandem = await startTandem(env, overrides);
  await tandem.app.listen({ port, host: "127.0.0.1" });
  const address = tandem.app.server.address();
  if (!address || typeof address === "string") throw new Error("server has no port");
  return { tandem, url: `http://127.0.0.1:${address.port}`, port: address.port, close: () => tandem.close() };
}

export async function createAgent(t: Tandem, email: string, displayName: string, opts: { role?: "agent" | "supervisor"; tier?: 1 | 2 | 3 } = {}) {
  const password = "correct-horse-battery";
  const user = await t.users.create({ email, password, displayName, role: opts.role ?? "agent", tier: opts.tier ?? 1 });
  return { user, email, password };
}

/** Watches a page for the two ways injected markup would show itself: a dialog (alert) and a script error. */
export function watchForInjection(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  return seen;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens the demo shop and the chat panel. Playwright's locators pierce the widget's open shadow root. */
export async function openWidget(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/demo`);
  await page.getByTestId("tandem-launcher").click();
  await page.getByTestId("tandem-input").waitFor();
  return page;
}

export async function customerSays(page: Page, text: string): Promise<void> {
  await page.getByTestId("tandem-input").fill(text);
  await page.getByTestId("tandem-input").press("Enter");
  // Sent once the server's copy (with a seq) replaced the pending bubble.
  await page.locator(`[data-author="customer"][data-seq]`, { hasText: text }).first().waitFor();
}

export async function loginConsole(context: BrowserContext, url: string, email: string, password: string, path = "/console"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}${path}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("stream-state").filter({ hasText: "Live" }).waitFor();
  return page;
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A stand-in for the knowledge-base responder (issue 4) in the browser tests: answers from a fixed script so the
 * widget's rendering of AI answers, citations and action confirmations can be tested without a knowledge base.
 * Triage stays the real one: it still decides when a conversation goes to people.
 */
export const scriptedResponder: NonNullable<TandemOverrides["responder"]> = {
  async respond({ message }) {
    const text = message.text.toLowerCase();
    if (text.includes("cancel my order")) {
      return {
        kind: "reply",
        text: "I can cancel order NW-1042 for you. Shall I go ahead?",
        meta: { kind: "action_confirmation", prompt: "Cancel order NW-1042?", options: [{ id: "yes", label: "Yes, cancel it" }, { id: "no", label: "No, keep it" }] },
      };
    }
    if (text.includes("sources")) {
      return {
        kind: "reply",
        text: "Here is what I found.",
        meta: {
          citations: [
            { documentId: "d-safe", title: "Returns policy", url: "https://northwind.example/help/returns" },
            { documentId: "d-evil", title: "Totally safe link", url: "javascript:alert(4)" },
          ],
        },
      };
    }
    return {
      kind: "reply",
      text: "Orders ship within 2 working days and arrive 3–5 days later. Your tracking link is in the confirmation email.",
      meta: { citations: [{ documentId: "d-ship", title: "Shipping times", url: "https://northwind.example/help/shipping" }] },
    };
  },
};
