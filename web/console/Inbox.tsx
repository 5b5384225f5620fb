// The inbox column: groups by queue and tier, rows with SLA countdown, sentiment flag, language and waiting
// time. Rows are memoised so a live update re-renders only the row it touched; countdowns tick on their own.

import { createContext, memo, useContext, useEffect, useRef, useState } from "react";
import {
  DEFAULT_WAIT_TARGETS,
  formatDuration,
  type InboxGroup,
  type InboxItem,
  sentimentFlag,
  slaClock,
  type WaitTargets,
} from "./inbox-state.ts";
import { reasonLabel } from "./labels.ts";

/**
 * One shared 1 s ticker for every clock on screen. Clocks write their text straight into their own DOM node
 * rather than re-rendering: a thousand rows ticking would otherwise be a thousand React renders a second.
 */
const tickers = new Set<(now: number) => void>();
let tickTimer: ReturnType<typeof setInterval> | null = null;
function useTicker(update: (now: number) => void): void {
  const ref = useRef(update);
  ref.current = update;
  useEffect(() => {
    const fn = (now: number) => ref.current(now);
    tickers.add(fn);
    if (!tickTimer) {
      tickTimer = setInterval(() => {
        const t = Date.now();
        for (const f of tickers) f(t);
      }, 1000);
    }
    return () => {
      tickers.delete(fn);
      if (!tickers.size && tickTimer) {
        clearInterval(tickTimer);
        tickTimer = null;
      }
    };
  }, []);
}

export function Inbox(props: {
  groups: InboxGroup[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  loaded: boolean;
  error: string | null;
  onPeek: (id: string) => void;
}) {
  const { groups, selectedId, onSelect, loaded, error, onPeek } = props;
  const listRef = useRef<HTMLElement>(null);
  const observer = useRef<IntersectionObserver | null>(null);
  const onPeekRef = useRef(onPeek);
  onPeekRef.current = onPeek;
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});

  useEffect(() => {
    observer.current = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const el = e.target as HTMLElement;
          if (e.isIntersecting && el.dataset.needsPeek === "1" && el.dataset.conversationId) onPeekRef.current(el.dataset.conversationId);
        }
      },
      { root: listRef.current, rootMargin: "200px 0px" },
    );
    return () => observer.current?.disconnect();
  }, []);

  const total = groups.reduce((n, g) => n + g.items.length, 0);
  return (
    <nav className="inbox" aria-label="Inbox" ref={listRef} data-testid="inbox">
      {error && (
        <p className="form-error" role="alert">
          Could not load the inbox: {error}
        </p>
      )}
      {!loaded && !error && <p className="muted pad">Loading conversations…</p>}
      {loaded && total === 0 && (
        <p className="muted pad" data-testid="inbox-empty">
          No one is waiting. New escalations appear here live.
        </p>
      )}
      {groups.map((g) =>
        g.items.length === 0 ? null : (
          <section key={g.key} className="group" aria-labelledby={`g-${g.key}`} data-group={g.key}>
            <h2 id={`g-${g.key}`}>
              <button type="button" className="group-toggle" aria-expanded={!collapsed[g.key]} onClick={() => setCollapsed((c) => ({ ...c, [g.key]: !c[g.key] }))}>
                <span>{g.title}</span>
                <span className="count">{g.items.length}</span>
              </button>
            </h2>
            {!collapsed[g.key] && (
              <ul role="list">
                {g.items.map((item) => (
                  <Row key={item.conversation.id} item={item} selected={item.conversation.id === selectedId} onSelect={onSelect} observer={observer} />
                ))}
              </ul>
            )}
          </section>
        ),
      )}
    </nav>
  );
}

