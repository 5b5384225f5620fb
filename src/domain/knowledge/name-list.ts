// A finder for the names on a word list (places, payment methods): whole names, whatever their case and spacing.

/**
 * The names of `names` a text holds, lower-cased with single spaces, each once, in order of appearance. Longest
 * first, so "united kingdom" or "cash on delivery" is read before a shorter name inside it.
 */
export function nameFinder(names: readonly string[]): (text: string) => string[] {
  const re = new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?:${[...names]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/ /g, String.raw`\s+`))
      .join("|")})(?![\p{L}\p{N}])`,
    "giu",
  );
  return (text) => {
    const out: string[] = [];
    for (const m of text.matchAll(re)) {
      const name = m[0].toLowerCase().replace(/\s+/g, " ");
      if (!out.includes(name)) out.push(name);
    }
    return out;
  };
}
