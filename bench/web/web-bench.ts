// "Show it" for the web apps, measured in headless Chromium against a real Tandem: widget script size (with the
// same widget built on React as the peer), snippet load → interactive launcher (both builds, normal and 4× slowed
// CPU), console time to interactive with 1,000 conversations in the inbox, and frame rate while 50 of them update
// live (against the same console idle as the peer). Writes bench/results/web.json and web.md.
//
//   node bench/web/web-bench.ts [--runs 5] [--seconds 8]

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { median } from "../foundation/stats.ts";
import { webDist, widgetConfig } from "../../web/vite.config.ts";
import { createAgent, ensureWebBuilt, hasChromium, launchBrowser, type RunningTandem, serve } from "../../web/e2e/support.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, seconds: { type: "string", default: "8" } } });
const RUNS = Math.max(1, Number(values.runs));
const SECONDS = Math.max(2, Number(values.seconds));
const INBOX = 1000;
const LIVE = 50;

const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function sizes(file: string) {
  const data = readFileSync(file);
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length, brotli: brotliCompressSync(data).length };
}

/** The same widget sources built with React instead of Preact: the size and speed the Preact choice is judged against. */
async function buildReactPeer(outDir: string): Promise<string> {
  const cfg = widgetConfig();
  process.env.NODE_ENV = "production";
  await build({ ...cfg, resolve: { alias: [] }, build: { ...cfg.build, outDir, emptyOutDir: true } });
  return join(outDir, "widget.js");
}

/** In the page: runs `act`, then resolves with the ms until `done()` holds and the next frame is painted. */
const TIME_UNTIL = () => {
  (window as unknown as { timeUntil: unknown }).timeUntil = (root: Node, done: () => boolean, act: () => void) =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const finish = () => requestAnimationFrame(() => resolve(performance.now() - t0));
      const obs = new MutationObserver(() => {
        if (done()) {
          obs.disconnect();
          finish();
        }
      });
      obs.observe(root, { childList: true, subtree: true });
      act();
      if (done()) {
        obs.disconnect();
        finish();
      }
    });
};
declare function timeUntil(root: Node, done: () => boolean, act: () => void): Promise<number>;

/** Records when the launcher exists inside the widget's shadow root (works for both builds, sync or async render). */
const LAUNCHER_PROBE = () => {
  const w = window as unknown as { __launcherAt?: number };
  const check = (root: ShadowRoot) => {
    if (!w.__launcherAt && root.querySelector('[data-testid="tandem-launcher"]')) w.__launcherAt = performance.now();
  };
  new MutationObserver(() => {
    const host = document.getElementById("tandem-widget");
    const root = host?.shadowRoot;
    if (!root || (host as HTMLElement & { __observed?: boolean }).__observed) return;
    (host as HTMLElement & { __observed?: boolean }).__observed = true;
    check(root);
    new MutationObserver(() => check(root)).observe(root, { childList: true, subtree: true });
  }).observe(document, { childList: true, subtree: true });
};

async function widgetLoad(browser: Browser, url: string, script: Buffer, cpuSlowdown: number) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await ctx.route(`${url}/widget.js`, (route) => route.fulfill({ body: script, contentType: "application/javascript" }));
    await ctx.addInitScript(LAUNCHER_PROBE);
    await ctx.addInitScript(TIME_UNTIL);
    const page = await ctx.newPage();
    if (cpuSlowdown > 1) {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
    }
    await page.goto(`${url}/demo`);
    await page.getByTestId("tandem-launcher").waitFor();
    const t = await page.evaluate((src) => {
      const entry = performance.getEntriesByName(src)[0] as PerformanceResourceTiming | undefined;
      const at = (window as unknown as { __launcherAt?: number }).__launcherAt ?? Number.NaN;
      return { fromNavigation: at, fromScriptRequest: entry ? at - entry.startTime : Number.NaN, scriptExecuted: entry ? at - entry.responseEnd : Number.NaN };
    }, `${url}/widget.js`);
    // Interactive = it answers a click: from the click to the frame showing the chat dialog, timed in the page.
    const clickToOpen = await page.evaluate(() => {
      const root = document.getElementById("tandem-widget")?.shadowRoot as ShadowRoot;
      return timeUntil(root, () => !!root.querySelector('[data-testid="tandem-panel"]'), () => (root.querySelector('[data-testid="tandem-launcher"]') as HTMLElement).click());
    });
    return { ...t, clickToOpen };
  } finally {
    await ctx.close();
  }
}

