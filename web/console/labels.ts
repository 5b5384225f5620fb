// Human-readable labels for codes the server sends (escalation reasons, statuses).

const REASONS: Record<string, string> = {
  negative_sentiment: "Negative sentiment",
  frustration: "Frustration",
  human_requested: "Asked for a person",
  complaint: "Complaint",
  legal_compliance: "Legal / compliance",
  judgment_call: "Judgment call",
  out_of_scope: "Out of scope",
  low_confidence: "Low AI confidence",
  unresolved_after_turns: "Unresolved after several AI turns",
  vip_customer: "VIP customer",
  predicted_frustration: "Predicted frustration",
  ai_off: "AI off",
  ai_error: "AI error",
  cannot_answer: "AI could not answer",
  action_failed: "Action failed",
  agent_released: "Agent went away",
  transferred: "Transferred",
};

export function reasonLabel(code: string): string {
  return REASONS[code] ?? code.replace(/_/g, " ");
}

export { STATUS_LABEL } from "../shared/labels.ts";
