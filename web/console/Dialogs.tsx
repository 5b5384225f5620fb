// Modal dialogs of the console (native <dialog>: focus trapping and Escape come from the browser): transfer,
// resolve and the keyboard-shortcut help.

import { type ReactNode, useEffect, useRef, useState } from "react";
import type { Tier, UserView } from "../shared/wire.ts";

function Modal({ open, onClose, title, children, testId }: { open: boolean; onClose: () => void; title: string; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="modal" aria-label={title} onClose={onClose} onCancel={onClose} data-testid={testId}>
      {open && (
        <>
          <h2>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const keys: Array<[string, string]> = [
    ["j / k", "Next / previous conversation"],
    ["c", "Claim the open conversation"],
    ["r", "Reply (focus the composer)"],
    ["n", "Write an internal note"],
    ["t", "Transfer"],
    ["e", "Resolve"],
    ["/", "In the composer: canned responses by shortcut"],
    ["Enter / Shift+Enter", "Send / new line"],
    ["Esc", "Leave the composer, close a dialog"],
    ["?", "This help"],
  ];
  return (
    <Modal open={open} onClose={onClose} title="Keyboard shortcuts" testId="help-dialog">
      <dl className="keys">
        {keys.map(([k, v]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="modal-actions">
        <button type="button" className="btn primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}

export function TransferDialog({
  open,
  onClose,
  onSubmit,
  agents,
  currentTier,
}: {
  open: boolean;
  onClose: () => void;
  onSubmit: (target: { toTier?: Tier; toAgentId?: string; note?: string }) => Promise<void>;
  /** Null when this user may not list agents (tier transfer only). */
  agents: UserView[] | null;
  currentTier: Tier | null;
}) {
  const [target, setTarget] = useState<string>(`tier:${Math.min(3, (currentTier ?? 1) + 1)}`);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <Modal open={open} onClose={onClose} title="Transfer conversation" testId="transfer-dialog">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            const [kind, value] = target.split(":") as [string, string];
            await onSubmit(kind === "tier" ? { toTier: Number(value) as Tier, note: note.trim() || undefined } : { toAgentId: value, note: note.trim() || undefined });
            setNote("");
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          Transfer to
          <select value={target} onChange={(e) => setTarget(e.target.value)} autoFocus>
            <optgroup label="Queues">
              {[1, 2, 3].map((t) => (
                <option key={t} value={`tier:${t}`}>
                  Tier {t} queue
                </option>
              ))}
            </optgroup>
            {agents && agents.length > 0 && (
              <optgroup label="Agents">
                {agents
                  .filter((a) => a.capacity > 0)
                  .map((a) => (
                    <option key={a.id} value={`agent:${a.id}`}>
                      {a.displayName} · Tier {a.tier} · {a.presence}
                    </option>
                  ))}
              </optgroup>
            )}
          </select>
        </label>
        {!agents && <p className="muted small">Transfers to a named agent need a supervisor; you can transfer to any tier's queue.</p>}
        <label>
          Note for the next agent (internal)
          <textarea rows={3} maxLength={4000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="What you found, what the customer still needs" />
        </label>
        <div className="modal-actions">
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy}>
            Transfer
          </button>
        </div>
      </form>
    </Modal>
  );
}

export const RESOLUTION_CODES = ["answered", "order_updated", "refund_issued", "replacement_sent", "account_fixed", "escalated_externally", "no_response", "duplicate", "other"];

export function ResolveDialog({ open, onClose, onSubmit }: { open: boolean; onClose: () => void; onSubmit: (code: string | undefined) => Promise<void> }) {
  const [code, setCode] = useState("answered");
  const [busy, setBusy] = useState(false);
  return (
    <Modal open={open} onClose={onClose} title="Resolve conversation" testId="resolve-dialog">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await onSubmit(code || undefined);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          Resolution
          <select value={code} onChange={(e) => setCode(e.target.value)}>
            {RESOLUTION_CODES.map((c) => (
              <option key={c} value={c}>
                {c.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">The customer is asked how we did. A new message from them reopens the conversation.</p>
        <div className="modal-actions">
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy} autoFocus>
            Resolve
          </button>
        </div>
      </form>
    </Modal>
  );
}
