// One conversation, as an agent works it: the full history with internal notes, the moves (claim, transfer,
// hand back, resolve), the composer, and the handoff packet and assist panels beside it. Live via the feed.

import { type Ref, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from "react";
import { citationsOf } from "../shared/safe.ts";
import type { AgentConversation, AgentMessage, Tier, UserView } from "../shared/wire.ts";
import { ApiError, api } from "./api.ts";
import { consoleTemplateVars } from "./canned.ts";
import { Composer, type ComposerHandle } from "./Composer.tsx";
import type { FeedListener } from "./Console.tsx";
import { ResolveDialog, TransferDialog } from "./Dialogs.tsx";
import type { InboxItem } from "./inbox-state.ts";
import { reasonLabel, STATUS_LABEL } from "./labels.ts";
import { AssistPanel, PacketPanel } from "./Panels.tsx";
import type { HandoffPacket } from "./types.ts";

export interface PaneHandle {
  claim(): void;
  resolve(): void;
  transfer(): void;
  focusComposer(mode: "reply" | "note"): void;
}

const ERRORS: Record<string, string> = {
  ALREADY_ASSIGNED: "Someone else already has this conversation.",
  NOT_ASSIGNEE: "Only the assigned agent can do that. Claim the conversation first.",
  CONVERSATION_RESOLVED: "This conversation is already resolved.",
  ALREADY_RESOLVED: "This conversation is already resolved.",
  INVALID_TRANSITION: "That move is not possible in the conversation's current state.",
  FORBIDDEN: "Your role does not allow that.",
};
const explain = (err: unknown) => (err instanceof ApiError ? (ERRORS[err.code] ?? err.message) : "Network error: try again.");

function mergeMessages(list: AgentMessage[], incoming: readonly AgentMessage[]): AgentMessage[] {
  if (!incoming.length) return list;
  const bySeq = new Map(list.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  return changed ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : list;
}

export function ConversationPane(props: {
  ref?: Ref<PaneHandle>;
  id: string;
  me: UserView;
  item: InboxItem | null;
  names: ReadonlyMap<string, string>;
  subscribe: (l: FeedListener) => () => void;
  onToast: (text: string) => void;
  onClose: () => void;
}) {
  const { ref, id, me, names, subscribe, onToast, onClose } = props;
  const [conversation, setConversation] = useState<AgentConversation | null>(props.item?.conversation ?? null);
  const [messages, setMessages] = useState<AgentMessage[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typing, setTyping] = useState<string | null>(null);
  const [packet, setPacket] = useState<HandoffPacket | null | undefined>(undefined);
  const [liveAssist, setLiveAssist] = useState<unknown>(null);
  const [dialog, setDialog] = useState<"transfer" | "resolve" | null>(null);
  const [agents, setAgents] = useState<UserView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [assistShown, setAssistShown] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const lastSeq = useRef(0);
  lastSeq.current = messages.at(-1)?.seq ?? 0;

  const applyConversation = useCallback((c: AgentConversation) => {
    setConversation((prev) => {
      if (prev && c.version < prev.version) return prev;
      // Stream status events carry no assignee name: keep the one we know.
      if (c.owner.kind === "agent" && !c.owner.name && c.assigneeId) {
        const name = names.get(c.assigneeId) ?? (prev?.owner.kind === "agent" && prev.assigneeId === c.assigneeId ? prev.owner.name : null);
        return { ...c, owner: { ...c.owner, name } };
      }
      return c;
    });
  }, [names]);

  /** Priority, tier, skill and reasons the open packet was built with; a status event that changes them reloads it. */
  const packetRouting = useRef<string | null>(null);
  const loadPacket = useCallback(() => {
    api.packet(id).then(setPacket, () => setPacket(null));
  }, [id]);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    Promise.all([api.conversation(id), api.messages(id)])
      .then(([c, m]) => {
        if (cancelled) return;
        applyConversation(c.conversation);
        packetRouting.current = routingKey(c.conversation);
        setMessages((prev) => mergeMessages(prev, m));
        setLoadError(null);
      })
      .catch((err) => !cancelled && setLoadError(err instanceof ApiError && err.status === 404 ? "This conversation does not exist." : explain(err)))
      .finally(() => !cancelled && setLoading(false));
    loadPacket();
    return () => {
      cancelled = true;
    };
  }, [id, applyConversation, loadPacket]);

  useEffect(() => {
    let typingTimer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((e) => {
      if (e.type === "message" && e.message.conversationId === id) {
        setMessages((prev) => mergeMessages(prev, [e.message]));
        if (e.message.author !== "customer") setTyping(null);
      } else if (e.type === "status" && e.conversation.id === id) {
        applyConversation(e.conversation);
        // A later customer message can raise the priority, tier or reasons: the packet explains the new ones.
        const routing = routingKey(e.conversation);
        if (packetRouting.current !== null && routing !== packetRouting.current) loadPacket();
        packetRouting.current = routing;
      } else if (e.type === "typing" && e.conversationId === id) {
        setTyping(e.author === "ai" ? "The AI" : (e.name ?? "An agent"));
        if (typingTimer) clearTimeout(typingTimer);
        typingTimer = setTimeout(() => setTyping(null), 6000);
      } else if (e.type === "assist" && e.conversationId === id) {
        setLiveAssist(e.assist);
      } else if (e.type === "reconnected") {
        void api.conversation(id).then((r) => applyConversation(r.conversation)).catch(() => {});
        void api.messages(id, lastSeq.current).then((m) => setMessages((prev) => mergeMessages(prev, m))).catch(() => {});
      }
    });
    return () => {
      off();
      if (typingTimer) clearTimeout(typingTimer);
    };
  }, [id, subscribe, applyConversation]);

  // Keep the newest message in view unless the agent scrolled up.
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, typing]);

  const status = conversation?.status;
  const mine = status === "human" && conversation?.assigneeId === me.id;
  const supervisor = me.role !== "agent";
  const canClaim = status === "waiting_human";
  const canTransfer = status === "waiting_human" || (status === "human" && (mine || supervisor));
  const canHandback = mine;
  const canResolve = status === "waiting_human" || (status === "human" && (mine || supervisor));

  const run = useCallback(
    async (what: () => Promise<{ conversation: AgentConversation }>, after?: () => void) => {
      if (busy) return;
      setBusy(true);
      try {
        const r = await what();
        applyConversation(r.conversation);
        after?.();
      } catch (err) {
        onToast(explain(err));
      } finally {
        setBusy(false);
      }
    },
    [busy, applyConversation, onToast],
  );

  // Claiming leaves focus out of the composer: the keyboard goes on with shortcuts (r to reply, e, t, j…) and never
  // types them into a message. The Claim button goes away once it worked; its focus moves to the history.
  const claim = useCallback(() => {
    if (!canClaim) return;
    void run(() => api.claim(id), () => {
      loadPacket();
      setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body || !active.isConnected) logRef.current?.focus({ preventScroll: true });
      }, 0);
    });
  }, [canClaim, run, id, loadPacket]);

  const openTransfer = useCallback(() => {
    if (!canTransfer) return;
    setDialog("transfer");
    if (supervisor && agents === null) void api.users().then(setAgents).catch(() => setAgents(null));
  }, [canTransfer, supervisor, agents]);

  useImperativeHandle(
    ref,
    () => ({
      claim,
      resolve: () => canResolve && setDialog("resolve"),
      transfer: openTransfer,
      focusComposer: (mode) => composer.current?.focus(mode),
    }),
    [claim, canResolve, openTransfer],
  );

  const customerName = packet?.customerContext?.name ?? null;
  const owner = conversation?.owner;
  // A claim by someone this console had not met arrives without a name; the inbox learns it right after.
  const assigneeId = conversation?.assigneeId ?? null;
  const assigneeName =
    (owner?.kind === "agent" ? owner.name : null) ??
    (assigneeId && props.item?.conversation.assigneeId === assigneeId ? props.item.assigneeName : null) ??
    (assigneeId ? (names.get(assigneeId) ?? null) : null);
  const vars = useMemo(
    () => consoleTemplateVars({ conversationId: id, me, customer: packet?.customerContext, messages }),
    [id, me, packet, messages],
  );

  return (
    <div className="pane" data-testid="conversation-pane" data-status={status}>
      <section className="conversation" aria-labelledby="conv-title">
        <header className="conv-head">
          <button type="button" className="btn ghost small back" onClick={onClose} aria-label="Back to inbox">
            ←
          </button>
          <div className="grow">
            <h1 id="conv-title">{customerName ?? "Customer"}</h1>
            <div className="meta-line">
              <span className={`status s-${status ?? "loading"}`} data-testid="conv-status">
                {status ? STATUS_LABEL[status] : "Loading"}
              </span>
              {conversation?.tier && <span className={`chip tier t${conversation.tier}`}>Tier {conversation.tier}</span>}
              {conversation?.skill && (
                <span className="chip skill" title="The skill this conversation asks for" data-testid="conv-skill">
                  {conversation.skill}
                </span>
              )}
              {conversation?.language && <span className="chip lang">{conversation.language.toUpperCase()}</span>}
              {owner?.kind === "agent" && (
                <span className="chip" data-testid="conv-assignee">
                  {assigneeId === me.id ? "You" : (assigneeName ?? "Another agent")}
                </span>
              )}
              {conversation?.reasons.map((r) => (
                <span key={r} className="reason" data-testid="conv-reason" data-reason={r}>
                  {reasonLabel(r)}
                </span>
              ))}
            </div>
          </div>
          <div className="actions">
            {canClaim && (
              <button type="button" className="btn primary" onClick={claim} disabled={busy} aria-keyshortcuts="c" data-testid="claim">
                Claim <kbd>c</kbd>
              </button>
            )}
            {canTransfer && (
              <button type="button" className="btn" onClick={openTransfer} disabled={busy} aria-keyshortcuts="t">
                Transfer
              </button>
            )}
            {canHandback && (
              <button type="button" className="btn" onClick={() => void run(() => api.handback(id))} disabled={busy}>
                Hand back to AI
              </button>
            )}
            {canResolve && (
              <button type="button" className="btn" onClick={() => setDialog("resolve")} disabled={busy} aria-keyshortcuts="e" data-testid="resolve">
                Resolve <kbd>e</kbd>
              </button>
            )}
          </div>
        </header>
        <div
          className="history"
          ref={logRef}
          role="log"
          aria-label="Conversation history"
          aria-live="polite"
          tabIndex={0}
          data-testid="history"
          onScroll={(e) => {
            const el = e.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
          }}
        >
          {loading && messages.length === 0 && <p className="muted pad">Loading history…</p>}
          {loadError && (
            <p className="form-error" role="alert">
              {loadError}
            </p>
          )}
          {messages.map((m) => (
            <MessageRow key={m.seq} m={m} me={me} customerName={customerName} />
          ))}
          {typing && (
            <p className="typing" role="status">
              {typing} is typing…
            </p>
          )}
        </div>
        <Composer ref={composer} conversationId={id} canReply={mine} vars={vars} onSent={(m) => setMessages((prev) => mergeMessages(prev, [m]))} onToast={onToast} />
      </section>
      <aside className="side" aria-label="Context">
        <PacketPanel packet={packet} />
        {packet === null && !assistShown && (
          <section className="panel muted small" data-testid="side-empty">
            No handoff packet or assist suggestions are available for this conversation.
          </section>
        )}
        <AssistPanel
          onAvailability={setAssistShown}
          conversationId={id}
          lastSeq={messages.at(-1)?.seq ?? 0}
          live={liveAssist}
          onUse={(s) => composer.current?.insert(s.text, { suggestionId: s.id, suggestionType: s.type })}
        />
      </aside>
      <TransferDialog
        open={dialog === "transfer"}
        onClose={() => setDialog(null)}
        agents={supervisor ? agents : null}
        currentTier={(conversation?.tier ?? null) as Tier | null}
        onSubmit={(target) => run(() => api.transfer(id, target), () => setDialog(null))}
      />
      <ResolveDialog open={dialog === "resolve"} onClose={() => setDialog(null)} onSubmit={(code) => run(() => api.resolve(id, code), () => setDialog(null))} />
    </div>
  );
}

