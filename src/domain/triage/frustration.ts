// Frustration of a customer in [0, 1] from observable cues, and its trend across the conversation, so a person can
// step in before the customer gives up. Every cue that fired is returned: the score has to explain itself.
import type { Cue, HistoryTurn } from "./types.ts";
import { type AnalysedText, analyseText, WordTable, wordHash } from "./text.ts";
import { scoreSentiment } from "./sentiment.ts";

export interface FrustrationResult {
  /** [0, 1]. */
  score: number;
  cues: Cue[];
  /** Least-squares slope of frustration per customer turn over the recent turns; positive = rising. 0 with < 3 turns. */
  trend: number;
  /** Frustration of the recent customer turns, oldest first, ending with this message. */
  turnScores: number[];
  /** The customer asked for a person, in any phrasing Tandem knows. */
  humanRequested: boolean;
  /** This message nearly repeats an earlier customer message. */
  repeated: boolean;
}

/** How many earlier customer turns feed repetition and trend; older ones say little about now. */
export const TREND_TURNS = 6;
/** History turns are analysed only this far: the cues of an old turn are in its first lines. */
const HISTORY_CHARS = 1000;
/** Token overlap (Jaccard) at which a message counts as asking the same thing again. */
const REPEAT_SIMILARITY = 0.6;

// JavaScript's \b only knows ASCII letters, so "déjà" or "già" would never end a word: swap in a Unicode boundary.
const BOUNDARY = String.raw`(?:(?<![\p{L}\p{N}])(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])(?![\p{L}\p{N}]))`;
function wordRe(source: string): RegExp {
  return new RegExp(source.replaceAll(String.raw`\b`, BOUNDARY), "u");
}

/**
 * A cue regex and its gate: the regex can only match when one of `when`'s entries holds, an entry being word sets
 * (space-separated words) of which the message must contain at least one word each.
 */
interface GatedRegex {
  re: RegExp;
  when: string[][];
}

interface PhraseRule extends GatedRegex {
  kind: string;
  weight: number;
}

/** Special gate word sets: a word starting like a swear word; a non-ASCII word holding "human", "agent"... */
const PROFANITY_PREFIX = "@profanity-prefix";
const EMBEDDED_HUMAN = "@embedded-human";