async function seedInbox(srv: RunningTandem): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < INBOX; i++) {
    const { conversation } = await srv.tandem.conversations.start({ customer: { name: `Customer ${i}`, locale: "en" } });
    await srv.tandem.conversations.postCustomerMessage(conversation.id, { clientMessageId: "seed", text: `Order ${10000 + i} has not arrived yet, can you check?` });
    ids.push(conversation.id);
  }
  return ids;
}

async function consoleContext(browser: Browser, url: string, email: string, password: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const res = await ctx.request.post(`${url}/api/v1/auth/login`, { data: { email, password } });
  if (!res.ok()) throw new Error(`login failed: ${res.status()}`);
  return ctx;
}

async function consoleTti(browser: Browser, url: string, agent: { email: string; password: string }) {
  const ctx = await consoleContext(browser, url, agent.email, agent.password);
  try {
    await ctx.addInitScript(TIME_UNTIL);
    await ctx.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: "longtask", buffered: true });
    });
    const page = await ctx.newPage();
    await page.goto(`${url}/console`);
    await page.waitForFunction((n) => document.querySelectorAll("[data-conversation-id]").length >= n, INBOX, { timeout: 60_000, polling: "raf" });
    const rendered = await page.evaluate(() => performance.now());
    // First input after load: j opens the first conversation; timed in the page until the frame that shows its pane.
    const firstInput = await page.evaluate(() =>
      timeUntil(document.body, () => !!document.querySelector('[data-testid="conversation-pane"]'), () => window.dispatchEvent(new KeyboardEvent("keydown", { key: "j", bubbles: true }))),
    );
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    return { rendered, firstInput, longestTask: Math.max(0, ...longTasks), longTasks: longTasks.length };
  } finally {
    await ctx.close();
  }
}

