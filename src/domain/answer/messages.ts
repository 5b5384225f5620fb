// What the AI says at its limits, per language: the handoff boundary and the "did that solve it?" follow-up.

export const MESSAGE_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl"] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

export type BoundaryKind =
  /** The knowledge base does not support an answer. */
  | "cannot_answer"
  /** No knowledge in the customer's language (embedded mode cannot translate). */
  | "language_unsupported"
  /** Too many AI turns without the customer confirming a resolution. */
  | "unresolved_after_turns"
  /** The model or an action failed. */
  | "technical_problem"
  /** An action found nothing of the customer's by what they gave (an order number not on their account). */
  | "not_found";

const BOUNDARY: Record<MessageLanguage, Record<BoundaryKind, string>> = {
  en: {
    cannot_answer:
      "I can't fully resolve this, so I'm connecting you with a specialist who will see everything we've discussed.",
    language_unsupported:
      "I can't answer this in your language myself, so I'm connecting you with a specialist who speaks it and will see everything we've discussed.",
    unresolved_after_turns:
      "I haven't been able to resolve this for you, so I'm connecting you with a specialist who will see everything we've discussed.",
    technical_problem:
      "Something went wrong on my side, so I'm connecting you with a specialist who will see everything we've discussed.",
    not_found:
      "I couldn't find that on your account, so I'm connecting you with a specialist who will look into it and see everything we've discussed.",
  },
  es: {
    cannot_answer:
      "No puedo resolver esto por completo, así que te estoy poniendo en contacto con un especialista que verá todo lo que hemos hablado.",
    language_unsupported:
      "No puedo responder esto en tu idioma, así que te estoy poniendo en contacto con un especialista que lo habla y verá todo lo que hemos hablado.",
    unresolved_after_turns:
      "No he conseguido resolver esto, así que te estoy poniendo en contacto con un especialista que verá todo lo que hemos hablado.",
    technical_problem:
      "Algo ha fallado por mi parte, así que te estoy poniendo en contacto con un especialista que verá todo lo que hemos hablado.",
    not_found:
      "No lo encuentro en tu cuenta, así que te estoy poniendo en contacto con un especialista que lo revisará y verá todo lo que hemos hablado.",
  },
  fr: {
    cannot_answer:
      "Je ne peux pas résoudre entièrement votre demande, je vous mets donc en relation avec un spécialiste qui verra tout ce que nous avons échangé.",
    language_unsupported:
      "Je ne peux pas répondre moi-même dans votre langue, je vous mets donc en relation avec un spécialiste qui la parle et verra tout ce que nous avons échangé.",
    unresolved_after_turns:
      "Je n'ai pas réussi à résoudre votre demande, je vous mets donc en relation avec un spécialiste qui verra tout ce que nous avons échangé.",
    technical_problem:
      "Un problème est survenu de mon côté, je vous mets donc en relation avec un spécialiste qui verra tout ce que nous avons échangé.",
    not_found:
      "Je ne trouve pas cela dans votre compte, je vous mets donc en relation avec un spécialiste qui va vérifier et verra tout ce que nous avons échangé.",
  },
  de: {
    cannot_answer:
      "Ich kann das nicht vollständig lösen, deshalb verbinde ich Sie mit einer Fachperson, die alles sieht, was wir besprochen haben.",
    language_unsupported:
      "Ich kann das nicht selbst in Ihrer Sprache beantworten, deshalb verbinde ich Sie mit einer Fachperson, die sie spricht und alles sieht, was wir besprochen haben.",
    unresolved_after_turns:
      "Ich konnte das leider nicht lösen, deshalb verbinde ich Sie mit einer Fachperson, die alles sieht, was wir besprochen haben.",
    technical_problem:
      "Bei mir ist etwas schiefgelaufen, deshalb verbinde ich Sie mit einer Fachperson, die alles sieht, was wir besprochen haben.",
    not_found:
      "Ich kann das in Ihrem Konto nicht finden, deshalb verbinde ich Sie mit einer Fachperson, die es prüft und alles sieht, was wir besprochen haben.",
  },
  pt: {
    cannot_answer:
      "Não consigo resolver isto por completo, por isso estou a ligá-lo a um especialista que verá tudo o que conversámos.",
    language_unsupported:
      "Não consigo responder no seu idioma, por isso estou a ligá-lo a um especialista que o fala e verá tudo o que conversámos.",
    unresolved_after_turns:
      "Não consegui resolver isto, por isso estou a ligá-lo a um especialista que verá tudo o que conversámos.",
    technical_problem:
      "Algo correu mal do meu lado, por isso estou a ligá-lo a um especialista que verá tudo o que conversámos.",
    not_found:
      "Não encontro isso na sua conta, por isso estou a ligá-lo a um especialista que vai verificar e verá tudo o que conversámos.",
  },
  it: {
    cannot_answer:
      "Non riesco a risolvere completamente la tua richiesta, quindi ti metto in contatto con uno specialista che vedrà tutto ciò di cui abbiamo parlato.",
    language_unsupported:
      "Non riesco a rispondere nella tua lingua, quindi ti metto in contatto con uno specialista che la parla e vedrà tutto ciò di cui abbiamo parlato.",
    unresolved_after_turns:
      "Non sono riuscito a risolvere la tua richiesta, quindi ti metto in contatto con uno specialista che vedrà tutto ciò di cui abbiamo parlato.",
    technical_problem:
      "Qualcosa è andato storto da parte mia, quindi ti metto in contatto con uno specialista che vedrà tutto ciò di cui abbiamo parlato.",
    not_found:
      "Non lo trovo nel tuo account, quindi ti metto in contatto con uno specialista che verificherà e vedrà tutto ciò di cui abbiamo parlato.",
  },
  nl: {
    cannot_answer:
      "Ik kan dit niet volledig oplossen, dus ik verbind je met een specialist die alles ziet wat we hebben besproken.",
    language_unsupported:
      "Ik kan dit niet zelf in jouw taal beantwoorden, dus ik verbind je met een specialist die die taal spreekt en alles ziet wat we hebben besproken.",
    unresolved_after_turns:
      "Het is me niet gelukt dit op te lossen, dus ik verbind je met een specialist die alles ziet wat we hebben besproken.",
    technical_problem:
      "Er ging bij mij iets mis, dus ik verbind je met een specialist die alles ziet wat we hebben besproken.",
    not_found:
      "Ik kan dat niet vinden in je account, dus ik verbind je met een specialist die het nakijkt en alles ziet wat we hebben besproken.",
  },
};