// Word choice that signals exasperation. English first, then Spanish, French, German, Portuguese, Italian, Dutch.
const PHRASE_RULES: PhraseRule[] = [
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
      String.raw`\b(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|nth|umpteenth|hundredth) time\b|\b(?:\d+|two|three|four|five|several|multiple|many|countless|so many) times\b|\bhow many times\b|\bover and over\b|\bagain and again\b|\bonce again\b`,
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
        "waste worst helps answers replies responds cares response reply answer now been kidding serious joking seriously",
      ],
    ],
    re: wordRe(
      String.raw`\b(?:waste of (?:my )?(?:time|money)|worst (?:service|support|company|experience|customer)|nobody (?:helps|answers|replies|responds|cares)|no one (?:helps|answers|replies|responds|cares)|no (?:response|reply|answer) (?:yet|at all|from)|(?:for|in) (?:days|weeks|months|hours) now|been waiting (?:for )?(?:days|weeks|months|hours|forever|ages)|are you (?:kidding|serious|joking))\b|\bseriously\?`,
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
// alternation of all the parts would return, but each part only runs when its words are present (see Gate).
// The last six parts are Spanish, French, German, Portuguese, Italian and Dutch.
const HUMAN_REQUEST_PARTS: GatedRegex[] = [
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
const PROFANITY: GatedRegex = {
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
/** First letters of PROFANITY_PREFIXES: most words start with none of them and skip the eight startsWith calls. */
const PROFANITY_FIRST_LETTER = new Uint8Array(128);
for (const prefix of PROFANITY_PREFIXES) PROFANITY_FIRST_LETTER[prefix.charCodeAt(0)] = 1;
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
const ALL_CUE_REGEXES: GatedRegex[] = [...PHRASE_RULES, ...HUMAN_REQUEST_PARTS, PROFANITY];
const FIRST_HUMAN_PART = PHRASE_RULES.length;
const PROFANITY_INDEX = ALL_CUE_REGEXES.length - 1;

/** Word set (space-separated words) -> its group number; the special sets PROFANITY_PREFIX and EMBEDDED_HUMAN. */
const GROUPS = new Map<string, number>([
  [PROFANITY_PREFIX, 0],
  [EMBEDDED_HUMAN, 1],
]);
/** Word -> the groups it belongs to (a Map while building, then a WordTable). */
const groupsOfWord = new Map<string, number[]>();
const GATES: number[][][] = ALL_CUE_REGEXES.map((rule) =>
  rule.when.map((all) =>
    all.map((set) => {
      let g = GROUPS.get(set);
      if (g === undefined) {
        g = GROUPS.size;
        GROUPS.set(set, g);
        for (const w of set.split(" ")) {
          const list = groupsOfWord.get(w) ?? [];
          if (!list.includes(g)) list.push(g);
          groupsOfWord.set(w, list);
        }
      }
      return g;
    }),
  ),
);
const WORD_GROUPS = new WordTable(groupsOfWord);
/** Scratch: which groups the current message has (reused; analysis is synchronous). */
const present = new Uint8Array(GROUPS.size);
const RUN_RE = /[\p{L}\p{N}]+/gu;

/** Every cue regex, in the order cueGates reports them; for the test that checks the gates against the regexes. */
export const CUE_REGEXES: readonly RegExp[] = ALL_CUE_REGEXES.map((rule) => rule.re);

function markRun(run: string, hash: number): number {
  let marked = 0;
  const groups = WORD_GROUPS.get(run, hash);
  if (groups !== undefined) {
    for (const g of groups) present[g] = 1;
    marked = 1;
  }
  const first = run.charCodeAt(0);
  if (run.length >= 4 && first < 128 && PROFANITY_FIRST_LETTER[first] === 1) {
    for (const prefix of PROFANITY_PREFIXES) {
      if (run.startsWith(prefix)) {
        present[0] = 1; // PROFANITY_PREFIX
        return 1;
      }
    }
  }
  return marked;
}

/**
 * Marks in `present` the groups of the message's words; returns false when none was found (no gate can open).
 * Words are the tokens' lower-cased forms cut at anything but letters and digits ("i've" -> "i", "ve"): the runs of
 * the lower-cased text the regexes read. Letters inside emoticons ("xD", ":p") never form a gate word.
 */
function markWords(analysed: AnalysedText): boolean {
  present.fill(0);
  let marked = 0;
  for (const t of analysed.tokens) {
    if (t.kind !== "word") continue;
    const norm = t.norm;
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
      marked |= markRun(norm, t.hash);
    } else if (ascii) {
      let from = 0;
      for (let i = 0; i <= norm.length; i++) {
        const c = i < norm.length ? norm.charCodeAt(i) : 0;
        if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
        if (i > from) {
          const run = norm.slice(from, i);
          marked |= markRun(run, wordHash(run));
        }
        from = i + 1;
      }
    } else {
      RUN_RE.lastIndex = 0;
      for (let m = RUN_RE.exec(norm); m !== null; m = RUN_RE.exec(norm)) {
        marked |= markRun(m[0], wordHash(m[0]));
        for (const w of HUMAN_REQUEST_EMBEDDED) {
          if (m[0].includes(w)) {
            present[1] = 1; // EMBEDDED_HUMAN
            marked = 1;
          }
        }
      }
    }
  }
  return marked !== 0;
}

function gateOpen(index: number): boolean {
  for (const all of GATES[index] as number[][]) {
    let open = true;
    for (const g of all) {
      if (present[g] === 0) {
        open = false;
        break;
      }
    }
    if (open) return true;
  }
  return false;
}

/** For each of CUE_REGEXES, whether its gate lets it run on this message. */
export function cueGates(analysed: AnalysedText): boolean[] {
  const any = markWords(analysed);
  return ALL_CUE_REGEXES.map((_, i) => any && gateOpen(i));
}

export function scoreFrustration(
  current: AnalysedText | string,
  history: readonly HistoryTurn[] | undefined,
  sentiment?: number,
): FrustrationResult {
  const analysed = typeof current === "string" ? analyseText(current) : current;
  const own = messageCues(analysed, sentiment ?? scoreSentiment(analysed).score);
  const cues = own.cues;
  const humanRequested = own.humanRequested;

  // Earlier customer turns, most recent last, bounded.
  let earlier: readonly HistoryTurn[] = NO_TURNS;
  if (history !== undefined && history.length > 0) {
    const found: HistoryTurn[] = [];
    for (let i = history.length - 1; i >= 0 && found.length < TREND_TURNS; i--) {
      const turn = history[i];
      if (turn !== undefined && turn.role === "customer" && typeof turn.text === "string") found.push(turn);
    }
    earlier = found.reverse();
  }

  const ownWords = earlier.length > 0 ? contentWords(analysed) : EMPTY_WORDS; // only repetition reads it
  let repeated = false;
  const turnScores: number[] = [];
  const earlierWords: Set<string>[] = [];
  for (const turn of earlier) {
    const a = analyseText(turn.text.length > HISTORY_CHARS ? turn.text.slice(0, HISTORY_CHARS) : turn.text);
    const words = contentWords(a);
    if (turn.frustration !== undefined && Number.isFinite(turn.frustration)) {
      turnScores.push(clamp01(turn.frustration));
    } else {
      // A turn that repeats an even earlier one was frustrated too, which is what makes the trend rise.
      const c = messageCues(a, scoreSentiment(a).score);
      let s = c.score;
      if (earlierWords.some((w) => similar(words, w))) s = noisyOr(s, REPEAT_WEIGHT);
      turnScores.push(s);
    }
    if (!repeated && similar(ownWords, words)) repeated = true;
    earlierWords.push(words);
  }
  if (repeated) cues.push({ kind: "repetition", text: analysed.text.slice(0, 80), weight: REPEAT_WEIGHT });

  let score = own.score;
  if (repeated) score = noisyOr(score, REPEAT_WEIGHT);
  turnScores.push(round(score));

  const trend = turnScores.length >= 3 ? slope(turnScores) : 0;
  if (trend > 0.05) {
    const w = Math.min(0.35, trend);
    score = noisyOr(score, w);
    cues.push({ kind: "trend", text: `rising over ${turnScores.length} turns`, weight: round(w) });
  }
  // Frustration is a state of the conversation: a calm "ok" right after an angry turn is not calm yet.
  const previous = turnScores.length >= 2 ? (turnScores[turnScores.length - 2] as number) : 0;
  if (previous >= 0.3) {
    const w = previous * CARRY_OVER;
    score = noisyOr(score, w);
    cues.push({ kind: "carry_over", text: "frustrated in the previous turn", weight: round(w) });
  }
  return { score: round(score), cues, trend: round(trend), turnScores, humanRequested, repeated };
}

/** A message without history allocates no list of earlier turns. */
const NO_TURNS: readonly HistoryTurn[] = [];
const REPEAT_WEIGHT = 0.35;
const CARRY_OVER = 0.5;

interface MessageCues {
  score: number;
  cues: Cue[];
  humanRequested: boolean;
}

/** Cues a single message shows on its own, combined as independent pieces of evidence (noisy OR). */
function messageCues(analysed: AnalysedText, sentiment: number): MessageCues {
  const cues: Cue[] = [];
  let humanRequested = false;
  if (markWords(analysed)) {
    // The lower-cased text the regexes read, made only once a gate opens (most messages open none).
    let lower: string | undefined;
    for (let i = 0; i < PHRASE_RULES.length; i++) {
      if (!gateOpen(i)) continue;
      lower ??= lowerText(analysed);
      const m = (ALL_CUE_REGEXES[i] as GatedRegex).re.exec(lower);
      if (m !== null)
        cues.push({
          kind: (PHRASE_RULES[i] as PhraseRule).kind,
          text: m[0],
          weight: (PHRASE_RULES[i] as PhraseRule).weight,
        });
    }
    let human: RegExpExecArray | null = null;
    for (let i = FIRST_HUMAN_PART; i < PROFANITY_INDEX; i++) {
      if (!gateOpen(i)) continue;
      lower ??= lowerText(analysed);
      const m = (ALL_CUE_REGEXES[i] as GatedRegex).re.exec(lower);
      if (m !== null && (human === null || m.index < human.index)) human = m;
    }
    if (human !== null) {
      humanRequested = true;
      cues.push({ kind: "human_request", text: human[0].trim(), weight: 0.3 });
    }
    const profanity = gateOpen(PROFANITY_INDEX)
      ? (ALL_CUE_REGEXES[PROFANITY_INDEX] as GatedRegex).re.exec((lower ??= lowerText(analysed)))
      : null;
    if (profanity !== null) cues.push({ kind: "profanity", text: profanity[0], weight: 0.35 });
  }

  // Shouting: most words in capitals, or several long capitalised words (a lone "USA" or "ID" is an acronym).
  let longCaps = 0;
  for (const t of analysed.tokens) if (t.caps && t.raw.length >= 4) longCaps++;
  if (analysed.wordCount >= 3 && analysed.capsWordCount / analysed.wordCount >= 0.6) {
    cues.push({ kind: "caps", text: "ALL CAPS", weight: 0.3 });
  } else if (longCaps >= 2) {
    cues.push({ kind: "caps", text: `${longCaps} words in capitals`, weight: 0.15 });
  }

  // Punctuation runs: "!!!", "???", "?!?".
  let bestRun = "";
  for (const t of analysed.tokens) {
    if (t.kind !== "punct" || t.raw.length < 2) continue;
    let marks = 0;
    for (let k = 0; k < t.raw.length; k++) {
      const c = t.raw.charCodeAt(k);
      if (c === 33 || c === 63) marks++;
    }
    if (marks >= 2 && marks > bestRun.length) bestRun = t.raw;
  }
  if (bestRun !== "")
    cues.push({ kind: "punctuation", text: bestRun, weight: bestRun.length >= 3 ? 0.25 : 0.15 });

  if (sentiment < -0.25)
    cues.push({ kind: "negative_sentiment", text: String(sentiment), weight: round(-sentiment * 0.4) });

  let score = 0;
  for (const c of cues) score = noisyOr(score, c.weight);
  return { score: round(score), cues, humanRequested };
}

function lowerText(analysed: AnalysedText): string {
  return analysed.text.toLowerCase().replaceAll("’", "'");
}

const STOPWORDS = new Set([
  "the",
  "a",
  "an",
  "i",
  "my",
  "me",
  "you",
  "your",
  "it",
  "is",
  "are",
  "to",
  "of",
  "and",
  "or",
  "in",
  "on",
  "for",
  "this",
  "that",
  "do",
  "does",
  "can",
  "be",
  "was",
  "have",
  "has",
  "with",
  "at",
  "so",
  "please",
  "hi",
  "hello",
]);

const EMPTY_WORDS: ReadonlySet<string> = new Set();

function contentWords(a: AnalysedText): Set<string> {
  const words = new Set<string>();
  for (const t of a.tokens)
    if (t.kind === "word" && t.norm.length > 1 && !STOPWORDS.has(t.norm)) words.add(t.norm);
  return words;
}

/** Near-duplicate: enough shared content words that the customer is asking the same thing again. */
function similar(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size < 3 || b.size < 3) return false; // "ok thanks" twice is not asking the same question
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared) >= REPEAT_SIMILARITY;
}

function slope(ys: number[]): number {
  const n = ys.length;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (const y of ys) meanY += y;
  meanY /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - meanX) * ((ys[i] as number) - meanY);
    den += (i - meanX) * (i - meanX);
  }
  return den === 0 ? 0 : num / den;
}

function noisyOr(a: number, b: number): number {
  return 1 - (1 - a) * (1 - clamp01(b));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