async function measureFrames(page: Page, seconds: number) {
  return page.evaluate(async (ms) => {
    const gaps: number[] = [];
    let last = performance.now();
    const start = last;
    await new Promise<void>((done) => {
      const tick = (t: number) => {
        gaps.push(t - last);
        last = t;
        if (t - start < ms) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    gaps.sort((a, b) => a - b);
    const elapsed = last - start;
    return { fps: (gaps.length / elapsed) * 1000, p95Gap: gaps[Math.floor(gaps.length * 0.95)] ?? 0, maxGap: gaps.at(-1) ?? 0, frames: gaps.length };
  }, seconds * 1000);
}

async function liveFrameRate(browser: Browser, srv: RunningTandem, ids: string[], agent: { email: string; password: string }) {
  const ctx = await consoleContext(browser, srv.url, agent.email, agent.password);
  try {
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/console`);
    await page.waitForFunction((n) => document.querySelectorAll("[data-conversation-id]").length >= n, INBOX, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const idle = await measureFrames(page, SECONDS);

    // 50 conversations, one customer message each per second, spread evenly: 50 messages (and 50 triage events) a second.
    const live = ids.slice(0, LIVE);
    let sent = 0;
    let stop = false;
    const load = (async () => {
      const started = Date.now();
      while (!stop) {
        const id = live[sent % LIVE] as string;
        const due = started + (sent * 1000) / LIVE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await srv.tandem.conversations.postCustomerMessage(id, { clientMessageId: `live-${sent}`, text: `Update ${sent}: any news on my order?` });
        sent++;
      }
    })();
    const busy = await measureFrames(page, SECONDS);
    stop = true;
    await load;
    return { idle, busy, messagesPerSecond: sent / SECONDS };
  } finally {
    await ctx.close();
  }
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error("Chromium is needed for the web benchmark (apt-get install chromium, or set CHROMIUM_PATH)");
  const load0 = loadavg();
  await ensureWebBuilt();
  const tmp = mkdtempSync(join(tmpdir(), "tandem-web-bench-"));
  const preactFile = join(webDist, "widget", "widget.js");
  const reactFile = await buildReactPeer(join(tmp, "react-widget"));
  const size = { preact: sizes(preactFile), react: sizes(reactFile) };
  console.log(`widget.js: ${kb(size.preact.gzip)} KB gzip (React build of the same widget: ${kb(size.react.gzip)} KB)`);

  const srv = await serve({ DATABASE_URL: `sqlite:${join(tmp, "bench.db")}`, TANDEM_AI: "off" });
  const browser = await launchBrowser();
  try {
    const agent = await createAgent(srv.tandem, "bench@northwind.test", "Bench Agent", { tier: 1 });
    const scripts = { preact: readFileSync(preactFile), react: readFileSync(reactFile) };
    const widget: Record<string, Record<string, Array<Awaited<ReturnType<typeof widgetLoad>>>>> = {};
    for (const slowdown of [1, 4]) {
      for (const [name, script] of Object.entries(scripts)) {
        const runs = [];
        await widgetLoad(browser, srv.url, script, slowdown); // warm-up: server and browser caches of everything but the script
        for (let i = 0; i < RUNS; i++) runs.push(await widgetLoad(browser, srv.url, script, slowdown));
        (widget[`cpu${slowdown}x`] ??= {})[name] = runs;
        console.log(`widget ${name} @${slowdown}x CPU: launcher ${round(median(runs.map((r) => r.fromScriptRequest)))} ms after the script request`);
      }
    }

    const seedStart = Date.now();
    const ids = await seedInbox(srv);
    console.log(`seeded ${INBOX} waiting conversations in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const tti = [];
    await consoleTti(browser, srv.url, agent);
    for (let i = 0; i < RUNS; i++) tti.push(await consoleTti(browser, srv.url, agent));
    console.log(`console: ${INBOX} rows interactive after ${round(median(tti.map((r) => r.rendered)))} ms`);
    const frames = await liveFrameRate(browser, srv, ids, agent);
    console.log(`frame rate: ${round(frames.busy.fps)} fps with ${LIVE} conversations updating (${round(frames.messagesPerSecond)} msg/s); idle ${round(frames.idle.fps)} fps`);

    const med = (runs: Array<Record<string, number>>, k: string) => round(median(runs.map((r) => r[k] as number)));
    const result = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", node: process.version, loadBefore: load0, loadAfter: loadavg() },
      settings: { runs: RUNS, seconds: SECONDS, inbox: INBOX, live: LIVE },
      widgetSize: size,
      widgetLoad: Object.fromEntries(
        Object.entries(widget).map(([cpu, byBuild]) => [
          cpu,
          Object.fromEntries(
            Object.entries(byBuild).map(([b, runs]) => [
              b,
              { fromScriptRequestMs: med(runs, "fromScriptRequest"), afterDownloadMs: med(runs, "scriptExecuted"), fromNavigationMs: med(runs, "fromNavigation"), clickToOpenMs: med(runs, "clickToOpen") },
            ]),
          ),
        ]),
      ),
      console: {
        inboxRows: INBOX,
        interactiveMs: med(tti, "rendered"),
        firstInputMs: med(tti, "firstInput"),
        longestTaskMs: med(tti, "longestTask"),
        runs: tti,
      },
      liveUpdates: {
        conversations: LIVE,
        messagesPerSecond: round(frames.messagesPerSecond),
        busy: { fps: round(frames.busy.fps), p95FrameMs: round(frames.busy.p95Gap), maxFrameMs: round(frames.busy.maxGap) },
        idle: { fps: round(frames.idle.fps), p95FrameMs: round(frames.idle.p95Gap), maxFrameMs: round(frames.idle.maxGap) },
      },
    };
    const out = join(import.meta.dirname, "..", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "web.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(out, "web.md"), report(result));
    console.log(`wrote bench/results/web.json and web.md`);
  } finally {
    await browser.close();
    await srv.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

type Result = {
  generatedAt: string;
  machine: { cpus: number; model: string; node: string; loadBefore: number[]; loadAfter: number[] };
  settings: { runs: number; seconds: number };
  widgetSize: Record<"preact" | "react", { raw: number; gzip: number; brotli: number }>;
  widgetLoad: Record<string, Record<string, { fromScriptRequestMs: number; afterDownloadMs: number; fromNavigationMs: number; clickToOpenMs: number }>>;
  console: { inboxRows: number; interactiveMs: number; firstInputMs: number; longestTaskMs: number };
  liveUpdates: { conversations: number; messagesPerSecond: number; busy: { fps: number; p95FrameMs: number; maxFrameMs: number }; idle: { fps: number; p95FrameMs: number; maxFrameMs: number } };
};

function report(r: Result): string {
  const s = r.widgetSize;
  const loadRows = Object.entries(r.widgetLoad).flatMap(([cpu, byBuild]) =>
    Object.entries(byBuild).map(([b, v]) => `| ${b === "preact" ? "**shipped (Preact)**" : "peer: React 19"} | ${cpu.replace("cpu", "").replace("x", "×")} | ${v.fromScriptRequestMs} | ${v.afterDownloadMs} | ${v.fromNavigationMs} | ${v.clickToOpenMs} |`),
  );
  const goal = s.preact.gzip < 60 * 1024;
  return `# Web apps benchmark

Generated ${r.generatedAt} by \`node bench/web/web-bench.ts\`, headless Chromium against a real Tandem (SQLite file,
same process as the load generator). ${r.settings.runs} measured runs per figure after one warm-up; figures are medians.
Machine: ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}; load average ${r.machine.loadBefore.map((x) => x.toFixed(2)).join("/")} before,
${r.machine.loadAfter.map((x) => x.toFixed(2)).join("/")} after (the cores are shared with other work).

## Widget script size (goal: under 60 KB gzipped)

| build | raw | gzip | brotli |
|---|---:|---:|---:|
| **shipped: React API on Preact (preact/compat)** | ${kb(s.preact.raw)} KB | **${kb(s.preact.gzip)} KB** | ${kb(s.preact.brotli)} KB |
| peer: the same sources on React 19 + react-dom | ${kb(s.react.raw)} KB | ${kb(s.react.gzip)} KB | ${kb(s.react.brotli)} KB |

Goal ${goal ? "**met**" : "**missed**"}: ${kb(s.preact.gzip)} KB gzipped, ${round(s.react.gzip / s.preact.gzip)}× smaller than the React build. The server sends the
pre-compressed file (brotli or gzip) as built.

## Snippet load → interactive launcher (ms)

Fresh browser context per run; the script is served from memory to both builds alike. "From script request" = from
the browser requesting widget.js to the launcher existing in the page; "after download" = from the last byte of the
script to the launcher; "click → open" = from a click on the launcher to the painted frame showing the chat dialog
(timed inside the page).

| build | CPU | from script request | after download | from navigation start | click → open |
|---|---|---:|---:|---:|---:|
${loadRows.join("\n")}

## Agent console with ${r.console.inboxRows} conversations in the inbox

| figure | ms |
|---|---:|
| navigation → all ${r.console.inboxRows} rows rendered (inbox loaded over the API, grouped, counting down) | **${r.console.interactiveMs}** |
| first input after that: \`j\` → the painted frame showing the conversation pane (timed in the page) | ${r.console.firstInputMs} |
| longest main-thread task during load | ${r.console.longestTaskMs} |

## Frame rate while ${r.liveUpdates.conversations} conversations update live

${r.liveUpdates.conversations} of the ${r.console.inboxRows} inbox conversations each receive a customer message every second
(${r.liveUpdates.messagesPerSecond} messages/s, each followed by its triage event on the agent stream) while the console
counts frames with requestAnimationFrame for ${r.settings.seconds} s. The peer is the same console, idle, in the same run.

| console | fps | p95 frame | worst frame |
|---|---:|---:|---:|
| **${r.liveUpdates.conversations} conversations updating** | **${r.liveUpdates.busy.fps}** | ${r.liveUpdates.busy.p95FrameMs} ms | ${r.liveUpdates.busy.maxFrameMs} ms |
| idle (peer) | ${r.liveUpdates.idle.fps} | ${r.liveUpdates.idle.p95FrameMs} ms | ${r.liveUpdates.idle.maxFrameMs} ms |
`;
}

await main();
