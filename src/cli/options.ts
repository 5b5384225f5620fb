// Parsers for numeric command-line options. A bad value becomes a commander usage error (one line naming the option
// and the allowed range, exit status 1), never a stack trace; and only plain decimal digits count as a number, so
// "0x10", "1e3", "5abc", "1.0" or an empty string are refused rather than silently read as something else.
import { InvalidArgumentError } from "commander";

const DIGITS = /^[+]?\d+$/;

/** A commander argument parser accepting whole numbers from `min` to `max` inclusive. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max)
    throw new RangeError(`bad range [${min}, ${max}]`);
  return (value: string): number => {
    const text = value.trim();
    // Negative values are never digits-only, so "-1" falls through to the range message like any other miss.
    const n = DIGITS.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}
