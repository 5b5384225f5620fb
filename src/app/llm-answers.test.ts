// LLM mode's budget and costs: LLM_TIMEOUT_MS bounds the whole answer call, retries and streaming included (a model
// that stalls hands the turn to the embedded answer once it is spent, not after a fixed 20 s), and tokens spent on a
// reply nobody will read still count.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { newConversation, postMessage, startTandem } from "../../test/support/tandem.ts";

let server: Server;
let baseURL: string;
beforeAll(async () => {
  // Sends the stream's headers and one piece, then stalls.
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "fake", choices: [{ index: 0, delta: { content: "Standard " }, finish_reason: null }] })}\n\n`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

it("answers with the embedded answer once LLM_TIMEOUT_MS is spent on a model that stalls", async () => {
  const t = await startTandem(
    { LLM_BASE_URL: baseURL, LLM_MODEL: "fake", LLM_TIMEOUT_MS: "300" },
    { demo: true },
  );
  try {
    const c = await newConversation(t.app, {});
    await postMessage(t.app, c.id, c.token, { clientMessageId: "m1", text: "How long does delivery take?" });
    await t.conversations.drain();
    const ai = (await t.store.listMessages(c.id, { limit: 10 })).find((m) => m.author === "ai");
    expect(ai?.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
    expect(ai?.meta).toMatchObject({ kind: "answer", mode: "extractive", fallback: "LLM_TIMEOUT" });
  } finally {
    await t.close();
  }
}, 8000);

it("records the tokens of an AI reply dropped because a person took the conversation meanwhile", async () => {
  const t = await startTandem({}, { responder: { respond: async () => ({ kind: "none" }) } });
  try {
    const c = await newConversation(t.app, {});
    await postMessage(t.app, c.id, c.token, { clientMessageId: "m1", text: "I want to talk to a person" });
    await t.conversations.drain();
    expect((await t.store.getConversation(c.id))?.status).not.toBe("ai");
    const usage = { promptTokens: 410, completionTokens: 37, totalTokens: 447 };
    expect(
      await t.conversations.postAiMessage(c.id, { text: "Too late.", meta: { kind: "answer", usage } }),
    ).toBeNull();
    const events = await t.store.listEvents(c.id);
    expect(events.find((e) => e.type === "ai_usage_dropped")?.data).toMatchObject({
      promptTokens: 410,
      completionTokens: 37,
    });
  } finally {
    await t.close();
  }
});
