// The canned-response page: the library agents insert with /shortcut, with an editor whose preview renders the
// template on the server (the same parser the desk uses) with sample conversation values as the admin types.

import { useEffect, useRef, useState } from "react";
import { useLoad } from "./App.tsx";
import { api, type CannedInput, type CannedPreview, type CannedView } from "./api.ts";

const EMPTY: CannedInput = { shortcut: "/", title: "", text: "", intents: [], reasons: [], keywords: [], language: null };
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

export function CannedPage() {
  const canned = useLoad(() => api.canned(), []);
  const users = useLoad(() => api.users(), []);
  const [editing, setEditing] = useState<{ id: string | null; input: CannedInput } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string | null) => (id ? (users.data?.users.find((u) => u.id === id)?.displayName ?? id) : "library file");
  const remove = async (r: CannedView) => {
    if (!window.confirm(`Delete ${r.shortcut} (${r.title})?`)) return;
    setError(null);
    try {
      await api.deleteCanned(r.id);
      canned.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const responses = canned.data?.responses ?? [];
  return (
    <section aria-labelledby="canned-title">
      <div className="page-head">
        <h1 id="canned-title">Canned responses</h1>
        <button type="button" className="btn primary" onClick={() => setEditing({ id: null, input: EMPTY })}>
          New response
        </button>
      </div>
      <p className="muted">Agents type the shortcut in the console's composer; assist suggests the best matches by intent, escalation reason and wording. Changes reach every agent at once.</p>
      {(error ?? canned.error) && <p className="form-error" role="alert">{error ?? canned.error}</p>}
      {editing && (
        <CannedEditor
          key={editing.id ?? "new"}
          id={editing.id}
          initial={editing.input}
          variables={canned.data?.variables ?? []}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            canned.reload();
          }}
        />
      )}
      <table className="table" data-testid="canned-table">
        <thead>
          <tr><th>Shortcut</th><th>Title</th><th>Text</th><th>Matches</th><th>Last change</th><th /></tr>
        </thead>
        <tbody>
          {responses.map((r) => (
            <tr key={r.id} data-testid="canned-row" data-shortcut={r.shortcut}>
              <td><code>{r.shortcut}</code>{r.language && <div className="muted">{r.language}</div>}</td>
              <td>{r.title}</td>
              <td className="canned-text">{r.text}</td>
              <td className="muted canned-matches">{[...new Set([...r.intents, ...r.reasons])].join(", ") || "—"}</td>
              <td className="muted nowrap">{new Date(r.updatedAt).toLocaleString()}<div>{nameOf(r.updatedBy)}</div></td>
              <td className="nowrap">
                <button type="button" className="btn small" aria-label={`Edit ${r.shortcut}`} onClick={() => setEditing({ id: r.id, input: { shortcut: r.shortcut, title: r.title, text: r.text, intents: r.intents, reasons: r.reasons, keywords: r.keywords, language: r.language } })}>
                  Edit
                </button>{" "}
                <button type="button" className="btn small" aria-label={`Delete ${r.shortcut}`} onClick={() => void remove(r)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
          {canned.data && responses.length === 0 && (
            <tr><td colSpan={6} className="muted">No canned responses yet.</td></tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function CannedEditor(props: { id: string | null; initial: CannedInput; variables: string[]; onCancel: () => void; onSaved: () => void }) {
  const [shortcut, setShortcut] = useState(props.initial.shortcut);
  const [title, setTitle] = useState(props.initial.title);
  const [text, setText] = useState(props.initial.text);
  const [intents, setIntents] = useState(props.initial.intents.join(", "));
  const [reasons, setReasons] = useState(props.initial.reasons.join(", "));
  const [keywords, setKeywords] = useState(props.initial.keywords.join(", "));
  const [language, setLanguage] = useState(props.initial.language ?? "");
  const [preview, setPreview] = useState<CannedPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);

  // A refusal is about what was saved; once the admin edits, it no longer describes the form.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the fields are the trigger, not read
  useEffect(() => setError(null), [shortcut, title, text, intents, reasons, keywords, language]);

  // Re-rendered a moment after typing stops; an older answer arriving late never replaces a newer one.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.previewCanned(text).then(
        (p) => live && setPreview(p),
        () => live && setPreview(null),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  const insertVariable = (v: string) => {
    const el = textRef.current;
    const at = el?.selectionStart ?? text.length;
    const next = `${text.slice(0, at)}{{${v}}}${text.slice(el?.selectionEnd ?? at)}`;
    setText(next);
    requestAnimationFrame(() => el?.focus());
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    const input: CannedInput = { shortcut, title, text, intents: list(intents), reasons: list(reasons), keywords: list(keywords), language: language.trim() || null };
    try {
      if (props.id) await api.updateCanned(props.id, input);
      else await api.createCanned(input);
      props.onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card canned-editor" data-testid="canned-editor">
      <h2>{props.id ? `Edit ${props.initial.shortcut}` : "New canned response"}</h2>
      <div className="grid2">
        <div>
          <label className="block">
            Shortcut
            <input value={shortcut} onChange={(e) => setShortcut(e.target.value)} placeholder="/refund" spellCheck={false} />
          </label>
          <label className="block">
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label className="block">
            Text
            <textarea ref={textRef} aria-label="Text" className="code" rows={7} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <div className="vars">
            {props.variables.map((v) => (
              <button key={v} type="button" className="btn small" onClick={() => insertVariable(v)} title={`Insert {{${v}}}`}>
                {`{{${v}}}`}
              </button>
            ))}
          </div>
          <div className="fields3">
            <label className="block">
              Intents <input value={intents} onChange={(e) => setIntents(e.target.value)} placeholder="refund, refund_status" />
            </label>
            <label className="block">
              Escalation reasons <input value={reasons} onChange={(e) => setReasons(e.target.value)} placeholder="complaint" />
            </label>
            <label className="block">
              Keywords <input value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="money, back" />
            </label>
            <label className="block">
              Language <input value={language} onChange={(e) => setLanguage(e.target.value)} placeholder="any" className="num" />
            </label>
          </div>
        </div>
        <div>
          <div className="block">Preview with a sample conversation</div>
          <div className="preview" data-testid="canned-preview">{preview ? preview.text : text}</div>
          {preview && preview.problems.length > 0 && (
            <ul className="form-error" data-testid="canned-problems">
              {preview.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          )}
          {preview && (
            <p className="muted">
              Sample: {preview.sample.customer?.name} writing about order {preview.sample.order?.id}. A variable
              without a value and without a fallback stays visible for the agent to fill in.
            </p>
          )}
        </div>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="range">
        <button type="button" className="btn primary" disabled={busy} onClick={() => void save()}>{busy ? "Saving…" : "Save response"}</button>
        <button type="button" className="btn" onClick={props.onCancel}>Cancel</button>
      </div>
    </div>
  );
}
