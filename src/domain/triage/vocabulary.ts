// Every word triage knows, in one table the tokeniser looks each token up in once: the languages the word is a
// function word of, its sentiment role and the frustration cue gates it opens. Language, sentiment and frustration
// read these facts from the token instead of each probing its own tables, several probes per word.
import { addWordGates, GATE_WORD_LIST, type GateBits } from "./frustration-cues.ts";
import { CONTRAST, INTENSIFIERS, LEXICON, NEGATORS, PHRASES } from "./sentiment-lexicon.ts";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** FNV-1a over a string's UTF-16 code units: the hash a WordTable is keyed by (and Token.hash holds). */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

/** wordHash of "" and the step that extends a hash by one code unit, for the tokeniser's incremental hashing. */
export const WORD_HASH_START = FNV_OFFSET;
export function extendWordHash(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/**
 * A fixed set of words, each with a value, looked up with the hash the tokeniser already computed. A Map would hash
 * the fresh token string first and then probe, which costs more than the rest of a scorer's work on the word.
 */
export class WordTable<V> {
  private readonly words: string[];
  private readonly hashes: Int32Array;
  private readonly values: (V | undefined)[];
  private readonly mask: number;

  constructor(entries: Iterable<readonly [string, V]>) {
    const list = [...entries];
    let size = 16;
    while (size < 2 * list.length) size *= 2;
    this.mask = size - 1;
    this.words = new Array<string>(size).fill("");
    this.hashes = new Int32Array(size);
    this.values = new Array<V | undefined>(size).fill(undefined);
    for (const [word, value] of list) {
      if (word === "") throw new Error("a WordTable word cannot be empty");
      const h = wordHash(word);
      let i = h & this.mask;
      while (this.words[i] !== "" && this.words[i] !== word) i = (i + 1) & this.mask;
      this.words[i] = word;
      this.hashes[i] = h;
      this.values[i] = value;
    }
  }

  /** The value of `word`, whose wordHash is `hash`. */
  get(word: string, hash: number): V | undefined {
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const w = this.words[i] as string;
      if (w === "") return undefined;
      if (this.hashes[i] === hash && w === word) return this.values[i];
    }
  }
}

export const SUPPORTED_LATIN_LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl"] as const;
export type LatinLanguage = (typeof SUPPORTED_LATIN_LANGUAGES)[number];

// The most frequent function words and support words of each language, for language detection. A word shared by
// several languages ("de", "la", "que") counts for each of them; the words only one language uses decide.
const FUNCTION_WORDS: Record<LatinLanguage, string> = {
  en:
    "a the and is are was were to of my i you it this that have has not with for on what how can please why do does did me your we be will would just still help account password thanks thank there where when get got an from at but they been am i'm it's don't can't my order still working tried already talk speak person human agent someone" +
    // Support vocabulary: terse English requests ("cancel purchase 123", "refund 299 dollars") have no function words.
    " order orders purchase cancel cancelling canceling cancellation refund refunds invoice delivery shipping address" +
    " change changing check checking help issue issues payment payments review new update updating edit editing" +
    " options information track tracking reset login sign subscription newsletter fee fees charges report" +
    " reporting creating user contact contacting customer service",
  es: "a el la los las de que y en es un una por para con no mi me se lo del al como pero más está estoy tengo quiero hola gracias favor pedido cuenta contraseña ayuda hablar persona ya muy sí cuando dónde qué cómo su sus le esto eso hay son todavía nada funciona sigue otra vez envío envíos cuánto cuanto tiempo tarda tardan devolución devolver reembolso factura dirección pago precio días puedo necesito hacer",
  fr: "le la les de des du et est un une je vous il pas ne que qui pour avec mon ma mes sur dans ce cette au aux sont suis ai avez bonjour merci commande compte mot passe aide parler personne toujours encore très mais ou où c'est j'ai n'est quand comment pourquoi veux voudrais s'il plaît fonctionne marche en à nous votre vos leur si peux peut faire fait combien temps délai livraison colis retour retourner remboursement rembourser facture adresse paiement prix jours besoin",
  de: "der die das und ist ich nicht ein eine zu mit sie es den dem auf für von mein meine bitte danke hallo noch immer schon wie was warum wo kann habe haben bin sind bestellung konto passwort hilfe mensch mitarbeiter sprechen funktioniert auch aber oder wenn kein keine nur sehr geht mir mich lieferung versand rückgabe rückerstattung rechnung adresse zahlung preis dauert lange tage brauche möchte kann einen menschen jemanden echten",
  pt: "o a os as de que e é um uma não do da dos das em no na para com por meu minha eu você está estou tenho quero olá obrigado obrigada pedido conta senha ajuda falar pessoa ainda mais muito mas como quando onde porque isso isto já funciona entrega envio quanto tempo demora devolução devolver reembolso fatura endereço pagamento preço dias preciso posso",
  it: "il lo la i gli le di che e è un una non per con mi ho sono mio mia del della nel al ma come quando dove perché ciao grazie ordine aiuto parlare persona ancora molto anche questo questa voglio vorrei posso funziona spedizione consegna quanto tempo reso rimborso fattura indirizzo pagamento prezzo giorni bisogno",
  nl: "de het een en is ik niet van op te dat die met voor zijn mijn je u wat hoe waarom waar kan heb hebben bestelling wachtwoord hulp spreken medewerker nog steeds al maar ook graag bedankt dank hallo werkt geen wel er om levering verzending hoelang lang duurt retour terugbetaling factuur adres betaling prijs dagen nodig",
};

