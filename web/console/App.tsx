// The console's top level: restores the session from the cookie, shows the login form otherwise.

import { useEffect, useState } from "react";
import type { UserView } from "../shared/wire.ts";
import { api } from "./api.ts";
import { Console } from "./Console.tsx";
import { Login } from "./Login.tsx";

export function App() {
  const [me, setMe] = useState<UserView | null>(null);
  const [checking, setChecking] = useState(true);

  useEffect(() => {
    let cancelled = false;
    api
      .session()
      .then((r) => !cancelled && setMe(r.user))
      .catch((err) => console.warn("session check failed", err))
      .finally(() => !cancelled && setChecking(false));
    return () => {
      cancelled = true;
    };
  }, []);

  if (checking) return <div className="splash" aria-busy="true">Loading…</div>;
  if (!me) return <Login onLoggedIn={setMe} />;
  return <Console me={me} onMeChange={setMe} onLoggedOut={() => setMe(null)} />;
}
