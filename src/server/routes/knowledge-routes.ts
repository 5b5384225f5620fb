// Knowledge admin API (admin role): list, add (upload a file, or a web page / site / sitemap) and delete sources,
// watch ingestion jobs, and "ask a test question" to see the passages, their scores and the answer the AI would give.

import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { extname } from "node:path";
import { z } from "zod";
import { FILE_EXTENSIONS, isUrl, loadSource, parseBytes } from "../../adapters/knowledge/ingest/load.ts";
import type { ParsedSource } from "../../adapters/knowledge/ingest/types.ts";
import type { KnowledgeBase } from "../../adapters/knowledge/knowledge-base.ts";
import { requireRole } from "../../app/auth-service.ts";
import { createIngestJobs, type IngestProgress } from "../../app/ingest-jobs.ts";
import { queryLanguage } from "../../cli/commands/ask.ts";
import type { Answerer } from "../../domain/answer/answerer.ts";
import { AppError } from "../../domain/errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { RouteContext } from "../app.ts";

export interface KnowledgeRoutesDeps {
  kb: KnowledgeBase;
  answerer: Answerer;
  clock: Clock;
  /** Largest uploaded file (KB_UPLOAD_MAX_BYTES). */
  maxUploadBytes: number;
  /** The fetch for URL sources: the composition root passes one that refuses private addresses (SSRF). */
  fetch?: typeof fetch;
}

const columnsSchema = z.array(z.string().trim().min(1).max(200)).max(100);
const language = z.string().regex(/^[a-z]{2,3}$/, "a language is an ISO 639 code like en");
const urlBody = z
  .object({
    url: z.string().max(2048).refine((u) => isUrl(u) && URL.canParse(u), "url must be an http(s) URL"),
    maxPages: z.number().int().min(1).max(5000).optional(),
    maxDepth: z.number().int().min(0).max(10).optional(),
    language: language.optional(),
  })
  .strict();
const uploadFields = z
  .object({
    /** Comma-separated CSV/JSON columns to index. */
    columns: z.string().max(4000).optional(),
    language: language.optional(),
  })
  .strict();
/** The multipart form of an upload, for the API document (readUpload reads it). */
const uploadForm = uploadFields
  .extend({
    file: z.string().meta({ format: "binary", description: "the one file: PDF, CSV, JSON, Markdown, HTML or plain text" }),
    columns: uploadFields.shape.columns.describe("CSV/JSON only: the comma-separated columns to index"),
  })
  .strict();
const askBody = z.object({ text: z.string().trim().min(1).max(2000), k: z.number().int().min(1).max(20).default(5), language: language.optional() }).strict();
const sourceParams = z.object({ id: z.string().regex(/^src_[\w-]{1,80}$/, "not a source id") }).strict();
const jobParams = z.object({ id: z.string().regex(/^job_[0-9a-f-]{36}$/, "not a job id") }).strict();

function parseColumns(text: string): string[] | undefined {
  const r = columnsSchema.safeParse(text.split(",").filter((c) => c.trim()));
  if (!r.success) throw new AppError("VALIDATION_FAILED", "columns: a comma-separated list of up to 100 column names");
  return r.data.length ? r.data : undefined;
}

/** Text formats whose content is checked for emptiness before a job is queued. */
const TEXT_EXTENSIONS = new Set([".md", ".markdown", ".txt", ".text", ".html", ".htm", ".csv", ".json", ".jsonl"]);

