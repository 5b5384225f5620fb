// Triage of one customer message: language, sentiment, frustration, intent and the routing decision, in one
// pass over the text and well under a millisecond, with the cues that explain the result.
import {
  continuedQuestion,
  FOLLOW_UP_MAX_WORDS,
  FOLLOW_UP_OPENERS,
  followUpSubject,
} from "../conversation/follow-up.ts";
import { ACKNOWLEDGEMENT_MAX_WORDS, isAcknowledgement } from "./acknowledgement.ts";
import { scoreFrustration } from "./frustration.ts";
import type { IntentModel } from "./intent/index.ts";
import { detectLanguage, FALLBACK_CONFIDENCE, type LanguageResult } from "./language.ts";
import { roundThousandths } from "./round.ts";
import { countUnresolvedAiTurns, decideRoute } from "./routing.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRules } from "./routing-rules.ts";
import { scoreSentiment } from "./sentiment.ts";
import { type AnalysedText, analyseText } from "./text.ts";
import type { HistoryTurn, TriageInput, TriageResult } from "./types.ts";

/** Intent of a bare acknowledgement ("ok", "got it", "yes"): the AI says it is there if needed; nobody is paged. */
export const ACKNOWLEDGEMENT_INTENT = "acknowledgement";
/** Intent of a message about a product that hurt someone or could have (a "safety" cue): product safety is legal. */
const SAFETY_INTENT = "legal_compliance";
/** Intent of a message with no words (empty, emoji-only, punctuation, junk): there is nothing to classify. */
export const NO_INTENT = "none";
/** The intent model sees at most this much text; the request is stated at the start of a message. */
const INTENT_CHARS = 1000;

export interface TriageDeps {
  intentModel: IntentModel;
  rules?: RoutingRules;
}

export type Triage = (input: TriageInput) => TriageResult;

export function createTriage(deps: TriageDeps): Triage {
  const model = deps.intentModel;
  const rules = deps.rules ?? DEFAULT_ROUTING_RULES;
  return function triage(input: TriageInput): TriageResult {
    const raw = typeof input.text === "string" ? input.text : "";
    const analysed = analyseText(raw);
    const history = Array.isArray(input.history) ? input.history : undefined;

    let language = detectLanguage(
      analysed,
      input.fallbackLanguage ?? attributeLanguage(input.customer?.attributes),
    );
    // "ok", "LC-10234": too short to judge, and nothing known yet, so the customer's earlier turns decide.
    if (language.source === "undetermined" && history) language = historyLanguage(history) ?? language;
    // English lexicon words are homographs in other languages ("die", "war", "pain"): sentiment needs the language.
    const sentiment = scoreSentiment(analysed, language);
    const frustration = scoreFrustration(analysed, history, sentiment.score);

    let hasWords = false;
    for (const t of analysed.tokens) {
      if (t.kind === "word") {
        hasWords = true;
        break;
      }
    }
    let intent = NO_INTENT;
    let confidence = 0;
    let outOfScope = false;
    // The word count rules out nearly every message before the acknowledgement's trimming and matching run.
    if (hasWords && analysed.wordCount <= ACKNOWLEDGEMENT_MAX_WORDS && isAcknowledgement(raw)) {
      intent = ACKNOWLEDGEMENT_INTENT;
      confidence = 1;
    } else if (frustration.safety) {
      // "the lamp gave me an electric shock": whatever it is worded as, a person at the legal tier takes it. The
      // starter model has few such examples, and more of them unsettled its other decisions.
      intent = SAFETY_INTENT;
      confidence = 1;
    } else if (hasWords) {
      // "and to Norway?" after "How long does delivery take to Germany?" asks the same thing of something else:
      // its intent is the earlier question's, which the model reads, while the fragment alone read as a complex
      // problem and went to a person.
      const continued = history ? followUpContinues(analysed, raw, history) : null;
      const text =
        continued ??
        (analysed.text.length > INTENT_CHARS ? analysed.text.slice(0, INTENT_CHARS) : analysed.text);
      const p = model.predict(text);
      intent = p.intent;
      confidence = Number.isFinite(p.confidence) ? Math.min(1, Math.max(0, p.confidence)) : 0;
      outOfScope = p.outOfScope;
    }

    const aiTurns =
      typeof input.aiTurnsUnresolved === "number" && Number.isFinite(input.aiTurnsUnresolved)
        ? input.aiTurnsUnresolved
        : countUnresolvedAiTurns(history);
    const decision = decideRoute(
      {
        sentiment: sentiment.score,
        frustration: frustration.score,
        frustrationTrend: frustration.trend,
        frustrationTurns: frustration.turnScores.length,
        humanRequested: frustration.humanRequested,
        intent,
        confidence,
        outOfScope,
        hasText: hasWords,
        aiTurnsUnresolved: aiTurns,
        customerAttributes: input.customer?.attributes,
        expectingReply: input.expectingReply ?? aiAskedLast(history),
        answererAvailable: input.answererAvailable === true,
      },
      rules,
    );

    return {
      language: language.language,
      languageConfidence: language.confidence,
      sentiment: sentiment.score,
      sentimentCues: sentiment.cues,
      frustration: frustration.score,
      frustrationCues: frustration.cues,
      frustrationTrend: frustration.trend,
      intent,
      confidence: roundThousandths(confidence),
      outOfScope,
      route: decision.route,
      reasons: decision.reasons,
      tier: decision.tier,
    };
  };
}