const Row = memo(function Row({
  item,
  selected,
  onSelect,
  observer,
}: {
  item: InboxItem;
  selected: boolean;
  onSelect: (id: string) => void;
  observer: React.RefObject<IntersectionObserver | null>;
}) {
  const c = item.conversation;
  const ref = useRef<HTMLLIElement>(null);
  const needsPeek = !item.lastCustomer && item.peekedSeq < c.lastSeq;
  useEffect(() => {
    const el = ref.current;
    const obs = observer.current;
    if (!el || !obs || !needsPeek) return;
    obs.observe(el);
    return () => obs.unobserve(el);
  }, [needsPeek, observer]);
  const flag = sentimentFlag(item.lastCustomer?.triage);
  const preview = item.lastCustomer?.text || (needsPeek ? "…" : "No message from the customer yet");
  return (
    <li ref={ref} data-conversation-id={c.id} data-needs-peek={needsPeek ? "1" : "0"}>
      <button type="button" className={`row ${selected ? "selected" : ""}`} aria-current={selected ? "true" : undefined} onClick={() => onSelect(c.id)}>
        <span className="row-top">
          <span className={`chip tier t${c.tier ?? 1}`}>T{c.tier ?? 1}</span>
          {c.skill && <span className="chip skill">{c.skill}</span>}
          {flag && (
            <span className={`chip flag ${flag}`} title={`sentiment ${item.lastCustomer?.triage?.sentiment.toFixed(2)} · frustration ${item.lastCustomer?.triage?.frustration.toFixed(2)}`}>
              {flag === "frustrated" ? "Frustrated" : flag === "negative" ? "Negative" : "Positive"}
            </span>
          )}
          {c.language && <span className="chip lang">{c.language.toUpperCase()}</span>}
          <span className="grow" />
          {c.status === "waiting_human" ? <Countdown item={item} /> : <span className="assignee">{item.assigneeName ?? "Agent"}</span>}
        </span>
        <span className="preview">{preview}</span>
        <span className="row-bottom">
          {c.reasons.slice(0, 2).map((r) => (
            <span key={r} className="reason">
              {reasonLabel(r)}
            </span>
          ))}
          {c.reasons.length > 2 && <span className="reason">+{c.reasons.length - 2}</span>}
          <span className="grow" />
          <Waited item={item} />
        </span>
      </button>
    </li>
  );
});

/** Updates the text node React rendered (replacing it would leave React writing to a detached node). */
function setText(el: HTMLElement, text: string): void {
  if (el.firstChild && el.firstChild.nodeType === Node.TEXT_NODE && el.childNodes.length === 1) el.firstChild.nodeValue = text;
  else el.textContent = text;
}

/** The server's SLA targets, once the console has loaded them; the countdowns read them from here. */
export const WaitTargetsContext = createContext<WaitTargets>(DEFAULT_WAIT_TARGETS);

function countdownView(item: InboxItem, now: number, targets: WaitTargets) {
  const clock = slaClock(item, now, targets);
  if (clock.remainingMs === null) return null;
  const label = clock.remainingMs > 0 ? `${formatDuration(clock.remainingMs)} left` : `${formatDuration(clock.remainingMs)} over`;
  return { label, level: clock.level };
}

function Countdown({ item }: { item: InboxItem }) {
  const ref = useRef<HTMLSpanElement>(null);
  const targets = useContext(WaitTargetsContext);
  const first = countdownView(item, Date.now(), targets);
  useTicker((now) => {
    const el = ref.current;
    const v = countdownView(item, now, targets);
    if (!el || !v) return;
    if (el.textContent !== v.label) {
      setText(el, v.label);
      el.setAttribute("aria-label", `SLA ${v.label}`);
    }
    if (el.dataset.sla !== v.level) {
      el.dataset.sla = v.level;
      el.className = `sla ${v.level}`;
    }
  });
  if (!first) return null;
  return (
    <span ref={ref} className={`sla ${first.level}`} role="timer" aria-label={`SLA ${first.label}`} data-sla={first.level}>
      {first.label}
    </span>
  );
}

function waitedLabel(item: InboxItem, now: number): string | null {
  const c = item.conversation;
  const since = c.status === "waiting_human" ? c.queuedAt : c.assignedAt;
  if (!since) return null;
  return `${c.status === "waiting_human" ? "waiting" : "assigned"} ${formatDuration(now - Date.parse(since))}`;
}

function Waited({ item }: { item: InboxItem }) {
  const ref = useRef<HTMLSpanElement>(null);
  const first = waitedLabel(item, Date.now());
  useTicker((now) => {
    const label = waitedLabel(item, now);
    if (ref.current && label && ref.current.textContent !== label) setText(ref.current, label);
  });
  if (!first) return null;
  return (
    <span ref={ref} className="waited">
      {first}
    </span>
  );
}
