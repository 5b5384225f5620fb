// Automatic assignment: an in-memory index of available agents and waiting conversations that answers
// "who takes this conversation" and "what does this freed agent take next" in microseconds, and drains the
// queue the moment capacity frees up. Pure: time is always passed in, nothing is read from a clock or a store.
//
// Rules (one place, so the tests, the batch planner and the server agree):
// - Eligible agent: presence "online", inside business hours, load < capacity, has the conversation's skill and
//   language when it requires them, and sits in the conversation's tier — or in the next tier up once the
//   conversation has waited its tier's wait target (cumulatively for two tiers up).
// - Own tier first; an upper tier only when nobody in the lower one is available.
// - Within a tier: least loaded, then least recently assigned (round-robin among equals), then id.
// - The queue drains by priority (higher first), then oldest first, then id.

import { hoursState } from "./business-hours.ts";
import { IndexedHeap } from "./indexed-heap.ts";
import {
  type AssignableAgent,
  type Assignment,
  type AssignmentConfig,
  AssignmentError,
  DEFAULT_ASSIGNMENT_CONFIG,
  type ReplyExpectation,
  type WaitingConversation,
} from "./types.ts";
import type { Tier } from "../model.ts";

const ANY = "*";
const SEP = "\u0001";
const TIERS: readonly Tier[] = [1, 2, 3];
/** Up to this many free agents, draining asks agents; beyond it, it walks the queue (see drain). */
const BY_AGENT_MAX_FREE = 16;

export function normalizeSkill(skill: string | null | undefined): string | null {
  const s = skill?.trim().toLowerCase();
  return s ? s : null;
}

export function normalizeLanguage(language: string | null | undefined): string | null {
  const l = language?.trim().toLowerCase().split(/[-_]/)[0];
  return l ? l : null;
}

const key = (tier: Tier, skill: string, language: string) => `${tier}${SEP}${skill}${SEP}${language}`;

interface AgentRec {
  agent: AssignableAgent;
  skills: string[];
  languages: string[];
  load: number;
  lastAt: number;
  /** Assignment order inside this index: breaks ties between assignments made at the same instant. */
  seq: number;
  inHours: boolean;
  hoursChangeAt: number | null;
  available: boolean;
  heapKeys: string[];
  /** Conversation bucket keys this agent may serve, per conversation tier. */
  servesKeys: Map<Tier, string[]>;
}

interface ConvRec {
  conv: WaitingConversation;
  bucketKey: string;
  skill: string | null;
  language: string | null;
}

interface Bucket {
  levels: Map<number, IndexedHeap<ConvRec>>;
  /** Priorities present, highest first. */
  priorities: number[];
}

interface Reach {
  tier: Tier;
  minWaitMs: number;
}

const convBefore = (a: WaitingConversation, b: WaitingConversation): boolean =>
  a.priority !== b.priority
    ? a.priority > b.priority
    : a.queuedAt !== b.queuedAt
      ? a.queuedAt < b.queuedAt
      : a.id < b.id;

/**
 * The agent tiers that may serve a conversation of `tier`, with how long it must have waited first: its own tier
 * at once, then each next tier up after the cumulative wait targets, while the policy lets it overflow.
 */
export function servingTiers(config: AssignmentConfig, tier: Tier): { tier: Tier; minWaitMs: number }[] {
  const reach = [{ tier, minWaitMs: 0 }];
  let wait = 0;
  for (let up = tier; up < 3; up++) {
    const policy = config.tiers[up as Tier];
    if (!policy.overflow) break;
    wait += policy.waitTargetMs;
    reach.push({ tier: (up + 1) as Tier, minWaitMs: wait });
  }
  return reach;
}

/**
 * Languages worth waiting for, per conversation tier: those spoken by an agent who could ever serve that tier and
 * has not signed off (presence other than "offline", capacity above zero). A conversation in any other language
 * must not require it: the speaker elsewhere (a lower tier, an admin, someone away for the day) would never be
 * offered it, and it would wait forever while agents who can serve it sit idle.
 */
export function languagesServing(
  agents: readonly Pick<AssignableAgent, "tier" | "languages" | "capacity" | "presence">[],
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): Map<Tier, Set<string>> {
  return servingPerTier(agents, config, (a) => a.languages, normalizeLanguage);
}

