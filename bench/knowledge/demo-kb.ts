// Answerability and grounding on the demo shop's knowledge base (demo/kb) with the project's own question set,
// plus ingestion throughput for PDF and HTML. Run: node bench/knowledge/demo-kb.ts

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { migrateToLatest, openDatabase } from "../../src/adapters/db/database.ts";
import { seedDemoKnowledge } from "../../src/adapters/knowledge/demo-seed.ts";
import { htmlToDocument } from "../../src/adapters/knowledge/ingest/html.ts";
import { parsePdf } from "../../src/adapters/knowledge/ingest/pdf.ts";
import { makePdf } from "../../src/adapters/knowledge/ingest/test-pdf.ts";
import { loadWordVectors } from "../../src/adapters/knowledge/word-vectors-file.ts";
import { KnowledgeBase } from "../../src/adapters/knowledge/knowledge-base.ts";
import { SqlKnowledgeStore } from "../../src/adapters/knowledge/sql-knowledge-store.ts";
import { Answerer } from "../../src/domain/answer/answerer.ts";
import {
  type AnswerabilityPolicy,
  DEFAULT_ANSWERABILITY,
  decideAnswerable,
} from "../../src/domain/knowledge/answerability.ts";
import { splitSentences } from "../../src/domain/knowledge/chunker.ts";
import { buildExtractiveAnswer, EXTRACTIVE_DEPTH } from "../../src/domain/knowledge/extractive.ts";

const DEMO = resolve(import.meta.dirname, "../../demo/kb");
const RESULTS = resolve(import.meta.dirname, "../results");

interface Question {
  id: string;
  text: string;
  answerable: boolean;
  expectTitle: string | null;
}

export async function loadDemoKb(): Promise<{ kb: KnowledgeBase; store: SqlKnowledgeStore }> {
  const handle = openDatabase("sqlite::memory:");
  await migrateToLatest(handle);
  const store = SqlKnowledgeStore.over(handle.db);
  // As the product runs by default: with the word vectors when the package is installed.
  const kb = new KnowledgeBase({ store, wordVectors: await loadWordVectors() });
  await seedDemoKnowledge(kb, { dir: DEMO });
  return { kb, store };
}

const { kb, store } = await loadDemoKb();
/** Every stored chunk's text, by document: what an answer citing that document may quote. */
const textsByDocument = new Map<string, string[]>();
for await (const page of store.chunks())
  for (const c of page)
    textsByDocument.set(c.documentId, [...(textsByDocument.get(c.documentId) ?? []), c.text]);
