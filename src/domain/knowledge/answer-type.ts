// What kind of fact a question asks for ("how long" a duration, "how much" an amount), so the extractive answer
// leads with a sentence that states one rather than one that only shares the question's rarest word.

/**
 * The kinds of fact a question's wording asks for. Only the unmistakable ones: "when" questions are answered as
 * often by a condition ("when your order ships") as by a time, so they stay untyped.
 */
export type AnswerKind = "duration" | "amount" | "charge" | "size" | "count" | "colour";

export interface ExpectedAnswer {
  kind: AnswerKind;
  /**
   * Words of the question that only frame the kind ("take" in "how long does a refund take"): every duration sentence
   * answers them, so they must not make one duration sentence look better than another.
   */
  framing: readonly string[];
}

interface KindRules {
  question: RegExp;
  framing: readonly string[];
  sentence: RegExp;
}

const NUMBER = String.raw`(?:\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty|ninety|a few|few|several|(?:a )?couple of)`;
const TIME_UNIT = String.raw`(?:business |working |calendar )?(?:minute|hour|day|week|month|year)s?`;
const LENGTH_UNIT = String.raw`(?:mm|cm|m|km|millimet(?:re|er)s?|centimet(?:re|er)s?|met(?:re|er)s?|inch(?:es)?|feet|foot)`;
const CURRENCY = String.raw`(?:€|\$|£|euros?|eur|dollars?|usd|pounds?|gbp|chf|francs?)`;

/**
 * English cues; other languages fall back to untyped answers (the ranking then decides alone).
 * - duration: "how long", "how soon", "how fast", "is it too late", "how many days", "the return window"; "how long is
 *   the table" asks a length, which counts too.
 * - amount: "how much" (not of time or weight) and "what does it cost", "what is the price/fee".
 * - charge: whether something costs anything ("do I have to pay for it?", "is delivery free?", "is there a fee?"):
 *   answered by a price, by "free", or by who is charged ("These charges are paid by the recipient").
 *   Checked after amount: "how much do I have to pay" asks for the amount.
 * - size: "how big", "how tall", "what are the dimensions": a measurement ("160 by 230 centimetres").
 * - count: any other "how many" ("how many people can sit at it"): a number ("seats six").
 * - colour: "what colour(s)", "which colours": a colour named ("in sand and off-white stripes").
 */
