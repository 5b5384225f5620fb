// The human side's speed: assignment decisions with 1,000 agents and 10,000 waiting conversations, assist refresh
// per message, and similar-case lookup over 100,000 resolved conversations — each beside a peer measured in the
// same run (a linear-scan router; MiniSearch over the same cases). Run: node bench/human-side/bench.ts

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import MiniSearch from "minisearch";
import { type KnowledgeHit, refreshAssist } from "../../src/domain/assist/assist.ts";
import { parseCannedLibrary } from "../../src/domain/assist/canned-responses.ts";
import { type ResolvedCase, SimilarCaseIndex } from "../../src/domain/assist/similar-cases.ts";
import { AssignmentIndex, planAssignments } from "../../src/domain/assignment/assignment-index.ts";
import {
  type AssignableAgent,
  DEFAULT_ASSIGNMENT_CONFIG,
  type WaitingConversation,
} from "../../src/domain/assignment/types.ts";
import type { Conversation, Customer, Message, Tier } from "../../src/domain/model.ts";

const RESULTS = resolve(import.meta.dirname, "../results");
const NOW = Date.UTC(2026, 2, 4, 12, 0);

// ---------- deterministic randomness ----------
let seed = 42;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    max: round(s[s.length - 1] as number),
  };
}

/** CPU time of this process in ms: on a shared machine, wall time also counts waiting for other jobs. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

// ---------- 1. assignment ----------
const SKILLS = ["billing", "tech", "returns", "shipping", "accounts", "enterprise"];
const LANGS = ["en", "fr", "de", "es", "it", "nl"];
const SCHEDULES = [
  null,
  {
    tz: "Europe/Paris",
    days: {
      mon: ["08:00", "20:00"],
      tue: ["08:00", "20:00"],
      wed: ["08:00", "20:00"],
      thu: ["08:00", "20:00"],
      fri: ["08:00", "20:00"],
    },
  },
  { tz: "America/New_York", days: { wed: ["06:00", "18:00"], thu: ["06:00", "18:00"] } },
  { tz: "Asia/Tokyo", days: { wed: ["09:00", "18:00"] } },
] as const;

function makeAgents(n: number): AssignableAgent[] {
  return Array.from({ length: n }, (_, i) => {
    const capacity = int(3, 6);
    const tier = (rnd() < 0.6 ? 1 : rnd() < 0.75 ? 2 : 3) as Tier;
    return {
      id: `agent-${i}`,
      tier,
      skills: SKILLS.filter(() => rnd() < 0.35),
      languages: ["en", ...LANGS.slice(1).filter(() => rnd() < 0.25)],
      capacity,
      presence: rnd() < 0.85 ? "online" : pick(["away", "offline"] as const),
      businessHours: pick(SCHEDULES) as AssignableAgent["businessHours"],
      load: capacity, // a busy floor: everyone full, so 10,000 conversations wait
      lastAssignedAt: NOW - int(0, 3_600_000),
    };
  });
}

function makeWaiting(n: number): WaitingConversation[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `conv-${i}`,
    tier: (rnd() < 0.6 ? 1 : rnd() < 0.75 ? 2 : 3) as Tier,
    priority: rnd() < 0.8 ? 0 : int(1, 3),
    queuedAt: NOW - int(0, 20 * 60_000),
    skill: rnd() < 0.4 ? pick(SKILLS) : null,
    language: rnd() < 0.7 ? "en" : pick(LANGS),
  }));
}

/** The peer: what a router without indexes does — scan every agent, or every waiting conversation. */
class LinearRouter {
  readonly agents: Array<AssignableAgent & { open: boolean }>;
  readonly waiting: WaitingConversation[];
  constructor(agents: Array<AssignableAgent & { open: boolean }>, waiting: WaitingConversation[]) {
    this.agents = agents;
    this.waiting = waiting;
  }
  #eligible(a: AssignableAgent & { open: boolean }, c: WaitingConversation, tier: Tier) {
    return (
      a.tier === tier &&
      a.presence === "online" &&
      a.open &&
      a.load < a.capacity &&
      (!c.skill || a.skills.includes(c.skill)) &&
      (!c.language || a.languages.includes(c.language))
    );
  }
  pickAgent(c: WaitingConversation, now: number): string | null {
    let wait = 0;
    for (let tier = c.tier; tier <= 3; tier++) {
      if (tier > c.tier) {
        wait += DEFAULT_ASSIGNMENT_CONFIG.tiers[(tier - 1) as Tier].waitTargetMs;
        if (now - c.queuedAt < wait) break;
      }
      let best: (AssignableAgent & { open: boolean }) | null = null;
      for (const a of this.agents) {
        if (!this.#eligible(a, c, tier as Tier)) continue;
        if (
          !best ||
          a.load < best.load ||
          (a.load === best.load && (a.lastAssignedAt ?? 0) < (best.lastAssignedAt ?? 0))
        )
          best = a;
      }
      if (best) return best.id;
    }
    return null;
  }
  pickConversation(a: AssignableAgent & { open: boolean }, now: number): string | null {
    let best: WaitingConversation | null = null;
    for (const c of this.waiting) {
      const tiers: Tier[] = [c.tier];
      if (now - c.queuedAt >= DEFAULT_ASSIGNMENT_CONFIG.tiers[1].waitTargetMs && c.tier < 3)
        tiers.push((c.tier + 1) as Tier);
      if (!tiers.some((t) => this.#eligible({ ...a, load: 0 }, c, t))) continue;
      if (!best || c.priority > best.priority || (c.priority === best.priority && c.queuedAt < best.queuedAt))
        best = c;
    }
    return best?.id ?? null;
  }
}

function benchAssignment() {
  const agents = makeAgents(1000);
  const waiting = makeWaiting(10_000);
  const index = new AssignmentIndex();
  const build = time(() => {
    for (const a of agents) index.upsertAgent(a, NOW);
    for (const c of waiting) index.enqueue(c);
  });
  const byId = new Map(waiting.map((c) => [c.id, c]));
  const online = agents.filter((a) => a.presence === "online");

  // Warm up the JIT on every path before measuring.
  for (let i = 0; i < 2000; i++) index.pickAgent(pick(waiting), NOW);

  const pickAgentMs: number[] = [];
  const pickConversationMs: number[] = [];
  const releaseDrainMs: number[] = [];
  let assignedInDrains = 0;
  for (let i = 0; i < 5000; i++) {
    const c = pick(waiting);
    pickAgentMs.push(time(() => index.pickAgent(c, NOW)));
  }
  // The event that matters: an agent finishes a conversation; the queue drains into the freed slot.
  for (let i = 0; i < 5000; i++) {
    const a = pick(online);
    let assigned: ReturnType<AssignmentIndex["drain"]> = [];
    index.release(a.id);
    pickConversationMs.push(time(() => index.pickConversation(a.id, NOW)));
    releaseDrainMs.push(time(() => (assigned = index.drain(NOW))));
    assignedInDrains += assigned.length;
    // Put the world back: the conversation waits again and the slot is taken again.
    for (const x of assigned) {
      index.enqueue(byId.get(x.conversationId) as WaitingConversation);
      index.release(x.agentId);
    }
    if (assigned.length === 0)
      index.assign(`filler-${i}`, a.id, NOW); // nobody eligible: re-occupy the slot
    else for (const x of assigned) index.assign(`filler-${i}-${x.agentId}`, x.agentId, NOW);
  }

  // Peer: linear scans over the same data.
  const linearAgents = agents.map((a) => ({ ...a, load: a.load - (rnd() < 0.05 ? 1 : 0), open: true }));
  const linear = new LinearRouter(linearAgents, waiting);
  const linearPickAgentMs: number[] = [];
  const linearPickConversationMs: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const c = pick(waiting);
    linearPickAgentMs.push(time(() => linear.pickAgent(c, NOW)));
  }
  for (let i = 0; i < 300; i++) {
    const a = pick(linearAgents);
    linearPickConversationMs.push(time(() => linear.pickConversation(a, NOW)));
  }

  // Batch planning from scratch with free capacity: half the agents have room.
  const freeAgents = agents.map((a) => ({ ...a, load: rnd() < 0.5 ? 0 : a.capacity }));
  const planMs: number[] = [];
  let planned = 0;
  for (let i = 0; i < 5; i++)
    planMs.push(time(() => (planned = planAssignments(freeAgents, waiting, NOW).assignments.length)));

  return {
    agents: agents.length,
    waiting: waiting.length,
    buildIndexMs: Math.round(build * 10) / 10,
    pickAgentMs: stats(pickAgentMs),
    pickConversationMs: stats(pickConversationMs),
    releaseThenDrainMs: stats(releaseDrainMs),
    drainsThatAssigned: assignedInDrains,
    peerLinearPickAgentMs: stats(linearPickAgentMs),
    peerLinearPickConversationMs: stats(linearPickConversationMs),
    planAssignmentsFromScratchMs: stats(planMs),
    plannedAssignments: planned,
  };
}

// ---------- 2 & 3. synthetic resolved conversations ----------
// Word frequencies in support text are Zipf-like: a few words everywhere, a long tail of specific ones. Each
// issue mixes its topic's vocabulary, common support words and general vocabulary, each drawn log-uniformly.
const COMMON = `order delivery refund account payment item package tracking email password charged card return
  shipping invoice subscription cancel received arrived late wrong damaged broken login reset help problem issue
  working still again days week today number address phone app website error message support customer service
  price discount code coupon product size colour exchange warranty store online bank transfer receipt`.split(
  /\s+/,
);
const GENERAL = Array.from({ length: 20_000 }, (_, i) => `g${i.toString(36)}`);
const zipf = <T>(xs: readonly T[]): T =>
  xs[Math.min(xs.length - 1, Math.floor(Math.exp(rnd() * Math.log(xs.length + 1))) - 1)] as T;
const TOPICS = Array.from({ length: 40 }, (_, t) => ({
  words: Array.from({ length: 40 }, (_, i) => `t${t}w${i}`),
  codes: [`resolution_${t}_a`, `resolution_${t}_b`, `resolution_${t % 7}_shared`],
}));

function issueText(topic: (typeof TOPICS)[number]): string {
  const words: string[] = [];
  const n = int(12, 35);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    words.push(r < 0.4 ? zipf(topic.words) : r < 0.75 ? zipf(COMMON) : zipf(GENERAL));
  }
  if (rnd() < 0.3) words.push(`order ${int(10_000_000, 99_999_999)}`);
  return words.join(" ");
}

