// The agent's composer: reply to the customer or write an internal note; `/shortcut` inserts a canned response;
// a suggestion inserted from the assist panel is rated "used as is" or "edited" when it is sent.

import { type Ref, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from "react";
import { randomId } from "../shared/safe.ts";
import { fillForComposer, type TemplateVars } from "../shared/template.ts";
import type { AgentMessage } from "../shared/wire.ts";
import { ApiError, api } from "./api.ts";
import { CANNED_MAX_AGE_MS, CannedLibrary, matchCanned } from "./canned.ts";
import type { CannedResponse } from "./types.ts";

export interface ComposerHandle {
  focus(mode: "reply" | "note"): void;
  insert(text: string, suggestion?: { suggestionId: string; suggestionType: string }): void;
}

/** One library for the page: every conversation's composer reads it, and opening the picker refreshes a stale one. */
const cannedLibrary = new CannedLibrary(() => api.canned());

export function Composer({
  ref,
  conversationId,
  canReply,
  vars,
  onSent,
  onToast,
}: {
  ref?: Ref<ComposerHandle>;
  conversationId: string;
  canReply: boolean;
  /** What templates are filled with: the customer, the order and the agent as the console knows them. */
  vars: TemplateVars;
  onSent: (m: AgentMessage) => void;
  onToast: (text: string) => void;
}) {
  const [mode, setMode] = useState<"reply" | "note">(canReply ? "reply" : "note");
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<CannedResponse[] | null>(() => cannedLibrary.current());
  const [pick, setPick] = useState(0);
  const [pickerClosed, setPickerClosed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const suggestion = useRef<{ suggestionId: string; suggestionType: string; text: string } | null>(null);
  // A failed send keeps its clientMessageId, so retrying the same text can never post it twice.
  const attempt = useRef<{ id: string; text: string; internal: boolean } | null>(null);
  /** Blanks ("[order number]") a filled template left for the agent: never sent as they are. */
  const blanks = useRef<string[]>([]);
  /** Selected once the draft holding it has rendered, so the agent types straight over the first blank. */
  const selectBlank = useRef<string | null>(null);
  const [placed, setPlaced] = useState(0);

  useEffect(() => {
    setMode(canReply ? "reply" : "note");
  }, [canReply]);

  const query = /^\/([\w-]*)$/.exec(draft)?.[1];
  const picking = query !== undefined;
  // The library as loaded, and again whenever the picker opens on a copy older than a few seconds: an admin's edit
  // reaches a console that stays open all day.
  useEffect(() => {
    void cannedLibrary.get(picking ? CANNED_MAX_AGE_MS : Number.POSITIVE_INFINITY).then(setCanned);
  }, [picking]);

  const matches = useMemo(() => (query === undefined || !canned ? [] : matchCanned(canned, query).slice(0, 8)), [query, canned]);
  const pickerOpen = matches.length > 0 && !pickerClosed;

  useLayoutEffect(() => {
    const blank = selectBlank.current;
    const el = input.current;
    if (!blank || !el) return;
    selectBlank.current = null;
    const at = el.value.indexOf(blank);
    if (at >= 0) el.setSelectionRange(at, at + blank.length);
  }, [placed]);

  /** Puts a template in the composer, filled; focus lands on its first blank, if it left one. */
  const place = (template: string): string => {
    const filled = fillForComposer(template, vars);
    blanks.current = filled.blanks;
    selectBlank.current = filled.blanks[0] ?? null;
    setDraft(filled.text);
    setPlaced((n) => n + 1);
    setError(filled.blanks.length ? `Fill in ${filled.blanks.join(", ")} before sending.` : null);
    input.current?.focus();
    return filled.text;
  };

  useImperativeHandle(
    ref,
    () => ({
      focus(m) {
        setMode(m === "reply" && canReply ? "reply" : "note");
        input.current?.focus();
      },
      insert(text, s) {
        setMode(canReply ? "reply" : "note");
        const filled = place(text);
        suggestion.current = s ? { ...s, text: filled } : null;
      },
    }),
    [canReply, vars],
  );

  const choose = (c: CannedResponse) => {
    place(c.text);
    suggestion.current = null;
    setPickerClosed(true);
  };

  const send = async () => {
    const text = draft.trim();
    if (!text || sending) return;
    const internal = mode === "note" || !canReply;
    // A blank reaching the customer would read as a form letter gone wrong; in a note it harms no one.
    const unfilled = internal ? [] : blanks.current.filter((b) => text.includes(b));
    if (unfilled.length > 0) {
      setError(`Fill in ${unfilled.join(", ")} before sending.`);
      const el = input.current;
      const at = el ? el.value.indexOf(unfilled[0] as string) : -1;
      if (el && at >= 0) el.setSelectionRange(at, at + (unfilled[0] as string).length);
      return;
    }
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
      blanks.current = [];
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
