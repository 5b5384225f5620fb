// `tandem ask [--k N]`: the JSONL question-answering contract. One line in, one line out, in order, streamed.

import { endQuietlyOnClosedOutput } from "../closed-pipe.ts";
import { jsonlLines } from "../jsonl-lines.ts";
import { wholeNumber } from "../options.ts";
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { z } from "zod";
import { llmFromEnv } from "../../adapters/llm/openai-compatible.ts";
import { Answerer } from "../../domain/answer/answerer.ts";
import type { KnowledgeIndex } from "../../domain/knowledge/knowledge-index.ts";
import { detectLanguage } from "../../domain/triage/language.ts";
import type { Llm } from "../../ports/llm.ts";
import { openKnowledgeBase, reportError } from "./kb-context.ts";

const MAX_LINE_CHARS = 64 * 1024;
/** Bounds each output line: more passages than this is a typo, not a retrieval setting. */
const MAX_K = 100;
const TOO_LARGE: AskError = {
  error: { code: "INPUT_TOO_LARGE", message: `line exceeds ${MAX_LINE_CHARS} characters` },
};

const lineSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  text: z.string().max(16_000),
  // Extension beyond the contract: the customer's language when the caller knows it.
  language: z.string().min(2).max(35).optional(),
});

export interface AskOutput {
  id: string;
  answerable: boolean;
  answer: string | null;
  citations: { documentId: string; title: string; source: string }[];
  passages: { documentId: string; score: number; text: string }[];
}

export interface AskError {
  id?: string;
  error: { code: string; message: string };
}

/**
 * The language to search in: the caller's, else the detected one when the knowledge base has it (or detection is
 * sure), else the knowledge base's default. Short English questions are often misdetected; this keeps them English.
 */
export function queryLanguage(text: string, index: KnowledgeIndex, given?: string): string | null {
  if (given) return given;
  const kbLanguages = index.languages();
  if (kbLanguages.length <= 1) {
    const d = detectLanguage(text);
    return d.confidence >= 0.85 && d.language !== "und" && !kbLanguages.includes(d.language)
      ? d.language
      : (kbLanguages[0] ?? null);
  }
  const d = detectLanguage(text, kbLanguages[0]);
  return kbLanguages.includes(d.language) || d.confidence >= 0.85 ? d.language : (kbLanguages[0] ?? null);
}

export async function askLine(
  answerer: Answerer,
  index: KnowledgeIndex,
  line: string,
): Promise<AskOutput | AskError> {
  if (line.length > MAX_LINE_CHARS) return TOO_LARGE;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (e) {
    return { error: { code: "INPUT_INVALID_JSON", message: (e as Error).message } };
  }
  const parsed = lineSchema.safeParse(data);
  if (!parsed.success) {
    const id = (data as { id?: unknown } | null)?.id;
    return {
      ...(typeof id === "string" ? { id } : {}),
      error: {
        code: "INPUT_INVALID",
        message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      },
    };
  }
  const { id, text, language } = parsed.data;
  const result = await answerer.answer({ text, language: queryLanguage(text, index, language) });
  // `ask` runs without routine actions, so every result is an answer or a refusal; an action turn has no passages.
  const passages =
    result.kind === "action"
      ? []
      : result.passages.map((p) => ({ documentId: p.documentId, score: p.score, text: p.text }));
  if (result.kind === "answer") {
    return {
      id,
      answerable: true,
      answer: result.text,
      citations: result.citations.map((c) => ({
        documentId: c.documentId,
        title: c.title,
        source: c.source,
      })),
      passages,
    };
  }
  return { id, answerable: false, answer: null, citations: [], passages };
}

export async function runAsk(
  input: Readable,
  output: Writable,
  answerer: Answerer,
  index: KnowledgeIndex,
): Promise<void> {
  for await (const line of jsonlLines(input, MAX_LINE_CHARS)) {
    if ("text" in line && !line.text.trim()) continue;
    const out = "text" in line ? await askLine(answerer, index, line.text) : TOO_LARGE;
    if (!output.write(`${JSON.stringify(out)}\n`)) await once(output, "drain");
  }
}

export function registerAskCommand(program: Command): void {
  program
    .command("ask")
    .description(
      'answer JSONL questions { "id", "text" } from stdin with the knowledge base (DATABASE_URL), one JSON line each',
    )
    .option("--k <n>", "passages per answer, 1 to 100", wholeNumber(1, MAX_K), 5)
    .action(async (opts: { k: number }) => {
      endQuietlyOnClosedOutput();
      let llm: Llm | null;
      try {
        llm = llmFromEnv(process.env);
      } catch (e) {
        reportError(e);
        return;
      }
      let ctx: Awaited<ReturnType<typeof openKnowledgeBase>>;
      try {
        ctx = await openKnowledgeBase({ load: true, create: false });
      } catch (e) {
        reportError(e);
        return;
      }
      try {
        const answerer = new Answerer({ retriever: ctx.kb.retriever, llm, k: opts.k });
        await runAsk(process.stdin, process.stdout, answerer, ctx.kb.index);
      } finally {
        await ctx.close();
      }
    });
}
