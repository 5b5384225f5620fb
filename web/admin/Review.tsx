// Escalation review: every escalation with reasons, cues and outcome; verdict buttons; the pattern chart; knowledge
// gaps with one-click article drafts; and the weekly digest.

import { useState } from "react";
import { cueText, distinctCues } from "../shared/cues.ts";
import { outcomeLabel } from "../shared/labels.ts";
import { useLoad } from "./App.tsx";
import { api } from "./api.ts";
import { VerdictBars } from "./charts.tsx";

const VERDICTS = ["correct", "too_early", "too_late", "unnecessary"] as const;

export function ReviewPage() {
  const [by, setBy] = useState<"reason" | "intent" | "tier">("reason");
  const list = useLoad(() => api.escalations(), []);
  const patterns = useLoad(() => api.patterns(by), [by]);
  const gaps = useLoad(() => api.gaps(), []);
  const digest = useLoad(() => api.digest(), []);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ title: string; body: string } | null>(null);

  // Verdicts summed over weeks per key: the chart shows the whole range.
  const byKey = new Map<string, { key: string; verdicts: Record<string, number>; total: number }>();
  for (const r of patterns.data?.verdicts ?? []) {
    const row = byKey.get(r.key) ?? { key: r.key, verdicts: { correct: 0, too_early: 0, too_late: 0, unnecessary: 0 }, total: 0 };
    for (const [v, n] of Object.entries(r.verdicts)) row.verdicts[v] = (row.verdicts[v] ?? 0) + n;
    row.total += r.total;
    byKey.set(r.key, row);
  }

  const mark = async (eventId: number, verdict: string, intent: string) => {
    setError(null);
    try {
      let corrected: string | undefined;
      if (verdict === "unnecessary") corrected = window.prompt("Which intent did the message really have? (becomes a training example)", intent === "unknown" ? "" : intent) ?? undefined;
      await api.review(eventId, verdict, corrected || undefined);
      list.reload();
      patterns.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section aria-labelledby="review-title">
      <div className="page-head">
        <h1 id="review-title">Escalation review</h1>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="grid2">
        <div>
          <div className="row">
            <label>
              Pattern by{" "}
              <select value={by} onChange={(e) => setBy(e.target.value as typeof by)} aria-label="Pattern by">
                <option value="reason">reason</option>
                <option value="intent">intent</option>
                <option value="tier">tier</option>
              </select>
            </label>
          </div>
          <VerdictBars title={`Review verdicts by ${by}`} testId="pattern-chart" rows={[...byKey.values()].sort((a, b) => b.total - a.total)} />
        </div>
        <div>
          <h2>Weekly digest</h2>
          {digest.data ? (
            <div className="digest" data-testid="digest">
              <strong>{digest.data.digest.title}</strong>
              <ul>{digest.data.digest.highlights.map((h) => <li key={h}>{h}</li>)}</ul>
            </div>
          ) : (
            <p className="muted">{digest.error ?? "Loading…"}</p>
          )}
        </div>
      </div>
      <h2>Escalations</h2>
      <table className="table" data-testid="escalations">
        <thead>
          <tr><th>When</th><th>Customer said</th><th>Reasons and cues</th><th>Intent · tier</th><th>Outcome</th><th>Verdict</th></tr>
        </thead>
        <tbody>
          {(list.data?.escalations ?? []).map((e) => (
            <tr key={e.eventId} data-testid="escalation-row" data-event-id={e.eventId}>
              <td className="nowrap">{new Date(e.escalatedAt).toLocaleString()}</td>
              <td className="quote">{e.message ? <Quote text={e.message} /> : "—"}</td>
              <td>
                {e.reasons.map((r) => <span key={r} className="chip">{r}</span>)}
                <div className="cues" data-testid="escalation-cues">{distinctCues(e.cues, 4).map(cueText).join(" · ")}</div>
              </td>
              <td>{e.intent} · {e.tier ? `T${e.tier}` : "—"}</td>
              <td>
                <span data-testid="escalation-outcome" data-status={e.status} title={e.resolutionCode ? `${e.status} · ${e.resolutionCode}` : e.status}>
                  {outcomeLabel(e.status, e.resolutionCode)}
                </span>
                {e.csatScore !== null ? ` · CSAT ${e.csatScore}` : ""}
                {e.status === "resolved" && (
                  <div>
                    <button type="button" className="btn small" onClick={() => void api.draft(e.conversationId).then((r) => setDraft(r.draft), (err: Error) => setError(err.message))}>
                      Draft article
                    </button>
                  </div>
                )}
              </td>
              <td>
                <div className="verdicts" role="group" aria-label="Verdict">
                  {VERDICTS.map((v) => (
                    <button key={v} type="button" className={`btn small ${e.verdict === v ? "on" : ""}`} aria-pressed={e.verdict === v} onClick={() => void mark(e.eventId, v, e.messageIntent ?? e.intent)}>
                      {v.replace("_", " ")}
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.escalations.length === 0 && <p className="muted">No escalations in the last 30 days.</p>}
      {draft && (
        <div className="draft" role="dialog" aria-label="Article draft">
          <h2>{draft.title}</h2>
          <textarea readOnly value={draft.body} rows={8} />
          <button type="button" className="btn" onClick={() => setDraft(null)}>Close</button>
        </div>
      )}
      <h2>Knowledge gaps</h2>
      <p className="muted">Questions escalated because the AI could not answer (cannot_answer, out_of_scope, low_confidence), grouped by similarity.</p>
      <table className="table" data-testid="gaps">
        <thead>
          <tr><th>Count</th><th>Example question</th><th>Key words</th></tr>
        </thead>
        <tbody>
          {(gaps.data?.clusters ?? []).slice(0, 20).map((g) => (
            <tr key={g.conversationIds[0]}>
              <td>{g.count}</td>
              <td className="quote">{g.representative}</td>
              <td>{g.terms.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {gaps.data?.clusters.length === 0 && <p className="muted">No knowledge gaps in the last 30 days.</p>}
    </section>
  );
}

/** Past this many characters (or lines) a message is clamped to a few lines, with a button to read it all. */
const QUOTE_CHARS = 240;
const QUOTE_LINES = 4;

function Quote({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > QUOTE_CHARS || text.split("\n").length > QUOTE_LINES;
  if (!long) return <>{text}</>;
  return (
    <>
      <div className={open ? "quote-text" : "quote-text clamped"} data-testid="quote-text">
        {text}
      </div>
      <button type="button" className="btn small link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Show less" : `Show all (${text.length.toLocaleString()} characters)`}
      </button>
    </>
  );
}
