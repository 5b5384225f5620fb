import { describe, expect, it } from "vitest";
import { scoreFrustration } from "./frustration.ts";
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
