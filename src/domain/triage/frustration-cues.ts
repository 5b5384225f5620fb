// What frustration looks for in a message: the cue regexes (word choice, asking for a person, swearing) and the
// gate of each, the words any match must contain. Data apart from the scoring (frustration.ts), so that the shared
// vocabulary (vocabulary.ts) can record, per word, which gates the word opens.

// JavaScript's \b only knows ASCII letters, so "déjà" or "già" would never end a word: swap in a Unicode boundary.
const BOUNDARY = String.raw`(?:(?<![\p{L}\p{N}])(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])(?![\p{L}\p{N}]))`;
function wordRe(source: string): RegExp {
  return new RegExp(source.replaceAll(String.raw`\b`, BOUNDARY), "u");
}

/**
 * A cue regex and its gate: the regex can only match when one of `when`'s entries holds, an entry being word sets
 * (space-separated words) of which the message must contain at least one word each.
 */
export interface GatedRegex {
  re: RegExp;
  when: string[][];
}

export interface PhraseRule extends GatedRegex {
  kind: string;
  weight: number;
}

/** Special gate word sets: a word starting like a swear word; a non-ASCII word holding "human", "agent"... */
const PROFANITY_PREFIX = "@profanity-prefix";
const EMBEDDED_HUMAN = "@embedded-human";

