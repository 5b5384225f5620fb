// Customers type fast: "pasword", "shiping", "adress". A question word the knowledge base never uses, one edit away
// from a word it does use, is read as that word, so a typo neither misses the passage nor makes the question look
// unanswerable (an unknown word weighs the most of all in coverage).
//
// Hand-written rather than a fuzzy-search library: it runs only on the few question terms the index lacks, against
// the index's own vocabulary, with the index's document frequencies choosing between candidates. Only one edit, and
// only for longer terms: "hire" must not become "wire", but "pasword" is no other word.

/** Shortest analysed term that is corrected; shorter ones are too often another real word one edit away. */
export const MIN_TYPO_LENGTH = 5;

/** How b differs from a by one edit, likeliest typo first; NOT_ONE_EDIT when it does not (or they are equal). */
export const SWAPPED = 1;
export const ONE_MORE_OR_LESS = 2;
export const SUBSTITUTED = 3;
export const NOT_ONE_EDIT = 0;

/**
 * Whether a and b differ by one swap of adjacent letters, one letter more or less, or one substituted letter, in
 * that order of likelihood as a typo ("cancl" is "cancel" missing a letter sooner than "candl" with one changed).
 */
export function oneEdit(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (a === b || Math.abs(la - lb) > 1) return NOT_ONE_EDIT;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la !== lb)
    return (la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1))
      ? ONE_MORE_OR_LESS
      : NOT_ONE_EDIT;
  if (
    i + 1 < la &&
    a.charCodeAt(i) === b.charCodeAt(i + 1) &&
    a.charCodeAt(i + 1) === b.charCodeAt(i) &&
    a.slice(i + 2) === b.slice(i + 2)
  )
    return SWAPPED;
  return a.slice(i + 1) === b.slice(i + 1) ? SUBSTITUTED : NOT_ONE_EDIT;
}

/**
 * The vocabulary of an index bucketed by first letter and length, so a lookup compares a term with the few
 * hundred terms that could be one edit away instead of all of them. Terms are only ever appended (ids grow), so
 * the buckets catch up with `sync` from where they were.
 */
export class TypoIndex {
  private readonly buckets = new Map<string, number[]>();
  private synced = 0;

  /** Adds terms [synced, terms.length) of the index's id-ordered vocabulary. */
  sync(terms: readonly string[]): void {
    for (let id = this.synced; id < terms.length; id++) {
      const t = terms[id]!;
      if (t.length < MIN_TYPO_LENGTH - 1 || t.includes(" ")) continue; // pair terms hold a space
      const key = bucketKey(t[0]!, t.length);
      const bucket = this.buckets.get(key);
      if (bucket) bucket.push(id);
      else this.buckets.set(key, [id]);
    }
    this.synced = terms.length;
  }

  /** Ids of the known terms of that length starting with that letter (one bucket), caught up with `terms`. */
  termsStartingWith(first: string, length: number, terms: readonly string[]): readonly number[] {
    this.sync(terms);
    return this.buckets.get(bucketKey(first, length)) ?? [];
  }

  /**
   * The known term one edit from `term`, or null: the likeliest kind of typo first (see oneEdit), then the highest
   * document frequency (the likelier intended word). `df(id)` is 0 for a term no live chunk holds any more.
   */
  correct(term: string, terms: readonly string[], df: (id: number) => number): string | null {
    if (term.length < MIN_TYPO_LENGTH) return null;
    this.sync(terms);
    let best = -1;
    let bestKind = NOT_ONE_EDIT;
    let bestDf = 0;
    for (let len = term.length - 1; len <= term.length + 1; len++) {
      for (const id of this.buckets.get(bucketKey(term[0]!, len)) ?? []) {
        const d = df(id);
        if (d === 0) continue;
        const kind = oneEdit(term, terms[id]!);
        if (kind === NOT_ONE_EDIT) continue;
        if (best < 0 || kind < bestKind || (kind === bestKind && d > bestDf)) {
          best = id;
          bestKind = kind;
          bestDf = d;
        }
      }
    }
    return best < 0 ? null : terms[best]!;
  }
}

function bucketKey(first: string, length: number): string {
  return `${first}${length}`;
}
