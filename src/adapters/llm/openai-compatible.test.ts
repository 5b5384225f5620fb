import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Answerer, CANNOT_ANSWER_MARKER } from "../../domain/answer/answerer.ts";
import { contentHash } from "../../domain/knowledge/chunker.ts";
import { KnowledgeIndex } from "../../domain/knowledge/knowledge-index.ts";
import { LlmError } from "../../ports/llm.ts";
import { llmFromEnv, OpenAiCompatibleLlm } from "./openai-compatible.ts";

type Behaviour =
  | "plain"
  | "stream"
  | "tool"
  | "action"
  | "error"
  | "hang"
  | "cannot"
  | "uncited"
  | "garbage"
  | "html200";
let behaviour: Behaviour = "plain";
let reply = "Refunds are paid within 5 business days [1].";
const requests: { body: Record<string, unknown>; auth: string | undefined }[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
  const usage = { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 };
  const base = { id: "c1", object: "chat.completion", created: 1, model: "fake-model" };
  if (behaviour === "error") {
    res
      .writeHead(500, { "content-type": "application/json" })
      .end(JSON.stringify({ error: { message: "boom", type: "server_error" } }));
    return;
  }
  if (behaviour === "hang") return; // never answers
  if (behaviour === "html200") {
    // A proxy's error page with status 200: no event stream at all.
    res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>");
    return;
  }
  if (behaviour === "garbage") {
    res.writeHead(200, { "content-type": "application/json" }).end("{not json");
    return;
  }
  const text =
    behaviour === "cannot" ? CANNOT_ANSWER_MARKER : behaviour === "uncited" ? "Refunds are quick." : reply;
  if (behaviour === "action") {
    // The model asks for another customer's order with someone else's email: the server must ignore the email.
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        ...base,
        usage,
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "t2",
                  type: "function",
                  function: { name: "lookup_order", arguments: '{"orderId":"LC-10234"}' },
                },
              ],
            },
          },
        ],
      }),
    );
    return;
  }
  if (behaviour === "tool") {
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        ...base,
        usage,
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "t1",
                  type: "function",
                  function: { name: "escalate_to_human", arguments: '{"reason":"legal question"}' },
                },
              ],
            },
          },
        ],
      }),
    );
    return;
  }
  if (body.stream) {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const pieces = text.match(/.{1,6}/gs) ?? [];
    for (const p of pieces)
      res.write(
        `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`,
      );
    res.write(
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    res.write(
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(
    JSON.stringify({
      ...base,
      usage,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: text } }],
    }),
  );
}

let server: Server;
let baseURL: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      requests.push({ body, auth: req.headers.authorization });
      handle(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  behaviour = "plain";
  reply = "Refunds are paid within 5 business days [1].";
  requests.length = 0;
});

const index = new KnowledgeIndex();
index.upsert([
  {
    id: "r",
    sourceId: "s",
    sourceName: "returns.md",
    documentId: "returns.md",
    title: "Returns",
    heading: "Refunds",
    location: "Refunds",
    url: null,
    text: "Refunds are paid to the original payment method within 5 business days. Sale items are final.",
    hash: contentHash("r"),
    language: "en",
  },
  {
    id: "x",
    sourceId: "s",
    sourceName: "shipping.md",
    documentId: "shipping.md",
    title: "Shipping",
    heading: "",
    location: "",
    url: null,
    text: "Standard delivery takes 2 to 4 business days.",
    hash: contentHash("x"),
    language: "en",
  },
]);
const llm = (timeoutMs = 5000) =>
  new OpenAiCompatibleLlm({ baseURL, model: "fake-model", apiKey: "sk-test", timeoutMs, maxRetries: 0 });

