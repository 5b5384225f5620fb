// A follow-up that only names what changed ("what about lamps?" after "What is the warranty on furniture?") is
// searched as the question it stands for ("What is the warranty on lamps?"), and one that points back ("how much
// does that cost?") with the question it points to, so the customer does not repeat themselves. The embedded mode
// answers each message on its own; without this, "what about lamps?" found the lamp's catalogue row and quoted its
// description. English only, as the bundled word vectors and these patterns are.
//
// The new subject takes the place of the word of the earlier question it is most like: lamps for furniture,
// France for Germany. That is what word vectors are good at (co-hyponyms sit close), and the one place where
// their weakness for retrieval (green is close to blue) is the point. With no word close enough, a product named
// takes the place of the one the earlier answer was about (nameInPlaceOfTitle), a place goes with the question
// ("what if I'm in Switzerland?"), and only as a last resort any other subject does (followUpWithSubject); an
// identifier never does, since "Where is order LC-1? order LC-2" would ask something else.

import { placesIn } from "../knowledge/places.ts";

/** Cosine similarity of two lower-case words' meanings, or null when either is unknown. */
export type WordSimilarity = (a: string, b: string) => number | null;

/** A word of the earlier question is replaced only when the new subject is at least this similar to it. */
const MIN_SUBSTITUTE_SIMILARITY = 0.35;
/** A follow-up names a subject in a few words; a longer tail is a question of its own. */
const MAX_SUBJECT_WORDS = 4;
/** How many earlier customer turns are read to find the question a follow-up continues. */
const TURNS_READ = 6;

// "what about lamps?", "and how about the rug?", "and to France?", "same for chairs?", "also for the rug?", and where
// the customer is: "what if I'm in Switzerland?", "and if I live in Norway?"
const ELLIPSIS_RES = [
  /^(?:(?:and|but|ok(?:ay)?|so)[, ]+)?(?:what|and) if (?:i|we)(?:['’]m| am|['’]re| are)?(?: (?:live|living|based))? (?:in|from) (?<subject>.+?)[\s?.!]*$/i,
  /^(?:(?:and|but|ok(?:ay)?|so)[, ]+)?(?:what|how) about (?<subject>.+?)[\s?.!]*$/i,
  /^(?:and|same|also|and also)(?: (?:for|to|in|on|with|from|about))? (?<subject>.+?)[\s?.!]*$/i,
];

/**
 * Question words, pronouns and verbs: a tail with one of them ("and how much does it cost?", "also my order is
 * late") is a sentence of its own, not a subject.
 */
const NOT_A_SUBJECT = new Set(
  `what how when where why who which whose can could do does did is are was were be been will would should shall may
  might must have has had i you it we they he she me us them there please thanks thank want need get got like know
  yes no ok okay`.split(/\s+/),
);
/** Words of a subject that say nothing of what it is. */
const DETERMINERS = new Set("the a an my your our their this that these those some any".split(" "));

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** The subject a follow-up names ("lamps" of "what about lamps?"), or null when the message is no such follow-up. */
export function followUpSubject(text: string): string | null {
  const trimmed = text.trim();
  for (const re of ELLIPSIS_RES) {
    const typed = re.exec(trimmed)?.groups?.subject?.trim();
    if (!typed) continue;
    // "the US" in capitals is the country, which lower-cased is the pronoun "us" to every word list.
    const subject = US_RE.test(typed) ? "the United States" : typed;
    const words = subject.match(WORD_RE) ?? [];
    if (words.length === 0 || words.length > MAX_SUBJECT_WORDS) return null;
    if (words.some((w) => NOT_A_SUBJECT.has(w.toLowerCase()))) return null;
    return subject;
  }
  return null;
}

const US_RE = /^(?:the )?(?:US|U\.S\.(?:A\.)?|USA)$/;

/** Words that can open a follow-up: a message opening with another is none, before any regex runs. */
export const FOLLOW_UP_OPENERS: ReadonlySet<string> = new Set(
  "and but ok okay so what how same also".split(" "),
);
/** A follow-up has at most this many words: "and how about the dune wool rug". */
export const FOLLOW_UP_MAX_WORDS = MAX_SUBJECT_WORDS + 3;

/**
 * The earlier question a follow-up continues: the customer's last message of three words or more that is not a
 * follow-up itself, among the last few. Null when there is none.
 */
