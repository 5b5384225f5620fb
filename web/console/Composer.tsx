// The agent's composer: reply to the customer or write an internal note; `/shortcut` inserts a canned response;
// a suggestion inserted from the assist panel is rated "used as is" or "edited" when it is sent.

import { type Ref, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import { randomId } from "../shared/safe.ts";
import type { AgentMessage, UserView } from "../shared/wire.ts";
import { ApiError, api } from "./api.ts";
import type { CannedResponse } from "./types.ts";

export interface ComposerHandle {
  focus(mode: "reply" | "note"): void;
  insert(text: string, suggestion?: { suggestionId: string; suggestionType: string }): void;
}

let cannedCache: Promise<CannedResponse[] | null> | null = null;
function loadCanned(): Promise<CannedResponse[] | null> {
  cannedCache ??= api.canned().catch(() => {
    cannedCache = null;
    return null;
  });
  return cannedCache;
}

/** Fills the variables the console knows; `{{x | fallback}}` takes its fallback; unknown ones stay visible to edit. */
export function fillTemplate(text: string, me: Pick<UserView, "displayName">): string {
  return text.replace(/\{\{\s*([\w.]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g, (whole, name: string, fallback?: string) => {
    if (name === "agent.name") return me.displayName;
    if (name === "agent.firstName") return me.displayName.split(/\s+/)[0] ?? me.displayName;
    return fallback !== undefined ? fallback : whole;
  });
}

export function Composer({
  ref,
  conversationId,
  canReply,
  me,
  onSent,
  onToast,
}: {
  ref?: Ref<ComposerHandle>;
  conversationId: string;
  canReply: boolean;
  me: UserView;
  onSent: (m: AgentMessage) => void;
  onToast: (text: string) => void;
}) {
  const [mode, setMode] = useState<"reply" | "note">(canReply ? "reply" : "note");
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<CannedResponse[] | null>(null);
  const [pick, setPick] = useState(0);
  const [pickerClosed, setPickerClosed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const suggestion = useRef<{ suggestionId: string; suggestionType: string; text: string } | null>(null);
  // A failed send keeps its clientMessageId, so retrying the same text can never post it twice.
  const attempt = useRef<{ id: string; text: string; internal: boolean } | null>(null);

  useEffect(() => {
    setMode(canReply ? "reply" : "note");
  }, [canReply]);

  useEffect(() => {
    void loadCanned().then(setCanned);
  }, []);

  const query = /^\/([\w-]*)$/.exec(draft)?.[1];
  const matches = useMemo(() => {
    if (query === undefined || !canned) return [];
    const q = query.toLowerCase();
    return canned.filter((c) => c.shortcut.toLowerCase().startsWith(`/${q}`) || (c.title ?? "").toLowerCase().includes(q)).slice(0, 8);
  }, [query, canned]);
  const pickerOpen = matches.length > 0 && !pickerClosed;

  useImperativeHandle(
    ref,
    () => ({
      focus(m) {
        setMode(m === "reply" && canReply ? "reply" : "note");
        input.current?.focus();
      },
      insert(text, s) {
        const filled = fillTemplate(text, me);
        setDraft(filled);
        setMode(canReply ? "reply" : "note");
        suggestion.current = s ? { ...s, text: filled } : null;
        input.current?.focus();
      },
    }),
    [canReply, me],
  );

  const choose = (c: CannedResponse) => {
    setDraft(fillTemplate(c.text, me));
    setPickerClosed(true);
    input.current?.focus();
  };

  const send = async () => {
    const text = draft.trim();
    if (!text || sending) return;
    const internal = mode === "note" || !canReply;
    const prev = attempt.current;
    const id = prev && prev.text === text && prev.internal === internal ? prev.id : randomId("a");
    attempt.current = { id, text, internal };
    setSending(true);
    setError(null);
    try {
      const r = await api.post(conversationId, { clientMessageId: id, text, internal });
      onSent(r.message);
      attempt.current = null;
      const s = suggestion.current;
      if (s && !internal) {
        void api.rate({ conversationId, suggestionId: s.suggestionId, suggestionType: s.suggestionType, rating: text === s.text.trim() ? "used_as_is" : "edited" }).catch(() => {});
      }
      suggestion.current = null;
      setDraft("");
      setPickerClosed(false);
    } catch (err) {
      const msg = err instanceof ApiError && err.status > 0 ? err.message : "Not sent: the server is unreachable. Press Enter to retry.";
      setError(msg);
      if (err instanceof ApiError && err.code === "NOT_ASSIGNEE") onToast("Claim the conversation before replying, or write an internal note.");
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      className={`composer ${mode}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="tabs" role="tablist" aria-label="Message type">
        <button type="button" role="tab" aria-selected={mode === "reply"} disabled={!canReply} onClick={() => setMode("reply")} title={canReply ? "" : "Claim the conversation to reply"}>
          Reply
        </button>
        <button type="button" role="tab" aria-selected={mode === "note"} onClick={() => setMode("note")}>
          Internal note
        </button>
        <span className="hint">{canned && canned.length ? "Type / for canned responses" : ""}</span>
      </div>
      {pickerOpen && (
        <ul className="canned" role="listbox" aria-label="Canned responses" id="canned-list">
          {matches.map((c, i) => (
            <li
              key={c.shortcut}
              role="option"
              aria-selected={i === pick}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(c);
              }}
            >
              <strong>{c.shortcut}</strong> <span>{c.title ?? ""}</span>
              <small>{c.text.slice(0, 90)}</small>
            </li>
          ))}
        </ul>
      )}
      <div className="compose-row">
        <label className="sr-only" htmlFor="composer-input">
          {mode === "reply" ? "Reply to the customer" : "Internal note"}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={3}
          value={draft}
          maxLength={8000}
          data-testid="composer"
          aria-autocomplete="list"
          aria-controls={pickerOpen ? "canned-list" : undefined}
          aria-expanded={pickerOpen}
          placeholder={mode === "reply" ? "Reply to the customer…  (Enter to send, Shift+Enter for a new line)" : "Internal note — only agents see it"}
          onChange={(e) => {
            setDraft(e.target.value);
            setPick(0);
            setPickerClosed(false);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (pickerOpen) {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                setPick((p) => (p + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
                return;
              }
              if (e.key === "Enter" || e.key === "Tab") {
                e.preventDefault();
                const c = matches[pick];
                if (c) choose(c);
                return;
              }
              if (e.key === "Escape") {
                e.preventDefault();
                setPickerClosed(true);
                return;
              }
            }
            if (e.key === "Escape") {
              e.currentTarget.blur();
              return;
            }
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit" className="btn primary" disabled={sending || !draft.trim()} data-testid="send">
          {mode === "reply" ? "Send" : "Add note"}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
