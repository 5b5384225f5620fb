// A streamed AI answer in the widget, in a real browser against a real server whose LLM is a local fake
// OpenAI-compatible server the test writes each piece of: the draft bubble grows as text (never markup) in place of
// the typing dots, and goes when its stream ends: replaced by the stored answer, or withdrawn for a handover.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HeldLlm, startHeldLlm } from "../../test/support/held-llm.ts";
import { browserAvailable, customerSays, ensureWebBuilt, launchBrowser, openWidget, type RunningTandem, screenshot, serve, watchForInjection } from "./support.ts";

const run = browserAvailable("streamed AI answers");

describe.skipIf(!run)("streamed AI answers in the widget", () => {
  let llm: HeldLlm;
  let srv: RunningTandem;
  let browser: Browser;
  const completionFor = (text: string) => llm.completionFor(text);

  beforeAll(async () => {
    await ensureWebBuilt();
    llm = await startHeldLlm();
    srv = await serve({ LLM_BASE_URL: llm.baseURL, LLM_MODEL: "fake" }, { demo: true });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await llm?.close();
  });

  it("shows the answer as it streams, then the stored answer; a withdrawn one goes, shown as text only", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: "en-US" });
    const page = await openWidget(context, srv.url);
    const watch = watchForInjection(page);
    const draft = page.getByTestId("tandem-draft");

    await customerSays(page, "How long does delivery take?");
    const delivery = await completionFor("How long does delivery take?");
    delivery.write("Standard delivery takes ");
    await draft.filter({ hasText: "Standard delivery takes" }).waitFor();
    // The draft says more than the typing dots, which give way to it.
    expect(await page.getByTestId("tandem-typing").count()).toBe(0);
    expect(await page.locator('[data-author="ai"]').count()).toBe(0);
    delivery.write("2 to 4 business days [1].");
    await draft.filter({ hasText: "2 to 4 business days" }).waitFor();
    await screenshot(page, "widget-ai-draft");
    delivery.finish();
    await page.locator('[data-author="ai"][data-seq]', { hasText: "Standard delivery takes 2 to 4 business days" }).waitFor();
    await draft.waitFor({ state: "detached" });

    // Streamed markup stays text, and an answer the model then declines is withdrawn for a handover.
    await customerSays(page, "Can I return a lamp I bought last week?");
    const returns = await completionFor("Can I return a lamp");
    returns.write('Returns are accepted <img src=x onerror="alert(1)"> ');
    await draft.filter({ hasText: '<img src=x onerror="alert(1)">' }).waitFor();
    expect(await page.locator('[data-testid="tandem-draft"] img').count()).toBe(0);
    returns.write("CANNOT_ANSWER");
    returns.finish();
    await draft.waitFor({ state: "detached" });
    await page.getByTestId("tandem-subtitle").filter({ hasText: "Waiting for a member of our team" }).waitFor();
    await screenshot(page, "widget-ai-draft-withdrawn");
    expect(await page.getByTestId("tandem-log").getByText("Returns are accepted").count()).toBe(0);
    expect(watch).toEqual({ dialogs: [], errors: [] });
    await context.close();
  }, 90_000);
});
