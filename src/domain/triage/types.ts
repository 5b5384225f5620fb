// The triage contract: what every customer message is judged on, shared by the server, the CLI and the console.

export const REASON_CODES = [
  "negative_sentiment",
  "frustration",
  "human_requested",
  "complaint",
  "legal_compliance",
  "judgment_call",
  "out_of_scope",
  "low_confidence",
  "unresolved_after_turns",
  "vip_customer",
  "predicted_frustration",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type Tier = 1 | 2 | 3;
export type Route = "ai" | "human";

/** A cue is one observable signal that fired, shown to agents so a flag explains itself. */
export interface Cue {
  kind: string; // e.g. "phrase", "caps", "punctuation", "profanity", "repetition", "human_request", "trend", "negation"
  text: string; // the matched evidence, e.g. "still not working" or "!!!"
  weight: number;
}

export interface HistoryTurn {
  role: "customer" | "ai" | "agent";
  text: string;
  /** Frustration already triaged for this turn (stored with the message); saves analysing the turn again. */
  frustration?: number;
}

export interface TriageInput {
  text: string;
  history?: HistoryTurn[];
  /** Language already known for the conversation or customer (BCP-47 primary tag, e.g. "en"). */
  fallbackLanguage?: string;
  customer?: { attributes?: Record<string, unknown> };
  /**
   * The AI asked the customer something last turn ("did that solve it?", an order number, a yes/no confirmation):
   * short replies are expected then, so the model's uncertainty about them is not a reason to escalate.
   * Unset: true when the history's last turn is an AI turn ending in a question mark.
   */
  expectingReply?: boolean;
  /**
   * A knowledge-base answerer will see the message if it stays with the AI, and escalates itself when the knowledge
   * base does not support an answer: out_of_scope and low_confidence are then reported, not escalated.
   */
  answererAvailable?: boolean;
  /** AI turns so far without the customer confirming resolution. */
  aiTurnsUnresolved?: number;
}

export interface TriageResult {
  language: string;
  languageConfidence: number;
  sentiment: number; // [-1, 1]
  sentimentCues: Cue[];
  frustration: number; // [0, 1]
  frustrationCues: Cue[];
  frustrationTrend: number; // slope across customer turns, positive = rising
  intent: string;
  confidence: number; // calibrated [0, 1]
  outOfScope: boolean;
  route: Route;
  reasons: ReasonCode[];
  tier: Tier;
}
