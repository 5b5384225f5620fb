// Text utilities shared by the summary, the similar-case index and reply selection: one tokenizer so that
// indexed text and queries always agree. Hand-written because it runs on every message and must stay in
// microseconds; stemming is deliberately light (plural and verb endings) since support text is short.

const STOPWORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below
  between both but by can cannot could couldn't did didn't do does doesn't doing don't down during each few for
  from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'll
  i'm i've if in into is isn't it it's its itself just let's me more most my myself no nor of off on once only or
  other ought our ours ourselves out over own same she should so some such than that that's the their theirs them
  themselves then there there's these they this those through to too under until up very was we were what
  when where which while who whom why will with would you your yours yourself yourselves hi hello hey thanks
  thank please dear regards also get got im ive id ok okay yes yeah us one would like`.split(/\s+/),
);

/** Lower-cases, splits on anything that is not a letter or digit, drops stopwords, and lightly stems. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}']+/u)) {
    const t = raw.replace(/^'+|'+$/g, "");
    if (t.length < 2 || STOPWORDS.has(t)) continue;
    out.push(stem(t.replace(/'/g, "")));
  }
  return out;
}

export function stem(t: string): string {
  if (/^\p{N}+$/u.test(t)) return t;
  if (t.length > 5 && t.endsWith("ing")) return t.slice(0, -3);
  if (t.length > 4 && t.endsWith("ies")) return `${t.slice(0, -3)}y`;
  if (t.length > 4 && t.endsWith("ed")) return t.slice(0, -2);
  if (t.length > 3 && t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us")) return t.slice(0, -1);
  return t;
}

/** Splits text into sentences on terminal punctuation and line breaks; keeps the punctuation. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Shortens to at most `max` characters on a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** FNV-1a, for short stable ids derived from content (suggestion ids agents rate). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
