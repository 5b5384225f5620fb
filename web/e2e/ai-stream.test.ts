// A streamed AI answer in the widget, in a real browser against a real server whose LLM is a local fake
// OpenAI-compatible server the test writes each piece of: the draft bubble grows as text (never markup) in place of
// the typing dots, and goes when its stream ends: replaced by the stored answer, or withdrawn for a handover.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, customerSays, ensureWebBuilt, launchBrowser, openWidget, type RunningTandem, screenshot, serve, watchForInjection } from "./support.ts";

const run = browserAvailable("streamed AI answers");

/** A streamed completion the fake holds open: the test writes its pieces and ends it. */
interface HeldCompletion {
  question: string;
  write(text: string): void;
  finish(): void;
}

describe.skipIf(!run)("streamed AI answers in the widget", () => {
  let llm: Server;
  let srv: RunningTandem;
  let browser: Browser;
  const arrived: HeldCompletion[] = [];
  const waiting = new Set<() => void>();

  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "fake", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

  /** The streamed completion asked for a customer message saying `text`, once its request reached the model; taken. */
  async function completionFor(text: string): Promise<HeldCompletion> {
    for (;;) {
      const at = arrived.findIndex((h) => h.question.includes(text));
      if (at >= 0) return arrived.splice(at, 1)[0]!;
      await new Promise<void>((resolve) => {
        const w = () => {
          waiting.delete(w);
          resolve();
        };
        waiting.add(w);
      });
    }
  }

  beforeAll(async () => {
    await ensureWebBuilt();
    llm = createServer((req, res) => {
      let raw = "";
      req.on("data", (d: Buffer) => {
        raw += d.toString();
      });
      req.on("end", () => {
        const body = JSON.parse(raw) as { stream?: boolean; messages: { role: string; content: string }[] };
        if (!body.stream) {
          // The agent's co-pilot after the handover: a plain, short reply.
          res.writeHead(200, { "content-type": "application/json" }).end(
            JSON.stringify({ id: "c0", object: "chat.completion", created: 1, model: "fake", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "ok" } }] }),
          );
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        arrived.push({
          question: body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "",
          write: (text) => res.write(chunk({ content: text }, null)),
          finish: () => res.end(`${chunk({}, "stop")}data: [DONE]\n\n`),
        });
        for (const w of waiting) w();
      });
    });
    await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
    const baseURL = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
    srv = await serve({ LLM_BASE_URL: baseURL, LLM_MODEL: "fake" }, { demo: true });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    llm?.closeAllConnections();
    await new Promise<void>((r) => (llm ? llm.close(() => r()) : r()));
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
