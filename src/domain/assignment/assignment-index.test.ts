import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tier } from "../model.ts";
import { AssignmentIndex, languagesServing, planAssignments, requiredSkill, skillsServing } from "./assignment-index.ts";
import {
  type AssignableAgent,
  type Assignment,
  type AssignmentConfig,
  AssignmentError,
  DEFAULT_ASSIGNMENT_CONFIG,
  type WaitingConversation,
} from "./types.ts";

const T0 = Date.UTC(2026, 2, 4, 12, 0, 0); // a Wednesday, noon UTC

function agent(id: string, over: Partial<AssignableAgent> = {}): AssignableAgent {
  return {
    id,
    tier: 1,
    skills: [],
    languages: ["en"],
    capacity: 3,
    presence: "online",
    businessHours: null,
    load: 0,
    lastAssignedAt: null,
    ...over,
  };
}

function conv(id: string, over: Partial<WaitingConversation> = {}): WaitingConversation {
  return { id, tier: 1, priority: 0, queuedAt: T0, ...over };
}

// ---------- a deliberately naive oracle of the documented rules, O(agents × conversations) ----------

function eligibleTiers(c: WaitingConversation, now: number, config: AssignmentConfig): Tier[] {
  const out: Tier[] = [c.tier];
  let wait = 0;
  for (let t = c.tier; t < 3; t++) {
    const p = config.tiers[t as Tier];
    if (!p.overflow) break;
    wait += p.waitTargetMs;
    if (now - c.queuedAt < wait) break;
    out.push((t + 1) as Tier);
  }
  return out;
}

interface OracleAgent extends AssignableAgent {
  seq: number;
}

function matches(a: AssignableAgent, c: WaitingConversation): boolean {
  const skills = a.skills.map((s) => s.toLowerCase());
  const langs = a.languages.map((l) => l.toLowerCase().split("-")[0]);
  return (
    (!c.skill || skills.includes(c.skill.toLowerCase())) &&
    (!c.language || langs.includes(c.language.toLowerCase().split("-")[0] as string))
  );
}

function oracleBestAgent(
  agents: OracleAgent[],
  c: WaitingConversation,
  now: number,
  config: AssignmentConfig,
): OracleAgent | undefined {
  for (const tier of eligibleTiers(c, now, config)) {
    const pool = agents.filter(
      (a) => a.tier === tier && a.presence === "online" && a.load < a.capacity && matches(a, c),
    );
    pool.sort(
      (x, y) =>
        x.load - y.load ||
        (x.lastAssignedAt ?? -Infinity) - (y.lastAssignedAt ?? -Infinity) ||
        x.seq - y.seq ||
        (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    );
    if (pool[0]) return pool[0];
  }
  return undefined;
}

function oraclePlan(
  agentsIn: AssignableAgent[],
  waiting: WaitingConversation[],
  now: number,
  config: AssignmentConfig,
): Array<[string, string]> {
  const agents: OracleAgent[] = agentsIn.map((a) => ({ ...a, seq: 0 }));
  const order = [...waiting].sort(
    (a, b) => b.priority - a.priority || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1),
  );
  const out: Array<[string, string]> = [];
  let seq = 0;
  for (const c of order) {
    const a = oracleBestAgent(agents, c, now, config);
    if (!a) continue;
    a.load++;
    a.lastAssignedAt = now;
    a.seq = ++seq;
    out.push([c.id, a.id]);
  }
  return out;
}

// ---------- generators ----------

const SKILLS = ["billing", "tech", "returns"];
const LANGS = ["en", "fr", "de"];

const agentArb = fc.record({
  tier: fc.constantFrom<Tier>(1, 2, 3),
  skills: fc.subarray(SKILLS),
  languages: fc.subarray(LANGS, { minLength: 1 }),
  capacity: fc.integer({ min: 0, max: 4 }),
  presence: fc.constantFrom("online", "online", "online", "away", "offline") as fc.Arbitrary<
    AssignableAgent["presence"]
  >,
  load: fc.integer({ min: 0, max: 4 }),
  lastAssignedAt: fc.option(fc.integer({ min: T0 - 3_600_000, max: T0 }), { nil: null }),
});

const convArb = fc.record({
  tier: fc.constantFrom<Tier>(1, 2, 3),
  priority: fc.integer({ min: 0, max: 3 }),
  queuedAt: fc.integer({ min: T0 - 30 * 60_000, max: T0 }),
  skill: fc.option(fc.constantFrom(...SKILLS), { nil: null }),
  language: fc.option(fc.constantFrom(...LANGS), { nil: null }),
});