function makeCases(n: number): ResolvedCase[] {
  return Array.from({ length: n }, (_, i) => {
    const topic = pick(TOPICS);
    const code = pick(topic.codes);
    return {
      conversationId: `res-${i}`,
      issueText: issueText(topic),
      resolutionCode: code,
      resolutionNotes: `${code.replace(/_/g, " ")} after checking the account`,
    };
  });
}

const PEER_QUERIES = 6;

function benchSimilar(cases: ResolvedCase[]) {
  const index = new SimilarCaseIndex();
  const buildMs = time(() => {
    for (const c of cases) index.add(c);
  });
  const queries = Array.from({ length: 800 }, () => issueText(pick(TOPICS)));
  for (const q of queries.slice(0, 200)) index.search(q, 20);
  const searchCpuMs: number[] = [];
  const searchMs = queries.map((q) => {
    const c0 = cpuNow();
    const ms = time(() => index.search(q, 20));
    searchCpuMs.push(cpuNow() - c0);
    return ms;
  });
  const exhaustiveMs = queries
    .slice(0, 300)
    .map((q) => time(() => index.search(q, 20, { exhaustive: true })));
  const nextStepsMs = queries.slice(0, 500).map((q) => time(() => index.nextSteps(q)));

  const mini = new MiniSearch<ResolvedCase>({
    idField: "conversationId",
    fields: ["issueText"],
    storeFields: [],
  });
  const miniBuildMs = time(() => mini.addAll(cases));
  for (const q of queries.slice(0, 10)) mini.search(q);
  // Timed and compared in one pass: the peer is slow at this size.
  let overlap = 0;
  const miniMs = queries.slice(0, PEER_QUERIES).map((q) => {
    let hits: Array<{ id: unknown }> = [];
    const ms = time(() => (hits = mini.search(q).slice(0, 20)));
    const ours = new Set(index.search(q, 10).map((h) => h.case.conversationId));
    overlap += hits.slice(0, 10).filter((h) => ours.has(h.id as string)).length / 10;
    return ms;
  });
  return {
    index,
    result: {
      cases: cases.length,
      buildMs: Math.round(buildMs),
      searchTop20Ms: stats(searchMs),
      searchTop20CpuMs: stats(searchCpuMs),
      exhaustiveTop20Ms: stats(exhaustiveMs),
      nextStepsMs: stats(nextStepsMs),
      peerMiniSearch: { buildMs: Math.round(miniBuildMs), searchMs: stats(miniMs) },
      top10OverlapWithMiniSearch: Math.round((overlap / PEER_QUERIES) * 100) / 100,
    },
  };
}