export function continuedQuestion(earlier: readonly string[]): string | null {
  const recent = earlier.slice(-TURNS_READ);
  for (let i = recent.length - 1; i >= 0; i--) {
    const turn = recent[i] as string;
    if (followUpSubject(turn) === null && asksOnItsOwn(turn)) return turn;
  }
  return null;
}

/** A message long enough to be a question of its own; "ok", "yes thanks" continue the question before them. */
function asksOnItsOwn(turn: string): boolean {
  return (turn.match(WORD_RE) ?? []).length >= 3;
}

/**
 * The question a follow-up stands for, or null when the message is not one or nothing in the conversation fits.
 * `earlier`: the customer's own earlier messages, oldest first; a follow-up to a follow-up continues the question
 * the first one stood for ("warranty on furniture?", "what about lamps?", "and rugs?").
 */
export function resolveFollowUp(
  text: string,
  earlier: readonly string[],
  similarity: WordSimilarity,
): string | null {
  const subject = followUpSubject(text);
  if (subject === null) return null;
  let question: string | null = null;
  for (const turn of earlier.slice(-TURNS_READ)) {
    const turnSubject = followUpSubject(turn);
    if (turnSubject !== null) {
      question = question === null ? null : (substitute(question, turnSubject, similarity) ?? question);
    } else if (asksOnItsOwn(turn)) {
      // "do I have to pay for it?" after "how do I return something" is a question about returns.
      question = question !== null && refersBack(turn) ? `${turn} ${question}` : turn;
    }
  }
  if (question === null) return null;
  // A place with no place in the question to take says where the question is asked from: "what if I'm in
  // Switzerland?" after "do I have to pay for returns?" asks it of Switzerland, which the knowledge base's lists of
  // places answer. Other subjects are glued on only as a last resort (followUpWithSubject).
  return (
    substitute(question, subject, similarity) ??
    (placesIn(subject).length > 0 ? `${question} ${subject}` : null)
  );
}

/**
 * The last resort for a follow-up whose subject has no word like it in the question it continues, nor a product to
 * take the place of: the question with the subject after it ("How long is the warranty? furniture" for "what about
 * furniture?"), which a search reads as the question asked of it. Not for an identifier: "Where is my order LC-1?
 * LC-2" asks something else. Null when the message is no follow-up or nothing earlier asks.
 */
export function followUpWithSubject(text: string, earlier: readonly string[]): string | null {
  const subject = followUpSubject(text);
  if (subject === null || /\p{N}/u.test(subject)) return null;
  const question = continuedQuestion(earlier);
  return question === null ? null : `${question} ${subject}`;
}

/**
 * Pronouns a short question points back with: "how much does that cost?", "is it free?", "how long do they take?".
 */
const REFERRING = new Set("it that this they them those these".split(" "));
/**
 * Words a question asks with that name no topic: the kind of fact ("how much does that cost"), whether it can be
 * done ("is that possible"). A question of these, pronouns and question words only takes its topic from before.
 */
const ASKING_ONLY = new Set(
  `much many long soon fast quick quickly often take takes took last lasts cost costs price free charge pay paid possible
  available allowed work works mean same too also still again then anything something extra`.split(/\s+/),
);
/** A question that points back is short; a longer one says what it is about. */
const MAX_REFERRING_WORDS = 8;

const QUESTION_WORDS = new Set("how when where what which why".split(" "));
/** Words around a question that say nothing of its topic: "great, and how fast?", "ok so how much?". */
const FILLERS = new Set(
  "and but so ok okay great good cool nice perfect awesome super fine alright right".split(" "),
);

/** Whether a message asks about what came before without naming it ("how much does that cost?", "is it free?"). */
export function refersBack(text: string): boolean {
  const words = (text.match(WORD_RE) ?? []).map((w) => w.toLowerCase());
  if (words.length === 0 || words.length > MAX_REFERRING_WORDS) return false;
  // A pronoun points back; so does a bare question word ("great, and how fast?").
  if (!words.some((w) => REFERRING.has(w) || QUESTION_WORDS.has(w))) return false;
  const named = words.filter(
    (w) =>
      !REFERRING.has(w) &&
      !NOT_A_SUBJECT.has(w) &&
      !DETERMINERS.has(w) &&
      !ASKING_ONLY.has(w) &&
      !FILLERS.has(w) &&
      !PREPOSITIONS.has(w), // "do I have to pay for it?"
  );
  return named.length === 0;
}

