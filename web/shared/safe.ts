// Message content is untrusted: these helpers turn meta fields into values the UI can render as plain text
// and links that can only ever navigate to http(s) pages (never javascript:, data: or relative tricks).

/** The URL as a string when it is absolute http(s); null otherwise. */
export function safeHttpUrl(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length > 2048) return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
}

export interface CitationLink {
  title: string;
  /** Only set when the citation's url is http(s). */
  href: string | null;
  source: string | null;
}

/** Citations from an AI message's meta ({ title, url | source }), validated and capped. */
export function citationsOf(meta: Record<string, unknown> | null | undefined): CitationLink[] {
  const list = meta?.citations;
  if (!Array.isArray(list)) return [];
  const out: CitationLink[] = [];
  const seen = new Set<string>();
  for (const c of list.slice(0, 10)) {
    if (!c || typeof c !== "object") continue;
    const r = c as Record<string, unknown>;
    const href = safeHttpUrl(r.url) ?? safeHttpUrl(r.source);
    const source = typeof r.source === "string" ? r.source.slice(0, 200) : null;
    const title = (typeof r.title === "string" && r.title.trim()) || source || href || "";
    if (!title) continue;
    const key = `${title}|${href ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ title: title.slice(0, 200), href, source });
  }
  return out;
}

export interface ActionConfirmation {
  prompt: string | null;
  options: Array<{ id: string; label: string }>;
}

/**
 * An AI message asking the customer to confirm an action (`meta.kind === "action_confirmation"`). Options
 * come from `meta.options` ([{ id, label }]) or default to confirm/cancel; the customer's choice is sent back
 * as an ordinary message with the option's label.
 */
export function actionConfirmationOf(meta: Record<string, unknown> | null | undefined): ActionConfirmation | null {
  if (meta?.kind !== "action_confirmation") return null;
  const options: Array<{ id: string; label: string }> = [];
  if (Array.isArray(meta.options)) {
    for (const o of meta.options.slice(0, 5)) {
      const r = o as Record<string, unknown> | null;
      if (r && typeof r.id === "string" && typeof r.label === "string" && r.label.trim()) {
        options.push({ id: r.id.slice(0, 64), label: r.label.slice(0, 80) });
      }
    }
  }
  return { prompt: typeof meta.prompt === "string" ? meta.prompt.slice(0, 500) : null, options };
}

/** A short, stable-enough unique id for client message ids. */
export function randomId(prefix = "c"): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return `${prefix}_${s}`;
}