/** Skills worth waiting for, per conversation tier, on the same terms as languagesServing. */
export function skillsServing(
  agents: readonly Pick<AssignableAgent, "tier" | "skills" | "capacity" | "presence">[],
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): Map<Tier, Set<string>> {
  return servingPerTier(agents, config, (a) => a.skills, normalizeSkill);
}

/** Per conversation tier, the normalised values of agents who could ever serve it and have not signed off. */
function servingPerTier<A extends Pick<AssignableAgent, "tier" | "capacity" | "presence">>(
  agents: readonly A[],
  config: AssignmentConfig,
  values: (agent: A) => readonly string[],
  normalize: (value: string) => string | null,
): Map<Tier, Set<string>> {
  const out = new Map<Tier, Set<string>>(TIERS.map((t) => [t, new Set<string>()]));
  for (const t of TIERS) {
    const tiers = new Set(servingTiers(config, t).map((r) => r.tier));
    const set = out.get(t) as Set<string>;
    for (const a of agents) {
      if (!tiers.has(a.tier) || a.capacity <= 0 || a.presence === "offline") continue;
      for (const v of values(a)) {
        const n = normalize(v);
        if (n) set.add(n);
      }
    }
  }
  return out;
}

/**
 * The skill a waiting conversation is held to now, or null for anyone: its skill while somebody serving its tier has
 * it and it has waited less than its tier's wait target; after that the first free agent beats the right specialist
 * later (the same target after which it may overflow to the next tier).
 */
export function requiredSkill(
  conversation: { skill: string | null; tier: Tier; queuedAt: number },
  served: ReadonlyMap<Tier, ReadonlySet<string>>,
  now: number,
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): string | null {
  const skill = normalizeSkill(conversation.skill);
  if (skill === null || !(served.get(conversation.tier)?.has(skill) ?? false)) return null;
  return now - conversation.queuedAt < config.tiers[conversation.tier].waitTargetMs ? skill : null;
}

