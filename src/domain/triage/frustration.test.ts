import { describe, expect, it } from "vitest";
import { CUE_REGEXES, cueGates, scoreFrustration } from "./frustration.ts";
import { analyseText } from "./text.ts";
import type { HistoryTurn } from "./types.ts";

const f = (text: string, history?: HistoryTurn[]) => scoreFrustration(text, history);
const kinds = (text: string, history?: HistoryTurn[]) => f(text, history).cues.map((c) => c.kind);

describe("scoreFrustration", () => {
  it("is zero for a calm question", () => {
    expect(f("Where is my order?")).toMatchObject({
      score: 0,
      cues: [],
      humanRequested: false,
      repeated: false,
      safety: false,
    });
  });

  it.each([
    "This is ridiculous",
    "I've already tried that",
    "It is still not working",
    "this is the third time I write to you",
    "I'm fed up with this",
    "Es ridículo, sigue sin funcionar",
    "C'est toujours pas réglé, j'en ai marre",
    "Das funktioniert immer noch nicht",
    "My refund never arrived",
    "I've been waiting 3 weeks for my parcel",
  ])("flags exasperated word choice in %j", (text) => {
    const r = f(text);
    expect(r.score).toBeGreaterThanOrEqual(0.3);
    expect(r.cues.some((c) => c.kind === "phrase")).toBe(true);
  });

  it.each([
    "I want to talk to a human",
    "can I speak with someone from your team?",
    "Let me speak to a real person please",
    "get me a manager",
    "connect me to an agent",
    "agent",
    "Are you a bot?",
    "representative please",
    "Quiero hablar con una persona",
    "¿Puedo hablar con un agente?",
    "Je veux parler à un conseiller",
    "Je voudrais parler à un humain",
    "Ich möchte mit einem Mitarbeiter sprechen",
    "Kann ich einen echten Menschen haben?",
    "Quero falar com um atendente",
    "Posso parlare con un operatore?",
    "Ik wil met een medewerker spreken",
  ])("recognises a request for a person in %j", (text) => {
    const r = f(text);
    expect(r.humanRequested).toBe(true);
    expect(r.cues.some((c) => c.kind === "human_request")).toBe(true);
  });

  it.each([
    "How many times do I have to explain this?",
    "how many times must I tell you, the parcel never came",
  ])("reads having to say it all again, %j, as frustration that reaches a person", (text) => {
    expect(f(text).score).toBeGreaterThanOrEqual(0.6);
  });

  it("reads sarcastic praise and waiting on and on as frustration, and sincere praise as none", () => {
    expect(f("great, just great. another week of waiting").score).toBeGreaterThanOrEqual(0.6);
    expect(f("oh, just perfect").cues.some((c) => c.kind === "phrase")).toBe(true);
    expect(f("it works just great, thanks").score).toBe(0);
    expect(
      f("Why hasn't anyone replied to my email from last week?").cues.some((c) => c.kind === "phrase"),
    ).toBe(true);
  });

  it.each(["thanks for nothing", "Thank you so much for wasting my time", "gee, thanks"])(
    "reads sarcastic thanks, %j, as frustration that reaches a person",
    (text) => {
      expect(f(text).score).toBeGreaterThanOrEqual(0.6);
    },
  );

  it.each(["the lamp gave me an electric shock", "the charger caught fire", "sparks came out of the plug"])(
    "flags a product that hurt someone or could have, %j, as a safety matter without adding frustration",
    (text) => {
      const r = f(text);
      expect(r.safety).toBe(true);
      expect(r.cues.some((c) => c.kind === "safety" && c.weight === 0)).toBe(true);
    },
  );

  it("does not flag ordinary words near safety ones", () => {
    for (const text of [
      "is the fire pit in stock?",
      "do you sell smoke detectors",
      "my order is hurting my patience",
      "is the paint on the crib non-toxic?",
    ])
      expect(f(text).safety, text).toBe(false);
  });

  it("does not read real thanks as sarcasm", () => {
    expect(f("thanks for your help!").score).toBe(0);
    expect(f("thank you, nothing else for now").score).toBe(0);
  });

  it.each([
    "I keep repeating myself",
    "I keep explaining this to every agent",
    "I have to explain everything again every time I write",
  ])("flags having to repeat oneself in %j", (text) => {
    expect(f(text).cues.some((c) => c.kind === "phrase")).toBe(true);
  });

  it.each([
    "Can you explain that again?",
    "How many times can I change my password?",
    "Please tell me again how returns work",
  ])("does not read asking for an explanation, %j, as exasperation", (text) => {
    expect(f(text).score).toBe(0);
  });

  it.each([
    "Where can I find the human resources page?",
    "How do I add an agent to my team account?",
    "my person details are wrong",
  ])("does not read %j as a request for a person", (text) => {
    expect(f(text).humanRequested).toBe(false);
  });

  it("flags ALL CAPS but not a lone acronym", () => {
    expect(kinds("WHY IS MY ORDER NOT HERE")).toContain("caps");
    expect(kinds("I live in the USA")).not.toContain("caps");
  });

  it("flags runs of exclamation and question marks", () => {
    expect(f("where is my order???").cues).toContainEqual(
      expect.objectContaining({ kind: "punctuation", text: "???" }),
    );
    expect(kinds("hello!!!")).toContain("punctuation");
    expect(kinds("hello!")).not.toContain("punctuation");
  });

  it("flags profanity, in several languages, but not words that contain it", () => {
    expect(kinds("this shit never works")).toContain("profanity");
    expect(kinds("putain, encore")).toContain("profanity");
    expect(kinds("I support Arsenal and love Scunthorpe classics")).not.toContain("profanity");
  });

  it("detects a repeated question from earlier in the conversation", () => {
    const history: HistoryTurn[] = [
      { role: "customer", text: "How do I change the email address on my account?" },
      { role: "ai", text: "Go to Settings > Profile." },
    ];
    const r = f("how do I change my account email address", history);
    expect(r.repeated).toBe(true);
    expect(r.cues).toContainEqual(expect.objectContaining({ kind: "repetition" }));
    expect(f("how do I change my account email address").repeated).toBe(false);
  });

  it("does not count short acknowledgements as repetition", () => {
    const history: HistoryTurn[] = [{ role: "customer", text: "ok thanks" }];
    expect(f("ok thanks", history).repeated).toBe(false);
  });

  it("ignores what the AI said when looking for repetition", () => {
    const history: HistoryTurn[] = [{ role: "ai", text: "How do I change the email address on my account?" }];
    expect(f("How do I change the email address on my account?", history).repeated).toBe(false);
  });

  it("measures a rising trend across customer turns", () => {
    const history: HistoryTurn[] = [
      { role: "customer", text: "My payment did not go through" },
      { role: "ai", text: "Please try again." },
      { role: "customer", text: "I already tried that, still not working" },
      { role: "ai", text: "Please clear your cache." },
    ];
    const r = f("This is ridiculous!!! Third time I'm asking", history);
    expect(r.turnScores).toHaveLength(3);
    expect(r.trend).toBeGreaterThan(0.1);
    expect(r.cues).toContainEqual(expect.objectContaining({ kind: "trend" }));
  });

  it("uses stored per-turn frustration instead of re-reading old turns", () => {
    const history: HistoryTurn[] = [
      { role: "customer", text: "irrelevant", frustration: 0.1 },
      { role: "customer", text: "irrelevant", frustration: 0.3 },
    ];
    expect(f("still not working", history).turnScores.slice(0, 2)).toEqual([0.1, 0.3]);
  });

  it("reports a falling trend as negative and adds no trend cue", () => {
    const history: HistoryTurn[] = [
      { role: "customer", text: "THIS IS RIDICULOUS!!! I already tried that" },
      { role: "customer", text: "still not working" },
    ];
    const r = f("ok it works now, thank you", history);
    expect(r.trend).toBeLessThan(0);
    expect(r.cues.map((c) => c.kind)).not.toContain("trend");
  });

  it("combines cues into a score that stays within [0, 1]", () => {
    const r = f(
      "THIS IS RIDICULOUS!!! I ALREADY TRIED THAT, STILL NOT WORKING, THIRD TIME, FUCK THIS, GET ME A HUMAN",
    );
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.score).toBeLessThanOrEqual(1);
  });
});

