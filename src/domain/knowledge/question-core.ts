// What a customer's message asks, without the talk around it: the greeting, the thanks and sign-off, the phrases that
// only frame a request ("I would like to know", "could you tell me") and sentences that only say how the customer
// feels or ask for help in general ("Is that normal?", "Very disappointed.").
//
// Why it matters: a word the knowledge base never uses weighs the most of all in coverage (the share of the question
// a passage holds), so "Good morning" counted for more than "cancel" in "Good morning, can I still cancel my order?"
// and the question was declined although the right section ranked first. Stopwords cannot do this: "good", "help" and
// "work" are real words in a knowledge base and in other questions ("does the lamp work with LED bulbs?").
//
// Hand-written: it is a short list of conversational forms per language, not a general NLP task.

import { analyzerFor, baseLanguage } from "./analyzer.ts";
import { asksForSteps, expectedAnswer } from "./answer-type.ts";
import { placesIn } from "./places.ts";

interface ConversationForms {
  /** A greeting at the very start, with what follows it up to the first word that asks. */
  greeting: RegExp;
  /** Thanks or a sign-off (with a name after it) at the very end. */
  signOff: RegExp;
  /** Phrases inside a sentence that only frame the request; removed wherever they stand. */
  framing?: RegExp;
  /**
   * Words of a sentence that says nothing to look up ("Is that normal?", "How does that work?", "Can you help?"):
   * such a sentence is dropped when another one asks something.
   */
  fillerWords?: ReadonlySet<string>;
}

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

// Apostrophes typed either way.
const A = "['’]";

/** A greeting at the very start, with the punctuation and spaces after it. */
const greetingOf = (alternatives: string) => new RegExp(`^\\s*(?:${alternatives})(?:[\\s,.!:;¡]+|$)`, "iu");
/** Thanks or a sign-off at the very end, with a name signed after it: "Kind regards, Anna", "Thanks,\nTom Baker". */
const signOffOf = (alternatives: string) =>
  new RegExp(
    `(?<=^|[\\s,.!?;:)-])\\s*(?:${alternatives})(?:\\s*[,\\n-]\\s*[\\p{L}'’-]+(?:\\s+[\\p{L}'’-]+)?)?[\\s.!:)]*$`,
    "iu",
  );