const scenarioArb = fc.record({
  agents: fc.array(agentArb, { maxLength: 12 }),
  convs: fc.array(convArb, { maxLength: 40 }),
});

function materialise(s: {
  agents: Array<Omit<AssignableAgent, "id" | "businessHours">>;
  convs: Array<Omit<WaitingConversation, "id">>;
}) {
  const agents = s.agents.map((a, i) => ({
    ...a,
    load: Math.min(a.load, a.capacity),
    id: `a${i}`,
    businessHours: null,
  }));
  const convs = s.convs.map((c, i) => ({ ...c, id: `c${i}` }));
  return { agents, convs };
}

function loadsAfter(agents: AssignableAgent[], assignments: Assignment[]): Map<string, number> {
  const loads = new Map(agents.map((a) => [a.id, a.load]));
  for (const a of assignments) loads.set(a.agentId, (loads.get(a.agentId) ?? 0) + 1);
  return loads;
}

describe("planAssignments", () => {
  it("never exceeds an agent's capacity", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { agents, convs } = materialise(s);
        const { assignments } = planAssignments(agents, convs, T0);
        const loads = loadsAfter(agents, assignments);
        for (const a of agents) expect(loads.get(a.id)).toBeLessThanOrEqual(a.capacity);
      }),
      { numRuns: 300 },
    );
  });

  it("never assigns a conversation twice and only to online agents", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { agents, convs } = materialise(s);
        const { assignments, stillWaiting } = planAssignments(agents, convs, T0);
        const ids = assignments.map((a) => a.conversationId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length + stillWaiting.length).toBe(convs.length);
        const byId = new Map(agents.map((a) => [a.id, a]));
        for (const a of assignments) expect(byId.get(a.agentId)?.presence).toBe("online");
      }),
      { numRuns: 300 },
    );
  });

  it("leaves no conversation waiting while an eligible agent has capacity", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { agents, convs } = materialise(s);
        const { assignments, stillWaiting } = planAssignments(agents, convs, T0);
        const loads = loadsAfter(agents, assignments);
        const after: OracleAgent[] = agents.map((a) => ({ ...a, load: loads.get(a.id) ?? 0, seq: 0 }));
        const byId = new Map(convs.map((c) => [c.id, c]));
        for (const id of stillWaiting) {
          expect(
            oracleBestAgent(after, byId.get(id) as WaitingConversation, T0, DEFAULT_ASSIGNMENT_CONFIG),
          ).toBe(undefined);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("makes exactly the decisions of the naive rule-by-rule oracle (priority, age, tier, load, round-robin)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { agents, convs } = materialise(s);
        const { assignments } = planAssignments(agents, convs, T0);
        expect(assignments.map((a) => [a.conversationId, a.agentId])).toEqual(
          oraclePlan(agents, convs, T0, DEFAULT_ASSIGNMENT_CONFIG),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("drains identically whether it asks the agents or walks the queue", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { agents, convs } = materialise(s);
        const run = (strategy: "by_agent" | "by_conversation") => {
          const index = new AssignmentIndex();
          for (const a of agents) index.upsertAgent(a, T0);
          for (const c of convs) index.enqueue(c);
          return index.drain(T0, strategy).map((a) => [a.conversationId, a.agentId]);
        };
        const expected = oraclePlan(agents, convs, T0, DEFAULT_ASSIGNMENT_CONFIG);
        expect(run("by_agent")).toEqual(expected);
        expect(run("by_conversation")).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("shares work evenly among equal agents, round-robin", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 40 }), (n, m) => {
        const agents = Array.from({ length: n }, (_, i) => agent(`a${i}`, { capacity: 100 }));
        const convs = Array.from({ length: m }, (_, i) => conv(`c${i}`, { queuedAt: T0 - 1000 + i }));
        const { assignments } = planAssignments(agents, convs, T0);
        const counts = [...loadsAfter(agents, assignments).values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // The first n go to n different agents.
        expect(new Set(assignments.slice(0, n).map((a) => a.agentId)).size).toBe(Math.min(n, m));
      }),
    );
  });

  it("gives the next conversation to the agent assigned least recently when loads are equal", () => {
    const agents = [
      agent("recent", { load: 1, lastAssignedAt: T0 - 1_000 }),
      agent("earlier", { load: 1, lastAssignedAt: T0 - 60_000 }),
      agent("busy", { load: 2, lastAssignedAt: null }),
    ];
    const { assignments } = planAssignments(agents, [conv("c1")], T0);
    expect(assignments[0]?.agentId).toBe("earlier");
  });

  it("prefers the least-loaded agent", () => {
    const agents = [
      agent("a", { load: 2 }),
      agent("b", { load: 1 }),
      agent("c", { load: 2, lastAssignedAt: null }),
    ];
    expect(planAssignments(agents, [conv("c1")], T0).assignments[0]?.agentId).toBe("b");
  });

  it("can weigh load against capacity instead of counting conversations", () => {
    const agents = [agent("small", { capacity: 2, load: 1 }), agent("big", { capacity: 10, load: 3 })];
    const ratio = { ...DEFAULT_ASSIGNMENT_CONFIG, loadMeasure: "ratio" as const };
    expect(planAssignments(agents, [conv("c1")], T0).assignments[0]?.agentId).toBe("small");
    expect(planAssignments(agents, [conv("c1")], T0, ratio).assignments[0]?.agentId).toBe("big");
  });

  it("drains by priority, then oldest first", () => {
    const agents = [agent("a", { capacity: 2 })];
    const convs = [
      conv("old-low", { queuedAt: T0 - 50_000, priority: 0 }),
      conv("new-high", { queuedAt: T0 - 1_000, priority: 2 }),
      conv("older-high", { queuedAt: T0 - 9_000, priority: 2 }),
    ];
    const { assignments, stillWaiting } = planAssignments(agents, convs, T0);
    expect(assignments.map((a) => a.conversationId)).toEqual(["older-high", "new-high"]);
    expect(stillWaiting).toEqual(["old-low"]);
  });

  it("respects required skills and languages", () => {
    const agents = [
      agent("en-billing", { skills: ["Billing"], languages: ["en"] }),
      agent("fr-tech", { skills: ["tech"], languages: ["fr-CA"] }),
    ];
    const convs = [
      conv("fr", { language: "fr-FR", skill: "tech" }),
      conv("billing", { skill: "billing", language: "EN" }),
      conv("de", { language: "de" }),
    ];
    const { assignments, stillWaiting } = planAssignments(agents, convs, T0);
    expect(Object.fromEntries(assignments.map((a) => [a.conversationId, a.agentId]))).toEqual({
      fr: "fr-tech",
      billing: "en-billing",
    });
    expect(stillWaiting).toEqual(["de"]);
  });

  it("skips agents outside their business hours", () => {
    // 12:00 UTC on a Wednesday is 21:00 in Tokyo, after a 09:00–18:00 day.
    const tokyo = agent("tokyo", { businessHours: { tz: "Asia/Tokyo", days: { wed: ["09:00", "18:00"] } } });
    const paris = agent("paris", {
      load: 2,
      businessHours: { tz: "Europe/Paris", days: { wed: ["09:00", "18:00"] } },
    });
    expect(planAssignments([tokyo, paris], [conv("c1")], T0).assignments[0]?.agentId).toBe("paris");
  });
});