function benchAssist(similar: SimilarCaseIndex) {
  const libText = readFileSync(
    resolve(import.meta.dirname, "../../config/canned-responses.default.yaml"),
    "utf8",
  );
  const lib = parseCannedLibrary(libText);
  if (!lib.ok) throw new Error(lib.error.message);
  // Knowledge search stand-in: BM25 over 2,000 synthetic articles (the real KB search is benched in issue 4).
  const kb = new SimilarCaseIndex();
  for (let i = 0; i < 2000; i++) {
    const t = pick(TOPICS);
    kb.add({
      conversationId: `kb-${i}`,
      issueText: `${issueText(t)} ${issueText(t)} ${issueText(t)}`,
      resolutionCode: "article",
      resolutionNotes: "",
    });
  }
  const searchKnowledge = (q: string, k: number): KnowledgeHit[] =>
    kb
      .search(q, k)
      .map((h) => ({
        documentId: h.case.conversationId,
        title: h.case.conversationId,
        score: h.score,
        text: h.case.issueText,
      }));
  const customer: Customer = {
    id: "cus",
    externalId: null,
    name: "Maria Lopez",
    email: "m@example.com",
    locale: "en",
    attributes: { lifetimeValue: 9000, plan: "Gold" },
    createdAt: new Date(NOW).toISOString(),
  };
  const conversation = { id: "c", reasons: ["frustration"] } as unknown as Conversation;
  const refreshMs: number[] = [];
  const refreshCpuMs: number[] = [];
  const withoutSimilarMs: number[] = [];
  const runs: Array<() => Promise<void>> = [];
  for (let conv = 0; conv < 60; conv++) {
    const topic = pick(TOPICS);
    const msgs: Message[] = [];
    for (let seq = 1; seq <= 16; seq++) {
      const author = seq % 2 === 1 ? "customer" : pick(["ai", "agent"] as const);
      msgs.push({
        id: `m${seq}`,
        conversationId: "c",
        seq,
        author,
        authorId: null,
        authorName: null,
        clientMessageId: null,
        text: `${issueText(topic)}. ${issueText(topic)}?`,
        internal: false,
        triage: null,
        meta:
          author === "ai"
            ? {
                citations: [{ documentId: "kb-1", title: "Shipping" }],
                actions: [{ name: "lookup_order", status: "succeeded" }],
              }
            : null,
        createdAt: new Date(NOW + seq * 1000).toISOString(),
      });
      const snapshot = [...msgs];
      runs.push(async () => {
        const c0 = cpuNow();
        const t0 = performance.now();
        await refreshAssist(
          { conversation, messages: snapshot, customer, agent: { displayName: "Sam Lee" } },
          { cannedResponses: lib.responses, searchKnowledge, similarCases: similar },
        );
        refreshMs.push(performance.now() - t0);
        refreshCpuMs.push(cpuNow() - c0);
        const t1 = performance.now();
        await refreshAssist(
          { conversation, messages: snapshot, customer, agent: { displayName: "Sam Lee" } },
          { cannedResponses: lib.responses, searchKnowledge },
        );
        withoutSimilarMs.push(performance.now() - t1);
      });
    }
  }
  return {
    runs,
    collect: () => ({
      messagesRefreshed: refreshMs.length,
      refreshMs: stats(refreshMs.slice(100)),
      refreshCpuMs: stats(refreshCpuMs.slice(100)),
      refreshWithoutSimilarCasesMs: stats(withoutSimilarMs.slice(100)),
    }),
  };
}

