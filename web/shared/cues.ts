// How a triage cue reads to an agent or a reviewer. Most cues are the customer's own words and are shown quoted;
// a few describe the message instead (its sentiment score, a trend over turns, how much of it is in capitals) and
// quoting those would put words in the customer's mouth.

export interface CueView {
  /** The customer's words, to be shown in quotes; false for a description. */
  quoted: boolean;
  text: string;
  /** What kind of evidence it is, in words ("human request", "sentiment"). */
  kind: string;
}

const DESCRIPTIVE = new Set(["trend", "carry_over"]);

export function cueView(cue: { kind: string; text: string }): CueView {
  if (cue.kind === "negative_sentiment") {
    const score = Number(cue.text);
    return {
      quoted: false,
      text: Number.isFinite(score) ? `negative tone (${score.toFixed(2)})` : "negative tone",
      kind: "sentiment",
    };
  }
  // Frustration's own shouting cues ("ALL CAPS", "3 words in capitals"); sentiment's caps cue is a word.
  const shouting = cue.kind === "caps" && (cue.text === "ALL CAPS" || /^\d+ words in capitals$/.test(cue.text));
  return { quoted: !(DESCRIPTIVE.has(cue.kind) || shouting), text: cue.text, kind: cue.kind.replace(/_/g, " ") };
}

/** One line for a list of cues: quoted words and plain descriptions. */
export function cueText(cue: { kind: string; text: string }): string {
  const v = cueView(cue);
  return v.quoted ? `“${v.text}”` : v.text;
}

/**
 * The cues worth a line each: the same words found by several detectors (or in several messages) are one cue,
 * shown once, in first-seen order; at most `max` of them.
 */
export function distinctCues<C extends { kind: string; text: string }>(cues: readonly C[], max = Number.POSITIVE_INFINITY): C[] {
  const seen = new Set<string>();
  const out: C[] = [];
  for (const c of cues) {
    if (out.length >= max) break;
    const key = cueText(c).toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
