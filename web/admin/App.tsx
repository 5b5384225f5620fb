// The admin app: login, then the analytics dashboard, escalation review, routing rules with preview, agents,
// canned responses, providers and the retrain loop. Analytics and review are for supervisors; the rest for admins.

import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError } from "../shared/http.ts";
import { api, type UserView } from "./api.ts";
import { Dashboard } from "./Dashboard.tsx";
import { AgentsPage, ModelPage, ProvidersPage, RulesPage } from "./Settings.tsx";
import { CannedPage } from "./Canned.tsx";
import { ReviewPage } from "./Review.tsx";
import { KnowledgePage } from "./Knowledge.tsx";
import { ActionsPage } from "./Actions.tsx";

const PAGES = [
  { id: "dashboard", label: "Dashboard", admin: false },
  { id: "review", label: "Escalation review", admin: false },
  { id: "knowledge", label: "Knowledge", admin: true },
  { id: "actions", label: "Actions", admin: true },
  { id: "rules", label: "Routing rules", admin: true },
  { id: "agents", label: "Agents", admin: true },
  { id: "canned", label: "Canned responses", admin: true },
  { id: "model", label: "AI feedback", admin: true },
  { id: "providers", label: "Providers", admin: true },
] as const;
type PageId = (typeof PAGES)[number]["id"];

const pageFromHash = (): PageId => {
  const h = location.hash.slice(1);
  return (PAGES.find((p) => p.id === h)?.id ?? "dashboard") as PageId;
};

export function App() {
  const [user, setUser] = useState<UserView | null | undefined>(undefined);
  const [page, setPage] = useState<PageId>(pageFromHash);

  useEffect(() => {
    api.session().then((r) => setUser(r.user), () => setUser(null));
    const onHash = () => setPage(pageFromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return <Login onLoggedIn={setUser} />;
  if (user.role === "agent") {
    return (
      <main className="login">
        <div className="login-card">
          <h1>Admin</h1>
          <p role="alert">The admin pages are for supervisors and admins. Agents work in the <a href="/console">console</a>.</p>
        </div>
      </main>
    );
  }
  const isAdmin = user.role === "admin";
  const visible = PAGES.filter((p) => isAdmin || !p.admin);
  const current = visible.some((p) => p.id === page) ? page : "dashboard";
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">
          <span className="logo" aria-hidden="true">T</span> Tandem admin
        </span>
        <nav aria-label="Admin pages">
          {visible.map((p) => (
            <a key={p.id} href={`#${p.id}`} aria-current={current === p.id ? "page" : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <span className="who">
          <span className="who-name">
            {user.displayName} · {user.role}
          </span>
          <button type="button" className="btn small" onClick={() => void api.logout().finally(() => setUser(null))}>
            Sign out
          </button>
        </span>
      </header>
      <main className="content">
        {current === "dashboard" && <Dashboard />}
        {current === "review" && <ReviewPage />}
        {current === "knowledge" && <KnowledgePage />}
        {current === "actions" && <ActionsPage />}
        {current === "rules" && <RulesPage />}
        {current === "agents" && <AgentsPage />}
        {current === "canned" && <CannedPage />}
        {current === "model" && <ModelPage />}
        {current === "providers" && <ProvidersPage />}
      </main>
    </div>
  );
}

function Login({ onLoggedIn }: { onLoggedIn: (u: UserView) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = useCallback(
    async (e: FormEvent) => {
      e.preventDefault();
      setError(null);
      try {
        onLoggedIn((await api.login(email.trim(), password)).user);
      } catch (err) {
        setError(err instanceof ApiError && err.code === "INVALID_CREDENTIALS" ? "Wrong email or password." : err instanceof Error ? err.message : "Sign-in failed.");
      }
    },
    [email, password, onLoggedIn],
  );
  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Tandem admin</h1>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="btn primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

/** Loads data for a page; shows errors in place. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers list their own dependencies
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}
