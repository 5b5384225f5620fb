// The console's co-pilot in a real browser against a real server whose LLM is a local fake OpenAI-compatible
// server: the AI summary and draft show in the assist panel, "Use draft" fills the composer, and sending it rates
// the draft "used as is", or "edited" when the agent changed it first.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/adapters/knowledge/ingest/markdown.ts";
import { browserAvailable, createAgent, ensureWebBuilt, launchBrowser, loginConsole, type RunningTandem, screenshot, serve, watchForInjection } from "./support.ts";

const run = browserAvailable("assist co-pilot");

const DRAFT = "Hi Alex, I'm sorry your parcel is late. Lost parcels are reshipped once the carrier confirms the loss. I'm checking your delivery now.";
const OUTPUT = [
  "ISSUE: The customer's parcel has not arrived.",
  "TRIED: Nothing yet.",
  "NOW: The customer wants someone to check the delivery.",
  "DRAFT:",
  "Hi Alex, I'm sorry your parcel is late. Lost parcels are reshipped once the carrier confirms the loss [1]. I'm checking your delivery now.",
].join("\n");

describe.skipIf(!run)("assist co-pilot in the console", () => {
  let llm: Server;
  let srv: RunningTandem;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    llm = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: "c1", object: "chat.completion", created: 1, model: "fake-model",
            usage: { prompt_tokens: 300, completion_tokens: 50, total_tokens: 350 },
            choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: OUTPUT } }],
          }),
        ),
      );
    });
    await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
    const baseURL = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
    srv = await serve({ TANDEM_AI: "off", LLM_BASE_URL: baseURL, LLM_MODEL: "fake-model", ASSIST_LLM_TIMEOUT_MS: "3000" });
    await srv.tandem.knowledge.ingest(
      parseMarkdown("# Shipping\n\n## Lost parcels\n\nWhen a parcel is late we ask the carrier to trace it. Lost parcels are reshipped once the carrier confirms the loss.\n", "shipping.md", "/shipping.md"),
    );
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    llm?.closeAllConnections();
    await new Promise<void>((r) => (llm ? llm.close(() => r()) : r()));
  });

  it("shows the AI summary and draft, fills the composer with it, and rates it by what the agent sent", async () => {
    const agent = await createAgent(srv.tandem, "priya@northwind.test", "Priya");
    const created = (await (await fetch(`${srv.url}/api/v1/conversations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customer: { name: "Alex" } }) })).json()) as {
      conversation: { id: string };
      token: string;
    };
    const id = created.conversation.id;
    const say = (clientMessageId: string, text: string) =>
      fetch(`${srv.url}/api/v1/conversations/${id}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientMessageId, text }),
      });
    expect((await say("m1", "My parcel is late and I think it is lost. Can someone check the delivery?")).status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-US" });
    const page = await loginConsole(context, srv.url, agent.email, agent.password, `/console/c/${id}`);
    const watch = watchForInjection(page);
    await page.getByTestId("claim").click();
    await page.getByTestId("conv-status").filter({ hasText: "With an agent" }).waitFor();

    const draft = page.getByTestId("assist-draft");
    await draft.getByText(DRAFT).waitFor();
    await draft.getByText("From: Shipping").waitFor();
    const summary = page.getByTestId("assist-summary");
    expect(await summary.getAttribute("data-source")).toBe("llm");
    await summary.getByText("Issue: The customer's parcel has not arrived.").waitFor();
    await screenshot(page, "console-assist-draft");

    const ratings = async () =>
      (await srv.tandem.store.listEvents(id)).filter((e) => e.type === "assist_rating" && e.data.suggestionType === "draft").map((e) => e.data.rating);

    // Used as is: the composer holds exactly the draft, and sending it rates it so.
    await draft.getByRole("button", { name: "Use draft" }).click();
    expect(await page.getByTestId("composer").inputValue()).toBe(DRAFT);
    await page.getByTestId("send").click();
    await page.locator('[data-author="agent"][data-seq]', { hasText: "checking your delivery" }).waitFor();
    await expect.poll(ratings).toEqual(["used_as_is"]);

    // A new customer message brings a new draft; this time the agent changes it before sending.
    expect((await say("m2", "Still nothing today, please hurry.")).status).toBe(201);
    await page.getByTestId("history").getByText("Still nothing today").waitFor();
    await expect
      .poll(async () => (await srv.tandem.store.listEvents(id)).filter((e) => e.type === "assist_usage").length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    await draft.getByRole("button", { name: "Use draft" }).click();
    await page.getByTestId("composer").press("End");
    await page.getByTestId("composer").pressSequentially(" You will hear from me within the hour.");
    await page.getByTestId("send").click();
    await page.locator('[data-author="agent"][data-seq]', { hasText: "within the hour" }).waitFor();
    await expect.poll(ratings).toEqual(["used_as_is", "edited"]);

    // The thumbs rate the draft directly, with its own suggestion type.
    await draft.getByRole("button", { name: "Helpful", exact: true }).click();
    await expect.poll(ratings).toEqual(["used_as_is", "edited", "helpful"]);
    expect(watch).toEqual({ dialogs: [], errors: [] });
    await context.close();
  }, 90_000);
});
