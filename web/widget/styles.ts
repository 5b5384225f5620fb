// The widget's stylesheet, applied inside its shadow root so the host page's CSS and ours never collide.

export const WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root {
  --accent: var(--tandem-accent, #2459d6);
  --accent-ink: #fff;
  --ink: #1c2230;
  --muted: #5b6475;
  --line: #e3e7ef;
  --bg: #ffffff;
  --soft: #f3f5f9;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink);
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  display: flex; flex-direction: column; align-items: flex-end; gap: 12px;
}
.root.left { right: auto; left: 20px; align-items: flex-start; }
button { font: inherit; cursor: pointer; }
button:focus-visible, a:focus-visible, .log:focus-visible {
  outline: 3px solid #f5a623; outline-offset: 2px;
}
textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 0; border-color: transparent; }
.launcher {
  width: 60px; height: 60px; border-radius: 50%; border: 0; background: var(--accent); color: var(--accent-ink);
  box-shadow: 0 6px 20px rgba(20, 30, 60, .28); display: grid; place-items: center; position: relative;
  transition: transform .15s ease;
}
.launcher:hover { transform: scale(1.05); }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.badge {
  position: absolute; top: -2px; right: -2px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
  background: #d92d20; color: #fff; font-size: 12px; font-weight: 700; display: grid; place-items: center;
  border: 2px solid #fff;
}
.panel {
  width: 380px; height: min(640px, calc(100vh - 110px)); background: var(--bg); border-radius: 16px;
  box-shadow: 0 12px 48px rgba(20, 30, 60, .25); display: flex; flex-direction: column; overflow: hidden;
  border: 1px solid var(--line);
}
.head { background: var(--accent); color: var(--accent-ink); padding: 14px 16px; display: flex; align-items: center; gap: 12px; }
.head h2 { margin: 0; font-size: 17px; font-weight: 650; }
.head p { margin: 2px 0 0; font-size: 13px; opacity: .9; }
.head .grow { flex: 1; min-width: 0; }
.icon-btn { background: transparent; border: 0; color: inherit; width: 36px; height: 36px; border-radius: 8px; display: grid; place-items: center; }
.icon-btn:hover { background: rgba(255,255,255,.15); }
.icon-btn svg { width: 20px; height: 20px; fill: currentColor; }
.banner { padding: 6px 16px; font-size: 13px; background: #fff7e0; color: #7a5300; border-bottom: 1px solid #f3e2ae; }
.banner.error { background: #fdecea; color: #8a1c12; border-color: #f5c6c0; }
.log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 12px; background: var(--soft); }
.msg { max-width: 85%; display: flex; flex-direction: column; gap: 3px; }
.msg .who { font-size: 12px; color: var(--muted); display: flex; align-items: center; gap: 6px; }
.msg .tag { font-size: 10.5px; font-weight: 700; letter-spacing: .04em; padding: 1px 6px; border-radius: 6px; text-transform: uppercase; }
.msg.ai .tag { background: #e4ebff; color: #2442a8; }
.msg.agent .tag { background: #dcf5e7; color: #146c3b; }
.bubble { padding: 10px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line); }
.msg.customer { align-self: flex-end; align-items: flex-end; }
.msg.customer .bubble { background: var(--accent); color: var(--accent-ink); border-color: transparent; border-bottom-right-radius: 4px; }
.msg.ai .bubble, .msg.agent .bubble { border-bottom-left-radius: 4px; }
.msg.agent .bubble { border-left: 3px solid #1f9d55; }
.msg.pending .bubble { opacity: .7; }
.msg.draft .bubble { opacity: .85; }
.msg.draft .bubble::after { content: "\\258D"; margin-left: 1px; animation: blink 1.2s infinite ease-in-out; }
.msg.failed .bubble { background: #fdecea; color: #8a1c12; border: 1px solid #f5c6c0; }
.msg .state { font-size: 12px; color: var(--muted); display: flex; gap: 8px; align-items: center; }
.link-btn { background: none; border: 0; padding: 0; color: var(--accent); text-decoration: underline; font-size: 12px; }
.system { align-self: center; text-align: center; font-size: 13px; color: var(--muted); max-width: 90%; padding: 4px 10px; }
.system::before { content: ""; }
.cites { margin: 6px 0 0; padding: 8px 10px; background: #fff; border: 1px solid var(--line); border-radius: 10px; font-size: 13px; }
.cites strong { display: block; font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin-bottom: 4px; }
.cites ul { margin: 0; padding-left: 18px; }
.cites a { color: var(--accent); }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 6px; }
.chip { border: 1px solid var(--accent); color: var(--accent); background: #fff; border-radius: 999px; padding: 6px 14px; font-size: 14px; }
.chip.primary { background: var(--accent); color: var(--accent-ink); }
.chip:disabled { opacity: .55; cursor: default; }
.typing { font-size: 13px; color: var(--muted); display: flex; align-items: center; gap: 8px; }
.dots { display: inline-flex; gap: 3px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: var(--muted); animation: blink 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: .2s; } .dots i:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .dots i, .msg.draft .bubble::after { animation: none; } .launcher { transition: none; } }
.csat { margin: 0; padding: 12px 16px; border-top: 1px solid var(--line); background: #fff; }
.csat h3 { margin: 0 0 8px; font-size: 15px; }
.stars { display: flex; gap: 6px; margin-bottom: 8px; }
.stars button { width: 40px; height: 40px; border-radius: 10px; border: 1px solid var(--line); background: #fff; font-size: 16px; font-weight: 650; color: var(--ink); }
.stars button[aria-checked="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.scale { display: flex; justify-content: space-between; width: 224px; font-size: 11.5px; color: var(--muted); margin: -4px 0 8px; }
.csat textarea { width: 100%; min-height: 44px; border: 1px solid var(--line); border-radius: 8px; padding: 6px 8px; font: inherit; resize: vertical; }
.csat .row { display: flex; gap: 8px; margin-top: 8px; justify-content: flex-end; }
.composer { border-top: 1px solid var(--line); padding: 10px 12px 8px; background: #fff; }
.composer form { display: flex; gap: 8px; align-items: flex-end; }
.composer textarea {
  flex: 1; resize: none; border: 1px solid var(--line); border-radius: 12px; padding: 9px 12px; font: inherit;
  max-height: 120px; min-height: 42px; color: var(--ink); background: #fff;
}
.send { background: var(--accent); color: #fff; border: 0; border-radius: 12px; height: 42px; padding: 0 16px; font-weight: 600; }
.send:disabled { opacity: .5; cursor: default; }
.foot { display: flex; justify-content: space-between; align-items: center; margin-top: 6px; font-size: 12px; color: var(--muted); }
.human-btn { background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: 4px 12px; font-size: 13px; color: var(--ink); }
.human-btn:hover { border-color: var(--accent); color: var(--accent); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .root { right: 12px; bottom: 12px; }
  .root.open { inset: 0; right: 0; bottom: 0; gap: 0; }
  .root.open .launcher { display: none; }
  .panel { width: 100vw; height: 100dvh; border-radius: 0; border: 0; }
  .composer textarea { font-size: 16px; } /* stops iOS from zooming the page on focus */
}
`;
