// Which language a customer writes in, with confidence, so replies and agent routing can follow it.
//
// Hand-written rather than franc: franc's trigram profiles misread short support messages (it calls short English
// Afrikaans) and cost tens of microseconds; function words plus script ranges decide the languages Tandem
// supports in about a microsecond, and anything too short to judge falls back to what the conversation knows.
import { type AnalysedText, analyseText, type ScriptCounts, WordTable } from "./text.ts";

export const SUPPORTED_LATIN_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl"] as const;
export type LatinLanguage = (typeof SUPPORTED_LATIN_LANGUAGES)[number];

export interface LanguageResult {
  /** BCP-47 primary tag, or "und" when nothing can be said and no fallback is known. */
  language: string;
  /** [0, 1]; the fallback's confidence is reported as FALLBACK_CONFIDENCE. */
  confidence: number;
  source: "detected" | "fallback" | "undetermined";
}

/** Below this many words (or letters) a message is not judged: "ok", "hi", "merci" are said in every language. */
export const MIN_WORDS = 3;
export const MIN_LETTERS = 8;
/** Detection below this confidence yields to a known conversation language. */
export const MIN_CONFIDENCE = 0.35;
export const FALLBACK_CONFIDENCE = 0.5;

// The most frequent function words and support words of each language. A word shared by several languages
// ("de", "la", "que") counts for each of them; the words only one language uses decide.
const WORDS: Record<LatinLanguage, string> = {
  en:
    "a the and is are was were to of my i you it this that have has not with for on what how can please why do does did me your we be will would just still help account password thanks thank there where when get got an from at but they been am i'm it's don't can't my order still working tried already talk speak person human agent someone" +
    // Support vocabulary: terse English requests ("cancel purchase 123", "refund 299 dollars") have no function words.
    " order orders purchase cancel cancelling canceling cancellation refund refunds invoice delivery shipping address" +
    " change changing check checking help issue issues payment payments review new update updating edit editing" +
    " options information track tracking reset login sign subscription newsletter fee fees charges report" +
    " reporting creating user contact contacting customer service",
  es: "a el la los las de que y en es un una por para con no mi me se lo del al como pero más está estoy tengo quiero hola gracias favor pedido cuenta contraseña ayuda hablar persona ya muy sí cuando dónde qué cómo su sus le esto eso hay son todavía nada funciona sigue otra vez",
  fr: "le la les de des du et est un une je vous il pas ne que qui pour avec mon ma mes sur dans ce cette au aux sont suis ai avez bonjour merci commande compte mot passe aide parler personne toujours encore très mais ou où c'est j'ai n'est quand comment pourquoi veux voudrais s'il plaît fonctionne marche",
  de: "der die das und ist ich nicht ein eine zu mit sie es den dem auf für von mein meine bitte danke hallo noch immer schon wie was warum wo kann habe haben bin sind bestellung konto passwort hilfe mensch mitarbeiter sprechen funktioniert auch aber oder wenn kein keine nur sehr geht mir mich",
  pt: "o a os as de que e é um uma não do da dos das em no na para com por meu minha eu você está estou tenho quero olá obrigado obrigada pedido conta senha ajuda falar pessoa ainda mais muito mas como quando onde porque isso isto já funciona",
  it: "il lo la i gli le di che e è un una non per con mi ho sono mio mia del della nel al ma come quando dove perché ciao grazie ordine aiuto parlare persona ancora molto anche questo questa voglio vorrei posso funziona",
  nl: "de het een en is ik niet van op te dat die met voor zijn mijn je u wat hoe waarom waar kan heb hebben bestelling wachtwoord hulp spreken medewerker nog steeds al maar ook graag bedankt dank hallo werkt geen wel er om",
};

const LANG_BIT: Record<LatinLanguage, number> = { en: 1, es: 2, fr: 4, de: 8, pt: 16, it: 32, nl: 64 };
const langsOfWord = new Map<string, number>();
for (const lang of SUPPORTED_LATIN_LANGUAGES) {
  for (const w of WORDS[lang].split(" ")) langsOfWord.set(w, (langsOfWord.get(w) ?? 0) | LANG_BIT[lang]);
}
const WORD_LANGS = new WordTable(langsOfWord);

// Letters that only some of the languages use: one hit is worth half a function word.
const CHAR_HINTS: [RegExp, LatinLanguage[]][] = [
  [/[ñ¿¡]/, ["es"]],
  [/[çœ]|[êûîôë]/, ["fr"]],
  [/[ß]|[äöü]/, ["de"]],
  [/[ãõ]/, ["pt"]],
  [/[ìò]/, ["it"]],
  [/ij/, ["nl"]],
];

// Scripts that name their language outright (within what a support desk meets). Han without kana reads as Chinese.
const SCRIPT_LANGUAGE: [keyof ScriptCounts, string][] = [
  ["cyrillic", "ru"],
  ["greek", "el"],
  ["arabic", "ar"],
  ["hebrew", "he"],
  ["devanagari", "hi"],
  ["thai", "th"],
  ["hangul", "ko"],
  ["kana", "ja"],
  ["han", "zh"],
];