describe("languagesServing", () => {
  it("counts a language only for the tiers its speakers can serve, ignoring agents who signed off", () => {
    const spoken = languagesServing([
      agent("de-tier1", { tier: 1, languages: ["de-DE", "en"] }),
      agent("fr-tier3-offline", { tier: 3, languages: ["fr"], presence: "offline" }),
      agent("es-tier3-no-capacity", { tier: 3, languages: ["es"], capacity: 0 }),
      agent("it-tier2-away", { tier: 2, languages: ["it"], presence: "away" }),
    ]);
    expect([...(spoken.get(1) ?? [])].sort()).toEqual(["de", "en", "it"]); // tier 2 takes tier 1's overflow
    expect([...(spoken.get(2) ?? [])]).toEqual(["it"]);
    expect([...(spoken.get(3) ?? [])]).toEqual([]); // tier 1 never serves tier 3: German is not worth waiting for there
  });

  it("follows the overflow policy: no overflow, no reach into the next tier", () => {
    const noOverflow: AssignmentConfig = {
      ...DEFAULT_ASSIGNMENT_CONFIG,
      tiers: { ...DEFAULT_ASSIGNMENT_CONFIG.tiers, 1: { waitTargetMs: 60_000, overflow: false } },
    };
    const spoken = languagesServing([agent("pt-tier2", { tier: 2, languages: ["pt"] })], noOverflow);
    expect(spoken.get(1)?.has("pt")).toBe(false);
    expect(spoken.get(2)?.has("pt")).toBe(true);
  });
});

