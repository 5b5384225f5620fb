// Renders the foundation benchmark's results as the markdown page in bench/results (the JSON is the same data).

import type { Mode, RunResult } from "./modes.ts";
import type { ProfileRow, ProfileSummary } from "./profile.ts";
import type { LatencySummary } from "./stats.ts";

export interface ModeMedians {
  runs: number;
  ack: LatencySummary | null;
  delivery: LatencySummary | null;
  ackedPerSec: number;
  deliveredPerSec: number;
  serverCpuMsPerMessage: number;
  loadGeneratorCpuMsPerMessage: number;
  generatorLagP99: number;
  totals: {
    sent: number;
    acked: number | null;
    delivered: number | null;
    undelivered: number | null;
    duplicatesOnSocket: number | null;
    outOfOrderOnSocket: number | null;
    errors: number;
  };
}

export interface Correctness {
  conversations: number;
  storedMessages: number;
  sent: number;
  acknowledged: number;
  presentExactlyOnce: number;
  missing: number;
  duplicated: number;
  wrongConversation: number;
  sentNotAcknowledged: number;
  unacknowledgedButStored: number;
  stray: number;
  seqGaps: number;
  noMessageLost: boolean;
}

export interface BenchReport {
  benchmark: string;
  generatedAt: string;
  command: string;
  environment: {
    node: string;
    cpu: string;
    cores: number;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
    db: string;
    platform: string;
    gitRevision: string | null;
  };
  config: {
    conversations: number;
    rate: number;
    seconds: number;
    repeats: number;
    warmupSeconds: number;
    httpConnections: number;
    profiled: boolean;
    serverNodeArgs: string[];
    serverEnv: string[];
  };
  runs: RunResult[];
  medians: Record<Mode, ModeMedians>;
  ratios: {
    httpAckP50VsHttpFloor: number;
    wsDeliveryP50VsEchoFloor: number;
    wsDeliveryP50VsRelayFloor: number;
    wsAckP50VsHttpFloor: number;
    httpAckP99VsHttpFloor: number;
    wsDeliveryP99VsEchoFloor: number;
  };
  goal: { p50Within3x: boolean; noMessageLost: boolean };
  correctness: Correctness;
  profile: ProfileSummary | null;
  serverLogTail: string;
}

const ms = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v < 10 ? v.toFixed(2) : v.toFixed(1);
const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");
const yes = (b: boolean) => (b ? "**yes**" : "**NO**");

const describe: Record<Mode, string> = {
  "http-floor": "bare node:http, POST → 201",
  "http-tandem": "Tandem, POST /messages → 201",
  "ws-floor-echo": "bare `ws` echo (the issue's floor)",
  "ws-floor-relay": "bare node:http + `ws`, POST → 201 + push",
  "ws-tandem": "Tandem, POST → 201 + stream event",
};

function profileTable(title: string, rows: ProfileRow[]): string[] {
  return [
    `**${title}**`,
    "",
    "| where | ms | share of busy CPU |",
    "|---|---:|---:|",
    ...rows.map(
      (r) => `| \`${r.name.replace(/\|/g, "\\|")}\` | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)}% |`,
    ),
    "",
  ];
}