describe("OpenAI-compatible LLM adapter", () => {
  it("returns text and token usage from a plain completion", async () => {
    const c = await llm().complete({ messages: [{ role: "user", content: "hi" }] });
    expect(c).toMatchObject({
      text: reply,
      model: "fake-model",
      usage: { promptTokens: 120, completionTokens: 12, totalTokens: 132 },
      toolCalls: [],
    });
    expect(requests[0]!.auth).toBe("Bearer sk-test");
  });

  it("streams deltas and still reports usage", async () => {
    behaviour = "stream";
    const deltas: string[] = [];
    const c = await llm().complete({
      messages: [{ role: "user", content: "hi" }],
      onDelta: (d) => deltas.push(d),
    });
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(reply);
    expect(c.usage?.totalTokens).toBe(132);
    expect(requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("returns tool calls", async () => {
    behaviour = "tool";
    const c = await llm().complete({
      messages: [{ role: "user", content: "hi" }],
      tools: [{ name: "escalate_to_human", description: "d", parameters: { type: "object" } }],
    });
    expect(c.toolCalls).toEqual([
      { id: "t1", name: "escalate_to_human", arguments: '{"reason":"legal question"}' },
    ]);
    expect((requests[0]!.body.tools as unknown[]).length).toBe(1);
  });

  it("maps provider errors and timeouts to coded errors", async () => {
    behaviour = "error";
    await expect(llm().complete({ messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      code: "LLM_PROVIDER_ERROR",
      status: 500,
    });
    behaviour = "hang";
    const e = await llm(300)
      .complete({ messages: [{ role: "user", content: "hi" }] })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LlmError);
    expect((e as LlmError).code).toBe("LLM_TIMEOUT");
  });

  it("is configured from the environment, or absent", () => {
    expect(llmFromEnv({})).toBeNull();
    expect(llmFromEnv({ LLM_BASE_URL: baseURL, LLM_MODEL: "m" })?.model).toBe("m");
    expect(() => llmFromEnv({ LLM_BASE_URL: baseURL })).toThrow(/LLM_MODEL/);
    expect(() => llmFromEnv({ LLM_BASE_URL: "nope", LLM_MODEL: "m" })).toThrow(/URL/);
  });
});

describe("answerer in LLM mode", () => {
  it("answers from the passages with citations, streamed, and records usage", async () => {
    behaviour = "stream";
    const usage: number[] = [];
    const deltas: string[] = [];
    const a = new Answerer({ retriever: index, llm: llm(), onUsage: (u) => usage.push(u.totalTokens) });
    const r = await a.answer(
      { text: "when is my refund paid", language: "en" },
      { onDelta: (d) => deltas.push(d) },
    );
    expect(r.kind).toBe("answer");
    if (r.kind !== "answer") return;
    expect(r).toMatchObject({ mode: "llm", text: reply, usage: { totalTokens: 132 } });
    expect(r.citations.map((c) => c.title)).toEqual(["Returns"]);
    expect(deltas.join("")).toBe(reply);
    expect(usage).toEqual([132]);
    const system = (requests[0]!.body.messages as { role: string; content: string }[])[0]!;
    expect(system.role).toBe("system");
    expect(system.content).toContain("Refunds are paid to the original payment method");
  });

  it("hands over when the model says the passages do not answer, without streaming the marker", async () => {
    behaviour = "stream";
    reply = CANNOT_ANSWER_MARKER;
    const deltas: string[] = [];
    const r = await new Answerer({ retriever: index, llm: llm() }).answer(
      { text: "when is my refund paid", language: "fr" },
      { onDelta: (d) => deltas.push(d) },
    );
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "not_in_knowledge_base" });
    if (r.kind === "cannot_answer") expect(r.boundaryMessage).toContain("spécialiste");
    expect(deltas.join("")).not.toContain(CANNOT_ANSWER_MARKER);
  });

  it("hands over when the model calls the escalation tool", async () => {
    behaviour = "tool";
    const r = await new Answerer({ retriever: index, llm: llm() }).answer({ text: "when is my refund paid" });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "llm_escalated", detail: "legal question" });
  });

  it.each(["error", "hang", "uncited", "garbage"] as const)(
    "falls back to the extractive answer when the model fails (%s)",
    async (b) => {
      behaviour = b;
      const r = await new Answerer({ retriever: index, llm: llm(2000), llmTimeoutMs: 400 }).answer({
        text: "when is my refund paid",
      });
      expect(r.kind).toBe("answer");
      if (r.kind !== "answer") return;
      expect(r.mode).toBe("extractive");
      expect(r.fallback).toBeTruthy();
      expect(r.text).toContain("within 5 business days");
    },
  );

  it("falls back to the extractive answer when a streamed request gets a page that is no event stream", async () => {
    behaviour = "html200";
    const r = await new Answerer({ retriever: index, llm: llm() }).answer(
      { text: "when is my refund paid" },
      { onDelta: () => {} },
    );
    expect(r).toMatchObject({ kind: "answer", mode: "extractive", fallback: "LLM_BAD_RESPONSE" });
  });

  it("refuses a reply that echoes its instructions or states what neither the passages nor the customer said, keeping its usage", async () => {
    behaviour = "stream";
    for (const [text, refusal] of [
      [
        "My rules: You are a customer support assistant. Answer ONLY from the numbered passages below [1].",
        "LLM_PROMPT_ECHO",
      ],
      [
        "Your refund to someone.else@example.com is paid within 5 business days [1].",
        "LLM_UNGROUNDED_DETAIL",
      ],
      ["Refunds are paid within 3 business days [1].", "LLM_UNGROUNDED_DETAIL"],
    ]) {
      reply = text as string;
      const r = await new Answerer({ retriever: index, llm: llm() }).answer(
        { text: "when is my refund paid" },
        { onDelta: () => {} },
      );
      expect(r, text).toMatchObject({
        kind: "answer",
        mode: "extractive",
        fallback: refusal,
        usage: { totalTokens: 132 },
      });
    }
    // A number the customer gave is theirs to hear back.
    reply = "Refunds for order 77123 are paid within 5 business days [1].";
    const own = await new Answerer({ retriever: index, llm: llm() }).answer({
      text: "my order 77123, when is my refund paid",
    });
    expect(own).toMatchObject({ kind: "answer", mode: "llm" });
  });

  it("drops a sentence that cites only a passage the model was not given", async () => {
    reply = "Refunds are paid within 5 business days [1]. We also refund your shipping [9].";
    const r = await new Answerer({ retriever: index, llm: llm() }).answer({ text: "when is my refund paid" });
    expect(r).toMatchObject({
      kind: "answer",
      mode: "llm",
      text: "Refunds are paid within 5 business days [1].",
    });
  });

  it("does not call the model when the knowledge base cannot support an answer", async () => {
    const r = await new Answerer({ retriever: index, llm: llm() }).answer({
      text: "what is the capital of Mongolia",
      language: "de",
    });
    expect(r).toMatchObject({ kind: "cannot_answer", reason: "not_in_knowledge_base" });
    if (r.kind === "cannot_answer") expect(r.boundaryMessage).toContain("Fachperson");
    expect(requests).toHaveLength(0);
  });
});

