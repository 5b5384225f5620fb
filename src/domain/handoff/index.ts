// Public API of the handoff: the packet shown at claim, the AI message meta it reads, customer context,
// and the customer-facing handoff messages.

export {
  AI_ACTION_STATUSES,
  AI_MESSAGE_KINDS,
  type ActionTurnStatus,
  type AiAction,
  type AiActionStatus,
  type AiCitation,
  type AiMessageKind,
  type AiMessageMeta,
  actionHandoverEntry,
  actionTurnEntry,
  boundaryMeta,
  describeAction,
  readAiMeta,
} from "./ai-meta.ts";
export {
  type ActionErrorCode,
  type AuditedAction,
  auditedActionEntry,
  auditErrorCode,
  redactActionInput,
} from "./audited-actions.ts";
export {
  type CustomerContext,
  type OpenOrder,
  type PreviousConversation,
  readCustomerContext,
} from "./customer-context.ts";
export { agentJoinedMessage, customerNotice, customerWaitMessage } from "./customer-messages.ts";
export {
  type AiAttempts,
  buildHandoffPacket,
  type EscalationInfo,
  type HandoffInput,
  type HandoffPacket,
  type HistoryEntry,
  PACKET_HISTORY_LIMIT,
  type PriorityInfo,
  type SentimentFlag,
  type SentimentInfo,
  type SentimentTrend,
} from "./packet.ts";
