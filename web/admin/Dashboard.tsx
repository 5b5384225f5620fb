// The analytics dashboard: headline figures, daily rates with the escalation target band, reasons, intents, SLA
// attainment per tier, agent utilisation and CSV export. Days are the browser's local days (its time zone is sent
// with every request, and the zone the server used is shown).

import { useState } from "react";
import { useLoad } from "./App.tsx";
import { api, browserTimeZone, type Figures, localDate, type SlaRow } from "./api.ts";
import { Bars, RateChart } from "./charts.tsx";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
const dur = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return "—";
  const s = ms / 1000;
  return s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
};
const money = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(2));
const score = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(2));
/** "1 conversation", "3 conversations". */
const count = (n: number | null | undefined, one: string, many: string) => `${n ?? 0} ${(n ?? 0) === 1 ? one : many}`;

function Card({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {hint && <div className="card-hint">{hint}</div>}
    </div>
  );
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** SLA attainment per tier: first response and queue wait against each tier's targets. */
function SlaTable({ rows }: { rows: SlaRow[] }) {
  return (
    <table className="table" data-testid="sla-table">
      <thead>
        <tr>
          <th>Tier</th><th>Targets (answer / pick-up)</th><th>Escalations</th><th>First response met</th><th>Breached</th>
          <th>Pending</th><th>Queue wait p50 / p90</th><th>Still queued</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.tier ?? "all"} data-testid="sla-row" data-tier={r.tier ?? "all"}>
            <td>{r.tier === null ? "All" : `Tier ${r.tier}`}</td>
            <td>{r.targets ? `${minutes(r.targets.firstResponseMs)} / ${minutes(r.targets.waitingMs)}` : "—"}</td>
            <td data-testid="sla-escalations">{r.escalations}</td>
            <td data-testid="sla-attainment">{pct(r.responseAttainment)}</td>
            <td data-testid="sla-breached">{r.breachedConversations}</td>
            <td>{r.responsePending}</td>
            <td data-testid="sla-wait">{dur(r.waitP50Ms)} / {dur(r.waitP90Ms)}</td>
            <td data-testid="sla-still-queued">{r.stillQueued}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard() {
  const [range, setRange] = useState({ from: localDate(29), to: localDate(0) });
  const overview = useLoad(() => api.overview(range), [range.from, range.to]);
  const days = useLoad(() => api.days(range), [range.from, range.to]);
  const intents = useLoad(() => api.intents(range), [range.from, range.to]);
  const agents = useLoad(() => api.agentLoad(range), [range.from, range.to]);
  const f: Figures = overview.data?.figures ?? {};
  const sla = overview.data?.sla;
  const band = overview.data?.escalationTarget;
  const esc = f.escalationRate;
  const escStatus = esc === null || esc === undefined || !band ? "" : esc > band.high ? "above target" : esc < band.low ? "below target" : "on target";

  return (
    <section aria-labelledby="dash-title">
      <div className="page-head">
        <h1 id="dash-title">Analytics</h1>
        <div className="range">
          <label>
            From <input type="date" value={range.from} max={range.to} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
          </label>
          <label>
            To <input type="date" value={range.to} min={range.from} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
          </label>
          {/* A conversation belongs to the local day of its first message, in the zone the server answered for. */}
          <span className="muted" data-testid="time-zone">
            days in {overview.data?.range.timeZone ?? browserTimeZone() ?? "the server's zone"}
          </span>
          <span className="csv">
            CSV:{" "}
            <a href={api.csvUrl("days", range)} download>per day</a> · <a href={api.csvUrl("intents", range)} download>per intent</a> ·{" "}
            <a href={api.csvUrl("conversations", range)} download>per conversation</a>
          </span>
        </div>
      </div>
      {overview.error && <p className="form-error" role="alert">{overview.error}</p>}
      <div className="cards">
        <Card testId="fig-conversations" label="Conversations" value={String(f.conversations ?? "—")} hint={`${f.aiPending ?? 0} still inside the return window`} />
        <Card testId="fig-ai-resolution" label="AI first-contact resolution" value={pct(f.aiResolutionRate)} hint={`${f.aiConfirmed ?? 0} confirmed, ${f.aiNoReturn ?? 0} no return, ${f.aiReturned ?? 0} came back`} />
        <Card testId="fig-escalation" label="Escalation rate" value={pct(esc)} hint={band ? `target ${pct(band.low)}–${pct(band.high)}: ${escStatus}` : undefined} />
        <Card label="Handling time, AI / escalated" value={`${dur(f.ahtAiMs)} / ${dur(f.ahtEscalatedMs)}`} />
        <Card label="Agent time with / without assist" value={`${dur(f.ahtAssistedMs)} / ${dur(f.ahtUnassistedMs)}`} hint={`${f.assistedCount ?? 0} vs ${count(f.unassistedCount, "conversation", "conversations")}`} />
        <Card label="CSAT, AI / human" value={`${score(f.csatAi)} / ${score(f.csatHuman)}`} hint={`${f.csatAiCount ?? 0} and ${count(f.csatHumanCount, "answer", "answers")}`} />
        <Card label="First response, any / human" value={`${dur(f.firstResponseMs)} / ${dur(f.firstHumanResponseMs)}`} />
        <Card label="Cost per interaction" value={money(f.costPerInteraction)} hint={`all-human baseline ${money(f.baselineCostPerInteraction)}`} />
        <Card label="Workload off agents" value={pct(f.workloadOffAgents)} hint={`${count(f.conversationsOffAgents, "conversation", "conversations")} never needed an agent`} />
        <Card
          testId="fig-sla"
          label="SLA: first response within target"
          value={pct(sla?.all.responseAttainment)}
          hint={`${sla?.all.responseBreached ?? 0} breached, ${sla?.all.responsePending ?? 0} waiting within target, ${sla?.all.responseWithdrawn ?? 0} left before it`}
        />
        <Card
          testId="fig-queue-wait"
          label="Queue wait, median / p90"
          value={`${dur(sla?.all.waitP50Ms)} / ${dur(sla?.all.waitP90Ms)}`}
          hint={`${sla?.all.waitBreached ?? 0} over the pick-up target, ${sla?.all.stillQueued ?? 0} still queued`}
        />
      </div>
      <div className="grid2">
        <RateChart
          title="Escalation and AI resolution rate per day"
          testId="escalation-chart"
          labels={(days.data?.days ?? []).map((d) => d.day)}
          band={band}
          series={[
            { name: "escalation rate", color: "#e8590c", values: (days.data?.days ?? []).map((d) => (d.figures.conversations ? (d.figures.escalationRate ?? null) : null)) },
            { name: "AI resolution rate", color: "#1971c2", values: (days.data?.days ?? []).map((d) => (d.figures.conversations ? (d.figures.aiResolutionRate ?? null) : null)) },
          ]}
        />
        <Bars title="Escalations by reason" testId="reasons-chart" rows={(overview.data?.reasons ?? []).map((r) => ({ label: r.reason, value: r.count }))} />
      </div>
      <div>
        <h2>SLA by tier</h2>
        {sla && <SlaTable rows={[...sla.tiers, sla.all]} />}
        <p className="muted">
          Escalations into the queue, by the day their conversation started. First response: a person's first reply to the customer before the
          tier's target (met ÷ met + breached; still waiting within target is pending). Queue wait: until an agent picked it up, or the customer
          left the queue; percentiles leave out conversations still queued.
        </p>
      </div>
      <div className="grid2">
        <div>
          <h2>By intent</h2>
          <table className="table" data-testid="intent-table">
            <thead>
              <tr><th>Intent</th><th>Conversations</th><th>AI resolution</th><th>Escalation</th><th>CSAT AI / human</th></tr>
            </thead>
            <tbody>
              {(intents.data?.intents ?? []).map((i) => (
                <tr key={i.intent}>
                  <td>{i.intent}</td>
                  <td>{i.figures.conversations}</td>
                  <td>{pct(i.figures.aiResolutionRate)}</td>
                  <td>{pct(i.figures.escalationRate)}</td>
                  <td>{score(i.figures.csatAi)} / {score(i.figures.csatHuman)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h2>Agent utilisation</h2>
          <table className="table">
            <thead>
              <tr><th>Agent</th><th>Conversations</th><th>Load (h)</th><th>Utilisation</th></tr>
            </thead>
            <tbody>
              {(agents.data?.agents ?? []).map((a) => (
                <tr key={a.agentId}>
                  <td>{a.displayName}</td>
                  <td>{a.conversations}</td>
                  <td>{a.loadHours.toFixed(2)}</td>
                  <td>{pct(a.utilisation)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {agents.data && <p className="muted">Load is time holding conversations ÷ capacity, over {agents.data.staffedHoursPerDay} staffed hours per active day.</p>}
        </div>
      </div>
    </section>
  );
}
