// Public API of routing: the assignment index, the batch planner, business hours and the policy types.

export {
  AssignmentIndex,
  languagesServing,
  requiredSkill,
  skillsServing,
  normalizeLanguage,
  normalizeSkill,
  planAssignments,
  servingTiers,
} from "./assignment-index.ts";
export { assignableAgentFrom, waitingConversationFrom } from "./from-model.ts";
export { businessHoursSchema, hoursState, nextOpening, type HoursState } from "./business-hours.ts";
export {
  type AssignableAgent,
  type Assignment,
  type AssignmentConfig,
  AssignmentError,
  type AssignmentErrorCode,
  assignmentConfigSchema,
  DEFAULT_ASSIGNMENT_CONFIG,
  type ReplyExpectation,
  type TierPolicy,
  type WaitingConversation,
} from "./types.ts";
