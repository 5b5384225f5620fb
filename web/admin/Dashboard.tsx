// The analytics dashboard: headline figures, daily rates with the escalation target band, reasons, intents,
// agent utilisation and CSV export.

import { useState } from "react";
import { useLoad } from "./App.tsx";
import { api, type Figures } from "./api.ts";
import { Bars, RateChart } from "./charts.tsx";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`);
const dur = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return "—";
  const s = ms / 1000;
  return s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
};
const money = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(2));
const score = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(2));

function Card({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
      {hint && <div className="card-hint">{hint}</div>}
    </div>
  );
}

export function Dashboard() {
  const today = new Date().toISOString().slice(0, 10);
  const [range, setRange] = useState({ from: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10), to: today });
  const overview = useLoad(() => api.overview(range), [range.from, range.to]);
  const days = useLoad(() => api.days(range), [range.from, range.to]);
  const intents = useLoad(() => api.intents(range), [range.from, range.to]);
  const agents = useLoad(() => api.agentLoad(range), [range.from, range.to]);
  const f: Figures = overview.data?.figures ?? {};
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
          {/* The rollup's days are UTC days (a conversation belongs to the day of its first message). */}
          <span className="muted">days in UTC</span>
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
        <Card label="Agent time with / without assist" value={`${dur(f.ahtAssistedMs)} / ${dur(f.ahtUnassistedMs)}`} hint={`${f.assistedCount ?? 0} vs ${f.unassistedCount ?? 0} conversations`} />
        <Card label="CSAT, AI / human" value={`${score(f.csatAi)} / ${score(f.csatHuman)}`} hint={`${f.csatAiCount ?? 0} and ${f.csatHumanCount ?? 0} answers`} />
        <Card label="First response, any / human" value={`${dur(f.firstResponseMs)} / ${dur(f.firstHumanResponseMs)}`} />
        <Card label="Cost per interaction" value={money(f.costPerInteraction)} hint={`all-human baseline ${money(f.baselineCostPerInteraction)}`} />
        <Card label="Workload off agents" value={pct(f.workloadOffAgents)} hint={`${f.conversationsOffAgents ?? 0} conversations never needed an agent`} />
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
