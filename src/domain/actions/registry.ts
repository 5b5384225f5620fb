// The routine-actions registry: declarative HTTP actions with JSON-schema parameters, validated once at load.

import { z } from "zod";
import { SLOT_KINDS } from "./slots.ts";

const localized = z.record(z.string().min(2).max(8), z.string().min(1));

const slotSchema = z.object({
  /** How the embedded mode finds the value in a message. */
  extract: z.enum(SLOT_KINDS),
  /** Filled from the conversation's customer, never from what the customer types. */
  identity: z.enum(["email", "customerId", "externalId"]).optional(),
  prompt: localized.optional(),
});

export const actionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "action names are snake_case"),
  description: z.string().min(1),
  /** Triage intents that select this action in the embedded mode. */
  intents: z.array(z.string()).default([]),
  /** Lower-case phrases that select it when no intent does ("where is my order"). */
  triggers: z.array(z.string().min(2)).default([]),
  /** Actions that change something ask the customer to confirm first. */
  sideEffect: z.boolean().default(false),
  /**
   * The API answers only for a known customer (it reads the identity headers, e.g. "my orders"): an anonymous or
   * unverified visitor is told so and handed to a person instead of the call failing.
   */
  requiresIdentity: z.boolean().default(false),
  params: z.object({
    type: z.literal("object"),
    properties: z.record(z.string(), z.record(z.string(), z.unknown())),
    required: z.array(z.string()).default([]),
    additionalProperties: z.boolean().optional(),
  }),
  slots: z.record(z.string(), slotSchema).default({}),
  http: z.object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    /** URL template: {param} and {baseUrl} are substituted (URL-encoded). */
    url: z.string().min(1),
    /** Params sent as the JSON body (POST/PUT/PATCH); default all. */
    body: z.array(z.string()).optional(),
    timeoutMs: z.number().int().positive().max(60_000).default(8000),
  }),
  /** Reply templates per language; {field} reads the result JSON (dotted paths), {param} the parameters. */
  reply: localized,
  confirm: localized.optional(),
});

export const registrySchema = z.object({ actions: z.array(actionSchema) });

export type ActionDefinition = z.infer<typeof actionSchema>;
export type ActionRegistry = z.infer<typeof registrySchema>;

export class ActionRegistryError extends Error {
  readonly code = "ACTIONS_INVALID" as const;
}

/** Validates a parsed registry document; every slot must name a declared parameter and names must be unique. */
export function parseRegistry(doc: unknown): ActionRegistry {
  const parsed = registrySchema.safeParse(doc);
  if (!parsed.success) {
    throw new ActionRegistryError(
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const names = new Set<string>();
  for (const a of parsed.data.actions) {
    if (names.has(a.name)) throw new ActionRegistryError(`action ${a.name} is declared twice`);
    names.add(a.name);
    for (const slot of Object.keys(a.slots)) {
      if (!(slot in a.params.properties))
        throw new ActionRegistryError(`${a.name}: slot ${slot} is not a parameter`);
    }
    for (const req of a.params.required) {
      if (!(req in a.slots))
        throw new ActionRegistryError(`${a.name}: required parameter ${req} has no slot`);
    }
    if (!a.reply.en) throw new ActionRegistryError(`${a.name}: reply needs at least an "en" template`);
  }
  return parsed.data;
}

/** Fills {path} placeholders from values (dotted paths into objects); missing values become "". */
export function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template
    .replace(/\{([\w.]+)\}/g, (_, path: string) => {
      let v: unknown = values;
      for (const k of path.split("."))
        v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
      return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    })
    .replace(/\s{2,}/g, " ")
    .trim();
}

export function localizedText(texts: Record<string, string>, language: string | null | undefined): string {
  const base = (language ?? "en").toLowerCase().split(/[-_]/)[0] ?? "en";
  return texts[base] ?? texts.en ?? Object.values(texts)[0] ?? "";
}

/** Tool specifications for native tool calling: identity parameters are left out, the server fills them. */
export function actionToolSpecs(
  registry: ActionRegistry,
): { name: string; description: string; parameters: Record<string, unknown> }[] {
  return registry.actions.map((a) => {
    const identity = new Set(
      Object.entries(a.slots)
        .filter(([, s]) => s.identity)
        .map(([k]) => k),
    );
    const properties = Object.fromEntries(
      Object.entries(a.params.properties).filter(([k]) => !identity.has(k)),
    );
    return {
      name: a.name,
      description: a.description,
      parameters: {
        type: "object",
        properties,
        required: a.params.required.filter((r) => !identity.has(r)),
        additionalProperties: false,
      },
    };
  });
}
