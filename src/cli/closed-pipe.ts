// A reader that stops early (`tandem ask | head -1`) closes the pipe, and the next write fails with EPIPE. That is
// the reader's choice, not a failure of ours: end at once and quietly, as Unix filters do, instead of crashing with
// a stack trace from an unhandled stream error (or going on answering questions nobody will read). Only filters
// (commands whose output is data for another program) opt in: a server whose log reader dies should not exit 0.

/** What `process.exit` needs; a parameter so tests can watch the decision without ending the test run. */
export type Exit = (status: number) => void;

/** How a command prints a coded error on stderr; the default is the plain `tandem: CODE: message` line. */
export type ErrorFormat = (error: { code: string; message: string }) => string;

const plain: ErrorFormat = ({ code, message }) => `tandem: ${code}: ${message}`;

/**
 * Ends the process when `stream` fails: quietly on EPIPE (with the status already set, else 0, so an earlier
 * failure is not hidden), otherwise with an OUTPUT_FAILED line on `report` (when it is not the broken stream) and
 * status 1.
 */
export function exitOnClosedPipe(
  stream: NodeJS.EventEmitter,
  report: { write(text: string): unknown } | null,
  exit: Exit = (status) => process.exit(status),
  format: ErrorFormat = plain,
): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") {
      exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      return;
    }
    report?.write(`${format({ code: "OUTPUT_FAILED", message: err.message })}\n`);
    exit(1);
  });
}

/** For a filter command: a closed stdout or stderr ends the process quietly and promptly. */
export function endQuietlyOnClosedOutput(format: ErrorFormat = plain): void {
  exitOnClosedPipe(process.stdout, process.stderr, undefined, format);
  exitOnClosedPipe(process.stderr, null);
}