const RULES: Record<string, Record<AnswerKind, KindRules>> = {
  en: {
    duration: {
      question:
        /\bhow (?:long|soon|fast|quickly)\b|\btoo late\b|\bhow many (?:business |working )?(?:minutes|hours|days|weeks|months|years)\b|\b(?:return|returns|refund|warranty|guarantee|exchange|cancellation) (?:window|period|deadline|time ?frame|time limit)\b/,
      // "days" of "how many days" is the unit every duration sentence states, not what it is about.
      framing: [
        "take",
        "takes",
        "taking",
        "took",
        "last",
        "lasts",
        "minutes",
        "hours",
        "days",
        "weeks",
        "months",
        "years",
        "business",
        "working",
      ],
      sentence: new RegExp(
        String.raw`\b${NUMBER}[ -]${TIME_UNIT}\b|\b${NUMBER}[ -]?${LENGTH_UNIT}\b|\b(?:next|same) (?:business |working )?day\b|\b(?:overnight|immediately|instantly|right away|straight away|lifetime)\b`,
        "i",
      ),
    },
    amount: {
      question:
        /\bhow much\b(?!.*\b(?:time|weigh|weighs|weight)\b)|\bwhat(?:'s| is| are| does| do| will)?\b.*\b(?:cost|costs|price|prices|fee|fees|charge|charges)\b/,
      // Every sentence of the kind says one of these, in its own choice of word ("costs 4.95", "a flat fee of 39").
      framing: ["cost", "costs", "price", "prices", "fee", "fees", "charge", "charges"],
      sentence: new RegExp(
        String.raw`[€$£]\s?\d|\d(?:[\d.,]*\d)?\s?${CURRENCY}(?![\p{L}])|\b(?:price|cost|fee)s?\b[^.:]{0,12}:\s*\d|\bfree\b|\bno (?:extra |additional )?(?:charge|cost)\b`,
        "iu",
      ),
    },
    charge: {
      question:
        /\b(?:have|need) to pay\b|\b(?:do|will|would) (?:i|we) pay\b|\bis (?:it|that|this|\w+) free\b|\bfree of charge\b|\bis there an? (?:fee|charge|cost)\b|\bcosts? (?:anything|extra)\b|\bpay (?:anything )?extra\b/,
      // Not "free": a sentence that says it ("Returns from the European Union are free") answers "is it free?" best.
      framing: ["pay", "paid", "charge", "charged", "charges", "cost", "costs", "fee", "fees"],
      sentence: new RegExp(
        String.raw`[€$£]\s?\d|\d(?:[\d.,]*\d)?\s?${CURRENCY}(?![\p{L}])|\b(?:free|charged?|charges|paid|pays?|paying|fees?|costs?|duty|duties)\b`,
        "iu",
      ),
    },
    size: {
      question:
        /\bhow (?:big|large|small|tall|high|wide|deep|thick)\b|\b(?:what|which) (?:sizes?|dimensions|measurements)\b|\bdimensions\b|\bmeasurements\b/,
      framing: [
        "big",
        "large",
        "small",
        "tall",
        "high",
        "wide",
        "deep",
        "thick",
        "size",
        "dimensions",
        "measurements",
      ],
      // A measurement, or the range of sizes made ("sizes single to king", "in sizes S to XL").
      sentence: new RegExp(
        String.raw`\b\d+(?:[.,]\d+)?\s?(?:x|by|×)\s?\d+(?:[.,]\d+)?\b|\b${NUMBER}[ -]?${LENGTH_UNIT}\b|\bsizes? (?:from )?[\w-]+ (?:to|through|and) [\w-]+\b`,
        "i",
      ),
    },
    count: {
      question: /\bhow many\b/,
      framing: [],
      sentence: new RegExp(String.raw`\b(?:\d+|${NUMBER})\b`, "i"),
    },
    colour: {
      question: /\b(?:what|which) colou?rs?\b|\bcolou?r (?:options|choices)\b/,
      framing: ["colour", "colours", "color", "colors"],
      // Colours as a shop names them; the word "colour" alone ("the size or colour you want") names none.
      sentence:
        /\b(?:black|white|off-white|grey|gray|silver|gold|golden|beige|cream|ivory|sand|brown|tan|taupe|camel|natural|navy|blue|teal|turquoise|green|olive|sage|khaki|red|burgundy|pink|blush|orange|terracotta|rust|yellow|mustard|ochre|purple|lilac|lavender|charcoal|anthracite|multicolou?red)\b/i,
    },
  },
};

/**
 * A question that opens by asking how to do something ("how do I check ...", "how can we see ..."), or asks where or
 * how to find out the fact ("I can't find where to check how much is left on it"): the fact is what it looks up.
 */
const PROCEDURE =
  /^\W*how (?:do|can|could|should|would) (?:i|we|you)\b(?! (?:have|need|wait)\b)|\b(?:check|see|find out|look up|view)(?: \w+)? how (?:much|long|many)\b/;

/**
 * A question that asks how to do something ("how do I return a rug?", "how can we change the address?"). Narrower than
 * messages.ts's asksHowTo, which also takes whether one may ("Can I return it?", answered by the rule, not the steps).
 */
const HOW_TO =
  /^\W*(?:(?:ok|okay|so|and|alright|right|great|cool|thanks|then)\W+)*how (?:do|can|could|should|would) (?:i|we)\b(?! (?:have|need|wait|know)\b)/;

/**
 * A sentence that says what to do: an instruction ("Click Unsubscribe", "To start a return, open the Orders page",
 * "If it arrives damaged, send us a photo") or where the setting is ("under Account settings, then Privacy").
 */
const STEPS =
  /^(?:(?:to|if|when|once) [^,.]+, )?(?:please )?(?:click|tap|press|select|choose|open|go|visit|sign|log|enter|fill|follow|print|attach|drop|send|email|contact|call|start|turn|use|request|download)\b|\b(?:click|tap)\b|\bunder [^,.]+, then\b/i;

/** Whether a question asks how to do something, so that a sentence saying what to do answers it first. English only. */
export function asksForSteps(question: string, language: string): boolean {
  return language === "en" && HOW_TO.test(question.toLowerCase().replaceAll("’", "'").trim());
}

/** Whether a sentence says what to do (see STEPS). */
export function statesSteps(sentence: string): boolean {
  return STEPS.test(sentence.trim());
}

/** The kind of fact a question asks for, or null when its wording does not say (or the language has no cues). */
export function expectedAnswer(question: string, language: string): ExpectedAnswer | null {
  const rules = RULES[language];
  if (!rules) return null;
  const q = question.toLowerCase().replaceAll("’", "'");
  // "How do I check how much is left on my gift card?" asks how to do something; the amount is what it finds.
  if (PROCEDURE.test(q)) return null;
  for (const kind of ["duration", "amount", "charge", "size", "count", "colour"] as const) {
    const r = rules[kind];
    if (r.question.test(q)) return { kind, framing: r.framing };
  }
  return null;
}

/** Whether a sentence states a fact of that kind ("within 5 business days", "4.95 euros", "Price eur: 249"). */
export function statesAnswer(kind: AnswerKind, sentence: string, language: string): boolean {
  const r = RULES[language]?.[kind];
  return r ? r.sentence.test(sentence) : false;
}

/**
 * Words a duration qualifies directly, written as one modifier: "warranty" of "a two-year warranty", "return" of
 * "our 30-day return window". Such a sentence defines how long that thing lasts; a sentence that merely mentions it
 * near some other duration ("we answer warranty claims within three business days") does not.
 */
export function durationQualifies(sentence: string, language: string): string[] {
  if (language !== "en") return [];
  const words: string[] = [];
  for (const m of sentence.matchAll(QUALIFYING_DURATION)) words.push(m[1]!.toLowerCase());
  return words;
}

const QUALIFYING_DURATION = new RegExp(
  String.raw`\b${NUMBER}-(?:business-|working-|calendar-)?(?:minute|hour|day|week|month|year)\s+(\p{L}+)`,
  "giu",
);