const FOLLOW_UP: Record<MessageLanguage, string> = {
  en: "Did that solve it?",
  es: "¿Se ha resuelto tu problema?",
  fr: "Cela a-t-il résolu votre problème ?",
  de: "Hat das Ihr Problem gelöst?",
  pt: "Isto resolveu o seu problema?",
  it: "Questo ha risolto il problema?",
  nl: "Heeft dit je probleem opgelost?",
};

const SOURCES_LABEL: Record<MessageLanguage, string> = {
  en: "Sources",
  es: "Fuentes",
  fr: "Sources",
  de: "Quellen",
  pt: "Fontes",
  it: "Fonti",
  nl: "Bronnen",
};

export function messageLanguage(language: string | null | undefined): MessageLanguage {
  const base = (language ?? "en").toLowerCase().split(/[-_]/)[0] ?? "en";
  return (MESSAGE_LANGUAGES as readonly string[]).includes(base) ? (base as MessageLanguage) : "en";
}

export function boundaryMessage(kind: BoundaryKind, language: string | null | undefined): string {
  return BOUNDARY[messageLanguage(language)][kind];
}

export function followUpQuestion(language: string | null | undefined): string {
  return FOLLOW_UP[messageLanguage(language)];
}

export function sourcesLabel(language: string | null | undefined): string {
  return SOURCES_LABEL[messageLanguage(language)];
}

// JavaScript's \b only knows ASCII letters ("sí", "não"): the lookahead ends a word in any script.
const YES =
  /^(?:y|yes|yep|yeah|yup|ya|sure|ok|okay|k|kk|cool|great|awesome|excellent|perfect|got it|it did|that did|it works|that works|works|that helped|it helped|helpful|all good|solved|resolved|thank you|thanks?|ty|s[ií]|vale|claro|oui|merci|ja|danke|sim|obrigad[oa]|grazie|bedankt|👍)(?![\p{L}\p{N}])/iu;
