// Loads ../shared/eval/stackfaq exactly as its SOURCE.md prescribes: 719 items, 1,249 queries, thread-level qrels.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface FaqItem {
  /** 0-based item index in file order. */
  index: number;
  thread: number;
  title: string;
  answer: string;
}

export interface FaqQuery {
  text: string;
  thread: number;
}

export interface StackFaq {
  items: FaqItem[];
  queries: FaqQuery[];
  threads: number;
}

export const STACKFAQ_DIR = resolve(import.meta.dirname, "../../../shared/eval/stackfaq");

interface RawPair {
  question: string;
  answer: string | string[];
  rephr: (string | null)[];
}

export function loadStackFaq(dir = STACKFAQ_DIR): StackFaq {
  const raw = JSON.parse(readFileSync(resolve(dir, "stackExchange-FAQ.json"), "utf8")) as {
    root: { qapair: RawPair[] };
  };
  const items: FaqItem[] = [];
  const queries: FaqQuery[] = [];
  raw.root.qapair.forEach((pair, thread) => {
    // Quirk 1: thread 35's answer is a bare string.
    const answers = Array.isArray(pair.answer) ? pair.answer : [pair.answer];
    for (const answer of answers) items.push({ index: items.length, thread, title: pair.question, answer });
    // Quirk 2: the `*` separator and one null paraphrase (thread 93) are not queries.
    for (const r of pair.rephr) {
      if (r === null || r.trim() === "" || r.trim() === "*") continue;
      queries.push({ text: r, thread });
    }
  });
  if (items.length !== 719 || queries.length !== 1249) {
    throw new Error(
      `stackfaq: expected 719 items and 1249 queries, got ${items.length} and ${queries.length}`,
    );
  }
  return { items, queries, threads: raw.root.qapair.length };
}

/** The leave-out recipe: threads with index % 5 == 4 leave the KB; their queries become unanswerable. */
export const isLeftOut = (thread: number): boolean => thread % 5 === 4;
