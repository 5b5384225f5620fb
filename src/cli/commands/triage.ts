// `tandem triage`: the JSONL contract evaluation tools and scripts depend on. One line in, one line out, in order,
// streamed, so a multi-gigabyte export is triaged in constant memory; a bad line gets an error line, not a crash.
import { endQuietlyOnClosedOutput } from "../closed-pipe.ts";
import { jsonlLines } from "../jsonl-lines.ts";
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import type { Command } from "commander";
import { z } from "zod";
import { loadModel, STARTER_MODEL_DIR } from "../../adapters/model/model-files.ts";
import { loadRoutingRules } from "../../adapters/rules/rules-file.ts";
import type { IntentModel } from "../../domain/triage/intent/index.ts";
import { DEFAULT_ROUTING_RULES, type RoutingRules } from "../../domain/triage/routing-rules.ts";
import { createTriage, type Triage } from "../../domain/triage/triage.ts";

/** A line longer than this is refused rather than triaged: no chat message is a megabyte. */
export const MAX_LINE_CHARS = 1024 * 1024;

const lineSchema = z.object({
  id: z.string({ error: "id must be a string" }),
  // As the message API: a message of nothing but spaces is no message, and its triage would mean nothing.
  text: z.string({ error: "text must be a string" }).refine((s) => s.trim() !== "", "text must not be empty"),
  history: z
    .array(
      z.object({
        role: z.enum(["customer", "ai", "agent"], { error: 'role must be "customer", "ai" or "agent"' }),
        text: z.string({ error: "history text must be a string" }),
      }),
      { error: "history must be a list of turns" },
    )
    .max(1000, "history is limited to 1000 turns")
    .optional(),
  customer: z
    .object(
      {
        attributes: z
          .record(z.string(), z.unknown(), { error: "customer.attributes must be an object" })
          .optional(),
      },
      { error: "customer must be an object" },
    )
    .optional(),
  // Optional extensions beyond the contract: a known conversation language and a count of unresolved AI turns.
  fallbackLanguage: z.string().max(35).optional(),
  aiTurnsUnresolved: z.number().int().min(0).optional(),
});

export interface TriageOutputLine {
  id: string;
  language: string;
  sentiment: number;
  frustration: number;
  intent: string;
  confidence: number;
  outOfScope: boolean;
  route: "ai" | "human";
  reasons: string[];
  tier: number;
}

export interface TriageErrorLine {
  id?: string;
  error: { code: string; message: string };
}

function tooLarge(length: number): TriageErrorLine {
  return {
    error: { code: "INPUT_TOO_LARGE", message: `line of ${length} characters exceeds ${MAX_LINE_CHARS}` },
  };
}

/** Turns one input line into one output line; never throws. */
export function triageLine(triage: Triage, line: string): TriageOutputLine | TriageErrorLine {
  if (line.length > MAX_LINE_CHARS) return tooLarge(line.length);
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (err) {
    return { error: { code: "INPUT_INVALID_JSON", message: `not valid JSON: ${(err as Error).message}` } };
  }
  const parsed = lineSchema.safeParse(data);
  const id =
    typeof data === "object" && data !== null && typeof (data as { id?: unknown }).id === "string"
      ? (data as { id: string }).id
      : undefined;
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
      .join("; ");
    return { ...(id !== undefined ? { id } : {}), error: { code: "INPUT_INVALID", message } };
  }
  const input = parsed.data;
  try {
    const r = triage({
      text: input.text,
      ...(input.history !== undefined ? { history: input.history } : {}),
      ...(input.customer !== undefined ? { customer: input.customer } : {}),
      ...(input.fallbackLanguage !== undefined ? { fallbackLanguage: input.fallbackLanguage } : {}),
      ...(input.aiTurnsUnresolved !== undefined ? { aiTurnsUnresolved: input.aiTurnsUnresolved } : {}),
    });
    return {
      id: input.id,
      language: r.language,
      sentiment: r.sentiment,
      frustration: r.frustration,
      intent: r.intent,
      confidence: r.confidence,
      outOfScope: r.outOfScope,
      route: r.route,
      reasons: r.reasons,
      tier: r.tier,
    };
  } catch (err) {
    return { id: input.id, error: { code: "TRIAGE_FAILED", message: (err as Error).message ?? String(err) } };
  }
}

/** Streams JSONL from `input` to `output`, honouring back-pressure. Returns the number of lines written. */
export async function triageStream(triage: Triage, input: Readable, output: Writable): Promise<number> {
  let n = 0;
  for await (const line of jsonlLines(input, MAX_LINE_CHARS)) {
    if ("text" in line && line.text.trim() === "") continue; // blank lines are not inputs
    const out = "text" in line ? triageLine(triage, line.text) : tooLarge(line.tooLong);
    const ok = output.write(`${JSON.stringify(out)}\n`);
    n++;
    if (!ok) await once(output, "drain");
  }
  return n;
}

interface CodedError {
  code: string;
  message: string;
}

function asCoded(err: unknown, fallback: string): CodedError {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === "string") {
    return { code: (err as unknown as { code: string }).code, message: err.message };
  }
  return { code: fallback, message: err instanceof Error ? err.message : String(err) };
}

export function registerTriageCommand(program: Command): void {
  program
    .command("triage")
    .description(
      "Triage JSONL messages from stdin: language, sentiment, frustration, intent, route, reasons, tier",
    )
    .option("--model <dir>", "intent model directory", STARTER_MODEL_DIR)
    .option("--rules <file>", "routing rules (JSON or YAML); defaults to the built-in rules")
    .action(async (opts: { model: string; rules?: string }) => {
      let model: IntentModel;
      let rules: RoutingRules = DEFAULT_ROUTING_RULES;
      try {
        // Load both before reading a line: a bad model or rules file must stop the run, not degrade it.
        rules = opts.rules !== undefined ? await loadRoutingRules(opts.rules) : DEFAULT_ROUTING_RULES;
        model = await loadModel(opts.model);
      } catch (err) {
        process.stderr.write(`${JSON.stringify({ error: asCoded(err, "TRIAGE_SETUP_FAILED") })}\n`);
        process.exitCode = 2;
        return;
      }
      // A closed stdout (`| head`) ends the run quietly; any other output failure is a JSON error like the above.
      endQuietlyOnClosedOutput((error) => JSON.stringify({ error }));
      await triageStream(createTriage({ intentModel: model, rules }), process.stdin, process.stdout);
    });
}