/** Uploaded documents have no address a customer could open: their citations carry titles, not links. */
const withoutFileUrls = (parsed: ParsedSource): ParsedSource => ({
  ...parsed,
  documents: parsed.documents.map((d) => ({ ...d, url: d.url && /^https?:\/\//i.test(d.url) ? d.url : null })),
});

/** Synchronous checks of an uploaded file, so the obvious mistakes are refused before a job is queued. */
export function checkUpload(name: string, bytes: Uint8Array): void {
  const ext = extname(name).toLowerCase();
  if (!(FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new AppError("KB_UNSUPPORTED_FORMAT", `unsupported file type ${ext || "(none)"}: upload PDF, CSV, JSON, Markdown, HTML or plain text`);
  }
  if (bytes.length === 0) throw new AppError("KB_EMPTY_FILE", `${name} is empty`);
  if (ext === ".pdf") {
    // Every PDF starts with "%PDF-" (a few writers put junk first; the spec allows it within the first 1 KB).
    const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
    if (!head.includes("%PDF-")) throw new AppError("KB_NOT_A_PDF", `${name} is not a PDF (no %PDF- header)`);
  } else if (TEXT_EXTENSIONS.has(ext) && Buffer.from(bytes).toString("utf8").trim() === "") {
    throw new AppError("KB_EMPTY_FILE", `${name} has no text`);
  }
}

export function knowledgeRoutes(deps: KnowledgeRoutesDeps) {
  return async (app: FastifyInstance, ctx: RouteContext): Promise<void> => {
    const { kb, answerer } = deps;
    const log = { info: (o: object, m?: string) => app.log.info(o, m), warn: (o: object, m?: string) => app.log.warn(o, m), error: (o: object, m?: string) => app.log.error(o, m) };
    const jobs = createIngestJobs({ clock: deps.clock, log });
    const sec = { security: [{ bearer: [] }] };
    const admin = async (req: FastifyRequest) => requireRole(await ctx.principal(req), "admin");

    /** Chunks a parsed source into the knowledge base, reporting progress. */
    const ingest = async (parsed: ParsedSource, progress: IngestProgress, lang?: string) => {
      const pages = parsed.kind === "pdf" ? new Set(parsed.documents.flatMap((d) => d.sections.map((s) => s.location))).size : parsed.documents.length;
      progress.parsed({ documents: parsed.documents.length, pages, skipped: parsed.skipped });
      const r = await kb.ingest(parsed, lang ? { language: lang } : {});
      return { sourceId: r.source.id, documents: r.documents, chunks: r.chunks, duplicates: r.duplicates };
    };

    app.get("/api/v1/admin/knowledge/sources", { schema: { tags: ["admin"], summary: "Knowledge sources with their document and chunk counts, and recent ingestion jobs", ...sec } }, async (req) => {
      await admin(req);
      return { sources: await kb.listSources(), jobs: jobs.list() };
    });

    // Its own scope: the multipart parser serves this route only, every other route stays JSON-only.
    await app.register(async (scope) => {
      await scope.register(multipart, { limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 4, parts: 5, fieldSize: 4096 } });
      scope.post(
        "/api/v1/admin/knowledge/sources",
        {
          schema: {
            tags: ["admin"],
            summary:
              "Add a source as a background job (202 + job): JSON { url, maxPages?, maxDepth?, language? } for a page, site or sitemap.xml, or multipart/form-data with one file (PDF, CSV, JSON, Markdown, HTML, text) and optional fields columns (comma-separated, CSV/JSON) and language. Re-adding the same URL or file name replaces the source.",
            ...sec,
            // The handler reads the body itself (JSON or multipart), so it is documented here, not validated by Fastify.
            documentedBody: { "application/json": urlBody, "multipart/form-data": uploadForm },
            response: { 202: { description: "Accepted: the ingestion job, to follow at /api/v1/admin/knowledge/jobs/{id}" } },
            raises: ["KB_UNSUPPORTED_FORMAT", "KB_NOT_A_PDF", "KB_EMPTY_FILE"],
          },
        },
        async (req: FastifyRequest, reply: FastifyReply) => {
          await admin(req);
          if (req.isMultipart()) {
            const { name, bytes, fields } = await readUpload(req, deps.maxUploadBytes);
            checkUpload(name, bytes);
            const columns = fields.columns ? parseColumns(fields.columns) : undefined;
            const job = jobs.submit("file", name, async (progress) =>
              ingest(withoutFileUrls(await parseBytes(bytes, name, `upload:${name}`, { ...(columns ? { columns } : {}), ...(fields.language ? { language: fields.language } : {}) })), progress, fields.language),
            );
            return reply.code(202).send({ job });
          }
          const parsed = urlBody.safeParse(req.body);
          if (!parsed.success) {
            const first = parsed.error.issues[0];
            throw new AppError("VALIDATION_FAILED", first ? `${first.path.join(".") || "body"}: ${first.message}` : "invalid body");
          }
          const { url, maxPages, maxDepth, language: lang } = parsed.data;
          // A PDF or other single file by URL is fetched as it is; pages, sites and sitemaps are crawled.
          const crawl = !/\.pdf$/i.test(new URL(url).pathname);
          const job = jobs.submit("url", url, async (progress) =>
            ingest(
              await loadSource(url, {
                crawl, maxPages, maxDepth, ...(lang ? { language: lang } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}),
                onPage: () => progress.page(),
              }),
              progress,
              lang,
            ),
          );
          return reply.code(202).send({ job });
        },
      );
    });

    app.get("/api/v1/admin/knowledge/jobs/:id", { schema: { tags: ["admin"], summary: "An ingestion job: state, pages/documents/chunks done, error code (jobs are kept on the node that runs them)", params: jobParams, ...sec, raises: ["NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: z.infer<typeof jobParams> }>) => {
        await admin(req);
        const job = jobs.get(req.params.id);
        if (!job) throw new AppError("NOT_FOUND", "no such ingestion job on this node");
        return { job };
      });

    app.delete("/api/v1/admin/knowledge/sources/:id", { schema: { tags: ["admin"], summary: "Delete a source and all its chunks (every node's index follows)", params: sourceParams, ...sec, raises: ["NOT_FOUND"] } },
      async (req: FastifyRequest<{ Params: z.infer<typeof sourceParams> }>) => {
        await admin(req);
        if (!(await kb.deleteSource(req.params.id))) throw new AppError("NOT_FOUND", "no such knowledge source");
        return { deleted: req.params.id };
      });

    app.post("/api/v1/admin/knowledge/ask", { schema: { tags: ["admin"], summary: "Ask a test question: the retrieved passages with scores, and the answer the AI would give (nothing is sent to anyone)", body: askBody, ...sec } },
      async (req: FastifyRequest<{ Body: z.infer<typeof askBody> }>) => {
        await admin(req);
        const { text, k } = req.body;
        const lang = queryLanguage(text, kb.index, req.body.language);
        const [retrieval, result] = await Promise.all([kb.retrieve(text, { k, language: lang }), answerer.answer({ text, language: lang })]);
        return {
          language: retrieval.language,
          passages: retrieval.passages.map((p) => ({
            chunkId: p.chunk.id, sourceId: p.chunk.sourceId, documentId: p.chunk.documentId, title: p.chunk.title, source: p.chunk.sourceName,
            location: p.chunk.location, score: p.score, coverage: p.coverage, similarity: p.similarity, text: p.chunk.text,
          })),
          answerable: result.kind === "answer",
          answer: result.kind === "answer" ? result.text : null,
          citations: result.kind === "answer" ? result.citations : [],
          mode: result.kind === "answer" ? result.mode : null,
          /** Why not: the boundary message the customer would get, or the routine action it would start. */
          ...(result.kind === "cannot_answer" ? { reason: result.reason, boundaryMessage: result.boundaryMessage } : {}),
          ...(result.kind === "action" ? { action: { name: result.action, status: result.status, text: result.text } } : {}),
        };
      });
  };
}

/** Reads the one file and the small fields of a multipart upload, with coded errors for every limit. */
async function readUpload(req: FastifyRequest, maxBytes: number): Promise<{ name: string; bytes: Uint8Array; fields: z.infer<typeof uploadFields> }> {
  let file: { name: string; bytes: Uint8Array } | null = null;
  const raw: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === "file") {
        if (file) throw new AppError("VALIDATION_FAILED", "upload one file at a time");
        file = { name: part.filename.replace(/[\\/]/g, "_").slice(0, 200), bytes: new Uint8Array(await part.toBuffer()) };
      } else if (typeof part.value === "string") {
        raw[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") throw new AppError("PAYLOAD_TOO_LARGE", `the file is larger than ${maxBytes} bytes (KB_UPLOAD_MAX_BYTES)`);
    if (code === "FST_PARTS_LIMIT" || code === "FST_FILES_LIMIT" || code === "FST_FIELDS_LIMIT") throw new AppError("VALIDATION_FAILED", "upload one file and at most the fields columns and language");
    throw new AppError("VALIDATION_FAILED", "the multipart body could not be read");
  }
  if (!file || !file.name) throw new AppError("VALIDATION_FAILED", "attach a file (multipart field \"file\") or send JSON { url }");
  const fields = uploadFields.safeParse(raw);
  if (!fields.success) {
    const first = fields.error.issues[0];
    throw new AppError("VALIDATION_FAILED", first ? `${first.path.join(".") || "fields"}: ${first.message}` : "invalid fields");
  }
  return { ...file, fields: fields.data };
}