/**
 * The question a message that points back stands for: itself followed by the customer's last question that named
 * its topic ("how much does that cost? How do I return something?"), so the search finds returns and the answer
 * still reads "how much" from the message. Null when the message names its own topic or nothing earlier does. Given
 * word similarity, a follow-up that changed the subject is that question: "how long does it take?" after "How much
 * is shipping to Germany?" and "and to the UK?" is about shipping to the UK.
 */
export function resolveReference(
  text: string,
  earlier: readonly string[],
  similarity: WordSimilarity | null = null,
): string | null {
  if (!refersBack(text)) return null;
  const recent = earlier.slice(-TURNS_READ);
  for (let i = recent.length - 1; i >= 0; i--) {
    const turn = recent[i] as string;
    if (similarity && followUpSubject(turn) !== null) {
      const resolved = resolveFollowUp(turn, recent.slice(0, i), similarity);
      if (resolved !== null) return `${text} ${resolved}`;
    }
    if (asksOnItsOwn(turn) && followUpSubject(turn) === null && !refersBack(turn)) return `${text} ${turn}`;
  }
  return null;
}

/**
 * `question` with its word most like `subject` replaced by it, or null when none is like it enough. When that word
 * ends a noun phrase after a determiner ("the dune rug"), the whole phrase after the determiner is replaced and the
 * determiner kept: "Is the dune rug machine washable?" and "the bath towels" make "Is the bath towels machine
 * washable?", not "Is the dune the bath towels machine washable?".
 */
function substitute(question: string, subject: string, similarity: WordSimilarity): string | null {
  const subjectWords = (subject.match(WORD_RE) ?? []).map((w) => w.toLowerCase());
  const content = subjectWords.filter((w) => !DETERMINERS.has(w));
  const words = [...question.matchAll(WORD_RE)];
  let bestAt = -1;
  let bestScore = MIN_SUBSTITUTE_SIMILARITY;
  for (let at = 0; at < words.length; at++) {
    const word = (words[at] as RegExpMatchArray)[0].toLowerCase();
    // "much" of "how much is the Dune rug?" asks; it is no subject to put another in place of.
    if (DETERMINERS.has(word) || NOT_A_SUBJECT.has(word) || ASKING_ONLY.has(word)) continue;
    for (const s of content) {
      // The same word is no change of subject, unless it heads a new name: "the Harbor table" for "the Birch
      // bedside table" is another table.
      const sameHead = s === word && content.length > 1 && s === content[content.length - 1];
      if (s === word && !sameHead) continue;
      const score = sameHead ? 1 : similarity(word, s);
      if (score !== null && score >= bestScore) {
        bestAt = at;
        bestScore = score;
      }
    }
  }
  if (bestAt < 0) return null;
  const head = words[bestAt] as RegExpMatchArray;
  let from = head.index as number;
  let inserted = subject;
  // Up to MAX_MODIFIERS words back to a determiner: the phrase's modifiers go with the word they modify.
  for (let k = bestAt - 1; k >= 0 && k >= bestAt - 1 - MAX_MODIFIERS; k--) {
    const lower = (words[k] as RegExpMatchArray)[0].toLowerCase();
    if (DETERMINERS.has(lower)) {
      from = (words[k + 1] as RegExpMatchArray).index as number;
      inserted = subject.slice(subjectCoreStart(subject));
      break;
    }
    if (NOT_A_SUBJECT.has(lower) || PREPOSITIONS.has(lower)) break;
  }
  return `${question.slice(0, from)}${inserted}${question.slice((head.index as number) + head[0].length)}`;
}

/** Words that modify a noun before it ("dune" of "the dune rug") and go with it when it is replaced. */
const MAX_MODIFIERS = 2;
const PREPOSITIONS = new Set("on in to for with from about of at by into onto over under".split(" "));

/** Where `subject` starts once its leading determiners are skipped ("bath towels" of "the bath towels"). */
function subjectCoreStart(subject: string): number {
  for (const m of subject.matchAll(WORD_RE))
    if (!DETERMINERS.has(m[0].toLowerCase())) return m.index as number;
  return 0;
}

/**
 * A thing a short question points to with a pronoun: "does it come with a bulb?", "can I wash them?", "is mine
 * valid?", "how do I get a new one?".
 */
const THING_PRONOUN_RE =
  /\b(?:it|they|them|mine|(?:new|other|broken|damaged|same|this|that) one|(?:something|anything|one) (?:that|this|so) (?:big|large|heavy|bulky|long|tall)|(?:that|this)(?=\s*(?:[?!.,;]|$)))\b/i;
