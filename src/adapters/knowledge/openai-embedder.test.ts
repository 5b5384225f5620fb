import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Answerer } from "../../domain/answer/answerer.ts";
import { migrateToLatest, openDatabase } from "../db/database.ts";
import { parseMarkdown } from "./ingest/markdown.ts";
import { KnowledgeBase } from "./knowledge-base.ts";
import { embedderFromEnv, OpenAiEmbedder } from "./openai-embedder.ts";
import { SqlKnowledgeStore } from "./sql-knowledge-store.ts";

// A fake embedding model that knows synonyms: each concept is one dimension.
const CONCEPTS = [
  ["delete", "remove", "erase", "close", "wipe"],
  ["account", "profile"],
  ["password", "passphrase"],
  ["deliver", "shipping", "parcel", "arrive"],
];
function embed(text: string): number[] {
  const v = CONCEPTS.map((words) => words.filter((w) => text.toLowerCase().includes(w)).length);
  return [...v, 0.05];
}

let server: Server;
let baseURL: string;
let failing = false;
let calls = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      calls++;
      if (failing) return void res.writeHead(503).end("{}");
      const body = JSON.parse(raw) as { input: string[]; model: string };
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          object: "list",
          model: body.model,
          usage: { prompt_tokens: 1, total_tokens: 1 },
          data: body.input.map((t, index) => ({ object: "embedding", index, embedding: embed(t) })).reverse(),
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const DOC =
  "# Help\n\n## Closing your account\nGo to Settings, then Privacy, then Delete account. Deletion is final after 30 days.\n\n## Parcels\nStandard parcels arrive in 2 to 4 business days.\n";

describe("hybrid retrieval with an OpenAI-compatible embeddings endpoint", () => {
  it("finds a passage by meaning when no word matches, and keeps vectors across restarts", async () => {
    const handle = openDatabase("sqlite::memory:");
    await migrateToLatest(handle);
    const embedder = new OpenAiEmbedder({ baseURL, model: "fake-embed", batchSize: 1 });
    const kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db), embedder });
    await kb.ingest(parseMarkdown(DOC, "help.md", "/help.md"));
    expect(kb.search("wipe my profile").passages).toHaveLength(0);
    const hybrid = await kb.retrieve("wipe my profile");
    expect(hybrid.passages[0]!.chunk.heading).toBe("Closing your account");
    expect(hybrid.passages[0]!.similarity).toBeGreaterThan(0.9);

    const strict = new Answerer({ retriever: kb.retriever });
    expect((await strict.answer({ text: "wipe my profile", language: "en" })).kind).toBe("cannot_answer");
    const semantic = new Answerer({
      retriever: kb.retriever,
      policy: { minNormScore: 0.25, minCoverage: 0.4, minSimilarity: 0.8 },
    });
    const r = await semantic.answer({ text: "wipe my profile", language: "en" });
    expect(r.kind).toBe("answer");
    if (r.kind === "answer") expect(r.citations[0]!.title).toBe("Help");

    const restarted = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db), embedder });
    await restarted.load();
    expect((await restarted.retrieve("wipe my profile")).passages[0]!.chunk.heading).toBe(
      "Closing your account",
    );
    await handle.close();
  });

  it("falls back to lexical retrieval when the endpoint fails at question time", async () => {
    const handle = openDatabase("sqlite::memory:");
    await migrateToLatest(handle);
    const kb = new KnowledgeBase({
      store: SqlKnowledgeStore.over(handle.db),
      embedder: new OpenAiEmbedder({ baseURL, model: "m" }),
    });
    await kb.ingest(parseMarkdown(DOC, "help.md", "/help.md"));
    failing = true;
    try {
      const r = await kb.retrieve("how long do parcels take to arrive");
      expect(r.passages[0]!.chunk.heading).toBe("Parcels");
      expect(r.passages[0]!.similarity).toBeNull();
      await expect(kb.ingest(parseMarkdown(DOC, "help2.md", "/help2.md"))).rejects.toMatchObject({
        code: "EMBEDDINGS_FAILED",
      });
      expect((await kb.listSources()).map((s) => s.name)).toEqual(["help.md"]);
    } finally {
      failing = false;
      await handle.close();
    }
  });

  it("is configured from the environment, or absent", () => {
    expect(embedderFromEnv({})).toBeNull();
    expect(embedderFromEnv({ EMBEDDINGS_BASE_URL: baseURL, EMBEDDINGS_MODEL: "e" })?.model).toBe("e");
    expect(() => embedderFromEnv({ EMBEDDINGS_MODEL: "e" })).toThrow(/EMBEDDINGS_BASE_URL/);
    expect(calls).toBeGreaterThan(0);
  });
});
