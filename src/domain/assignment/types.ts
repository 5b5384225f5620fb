// The routing vocabulary: who can take work, what is waiting, and the per-tier policy that decides overflow.

import { z } from "zod";
import type { BusinessHours, Presence, Tier } from "../model.ts";

/** An agent as routing sees it: the User's routing fields plus live counters the server keeps. */
export interface AssignableAgent {
  id: string;
  displayName?: string;
  tier: Tier;
  skills: readonly string[];
  languages: readonly string[];
  /** Maximum concurrent `human` conversations. */
  capacity: number;
  presence: Presence;
  businessHours: BusinessHours | null;
  /** Open `human` conversations the agent holds now. */
  load: number;
  /** Epoch ms of the agent's last assignment; null when never assigned (goes first among equals). */
  lastAssignedAt: number | null;
}

/** A conversation in `waiting_human`, as routing sees it. */
export interface WaitingConversation {
  id: string;
  tier: Tier;
  /** Higher is more urgent. */
  priority: number;
  /** Epoch ms when it entered the queue. */
  queuedAt: number;
  /** Required skill, e.g. "billing"; null/absent when any agent of the tier will do. */
  skill?: string | null;
  /** Required language (BCP-47 primary tag); null/absent when any agent will do. */
  language?: string | null;
}

export interface TierPolicy {
  /** How long a conversation of this tier may wait before the next tier up may also take it. */
  waitTargetMs: number;
  /** Whether conversations of this tier overflow to the next tier up after waitTargetMs (ignored for tier 3). */
  overflow: boolean;
}

export interface AssignmentConfig {
  tiers: Record<Tier, TierPolicy>;
  /**
   * "count": fewest open conversations wins (the default, what agents perceive as fair);
   * "ratio": lowest load/capacity wins (spreads work proportionally when capacities differ).
   */
  loadMeasure: "count" | "ratio";
  /** Typical time an agent needs per conversation, used only to estimate the wait told to customers. */
  averageHandleMs: number;
}

export const assignmentConfigSchema = z.object({
  tiers: z.object({
    1: z.object({ waitTargetMs: z.number().int().nonnegative(), overflow: z.boolean() }),
    2: z.object({ waitTargetMs: z.number().int().nonnegative(), overflow: z.boolean() }),
    3: z.object({ waitTargetMs: z.number().int().nonnegative(), overflow: z.boolean() }),
  }),
  loadMeasure: z.enum(["count", "ratio"]),
  averageHandleMs: z.number().int().positive(),
});

export const DEFAULT_ASSIGNMENT_CONFIG: AssignmentConfig = {
  tiers: {
    1: { waitTargetMs: 2 * 60_000, overflow: true },
    2: { waitTargetMs: 5 * 60_000, overflow: true },
    3: { waitTargetMs: 10 * 60_000, overflow: false },
  },
  loadMeasure: "count",
  averageHandleMs: 6 * 60_000,
};

export interface Assignment {
  conversationId: string;
  agentId: string;
  /** The agent's tier; above the conversation's tier when it overflowed. */
  servedByTier: Tier;
  overflow: boolean;
  waitedMs: number;
}

/** What the customer can be told after escalation. */
export type ReplyExpectation =
  | { kind: "agent_available" }
  | { kind: "queued"; estimatedWaitMs: number; position: number }
  | { kind: "after_hours"; nextOpeningAt: number }
  | { kind: "no_agent" };

export type AssignmentErrorCode =
  | "UNKNOWN_AGENT"
  | "UNKNOWN_CONVERSATION"
  | "AGENT_AT_CAPACITY"
  | "INVALID_AGENT";

export class AssignmentError extends Error {
  readonly code: AssignmentErrorCode;
  constructor(code: AssignmentErrorCode, message: string) {
    super(message);
    this.name = "AssignmentError";
    this.code = code;
  }
}
