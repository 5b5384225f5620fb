// The admin app in Chromium against a real server: the dashboard with its target band, marking an escalation and
// seeing the pattern chart change, editing a routing rule and seeing the preview change, and a screenshot of every
// page (test-artifacts/screenshots/admin-*.png).

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../../test/support/tandem.ts";
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

  beforeAll(async () => {
    await ensureWebBuilt();
    srv = await serve({ ANALYTICS_REFRESH_SECONDS: "0" }, { responder: scriptedResponder });
    await srv.tandem.users.create({ email: "boss@example.com", password: "correct-horse-battery", displayName: "Bo Admin", role: "admin", tier: 3 });
    await srv.tandem.desk.stop();
    await customerWrites(srv.url, "Where is my order NW-1042?");
    await customerWrites(srv.url, "I want to talk to a real person please");
    await customerWrites(srv.url, "Can I speak to a human about my account?");
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: "en-US" });
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
  });

  it("shows the dashboard with the escalation target band and today's figures", async () => {
    await page.getByTestId("escalation-chart").waitFor();
    expect(await page.getByTestId("target-band").count()).toBe(1);
    await expect.poll(() => page.getByTestId("fig-conversations").innerText()).toContain("3");
    expect(await page.getByTestId("fig-escalation").innerText()).toContain("66.7%");
    expect(await page.locator('[data-testid="reasons-chart"] [data-key="human_requested"]').getAttribute("data-value")).toBe("2");
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
});
