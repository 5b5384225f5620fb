// The widget across a server restart and a lost response: the customer's messages are neither lost nor doubled,
// the agent's replies sent meanwhile arrive once, and a page reload shows the same history.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, createAgent, customerSays, ensureWebBuilt, launchBrowser, openWidget, type RunningTandem, screenshot, serve } from "./support.ts";

const run = browserAvailable("widget restart");

async function api(url: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The conversation as the widget shows it: author and text of every server-confirmed message, in screen order. */
async function shown(page: Page) {
  return page.locator("[data-author][data-seq]").evaluateAll((els) =>
    els.map((e) => ({ seq: Number(e.getAttribute("data-seq")), author: e.getAttribute("data-author"), text: e.querySelector(".bubble")?.textContent ?? e.textContent ?? "" })),
  );
}

describe.skipIf(!run)("widget resilience in Chromium", () => {
  let dir: string;
  let srv: RunningTandem | null = null;
  let browser: Browser;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureWebBuilt();
    dir = mkdtempSync(join(tmpdir(), "tandem-web-restart-"));
    env = { DATABASE_URL: `sqlite:${join(dir, "tandem.db")}`, TANDEM_AI: "off" };
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("survives a lost response and a server restart mid-conversation without losing or duplicating a message", async () => {
    srv = await serve(env);
    const port = srv.port;
    const url = srv.url;
    const agent = await createAgent(srv.tandem, "ana@northwind.test", "Ana");
    const login = await api(url, "POST", "/api/v1/auth/login", null, { email: agent.email, password: agent.password });
    const agentToken = login.body.token as string;

    const page = await openWidget(await browser.newContext({ viewport: { width: 1280, height: 820 } }), url);
    await customerSays(page, "m1: my parcel is damaged");
    const session = await page.evaluate(() => {
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (k?.endsWith(":session")) return JSON.parse(localStorage.getItem(k) as string) as { conversationId: string };
      }
      return null;
    });
    const id = session?.conversationId as string;
    expect((await api(url, "POST", `/api/v1/conversations/${id}/claim`, agentToken, {})).status).toBe(200);
    expect((await api(url, "POST", `/api/v1/conversations/${id}/messages`, agentToken, { clientMessageId: "a1", text: "a1: sorry! Can you send a photo?" })).status).toBe(201);
    await page.locator('[data-author="agent"][data-seq]', { hasText: "a1:" }).waitFor();

    // The server stores m2, but its response never reaches the browser. The widget learns of it from the stream
    // or by re-posting with the same clientMessageId (idempotent): either way it must show it once.
    let intercepted = 0;
    await page.route("**/api/v1/conversations/*/messages", async (route) => {
      if (route.request().method() !== "POST" || intercepted++ > 0) return route.continue();
      const response = await route.fetch();
      expect(response.status()).toBe(201);
      await route.abort("connectionreset");
    });
    await customerSays(page, "m2: here is the photo description");
    expect(intercepted).toBeGreaterThanOrEqual(1);
    await page.unroute("**/api/v1/conversations/*/messages");

    // The server goes away; the customer keeps typing.
    await srv.close();
    srv = null;
    await page.getByRole("status").filter({ hasText: "Reconnecting" }).waitFor();
    await page.getByTestId("tandem-input").fill("m3: are you still there?");
    await page.getByTestId("tandem-input").press("Enter");
    await page.locator('[data-pending="queued"]', { hasText: "m3:" }).waitFor();
    await screenshot(page, "widget-offline-queue");

    // Back on the same port and database; the agent answers before the widget has even reconnected.
    srv = await serve(env, {}, port);
    expect((await api(url, "POST", `/api/v1/conversations/${id}/messages`, agentToken, { clientMessageId: "a2", text: "a2: yes, still here" })).status).toBe(201);
    await page.locator('[data-author="customer"][data-seq]', { hasText: "m3:" }).waitFor({ timeout: 30_000 });
    await page.locator('[data-author="agent"][data-seq]', { hasText: "a2:" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("[data-pending]").count()).toBe(0);

    const expectOnce = async () => {
      const list = await shown(page);
      const seqs = list.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      for (const prefix of ["m1:", "a1:", "m2:", "m3:", "a2:"]) expect(list.filter((m) => m.text.startsWith(prefix)), prefix).toHaveLength(1);
      return list;
    };
    const before = await expectOnce();
    await screenshot(page, "widget-after-restart");

    const stored = await srv.tandem.store.listMessages(id, { limit: 100 });
    for (const prefix of ["m1:", "m2:", "m3:"]) expect(stored.filter((m) => m.text.startsWith(prefix)), prefix).toHaveLength(1);
    expect(stored.map((m) => m.seq)).toEqual(before.map((m) => m.seq));

    // A reload replays the history from the server: the same messages, once each.
    await page.reload();
    await page.locator('[data-author="agent"][data-seq]', { hasText: "a2:" }).waitFor();
    expect((await expectOnce()).map((m) => m.seq)).toEqual(before.map((m) => m.seq));
  }, 90_000);
});