const EN: ConversationForms = {
  greeting: greetingOf(
    "(?:hi|hello|hey|hiya|howdy|greetings|good\\s+(?:morning|afternoon|evening|day)|(?:morning|afternoon|evening)(?=[,.!]))" +
      "(?:\\s+(?:there|team|all|everyone|guys|folks|again|support)|,\\s*(?:team|everyone|guys|folks|support)(?=[\\s,.!:]))?" +
      "|dear\\s+[^,.!?:\\n]{1,40}?(?=[,.!:\\n])" +
      // What opens a reply without asking anything: "ok how long does it take to get there?"
      "|ok(?:ay)?|alright|um+|uh+",
  ),
  signOff: signOffOf(
    "(?:many\\s+thanks|thanks|thank\\s+you|thx|cheers|much\\s+appreciated|appreciate\\s+it|" +
      "(?:kind|best|warm|warmest)\\s+regards|regards|best\\s+wishes)" +
      "(?:\\s+(?:so|very)\\s+much|\\s+a\\s+lot|\\s+in\\s+advance|\\s+again|\\s+for\\s+(?:your|the|any)\\s+help)?",
  ),
  framing: new RegExp(
    [
      `i(?:${A}d|\\s+would)\\s+(?:like|love)\\s+to\\s+(?:know|ask|find\\s+out)(?:\\s+(?:if|whether))?`,
      `i(?:${A}d|\\s+would)\\s+(?:like|love)(?:\\s+to)?`,
      `i(?:\\s+(?:was|am)|${A}m)\\s+wondering(?:\\s+(?:if|whether))?`,
      "i\\s+wonder(?:\\s+(?:if|whether))?",
      "(?:can|could|would)\\s+(?:you|someone|anyone)\\s+(?:please\\s+|kindly\\s+)?(?:tell|let)\\s+me(?:\\s+know)?(?:\\s+(?:if|whether))?",
      "(?:please\\s+)?let\\s+me\\s+know(?:\\s+(?:if|whether))?",
      "(?:do|does)\\s+(?:you|anyone|anybody)\\s+know(?:\\s+(?:if|whether))?",
      "i\\s+(?:want|wanted|need|needed)\\s+to\\s+(?:know|ask|find\\s+out)(?:\\s+(?:if|whether))?",
      "i\\s+(?:have|had|got)\\s+a\\s+(?:quick\\s+|small\\s+)?question(?:\\s+(?:about|regarding|on))?",
      "quick\\s+question",
      "i\\s+(?:really\\s+)?need(?:\\s+to)?",
      "(?:can|could)\\s+you\\s+(?:please\\s+)?help(?:\\s+me)?(?:\\s+(?:with|to))?",
      "please\\s+advise",
      // Who is asking: "my name is Tom and ...", "this is Anna here".
      "my\\s+name\\s+is\\s+[\\p{L}'’-]+",
      `(?:this\\s+is|it${A}s)\\s+[\\p{L}'’-]+\\s+(?:here|speaking)`,
      // Dropping what came before: "never mind, how long does delivery take?"
      "never\\s*mind",
      "forget\\s+(?:it|that|about\\s+it)",
      "scratch\\s+that",
      "(?:any|your)\\s+help\\s+(?:would\\s+be|is)\\s+(?:much\\s+|greatly\\s+|really\\s+)?appreciated",
      // What the customer has in mind: "I'm looking at the oak table, could I pay for it in instalments?"
      `i(?:${A}m|\\s+am|m)\\s+(?:looking\\s+at|interested\\s+in)`,
      `(?:i(?:${A}m|\\s+am|m)\\s+)?thinking\\s+(?:about|of)\\s+(?:buying|ordering|getting)`,
      // Hedges: "how long does it usually take?" asks how long it takes.
      "usually|normally|typically|generally|tho|though|somehow|anyhow|maybe|perhaps",
      // "how do I log in now?": a "now" that ends the question says when, not what; "what now?" asks what to do.
      "(?<!what\\s)now(?=\\s*(?:[?!.]|$))",
      // An either-or's second half that only says what happens if not: "is it still valid or did it expire?", "does
      // it come with a bulb or do I need to buy one?", "... or am I out of luck?", "... or what?". Not a second half
      // that asks something else: "do I have to be online or can I download it?".
      "or\\s+(?:do|will|would|shall)\\s+(?:i|we)\\s+(?:need|have)\\s+to\\s+(?:buy|get|order|pay(?:\\s+for)?)\\s+(?:one|it|them|that|something|anything)(?:\\s+sep[ae]rately)?",
      "or\\s+(?:did|has|have|is|are)\\s+(?:it|they|that|this)\\s+(?:expired?|run\\s+out|lapsed)",
      "or\\s+am\\s+i\\s+(?:out\\s+of\\s+luck|stuck)",
      "or\\s+what(?=\\s*(?:[?!.]|$))",
      // How it should go is no fact asked: "how do I clean it without ruining it?"
      "without\\s+(?:ruining|damaging|wrecking|destroying|shrinking|breaking|spoiling|harming)\\s+(?:it|them)",
      // "is the rug real wool?" asks whether it is wool.
      "(?:real|genuine|actual|pure)(?=\\s+\\p{L})",
      // Whether a fact matters asks for the rule it is under: "I paid by bank transfer, does that change anything?"
      "(?:does|would|will|could|can)\\s+(?:that|this|it)\\s+(?:change\\s+anything|change\\s+things|matter|make\\s+(?:a|any)\\s+difference)",
      // When it happened says nothing the knowledge base is written about.
      "(?:this|yesterday)\\s+(?:morning|afternoon|evening)",
      "yesterday",
      "last\\s+(?:night|week|month|year)",
      "(?:an?|one|two|three|four|five|six|a\\s+few|a\\s+couple\\s+of|\\d+)\\s+(?:minutes?|hours?|days?|weeks?|months?)\\s+ago",
    ]
      .map((p) => `(?<![\\p{L}\\p{N}])${p}(?![\\p{L}\\p{N}])`)
      .join("|"),
    "giu",
  ),
  fillerWords: words(`
    normal usual ok okay fine good great nice cool awesome perfect lovely well sure yes hope doing work works working
    help helps helped
    disappointed annoyed frustrated upset unhappy happy sad angry sorry bother urgent asap soon quickly
    really totally seriously know tell think wondering question quick advance again weird strange right correct
    happen happened happening going thing things anything`),
};