describe("skills", () => {
  const team = [
    agent("billing-tier1", { tier: 1, skills: ["Billing"] }),
    agent("legal-tier3-offline", { tier: 3, skills: ["legal"], presence: "offline" }),
    agent("orders-tier1", { tier: 1, skills: ["orders"] }),
  ];

  it("counts a skill for the tiers its holders can serve, ignoring agents who signed off", () => {
    const served = skillsServing(team);
    expect([...(served.get(1) ?? [])].sort()).toEqual(["billing", "orders"]);
    expect(served.get(3)?.has("legal")).toBe(false);
  });

  it("holds a conversation to its skill until its tier's wait target, then to nobody in particular", () => {
    const served = skillsServing(team);
    const target = DEFAULT_ASSIGNMENT_CONFIG.tiers[1].waitTargetMs;
    const waiting = { skill: "billing", tier: 1 as const, queuedAt: T0 };
    expect(requiredSkill(waiting, served, T0 + target - 1)).toBe("billing");
    expect(requiredSkill(waiting, served, T0 + target)).toBeNull();
  });

  it("asks for no skill that nobody serving the tier has, so nothing waits for an agent who is not there", () => {
    const served = skillsServing(team);
    expect(requiredSkill({ skill: "legal", tier: 3, queuedAt: T0 }, served, T0)).toBeNull();
    expect(requiredSkill({ skill: null, tier: 1, queuedAt: T0 }, served, T0)).toBeNull();
  });

  it("gives a billing question to the billing agent even when the other agent is less loaded", () => {
    const index = new AssignmentIndex();
    index.upsertAgent({ ...agent("billing-tier1", { tier: 1, skills: ["billing"] }), load: 2 }, T0);
    index.upsertAgent({ ...agent("orders-tier1", { tier: 1, skills: ["orders"] }), load: 0 }, T0);
    expect(index.pickAgent({ ...conv("c1"), skill: "billing" }, T0)?.agentId).toBe("billing-tier1");
    expect(index.pickAgent(conv("c2"), T0)?.agentId).toBe("orders-tier1");
  });
});

describe("overflow", () => {
  const target = DEFAULT_ASSIGNMENT_CONFIG.tiers[1].waitTargetMs;

  it("keeps a tier-1 conversation for tier 1 until its wait target passes, then lets tier 2 take it", () => {
    const agents = [agent("t2", { tier: 2 })];
    const c = conv("c1", { queuedAt: T0 });
    expect(planAssignments(agents, [c], T0 + target - 1).assignments).toEqual([]);
    const after = planAssignments(agents, [c], T0 + target).assignments;
    expect(after).toEqual([
      { conversationId: "c1", agentId: "t2", servedByTier: 2, overflow: true, waitedMs: target },
    ]);
  });

  it("prefers an available own-tier agent even after the wait target", () => {
    const agents = [agent("t2", { tier: 2 }), agent("t1", { tier: 1, load: 2 })];
    const c = conv("c1", { queuedAt: T0 - 10 * target });
    expect(planAssignments(agents, [c], T0).assignments[0]?.agentId).toBe("t1");
  });

  it("reaches tier 3 only after both lower tiers' wait targets", () => {
    const t = DEFAULT_ASSIGNMENT_CONFIG.tiers;
    const agents = [agent("t3", { tier: 3 })];
    const c = conv("c1", { queuedAt: T0 });
    expect(planAssignments(agents, [c], T0 + t[1].waitTargetMs + t[2].waitTargetMs - 1).assignments).toEqual(
      [],
    );
    expect(planAssignments(agents, [c], T0 + t[1].waitTargetMs + t[2].waitTargetMs).assignments).toHaveLength(
      1,
    );
  });

  it("never sends work down a tier and never overflows when the tier's policy says so", () => {
    const noOverflow: AssignmentConfig = {
      ...DEFAULT_ASSIGNMENT_CONFIG,
      tiers: { ...DEFAULT_ASSIGNMENT_CONFIG.tiers, 1: { waitTargetMs: 1000, overflow: false } },
    };
    expect(planAssignments([agent("t1")], [conv("c2", { tier: 2, queuedAt: 0 })], T0).assignments).toEqual(
      [],
    );
    expect(
      planAssignments([agent("t2", { tier: 2 })], [conv("c1", { queuedAt: 0 })], T0, noOverflow).assignments,
    ).toEqual([]);
  });

  it("overflows in any generated scenario exactly when the wait target has passed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * target }), (waited) => {
        const { assignments } = planAssignments(
          [agent("t2", { tier: 2 })],
          [conv("c", { queuedAt: T0 - waited })],
          T0,
        );
        expect(assignments.length).toBe(waited >= target ? 1 : 0);
      }),
    );
  });

  it("tells a scheduler when the next overflow will happen", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("t2", { tier: 2 }), T0);
    index.enqueue(conv("c1", { queuedAt: T0 }));
    expect(index.drain(T0)).toEqual([]);
    expect(index.nextWakeAt(T0)).toBe(T0 + target);
    expect(index.pickAgent(conv("c1", { queuedAt: T0 }), T0 + target - 1)).toBe(null);
    expect(index.pickAgent(conv("c1", { queuedAt: T0 }), T0 + target)?.agentId).toBe("t2");
    expect(index.drain(T0 + target).map((a) => a.agentId)).toEqual(["t2"]);
  });
});

