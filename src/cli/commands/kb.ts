// `tandem kb add|add-sql|list|delete`: feed the knowledge base from files, sites and databases, and manage sources.

import { type Command, InvalidArgumentError } from "commander";
import {
  FETCH_DEADLINE_MS,
  MAX_PDF_BYTES,
  MAX_TEXT_BYTES,
} from "../../adapters/knowledge/ingest/fetch-document.ts";
import {
  checkLanguage,
  isUrl,
  loadSource,
  SUPPORTED_LANGUAGES,
} from "../../adapters/knowledge/ingest/load.ts";
import { querySqlRows } from "../../adapters/knowledge/ingest/sql.ts";
import { endQuietlyOnClosedOutput } from "../closed-pipe.ts";
import { wholeNumber } from "../options.ts";
import { progressFor } from "../progress-line.ts";
import {
  errorLine,
  type KbContext,
  type OpenKnowledgeBaseOptions,
  openKnowledgeBase,
  reportError,
} from "./kb-context.ts";

const list = (v: string): string[] =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const MB = 1024 * 1024;

// Option parsers throw InvalidArgumentError: commander then prints a usage error and exits 1, with no stack trace.
const language = (v: string): string => {
  try {
    return checkLanguage(v);
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    throw new InvalidArgumentError(`${code ? `${code}: ` : ""}${message}.`);
  }
};

/** The knowledge base, or null after reporting why it could not be opened (bad DATABASE_URL, missing file). */
async function openOrReport(options: OpenKnowledgeBaseOptions): Promise<KbContext | null> {
  try {
    return await openKnowledgeBase(options);
  } catch (e) {
    reportError(e);
    return null;
  }
}

/** "3 pages skipped (2 robots.txt, 1 too large)": how many pages a crawl left out, and why. */
function skippedSummary(skipped: { reason: string }[]): string {
  const byReason = new Map<string, number>();
  for (const { reason } of skipped) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  const parts = [...byReason].map(([reason, n]) => `${n} ${reason}`).join(", ");
  return `${skipped.length} page${skipped.length === 1 ? "" : "s"} skipped (${parts})`;
}

export function registerKbCommands(program: Command): void {
  const kb = program.command("kb").description("manage the knowledge base the AI answers from");

  kb.command("add")
    .description(
      `add or re-add sources: PDF, Markdown, text, HTML, CSV, JSON files, web pages or whole sites (start URL or sitemap.xml); each download is limited to ${MAX_TEXT_BYTES / MB} MB (PDF ${MAX_PDF_BYTES / MB} MB) and ${FETCH_DEADLINE_MS / 1000} s, and robots.txt is obeyed`,
    )
    .argument("<targets...>", "file paths or http(s) URLs")
    .option("--columns <a,b>", "CSV/JSON columns to index (default: all but id and title)", list)
    .option(
      "--language <code>",
      `language of the content: ${SUPPORTED_LANGUAGES.join(", ")} (default: detected)`,
      language,
    )
    .option("--max-pages <n>", "pages to fetch per site", wholeNumber(1, 100_000), 200)
    .option("--max-depth <n>", "link depth from the start URL", wholeNumber(1, 100), 3)
    .option("--no-crawl", "for URLs: take only the given page")
    .action(
      async (
        targets: string[],
        opts: { columns?: string[]; language?: string; maxPages: number; maxDepth: number; crawl: boolean },
      ) => {
        const ctx = await openOrReport({ load: false, create: true });
        if (!ctx) return;
        // The bar goes to stderr; report lines to stdout and errors to stderr are printed above it.
        const progress = progressFor(process.stderr, targets.length);
        let failed = 0;
        try {
          for (const [i, target] of targets.entries()) {
            progress.update(i, target);
            try {
              const parsed = await loadSource(target, {
                ...(opts.columns ? { columns: opts.columns } : {}),
                ...(opts.language ? { language: opts.language } : {}),
                crawl: opts.crawl,
                maxPages: opts.maxPages,
                maxDepth: opts.maxDepth,
                ...(isUrl(target)
                  ? {
                      onPage: (_url: string, done: number) => progress.update(i, `${target} (${done} pages)`),
                    }
                  : {}),
              });
              const report = await ctx.kb.ingest(parsed, opts.language ? { language: opts.language } : {});
              const skipped = parsed.skipped?.length ? `, ${skippedSummary(parsed.skipped)}` : "";
              const dup = report.duplicates ? `, ${report.duplicates} duplicate chunks dropped` : "";
              progress.print(
                process.stdout,
                `${report.source.id}  ${parsed.name}: ${report.documents} documents, ${report.chunks} chunks${dup}${skipped}`,
              );
            } catch (e) {
              failed++;
              progress.print(process.stderr, errorLine(e, `${target}: `));
            }
          }
          progress.update(targets.length, failed ? `${failed} failed` : "done");
        } finally {
          progress.finish();
          await ctx.close();
        }
        if (failed) process.exitCode = 1;
      },
    );

  kb.command("add-sql")
    .description(
      "add the rows of a read-only SQL query as documents (column id → document id, title → title)",
    )
    .argument("<databaseUrl>", "sqlite:<path> or postgres://...")
    .argument("<query>", "a single SELECT")
    .option("--columns <a,b>", "columns to index", list)
    .option("--name <name>", "source name shown in citations")
    .option("--language <code>", `language of the content: ${SUPPORTED_LANGUAGES.join(", ")}`, language)
    .action(
      async (
        databaseUrl: string,
        query: string,
        opts: { columns?: string[]; name?: string; language?: string },
      ) => {
        const ctx = await openOrReport({ load: false, create: true });
        if (!ctx) return;
        try {
          const parsed = await querySqlRows(databaseUrl, query, opts);
          const report = await ctx.kb.ingest(parsed, opts.language ? { language: opts.language } : {});
          process.stdout.write(
            `${report.source.id}  ${parsed.name}: ${report.documents} documents, ${report.chunks} chunks\n`,
          );
        } catch (e) {
          reportError(e);
        } finally {
          await ctx.close();
        }
      },
    );

  kb.command("list")
    .description("list sources")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      endQuietlyOnClosedOutput();
      const ctx = await openOrReport({ load: false, create: false });
      if (!ctx) return;
      try {
        const sources = await ctx.kb.listSources();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(sources)}\n`);
          return;
        }
        if (sources.length === 0) process.stdout.write("no sources yet: tandem kb add <path|url>\n");
        for (const s of sources) {
          process.stdout.write(
            `${s.id}  ${s.kind.padEnd(8)} ${String(s.documentCount).padStart(6)} docs ${String(s.chunkCount).padStart(7)} chunks  ${new Date(s.updatedAt).toISOString()}  ${s.name}  (${s.location})\n`,
          );
        }
      } finally {
        await ctx.close();
      }
    });

  kb.command("delete")
    .description("delete a source and its chunks")
    .argument("<sourceId>")
    .action(async (sourceId: string) => {
      const ctx = await openOrReport({ load: false, create: false });
      if (!ctx) return;
      try {
        if (await ctx.kb.deleteSource(sourceId)) process.stdout.write(`deleted ${sourceId}\n`);
        else reportError(Object.assign(new Error(`no source ${sourceId}`), { code: "KB_NOT_FOUND" }));
      } finally {
        await ctx.close();
      }
    });
}
