import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Answerer } from "../../domain/answer/answerer.ts";
import { migrateToLatest, openDatabase } from "../db/database.ts";
import { DEMO_KB_DIR, seedDemoKnowledge } from "./demo-seed.ts";
import { KnowledgeBase } from "./knowledge-base.ts";
import { SqlKnowledgeStore } from "./sql-knowledge-store.ts";

interface Question {
  id: string;
  text: string;
  answerable: boolean;
  expectTitle: string | null;
}
const questions = readFileSync(resolve(DEMO_KB_DIR, "questions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Question);

describe("demo knowledge base", () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    const handle = openDatabase("sqlite::memory:");
    await migrateToLatest(handle);
    kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db) });
    await seedDemoKnowledge(kb);
  });

  it("seeds Markdown, the PDF and the CSV catalogue once", async () => {
    const kinds = (await kb.listSources()).map((s) => s.kind).sort();
    expect(kinds).toEqual(["csv", "markdown", "markdown", "markdown", "markdown", "pdf"]);
    expect(await seedDemoKnowledge(kb, { onlyIfEmpty: true })).toEqual([]);
  });

  it("answers from the PDF and the catalogue with citations", async () => {
    const answerer = new Answerer({ retriever: kb.retriever });
    const warranty = await answerer.answer({ text: "How long is the warranty?", language: "en" });
    expect(warranty).toMatchObject({
      kind: "answer",
      citations: [
        expect.objectContaining({
          title: "Lumen & Co. warranty",
          source: "warranty.pdf",
          location: "page 1",
        }),
      ],
    });
    const towels = await answerer.answer({ text: "How should I wash the bath towels?", language: "en" });
    expect(towels).toMatchObject({
      kind: "answer",
      citations: [expect.objectContaining({ documentId: "LC-1006", source: "catalogue.csv" })],
    });
  });

  it("never cites an answer to a passage that does not contain it, across the demo question set", async () => {
    const answerer = new Answerer({ retriever: kb.retriever });
    let answered = 0;
    for (const q of questions) {
      const r = await answerer.answer({ text: q.text, language: "en" });
      if (r.kind !== "answer") continue;
      answered++;
      const cited = r.passages.filter((p) =>
        r.citations.some((c) => c.documentId === p.documentId && c.title === p.title),
      );
      // Every sentence of the answer is verbatim in a cited passage (a record field may be said without its label).
      for (const sentence of r.text.split(/(?<=[.!?])\s+/))
        expect(
          cited.some((p) => p.text.includes(sentence)),
          `${q.id}: "${sentence}" of "${r.text}"`,
        ).toBe(true);
    }
    expect(answered).toBeGreaterThan(questions.length / 2);
  });

  it("declines most questions the knowledge base does not cover", async () => {
    const answerer = new Answerer({ retriever: kb.retriever });
    const unanswerable = questions.filter((q) => !q.answerable);
    let declined = 0;
    for (const q of unanswerable)
      if ((await answerer.answer({ text: q.text, language: "en" })).kind === "cannot_answer") declined++;
    expect(declined / unanswerable.length).toBeGreaterThanOrEqual(0.8);
  });
});
