// Admin settings pages: routing rules with a preview on recent messages, agents (tier and capacity), provider
// status and the retrain-then-confirm loop for operator feedback (canned responses are in Canned.tsx).

import { useEffect, useState } from "react";
import { useLoad } from "./App.tsx";
import { api, type BusinessHours, type Candidate, type Preview, type UserView, type Weekday } from "./api.ts";

export function RulesPage() {
  const rules = useLoad(() => api.rules(), []);
  const [yaml, setYaml] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (rules.data) setYaml(rules.data.yaml);
  }, [rules.data]);
  const run = async () => {
    setError(null);
    try {
      setPreview((await api.preview(yaml)).preview);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="rules-title">
      <div className="page-head">
        <h1 id="rules-title">Routing rules</h1>
        <span className="muted">In force: {rules.data?.source ?? "…"}. Save the edited YAML as ROUTING_RULES_FILE to apply it.</span>
      </div>
      <div className="grid2">
        <div>
          <label className="block">
            Rules (YAML)
            <textarea aria-label="Rules YAML" className="code" value={yaml} onChange={(e) => setYaml(e.target.value)} rows={24} spellCheck={false} />
          </label>
          <button type="button" className="btn primary" onClick={() => void run()}>
            Preview on recent messages
          </button>
          {error && <p className="form-error" role="alert">{error}</p>}
        </div>
        <div>
          {preview ? (
            <>
              <p data-testid="preview-summary">
                Of {preview.summary.messages} recent messages, <strong>{preview.summary.humanBefore}</strong> went to people; under these rules{" "}
                <strong data-testid="preview-human-after">{preview.summary.humanAfter}</strong> would. {preview.summary.changed} change route or tier (
                {preview.summary.toHuman} to people, {preview.summary.toAi} to the AI).
              </p>
              <table className="table" data-testid="preview-table">
                <thead>
                  <tr><th>Message</th><th>Before</th><th>After</th></tr>
                </thead>
                <tbody>
                  {preview.rows.filter((r) => r.changed).slice(0, 50).map((r) => (
                    <tr key={`${r.conversationId}:${r.seq}`} data-testid="preview-changed">
                      <td className="quote">{r.text}</td>
                      <td>{r.before.route}{r.before.route === "human" ? ` T${r.before.tier}` : ""}</td>
                      <td>{r.after.route}{r.after.route === "human" ? ` T${r.after.tier} (${r.after.reasons.join(", ")})` : ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="muted">Edit a threshold or switch a reason off, then preview how the last 200 customer messages would have been routed.</p>
          )}
        </div>
      </div>
    </section>
  );
}

export function AgentsPage() {
  const users = useLoad(() => api.users(), []);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const save = async (id: string, body: { tier?: 1 | 2 | 3; capacity?: number; businessHours?: BusinessHours | null }) => {
    setError(null);
    try {
      await api.patchUser(id, body);
      users.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      {error && <p className="form-error" role="alert">{error}</p>}
      <table className="table">
        <thead>
          <tr><th>Name</th><th>Role</th><th>Tier</th><th>Capacity</th><th>Skills</th><th>Languages</th><th>Business hours</th><th>Presence</th></tr>
        </thead>
        <tbody>
          {(users.data?.users ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.displayName}<div className="muted">{u.email}</div></td>
              <td>{u.role}</td>
              <td>
                <select aria-label={`Tier of ${u.displayName}`} value={u.tier} onChange={(e) => void save(u.id, { tier: Number(e.target.value) as 1 | 2 | 3 })}>
                  <option value={1}>1</option><option value={2}>2</option><option value={3}>3</option>
                </select>
              </td>
              <td>
                <input aria-label={`Capacity of ${u.displayName}`} type="number" min={0} max={100} defaultValue={u.capacity} onBlur={(e) => Number(e.target.value) !== u.capacity && void save(u.id, { capacity: Number(e.target.value) })} className="num" />
              </td>
              <td>{u.skills.join(", ") || "—"}</td>
              <td>{u.languages.join(", ")}</td>
              <td>
                {editing === u.id ? (
                  <HoursEditor
                    user={u}
                    onCancel={() => setEditing(null)}
                    onSave={(hours) => void save(u.id, { businessHours: hours }).then(() => setEditing(null))}
                  />
                ) : (
                  <>
                    <span data-testid={`hours-${u.email}`}>{hoursSummary(u.businessHours)}</span>{" "}
                    <button type="button" className="btn small" onClick={() => setEditing(u.id)} aria-label={`Edit business hours of ${u.displayName}`}>
                      Edit
                    </button>
                  </>
                )}
              </td>
              <td>{u.presence}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** "mon–fri 09:00–17:00 (Europe/Berlin)", or "always" when the agent has no hours (available whenever online). */
function hoursSummary(h: BusinessHours | null): string {
  if (!h) return "always";
  const parts = WEEKDAYS.filter((d) => h.days[d]).map((d) => `${d} ${h.days[d]![0]}–${h.days[d]![1]}`);
  return parts.length ? `${parts.join(", ")} (${h.tz})` : `never (${h.tz})`;
}

/** Edits one agent's weekly hours: a time zone and, per day, a start and end (or off). */
function HoursEditor({ user, onSave, onCancel }: { user: UserView; onSave: (h: BusinessHours | null) => void; onCancel: () => void }) {
  const initial = user.businessHours ?? { tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", days: { mon: ["09:00", "17:00"], tue: ["09:00", "17:00"], wed: ["09:00", "17:00"], thu: ["09:00", "17:00"], fri: ["09:00", "17:00"] } };
  const [tz, setTz] = useState(initial.tz);
  const [days, setDays] = useState<BusinessHours["days"]>(initial.days);
  const setDay = (d: Weekday, value: [string, string] | undefined) => setDays((prev) => {
    const next = { ...prev };
    if (value) next[d] = value;
    else delete next[d];
    return next;
  });
  return (
    <div className="hours" data-testid="hours-editor">
      <label>
        Time zone <input value={tz} onChange={(e) => setTz(e.target.value)} aria-label="Time zone" />
      </label>
      {WEEKDAYS.map((d) => {
        const span = days[d];
        return (
          <div key={d} className="range">
            <label>
              <input type="checkbox" checked={Boolean(span)} onChange={(e) => setDay(d, e.target.checked ? ["09:00", "17:00"] : undefined)} aria-label={`Works on ${d}`} /> {d}
            </label>
            {span && (
              <>
                <input type="time" value={span[0]} onChange={(e) => setDay(d, [e.target.value, span[1]])} aria-label={`${d} start`} />
                <input type="time" value={span[1]} onChange={(e) => setDay(d, [span[0], e.target.value])} aria-label={`${d} end`} />
              </>
            )}
          </div>
        );
      })}
      <div className="range">
        <button type="button" className="btn primary" onClick={() => onSave({ tz: tz.trim(), days })}>Save hours</button>
        <button type="button" className="btn" onClick={() => onSave(null)}>Always available</button>
        <button type="button" className="btn" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}

export function ProvidersPage() {
  const p = useLoad(() => api.providers(), []);
  return (
    <section aria-labelledby="prov-title">
      <h1 id="prov-title">Providers</h1>
      {p.error && <p className="form-error" role="alert">{p.error}</p>}
      <pre className="code" data-testid="providers">{p.data ? JSON.stringify(p.data, null, 2) : "Loading…"}</pre>
    </section>
  );
}

export function ModelPage() {
  const examples = useLoad(() => api.examples(), []);
  const [candidate, setCandidate] = useState<Candidate | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
  const retrain = async () => {
    setBusy(true);
    setMsg(null);
    try {
      setCandidate((await api.retrain()).candidate);
    } catch (err) {
      setMsg(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="model-title">
      <h1 id="model-title">AI feedback</h1>
      <p className="muted">Reviewed escalations marked unnecessary and corrected intents become labelled examples. Retraining uses them; nothing changes until you activate.</p>
      <button type="button" className="btn primary" disabled={busy} onClick={() => void retrain()}>{busy ? "Training…" : "Retrain on operator examples"}</button>
      {msg && <p className="form-error" role="alert">{msg}</p>}
      {candidate && (
        <div className="card wide" data-testid="candidate">
          <p>
            Held-out operator examples: {candidate.heldOut} of {candidate.operatorExamples}. Accuracy before <strong>{pct(candidate.accuracyBefore)}</strong>, after{" "}
            <strong>{pct(candidate.accuracyAfter)}</strong>.
          </p>
          <button type="button" className="btn" onClick={() => void api.activate(candidate.id).then(() => (setCandidate(null), setMsg("Activated.")), (err: Error) => setMsg(err.message))}>
            Activate this model
          </button>
        </div>
      )}
      <h2>Operator examples ({examples.data?.examples.length ?? 0})</h2>
      <table className="table">
        <thead>
          <tr><th>Text</th><th>Label</th><th>Source</th></tr>
        </thead>
        <tbody>
          {(examples.data?.examples ?? []).map((e) => (
            <tr key={`${e.text}:${e.label}`}><td className="quote">{e.text}</td><td>{e.label}</td><td>{e.source}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
