// What one word's character n-grams add to every label's logit, kept per word so a word met again costs one look-up
// instead of hashing its n-grams and summing a weight row for each (fastText keeps word vectors for the same reason).
//
// The character block is most of a prediction's features (about four per word against two for the word block), and
// support messages reuse a small vocabulary. A word's sum depends on its characters alone, so the cached sum is the
// one a miss computes: a prediction is the same whether its words were cached or not. Direct-mapped and bounded:
// a new word takes its slot from whatever word was there.

import { MAX_TOKEN_CHARS } from "./features.ts";

/** Memory the per-word sums may take (8 bytes per label per slot). */
const BUDGET_BYTES = 1 << 20;
const MIN_SLOTS = 256;
const MAX_SLOTS = 8192;

/**
 * The words a cache for a model of `labels` labels keeps. Their sums (a row of float64 per label) live in the model's
 * accumulator, where its kernel adds them up.
 */
export function wordSumSlots(labels: number): number {
  let slots = MIN_SLOTS;
  while (slots < MAX_SLOTS && slots * 2 * labels * 8 <= BUDGET_BYTES) slots *= 2;
  return slots;
}

/** Which word each slot of the per-word sums holds, and the sums' norms; the sums themselves are the caller's. */
export class WordSumCache {
  readonly slots: number;
  /** Per slot: sum of squared values of all the word's n-grams, known or not (the block's norm). */
  readonly squares: Float64Array;
  /** Per slot: the same over the n-grams seen in training (the block's coverage). */
  readonly knownSquares: Float64Array;
  /** Per slot: how many n-grams the word has (a block with none is not a block). */
  readonly grams: Int32Array;
  /**
   * Per slot, the message that last read it (see `startMessage`): a word that would take a slot this message still
   * needs must wait until the words read so far have been added up.
   */
  private readonly readBy: Int32Array;
  private message = 0;
  private readonly keys: Int32Array;
  /** Word length per slot; -1 for an empty slot. */
  private readonly lengths: Int32Array;
  private readonly chars: Uint16Array;
  private readonly mask: number;

  constructor(slots: number) {
    if (!(slots > 0 && (slots & (slots - 1)) === 0))
      throw new Error("word cache slots must be a power of two");
    this.slots = slots;
    this.mask = slots - 1;
    this.squares = new Float64Array(slots);
    this.knownSquares = new Float64Array(slots);
    this.grams = new Int32Array(slots);
    this.readBy = new Int32Array(slots);
    this.keys = new Int32Array(slots);
    this.lengths = new Int32Array(slots).fill(-1);
    this.chars = new Uint16Array(slots * MAX_TOKEN_CHARS);
  }

  /**
   * The slot holding the word `chars[from, from + length)` (at most MAX_TOKEN_CHARS) with hash `hash`, or, when the
   * word is not there, `-slot - 1` for the slot it belongs in: the caller claims and fills it, then reads it as a hit.
   */
  find(hash: number, chars: Uint16Array, from: number, length: number): number {
    // The word hash is FNV-1a, whose low bits mix poorly on their own: fold the high half in.
    const slot = (hash ^ (hash >>> 15)) & this.mask;
    if (this.lengths[slot] === length && this.keys[slot] === hash) {
      const at = slot * MAX_TOKEN_CHARS;
      const own = this.chars;
      let i = 0;
      while (i < length && own[at + i] === chars[from + i]) i++;
      if (i === length) return slot;
    }
    return -slot - 1;
  }

  /** Starts a new message: no slot is in use by it yet. */
  startMessage(): void {
    this.message = (this.message + 1) | 0;
    if (this.message === 0) {
      this.readBy.fill(0); // after 2^32 messages, so no stale mark can pass for the new message's
      this.message = 1;
    }
  }

  /** Marks `slot` as read by the current message. */
  markRead(slot: number): void {
    this.readBy[slot] = this.message;
  }

  /** Whether the current message has read `slot` (so another word must not take it before those reads are summed). */
  readInMessage(slot: number): boolean {
    return this.readBy[slot] === this.message;
  }

  /** Makes `slot` (from a missed `find`) the word's; its sums are then the caller's to fill. */
  claim(slot: number, hash: number, chars: Uint16Array, from: number, length: number): void {
    this.keys[slot] = hash;
    this.lengths[slot] = length;
    const at = slot * MAX_TOKEN_CHARS;
    for (let i = 0; i < length; i++) this.chars[at + i] = chars[from + i] as number;
  }
}
