// Public API of SLA timers: evaluation, the next deadline for a scheduler, and exactly-once events.

export {
  DEFAULT_SLA_POLICY,
  evaluateSla,
  nextSlaDeadline,
  type SlaEvaluation,
  type SlaEvent,
  type SlaMetric,
  type SlaPolicy,
  slaDueWindows,
  slaEventsBetween,
  slaInputFor,
  slaPolicySchema,
  type SlaStatus,
  type SlaTargets,
  type SlaTimer,
  type SlaTimestamps,
} from "./sla.ts";