const questions = readFileSync(resolve(DEMO, "questions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Question);

/** The extractive answer as the answerer builds it: searched as deep as it looks for the sentences it quotes. */
function extractiveAnswer(text: string) {
  const r = kb.search(text, { k: EXTRACTIVE_DEPTH, language: "en" });
  return buildExtractiveAnswer(
    r.question,
    r.passages,
    "en",
    new Map(r.queryTerms.map((t, i) => [t, r.queryIdf[i]!])),
  );
}

// The document an answer leads with: its first citation, as the answerer quotes it (a catalogue row's question may
// be answered from a policy the row lacks, so the top retrieved passage is not always what is cited).
const leadTitle = new Map<string, string | null>();
for (const q of questions) leadTitle.set(q.id, extractiveAnswer(q.text)?.citations[0]?.title ?? null);

function score(policy: AnswerabilityPolicy) {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0,
    rightDoc = 0;
  for (const q of questions) {
    const r = kb.search(q.text, { k: 5, language: "en" });
    const d = decideAnswerable(r, policy);
    if (d.answerable && q.answerable) {
      tp++;
      if (leadTitle.get(q.id) === q.expectTitle) rightDoc++;
    } else if (d.answerable) fp++;
    else if (q.answerable) fn++;
    else tn++;
  }
  const precision = tp / Math.max(tp + fp, 1);
  const recall = tp / Math.max(tp + fn, 1);
  // Abstention seen from the other side: of the questions we declined, how many were truly unanswerable.
  const abstainPrecision = tn / Math.max(tn + fn, 1);
  const abstainRecall = tn / Math.max(tn + fp, 1);
  return {
    policy,
    answerPrecision: r3(precision),
    answerRecall: r3(recall),
    f1: r3((2 * precision * recall) / Math.max(precision + recall, 1e-9)),
    abstainPrecision: r3(abstainPrecision),
    abstainRecall: r3(abstainRecall),
    rightDocumentWhenAnswered: r3(rightDoc / Math.max(tp, 1)),
  };
}
const r3 = (v: number) => Math.round(v * 1000) / 1000;

const sweep = [];
for (let n = 0.15; n <= 0.61; n += 0.05)
  for (const c of [0.3, 0.4, 0.5, 0.6, 0.7]) sweep.push(score({ minNormScore: r3(n), minCoverage: c }));
sweep.sort(
  (a, b) =>
    b.f1 + (b.abstainPrecision + b.abstainRecall) / 2 - (a.f1 + (a.abstainPrecision + a.abstainRecall) / 2),
);
const atDefault = score(DEFAULT_ANSWERABILITY);

/**
 * Whether every sentence of an answer, as the customer gets it, is copied verbatim from a chunk of a document the
 * answer cites. Read off the answer itself, so an answer to two questions at once is checked like any other.
 */
function grounded(answer: { text: string; citations: readonly { documentId: string }[] }): boolean {
  const quotable = answer.citations.flatMap((c) => textsByDocument.get(c.documentId) ?? []);
  return splitSentences(answer.text).every((s) => quotable.some((t) => t.includes(s)));
}

// Grounding: every sentence of every answer is copied from a passage it cites.
const answerer = new Answerer({ retriever: kb.index });
let answers = 0,
  groundedAnswers = 0;
const times: number[] = [];
const examples: { q: string; a: string; cited: string[] }[] = [];
const ungroundedExamples: unknown[] = [];
for (let round = 0; round < 20; round++) {
  for (const q of questions) {
    const t0 = performance.now();
    const res = await answerer.answer({ text: q.text, language: "en" });
    times.push(performance.now() - t0);
    if (round > 0 || res.kind !== "answer") continue;
    answers++;
    if (grounded(res)) groundedAnswers++;
    else ungroundedExamples.push({ q: q.text, a: res.text, cited: res.citations.map((c) => c.title) });
    if (examples.length < 6)
      examples.push({ q: q.text, a: res.text, cited: res.citations.map((c) => c.title) });
  }
}
times.sort((a, b) => a - b);
const answerLatency = {
  calls: times.length,
  p50Ms: r3(times[Math.floor(times.length * 0.5)]!),
  p95Ms: r3(times[Math.floor(times.length * 0.95)]!),
};

// Ingestion throughput: a 40-page PDF and 200 HTML pages, parsed and chunked, median of 3 runs.
const pdfBytes = await makePdf(
  "Bench manual",
  Array.from({ length: 40 }, (_, p) =>
    Array.from(
      { length: 30 },
      (_, l) => `Page ${p + 1} line ${l + 1}: the quick brown fox jumps over the lazy dog again.`,
    ),
  ),
);
const html = (i: number) =>
  `<html><head><title>Page ${i}</title></head><body><nav>menu</nav><article><h1>Page ${i}</h1>${Array.from({ length: 12 }, (_, j) => `<h2>Section ${j}</h2><p>${"Paragraph text about shipping, returns and accounts. ".repeat(6)}</p>`).join("")}</article></body></html>`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pdfRuns: number[] = [];
const htmlRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  await parsePdf(pdfBytes, "bench.pdf", "bench.pdf");
  pdfRuns.push(40 / ((performance.now() - t) / 1000));
  t = performance.now();
  for (let p = 0; p < 200; p++) htmlToDocument(html(p), `http://x/${p}`);
  htmlRuns.push(200 / ((performance.now() - t) / 1000));
}
const ingestion = {
  pdfPagesPerSecond: Math.round(median(pdfRuns)),
  htmlPagesPerSecond: Math.round(median(htmlRuns)),
};

const results = {
  knowledgeBase: {
    sources: (await kb.listSources()).map((s) => `${s.name} (${s.chunkCount} chunks)`),
    chunks: kb.index.size,
  },
  questions: {
    answerable: questions.filter((q) => q.answerable).length,
    unanswerable: questions.filter((q) => !q.answerable).length,
  },
  atDefault,
  bestFiveOfSweep: sweep.slice(0, 5),
  grounding: { answers, groundedAnswers, ungrounded: answers - groundedAnswers, ungroundedExamples },
  answerLatency,
  ingestion,
  examples,
};
writeFileSync(resolve(RESULTS, "knowledge-demo.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
