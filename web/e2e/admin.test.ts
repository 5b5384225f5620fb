// The admin app in Chromium against a real server: the dashboard with its target band, marking an escalation and
// seeing the pattern chart change, editing a routing rule and seeing the preview change, managing canned responses,
// and a screenshot of every page (test-artifacts/screenshots/admin-*.png).

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type MockShop, startMockShop } from "../../src/adapters/actions/mock-shop.ts";
import { makePdf } from "../../src/adapters/knowledge/ingest/test-pdf.ts";
import { DEMO_ACTIONS_FILE } from "../../src/adapters/knowledge/demo-seed.ts";
import { bearer, signedCustomer } from "../../test/support/tandem.ts";
import { browserAvailable, ensureWebBuilt, launchBrowser, type RunningTandem, screenshot, scriptedResponder, serve } from "./support.ts";

const run = browserAvailable("admin");

async function customerWrites(url: string, text: string): Promise<string> {
  const c = (await (await fetch(`${url}/api/v1/conversations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { name: "Pat" } }) })).json()) as {
    conversation: { id: string };
    token: string;
  };
  const res = await fetch(`${url}/api/v1/conversations/${c.conversation.id}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(c.token) },
    body: JSON.stringify({ clientMessageId: "m1", text }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`post: ${res.status}`);
  return c.conversation.id;
}

describe.skipIf(!run)("admin app in Chromium", () => {
  let srv: RunningTandem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shop: MockShop;

  beforeAll(async () => {
    await ensureWebBuilt();
    shop = await startMockShop({ port: 0, host: "127.0.0.1" });
    srv = await serve({ ANALYTICS_REFRESH_SECONDS: "0", ACTIONS_FILE: DEMO_ACTIONS_FILE, ACTIONS_BASE_URL: shop.url }, { responder: scriptedResponder });
    await srv.tandem.users.create({ email: "boss@example.com", password: "correct-horse-battery", displayName: "Bo Admin", role: "admin", tier: 3 });
    await srv.tandem.desk.stop();
    await customerWrites(srv.url, "Where is my order NW-1042?");
    const asked = [await customerWrites(srv.url, "I want to talk to a real person please"), await customerWrites(srv.url, "Can I speak to a human about my account?")];
    // The reply, and so the escalation, follows the acknowledged message; the dashboard must see both.
    await vi.waitFor(
      async () => {
        for (const id of asked) expect((await srv.tandem.store.getConversation(id))?.status).toBe("waiting_human");
      },
      { timeout: 10_000 },
    );
    browser = await launchBrowser();
    // A New York browser: the dashboard asks for New York days and says so.
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: "en-US", timezoneId: "America/New_York" });
    page = await context.newPage();
    await page.goto(`${srv.url}/admin`);
    await page.getByLabel("Email").fill("boss@example.com");
    await page.getByLabel("Password").fill("correct-horse-battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Analytics" }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  it("shows the dashboard with the escalation target band and today's figures", async () => {
    await page.getByTestId("escalation-chart").waitFor();
    // The band is the operator's target from the overview, which may arrive after the chart's first paint.
    await page.getByTestId("target-band").waitFor();
    expect(await page.getByTestId("target-band").count()).toBe(1);
    await expect.poll(() => page.getByTestId("fig-conversations").innerText()).toContain("3");
    expect(await page.getByTestId("fig-escalation").innerText()).toContain("66.7%");
    expect(await page.locator('[data-testid="reasons-chart"] [data-key="human_requested"]').getAttribute("data-value")).toBe("2");
    expect(await page.getByTestId("time-zone").innerText()).toBe("days in America/New_York");
    // Both escalations are still queued under tier 1's SLA, nobody has answered, and neither target has passed yet.
    const tier1 = page.locator('[data-testid="sla-row"][data-tier="1"]');
    expect(await tier1.getByTestId("sla-escalations").innerText()).toBe("2");
    expect(await tier1.getByTestId("sla-still-queued").innerText()).toBe("2");
    expect(await page.getByTestId("fig-sla").innerText()).toContain("2 waiting within target");
    await screenshot(page, "admin-dashboard");
  });

  it("marks an escalation and sees the pattern chart update", async () => {
    await page.getByRole("link", { name: "Escalation review" }).click();
    await page.getByTestId("escalation-row").first().waitFor();
    await page.getByTestId("pattern-chart-empty").waitFor();
    page.once("dialog", (d) => void d.accept("account_access"));
    await page.getByTestId("escalation-row").first().getByRole("button", { name: "unnecessary" }).click();
    const bar = page.locator('[data-testid="pattern-chart"] [data-key="human_requested"]');
    await bar.waitFor();
    expect(await bar.getAttribute("data-unnecessary")).toBe("1");
    await page.getByTestId("escalation-row").nth(1).getByRole("button", { name: "correct" }).click();
    await expect.poll(() => bar.getAttribute("data-total")).toBe("2");
    expect(await bar.getAttribute("data-correct")).toBe("1");
    await screenshot(page, "admin-review");
  });

  it("edits a routing rule and sees the preview change", async () => {
    await page.getByRole("link", { name: "Routing rules" }).click();
    const editor = page.getByLabel("Rules YAML");
    await expect.poll(() => editor.inputValue()).toContain("human_requested");
    await page.getByRole("button", { name: "Preview on recent messages" }).click();
    await expect.poll(() => page.getByTestId("preview-human-after").innerText()).toBe("2");
    await editor.fill("reasons:\n  human_requested: { escalate: false, tier: 1 }\n");
    await page.getByRole("button", { name: "Preview on recent messages" }).click();
    await expect.poll(() => page.getByTestId("preview-human-after").innerText()).toBe("0");
    expect(await page.getByTestId("preview-changed").count()).toBe(2);
    await screenshot(page, "admin-rules");
  });

  it("shows agents, canned responses, AI feedback and providers", async () => {
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByLabel("Capacity of Bo Admin").waitFor();
    await screenshot(page, "admin-agents");
    await page.getByRole("link", { name: "Canned responses" }).click();
    await page.locator("code").first().waitFor();
    await screenshot(page, "admin-canned");
    await page.getByRole("link", { name: "AI feedback" }).click();
    await page.getByText("account_access").first().waitFor();
    await screenshot(page, "admin-feedback");
    await page.getByRole("link", { name: "Providers" }).click();
    await expect.poll(() => page.getByTestId("providers").innerText()).toContain("intentModel");
    await screenshot(page, "admin-providers");
  });

  it("creates a canned response with a live preview, and agents get it", async () => {
    await page.getByRole("link", { name: "Canned responses" }).click();
    await page.getByTestId("canned-row").first().waitFor();
    await page.getByRole("button", { name: "New response" }).click();
    const editor = page.getByTestId("canned-editor");
    await editor.getByLabel("Shortcut").fill("/kettle");
    await editor.getByLabel("Title").fill("Kettle warranty");
    await editor.getByLabel("Text").fill("Hi {{customer.firstName | there}}, order {{order.id}} is covered by the {{warranty.years}} year warranty.");
    await expect.poll(() => editor.getByTestId("canned-problems").innerText()).toContain("unknown variable {{warranty.years}}");
    await editor.getByRole("button", { name: "Save response" }).click();
    await expect.poll(() => editor.getByRole("alert").innerText()).toContain("unknown variable");
    await editor.getByLabel("Text").fill("Hi {{customer.firstName | there}}, order {{order.id}} is covered by our three year warranty.");
    await expect.poll(() => editor.getByTestId("canned-preview").innerText()).toBe("Hi Alex, order NW-1042 is covered by our three year warranty.");
    expect(await editor.getByTestId("canned-problems").count()).toBe(0);
    await editor.getByLabel("Intents").fill("warranty");
    await screenshot(page, "admin-canned-editor");
    await editor.getByRole("button", { name: "Save response" }).click();
    const row = page.locator('[data-testid="canned-row"][data-shortcut="/kettle"]');
    await row.waitFor();
    expect(await page.getByTestId("canned-editor").count()).toBe(0);
    expect(await row.innerText()).toContain("Bo Admin");
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, "admin-canned-created");

    // A second response may not take the same shortcut: the coded refusal is shown in the editor.
    await page.getByRole("button", { name: "New response" }).click();
    await page.getByTestId("canned-editor").getByLabel("Shortcut").fill("/kettle");
    await page.getByTestId("canned-editor").getByLabel("Title").fill("Duplicate");
    await page.getByTestId("canned-editor").getByLabel("Text").fill("Hello.");
    await page.getByTestId("canned-editor").getByRole("button", { name: "Save response" }).click();
    await expect.poll(() => page.getByTestId("canned-editor").getByRole("alert").innerText()).toContain("/kettle belongs to another response");
    await page.getByTestId("canned-editor").getByRole("button", { name: "Cancel" }).click();

    // Agents read the new response from their library endpoint (the console's /shortcut list).
    await srv.tandem.users.create({ email: "kim@example.com", password: "correct-horse-battery", displayName: "Kim Agent", role: "agent", tier: 1 });
    const login = (await (await fetch(`${srv.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "kim@example.com", password: "correct-horse-battery" }) })).json()) as { token: string };
    const library = (await (await fetch(`${srv.url}/api/v1/canned-responses`, { headers: bearer(login.token) })).json()) as { responses: { shortcut: string; text: string; intents: string[] }[] };
    expect(library.responses.find((r) => r.shortcut === "/kettle")).toMatchObject({ intents: ["warranty"], text: expect.stringContaining("three year warranty") });

    // Deleting it takes it away from agents too.
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete /kettle" }).click();
    await expect.poll(() => page.locator('[data-testid="canned-row"][data-shortcut="/kettle"]').count()).toBe(0);
    const after = (await (await fetch(`${srv.url}/api/v1/canned-responses`, { headers: bearer(login.token) })).json()) as { responses: { shortcut: string }[] };
    expect(after.responses.map((r) => r.shortcut)).not.toContain("/kettle");
  });

  it("uploads a PDF and sees it answer a test question with passages and scores", async () => {
    await page.getByRole("link", { name: "Knowledge", exact: true }).click();
    const pdf = await makePdf("Kettle warranty", [
      ["Kettle warranty", "Every Northwind kettle carries a three year warranty against manufacturing defects."],
      ["Making a claim", "To claim the warranty, email the serial number and a photo of the fault to our service team."],
    ]);
    await page.getByLabel("File to upload").setInputFiles({ name: "kettle-warranty.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.locator('[data-testid="job-row"][data-state="succeeded"]').waitFor();
    expect(await page.getByTestId("job-row").first().innerText()).toMatch(/2 pages · 1 documents/);
    await page.locator('[data-testid="source-row"][data-name="kettle-warranty.pdf"]').waitFor();

    await page.getByLabel("Test question", { exact: true }).fill("What warranty does a kettle have?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await expect.poll(() => page.getByTestId("answer").innerText()).toMatch(/three year warranty/i);
    expect(await page.getByTestId("citation").first().innerText()).toContain("Kettle warranty");
    expect(Number(await page.getByTestId("passage-score").first().innerText())).toBeGreaterThan(0);
    await screenshot(page, "admin-knowledge");

    // A file that only claims to be a PDF is refused with its code, and nothing is queued.
    await page.getByLabel("File to upload").setInputFiles({ name: "fake.pdf", mimeType: "application/pdf", buffer: Buffer.from("hello") });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("not a PDF");
  });

  it("runs a test call of an action as a chosen customer", async () => {
    const c = (await (await fetch(`${srv.url}/api/v1/conversations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: signedCustomer({ externalId: "shop-user-7", name: "Dee", email: "demo.customer@example.com" }) }) })).json()) as {
      conversation: { id: string };
    };
    const customerId = (await srv.tandem.store.getConversation(c.conversation.id))!.customerId;
    await page.getByRole("link", { name: "Actions", exact: true }).click();
    const card = page.locator('[data-testid="action-card"][data-name="lookup_order"]');
    await card.waitFor();
    await card.getByLabel("Customer id for lookup_order").fill(customerId);
    await card.getByLabel("orderId for lookup_order").fill("LC-10234");
    await card.getByRole("button", { name: "Test call" }).click();
    await expect.poll(() => card.getByTestId("action-result").getAttribute("data-ok")).toBe("true");
    expect(await card.getByTestId("action-result").innerText()).toContain("Order LC-10234 is");
    await screenshot(page, "admin-actions");
  });

  it("edits an agent's business hours", async () => {
    await page.getByRole("link", { name: "Agents", exact: true }).click();
    await page.getByRole("button", { name: "Edit business hours of Bo Admin" }).click();
    const editor = page.getByTestId("hours-editor");
    await editor.getByLabel("Time zone").fill("Europe/Berlin");
    await editor.getByLabel("Works on fri").uncheck();
    await editor.getByLabel("Works on sat").check();
    await editor.getByLabel("sat start").fill("10:00");
    await editor.getByLabel("sat end").fill("14:00");
    await screenshot(page, "admin-agents-hours");
    await editor.getByRole("button", { name: "Save hours" }).click();
    await expect.poll(() => page.getByTestId("hours-boss@example.com").innerText()).toContain("sat 10:00–14:00");
    const stored = (await srv.tandem.store.listUsers()).find((u) => u.email === "boss@example.com")!.businessHours;
    expect(stored).toEqual({ tz: "Europe/Berlin", days: { mon: ["09:00", "17:00"], tue: ["09:00", "17:00"], wed: ["09:00", "17:00"], thu: ["09:00", "17:00"], sat: ["10:00", "14:00"] } });
  });
  it("shortens long escalated messages, names outcomes in words and lists each cue once", async () => {
    const long = `I want to talk to a real person. ${"My order arrived damaged and I need help. ".repeat(30)}Marker-7731.`;
    const id = await customerWrites(srv.url, long);
    await vi.waitFor(async () => expect((await srv.tandem.store.getConversation(id))?.status).toBe("waiting_human"), { timeout: 10_000 });
    await page.getByRole("link", { name: "Agents", exact: true }).click();
    await page.getByRole("link", { name: "Escalation review" }).click();
    const row = page.getByTestId("escalation-row").filter({ hasText: "Marker-7731" });
    await row.waitFor();
    // A few lines and a way to read the rest, instead of a row as tall as the message.
    const quote = row.getByTestId("quote-text");
    expect((await quote.boundingBox())!.height).toBeLessThan(120);
    expect((await row.boundingBox())!.height).toBeLessThan(240);
    await row.getByRole("button", { name: /^Show all/ }).click();
    expect((await quote.boundingBox())!.height).toBeGreaterThan(300);
    await row.getByRole("button", { name: "Show less" }).click();
    expect((await quote.boundingBox())!.height).toBeLessThan(120);
    expect(await row.getByTestId("escalation-outcome").innerText()).toBe("Waiting in queue");
    const cues = (await row.getByTestId("escalation-cues").innerText()).split(" · ").filter(Boolean);
    expect(cues).toContain("“damaged”");
    expect(new Set(cues.map((c) => c.toLowerCase())).size).toBe(cues.length);
    await screenshot(page, "admin-review-long");
  });

  it("fits a phone: a short header that scrolls away, nothing wider than the screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const name of ["Dashboard", "Escalation review", "Canned responses", "Agents"]) {
        await page.getByRole("link", { name, exact: true }).click();
        await page.locator("main h1").first().waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        const header = await page.locator("header.top").boundingBox();
        expect(header!.height, name).toBeLessThan(130);
        const signOut = await page.getByRole("button", { name: "Sign out" }).boundingBox();
        expect(signOut!.x + signOut!.width, name).toBeLessThanOrEqual(390);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(390);
        // Scrolled down, the page's content (not the header) is what a tap near the top reaches.
        const scrolled = await page.evaluate(() => {
          window.scrollTo(0, 600);
          const header = document.querySelector("header.top") as HTMLElement;
          return { away: scrollY > header.offsetHeight, covers: !!document.elementFromPoint(195, 40)?.closest("header") };
        });
        if (name !== "Agents") expect(scrolled.away, name).toBe(true);
        if (scrolled.away) expect(scrolled.covers, name).toBe(false);
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, "admin-phone");
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });
});