const NO =
  /^(?:n|no|nope|nah|not really|not quite|not yet|it didn'?t|that didn'?t|didn'?t|doesn'?t|still|non|nein|não|nao|niet|nee|👎)(?![\p{L}\p{N}])/iu;
/** A hedge: the answer helped some, not all ("kind of", "I guess", "not entirely"). */
const PARTLY =
  /^(?:kind of|kinda|sort of|sorta|partly|partially|somewhat|more or less|mostly|i guess(?: so)?|i suppose(?: so)?|i think so|maybe|not sure|not entirely|not completely|not fully|not exactly)(?![\p{L}\p{N}])/iu;
/** "But" after a hedge only leads to what is still missing ("kind of, but what if I lost the receipt?"). */
const BUT = /^(?:but|though|however)(?![\p{L}\p{N}])/iu;
/** "No problem", "no worries": a thank-you, not a "no". */
const NO_BUT_YES = /^no (?:problem|worries)(?![\p{L}\p{N}])/iu;
/** Words that turn an opening "ok" into an objection ("ok but it still fails"): the reply is then not a verdict. */
const OBJECTION = /^(?:but|however|though|although|except|still|not|no)(?![\p{L}\p{N}])/iu;
/** What may sit between a verdict and a further question: punctuation, "and", "also", "thanks", "so", … */
const FILLER =
  /^(?:[\s,.;:!?)(\-–—…]+|(?:so|very) much(?![\p{L}\p{N}])|a lot(?![\p{L}\p{N}])|nothing (?:else|more)(?: for now)?(?![\p{L}\p{N}])|that(?:'s| is) (?:all|it)(?: for now)?(?![\p{L}\p{N}])|and(?![\p{L}\p{N}])|also(?![\p{L}\p{N}])|so(?![\p{L}\p{N}])|then(?![\p{L}\p{N}])|thank you(?![\p{L}\p{N}])|thanks?(?![\p{L}\p{N}])|it did(?![\p{L}\p{N}])|that helped(?![\p{L}\p{N}])|one more thing(?![\p{L}\p{N}])|(?:good)?bye(?![\p{L}\p{N}])|cheers(?![\p{L}\p{N}])|have a (?:good|nice|great) (?:day|one|evening|weekend)(?![\p{L}\p{N}])|[\p{Extended_Pictographic}\u200d\ufe0f]+)/iu;

export interface FollowUpReply {
  /** "partly": a hedge ("kind of", "I guess"), neither a yes to record nor a no to hand over on. */
  verdict: "resolved" | "unresolved" | "partly" | "unclear";
  /**
   * What the customer wrote after the verdict, without connecting words: "yes, and how do I return it?" gives
   * "how do I return it?". Empty when the reply was only the verdict (and thanks).
   */
  rest: string;
}

/** Reads a reply to the follow-up question (or to a yes/no confirmation) and what else it asks. */
export function readFollowUpReply(text: string): FollowUpReply {
  const t = text.trim();
  const no = NO_BUT_YES.test(t) ? null : NO.exec(t);
  if (no) return { verdict: "unresolved", rest: stripFiller(t.slice(no[0].length)) };
  const partly = PARTLY.exec(t);
  if (partly) {
    const after = stripFiller(t.slice(partly[0].length));
    return { verdict: "partly", rest: stripFiller(after.replace(BUT, "")) };
  }
  const yes = NO_BUT_YES.exec(t) ?? YES.exec(t);
  if (!yes) return { verdict: "unclear", rest: t };
  const rest = stripFiller(t.slice(yes[0].length));
  if (OBJECTION.test(rest)) return { verdict: "unclear", rest: t };
  return { verdict: "resolved", rest };
}

/** Reads a reply to the follow-up question: resolved, not resolved, partly, or something else (a new question). */
export function parseFollowUpReply(text: string): FollowUpReply["verdict"] {
  return readFollowUpReply(text).verdict;
}

/** Filler, and further yes-words after the verdict: "ok great", "yes perfect, thanks so much". */
function stripFiller(text: string): string {
  let s = text;
  for (let m = FILLER.exec(s) ?? YES.exec(s); m && m[0].length > 0; m = FILLER.exec(s) ?? YES.exec(s))
    s = s.slice(m[0].length);
  return s.trim();
}

/**
 * A question about how to do something or whether one may ("How do I reset my password?", "Can I cancel my
 * order?", "Where can I track my order?"), as opposed to a request to do it or to look something up ("Where is my
 * order?"). In the seven languages replies are written in, by how the question opens.
 */
const HOW_TO =
  /^(?:(?:how|where) (?:do|can|should|would|could) (?:i|we)|how to|can (?:i|we)|could (?:i|we)|may i|is it possible to|what (?:do|should) i do|c[oó]mo|puedo|se puede|comment|puis-je|est-ce que (?:je|l'on|on) peu[tx]|peut-on|wie|kann ich|darf ich|posso|pode-se|come|si può|hoe|kan ik|mag ik)(?![\p{L}\p{N}])/iu;

export function asksHowTo(text: string): boolean {
  return HOW_TO.test(text.trim().replace(/^[¿¡"'(\s]+/u, ""));
}

/**
 * A message that tells without asking or requesting anything: no question mark, and in English no question word, no
 * verb opening a sentence as a question does, and no request ("want", "need", "please", "can you"). "sent my return back last week
 * with the label you emailed", "I'm about to order two bedside tables for our office". Other languages: no question
 * mark. Such an opening the knowledge base cannot answer gets asked what the customer needs before any handover.
 */
export function onlyTells(text: string, language: string | null): boolean {
  if (/[?？¿]/u.test(text)) return false;
  if ((language ?? "en") !== "en") return true;
  const lower = text.toLowerCase().replaceAll("’", "'");
  return !ASKS_OR_REQUESTS.test(lower) && !OPENS_A_QUESTION.test(lower);
}

const ASKS_OR_REQUESTS =
  /(?<![\p{L}\p{N}])(?:i(?:'d| would) (?:like|love)|want|wants|wanna|need|needs|(?:can|could|would|will) (?:you|u|someone|anyone)|please|pls|plz|help|tell me|let me know|wonder|wondering|how|what|when|where|why|which|who)(?![\p{L}\p{N}])/u;
/** A sentence that opens like a question, without its question mark: "is there express to Norway". */
const OPENS_A_QUESTION =
  /(?:^|[.!]\s*)(?:hi|hey|hello)?[\s,]*(?:is|are|can|could|do|does|did|will|would|should|may|have|has)\s+(?:i|you|u|we|it|they|there|my|the|this|that)(?![\p{L}\p{N}])/u;

/**
 * Whether a message says the small talk its intent names: a greeting, thanks or farewell word in it. The intent
 * model reads the whole message, and "that's 7 working days now, nothing moved. great" came out as goodbye; a
 * farewell to that is the AI not listening.
 */
export function saysSmallTalk(intent: string, text: string): boolean {
  const cue = SMALL_TALK_CUES[intent];
  return cue === undefined || cue.test(text.toLowerCase());
}

const cues = (words: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${words})(?![\\p{L}\\p{N}])`, "u");
const SMALL_TALK_CUES: Record<string, RegExp> = {
  greeting: cues(
    "hi+|hey+|hello|hiya|howdy|yo|good (?:morning|afternoon|evening|day)|morning|evening|greetings|hola|buen[oa]s|bonjour|bonsoir|salut|hallo|guten|moin|servus|ol[áa]|oi|bom dia|boa (?:tarde|noite)|ciao|salve|buongiorno|buonasera|hoi|goedemorgen|goedemiddag|goedenavond",
  ),
  thanks: cues(
    "thanks?|thank you|thx|ty|tysm|cheers|appreciated?|grateful|gracias|merci|danke|dank|obrigad[oa]|grazie|bedankt",
  ),
  goodbye: cues(
    "bye+|goodbye|good ?night|see (?:you|ya)|cya|later|take care|have a (?:nice|good|great) (?:day|one|evening|weekend)|that'?s all|adi[óo]s|hasta luego|au revoir|[àa] bient[ôo]t|tsch[üu]ss|auf wiedersehen|tchau|at[ée] logo|arrivederci|ciao|doei|tot ziens|dag",
  ),
};