// Word choice that signals exasperation. English first, then Spanish, French, German, Portuguese, Italian, Dutch.
export const PHRASE_RULES: PhraseRule[] = [
  {
    kind: "phrase",
    weight: 0.35,
    when: [["ridiculous absurd unacceptable outrageous pathetic insane joke useless incompetent hopeless"]],
    re: wordRe(
      String.raw`\b(?:this is|that's|it's|so|how|absolutely|completely) (?:ridiculous|absurd|unacceptable|outrageous|pathetic|insane|a joke)\b|\b(?:ridiculous|unacceptable|outrageous|pathetic|useless|incompetent|hopeless)\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.4,
    when: [["already everything"]],
    re: wordRe(
      String.raw`\b(?:i(?:'ve| have)? )?already (?:tried|did|done|told|said|explained|sent|asked|checked|restarted|reset|called|contacted|followed)\b|\b(?:tried|did) (?:that|this|it|everything) already\b|\btried everything\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.4,
    when: [["still yet again"]],
    re: wordRe(
      String.raw`\bstill (?:not|no|doesn't|does not|isn't|is not|won't|can't|cannot|haven't|hasn't|didn't|nothing|broken|waiting|the same|wrong|down)\b|\b(?:not|isn't|doesn't) (?:working|fixed|resolved|solved) (?:yet|again)\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.45,
    when: [["time times over again"]],
    re: wordRe(
      String.raw`\b(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|nth|umpteenth|hundredth) time\b|\b(?:\d+|two|three|four|five|several|multiple|(?<!how )many|countless|so many) times\b|\bhow many (?:more )?times\b(?! (?:can|could|may|per|a|an|each|is|are|has|does|do you|have you|will (?:it|you|the)|should (?:it|you|the))\b)|\bover and over\b|\bagain and again\b|\bonce again\b`,
    ),
  },
  {
    // A product that hurt someone or could have: not frustration (weight 0) but a product-safety matter, which triage
    // sends to a person at the legal tier whatever the intent model says (see triage.ts). Listed with the cues so
    // the agent sees why.
    kind: "safety",
    weight: 0,
    when: [
      [
        "shock shocked electrocuted fire flames smoke smoking sparks sparked burned burnt injured hurt toxic poisonous exploded overheating overheated choking",
      ],
    ],
    re: wordRe(
      String.raw`\b(?:(?:an |electric )?shock(?:ed)? (?:me|my|him|her|us|them)|(?:gave|give|gives) (?:me|him|her|us|them|my \S+) an? (?:electric )?shock|electrocuted|caught fire|(?:on|set) fire|burst into flames|smok(?:ing|e came)|sparks?(?: came| flew| when| from)|sparked|burn(?:ed|t) (?:me|my|him|her|us|our)|(?:injured|hurt) (?:me|my|him|her|himself|herself|myself|us|our)|(?<!non-?)toxic|(?<!non-?)poisonous|exploded|overheat(?:ed|ing)|choking hazard)\b`,
    ),
  },
  {
    // Sarcastic thanks: the customer is leaving angry, and "You're welcome!" is the worst reply there is.
    kind: "phrase",
    weight: 0.6,
    when: [["nothing wasting helping gee"]],
    re: wordRe(
      String.raw`\b(?:thanks|thank you|thx|ty) (?:a lot |so much |very much )?for (?:nothing|wasting my time|not helping)\b|\bgee,? thanks\b`,
    ),
  },
  {
    // Sarcastic praise: "great, just great", "oh, just perfect". The words alone read as delight.
    kind: "phrase",
    weight: 0.5,
    when: [["just"]],
    re: wordRe(
      String.raw`\b(great|perfect|wonderful|fantastic|brilliant|lovely|awesome),? just \1\b|\b(?:oh|well),? (?:that'?s |this is )?just (?:great|perfect|wonderful|fantastic|brilliant|lovely)\b`,
    ),
  },
  {
    // Having to say it all again: with "how many times" above, "How many times do I have to explain this?" reaches
    // the escalation line, which the count of times alone does not.
    kind: "phrase",
    weight: 0.4,
    when: [["explain explaining repeat repeating tell telling myself"]],
    re: wordRe(
      String.raw`\bhow many (?:more )?times (?:do|must|should|will|would|did|have) (?:i|we) (?:have to |need to |got to |gotta )?(?:explain|repeat|tell)\b|\brepeat(?:ing)? myself\b|\b(?:keep|kept) (?:having to )?(?:explaining|repeating)\b|\b(?:i|we) (?:have|had|need|needed) to (?:keep )?(?:explain|repeat|tell you)(?:ing)? (?:this |it |that |everything |all this |my (?:problem|issue) )?(?:again|every time|each time|over and over)\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.45,
    when: [["fed sick tired enough give straw patience never done"]],
    re: wordRe(
      String.raw`\b(?:fed up|sick of|tired of|had enough|enough is enough|i give up|last straw|losing my patience|lost my patience|never again|done with (?:you|this|your))\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.3,
    when: [
      [
        "waste worst helps answers replies responds cares response reply answer now been kidding serious joking seriously waiting wait replied answered responded got gotten",
      ],
    ],
    re: wordRe(
      String.raw`\b(?:waste of (?:my )?(?:time|money)|worst (?:service|support|company|experience|customer)|nobody (?:helps|answers|replies|responds|cares)|no one (?:helps|answers|replies|responds|cares)|(?:hasn't|has not|haven't|have not) (?:anyone|anybody|you|your team) (?:replied|answered|responded|got back|gotten back)|(?:nobody|no one) (?:has |have )?(?:replied|answered|responded|got back|gotten back)|no (?:response|reply|answer) (?:yet|at all|from)|(?:for|in) (?:days|weeks|months|hours) now|been waiting (?:for )?(?:days|weeks|months|hours|forever|ages|(?:over |more than )?(?:\d+|two|three|four|five|six|several|many) (?:days|weeks|months|hours))|are you (?:kidding|serious|joking)|another (?:day|week|month|hour)s? (?:of waiting|to wait)|(?:days|weeks|months|hours) of waiting)\b|\bseriously\?`,
    ),
  },
  {
    // What was promised did not happen: not angry words, but the customer is already let down.
    kind: "phrase",
    weight: 0.3,
    when: [["never"]],
    re: wordRe(
      String.raw`\bnever (?:arrived|came|showed up|turned up|got (?:it|them|my|a|an|the|any)|received|got delivered|was delivered|were delivered|got refunded|was refunded|heard back|got back to me|called (?:me )?back)\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.3,
    when: [["people guys happening failing crashing breaking getting"]],
    re: wordRe(
      String.raw`\b(?:you (?:people|guys) (?:are|never|always|keep))|\b(?:keep|keeps) (?:happening|failing|crashing|breaking|getting)\b`,
    ),
  },
  {
    kind: "phrase",
    weight: 0.35,
    when: [
      [
        "ridículo ridícula inaceptable inaceitável todavía sigue vez nuevo intenté probé hice harto harta ridicule inadmissible inacceptable toujours fois déjà marre quoi lächerlich unverschämt inakzeptabel immer wieder habe reicht ainda novo tentei ridicolo inaccettabile ancora nuovo già belachelijk onacceptabel steeds alweer heb",
      ],
    ],
    re: wordRe(
      String.raw`\b(?:ridículo|ridícula|inaceptable|inaceitável|todavía no|sigue sin|sigue igual|otra vez|de nuevo|ya (?:lo )?(?:intenté|probé|hice)|estoy harto|estoy harta|ridicule|inadmissible|inacceptable|toujours pas|encore une fois|j'ai déjà|j’ai déjà|(?:j'en ai|j’en ai) marre|n'importe quoi|lächerlich|unverschämt|inakzeptabel|immer noch nicht|schon wieder|habe (?:es|das) schon|es reicht|ainda não|de novo|já tentei|ridicolo|inaccettabile|ancora non|di nuovo|ho già|belachelijk|onacceptabel|nog steeds niet|alweer|heb al)\b`,
    ),
  },
];

// Asking for a person, one regex per phrasing, matched on the lower-cased text; one hit is enough. The cue is the
// first match in the text, and of matches starting at the same place the earlier part's: exactly what a single
// alternation of all the parts would return, but each part only runs when its words are present (see GATES).
// The last six parts are Spanish, French, German, Portuguese, Italian and Dutch.
export const HUMAN_REQUEST_PARTS: GatedRegex[] = [
  {
    re: wordRe(
      String.raw`\b(?:talk|speak|chat|connect|transfer|put|get|escalate)(?: me)? (?:to|with|through to|me to) (?:a |an |some |your |the )?(?:real |actual |live |human |proper )*(?:human|person|people|agent|representative|rep|someone|somebody|manager|supervisor|operator|staff|employee|being|advisor|adviser|specialist|team member)\b`,
    ),
    when: [
      [
        "talk speak chat connect transfer put get escalate",
        "human person people agent representative rep someone somebody manager supervisor operator staff employee being advisor adviser specialist member",
      ],
    ],
  },
  {
    re: wordRe(
      String.raw`\b(?:get|give|find|bring) me (?:a |an |the |your |to a |to an )?(?:real |actual |live )?(?:human|person|manager|supervisor|agent|representative|someone real)\b`,
    ),
    when: [["get give find bring", "me", "human person manager supervisor agent representative someone"]],
  },
  {
    re: wordRe(
      String.raw`\b(?:real|actual|live|human) (?:person|human|agent|being|representative|support|operator)\b`,
    ),
    when: [["real actual live human", "person human agent being representative support operator"]],
  },
  {
    re: wordRe(String.raw`\b(?:human|agent|representative|operator|person|manager),? please\b`),
    when: [["human agent representative operator person manager", "please"]],
  },
  {
    re: wordRe(
      String.raw`\b(?:need|want|get|give me|find me|request|requesting) (?:a |an |to talk to a |to speak to a |to speak with a |to talk with a )?(?:human|real person|representative|supervisor|manager|live agent|human agent|person to talk to)\b`,
    ),
    when: [
      ["need want get give find request requesting", "human person representative supervisor manager agent"],
    ],
  },
  {
    re: wordRe(
      String.raw`\b(?:are you|is this|am i (?:talking|speaking|chatting) (?:to|with)) (?:a |an )?(?:bot|robot|machine|computer|ai|real person|human)\b`,
    ),
    when: [["are is am", "bot robot machine computer ai person human"]],
  },
  {
    re: wordRe(
      String.raw`\b(?:stop|no more|enough of|not) (?:the |this |a |talking to a )?(?:bot|robot|automated|machine)\b`,
    ),
    when: [["stop more enough not", "bot robot automated machine"]],
  },
  {
    re: wordRe(String.raw`^\W*(?:human|agent|representative|operator|live agent|real person)\W*$`),
    when: [["human agent representative operator person"], [EMBEDDED_HUMAN]],
  },
  {
    re: wordRe(
      String.raw`\b(?:hablar|comunicarme|contactar) con (?:una |un |alguna |algún |algun )?(?:persona|humano|agente|representante|asesor|asesora|operador|operadora|alguien|encargado|supervisor)\b|\b(?:persona|agente) real\b|\bun humano\b`,
    ),
    when: [
      ["hablar comunicarme contactar", "con"],
      ["persona agente", "real"],
      ["un", "humano"],
    ],
  },
  {
    re: wordRe(
      String.raw`\b(?:parler|discuter) (?:à|a|avec) (?:un |une |le |la |des )?(?:vrai |vraie |véritable )?(?:humain|humaine|personne|conseiller|conseillère|agent|opérateur|opératrice|responsable|quelqu'un)\b|\bun (?:vrai|véritable) (?:humain|conseiller|agent)\b|\bune (?:vraie|véritable) personne\b`,
    ),
    when: [["parler discuter"], ["vrai véritable", "un"], ["vraie véritable", "personne"]],
  },
  {
    re: wordRe(
      String.raw`\b(?:mit )?(?:einem |einer |einen )?(?:echten )?(?:menschen|mitarbeiter|mitarbeiterin|berater|beraterin|person|kundenberater|sachbearbeiter) (?:sprechen|reden)\b|\b(?:echten|einen) menschen\b`,
    ),
    when: [["sprechen reden"], ["menschen"]],
  },
  {
    re: wordRe(
      String.raw`\bfalar com (?:um |uma |o |a )?(?:humano|pessoa|atendente|agente|operador|responsável|alguém|alguem)\b|\batendente humano\b|\bpessoa real\b`,
    ),
    when: [
      ["falar", "com"],
      ["atendente", "humano"],
      ["pessoa", "real"],
    ],
  },
  {
    re: wordRe(
      String.raw`\bparlare con (?:un |una |il |l')?(?:operatore|operatrice|persona|umano|essere umano|consulente|qualcuno)\b|\boperatore umano\b|\bpersona reale\b`,
    ),
    when: [
      ["parlare", "con"],
      ["operatore", "umano"],
      ["persona", "reale"],
    ],
  },
  {
    re: wordRe(
      String.raw`\b(?:spreken|praten) met (?:een )?(?:mens|medewerker|persoon|echt persoon|iemand)\b|\bmet (?:een )?(?:echte )?(?:mens|medewerker|persoon) (?:spreken|praten)\b|\becht(?:e)? (?:mens|persoon)\b`,
    ),
    when: [
      ["spreken praten", "met"],
      ["echt echte", "mens persoon"],
    ],
  },
];

// Swearing, as whole words or word starts. Milder words ("damn", "crap") count as much: they still show heat.
export const PROFANITY: GatedRegex = {
  re: wordRe(
    String.raw`\b(?:fuck\w*|f\*+k\w*|wtf|shit\w*|sh\*t|bullshit|crap\w*|damn\w*|goddamn\w*|hell no|bloody hell|piss(?:ed)?|asshole\w*|arse|bastard\w*|bitch\w*|screw (?:you|this|it)|merde|putain|bordel|mierda|joder|coño|carajo|scheiße|scheisse|verdammt|porra|caralho|merda|cazzo|vaffanculo|godverdomme|verdomme)\b`,
  ),
  when: [
    [
      "wtf f sh bullshit hell bloody piss pissed arse screw merde putain bordel mierda joder coño carajo scheiße" +
        " scheisse verdammt porra caralho merda cazzo vaffanculo godverdomme verdomme",
    ],
    [PROFANITY_PREFIX],
  ],
};
/** The \w* entries above: a word starting with one of these may match. */
const PROFANITY_PREFIXES = ["fuck", "shit", "crap", "damn", "goddamn", "asshole", "bastard", "bitch"];
/** PROFANITY_PREFIXES by first letter (ASCII): a word is compared with the one or two that start like it. */
const PROFANITY_BY_FIRST: (string[] | undefined)[] = new Array(128).fill(undefined);
for (const prefix of PROFANITY_PREFIXES) (PROFANITY_BY_FIRST[prefix.charCodeAt(0)] ??= []).push(prefix);
/**
 * The one part not bounded by letters: "^\W*human\W*$" (\W is ASCII-only) also matches "éhuman", where "human" is
 * not a whole word, so a word holding a non-ASCII letter is searched for these inside.
 */
const HUMAN_REQUEST_EMBEDDED = ["human", "agent", "representative", "operator", "person"];

// Running every cue regex over every message cost more than the rest of triage together: their Unicode word
// boundaries are lookbehinds, which defeat the regex engine's fast literal scans (the request for a person alone
// took ~7 µs each time it ran). So each regex carries a gate: words any match must contain as whole words
// (maximal runs of letters and digits, exactly what the regexes' boundaries delimit), e.g. a match of
// "still (not|...)" contains the word "still". One pass over the message's words opens the gates, and only regexes
// behind open gates run, unchanged, so the cues and their evidence are exactly what running every regex would give.
export const ALL_CUE_REGEXES: readonly GatedRegex[] = [...PHRASE_RULES, ...HUMAN_REQUEST_PARTS, PROFANITY];
export const FIRST_HUMAN_PART = PHRASE_RULES.length;
export const PROFANITY_INDEX = ALL_CUE_REGEXES.length - 1;

/**
 * A set of gate groups (word sets of the `when` lists, numbered in order of first use) as bits: groups 0-31 in `lo`,
 * 32-63 in `hi`. Two numbers rather than an array, so opening and testing gates is a few integer operations.
 */
export interface GateBits {
  lo: number;
  hi: number;
}

/** Word set (space-separated words) -> its group number; the special sets PROFANITY_PREFIX and EMBEDDED_HUMAN. */
const GROUPS = new Map<string, number>([
  [PROFANITY_PREFIX, 0],
  [EMBEDDED_HUMAN, 1],
]);
const PROFANITY_PREFIX_BIT = 1 << 0; // in GateBits.lo
const EMBEDDED_HUMAN_BIT = 1 << 1;
/** Word -> the bits of the groups it belongs to. */
const GATE_WORDS = new Map<string, GateBits>();

function addGroup(bits: GateBits, group: number): void {
  if (group < 32) bits.lo |= 1 << group;
  else if (group < 64) bits.hi |= 1 << (group - 32);
  else throw new Error("more than 64 gate word sets: widen GateBits");
}

/** Per entry of ALL_CUE_REGEXES, its gate: the regex may match when all groups of one of these sets are present. */
const GATES: readonly (readonly GateBits[])[] = ALL_CUE_REGEXES.map((rule) =>
  rule.when.map((all) => {
    const need: GateBits = { lo: 0, hi: 0 };
    for (const set of all) {
      let g = GROUPS.get(set);
      if (g === undefined) {
        g = GROUPS.size;
        GROUPS.set(set, g);
        for (const w of set.split(" ")) {
          const bits = GATE_WORDS.get(w) ?? { lo: 0, hi: 0 };
          addGroup(bits, g);
          GATE_WORDS.set(w, bits);
        }
      }
      addGroup(need, g);
    }
    return need;
  }),
);
if (ALL_CUE_REGEXES.length > 31) throw new Error("more than 31 cue regexes: widen openGates' result");

// The gate sets filed under their lowest group, flattened: a message holds few groups, so only the sets filed under
// those are tested, rather than every set of every regex. Sets filed under group g are entries FILED_START[g] to
// FILED_START[g + 1] - 1 of FILED_LO, FILED_HI (the set) and FILED_REGEX (whose gate it is).
const filed: { group: number; need: GateBits; regex: number }[] = GATES.flatMap((sets, regex) =>
  sets.map((need) => ({ group: lowestGroup(need), need, regex })),
).sort((a, b) => a.group - b.group);
const FILED_START = Int32Array.from({ length: 65 }, (_, g) => filed.filter((f) => f.group < g).length);
const FILED_LO = Int32Array.from(filed, (f) => f.need.lo);
const FILED_HI = Int32Array.from(filed, (f) => f.need.hi);
const FILED_REGEX = Int32Array.from(filed, (f) => f.regex);

function lowestGroup(bits: GateBits): number {
  return bits.lo !== 0 ? 31 - Math.clz32(bits.lo & -bits.lo) : 63 - Math.clz32(bits.hi & -bits.hi);
}

/** Every word of a gate word set, for the vocabulary to record its gates. */
export const GATE_WORD_LIST: readonly string[] = [...GATE_WORDS.keys()];

/** The regexes whose gates the groups `present` open, as bits: bit i for ALL_CUE_REGEXES[i]. */
export function openGates(present: GateBits): number {
  let open = 0;
  for (let m = present.lo; m !== 0; m &= m - 1) open |= openFiledUnder(31 - Math.clz32(m & -m), present);
  for (let m = present.hi; m !== 0; m &= m - 1) open |= openFiledUnder(63 - Math.clz32(m & -m), present);
  return open;
}

function openFiledUnder(group: number, present: GateBits): number {
  let open = 0;
  for (let k = FILED_START[group] as number, end = FILED_START[group + 1] as number; k < end; k++) {
    const needLo = FILED_LO[k] as number;
    const needHi = FILED_HI[k] as number;
    if ((present.lo & needLo) === needLo && (present.hi & needHi) === needHi)
      open |= 1 << (FILED_REGEX[k] as number);
  }
  return open;
}

const RUN_RE = /[\p{L}\p{N}]+/gu;

function addRun(run: string, into: GateBits): void {
  const bits = GATE_WORDS.get(run);
  if (bits !== undefined) {
    into.lo |= bits.lo;
    into.hi |= bits.hi;
  }
  addProfanityPrefix(run, into);
}

function addProfanityPrefix(run: string, into: GateBits): void {
  if (run.length < 4) return; // the shortest prefix has four letters
  const candidates = PROFANITY_BY_FIRST[run.charCodeAt(0)]; // undefined past ASCII too
  if (candidates === undefined) return;
  for (const prefix of candidates) {
    if (run.startsWith(prefix)) {
      into.lo |= PROFANITY_PREFIX_BIT;
      return;
    }
  }
}

/**
 * Adds to `into` the groups a word token opens. Words are tokens' lower-cased forms cut at anything but letters and
 * digits ("i've" -> "i", "ve"): the runs of the lower-cased text the regexes read. Letters inside emoticons ("xD",
 * ":p") never form a gate word. The vocabulary records this for every word it holds.
 */
export function addWordGates(norm: string, into: GateBits): void {
  let ascii = true;
  let plain = true;
  for (let i = 0; i < norm.length; i++) {
    const c = norm.charCodeAt(i);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) plain = false;
  }
  if (ascii && plain) {
    addRun(norm, into);
  } else if (ascii) {
    let from = 0;
    for (let i = 0; i <= norm.length; i++) {
      const c = i < norm.length ? norm.charCodeAt(i) : 0;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
      if (i > from) addRun(norm.slice(from, i), into);
      from = i + 1;
    }
  } else {
    RUN_RE.lastIndex = 0;
    for (let m = RUN_RE.exec(norm); m !== null; m = RUN_RE.exec(norm)) {
      addRun(m[0], into);
      for (const w of HUMAN_REQUEST_EMBEDDED) if (m[0].includes(w)) into.lo |= EMBEDDED_HUMAN_BIT;
    }
  }
}

/**
 * addWordGates for a word the vocabulary does not hold, so for no gate word: a plain word (Token.plain) can only
 * start like a swear word; the parts of another may still be gate words ("i've", "@agent").
 */
export function addUnknownWordGates(norm: string, plain: boolean, into: GateBits): void {
  if (plain) addProfanityPrefix(norm, into);
  else addWordGates(norm, into);
}
