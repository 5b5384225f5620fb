// The logged-in console: the live inbox on the left, the open conversation with its packet and assist panels on
// the right, the agent stream feeding both, alerts on new escalations, and keyboard shortcuts for common moves.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AgentConversation, AgentStreamEvent, Presence, UserView } from "../shared/wire.ts";
import { openAgentStream, type StreamState } from "./agent-stream.ts";
import { api } from "./api.ts";
import { ConversationPane, type PaneHandle } from "./ConversationPane.tsx";
import { HelpDialog } from "./Dialogs.tsx";
import { Inbox, WaitTargetsContext } from "./Inbox.tsx";
import {
  applyMessage,
  applyPeek,
  applySla,
  applyStatus,
  applyTriage,
  emptyInbox,
  groupInbox,
  DEFAULT_WAIT_TARGETS,
  type InboxState,
  loadInbox,
  waitTargetsOf,
} from "./inbox-state.ts";
import { reasonLabel } from "./labels.ts";
import { chime, notificationPermission, notifyEscalation, requestNotifications } from "./notify.ts";

const INBOX_BATCH_MS = 100;

export type FeedListener = (e: AgentStreamEvent | { type: "reconnected" }) => void;

function selectedFromLocation(): string | null {
  const m = /^\/console\/c\/([^/]+)\/?$/.exec(location.pathname);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

export function Console({ me, onMeChange, onLoggedOut }: { me: UserView; onMeChange: (u: UserView) => void; onLoggedOut: () => void }) {
  const [inbox, setInbox] = useState<InboxState>(emptyInbox);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(selectedFromLocation);
  const [streamState, setStreamState] = useState<StreamState>("connecting");
  const [helpOpen, setHelpOpen] = useState(false);
  const [soundOn, setSoundOn] = useState(() => localStorage.getItem("tandem:sound") !== "off");
  const [permission, setPermission] = useState(notificationPermission);
  const [toast, setToast] = useState<string | null>(null);
  const names = useRef(new Map<string, string>([[me.id, me.displayName]]));
  const feed = useRef(new Set<FeedListener>());
  const paneRef = useRef<PaneHandle>(null);
  const soundRef = useRef(soundOn);
  soundRef.current = soundOn;

  const nameOf = useCallback((id: string) => names.current.get(id) ?? null, []);

  const reloadInbox = useCallback(async () => {
    try {
      const list = await api.inbox();
      for (const c of list) if (c.assigneeId && c.owner.kind === "agent" && c.owner.name) names.current.set(c.assigneeId, c.owner.name);
      setInbox((s) => loadInbox(s, list));
      setLoaded(true);
      setLoadError(null);
    } catch (err) {
      setLoadError((err as Error).message);
    }
  }, []);

  // The keyboard reads the selection from here, not from a render's closure: two quick
  // presses of j must move two rows even if React has not re-rendered in between.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const select = useCallback((id: string | null) => {
    selectedRef.current = id;
    setSelectedId(id);
    const path = id ? `/console/c/${encodeURIComponent(id)}` : "/console";
    if (location.pathname !== path) history.pushState(null, "", path);
  }, []);

  useEffect(() => {
    const onPop = () => setSelectedId(selectedFromLocation());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  // The desk's SLA targets: until they arrive (or if the request fails) the countdowns use the server's defaults.
  const [waitTargets, setWaitTargets] = useState(DEFAULT_WAIT_TARGETS);
  useEffect(() => {
    api
      .slaPolicy()
      .then((r) => setWaitTargets(waitTargetsOf(r.sla)))
      .catch(() => {});
  }, []);

  // Teammates' names for the inbox. Only supervisors and admins may list users: an agent's console does not ask (it
  // would only be refused) and learns names as conversations show them.
  const mayListUsers = me.role !== "agent";
  useEffect(() => {
    if (!mayListUsers) return;
    void api
      .users()
      .then((users) => {
        for (const u of users ?? []) names.current.set(u.id, u.displayName);
      })
      .catch(() => {});
  }, [mayListUsers]);

  // Unknown assignees on live status events: fetch the conversation once, its view carries the name.
  const resolving = useRef(new Set<string>());
  const resolveName = useCallback((conversationId: string, assigneeId: string) => {
    if (names.current.has(assigneeId) || resolving.current.has(assigneeId)) return;
    resolving.current.add(assigneeId);
    void api
      .conversation(conversationId)
      .then(({ conversation: c }) => {
        if (c.owner.kind === "agent" && c.owner.name && c.assigneeId) {
          names.current.set(c.assigneeId, c.owner.name);
          setInbox((s) => applyStatus(s, c, nameOf).state);
        }
      })
      .catch(() => {})
      .finally(() => resolving.current.delete(assigneeId));
  }, [nameOf]);

  // Stream events arrive one task each (a busy hour brings hundreds a second): fold them into the inbox at most
  // ten times a second, so the list re-renders in batches and scrolling and typing stay smooth.
  const queued = useRef<Array<(s: InboxState) => InboxState>>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlush = useRef(0);
  const enqueue = useCallback((f: (s: InboxState) => InboxState) => {
    queued.current.push(f);
    if (flushTimer.current !== null) return;
    flushTimer.current = setTimeout(() => {
      flushTimer.current = null;
      lastFlush.current = performance.now();
      const batch = queued.current.splice(0);
      setInbox((s) => batch.reduce((acc, fn) => fn(acc), s));
    }, Math.max(0, INBOX_BATCH_MS - (performance.now() - lastFlush.current)));
  }, []);
  useEffect(() => () => {
    if (flushTimer.current) clearTimeout(flushTimer.current);
  }, []);

  // One alert per arrival in a queue, however often the state updater runs.
  const alerted = useRef(new Set<string>());
  const alert = useCallback(
    (c: AgentConversation) => {
      const key = `${c.id}:${c.queuedAt ?? ""}`;
      if (alerted.current.has(key)) return;
      alerted.current.add(key);
      if (soundRef.current) chime();
      notifyEscalation(`New conversation in Tier ${c.tier ?? 1}`, c.reasons.map(reasonLabel).join(", ") || "A customer is waiting", () => select(c.id));
    },
    [select],
  );

  useEffect(() => {
    const stop = openAgentStream({
      onState: setStreamState,
      onUnauthorized: onLoggedOut,
      onConnected: (reconnect) => {
        void reloadInbox();
        if (reconnect) for (const l of feed.current) l({ type: "reconnected" });
      },
      onEvent: (e) => {
        switch (e.type) {
          case "status": {
            const c = e.conversation;
            enqueue((s) => {
              const r = applyStatus(s, c, nameOf);
              if (r.newlyQueued) queueMicrotask(() => alert(c));
              return r.state;
            });
            if (c.assigneeId && !names.current.has(c.assigneeId)) resolveName(c.id, c.assigneeId);
            break;
          }
          case "message":
            enqueue((s) => applyMessage(s, e.message));
            break;
          case "triage":
            enqueue((s) => applyTriage(s, e.conversationId, e.messageSeq, e.triage));
            break;
          case "sla":
            enqueue((s) => applySla(s, e.conversationId, { level: e.level, metric: e.metric, dueAt: e.dueAt }));
            break;
        }
        for (const l of feed.current) l(e);
      },
    });
    return stop;
  }, [nameOf, onLoggedOut, reloadInbox, resolveName, enqueue, alert]);

  const groups = useMemo(() => groupInbox(inbox, me.id), [inbox, me.id]);
  const order = useMemo(() => groups.flatMap((g) => g.items.map((i) => i.conversation.id)), [groups]);

  // Peeks: the last customer message of rows on screen, for the preview and the sentiment flag.
  const peeking = useRef(new Set<string>());
  const peekQueue = useRef<string[]>([]);
  const inboxRef = useRef(inbox);
  inboxRef.current = inbox;
  const pumpPeeks = useCallback(() => {
    while (peeking.current.size < 4 && peekQueue.current.length) {
      const id = peekQueue.current.shift() as string;
      const item = inboxRef.current.items.get(id);
      if (!item || item.lastCustomer || item.peekedSeq >= item.conversation.lastSeq) continue;
      peeking.current.add(id);
      const at = item.conversation.lastSeq;
      void api
        .recentMessages(id, at)
        .then((r) => setInbox((s) => applyPeek(s, id, at, r.messages)))
        .catch(() => setInbox((s) => applyPeek(s, id, at, [])))
        .finally(() => {
          peeking.current.delete(id);
          pumpPeeks();
        });
    }
  }, []);
  const requestPeek = useCallback(
    (id: string) => {
      if (peeking.current.has(id) || peekQueue.current.includes(id)) return;
      peekQueue.current.push(id);
      pumpPeeks();
    },
    [pumpPeeks],
  );

  const subscribe = useCallback((l: FeedListener) => {
    feed.current.add(l);
    return () => feed.current.delete(l);
  }, []);

  // Keyboard shortcuts: only when no field has focus and no dialog is open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
      if (document.querySelector("dialog[open]")) return;
      const move = (delta: number) => {
        if (!order.length) return;
        const current = selectedRef.current;
        const i = current ? order.indexOf(current) : -1;
        const next = order[Math.max(0, Math.min(order.length - 1, i < 0 ? 0 : i + delta))];
        if (next) {
          select(next);
          document.querySelector(`[data-conversation-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: "nearest" });
        }
      };
      switch (e.key) {
        case "j":
          move(1);
          break;
        case "k":
          move(-1);
          break;
        case "c":
          paneRef.current?.claim();
          break;
        case "r":
          paneRef.current?.focusComposer("reply");
          break;
        case "n":
          paneRef.current?.focusComposer("note");
          break;
        case "e":
          paneRef.current?.resolve();
          break;
        case "t":
          paneRef.current?.transfer();
          break;
        case "?":
          setHelpOpen(true);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [order, select]);

  const setPresence = async (p: Presence) => {
    try {
      const { user, released = [] } = await api.setPresence(p);
      onMeChange(user);
      if (released.length > 0) {
        setToast(`${released.length} conversation${released.length > 1 ? "s" : ""} returned to the queue for another agent.`);
      }
    } catch (err) {
      setToast(`Could not change presence: ${(err as Error).message}`);
    }
  };

  const logout = async () => {
    try {
      await api.logout();
    } finally {
      onLoggedOut();
    }
  };

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 5000);
    return () => clearTimeout(t);
  }, [toast]);

  const waiting = groups.filter((g) => g.key.startsWith("tier-")).reduce((n, g) => n + g.items.length, 0);
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Tandem · Agent console` : "Tandem · Agent console";
  }, [waiting]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            T
          </span>
          Tandem
        </div>
        <span className={`conn conn-${streamState}`} role="status" data-testid="stream-state">
          {streamState === "open" ? "Live" : streamState === "closed" ? "Offline" : "Reconnecting…"}
        </span>
        <div className="grow" />
        <button type="button" className="btn ghost small" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
          Shortcuts <kbd>?</kbd>
        </button>
        <button
          type="button"
          className="btn ghost small"
          aria-pressed={soundOn}
          onClick={() => {
            const next = !soundOn;
            setSoundOn(next);
            localStorage.setItem("tandem:sound", next ? "on" : "off");
            if (next) chime();
          }}
        >
          Sound {soundOn ? "on" : "off"}
        </button>
        {permission === "default" && (
          <button type="button" className="btn ghost small" onClick={() => void requestNotifications().then(setPermission)}>
            Enable alerts
          </button>
        )}
        <label className="presence">
          <span className={`dot ${me.presence}`} aria-hidden="true" />
          <span className="sr-only">Presence</span>
          <select value={me.presence} onChange={(e) => void setPresence(e.target.value as Presence)} data-testid="presence">
            <option value="online">Online</option>
            <option value="away">Away</option>
            <option value="offline">Offline</option>
          </select>
        </label>
        <span className="me">
          {me.displayName} · Tier {me.tier}
          {me.role !== "agent" ? ` · ${me.role}` : ""}
        </span>
        <button type="button" className="btn ghost small" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <div className="main">
        <WaitTargetsContext.Provider value={waitTargets}>
          <Inbox groups={groups} selectedId={selectedId} onSelect={select} loaded={loaded} error={loadError} onPeek={requestPeek} />
        </WaitTargetsContext.Provider>
        {selectedId ? (
          <ConversationPane
            key={selectedId}
            ref={paneRef}
            id={selectedId}
            me={me}
            item={inbox.items.get(selectedId) ?? null}
            names={names.current}
            subscribe={subscribe}
            onToast={setToast}
            onClose={() => select(null)}
          />
        ) : (
          <section className="empty-pane">
            <h2>No conversation open</h2>
            <p>
              Pick one from the inbox, or press <kbd>j</kbd> to open the next. The oldest waiting conversation in each queue is at the top.
            </p>
          </section>
        )}
      </div>
      {toast && (
        <div className="toast" role="alert">
          {toast}
        </div>
      )}
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