describe("AssignmentIndex as a live queue", () => {
  it("assigns a waiting conversation as soon as an agent frees capacity", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a", { capacity: 1, load: 1 }), T0);
    index.enqueue(conv("c1"));
    expect(index.drain(T0)).toEqual([]);
    index.release("a");
    expect(index.pickConversation("a", T0 + 1)?.id).toBe("c1");
    expect(index.drain(T0 + 1).map((a) => [a.conversationId, a.agentId])).toEqual([["c1", "a"]]);
    expect(index.waitingCount).toBe(0);
  });

  it("refuses a claim beyond capacity with a coded error", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a", { capacity: 1 }), T0);
    index.enqueue(conv("c1"));
    index.enqueue(conv("c2"));
    index.assign("c1", "a", T0);
    expect(() => index.assign("c2", "a", T0)).toThrow(AssignmentError);
    try {
      index.assign("c2", "a", T0);
    } catch (e) {
      expect((e as AssignmentError).code).toBe("AGENT_AT_CAPACITY");
    }
    expect(index.isWaiting("c2")).toBe(true);
  });

  it("lets only one of two racing claims for the last slot through", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a", { capacity: 2, load: 1 }), T0);
    index.enqueue(conv("c1"));
    index.enqueue(conv("c2"));
    const results = ["c1", "c2"].map((id) => {
      try {
        return index.assign(id, "a", T0).conversationId;
      } catch {
        return null;
      }
    });
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(index.agentLoad("a")).toEqual({ load: 2, capacity: 2, available: false });
  });

  it("brings an agent into rotation when their shift starts", () => {
    // Paris opens 09:00 local = 08:00 UTC in March (CET).
    const morning = Date.UTC(2026, 2, 4, 7, 30);
    const index = new AssignmentIndex();
    // Tier 3 does not overflow, so the only wake-up is the shift start.
    index.upsertAgent(
      agent("p", { tier: 3, businessHours: { tz: "Europe/Paris", days: { wed: ["09:00", "17:00"] } } }),
      morning,
    );
    index.enqueue(conv("c1", { tier: 3, queuedAt: morning }));
    expect(index.drain(morning)).toEqual([]);
    expect(index.nextWakeAt(morning)).toBe(Date.UTC(2026, 2, 4, 8, 0));
    expect(index.drain(Date.UTC(2026, 2, 4, 8, 0))).toHaveLength(1);
  });

  it("keeps every invariant across random interleavings of arrivals, releases, presence changes and time", () => {
    type Op =
      | { k: "enqueue"; c: Omit<WaitingConversation, "id" | "queuedAt"> }
      | { k: "release"; agent: number }
      | { k: "presence"; agent: number; presence: AssignableAgent["presence"] }
      | { k: "dequeue"; nth: number }
      | { k: "tick"; ms: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ k: fc.constant("enqueue" as const), c: convArb.map(({ queuedAt: _q, ...c }) => c) }),
      fc.record({ k: fc.constant("release" as const), agent: fc.nat(7) }),
      fc.record({
        k: fc.constant("presence" as const),
        agent: fc.nat(7),
        presence: fc.constantFrom("online", "away", "offline") as fc.Arbitrary<AssignableAgent["presence"]>,
      }),
      fc.record({ k: fc.constant("dequeue" as const), nth: fc.nat(30) }),
      fc.record({ k: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 200_000 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(agentArb, { minLength: 1, maxLength: 8 }),
        fc.array(opArb, { maxLength: 60 }),
        (as, ops) => {
          let now = T0;
          const index = new AssignmentIndex();
          const agents = as.map((a, i) => ({
            ...a,
            load: Math.min(a.load, a.capacity),
            id: `a${i}`,
            businessHours: null,
          }));
          for (const a of agents) index.upsertAgent(a, now);
          const waiting = new Map<string, WaitingConversation>();
          const assigned = new Set<string>();
          let n = 0;
          const apply = (list: Assignment[]) => {
            for (const x of list) {
              expect(assigned.has(x.conversationId)).toBe(false);
              expect(waiting.delete(x.conversationId)).toBe(true);
              assigned.add(x.conversationId);
              const a = agents.find((y) => y.id === x.agentId) as AssignableAgent;
              a.load++;
              a.lastAssignedAt = now;
            }
          };
          for (const op of ops) {
            if (op.k === "enqueue") {
              const c = { ...op.c, id: `c${n++}`, queuedAt: now };
              waiting.set(c.id, c);
              index.enqueue(c);
            } else if (op.k === "release") {
              const a = agents[op.agent % agents.length] as AssignableAgent;
              if (a.load > 0) {
                a.load--;
                index.release(a.id);
              }
            } else if (op.k === "presence") {
              const a = agents[op.agent % agents.length] as AssignableAgent;
              a.presence = op.presence;
              index.upsertAgent(a, now);
            } else if (op.k === "dequeue") {
              const id = [...waiting.keys()][op.nth % Math.max(1, waiting.size)];
              if (id) {
                waiting.delete(id);
                expect(index.dequeue(id)).toBe(true);
              }
            } else {
              now += op.ms;
            }
            apply(index.drain(now));
            // Invariants after every step.
            for (const a of agents) {
              expect(a.load).toBeLessThanOrEqual(a.capacity);
              expect(index.agentLoad(a.id)?.load).toBe(a.load);
            }
            const oracleAgents = agents.map((a) => ({ ...a, seq: 0 }));
            for (const c of waiting.values()) {
              expect(oracleBestAgent(oracleAgents, c, now, DEFAULT_ASSIGNMENT_CONFIG)).toBe(undefined);
            }
            expect(index.waitingCount).toBe(waiting.size);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("replyExpectation", () => {
  it("says a person is available when an eligible agent has room", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a"), T0);
    expect(index.replyExpectation(conv("c1"), T0)).toEqual({ kind: "agent_available" });
  });

  it("estimates the wait from the queue ahead and the working capacity", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a", { capacity: 2, load: 2 }), T0);
    index.enqueue(conv("ahead", { queuedAt: T0 - 5_000 }));
    const c = conv("me", { queuedAt: T0 });
    index.enqueue(c);
    expect(index.replyExpectation(c, T0)).toEqual({
      kind: "queued",
      position: 1,
      estimatedWaitMs: DEFAULT_ASSIGNMENT_CONFIG.averageHandleMs,
    });
  });

  it("gives the next opening among eligible agents after hours", () => {
    // Friday 20:00 UTC; the Paris agent works Mon–Fri 09:00–17:00, the Berlin-based one only Saturday morning.
    const friday = Date.UTC(2026, 2, 6, 20, 0);
    const index = new AssignmentIndex();
    const weekdays = {
      mon: ["09:00", "17:00"],
      tue: ["09:00", "17:00"],
      wed: ["09:00", "17:00"],
      thu: ["09:00", "17:00"],
      fri: ["09:00", "17:00"],
    } as const;
    index.upsertAgent(
      agent("paris", { businessHours: { tz: "Europe/Paris", days: { ...weekdays } as never } }),
      friday,
    );
    index.upsertAgent(
      agent("berlin", { businessHours: { tz: "Europe/Berlin", days: { sat: ["10:00", "12:00"] } } }),
      friday,
    );
    index.upsertAgent(agent("french-only", { languages: ["fr"], businessHours: null }), friday);
    expect(index.replyExpectation(conv("c", { language: "en" }), friday)).toEqual({
      kind: "after_hours",
      nextOpeningAt: Date.UTC(2026, 2, 7, 9, 0), // Saturday 10:00 in Berlin (CET)
    });
  });

  it("admits when no agent could ever take the conversation", () => {
    const index = new AssignmentIndex();
    index.upsertAgent(agent("a", { languages: ["en"] }), T0);
    expect(index.replyExpectation(conv("c", { language: "ja" }), T0)).toEqual({ kind: "no_agent" });
  });
});
