// Knowledge sources page: upload a PDF/CSV/JSON/Markdown/text file or add a page, site or sitemap, watch the
// ingestion job's progress, delete sources, and ask a test question to see passages, scores and the AI's answer.

import { type FormEvent, useEffect, useState } from "react";
import { useLoad } from "./App.tsx";
import { type AskResult, api, type IngestJob } from "./api.ts";

const ACCEPT = ".pdf,.csv,.json,.jsonl,.md,.markdown,.txt,.html,.htm";
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const isTabular = (name: string) => /\.(csv|json|jsonl)$/i.test(name);

export function KnowledgePage() {
  const sources = useLoad(() => api.sources(), []);
  const [jobs, setJobs] = useState<IngestJob[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (sources.data) setJobs(sources.data.jobs);
  }, [sources.data]);

  // Poll unfinished jobs; reload the source list when one finishes.
  const active = jobs.filter((j) => j.state === "queued" || j.state === "running").map((j) => j.id);
  useEffect(() => {
    if (active.length === 0) return;
    const timer = setInterval(async () => {
      const updated = await Promise.all(active.map((id) => api.job(id).then((r) => r.job, () => null)));
      setJobs((prev) => prev.map((j) => updated.find((u) => u?.id === j.id) ?? j));
      if (updated.some((u) => u && (u.state === "succeeded" || u.state === "failed"))) sources.reload();
    }, 400);
    return () => clearInterval(timer);
    // biome-ignore lint/correctness/useExhaustiveDependencies: re-arm only when the set of active jobs changes
  }, [active.join(",")]);

  const started = (job: IngestJob) => setJobs((prev) => [job, ...prev.filter((j) => j.id !== job.id)]);
  const remove = async (id: string, name: string) => {
    if (!confirm(`Delete ${name} and everything indexed from it?`)) return;
    setError(null);
    try {
      await api.deleteSource(id);
      sources.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section aria-labelledby="kb-title">
      <div className="page-head">
        <h1 id="kb-title">Knowledge sources</h1>
        <span className="muted">What the AI answers from. Adding the same file name or URL again replaces it.</span>
      </div>
      <div className="grid2">
        <div>
          <UploadForm onStarted={started} />
          <UrlForm onStarted={started} />
          {jobs.length > 0 && <Jobs jobs={jobs} />}
        </div>
        <AskPanel />
      </div>
      <h2>Sources ({sources.data?.sources.length ?? 0})</h2>
      {(error || sources.error) && <p className="form-error" role="alert">{error ?? sources.error}</p>}
      <table className="table">
        <thead>
          <tr><th>Name</th><th>Kind</th><th>Documents</th><th>Chunks</th><th>Updated</th><th /></tr>
        </thead>
        <tbody>
          {(sources.data?.sources ?? []).map((s) => (
            <tr key={s.id} data-testid="source-row" data-name={s.name}>
              <td>{s.name}<div className="muted">{s.location}</div></td>
              <td>{s.kind}</td>
              <td>{s.documentCount}</td>
              <td>{s.chunkCount}</td>
              <td className="nowrap">{new Date(s.updatedAt).toLocaleString()}</td>
              <td><button type="button" className="btn small" onClick={() => void remove(s.id, s.name)}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function UploadForm({ onStarted }: { onStarted: (job: IngestJob) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      onStarted((await api.upload(file, isTabular(file.name) ? { columns } : {})).job);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Upload a file">
      <label className="block">
        Upload a file (PDF, CSV, JSON, Markdown, HTML, text)
        <input type="file" accept={ACCEPT} aria-label="File to upload" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      {file && isTabular(file.name) && (
        <label className="block">
          Columns to index (comma-separated; empty = all but id and title)
          <input value={columns} onChange={(e) => setColumns(e.target.value)} placeholder="question,answer" />
        </label>
      )}
      <button type="submit" className="btn primary" disabled={!file || busy}>Upload</button>
      {error && <p className="form-error" role="alert">{error}</p>}
    </form>
  );
}

function UrlForm({ onStarted }: { onStarted: (job: IngestJob) => void }) {
  const [url, setUrl] = useState("");
  const [maxPages, setMaxPages] = useState(50);
  const [maxDepth, setMaxDepth] = useState(2);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onStarted((await api.addUrl(url.trim(), maxPages, maxDepth)).job);
      setUrl("");
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Add a web page or site">
      <label className="block">
        Web page, site or sitemap.xml (same site only, robots.txt respected)
        <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://help.example.com/ or …/sitemap.xml" aria-label="URL to add" />
      </label>
      <div className="range">
        <label>Max pages <input type="number" className="num" min={1} max={5000} value={maxPages} onChange={(e) => setMaxPages(Number(e.target.value))} /></label>
        <label>Max depth <input type="number" className="num" min={0} max={10} value={maxDepth} onChange={(e) => setMaxDepth(Number(e.target.value))} /></label>
        <button type="submit" className="btn primary">Add URL</button>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
    </form>
  );
}

function Jobs({ jobs }: { jobs: IngestJob[] }) {
  return (
    <div className="card">
      <strong>Ingestion</strong>
      <table className="table" data-testid="jobs">
        <tbody>
          {jobs.slice(0, 8).map((j) => (
            <tr key={j.id} data-testid="job-row" data-state={j.state}>
              <td className="quote">{j.target}</td>
              <td data-testid="job-state">{j.state}</td>
              <td className="nowrap">{j.pages} pages · {j.documents} documents · {j.chunks} chunks</td>
              <td>{j.error && <span className="form-error" title={j.error.message}>{j.error.code}: {j.error.message}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AskPanel() {
  const [text, setText] = useState("");
  const [result, setResult] = useState<AskResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setResult(await api.ask(text.trim()));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="card">
      <form onSubmit={submit} aria-label="Ask a test question">
        <label className="block">
          Ask a test question
          <input value={text} required onChange={(e) => setText(e.target.value)} placeholder="How long do refunds take?" aria-label="Test question" />
        </label>
        <button type="submit" className="btn primary">Ask</button>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
      {result && (
        <div data-testid="ask-result">
          <h2>The AI would answer</h2>
          {result.answerable ? (
            <>
              <p data-testid="answer" className="quote">{result.answer}</p>
              <p className="muted">
                Sources:{" "}
                {result.citations.map((c) => (
                  <span key={`${c.documentId}:${c.location}`} className="chip" data-testid="citation">{c.title} ({c.source}{c.location ? `, ${c.location}` : ""})</span>
                ))}
              </p>
            </>
          ) : result.action ? (
            <p data-testid="answer">Starts the action <code>{result.action.name}</code>: {result.action.text}</p>
          ) : (
            <p data-testid="answer" className="quote">Hands over ({result.reason}): {result.boundaryMessage}</p>
          )}
          <h2>Retrieved passages</h2>
          <table className="table">
            <thead>
              <tr><th>Score</th><th>Coverage</th><th>Passage</th></tr>
            </thead>
            <tbody>
              {result.passages.map((p) => (
                <tr key={p.chunkId} data-testid="passage-row">
                  <td data-testid="passage-score">{p.score.toFixed(2)}</td>
                  <td>{(p.coverage * 100).toFixed(0)}%</td>
                  <td className="quote"><strong>{p.title}</strong> <span className="muted">{p.source} · {p.location}</span><div>{p.text}</div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
