// Knowledge ingestion as background jobs with progress, so an admin's upload or crawl returns at once and the page
// can watch pages, documents and chunks arrive. Jobs run one at a time: parsing and chunking are CPU-bound, and a
// queue keeps one large crawl from starving conversations on a small machine.

import { randomUUID } from "node:crypto";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "./conversation-service.ts";

export type IngestJobState = "queued" | "running" | "succeeded" | "failed";

export interface IngestJobView {
  id: string;
  kind: "url" | "file";
  /** The URL, or the uploaded file's name. */
  target: string;
  state: IngestJobState;
  /** Pages fetched (crawls) or read (PDF pages). */
  pages: number;
  documents: number;
  chunks: number;
  /** Chunks dropped as duplicates of text already in the source. */
  duplicates: number;
  /** Pages passed over (robots.txt, errors, not HTML); the first 50. */
  skipped: { url: string; reason: string }[];
  sourceId: string | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** What a job's work reports while it runs. */
export interface IngestProgress {
  page(): void;
  parsed(counts: { documents: number; pages: number; skipped?: { url: string; reason: string }[] }): void;
}

export type IngestWork = (progress: IngestProgress) => Promise<{ sourceId: string; documents: number; chunks: number; duplicates: number }>;

const MAX_SKIPPED_SHOWN = 50;

export interface IngestJobsOptions {
  clock: Clock;
  log: Logger;
  /** Finished jobs remembered for polling; the oldest finished ones are forgotten first. */
  keep?: number;
}

export function createIngestJobs(options: IngestJobsOptions) {
  const keep = options.keep ?? 100;
  const jobs = new Map<string, IngestJobView>();
  let chain: Promise<void> = Promise.resolve();

  const now = () => options.clock.now();
  const copy = (j: IngestJobView): IngestJobView => ({ ...j, skipped: [...j.skipped], error: j.error && { ...j.error } });

  function forgetOld(): void {
    if (jobs.size <= keep) return;
    for (const [id, j] of jobs) {
      if (jobs.size <= keep) break;
      if (j.state === "succeeded" || j.state === "failed") jobs.delete(id);
    }
  }

  async function run(job: IngestJobView, work: IngestWork): Promise<void> {
    job.state = "running";
    job.startedAt = now();
    const progress: IngestProgress = {
      page: () => void job.pages++,
      parsed: ({ documents, pages, skipped }) => {
        job.documents = documents;
        job.pages = Math.max(job.pages, pages);
        if (skipped) job.skipped = skipped.slice(0, MAX_SKIPPED_SHOWN);
      },
    };
    try {
      const r = await work(progress);
      Object.assign(job, { state: "succeeded", sourceId: r.sourceId, documents: r.documents, chunks: r.chunks, duplicates: r.duplicates });
      options.log.info({ job: job.id, sourceId: r.sourceId, chunks: r.chunks }, "knowledge source ingested");
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      // Ingestion errors carry a KB_* code and a message meant for the admin; anything else is ours to hide.
      const coded = typeof e?.code === "string" && /^KB_[A-Z_]+$/.test(e.code) && typeof e.message === "string";
      job.state = "failed";
      job.error = coded ? { code: e.code as string, message: e.message as string } : { code: "KB_INGEST_FAILED", message: "ingestion failed; see the server log" };
      if (coded) options.log.info({ job: job.id, code: job.error.code }, "knowledge ingestion refused");
      else options.log.error({ job: job.id, err: (err as Error)?.message }, "knowledge ingestion failed");
    } finally {
      job.finishedAt = now();
    }
  }

  return {
    /** Queues work and returns its job at once. */
    submit(kind: IngestJobView["kind"], target: string, work: IngestWork): IngestJobView {
      const job: IngestJobView = {
        id: `job_${randomUUID()}`, kind, target, state: "queued", pages: 0, documents: 0, chunks: 0, duplicates: 0,
        skipped: [], sourceId: null, error: null, createdAt: now(), startedAt: null, finishedAt: null,
      };
      jobs.set(job.id, job);
      forgetOld();
      chain = chain.then(() => run(job, work));
      return copy(job);
    },
    get(id: string): IngestJobView | null {
      const j = jobs.get(id);
      return j ? copy(j) : null;
    },
    /** Newest first. */
    list(limit = 20): IngestJobView[] {
      return [...jobs.values()].reverse().slice(0, limit).map(copy);
    },
    /** Resolves once every job submitted so far has finished (shutdown, tests). */
    drain(): Promise<void> {
      return chain;
    },
  };
}

export type IngestJobs = ReturnType<typeof createIngestJobs>;