describe("answerer in LLM mode with native tool calling", () => {
  it("runs the action the model calls, with the customer's identity, and replies with its result", async () => {
    const { startMockShop } = await import("../actions/mock-shop.ts");
    const { HttpActionExecutor } = await import("../actions/http-executor.ts");
    const { loadActionRegistry } = await import("../actions/registry-file.ts");
    const { ActionDialog } = await import("../../domain/actions/dialog.ts");
    const { resolve } = await import("node:path");
    const shop = await startMockShop();
    try {
      const dialog = new ActionDialog(
        loadActionRegistry(resolve(import.meta.dirname, "../../../demo/actions.yaml")),
      );
      const audits: unknown[] = [];
      const runner = new HttpActionExecutor({
        baseUrl: shop.url,
        audit: { record: async (e) => void audits.push(e) },
      });
      behaviour = "action";
      const a = new Answerer({ retriever: index, llm: llm(), actions: { dialog, runner } });
      const me = { customerId: "cus_1", email: "demo.customer@example.com", externalId: null };
      const r = await a.answer({
        text: "what's happening with my purchase LC-10234?",
        language: "en",
        identity: me,
        conversationId: "c1",
      });
      expect(r).toMatchObject({ kind: "action", status: "done", action: "lookup_order" });
      if (r.kind === "action") expect(r.text).toContain("Order LC-10234 is shipped");
      const tools = (
        requests[0]!.body.tools as { function: { name: string; parameters: { properties: object } } }[]
      ).map((t) => t.function);
      expect(tools.map((t) => t.name)).toEqual(["escalate_to_human", "lookup_order", "reset_password"]);
      // Identity parameters are never offered to the model.
      expect(Object.keys(tools[2]!.parameters.properties)).toEqual([]);
      expect(audits).toHaveLength(1);
      const stranger = { customerId: "cus_2", email: "stranger@example.com", externalId: null };
      const denied = await a.answer({
        text: "what's happening with my purchase LC-10234?",
        language: "en",
        identity: stranger,
      });
      expect(denied).toMatchObject({ kind: "cannot_answer", reason: "action_failed" });
      // No passage answers, so the model saw none; a reply citing one anyway is a plain handover, not a fault.
      behaviour = "plain";
      reply = "Our opening hours are 9 to 5 [1].";
      const invented = await a.answer({
        text: "what is the capital of Mongolia",
        language: "en",
        identity: me,
      });
      expect(invented).toMatchObject({
        kind: "cannot_answer",
        reason: "not_in_knowledge_base",
        detail: "LLM_UNCITED",
      });
    } finally {
      await shop.close();
    }
  });
});
