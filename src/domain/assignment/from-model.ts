// Adapters from the stored nouns (ISO timestamps, full rows) to routing's numeric snapshots, so the server
// builds the index in one line per row and the mapping rules live next to the rules that use them.

import type { Conversation, User } from "../model.ts";
import type { AssignableAgent, WaitingConversation } from "./types.ts";

/** An agent's routing snapshot; `load` is the number of `human` conversations they hold now. */
export function assignableAgentFrom(user: User, load: number): AssignableAgent {
  return {
    id: user.id,
    displayName: user.displayName,
    tier: user.tier,
    skills: user.skills,
    languages: user.languages,
    capacity: user.capacity,
    presence: user.presence,
    businessHours: user.businessHours,
    load,
    lastAssignedAt: user.lastAssignedAt === null ? null : Date.parse(user.lastAssignedAt),
  };
}

/**
 * A waiting conversation's routing entry. The language requirement is the conversation's language; a required
 * skill is whatever the caller derives (e.g. from the triage intent), none by default.
 */
export function waitingConversationFrom(
  conversation: Conversation,
  options: { skill?: string | null; requireLanguage?: boolean } = {},
): WaitingConversation {
  return {
    id: conversation.id,
    tier: conversation.tier ?? 1,
    priority: conversation.priority,
    queuedAt: Date.parse(conversation.queuedAt ?? conversation.updatedAt),
    skill: options.skill ?? null,
    language: options.requireLanguage === false ? null : conversation.language,
  };
}