describe("cue regex gates", () => {
  // Pieces of every regex branch (and near misses), glued with separators that do and do not end a word.
  const pieces = [
    "this is ridiculous",
    "that's absurd",
    "so a joke",
    "absolutely insane",
    "useless",
    "hopeless",
    "incompetent",
    "i've already tried",
    "i have already told",
    "already checked",
    "did that already",
    "tried everything",
    "still not",
    "still doesn't",
    "still the same",
    "isn't working yet",
    "not fixed again",
    "doesn't solved yet",
    "third time",
    "5th time",
    "12 times",
    "so many times",
    "how many times",
    "how many times do i have to explain",
    "thanks for nothing",
    "great, just great",
    "oh, just perfect",
    "another week of waiting",
    "hasn't anyone replied",
    "nobody has answered",
    "months of waiting",
    "gee thanks",
    "gave me an electric shock",
    "caught fire",
    "sparks came out",
    "repeating myself",
    "keep explaining",
    "have to tell you again",
    "over and over",
    "again and again",
    "once again",
    "fed up",
    "sick of",
    "had enough",
    "enough is enough",
    "i give up",
    "last straw",
    "losing my patience",
    "never again",
    "done with your",
    "waste of my money",
    "worst company",
    "nobody cares",
    "no one answers",
    "no reply at all",
    "for weeks now",
    "been waiting for ages",
    "been waiting 3 weeks",
    "never arrived",
    "never got my",
    "are you kidding",
    "seriously?",
    "you guys never",
    "you people keep",
    "keeps crashing",
    "keep getting",
    "ridícula",
    "todavía no",
    "sigue igual",
    "otra vez",
    "ya lo intenté",
    "estoy harta",
    "toujours pas",
    "encore une fois",
    "j'ai déjà",
    "j’ai déjà",
    "j'en ai marre",
    "n'importe quoi",
    "lächerlich",
    "immer noch nicht",
    "schon wieder",
    "habe das schon",
    "es reicht",
    "ainda não",
    "já tentei",
    "ancora non",
    "di nuovo",
    "ho già",
    "nog steeds niet",
    "alweer",
    "heb al",
    "talk to a human",
    "speak with your manager",
    "connect me through to an agent",
    "transfer me to a live rep",
    "get me to a real person",
    "find me someone real",
    "actual human",
    "live support",
    "human, please",
    "agent please",
    "need a human",
    "requesting to speak with a supervisor",
    "want person to talk to",
    "are you a bot",
    "am i chatting with ai",
    "is this a real person",
    "stop the bot",
    "no more automated",
    "not talking to a machine",
    "human",
    "live agent",
    "real person",
    "éhuman",
    "humané",
    "🙂agent🙂",
    "operator?!",
    "hablar con una persona",
    "agente real",
    "un humano",
    "parler à un vrai conseiller",
    "une vraie personne",
    "mit einem echten menschen sprechen",
    "einen menschen",
    "falar com alguém",
    "atendente humano",
    "pessoa real",
    "parlare con l'operatore",
    "operatore umano",
    "persona reale",
    "praten met iemand",
    "met een echte mens spreken",
    "echt persoon",
    "fucking",
    "f**k",
    "wtf",
    "shit",
    "sh*t",
    "bullshit",
    "crappy",
    "damn",
    "goddamned",
    "hell no",
    "bloody hell",
    "pissed",
    "asshole",
    "arse",
    "bastards",
    "bitching",
    "screw this",
    "merde",
    "putain",
    "mierda",
    "coño",
    "scheiße",
    "verdammt",
    "caralho",
    "cazzo",
    "vaffanculo",
    "godverdomme",
    "fuck_you",
    "xD",
    ":p",
    "d:",
    "T_T",
    "o.O",
  ];
  const glue = [" ", "", ",", "'", "’", "-", "_", "é", "\u0301", "?", "!", "*", "3", "🙂", "\n", ". "];
  let seed = 11;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  const texts: string[] = [...pieces, ...pieces.map((p) => p.toUpperCase())];
  for (let i = 0; i < 3000; i++) {
    let s = next() % 3 === 0 ? (glue[next() % glue.length] as string) : "";
    for (let n = 1 + (next() % 4); n > 0; n--) {
      const piece = pieces[next() % pieces.length] as string;
      s += (next() % 5 === 0 ? piece.toUpperCase() : piece) + (glue[next() % glue.length] as string);
    }
    texts.push(s);
  }

  it("open for every cue regex that matches, so skipping the others changes no cue", () => {
    let matched = 0;
    const partsMatched = new Set<number>();
    for (const text of texts) {
      const analysed = analyseText(text);
      const lower = analysed.text.toLowerCase().replaceAll("’", "'");
      const gates = cueGates(analysed);
      CUE_REGEXES.forEach((re, i) => {
        if (!re.test(lower)) return;
        matched++;
        partsMatched.add(i);
        expect(gates[i], `${JSON.stringify(text)} matches ${re.source.slice(0, 100)}`).toBe(true);
      });
    }
    expect(matched).toBeGreaterThan(texts.length); // the generated texts do exercise the regexes
    expect(partsMatched.size).toBe(CUE_REGEXES.length); // every one of them
  });

  it("keeps every regex closed for routine messages", () => {
    expect(cueGates(analyseText("Where is my order? It was placed last week.")).some(Boolean)).toBe(false);
    expect(cueGates(analyseText("How do I reset my password"))).not.toContain(true);
  });
});