// Other languages: greetings and sign-offs only; their framing phrases are left to their stopword lists.
const FORMS: Record<string, ConversationForms> = {
  en: EN,
  es: {
    greeting: greetingOf("hola|buen(?:os|as)\\s+(?:d[ií]as|tardes|noches)"),
    signOff: signOffOf("(?:muchas\\s+)?gracias(?:\\s+de\\s+antemano)?|(?:un\\s+)?saludos?|atentamente"),
  },
  fr: {
    greeting: greetingOf("bonjour|bonsoir|salut"),
    signOff: signOffOf(
      "merci(?:\\s+beaucoup|\\s+d['’]avance)?|cordialement|bien\\s+[àa]\\s+vous|bonne\\s+(?:journ[ée]e|soir[ée]e)",
    ),
  },
  de: {
    greeting: greetingOf("hallo|hi|guten\\s+(?:morgen|tag|abend)|moin|servus"),
    signOff: signOffOf(
      "(?:vielen\\s+)?dank(?:e)?(?:\\s+sch[öo]n|\\s+im\\s+voraus)?|(?:mit\\s+)?freundlichen\\s+gr[üu](?:ß|ss)en|(?:viele\\s+|liebe\\s+)?gr[üu](?:ß|ss)e",
    ),
  },
  pt: {
    greeting: greetingOf("ol[áa]|oi|bom\\s+dia|boa\\s+(?:tarde|noite)"),
    signOff: signOffOf("(?:muito\\s+)?obrigad[oa]|cumprimentos|atenciosamente|abra[çc]os"),
  },
  it: {
    greeting: greetingOf("ciao|salve|buongiorno|buonasera"),
    signOff: signOffOf("grazie(?:\\s+mille|\\s+in\\s+anticipo)?|cordiali\\s+saluti|saluti"),
  },
  nl: {
    greeting: greetingOf("hallo|hoi|hi|goede(?:morgen|middag|navond)"),
    signOff: signOffOf(
      "(?:alvast\\s+)?bedankt|dank\\s+(?:je|u)\\s+wel|met\\s+vriendelijke\\s+groet(?:en)?|groetjes|groet(?:en)?",
    ),
  },
};

/**
 * Places as English questions name them: "I live in Zurich and want to return the lamp" says where the customer lives,
 * a place the knowledge base may name (a country) or else no word to look up; "how long to Germany?" asks how long
 * delivery takes there.
 */
function withPlacesRead(text: string): string {
  return text
    .replace(LIVES_IN_RE, (_, place: string) => ` ${placesIn(place).join(" ")} `)
    .replace(HOW_LONG_TO_PLACE_RE, (all, place: string) =>
      placesIn(place).length > 0 ? `how long does delivery take to ${place}` : all,
    );
}

const HOW_LONG_TO_PLACE_RE =
  /^\s*how\s+(?:long|soon|fast|quickly)(?:\s+(?:is\s+it|does\s+it\s+take))?\s+(?:to|for)\s+([\p{L}-]+(?:\s+[\p{L}-]+)?)\s*\??\s*$/iu;