/** Past this many words a question says enough to stand alone. */
const MAX_POINTING_WORDS = 10;
/**
 * A question that cannot be answered alone may still point back when longer: "how long will they keep it there if
 * I'm away for a few days?" after the parcel-locker answer.
 */
export const MAX_POINTING_WORDS_UNANSWERED = 16;

/**
 * `text` with its first pronoun for a thing replaced by `name` ("does it come with a bulb?" and "Cove ceramic table
 * lamp" make "does the Cove ceramic table lamp come with a bulb?"), or null when it has none or is long enough to
 * say what it is about. The caller knows the name: the product the customer's last answerable question was about.
 */
export function nameInPlaceOfPronoun(text: string, name: string): string | null {
  const m = pronounForAThing(text);
  return m === null ? null : `${text.slice(0, m.index)}the ${name}${text.slice(m.index + m[0].length)}`;
}

/**
 * `question` with the words that name a thing (those of `title`, "Dune wool rug") replaced by `subject` ("the Juniper
 * throw"): "how much is the Dune rug?" becomes "how much is the Juniper throw?". The replaced words must stand
 * together; null when no word of the question is in the title. For a follow-up that names another product, which
 * no word vector puts near the first ("throw" is not like "rug").
 */
export function nameInPlaceOfTitle(question: string, title: string, subject: string): string | null {
  const titleWords = new Set((title.match(WORD_RE) ?? []).map((w) => w.toLowerCase()));
  const words = [...question.matchAll(WORD_RE)];
  let from = -1;
  let to = -1;
  for (let i = 0; i < words.length; i++) {
    const w = (words[i] as RegExpMatchArray)[0].toLowerCase();
    if (!titleWords.has(w) || DETERMINERS.has(w)) continue;
    if (from < 0) from = i;
    else if (i !== to + 1) return null; // two separate mentions: which one is meant is a guess
    to = i;
  }
  if (from < 0) return null;
  const start = (words[from] as RegExpMatchArray).index as number;
  const last = words[to] as RegExpMatchArray;
  const end = (last.index as number) + last[0].length;
  return `${question.slice(0, start)}${subject.slice(subjectCoreStart(subject))}${question.slice(end)}`;
}

/** Whether a short message points at a thing with a pronoun ("does it come with a bulb?"). */
export function pointsWithPronoun(text: string, maxWords = MAX_POINTING_WORDS): boolean {
  return pronounForAThing(text, maxWords) !== null;
}

/** A short question that ends by pointing at what was just said: "can I get a refund instead?", "what then?". */
const ENDS_POINTING_BACK_RE = /\b(?:instead|then|in that case)\W*$/i;

/**
 * Whether a short message is about what the conversation just said: a pronoun for a thing, or an ending that points
 * back ("can I get a refund instead?" after the answer about damaged items).
 */
export function pointsBack(text: string): boolean {
  return pointingClause(text) !== null;
}

/**
 * The part of a message that points back (see pointsBack): the message itself, or its first clause when only that
 * does, the rest telling something ("why do I have to pay that, I already paid you"). Null when none does.
 */
export function pointingClause(text: string): string | null {
  if (pointsWithPronoun(text)) return text;
  if ((text.match(WORD_RE) ?? []).length <= MAX_POINTING_WORDS && ENDS_POINTING_BACK_RE.test(text.trim()))
    return text;
  const first = text.split(/[,;.!?]/u, 1)[0] as string;
  return first !== text && pointsWithPronoun(first) ? first : null;
}

function pronounForAThing(text: string, maxWords = MAX_POINTING_WORDS): RegExpExecArray | null {
  if ((text.match(WORD_RE) ?? []).length > maxWords) return null;
  return THING_PRONOUN_RE.exec(text);
}

/**
 * "What should I do now?", "ok, what now?", "now what?": asks for the next step of what was just said, naming nothing
 * of its own. English.
 */
export function asksWhatToDoNext(text: string): boolean {
  return WHAT_TO_DO_NEXT_RE.test(text.trim());
}

const WHAT_TO_DO_NEXT_RE =
  /^\W*(?:(?:ok|okay|i see|so|and|hmm+|right|alright)\W+)*(?:what (?:should|do|can|must|shall) (?:i|we) do(?: now| then| next| about (?:it|that))?|what now|what next|now what|what are my options)\W*$/i;
