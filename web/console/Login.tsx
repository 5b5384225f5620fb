// The agent login form.

import { type FormEvent, useState } from "react";
import type { UserView } from "../shared/wire.ts";
import { ApiError, api } from "./api.ts";

export function Login({ onLoggedIn }: { onLoggedIn: (u: UserView) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(email.trim(), password);
      if (r.user.role !== "agent" && r.user.role !== "supervisor" && r.user.role !== "admin") throw new ApiError("FORBIDDEN", "not an agent account", 403);
      onLoggedIn(r.user);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : "NETWORK_ERROR";
      setError(
        code === "INVALID_CREDENTIALS"
          ? "Wrong email or password."
          : code === "RATE_LIMITED"
            ? "Too many attempts. Wait a minute and try again."
            : err instanceof ApiError && err.status > 0
              ? err.message
              : "Can't reach the server. Check your connection.",
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            T
          </span>
          Tandem
        </div>
        <h1 id="login-title">Agent console</h1>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
