// Whether an answer the AI is about to give would be going in circles: the same passages again, since a person last
// spoke, to a customer who came back because they did not help. Then a person takes over instead. Pure: it reads the
// conversation's messages and the answer, nothing else.

import { analyzerFor } from "../knowledge/analyzer.ts";
import { expectedAnswer, statesAnswer } from "../knowledge/answer-type.ts";
import { splitSentences } from "../knowledge/chunker.ts";
import { asksOwnQuestion, questionCore, topicTerms } from "../knowledge/question-core.ts";
import type { Message } from "../model.ts";

/**
 * Whether giving `answer` to `question` (the message at `seq`) repeats the AI without helping: it gave all of it
 * before, or a part of it to a customer who now says they did what that part says, and the question asks nothing new
 * that the answer states.
 */
export function goesInCircles(
  history: readonly Message[],
  seq: number,
  question: string,
  answer: string,
  language: string,
): boolean {
  const repeated = repeatedAnswerTo(history, seq, answer);
  return (
    repeated !== null &&
    (repeated.whole || saysItWasDone(question, answer, language)) &&
    !answersNewQuestion(question, repeated.asked, answer, language)
  );
}

/**
 * What the customer asked when the AI already gave this answer, since a person last spoke ("" when nothing), and
 * whether it gave all of it (`whole`) or this answer is a part of one it gave; null when it has given none of it. The
 * customer coming back with a follow-up ("the tracking number doesn't show any update") and getting the same passages
 * again is a bot going in circles: the knowledge base has nothing more to say, so a person takes over instead.
 */
function repeatedAnswerTo(
  history: readonly Message[],
  before: number,
  text: string,
): { asked: string; whole: boolean } | null {
  const sentences = splitSentences(text);
  if (sentences.length === 0) return null;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i] as Message;
    if (m.seq >= before) continue;
    if (m.author === "agent") return null;
    if (m.author === "ai" && m.meta?.kind === "answer" && sentences.every((s) => m.text.includes(s))) {
      const whole = m.text === text || m.text.startsWith(`${text}\n\n`);
      for (let j = i - 1; j >= 0; j--)
        if (history[j]?.author === "customer") return { asked: (history[j] as Message).text, whole };
      return { asked: "", whole };
    }
  }
  return null;
}

/**
 * Whether the customer says they did what the answer tells them: a verb of the answer in the past tense ("yes I
 * checked spam" of "check your spam folder", "I placed it 3 hours ago" of "within one hour of placing it"). Part of an
 * earlier answer given again is then going in circles; otherwise it is the part the customer's words point to ("I
 * paid by bank transfer" of the refund answer's "bank transfers can take another 3 business days").
 */
function saysItWasDone(message: string, answer: string, language: string): boolean {
  const analyzer = analyzerFor(language);
  const said = new Set(analyzer.terms(answer));
  for (const [word] of message.toLowerCase().matchAll(/\p{L}{3,}ed(?!\p{L})/gu))
    if (analyzer.terms(word).some((t) => said.has(t))) return true;
  return false;
}

/**
 * Whether an answer given before is the right answer to a new question: the question asks something the earlier one
 * did not, and the answer states every word of it or the kind of fact it asks for. "is the bulb included?" after "do
 * you sell lamps?" is answered by the lamp's "E27 bulb not included" again; the customer had missed it, and nothing
 * is going in circles.
 */
function answersNewQuestion(question: string, earlier: string, answer: string, language: string): boolean {
  // "how long?" after "is there a warranty on the bedside table?" asks for the duration the answer states.
  const kind = expectedAnswer(question, language)?.kind;
  if (
    kind !== undefined &&
    kind !== expectedAnswer(earlier, language)?.kind &&
    splitSentences(answer).some((s) => statesAnswer(kind, s, language))
  )
    return true;
  // "I checked spam" is no question: the customer did what the answer says, which then did not help.
  if (!asksOwnQuestion(question)) return false;
  // "it's been 20 minutes, so can I still do it?" asks the rule's time limit of the customer's own case.
  if (
    statesAnswer("duration", question, language) &&
    !statesAnswer("duration", earlier, language) &&
    splitSentences(answer).some((s) => statesAnswer("duration", s, language))
  )
    return true;
  const analyzer = analyzerFor(language);
  // What the question asks, without its hedges ("can I get the difference back somehow?").
  const asked = topicTerms(analyzer.terms(questionCore(question, language)), language);
  if (asked.length === 0) return false;
  const before = new Set(analyzer.terms(earlier));
  const stated = new Set(analyzer.terms(answer));
  return asked.some((t) => !before.has(t)) && asked.every((t) => stated.has(t));
}