/** The earlier question a short follow-up ("what about lamps?") continues, or null when the message is no follow-up. */
function followUpContinues(
  analysed: AnalysedText,
  raw: string,
  history: readonly HistoryTurn[],
): string | null {
  const first = analysed.tokens[0];
  if (
    analysed.wordCount > FOLLOW_UP_MAX_WORDS ||
    first?.kind !== "word" ||
    !FOLLOW_UP_OPENERS.has(first.norm)
  )
    return null;
  if (followUpSubject(raw) === null) return null;
  const earlier: string[] = [];
  for (const turn of history)
    if (turn?.role === "customer" && typeof turn.text === "string") earlier.push(turn.text);
  const question = continuedQuestion(earlier);
  return question === null ? null : question.slice(0, INTENT_CHARS);
}

/** How many recent customer turns, and characters of them, decide a short message's language. */
const HISTORY_TURNS = 5;
const HISTORY_CHARS = 2000;

/** The language of the customer's recent turns together, when they say enough to judge; runs only for short messages. */
function historyLanguage(history: readonly HistoryTurn[]): LanguageResult | null {
  let text = "";
  let turns = 0;
  for (let i = history.length - 1; i >= 0 && turns < HISTORY_TURNS && text.length < HISTORY_CHARS; i--) {
    const turn = history[i];
    if (turn?.role !== "customer" || typeof turn.text !== "string") continue;
    text = `${turn.text}\n${text}`;
    turns++;
  }
  if (turns === 0) return null;
  const detected = detectLanguage(text.slice(-HISTORY_CHARS));
  return detected.source === "detected"
    ? {
        language: detected.language,
        confidence: Math.min(detected.confidence, FALLBACK_CONFIDENCE),
        source: "fallback",
      }
    : null;
}

/** A language the host site put in the customer's attributes ("language", "locale" or "lang": "fr", "pt-BR"). */
function attributeLanguage(attributes: Record<string, unknown> | undefined): string | undefined {
  if (!attributes || typeof attributes !== "object") return undefined;
  for (const key of ["language", "locale", "lang"]) {
    const value = attributes[key];
    if (typeof value === "string" && value.length <= 35) return value;
  }
  return undefined;
}

/**
 * Whether the conversation's last word before this message was the AI asking something ("Did that solve it?",
 * "What is your order number?"): a short reply is then expected. Used when the caller does not say (the CLI).
 */
function aiAskedLast(history: readonly HistoryTurn[] | undefined): boolean {
  const last = history?.[history.length - 1];
  return last?.role === "ai" && typeof last.text === "string" && /[?？¿]\s*$/u.test(last.text);
}
