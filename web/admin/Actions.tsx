// Action registry page: the routine actions the AI can run (from ACTIONS_FILE), and a test call that runs one for a
// chosen customer through the same executor the AI uses (audited like every call).

import { type FormEvent, useState } from "react";
import { useLoad } from "./App.tsx";
import { type ActionTestResult, type ActionView, api } from "./api.ts";

export function ActionsPage() {
  const registry = useLoad(() => api.actions(), []);
  return (
    <section aria-labelledby="actions-title">
      <div className="page-head">
        <h1 id="actions-title">Actions</h1>
        <span className="muted">Routine actions the AI can run for the conversation's own customer. Identity parameters are filled from the customer, never from chat.</span>
      </div>
      {registry.error && <p className="form-error" role="alert">{registry.error}</p>}
      {registry.data && !registry.data.configured && <p className="muted">No actions are configured: set ACTIONS_FILE and ACTIONS_BASE_URL.</p>}
      {(registry.data?.actions ?? []).map((a) => (
        <ActionCard key={a.name} action={a} />
      ))}
    </section>
  );
}

function ActionCard({ action }: { action: ActionView }) {
  const params = Object.keys(action.params.properties);
  const [customerId, setCustomerId] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [confirmed, setConfirmed] = useState(false);
  const [result, setResult] = useState<ActionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ""));
      setResult(await api.testAction(action.name, customerId.trim(), filled, confirmed));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="card wide" data-testid="action-card" data-name={action.name}>
      <h2>
        <code>{action.name}</code> {action.sideEffect && <span className="chip">changes data</span>}
      </h2>
      <p>{action.description}</p>
      <p className="muted">
        {action.http.method} {action.http.url} · intents {action.intents.join(", ") || "—"} · triggers {action.triggers.map((t) => `“${t}”`).join(", ") || "—"}
      </p>
      <form onSubmit={run} aria-label={`Test ${action.name}`}>
        <div className="range">
          <label>
            Customer id <input required value={customerId} onChange={(e) => setCustomerId(e.target.value)} aria-label={`Customer id for ${action.name}`} />
          </label>
          {params.map((p) => {
            const identity = action.slots[p]?.identity;
            return (
              <label key={p}>
                {p}
                {action.params.required.includes(p) ? " *" : ""}{" "}
                <input
                  value={values[p] ?? ""}
                  placeholder={identity ? `the customer's ${identity}` : (action.params.properties[p]?.description ?? "")}
                  onChange={(e) => setValues((v) => ({ ...v, [p]: e.target.value }))}
                  aria-label={`${p} for ${action.name}`}
                />
              </label>
            );
          })}
          {action.sideEffect && (
            <label>
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> really do it
            </label>
          )}
          <button type="submit" className="btn primary">Test call</button>
        </div>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
      {result && (
        <div data-testid="action-result" data-ok={String(result.result.ok)}>
          {result.result.ok ? (
            <p>
              <strong>HTTP {result.result.status}</strong> in {result.durationMs} ms. The AI would say: <span className="quote">{result.result.reply}</span>
            </p>
          ) : (
            <p className="form-error">
              {result.result.error.code} {result.result.status ? `(HTTP ${result.result.status})` : ""}: {result.result.error.message}
            </p>
          )}
          {result.result.ok && <pre className="code">{JSON.stringify(result.result.data, null, 2)}</pre>}
        </div>
      )}
    </div>
  );
}
