// The contract between the evaluation runner and each part of the evaluation (intent, sentiment, full triage).

export interface EvalContext {
  /** Folder holding the public evaluation sets (../shared/eval unless EVAL_DIR says otherwise). */
  evalDir: string;
  repoRoot: string;
  /** Progress line on stderr, so stdout stays clean. */
  log(message: string): void;
}

export interface SectionResult {
  /** Markdown for bench/results/eval.md, starting with a "## " heading. */
  markdown: string;
  /** Machine-readable figures for bench/results/eval.json. */
  json: unknown;
}

export interface EvalSection {
  name: string;
  run(ctx: EvalContext): Promise<SectionResult>;
}