// ---------- run ----------
const started = performance.now();
const assignment = benchAssignment();
console.log("assignment", JSON.stringify(assignment));
const { index: similarIndex, result: similar } = benchSimilar(makeCases(100_000));
console.log("similar cases", JSON.stringify(similar));
const assistBench = benchAssist(similarIndex);
for (const run of assistBench.runs) await run();
const assist = assistBench.collect();
console.log("assist", JSON.stringify(assist));

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", node: process.version },
  goals: { assignmentDecisionMs: 1, assistRefreshP95Ms: 10 },
  assignment,
  similarCases: similar,
  assist,
  totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
};

const ms = (s: { p50: number; p95: number; p99: number }) => `${s.p50} / ${s.p95} / ${s.p99}`;
const md = `# Human side: assignment, assist and similar cases

Run: \`node bench/human-side/bench.ts\` · ${result.date} · ${result.machine.cpu} (${result.machine.cpus} cores) · Node ${result.machine.node} · ${result.totalSeconds} s · load average ${result.loadAverage1m} at the end.
Synthetic, seeded data (Zipf-like vocabulary: 40 topics × 40 words, 60 common support words, 20,000 general words). Times in milliseconds, p50 / p95 / p99. The machine is shared (2 cores, other jobs running): compare columns within a run, not across runs.

## Assignment — ${assignment.agents} agents, ${assignment.waiting} waiting conversations (goal: one decision < 1 ms)

| operation | Tandem (indexed) | peer: linear scan |
|---|---|---|
| which agent takes this conversation (\`pickAgent\`) | ${ms(assignment.pickAgentMs)} | ${ms(assignment.peerLinearPickAgentMs)} |
| what a freed agent takes next (\`pickConversation\`) | ${ms(assignment.pickConversationMs)} | ${ms(assignment.peerLinearPickConversationMs)} |
| agent frees a slot → \`drain\` assigns the queue into it | ${ms(assignment.releaseThenDrainMs)} | — |
| \`planAssignments\` from scratch (index build + full drain, ${assignment.plannedAssignments} assignments) | ${ms(assignment.planAssignmentsFromScratchMs)} | — |

Index build for the whole floor: ${assignment.buildIndexMs} ms (once, then kept up to date incrementally). ${assignment.drainsThatAssigned} of 5,000 drains assigned a conversation (the rest freed an agent no waiting conversation fits).

## Similar-case lookup — ${similar.cases.toLocaleString("en-US")} resolved conversations

| operation | Tandem BM25 index | peer: MiniSearch 7 |
|---|---|---|
| build | ${similar.buildMs} ms | ${similar.peerMiniSearch.buildMs} ms |
| top-20 search (CPU time of the process) | ${ms(similar.searchTop20CpuMs)} | — |
| top-20 search | ${ms(similar.searchTop20Ms)} | ${ms(similar.peerMiniSearch.searchMs)} (${PEER_QUERIES} queries) |
| same index, pruning off (exhaustive BM25) | ${ms(similar.exhaustiveTop20Ms)} | — |
| next steps (top-20 grouped by resolution) | ${ms(similar.nextStepsMs)} | — |

Top-10 overlap with MiniSearch on the same queries: ${similar.top10OverlapWithMiniSearch} (both BM25-family; they differ in tokenization and MiniSearch's OR-query scoring).

## Assist refresh per message (goal: p95 < 10 ms, no LLM)

Summary + knowledge articles (BM25 stand-in over 2,000 articles) + canned replies (default library) + flags + next steps over the 100,000 cases, conversations growing to 16 messages, ${assist.messagesRefreshed} refreshes.

| | p50 / p95 / p99 |
|---|---|
| full refresh (wall) | ${ms(assist.refreshMs)} |
| full refresh (CPU time of the process; excludes waiting for other jobs on the shared cores) | ${ms(assist.refreshCpuMs)} |
| without similar cases (wall) | ${ms(assist.refreshWithoutSimilarCasesMs)} |
`;

mkdirSync(RESULTS, { recursive: true });
writeFileSync(resolve(RESULTS, "human-side.json"), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(resolve(RESULTS, "human-side.md"), md);
console.log(md);