function MessageRow({ m, me, customerName }: { m: AgentMessage; me: UserView; customerName: string | null }) {
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (m.author === "system") {
    return (
      <div className="m system" data-author="system" data-seq={m.seq}>
        {m.text} <time dateTime={m.createdAt}>{time}</time>
      </div>
    );
  }
  const who =
    m.author === "customer" ? (customerName ?? "Customer") : m.author === "ai" ? "AI assistant" : m.authorId === me.id ? `${m.authorName ?? me.displayName} (you)` : (m.authorName ?? "Agent");
  const citations = m.author === "ai" ? citationsOf(m.meta) : [];
  const t = m.triage;
  return (
    <div className={`m ${m.author} ${m.internal ? "internal" : ""}`} data-author={m.author} data-internal={m.internal ? "1" : "0"} data-seq={m.seq}>
      <div className="m-head">
        <span className="who">{m.internal ? `Internal note · ${who}` : who}</span>
        {m.author === "ai" && <span className="tag ai">AI</span>}
        <time dateTime={m.createdAt}>{time}</time>
      </div>
      <div className="m-body">{m.text}</div>
      {citations.length > 0 && (
        <ul className="m-cites" aria-label="Sources">
          {citations.map((c, i) => (
            <li key={i}>{c.href ? <a href={c.href} target="_blank" rel="noopener noreferrer nofollow">{c.title}</a> : c.title}</li>
          ))}
        </ul>
      )}
      {t && (
        <div className="m-triage" aria-label="Triage">
          <span>intent {t.intent}</span>
          <span className={t.sentiment <= -0.5 ? "bad" : ""}>sentiment {t.sentiment.toFixed(2)}</span>
          <span className={t.frustration >= 0.7 ? "bad" : ""}>frustration {Math.round(t.frustration * 100)}%</span>
          {t.route === "human" && <span className="bad">→ human</span>}
        </div>
      )}
    </div>
  );
}

function routingKey(c: AgentConversation): string {
  return `${c.priority}|${c.tier}|${c.skill}|${c.reasons.join(",")}`;
}