const LIVES_IN_RE =
  /(?<![\p{L}\p{N}])(?:i|we)(?:\s+(?:live|am|are)|['’]?(?:m|re))\s+(?:based\s+)?in\s+([\p{L}-]+(?:\s+[\p{L}-]+)?)(?=\s+(?:and|but|so)\b|[,.;!?]|$)/giu;

// A sentence: text up to and including its closing marks (or a line break).
const SENTENCE_RE = /[^.!?\n]+(?:[.!?]+|\n|$)/gu;
const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const HAS_WORD_RE = /[\p{L}\p{N}]/u;

/**
 * The part of a customer's message that asks something, for retrieval and for judging whether the knowledge base
 * answers it. Returns the message unchanged when nothing would be left, or when the language has no forms listed.
 */
export function questionCore(text: string, language: string): string {
  const lang = baseLanguage(language);
  const forms = FORMS[lang];
  if (!forms) return text;
  let core = stripRepeated(stripRepeated(text, forms.greeting), forms.signOff);
  if (forms.framing) core = core.replace(forms.framing, " ");
  if (lang === "en") core = withPlacesRead(core);
  if (forms.fillerWords) core = dropFillerSentences(core, forms.fillerWords, lang);
  core = core.replace(/\s{2,}/gu, " ").trim();
  return HAS_WORD_RE.test(core) ? core : text;
}

/**
 * The message without the greeting it opens with, in any of the languages listed ("Hi, I ordered a tent" is "I ordered
 * a tent"), its first letter raised when the greeting took the sentence's start; the message itself when it is only a
 * greeting. For showing a customer's words to an agent, where "Hi," says nothing of the problem.
 */
export function withoutGreeting(text: string): string {
  for (const forms of Object.values(FORMS)) {
    const rest = stripRepeated(text, forms.greeting);
    if (rest === text) continue;
    if (!HAS_WORD_RE.test(rest)) return text;
    const trimmed = rest.trimStart();
    return trimmed.charAt(0).toLocaleUpperCase() + trimmed.slice(1);
  }
  return text;
}

/** Removes what `form` matches up to three times over: "Hi, good morning," and "Thanks, kind regards, Anna". */
function stripRepeated(text: string, form: RegExp): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const next = out.replace(form, "");
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Drops the sentences that hold no word outside the stopwords and the filler words, if any sentence is left. */
function dropFillerSentences(text: string, filler: ReadonlySet<string>, language: string): string {
  const sentences = text.match(SENTENCE_RE);
  if (!sentences || sentences.length < 2) return text;
  const analyzer = analyzerFor(language);
  const asks = sentences.map((s) => {
    // "and how much?" names no topic, and asks for the kind of fact the answer must state; "how do I do that?" asks
    // for what to do.
    if (expectedAnswer(s, language) !== null || asksForSteps(s, language)) return true;
    for (const [w] of s.toLowerCase().matchAll(WORD_RE)) {
      const word = w.replaceAll("’", "'");
      if (!analyzer.isStopword(word) && !filler.has(word)) return true;
    }
    return false;
  });
  if (!asks.some(Boolean)) return text;
  return sentences.filter((_, i) => asks[i]).join(" ");
}

/**
 * The sentences of a longer message that ask ("Is it too late to send it back?" of "I bought a rug last month and
 * I love it, but it does not suit my new room. Is it too late to send it back? It is unused."), or null when the
 * message is one sentence or asks in none or all of them. The story around a question holds words the knowledge
 * base never uses, which weigh the most in coverage: the question alone may be answerable when the whole is not.
 */
export function askedSentences(text: string): string | null {
  const sentences = (text.match(SENTENCE_RE) ?? []).map((s) => s.trim()).filter((s) => HAS_WORD_RE.test(s));
  if (sentences.length < 2) return null;
  const asked = sentences.filter((s) => s.endsWith("?"));
  if (asked.length === 0 || asked.length === sentences.length) return null;
  // Where the story happens goes with the question: "my dad lives in Switzerland. Will he pay anything extra?"
  const places = placesIn(sentences.filter((s) => !s.endsWith("?")).join(" "));
  return [...asked, ...places].join(" ");
}

/**
 * Words that frame a question rather than name what it is about, as analysed: "what happens to my orders then?", and
 * how long it has been ("it's been 20 minutes, so can I still do it?"), which the answer's own terms never repeat.
 */
const FRAMING_TERMS: Record<string, ReadonlySet<string>> = {
  en: new Set(
    analyzerFor("en").terms(
      "happen happens happened happening minute minutes hour hours day days week weeks month months year years exactly precisely specifically",
    ),
  ),
};

/** A question's terms without those that only frame it, numbers included: what an answer must say to speak to it. */
export function topicTerms(terms: readonly string[], language: string): string[] {
  const framing = FRAMING_TERMS[baseLanguage(language)];
  return framing ? terms.filter((t) => !framing.has(t) && !/^\p{N}+$/u.test(t)) : [...terms];
}

/** The words an English question opens with. */
const QUESTION_OPENERS =
  "how|what|what's|when|where|which|who|why|is|are|can|could|do|does|did|will|would|should|may";
/** A question of its own: a question word or verb first, then two words or more. English. */
const OPENS_QUESTION = new RegExp(`^(?:${QUESTION_OPENERS})\\s+\\S+\\s+\\S+`, "i");
/** "..., and how much does it cost?": the joint where a second question starts. */
const SECOND_QUESTION = new RegExp(
  `^(.+?)(?:\\s*,\\s*|\\s+)(?:and|also|plus)\\s+((?:${QUESTION_OPENERS})\\s.+)$`,
  "i",
);

/**
 * Whether an English message asks a question of its own: three words or more, with a question mark or opening with
 * a question word ("never mind, how long does delivery take?" once "never mind" is read past).
 */
export function asksOwnQuestion(text: string): boolean {
  const t = text.trim();
  return (/\?$/.test(t) || OPENS_QUESTION.test(t)) && (t.match(WORD_RE) ?? []).length >= 3;
}

/**
 * The two questions of a message that asks two ("How long does delivery take and how much does it cost?", "Can I
 * return the lamp? How long will the refund take?"), or null when it asks one. Each is answered on its own: one
 * answer for both gave the duration and a second sentence that merely shared "delivery". English only.
 */
export function compoundQuestions(text: string): [string, string] | null {
  const t = withoutGreeting(text).trim();
  // "And is there a minimum order?": the joining word is no part of the second question.
  const sentences = (t.match(SENTENCE_RE) ?? [])
    .map((s) => s.trim().replace(/^(?:and|also|plus|oh and)[\s,]+/i, ""))
    .filter((s) => HAS_WORD_RE.test(s));
  if (sentences.length === 2 && sentences.every((s) => s.endsWith("?") && OPENS_QUESTION.test(s)))
    return [sentences[0] as string, sentences[1] as string];
  if (sentences.length !== 1) return null;
  const m = SECOND_QUESTION.exec(t);
  if (!m) return null;
  const first = (m[1] as string).trim();
  const second = (m[2] as string).trim();
  return OPENS_QUESTION.test(first) && OPENS_QUESTION.test(second) ? [`${first}?`, second] : null;
}

/**
 * "I returned a lamp last week, when do I get my money back?": the question after what the customer did, told before a
 * comma, with the places the story names ("I ordered from Norway, ..."); null when the message is no such story and
 * question, or when the question points back at the story ("when will it arrive?"). The story's words ("lamp",
 * "return") can outweigh the question's and lead to the return rule instead of the refund time; the caller answers
 * the question alone when the knowledge base answers it alone ("how do I get back in now?" after losing a phone does
 * not). English.
 */
export function questionAfterStory(text: string): string | null {
  const m = STORY_THEN_QUESTION_RE.exec(withoutGreeting(text));
  if (!m) return null;
  const question = m[2] as string;
  if (POINTS_AT_STORY_RE.test(question) || (question.match(WORD_RE) ?? []).length < 3) return null;
  return [question, ...placesIn(m[1] as string)].join(" ");
}

// Chat drops the "I": "sent back my towels a week ago, when do I get my money?". Without a subject only these past
// tenses tell a story; "need a gift by Thursday, ..." is no story told.
const SUBJECTLESS_STORY_VERBS = "sent|returned|ordered|bought|paid|received|posted|mailed|shipped|dropped";
const STORY_THEN_QUESTION_RE = new RegExp(
  `^\\s*((?:(?:i|we)\\s+(?:just\\s+|already\\s+|recently\\s+)?(?:[a-z]+ed|bought|sent|paid|got|made|brought|took|gave)|(?:just\\s+|already\\s+)?(?:${SUBJECTLESS_STORY_VERBS}))\\b[^,?;]*)[,;]\\s*(?:and\\s+|but\\s+|so\\s+)?((?:${QUESTION_OPENERS})\\s.+)$`,
  "iu",
);
const POINTS_AT_STORY_RE = /\b(?:it|its|it's|they|them|their|that|this|those|these|one)\b/iu;
