// The customer chat widget UI: a launcher bubble and a chat dialog over a WidgetClient. Every message is rendered
// as text nodes (never HTML); links come only from citation metadata and only when they are http(s).

import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { actionConfirmationOf, citationsOf } from "../shared/safe.ts";
import type { CustomerMessage } from "../shared/wire.ts";
import type { AiDraft, PendingMessage, WidgetClient, WidgetSnapshot } from "./client.ts";
import type { Strings } from "./i18n.ts";

export interface WidgetProps {
  client: WidgetClient;
  t: Strings;
  position: "right" | "left";
  /** Remembered across page loads of the host site, so navigating keeps the chat open. */
  initiallyOpen: boolean;
  onOpenChange?: (open: boolean) => void;
}

const ChatIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M12 3C6.5 3 2 6.8 2 11.5c0 2.3 1.1 4.4 2.9 5.9L4 21.5l4.5-2.3c1.1.3 2.3.5 3.5.5 5.5 0 10-3.8 10-8.5S17.5 3 12 3z" />
  </svg>
);
const CloseIcon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" />
  </svg>
);

export function Widget({ client, t, position, initiallyOpen, onOpenChange }: WidgetProps) {
  const s = useSyncExternalStore(client.subscribe, client.getSnapshot);
  const [open, setOpenState] = useState(initiallyOpen);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  const setOpen = useCallback(
    (next: boolean) => {
      setOpenState(next);
      client.setPanelOpen(next);
      onOpenChange?.(next);
      if (!next) queueMicrotask(() => launcherRef.current?.focus());
    },
    [client, onOpenChange],
  );

  useEffect(() => {
    client.setPanelOpen(initiallyOpen);
  }, [client, initiallyOpen]);

  return (
    <div className={`root ${position === "left" ? "left" : ""} ${open ? "open" : ""}`}>
      {open && <Panel id={panelId} s={s} client={client} t={t} onClose={() => setOpen(false)} />}
      <button
        ref={launcherRef}
        type="button"
        className="launcher"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={open ? t.launcherClose : s.unread > 0 ? `${t.launcherOpen} (${t.unread(s.unread)})` : t.launcherOpen}
        data-testid="tandem-launcher"
        onClick={() => setOpen(!open)}
      >
        {open ? <CloseIcon /> : <ChatIcon />}
        {!open && s.unread > 0 && (
          <span className="badge" aria-hidden="true">
            {s.unread > 9 ? "9+" : String(s.unread)}
          </span>
        )}
      </button>
    </div>
  );
}

function subtitle(s: WidgetSnapshot, t: Strings): string {
  const c = s.conversation;
  if (!c || c.status === "ai") return t.subtitleAi;
  if (c.status === "waiting_human") return t.subtitleQueue;
  if (c.status === "human") return t.subtitleAgent(c.owner.kind === "agent" && c.owner.name ? c.owner.name : t.agentFallback);
  return t.subtitleResolved;
}