export function detectLanguage(input: AnalysedText | string, fallbackLanguage?: string): LanguageResult {
  const analysed = typeof input === "string" ? analyseText(input) : input;
  const fallback = normaliseTag(fallbackLanguage);
  const s = analysed.scripts;
  const nonLatin =
    s.cyrillic + s.greek + s.arabic + s.hebrew + s.devanagari + s.thai + s.hangul + s.kana + s.han + s.other;
  const letters = s.latin + nonLatin;

  if (nonLatin > s.latin) {
    // CJK needs few characters per word, so the letter floor is lower for it.
    if (nonLatin < (s.han + s.kana + s.hangul > 0 ? 2 : MIN_LETTERS)) return undecided(fallback);
    let best: keyof ScriptCounts = "other";
    let bestCount = 0;
    for (const [script] of SCRIPT_LANGUAGE) {
      if (s[script] > bestCount) {
        best = script;
        bestCount = s[script];
      }
    }
    // Japanese mixes kanji with kana: any kana at all makes it Japanese.
    if (best === "han" && s.kana > 0) best = "kana";
    const language = SCRIPT_LANGUAGE.find(([script]) => script === best)?.[1];
    if (language === undefined) return undecided(fallback);
    // Cyrillic and Arabic scripts serve several languages; the majority one is a guess, so confidence is capped.
    const ambiguity = best === "cyrillic" || best === "arabic" ? 0.75 : 0.95;
    return { language, confidence: round(ambiguity * (bestCount / letters)), source: "detected" };
  }

  if (analysed.wordCount < MIN_WORDS || s.latin < MIN_LETTERS) return undecided(fallback);

  const scores = SCORES; // doubles from the start: the letter hints add 0.5
  scores.fill(0);
  let matchedWords = 0;
  for (const t of analysed.tokens) {
    if (t.kind !== "word") continue;
    const mask = WORD_LANGS.get(t.norm, t.hash);
    if (mask === undefined) continue;
    matchedWords++;
    // One step per language the word belongs to (most belong to one or two), lowest bit first.
    for (let m = mask; m !== 0; m &= m - 1) (scores[31 - Math.clz32(m & -m)] as number)++;
  }
  if (isAscii(analysed.text)) {
    // Of the letter hints only Dutch "ij" is ASCII: look for it without lower-casing the whole message.
    if (hasIj(analysed.text)) scores[NL]! += 0.5;
  } else {
    const lower = analysed.text.toLowerCase();
    for (const [re, langs] of CHAR_HINTS) {
      if (re.test(lower)) for (const l of langs) scores[SUPPORTED_LATIN_LANGUAGES.indexOf(l)]! += 0.5;
    }
  }
  let bestK = 0;
  let second = 0;
  for (let k = 1; k < 7; k++) if ((scores[k] as number) > (scores[bestK] as number)) bestK = k;
  for (let k = 0; k < 7; k++) if (k !== bestK && (scores[k] as number) > second) second = scores[k] as number;
  const best = scores[bestK] as number;
  if (best < 1) return undecided(fallback);

  // Confidence grows with the lead over the runner-up and with how much of the text was recognised at all.
  const lead = (best - second) / best;
  const coverage = Math.min(1, matchedWords / Math.max(3, analysed.wordCount * 0.4));
  const evidence = 1 - Math.exp(-(best - second) / 1.5);
  const scriptPurity = s.latin / letters;
  const confidence = round(
    Math.min(1, (0.5 * lead + 0.5 * evidence) * (0.5 + 0.5 * coverage) * scriptPurity),
  );
  const language = SUPPORTED_LATIN_LANGUAGES[bestK] as string;
  if (confidence < MIN_CONFIDENCE && fallback !== undefined && fallback !== language) {
    return { language: fallback, confidence: FALLBACK_CONFIDENCE, source: "fallback" };
  }
  return { language, confidence, source: "detected" };
}

const NL = SUPPORTED_LATIN_LANGUAGES.indexOf("nl");
/** Scratch for detectLanguage's per-language scores (reused: detection is synchronous, and a typed array per call cost more than the scoring). */
const SCORES = new Float64Array(SUPPORTED_LATIN_LANGUAGES.length);

function undecided(fallback: string | undefined): LanguageResult {
  return fallback !== undefined
    ? { language: fallback, confidence: FALLBACK_CONFIDENCE, source: "fallback" }
    : { language: "und", confidence: 0, source: "undetermined" };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** /ij/ on the lower-cased text, for ASCII text: "ij", "IJ", "Ij" or "iJ". */
function hasIj(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    if ((text.charCodeAt(i) | 0x20) === 106 && (text.charCodeAt(i - 1) | 0x20) === 105) return true;
  }
  return false;
}

function normaliseTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary !== undefined && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