/** What triage knows about one word (or emoticon, or emoji), by its normalised form. */
export interface WordFacts {
  /** Bit k set: a function word of SUPPORTED_LATIN_LANGUAGES[k]. */
  languages: number;
  /** Sentiment valence on the lexicon's -4..+4 scale (LEXICON), as rated whatever the word's neighbours. */
  valence: number | undefined;
  /** Scale the word applies to the next sentiment word (INTENSIFIERS). */
  intensifier: number | undefined;
  /** Flips the sentiment of what follows (NEGATORS). */
  negator: boolean;
  /** What follows outweighs what came before, "but" (CONTRAST). */
  contrast: boolean;
  /** Second words of the two-word PHRASES this word starts, with the phrase's valence. */
  phrases: WordTable<number> | undefined;
  /** The frustration cue gate groups the word opens as a token (see addWordGates). */
  gatesLo: number;
  gatesHi: number;
}

function buildVocabulary(): WordTable<WordFacts> {
  const languagesOf = new Map<string, number>();
  SUPPORTED_LATIN_LANGUAGES.forEach((lang, k) => {
    for (const w of FUNCTION_WORDS[lang].split(" ")) languagesOf.set(w, (languagesOf.get(w) ?? 0) | (1 << k));
  });
  // Two-word phrases as first word -> second word -> valence, so a pair is looked up without building the string
  // "first second" for every pair of neighbouring words. A phrase of three words never matches a pair.
  const phraseSeconds = new Map<string, [string, number][]>();
  for (const [phrase, valence] of PHRASES) {
    const parts = phrase.split(" ");
    if (parts.length !== 2) continue;
    const [first, second] = parts as [string, string];
    const list = phraseSeconds.get(first) ?? [];
    list.push([second, valence]);
    phraseSeconds.set(first, list);
  }
  const words = new Set<string>([
    ...languagesOf.keys(),
    ...LEXICON.keys(),
    ...INTENSIFIERS.keys(),
    ...NEGATORS,
    ...CONTRAST,
    ...phraseSeconds.keys(),
    ...GATE_WORD_LIST,
  ]);
  const entries: [string, WordFacts][] = [];
  for (const word of words) {
    const gates: GateBits = { lo: 0, hi: 0 };
    addWordGates(word, gates);
    const seconds = phraseSeconds.get(word);
    entries.push([
      word,
      {
        languages: languagesOf.get(word) ?? 0,
        valence: LEXICON.get(word),
        intensifier: INTENSIFIERS.get(word),
        negator: NEGATORS.has(word),
        contrast: CONTRAST.has(word),
        phrases: seconds === undefined ? undefined : new WordTable(seconds),
        gatesLo: gates.lo,
        gatesHi: gates.hi,
      },
    ]);
  }
  return new WordTable(entries);
}

export const VOCABULARY: WordTable<WordFacts> = buildVocabulary();
