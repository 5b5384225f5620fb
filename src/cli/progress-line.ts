// A one-line progress display for long CLI jobs (`tandem kb add`) that keeps the terminal readable while report lines
// and errors are printed around it. Hand-written rather than cli-progress:
// its bar saves and restores the absolute cursor position (DECSC/DECRC) and redraws from a timer, so a line printed
// while it runs is glued to the bar, and on stop it erases whatever line has scrolled into the bar's old place; it
// also turns the terminal's line wrapping off, and leaves it off (and the cursor hidden) if the process is killed.
// Here the line is redrawn in place with "\r" and erase-to-end-of-line, only when something changed, never from a
// timer, cut to the terminal's width by display columns (wide and combining characters counted right), and any
// line printed meanwhile goes above it: erase, print, redraw.

import stringWidth from "string-width";

/** The part of a tty.WriteStream the display needs; `columns` is read on every draw, so a resize is followed. */
export interface TerminalStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Progress of `total` steps, plus whole lines printed while it runs. */
export interface Progress {
  /** `done` of the total steps finished; `label` says what is being worked on. */
  update(done: number, label: string): void;
  /** Writes `line` (without its newline) to `out`, above the progress line when there is one. */
  print(out: TerminalStream, line: string): void;
  /** Draws the final state and ends the line with a newline. Later calls to `update` draw nothing. */
  finish(): void;
}

const ERASE_TO_END = "\x1b[K";
/** The widest bar; narrower terminals get a narrower one, and below MIN_BAR_COLUMNS none at all. */
const BAR_WIDTH = 24;
const MIN_BAR_COLUMNS = 40;
/** A label squeezed narrower than this says nothing; the line then shows the count alone. */
const MIN_LABEL_COLUMNS = 8;
/** Columns assumed when a TTY does not report its width. */
const FALLBACK_COLUMNS = 80;
/** C0/C1 controls would move the cursor or start escape sequences; bidirectional overrides would reorder the line. */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * `text` cut to at most `columns` display columns, with "…" where it was cut: at the end by default, or at the
 * start, which keeps the informative tail of a long path or URL (the file name) in view.
 */
export function fitColumns(text: string, columns: number, cut: "end" | "start" = "end"): string {
  if (columns <= 0) return "";
  if (stringWidth(text) <= columns) return text;
  const parts = Array.from(graphemes.segment(text), (g) => g.segment);
  if (cut === "start") parts.reverse();
  let kept = "";
  let width = 0;
  for (const part of parts) {
    const w = stringWidth(part);
    if (width + w > columns - 1) break;
    kept = cut === "start" ? part + kept : kept + part;
    width += w;
  }
  return cut === "start" ? `…${kept}` : `${kept}…`;
}

/** The text of the progress line for a terminal `columns` wide: bar (when it fits), count and label. */
export function progressText(done: number, total: number, label: string, columns: number): string {
  // One column is left free: writing into the last one makes some terminals wrap early or leave a pending wrap.
  const room = columns - 1;
  const count = `${done}/${total}`;
  const barWidth = Math.min(BAR_WIDTH, Math.floor(columns / 4));
  let head = count;
  if (columns >= MIN_BAR_COLUMNS && total > 0) {
    const filled = Math.round((Math.min(done, total) / total) * barWidth);
    head = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${count}`;
  }
  const clean = label.replace(UNSAFE, "?");
  const labelRoom = room - stringWidth(head) - 1;
  if (!clean || labelRoom < MIN_LABEL_COLUMNS) return fitColumns(head, room);
  return `${head} ${fitColumns(clean, labelRoom, "start")}`;
}

class TerminalProgress implements Progress {
  readonly #stream: TerminalStream;
  readonly #total: number;
  #done = 0;
  #label = "";
  #drawn: string | null = null;
  #finished = false;

  constructor(stream: TerminalStream, total: number) {
    this.#stream = stream;
    this.#total = total;
  }

  update(done: number, label: string): void {
    if (this.#finished) return;
    this.#done = done;
    this.#label = label;
    this.#draw();
  }

  print(out: TerminalStream, line: string): void {
    // A line for a stream that is not the terminal (stdout redirected to a file) cannot collide with the bar.
    if (this.#finished || this.#drawn === null || out.isTTY !== true) {
      out.write(`${line}\n`);
      return;
    }
    this.#stream.write(`\r${ERASE_TO_END}`);
    this.#drawn = null;
    out.write(`${line}\n`);
    this.#draw();
  }

  finish(): void {
    if (this.#finished) return;
    this.#draw();
    this.#finished = true;
    this.#stream.write("\n");
  }

  #draw(): void {
    const text = progressText(this.#done, this.#total, this.#label, this.#stream.columns || FALLBACK_COLUMNS);
    if (text === this.#drawn) return; // nothing changed: no flicker, no output
    this.#stream.write(`\r${text}${ERASE_TO_END}`);
    this.#drawn = text;
  }
}

/** Without a terminal there is no line to redraw: lines pass straight through and progress is not shown. */
class NoProgress implements Progress {
  update(): void {}
  print(out: TerminalStream, line: string): void {
    out.write(`${line}\n`);
  }
  finish(): void {}
}

/**
 * A progress line on `stream` when it is an interactive terminal that understands "\r" and erase-to-end-of-line
 * (not TERM=dumb); otherwise a pass-through that shows no progress, so logs and pipes get the report lines only.
 */
export function progressFor(
  stream: TerminalStream,
  total: number,
  env: NodeJS.ProcessEnv = process.env,
): Progress {
  return stream.isTTY === true && env.TERM !== "dumb"
    ? new TerminalProgress(stream, total)
    : new NoProgress();
}
