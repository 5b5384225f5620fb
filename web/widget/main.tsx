// The embeddable entry: `<script src="https://support.example/widget.js" data-tandem-url="https://support.example" async>`.
// Mounts the widget in a shadow root on the host page, so neither page's styles leak into the other.

import { createRoot } from "react-dom/client";
import { WidgetClient } from "./client.ts";
import { pickLocale, STRINGS } from "./i18n.ts";
import { WIDGET_CSS } from "./styles.ts";
import { Widget } from "./Widget.tsx";

declare global {
  interface Window {
    /** Set once the widget mounted: a guard against the snippet being pasted twice, and a handle for tests. */
    __tandemWidget?: { client: WidgetClient; version: 1 };
  }
}

function readConfig(script: HTMLScriptElement | null) {
  const data = script?.dataset ?? {};
  // Default to the server the script came from: the common case needs no configuration at all.
  const fallback = script?.src ? new URL(script.src, location.href).origin : location.origin;
  let baseUrl = fallback;
  if (data.tandemUrl) {
    try {
      const u = new URL(data.tandemUrl, location.href);
      if (u.protocol === "http:" || u.protocol === "https:") baseUrl = u.toString().replace(/\/+$/, "");
    } catch {
      /* keep the script's origin */
    }
  }
  const locale = pickLocale([data.locale, ...(navigator.languages ?? []), navigator.language]);
  const position: "left" | "right" = data.position === "left" ? "left" : "right";
  const accent = data.accent && /^#[0-9a-f]{3,8}$/i.test(data.accent) ? data.accent : null;
  // A signed-in customer the host page vouches for: its server signs id and email (see the README's identity section).
  const customer =
    data.customerId && data.identityHash
      ? { externalId: data.customerId, email: data.customerEmail, name: data.customerName, identityHash: data.identityHash }
      : undefined;
  return { baseUrl, locale, position, accent, customer };
}

function mount(script: HTMLScriptElement | null): void {
  if (window.__tandemWidget) return;
  const cfg = readConfig(script);
  const host = document.createElement("div");
  host.id = "tandem-widget";
  host.setAttribute("data-tandem", "widget");
  if (cfg.accent) host.style.setProperty("--tandem-accent", cfg.accent);
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = WIDGET_CSS;
  shadow.appendChild(style);
  const container = document.createElement("div");
  shadow.appendChild(container);
  document.body.appendChild(host);

  const client = new WidgetClient({ baseUrl: cfg.baseUrl, locale: cfg.locale, customer: cfg.customer });
  window.__tandemWidget = { client, version: 1 };
  const openKey = "tandem:open";
  let initiallyOpen = false;
  try {
    initiallyOpen = sessionStorage.getItem(openKey) === "1";
  } catch {
    /* storage blocked */
  }
  const remember = (open: boolean) => {
    try {
      sessionStorage.setItem(openKey, open ? "1" : "0");
    } catch {
      /* storage blocked */
    }
  };
  client.start();
  createRoot(container).render(
    <Widget client={client} t={STRINGS[cfg.locale]} position={cfg.position} initiallyOpen={initiallyOpen} onOpenChange={remember} />,
  );
  host.dataset.state = "ready";
  // Lets the host page (and the benchmarks) know when the launcher is usable.
  window.dispatchEvent(new CustomEvent("tandem:ready", { detail: { at: performance.now() } }));
}

// currentScript is only set while this script first runs; capture it before anything async.
const script = document.currentScript as HTMLScriptElement | null;
if (document.body) mount(script);
else document.addEventListener("DOMContentLoaded", () => mount(script), { once: true });
