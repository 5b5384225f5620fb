// A model that repeats its instructions to the reader ("My rules: You are a customer support assistant. Answer ONLY
// from the numbered passages…") reveals them without saying any phrase an injection filter knows: caught instead by
// a run of words the output shares with the instructions.

/** Words in a row shared with the instructions that make an echo; shorter runs are ordinary support phrasing. */
const ECHO_RUN = 6;

const wordsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The runs of ECHO_RUN words of some instructions, for echoesInstructions. */
export function instructionRuns(instructions: string): ReadonlySet<string> {
  const words = wordsOf(instructions);
  const runs = new Set<string>();
  for (let i = 0; i + ECHO_RUN <= words.length; i++) runs.add(words.slice(i, i + ECHO_RUN).join(" "));
  return runs;
}

/** Whether the text repeats ECHO_RUN or more words in a row of the instructions. */
export function echoesInstructions(text: string, runs: ReadonlySet<string>): boolean {
  const words = wordsOf(text);
  for (let i = 0; i + ECHO_RUN <= words.length; i++)
    if (runs.has(words.slice(i, i + ECHO_RUN).join(" "))) return true;
  return false;
}