export function renderMarkdown(r: BenchReport): string {
  const c = r.config;
  const m = r.medians;
  const modes = Object.keys(m) as Mode[];
  const out: string[] = [
    `# Foundation benchmark: acknowledgement and delivery latency${r.config.profiled ? " (profiled run)" : ""}`,
    "",
    `Generated ${r.generatedAt} by \`${r.command}\` (see \`bench/foundation/\`), code at ${r.environment.gitRevision ?? "an unknown revision"}.`,
    "",
    `${c.conversations} open conversations, an open-loop constant ${c.rate} messages/s spread round-robin over them, ` +
      `${c.seconds} s per mode, ${c.repeats} repeat(s) (figures are medians across repeats, after an unreported ` +
      `${c.warmupSeconds} s warm-up of every mode). Database: **${r.environment.db}**. HTTP keep-alive pool: ` +
      `${c.httpConnections} connections; WebSocket modes hold one socket per conversation (${c.conversations}).` +
      (c.serverNodeArgs.length
        ? ` Tandem child started with extra Node flags: \`${c.serverNodeArgs.join(" ")}\`.`
        : "") +
      (c.serverEnv.length ? ` Extra Tandem environment: \`${c.serverEnv.join(" ")}\`.` : ""),
    "",
    `Machine: ${r.environment.cores} × ${r.environment.cpu}, Node ${r.environment.node}, ${r.environment.platform}; load ` +
      `average ${r.environment.loadAverageBefore.map((v) => v.toFixed(2)).join("/")} before, ` +
      `${r.environment.loadAverageAfter.map((v) => v.toFixed(2)).join("/")} after (the cores are shared).`,
    "",
    "## Verdict",
    "",
    `| goal | result |`,
    `|---|---|`,
    `| HTTP ack p50 within 3× of the bare HTTP floor | ${x(r.ratios.httpAckP50VsHttpFloor)} → ${yes(r.ratios.httpAckP50VsHttpFloor <= 3)} |`,
    `| WebSocket delivery p50 within 3× of the bare \`ws\` echo floor | ${x(r.ratios.wsDeliveryP50VsEchoFloor)} → ${yes(r.ratios.wsDeliveryP50VsEchoFloor <= 3)} |`,
    `| No message lost (every acknowledged clientMessageId stored exactly once, every one delivered on its socket) | ${yes(r.goal.noMessageLost)} |`,
    "",
    `Also: WebSocket delivery p50 vs the like-for-like relay floor (bare POST → 201 + push) ${x(r.ratios.wsDeliveryP50VsRelayFloor)}; ` +
      `ack p50 in the WebSocket run vs the HTTP floor ${x(r.ratios.wsAckP50VsHttpFloor)}; p99 ratios: HTTP ack ` +
      `${x(r.ratios.httpAckP99VsHttpFloor)}, WebSocket delivery vs echo ${x(r.ratios.wsDeliveryP99VsEchoFloor)}.`,
    "",
    "## Latency (ms, measured from each message's scheduled send time)",
    "",
    "| mode | server | ack p50 | ack p99 | ack max | delivery p50 | delivery p99 | delivery max | achieved msg/s | server CPU ms/msg | CPU-bound msg/s per core |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...modes.map((k) => {
      const v = m[k];
      const thr = Number.isFinite(v.deliveredPerSec) ? v.deliveredPerSec : v.ackedPerSec;
      return `| ${k} | ${describe[k]} | ${ms(v.ack?.p50)} | ${ms(v.ack?.p99)} | ${ms(v.ack?.max)} | ${ms(v.delivery?.p50)} | ${ms(v.delivery?.p99)} | ${ms(v.delivery?.max)} | ${num(thr)} | ${num(v.serverCpuMsPerMessage, 3)} | ${num(1000 / v.serverCpuMsPerMessage)} |`;
    }),
    "",
    "Ack = the 201 fully received; delivery = the message event received on that conversation's socket (for the echo " +
      "floor, the echoed frame). Achieved msg/s = delivered (or acknowledged) messages over the time from the first " +
      "scheduled send to the last completion. Server CPU = user+system time of the server process over the run, per message; " +
      "CPU-bound msg/s per core = 1000 / that, the rate one whole core could sustain (a queue builds beyond it, " +
      "and sooner when other processes take the core).",
    "",
    "## Messages: sent vs acknowledged vs delivered (all measured repeats)",
    "",
    "| mode | sent | acknowledged | delivered | acked but undelivered | duplicates on socket | out of order on socket | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...modes.map((k) => {
      const t = m[k].totals;
      return `| ${k} | ${t.sent} | ${num(t.acked)} | ${num(t.delivered)} | ${num(t.undelivered)} | ${num(t.duplicatesOnSocket)} | ${num(t.outOfOrderOnSocket)} | ${t.errors} |`;
    }),
    "",
    "## No message lost (read back over `GET /api/v1/conversations/{id}/messages`)",
    "",
    "| check | value |",
    "|---|---:|",
    `| conversations read back | ${r.correctness.conversations} |`,
    `| messages stored (customer + system) | ${r.correctness.storedMessages} |`,
    `| messages sent to Tandem (incl. warm-up) | ${r.correctness.sent} |`,
    `| acknowledged (201) | ${r.correctness.acknowledged} |`,
    `| acknowledged and present exactly once, in the right conversation | ${r.correctness.presentExactlyOnce} |`,
    `| acknowledged but missing | ${r.correctness.missing} |`,
    `| acknowledged but stored more than once | ${r.correctness.duplicated} |`,
    `| stored in the wrong conversation | ${r.correctness.wrongConversation} |`,
    `| sent but not acknowledged (error/timeout) / of which stored anyway | ${r.correctness.sentNotAcknowledged} / ${r.correctness.unacknowledgedButStored} |`,
    `| stored but never sent | ${r.correctness.stray} |`,
    `| seq gaps (seq must run 1, 2, 3… per conversation) | ${r.correctness.seqGaps} |`,
    "",
    "## Every run",
    "",
    "| rep | mode | sent | acked | delivered | ack p50 | ack p99 | ack max | delivery p50 | delivery p99 | delivery max | msg/s | generator lag p99 | server CPU ms/msg | errors |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...r.runs.map((u) => {
      const thr = u.deliveredPerSec ?? u.ackedPerSec;
      const errs =
        Object.entries(u.errors)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ") || "–";
      return `| ${u.rep} | ${u.mode} | ${u.sent} | ${num(u.acked)} | ${num(u.delivered)} | ${ms(u.ack?.p50)} | ${ms(u.ack?.p99)} | ${ms(u.ack?.max)} | ${ms(u.delivery?.p50)} | ${ms(u.delivery?.p99)} | ${ms(u.delivery?.max)} | ${num(thr)} | ${ms(u.generatorLag.p99)} | ${num(u.serverCpuMsPerMessage, 3)} | ${errs} |`;
    }),
    "",
    "Generator lag is how late the load generator itself issued sends (it is charged to the latency, as it would be " +
      "to a real client); when it is large for the floor too, the client machine, not the server, is the limit.",
    "",
    "## Method",
    "",
    "- Tandem runs as `node bin/tandem.js serve` in a child process (`TANDEM_AI=off`: no responder is configured, so " +
      "each conversation queues for a person on its first message, which the warm-up sends; rate limits raised). " +
      "The floors run in another child process (`bench/foundation/floor-server.ts`). The load generator is the parent.",
    "- Open loop: message i is scheduled at t0 + i/rate and its latency is measured from that scheduled time, so a " +
      "server stall is charged for every message it delayed (no coordinated omission).",
    "- HTTP: `POST /api/v1/conversations/{id}/messages` with the conversation's bearer token over a node:http " +
      "keep-alive agent; the floor gets the same requests, bodies and agent.",
    "- WebSocket: one `GET /api/v1/stream?token=…&after=<last seq>` per conversation, each ready at its first " +
      "status event; every message is POSTed over HTTP and timed until its `message` event arrives on that socket. " +
      "The echo floor sends the same body over its socket and times the echo; the relay floor does Tandem's shape " +
      "with no framework and no database.",
    "",
  ];
  if (r.profile) {
    const p = r.profile;
    out.push(
      "## Where Tandem's server time goes (V8 CPU profile of the server process)",
      "",
      `Samples restricted to the measured Tandem runs (http-tandem and ws-tandem): ${(p.totalMs / 1000).toFixed(1)} s, ` +
        `of which ${(p.busyMs / 1000).toFixed(1)} s on the CPU. Native time (better-sqlite3's C++, socket writes) is ` +
        "charged to the JavaScript frame that called it, so `kysely`'s self time is mostly SQLite executing the statement.",
      "",
      ...profileTable("Self time by package / file", p.selfByGroup),
      ...profileTable("Inclusive time by package / file (a frame anywhere on the stack)", p.inclusiveByGroup),
      ...profileTable("Hottest functions (self time)", p.topSelfFunctions),
      ...profileTable("Project functions, inclusive", p.topInclusiveProjectFunctions),
    );
  }
  if (r.serverLogTail.trim()) {
    out.push(
      "## Server log (last lines, level warn and above)",
      "",
      "```",
      r.serverLogTail.trim(),
      "```",
      "",
    );
  }
  return `${out.join("\n")}\n`;
}
