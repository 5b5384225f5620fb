// Public API of agent assist: the per-message refresh, its parts, the LLM co-pilot, the similar-case index and ratings.

export {
  type AssistDeps,
  type AssistInput,
  type AssistOptions,
  type AssistPanel,
  DEFAULT_ASSIST_OPTIONS,
  findOrderId,
  issueQuery,
  type KnowledgeHit,
  type KnowledgeSearch,
  refreshAssist,
  suggestionId,
} from "./assist.ts";
export {
  type CannedInput,
  cannedInputSchema,
  type CannedLibraryError,
  type CannedResponse,
  findByShortcut,
  parseCannedLibrary,
  type RankedResponse,
  rankCannedResponses,
  renderTemplate,
  type ReplyContext,
  SAMPLE_TEMPLATE_VARS,
  TEMPLATE_VARIABLES,
  type TemplateVars,
  templateProblems,
  templateVars,
} from "./canned-responses.ts";
export {
  type CopilotDraft,
  type CopilotInput,
  type CopilotIssue,
  type CopilotLimits,
  type CopilotMessage,
  type CopilotParse,
  type CopilotSummary,
  copilotPrompt,
  copilotTranscript,
  DEFAULT_COPILOT_LIMITS,
  type DraftCitation,
  NO_DRAFT_MARKER,
  parseCopilotOutput,
  stripHtml,
} from "./copilot.ts";
export {
  type CriticalFlag,
  criticalFlags,
  DEFAULT_FLAG_THRESHOLDS,
  type FlagKind,
  type FlagThresholds,
} from "./flags.ts";
export {
  aggregateRatings,
  type Rating,
  type RatingAggregate,
  RATINGS,
  SUGGESTION_TYPES,
  type SuggestionRating,
  suggestionRatingInputSchema,
  type SuggestionType,
} from "./ratings.ts";
export { redactPersonalData, resolvedCaseFrom } from "./resolved-case.ts";
export {
  type NextStep,
  type ResolvedCase,
  type SimilarCase,
  SimilarCaseIndex,
  type SimilarCaseOptions,
} from "./similar-cases.ts";
export {
  type ConversationSummary,
  type ScoredSentence,
  type SummaryMessage,
  summarizeConversation,
} from "./summary.ts";
export { tokenize } from "./text.ts";