const convOrder = (a: WaitingConversation, b: WaitingConversation): number =>
  b.priority - a.priority || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class AssignmentIndex {
  readonly #config: AssignmentConfig;
  readonly #agents = new Map<string, AgentRec>();
  readonly #agentHeaps = new Map<string, IndexedHeap<AgentRec>>();
  readonly #available = new Set<AgentRec>();
  readonly #convs = new Map<string, ConvRec>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #waitingPerTier = new Map<Tier, number>([
    [1, 0],
    [2, 0],
    [3, 0],
  ]);
  /** For a conversation tier: which agent tiers may serve it, after how long. */
  readonly #reach = new Map<Tier, Reach[]>();
  /** For an agent tier: which conversation tiers it may serve, after how long. */
  readonly #servedBy = new Map<Tier, Reach[]>();
  readonly #agentLess: (a: AgentRec, b: AgentRec) => boolean;
  #seq = 0;
  #hoursCheckAt = Number.NEGATIVE_INFINITY;
  #hoursComputedAt = Number.NEGATIVE_INFINITY;

  constructor(config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG) {
    this.#config = config;
    for (const t of TIERS) this.#servedBy.set(t, []);
    for (const t of TIERS) {
      const reach: Reach[] = servingTiers(config, t);
      this.#reach.set(t, reach);
      for (const r of reach) this.#servedBy.get(r.tier)?.push({ tier: t, minWaitMs: r.minWaitMs });
    }
    const loadKey =
      config.loadMeasure === "ratio" ? (r: AgentRec) => r.load / r.agent.capacity : (r: AgentRec) => r.load;
    this.#agentLess = (a, b) => {
      const la = loadKey(a);
      const lb = loadKey(b);
      if (la !== lb) return la < lb;
      if (a.lastAt !== b.lastAt) return a.lastAt < b.lastAt;
      if (a.seq !== b.seq) return a.seq < b.seq;
      return a.agent.id < b.agent.id;
    };
  }

  get waitingCount(): number {
    return this.#convs.size;
  }

  get availableAgentCount(): number {
    return this.#available.size;
  }

  /** Adds or replaces an agent (presence, capacity, load, hours changed). */
  upsertAgent(agent: AssignableAgent, now: number): void {
    if (
      !Number.isInteger(agent.capacity) ||
      agent.capacity < 0 ||
      !Number.isInteger(agent.load) ||
      agent.load < 0
    ) {
      throw new AssignmentError(
        "INVALID_AGENT",
        `agent ${agent.id}: capacity and load must be non-negative integers`,
      );
    }
    this.removeAgent(agent.id);
    const skills = [...new Set(agent.skills.map(normalizeSkill).filter((s): s is string => s !== null))];
    const languages = [
      ...new Set(agent.languages.map(normalizeLanguage).filter((l): l is string => l !== null)),
    ];
    const heapKeys: string[] = [];
    for (const s of [ANY, ...skills])
      for (const l of [ANY, ...languages]) heapKeys.push(key(agent.tier, s, l));
    const servesKeys = new Map<Tier, string[]>();
    for (const r of this.#servedBy.get(agent.tier) ?? []) {
      const keys: string[] = [];
      for (const s of [ANY, ...skills]) for (const l of [ANY, ...languages]) keys.push(key(r.tier, s, l));
      servesKeys.set(r.tier, keys);
    }
    const hours = hoursState(agent.businessHours, now);
    const rec: AgentRec = {
      agent: { ...agent },
      skills,
      languages,
      load: agent.load,
      lastAt: agent.lastAssignedAt ?? Number.NEGATIVE_INFINITY,
      seq: 0,
      inHours: hours.open,
      hoursChangeAt: hours.changesAt,
      available: false,
      heapKeys,
      servesKeys,
    };
    this.#agents.set(agent.id, rec);
    if (hours.changesAt !== null && hours.changesAt < this.#hoursCheckAt)
      this.#hoursCheckAt = hours.changesAt;
    this.#syncAvailability(rec);
  }

  removeAgent(agentId: string): boolean {
    const rec = this.#agents.get(agentId);
    if (!rec) return false;
    this.#setAvailable(rec, false);
    this.#agents.delete(agentId);
    return true;
  }

  /** Puts a conversation in the queue (replacing an earlier entry with the same id). */
  enqueue(conv: WaitingConversation): void {
    this.dequeue(conv.id);
    const skill = normalizeSkill(conv.skill);
    const language = normalizeLanguage(conv.language);
    const bucketKey = key(conv.tier, skill ?? ANY, language ?? ANY);
    const rec: ConvRec = { conv: { ...conv }, bucketKey, skill, language };
    let bucket = this.#buckets.get(bucketKey);
    if (!bucket) {
      bucket = { levels: new Map(), priorities: [] };
      this.#buckets.set(bucketKey, bucket);
    }
    let level = bucket.levels.get(conv.priority);
    if (!level) {
      level = new IndexedHeap<ConvRec>((a, b) => convBefore(a.conv, b.conv));
      bucket.levels.set(conv.priority, level);
      bucket.priorities.push(conv.priority);
      bucket.priorities.sort((a, b) => b - a);
    }
    level.push(rec);
    this.#convs.set(conv.id, rec);
    this.#waitingPerTier.set(conv.tier, (this.#waitingPerTier.get(conv.tier) ?? 0) + 1);
  }

  /** Takes a conversation out of the queue (claimed by hand, handed back, resolved). */
  dequeue(conversationId: string): boolean {
    const rec = this.#convs.get(conversationId);
    if (!rec) return false;
    this.#convs.delete(conversationId);
    this.#waitingPerTier.set(rec.conv.tier, (this.#waitingPerTier.get(rec.conv.tier) ?? 1) - 1);
    const bucket = this.#buckets.get(rec.bucketKey);
    const level = bucket?.levels.get(rec.conv.priority);
    if (bucket && level) {
      level.remove(rec);
      if (level.size === 0) {
        bucket.levels.delete(rec.conv.priority);
        bucket.priorities = bucket.priorities.filter((p) => p !== rec.conv.priority);
        if (bucket.priorities.length === 0) this.#buckets.delete(rec.bucketKey);
      }
    }
    return true;
  }

  isWaiting(conversationId: string): boolean {
    return this.#convs.has(conversationId);
  }

  /** The agent's routing counters as the index sees them now. */
  agentLoad(agentId: string): { load: number; capacity: number; available: boolean } | null {
    const rec = this.#agents.get(agentId);
    return rec ? { load: rec.load, capacity: rec.agent.capacity, available: rec.available } : null;
  }

  /** Single decision: the agent that should take this conversation now, or null. Changes nothing. */
  pickAgent(conv: WaitingConversation, now: number): Assignment | null {
    this.#advance(now);
    const skill = normalizeSkill(conv.skill) ?? ANY;
    const language = normalizeLanguage(conv.language) ?? ANY;
    const rec = this.#pickAgentRec(conv, skill, language, now);
    return rec ? this.#describe(conv, rec, now) : null;
  }

  /** Single decision the other way: what a freed agent should take next, or null. Changes nothing. */
  pickConversation(agentId: string, now: number): WaitingConversation | null {
    this.#advance(now);
    const rec = this.#agents.get(agentId);
    if (!rec || !rec.available) return null;
    return this.#bestFor(rec, now)?.conv ?? null;
  }

  /**
   * Records an assignment (automatic or a manual claim): the conversation leaves the queue, the agent's load
   * grows and it moves to the back of its round-robin. Refuses to go over capacity.
   */
  assign(conversationId: string, agentId: string, now: number): Assignment {
    this.#advance(now);
    const rec = this.#agents.get(agentId);
    if (!rec) throw new AssignmentError("UNKNOWN_AGENT", `no agent ${agentId} in the routing index`);
    if (rec.load >= rec.agent.capacity) {
      throw new AssignmentError(
        "AGENT_AT_CAPACITY",
        `agent ${agentId} holds ${rec.load}/${rec.agent.capacity}`,
      );
    }
    const conv = this.#convs.get(conversationId);
    // A manual claim of a conversation routing never saw (e.g. straight from the AI) still counts as load.
    const description = conv
      ? this.#describe(conv.conv, rec, now)
      : {
          conversationId,
          agentId,
          servedByTier: rec.agent.tier,
          overflow: false,
          waitedMs: 0,
        };
    if (conv) this.dequeue(conversationId);
    rec.load += 1;
    rec.lastAt = now;
    rec.seq = ++this.#seq;
    this.#syncAvailability(rec);
    return description;
  }

  /** A conversation left the agent (resolved, transferred, handed back): capacity frees up. */
  release(agentId: string): void {
    const rec = this.#agents.get(agentId);
    if (!rec) return;
    rec.load = Math.max(0, rec.load - 1);
    this.#syncAvailability(rec);
  }

  /**
   * Assigns every waiting conversation that has an eligible agent, best-ranked conversation first, and returns
   * the assignments made. Afterwards no waiting conversation has an eligible agent with free capacity.
   *
   * Two strategies give the same result (the greedy order above; agents only lose capacity while draining, so a
   * conversation nobody could take stays untakeable): "by_agent" asks each free agent for its best conversation
   * and costs microseconds when few agents are free (the usual event: one agent finished a conversation);
   * "by_conversation" walks the queue in rank order and wins when many agents are free at once, where asking
   * every agent would make them all chase the same top conversation. "auto" picks by the number of free agents.
   */
  drain(now: number, strategy: "auto" | "by_agent" | "by_conversation" = "auto"): Assignment[] {
    this.#advance(now);
    if (this.#convs.size === 0 || this.#available.size === 0) return [];
    const byAgent =
      strategy === "by_agent" || (strategy === "auto" && this.#available.size <= BY_AGENT_MAX_FREE);
    return byAgent ? this.#drainByAgent(now) : this.#drainByConversation(now);
  }

  #drainByConversation(now: number): Assignment[] {
    const out: Assignment[] = [];
    const order = [...this.#convs.values()].sort((a, b) => convOrder(a.conv, b.conv));
    for (const c of order) {
      if (this.#available.size === 0) break;
      const agent = this.#pickAgentRec(c.conv, c.skill ?? ANY, c.language ?? ANY, now);
      if (agent) out.push(this.assign(c.conv.id, agent.agent.id, now));
    }
    return out;
  }

  #drainByAgent(now: number): Assignment[] {
    const out: Assignment[] = [];
    // Each available agent proposes the best conversation it could serve; the best proposal overall is the
    // best-ranked conversation that anyone can serve. It goes to its own best agent (maybe not the proposer).
    interface Proposal {
      agent: AgentRec;
      conv: ConvRec;
    }
    const proposals = new IndexedHeap<Proposal>((a, b) => convBefore(a.conv.conv, b.conv.conv));
    const propose = (agent: AgentRec) => {
      if (!agent.available) return;
      const conv = this.#bestFor(agent, now);
      if (conv) proposals.push({ agent, conv });
    };
    for (const agent of this.#available) propose(agent);
    for (let p = proposals.pop(); p; p = proposals.pop()) {
      if (this.#convs.get(p.conv.conv.id) !== p.conv) {
        propose(p.agent); // taken meanwhile: the proposer looks again
        continue;
      }
      if (!p.agent.available) continue;
      const best =
        this.#pickAgentRec(p.conv.conv, p.conv.skill ?? ANY, p.conv.language ?? ANY, now) ?? p.agent;
      out.push(this.assign(p.conv.conv.id, best.agent.id, now));
      propose(p.agent);
    }
    return out;
  }

  /** What the customer of a waiting conversation can be told: a person now, an estimated wait, or opening time. */
  replyExpectation(conv: WaitingConversation, now: number): ReplyExpectation {
    this.#advance(now);
    const skill = normalizeSkill(conv.skill);
    const language = normalizeLanguage(conv.language);
    if (this.#pickAgentRec(conv, skill ?? ANY, language ?? ANY, now)) return { kind: "agent_available" };
    const tiers = new Set((this.#reach.get(conv.tier) ?? []).map((r) => r.tier));
    let anyEligible = false;
    let workingCapacity = 0;
    let nextOpeningAt: number | null = null;
    for (const rec of this.#agents.values()) {
      if (!tiers.has(rec.agent.tier)) continue;
      if (skill !== null && !rec.skills.includes(skill)) continue;
      if (language !== null && !rec.languages.includes(language)) continue;
      if (rec.agent.capacity === 0) continue;
      anyEligible = true;
      if (rec.inHours) {
        if (rec.agent.presence === "online") workingCapacity += rec.agent.capacity;
        else if (rec.agent.presence === "away") workingCapacity += rec.agent.capacity / 2;
      } else if (
        rec.hoursChangeAt !== null &&
        (nextOpeningAt === null || rec.hoursChangeAt < nextOpeningAt)
      ) {
        nextOpeningAt = rec.hoursChangeAt;
      }
    }
    if (!anyEligible) return { kind: "no_agent" };
    if (workingCapacity > 0) {
      let position = 0;
      for (const c of this.#convs.values()) {
        if (c.conv.tier === conv.tier && c.conv.id !== conv.id && convBefore(c.conv, conv)) position++;
      }
      const estimatedWaitMs = Math.round(((position + 1) / workingCapacity) * this.#config.averageHandleMs);
      return { kind: "queued", estimatedWaitMs, position };
    }
    if (nextOpeningAt !== null) return { kind: "after_hours", nextOpeningAt };
    // In hours but everyone offline: the next opening is tomorrow's at the earliest; say a person will reply.
    return { kind: "queued", estimatedWaitMs: this.#config.averageHandleMs, position: 0 };
  }

  /**
   * When routing's answer may change without any event: the next overflow moment of a waiting conversation or
   * the next business-hours boundary of an agent. A scheduler sleeps until then and calls drain().
   */
  nextWakeAt(now: number): number | null {
    this.#advance(now);
    let next = this.#hoursCheckAt === Number.POSITIVE_INFINITY ? null : this.#hoursCheckAt;
    for (const [bucketKey, bucket] of this.#buckets) {
      const tier = Number(bucketKey.split(SEP)[0]) as Tier;
      const reach = this.#reach.get(tier) ?? [];
      for (const level of bucket.levels.values()) {
        // Levels are ordered oldest first, and younger ones cross their thresholds later.
        const head = level.peek();
        if (!head) continue;
        for (const r of reach) {
          const at = head.conv.queuedAt + r.minWaitMs;
          if (at > now && (next === null || at < next)) next = at;
        }
      }
    }
    return next;
  }

  #describe(conv: WaitingConversation, rec: AgentRec, now: number): Assignment {
    return {
      conversationId: conv.id,
      agentId: rec.agent.id,
      servedByTier: rec.agent.tier,
      overflow: rec.agent.tier !== conv.tier,
      waitedMs: Math.max(0, now - conv.queuedAt),
    };
  }

  #pickAgentRec(conv: WaitingConversation, skill: string, language: string, now: number): AgentRec | null {
    const waited = now - conv.queuedAt;
    for (const r of this.#reach.get(conv.tier) ?? []) {
      if (waited < r.minWaitMs) break;
      const top = this.#agentHeaps.get(key(r.tier, skill, language))?.peek();
      if (top) return top;
    }
    return null;
  }

  #bestFor(agent: AgentRec, now: number): ConvRec | null {
    let best: ConvRec | null = null;
    for (const r of this.#servedBy.get(agent.agent.tier) ?? []) {
      const cutoff = now - r.minWaitMs;
      for (const k of agent.servesKeys.get(r.tier) ?? []) {
        const bucket = this.#buckets.get(k);
        if (!bucket) continue;
        for (const p of bucket.priorities) {
          if (best && p < best.conv.priority) break;
          const head = bucket.levels.get(p)?.peek();
          if (head && head.conv.queuedAt <= cutoff) {
            if (!best || convBefore(head.conv, best.conv)) best = head;
            break;
          }
          // Within a level the head is the oldest; if it has not waited long enough, nobody there has.
        }
      }
    }
    return best;
  }

  #advance(now: number): void {
    if (now < this.#hoursComputedAt || now >= this.#hoursCheckAt) {
      let next = Number.POSITIVE_INFINITY;
      for (const rec of this.#agents.values()) {
        const s = hoursState(rec.agent.businessHours, now);
        rec.inHours = s.open;
        rec.hoursChangeAt = s.changesAt;
        if (s.changesAt !== null && s.changesAt < next) next = s.changesAt;
        this.#syncAvailability(rec);
      }
      this.#hoursCheckAt = next;
      this.#hoursComputedAt = now;
    }
  }

  #syncAvailability(rec: AgentRec): void {
    const should = rec.agent.presence === "online" && rec.inHours && rec.load < rec.agent.capacity;
    if (should && rec.available) {
      for (const k of rec.heapKeys) this.#agentHeaps.get(k)?.update(rec);
    } else {
      this.#setAvailable(rec, should);
    }
  }

  #setAvailable(rec: AgentRec, available: boolean): void {
    if (rec.available === available) return;
    rec.available = available;
    if (available) {
      this.#available.add(rec);
      for (const k of rec.heapKeys) {
        let heap = this.#agentHeaps.get(k);
        if (!heap) {
          heap = new IndexedHeap<AgentRec>(this.#agentLess);
          this.#agentHeaps.set(k, heap);
        }
        heap.push(rec);
      }
    } else {
      this.#available.delete(rec);
      for (const k of rec.heapKeys) {
        const heap = this.#agentHeaps.get(k);
        if (!heap) continue;
        heap.remove(rec);
        if (heap.size === 0) this.#agentHeaps.delete(k);
      }
    }
  }
}

/**
 * Batch planning for draining: builds an index from snapshots and assigns everything that can be assigned now.
 * Returns the assignments and the ids still waiting.
 */
export function planAssignments(
  agents: readonly AssignableAgent[],
  waiting: readonly WaitingConversation[],
  now: number,
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): { assignments: Assignment[]; stillWaiting: string[] } {
  const index = new AssignmentIndex(config);
  for (const a of agents) index.upsertAgent(a, now);
  for (const c of waiting) index.enqueue(c);
  const assignments = index.drain(now);
  const assigned = new Set(assignments.map((a) => a.conversationId));
  return { assignments, stillWaiting: waiting.filter((c) => !assigned.has(c.id)).map((c) => c.id) };
}