function Panel({ id, s, client, t, onClose }: { id: string; s: WidgetSnapshot; client: WidgetClient; t: Strings; onClose: () => void }) {
  const titleId = `${id}-title`;
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const [draft, setDraft] = useState("");

  // Layout effect, not effect: focus must be in the composer before the first paint, or the
  // customer's first keystrokes after opening land on the launcher and are lost.
  useLayoutEffect(() => {
    inputRef.current?.focus();
  }, []);

  // Follow new messages unless the customer scrolled up to read.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [s.messages.length, s.pending.length, s.typing, s.csat, s.drafts]);

  const submit = () => {
    if (client.send(draft)) {
      setDraft("");
      stick.current = true;
    }
  };

  const status = s.conversation?.status;
  const canAskPerson = !s.conversation || status === "ai" || status === "resolved";
  const answered = new Set(s.messages.filter((m) => m.author === "customer" && m.clientMessageId).map((m) => m.clientMessageId as string));
  for (const p of s.pending) answered.add(p.clientMessageId);

  return (
    <section
      id={id}
      className="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      data-testid="tandem-panel"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="head">
        <div className="grow">
          <h2 id={titleId}>{t.title}</h2>
          <p data-testid="tandem-subtitle">{subtitle(s, t)}</p>
        </div>
        <button type="button" className="icon-btn" aria-label={t.minimize} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      {s.connection === "reconnecting" && (
        <div className="banner" role="status">
          {t.reconnecting}
        </div>
      )}
      {s.notice && (
        <div className="banner error" role="alert">
          {s.notice === "escalate_failed" ? t.escalateFailed : t.sessionLost}
        </div>
      )}
      <div
        ref={logRef}
        className="log"
        role="log"
        aria-live="polite"
        aria-label={t.logLabel}
        data-testid="tandem-log"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <div className="msg ai">
          <div className="who">
            <span>{t.ai}</span>
            <span className="tag">{t.aiBadge}</span>
          </div>
          <div className="bubble">{t.welcome}</div>
        </div>
        {s.messages.map((m) => (
          <MessageItem key={m.seq} m={m} t={t} client={client} answered={answered} />
        ))}
        {s.drafts.map((d) => (
          <DraftItem key={d.streamId} d={d} t={t} />
        ))}
        {s.pending.map((p) => (
          <PendingItem key={p.clientMessageId} p={p} t={t} client={client} online={s.connection === "open"} />
        ))}
        {/* A draft being written says more than the AI's typing dots. */}
        {s.typing && !(s.typing.author === "ai" && s.drafts.length > 0) && (
          <div className="typing" role="status" data-testid="tandem-typing">
            <span className="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {t.typing(s.typing.author === "ai" ? t.ai : s.typing.name || t.agentFallback)}
          </div>
        )}
      </div>
      {(s.csat === "ask" || s.csat === "sending" || s.csat === "thanks") && <Csat s={s} client={client} t={t} />}
      <div className="composer">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="sr-only" htmlFor={`${id}-input`}>
            {t.composerLabel}
          </label>
          <textarea
            id={`${id}-input`}
            ref={inputRef}
            rows={1}
            maxLength={4000}
            placeholder={t.composerPlaceholder}
            value={draft}
            data-testid="tandem-input"
            onChange={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
          />
          <button type="submit" className="send" disabled={!draft.trim()} data-testid="tandem-send">
            {t.send}
          </button>
        </form>
        <div className="foot">
          {canAskPerson ? (
            <button type="button" className="human-btn" data-testid="tandem-human" onClick={() => void client.escalate()}>
              {t.talkToPerson}
            </button>
          ) : (
            <span />
          )}
          <span>{t.poweredBy}</span>
        </div>
      </div>
    </section>
  );
}

function MessageItem({ m, t, client, answered }: { m: CustomerMessage; t: Strings; client: WidgetClient; answered: Set<string> }) {
  if (m.author === "system") {
    return (
      <div className="system" data-author="system" data-seq={m.seq}>
        <span className="sr-only">{t.system}: </span>
        {m.text}
      </div>
    );
  }
  const who = m.author === "customer" ? t.you : m.author === "ai" ? t.ai : m.authorName || t.agentFallback;
  const tag = m.author === "ai" ? t.aiBadge : m.author === "agent" ? t.agentBadge : null;
  const citations = m.author === "customer" ? [] : citationsOf(m.meta);
  const confirmation = m.author === "customer" ? null : actionConfirmationOf(m.meta);
  const chosen = confirmation ? [...answered].some((id) => id.startsWith(`confirm-${m.id}-`.slice(0, 128))) : false;
  return (
    <div className={`msg ${m.author}`} data-author={m.author} data-seq={m.seq}>
      <div className="who">
        <span data-testid="tandem-author">{who}</span>
        {tag && <span className="tag">{tag}</span>}
      </div>
      <div className="bubble">{m.text}</div>
      {confirmation && (
        <div className="actions" role="group" aria-label={confirmation.prompt ?? m.text}>
          {(confirmation.options.length
            ? confirmation.options
            : [
                { id: "confirm", label: t.confirmDefault },
                { id: "cancel", label: t.cancelDefault },
              ]
          ).map((o, i) => (
            <button key={o.id} type="button" className={`chip ${i === 0 ? "primary" : ""}`} disabled={chosen} onClick={() => client.confirm(m.id, o.id, o.label)}>
              {o.label}
            </button>
          ))}
        </div>
      )}
      {citations.length > 0 && (
        <div className="cites" data-testid="tandem-citations">
          <strong>{t.sources}</strong>
          <ul>
            {citations.map((c, i) => (
              <li key={i}>
                {c.href ? (
                  <a href={c.href} target="_blank" rel="noopener noreferrer nofollow">
                    {c.title}
                  </a>
                ) : (
                  <span>{c.title}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/**
 * An AI answer as it streams in: text only, like every message. Hidden from screen readers, which would read each
 * piece as it arrives; they hear the stored reply once, when it comes.
 */
function DraftItem({ d, t }: { d: AiDraft; t: Strings }) {
  return (
    <div className="msg ai draft" data-draft={d.streamId} data-testid="tandem-draft" aria-hidden="true">
      <div className="who">
        <span>{t.ai}</span>
        <span className="tag">{t.aiBadge}</span>
      </div>
      <div className="bubble">{d.text}</div>
    </div>
  );
}

function PendingItem({ p, t, client, online }: { p: PendingMessage; t: Strings; client: WidgetClient; online: boolean }) {
  return (
    <div className={`msg customer ${p.state === "failed" ? "failed" : "pending"}`} data-author="customer" data-pending={p.state}>
      <div className="bubble">{p.text}</div>
      <div className="state" role={p.state === "failed" ? "alert" : undefined}>
        {p.state === "failed" ? (
          <>
            <span>{t.failed}</span>
            <button type="button" className="link-btn" onClick={() => client.retry(p.clientMessageId)}>
              {t.retry}
            </button>
            <button type="button" className="link-btn" onClick={() => client.discard(p.clientMessageId)}>
              {t.discard}
            </button>
          </>
        ) : (
          <span>{p.state === "sending" || online ? t.sending : t.queuedOffline}</span>
        )}
      </div>
    </div>
  );
}

function Csat({ s, client, t }: { s: WidgetSnapshot; client: WidgetClient; t: Strings }) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const headingId = useId();
  if (s.csat === "thanks") {
    return (
      <div className="csat" role="status" data-testid="tandem-csat-thanks">
        {t.csatThanks}
      </div>
    );
  }
  return (
    <form
      className="csat"
      aria-labelledby={headingId}
      data-testid="tandem-csat"
      onSubmit={(e) => {
        e.preventDefault();
        if (score) void client.submitCsat(score, comment);
      }}
    >
      <h3 id={headingId}>{t.csatQuestion}</h3>
      <div className="stars" role="radiogroup" aria-labelledby={headingId}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={score === n}
            aria-label={t.csatScore(n)}
            tabIndex={score === n || (score === null && n === 1) ? 0 : -1}
            onClick={() => setScore(n)}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight" || e.key === "ArrowUp") {
                e.preventDefault();
                const next = Math.min(5, (score ?? 0) + 1);
                setScore(next);
                (e.currentTarget.parentElement?.children[next - 1] as HTMLElement | undefined)?.focus();
              } else if (e.key === "ArrowLeft" || e.key === "ArrowDown") {
                e.preventDefault();
                const next = Math.max(1, (score ?? 2) - 1);
                setScore(next);
                (e.currentTarget.parentElement?.children[next - 1] as HTMLElement | undefined)?.focus();
              }
            }}
          >
            {String(n)}
          </button>
        ))}
      </div>
      <div className="scale" aria-hidden="true">
        <span>{t.csatLow}</span>
        <span>{t.csatHigh}</span>
      </div>
      {score !== null && (
        <textarea aria-label={t.csatComment} placeholder={t.csatComment} maxLength={2000} value={comment} onChange={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} />
      )}
      <div className="row">
        <button type="button" className="link-btn" onClick={() => client.dismissCsat()}>
          {t.csatSkip}
        </button>
        <button type="submit" className="send" disabled={score === null || s.csat === "sending"}>
          {t.csatSubmit}
        </button>
      </div>
    </form>
  );
}
