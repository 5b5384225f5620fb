// The side panels: the handoff packet (why it was escalated, sentiment, summary, what the AI tried, who the
// customer is) and real-time assist (summary, flags, replies, articles, next steps, and in LLM mode the AI's
// summary and draft reply) with rating buttons. Both hide themselves when the server does not offer them.

import { useEffect, useRef, useState } from "react";
import { cueText, cueView, distinctCues } from "../shared/cues.ts";
import { safeHttpUrl } from "../shared/safe.ts";
import { api } from "./api.ts";
import { reasonLabel } from "./labels.ts";
import type { AssistPanel as AssistData, HandoffPacket, Rating } from "./types.ts";

const money = (n: number) => n.toLocaleString(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const pct = (n: number | null | undefined) => (typeof n === "number" ? `${Math.round(n * 100)}%` : "—");

export function PacketPanel({ packet }: { packet: HandoffPacket | null | undefined }) {
  if (packet === undefined) return <section className="panel muted pad">Loading handoff packet…</section>;
  if (packet === null) return null;
  const e = packet.escalation;
  const s = packet.sentiment;
  const ctx = packet.customerContext;
  const answers = packet.aiAttempts?.answers ?? [];
  const actions = packet.aiAttempts?.actions ?? [];
  return (
    <section className="panel" aria-labelledby="packet-title" data-testid="packet">
      <h2 id="packet-title">Handoff packet</h2>
      {e?.reasons && e.reasons.length > 0 && (
        <div className="kv">
          <h3>Why it was escalated</h3>
          <div className="chips">
            {e.reasons.map((r) => (
              <span key={r} className="reason">
                {reasonLabel(r)}
              </span>
            ))}
          </div>
          {e.priority && e.priority.value > 0 && (
            <p className="muted" data-testid="packet-priority">
              Queue priority {e.priority.value}
              {e.priority.explanation ? `: ${e.priority.explanation}` : ""}
            </p>
          )}
          {e.cues && e.cues.length > 0 && (
            <ul className="cues">
              {distinctCues(e.cues, 6).map((c, i) => (
                <li key={i}>
                  {cueText(c)} <span className="muted">· {cueView(c).kind}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {s && (
        <div className="kv">
          <h3>Sentiment</h3>
          <p>
            <span className={`chip flag ${s.flag === "very_negative" || s.flag === "negative" ? "negative" : ""}`}>{(s.flag ?? "unknown").replace(/_/g, " ")}</span>{" "}
            trend <strong>{s.trend ?? "unknown"}</strong> · frustration {pct(s.frustration)}
          </p>
        </div>
      )}
      {packet.summary && (packet.summary.bullets?.length ?? 0) > 0 && (
        <div className="kv">
          <h3>Summary</h3>
          {(packet.historyOmitted ?? 0) > 0 && (
            <p className="muted">Of the latest messages; {packet.historyOmitted} earlier ones are in the full transcript.</p>
          )}
          <ul>
            {packet.summary.bullets?.map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {(answers.length > 0 || actions.length > 0) && (
        <div className="kv">
          <h3>What the AI tried</h3>
          <ul>
            {actions.map((a, i) => (
              <li key={`a${i}`}>
                {a.name} — <span className={a.status === "failed" ? "bad" : ""}>{a.status}</span>
                {a.errorCode || a.httpStatus ? ` · ${[a.errorCode, a.httpStatus ? `HTTP ${a.httpStatus}` : null].filter(Boolean).join(", ")}` : ""}
                {a.error ? ` (${a.error})` : ""}
              </li>
            ))}
            {answers.slice(-3).map((a) => (
              <li key={a.seq}>
                Answered: “{a.text.length > 120 ? `${a.text.slice(0, 120)}…` : a.text}”{a.answered === false ? " (could not answer)" : ""}
              </li>
            ))}
          </ul>
        </div>
      )}
      {ctx && (
        <div className="kv">
          <h3>Customer</h3>
          <dl className="facts">
            {ctx.name && <Fact k="Name" v={ctx.name} />}
            {ctx.email && <Fact k="Email" v={ctx.email} />}
            {ctx.unverifiedEmail && <Fact k="Email (not verified)" v={ctx.unverifiedEmail} />}
            {typeof ctx.lifetimeValue === "number" && <Fact k="Lifetime value" v={money(ctx.lifetimeValue)} />}
            {ctx.plan && <Fact k="Plan" v={ctx.plan} />}
            {(ctx.openOrders?.length ?? 0) > 0 && <Fact k="Open orders" v={ctx.openOrders!.map((o) => `${o.id}${o.status ? ` (${o.status})` : ""}`).join(", ")} />}
            {typeof ctx.previousComplaints === "number" && <Fact k="Previous complaints" v={String(ctx.previousComplaints)} />}
            {(ctx.previousConversations?.length ?? 0) > 0 && <Fact k="Previous conversations" v={String(ctx.previousConversations!.length)} />}
            {ctx.contractTerms && <Fact k="Contract" v={ctx.contractTerms} />}
            {ctx.notes && <Fact k="Notes" v={ctx.notes} />}
          </dl>
        </div>
      )}
    </section>
  );
}

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <div>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </div>
  );
}

function isAssist(x: unknown): x is AssistData {
  return !!x && typeof x === "object" && ("replies" in x || "articles" in x || "summary" in x);
}

const Thumb = ({ down }: { down?: boolean }) => (
  <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" style={down ? { transform: "rotate(180deg)" } : undefined}>
    <path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z" />
  </svg>
);

function RateButtons({ id, type, ratings, onRate }: { id: string; type: string; ratings: Record<string, Rating>; onRate: (id: string, type: string, r: Rating) => void }) {
  const current = ratings[id];
  return (
    <span className="rate" role="group" aria-label="Rate this suggestion">
      <button type="button" aria-pressed={current === "helpful"} aria-label="Helpful" title="Helpful" onClick={() => onRate(id, type, "helpful")}>
        <Thumb />
      </button>
      <button type="button" aria-pressed={current === "not_helpful"} aria-label="Not helpful" title="Not helpful" onClick={() => onRate(id, type, "not_helpful")}>
        <Thumb down />
      </button>
    </span>
  );
}

export function AssistPanel({
  conversationId,
  lastSeq,
  live,
  onUse,
  onAvailability,
}: {
  conversationId: string;
  lastSeq: number;
  live: unknown;
  onUse: (s: { id: string; type: string; text: string }) => void;
  /** Tells the pane whether there is anything to show, so it can explain an empty side column. */
  onAvailability?: (shown: boolean) => void;
}) {
  const [data, setData] = useState<AssistData | null | undefined>(undefined);
  const [ratings, setRatings] = useState<Record<string, Rating>>({});
  const unavailable = useRef(false);

  // Refresh as messages arrive (debounced); stop asking once the server said it has no assist endpoint.
  useEffect(() => {
    if (unavailable.current) return;
    let cancelled = false;
    const t = setTimeout(() => {
      api.assist(conversationId).then(
        (r) => {
          if (cancelled) return;
          if (r === null) unavailable.current = true;
          setData((prev) => (r && prev && typeof prev.basedOnSeq === "number" && typeof r.basedOnSeq === "number" && r.basedOnSeq < prev.basedOnSeq ? prev : r));
        },
        () => !cancelled && setData((d) => d ?? null),
      );
    }, data === undefined ? 0 : 400);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [conversationId, lastSeq]);

  useEffect(() => {
    if (isAssist(live)) setData(live);
  }, [live]);

  useEffect(() => {
    onAvailability?.(!!data);
  }, [data, onAvailability]);

  const rate = (id: string, type: string, rating: Rating) => {
    setRatings((r) => ({ ...r, [id]: rating }));
    void api.rate({ conversationId, suggestionId: id, suggestionType: type, rating }).catch(() => {});
  };

  if (!data) return null;
  // The co-pilot's summary, when the server had one in time, reads better than the extracted sentences.
  const summary = data.llmSummary && (data.llmSummary.bullets?.length ?? 0) > 0 ? data.llmSummary : data.summary;
  return (
    <section className="panel" aria-labelledby="assist-title" data-testid="assist">
      <h2 id="assist-title">Assist</h2>
      {(data.flags?.length ?? 0) > 0 && (
        <ul className="flags">
          {data.flags!.map((f) => (
            <li key={f.id} className={`flagline ${f.severity ?? "info"}`}>
              <strong>{f.label}</strong>
              {f.evidence ? <span className="muted"> — {f.evidence}</span> : null}
              <RateButtons id={f.id} type={f.type} ratings={ratings} onRate={rate} />
            </li>
          ))}
        </ul>
      )}
      {summary && (summary.bullets?.length ?? 0) > 0 && (
        <div className="kv" data-testid="assist-summary" data-source={summary === data.llmSummary ? "llm" : "extractive"}>
          <h3>
            Summary {summary === data.llmSummary && <span className="badge" title="Written by the AI from this conversation">AI</span>}{" "}
            <RateButtons id={summary.id} type={summary.type} ratings={ratings} onRate={rate} />
          </h3>
          <ul>
            {summary.bullets!.map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {data.draft && (
        <div className="kv" data-testid="assist-draft">
          <h3>
            Draft reply <span className="badge" title="Written by the AI from this conversation and the knowledge base: check it before sending">AI</span>
          </h3>
          <div className="suggestion">
            <p>{data.draft.text}</p>
            {(data.draft.citations?.length ?? 0) > 0 && (
              <p className="muted small">From: {data.draft.citations!.map((c) => c.title).join(", ")}</p>
            )}
            <div className="sug-actions">
              {/* Sending it unchanged rates it "used as is", changing it first "edited" (see Composer). */}
              <button type="button" className="btn small" title="Put the draft in the composer to send or edit" onClick={() => onUse(data.draft!)}>
                Use draft
              </button>
              <RateButtons id={data.draft.id} type={data.draft.type} ratings={ratings} onRate={rate} />
            </div>
          </div>
        </div>
      )}
      {(data.replies?.length ?? 0) > 0 && (
        <div className="kv">
          <h3>Suggested replies</h3>
          {data.replies!.map((r) => (
            <div key={r.id} className="suggestion">
              <strong>
                {r.title ?? r.shortcut} {r.shortcut && <code>{r.shortcut}</code>}
              </strong>
              <p>{r.text}</p>
              <div className="sug-actions">
                <button type="button" className="btn small" onClick={() => onUse(r)}>
                  Use
                </button>
                <RateButtons id={r.id} type={r.type} ratings={ratings} onRate={rate} />
              </div>
            </div>
          ))}
        </div>
      )}
      {(data.articles?.length ?? 0) > 0 && (
        <div className="kv">
          <h3>Articles</h3>
          <ul>
            {data.articles!.map((a) => {
              const href = safeHttpUrl(a.url);
              return (
                <li key={a.id}>
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                      {a.title}
                    </a>
                  ) : (
                    <strong>{a.title}</strong>
                  )}
                  <RateButtons id={a.id} type={a.type} ratings={ratings} onRate={rate} />
                  {a.snippet && <p className="muted small">{a.snippet}</p>}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {(data.nextSteps?.length ?? 0) > 0 && (
        <div className="kv">
          <h3>Next steps from similar cases</h3>
          <ul>
            {data.nextSteps!.map((n) => (
              <li key={n.id}>
                <strong>{n.resolutionCode.replace(/_/g, " ")}</strong> <span className="muted">{pct(n.confidence)} of {n.caseCount ?? "?"} similar cases</span>
                <RateButtons id={n.id} type={n.type} ratings={ratings} onRate={rate} />
                {n.notes && <p className="muted small">{n.notes}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
