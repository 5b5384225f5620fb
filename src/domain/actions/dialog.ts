// The embedded mode's action dialog: pick an action, fill its slots from messages and the customer's identity,
// confirm before side effects, then hand a validated call to the executor. Pure: no I/O.

import { Ajv } from "ajv";
import { parseFollowUpReply } from "../answer/messages.ts";
import { asksOwnQuestion } from "../knowledge/question-core.ts";
import { type ActionDefinition, type ActionRegistry, localizedText } from "./registry.ts";
import { extractSlot, orderNumbersAs } from "./slots.ts";

export interface CustomerIdentity {
  customerId: string;
  email: string | null;
  externalId: string | null;
}

/** What the conversation remembers between turns while an action is being prepared. */
export interface PendingAction {
  action: string;
  params: Record<string, string>;
  awaiting: "slot" | "confirmation";
  slot?: string;
  /** Times the current slot was asked for; the dialog gives up after MAX_ASKS. */
  asks: number;
}

export type ActionStep =
  | { kind: "none" }
  | { kind: "ask_slot"; action: string; slot: string; message: string; pending: PendingAction }
  | { kind: "confirm"; action: string; message: string; pending: PendingAction }
  | { kind: "execute"; action: ActionDefinition; params: Record<string, string> }
  | { kind: "cancelled"; action: string; message: string }
  | {
      kind: "refused";
      action: string;
      reason: "identity_mismatch" | "missing_identity" | "gave_up";
      message: string;
    };

export const MAX_ASKS = 2;

const TEXT: Record<
  string,
  Record<"cancelled" | "mismatch" | "missingIdentity" | "askDefault" | "confirmDefault" | "gaveUp", string>
> = {
  en: {
    cancelled: "All right, I won't do that.",
    mismatch: "For your security I can only do this for the account you are signed in with.",
    missingIdentity:
      "I need to know who you are before I can do this, so I'm connecting you with a specialist.",
    askDefault: "Could you give me the {slot}?",
    confirmDefault: "Shall I go ahead? Please answer yes or no.",
    gaveUp:
      "I couldn't get the details I need, so I'm connecting you with a specialist who will see everything we've discussed.",
  },
  es: {
    cancelled: "De acuerdo, no lo haré.",
    mismatch: "Por tu seguridad, solo puedo hacer esto para la cuenta con la que has iniciado sesión.",
    missingIdentity:
      "Necesito saber quién eres antes de hacer esto, así que te pongo en contacto con un especialista.",
    askDefault: "¿Me puedes dar el dato {slot}?",
    confirmDefault: "¿Sigo adelante? Responde sí o no.",
    gaveUp:
      "No he conseguido los datos que necesito, así que te pongo en contacto con un especialista que verá todo lo que hemos hablado.",
  },
  fr: {
    cancelled: "Très bien, je ne le ferai pas.",
    mismatch: "Pour votre sécurité, je ne peux le faire que pour le compte avec lequel vous êtes connecté.",
    missingIdentity:
      "J'ai besoin de savoir qui vous êtes pour faire cela, je vous mets donc en relation avec un spécialiste.",
    askDefault: "Pouvez-vous me donner {slot} ?",
    confirmDefault: "Dois-je continuer ? Répondez oui ou non.",
    gaveUp:
      "Je n'ai pas pu obtenir les informations nécessaires, je vous mets donc en relation avec un spécialiste qui verra tout ce que nous avons échangé.",
  },
  de: {
    cancelled: "In Ordnung, ich mache das nicht.",
    mismatch: "Zu Ihrer Sicherheit kann ich das nur für das Konto tun, mit dem Sie angemeldet sind.",
    missingIdentity:
      "Ich muss wissen, wer Sie sind, bevor ich das tun kann, deshalb verbinde ich Sie mit einer Fachperson.",
    askDefault: "Können Sie mir {slot} nennen?",
    confirmDefault: "Soll ich fortfahren? Bitte antworten Sie mit Ja oder Nein.",
    gaveUp:
      "Ich konnte die nötigen Angaben nicht erhalten, deshalb verbinde ich Sie mit einer Fachperson, die alles sieht, was wir besprochen haben.",
  },
};
const text = (key: keyof (typeof TEXT)["en"], language: string | null | undefined) =>
  localizedText(Object.fromEntries(Object.entries(TEXT).map(([l, t]) => [l, t[key]])), language);

export interface DialogInput {
  text: string;
  language?: string | null;
  /** The triage intent of the message, when known. */
  intent?: string | null;
  pending: PendingAction | null;
  identity: CustomerIdentity | null;
}

// Trigger phrases are matched on whole words, with contractions spelled out: "where's my order" says the trigger
// "where is my order", "hasn't arrived" says "has not arrived", and "reorder status" does not say "order status".
const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bcan't\b/g, "cannot"],
  [/\bwon't\b/g, "will not"],
  [/n't\b/g, " not"],
  [/\b(where|what|how|who|when|why|it|that|there|here|he|she)'s\b/g, "$1 is"],
  [/'m\b/g, " am"],
  [/'re\b/g, " are"],
  [/'ve\b/g, " have"],
  [/'ll\b/g, " will"],
  [/'d\b/g, " would"],
];
/** The same contractions typed without the apostrophe ("cant", "hasnt", "wheres"), where that spells no other word. */
const BARE_CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bcant\b/g, "cannot"],
  [/\b(has|have|had|did|does|do|is|was|were|could|should|would)nt\b/g, "$1 not"],
  [/\b(where|what|how|who|that|there)s\b/g, "$1 is"],
];

/** A message or trigger as trigger matching reads it: lower case, contractions spelled out, words between spaces. */
export function triggerForm(text: string): string {
  let s = text.toLowerCase().replace(/[\u2019\u02bc]/gu, "'");
  if (s.includes("'")) for (const [re, to] of CONTRACTIONS) s = s.replace(re, to);
  for (const [re, to] of BARE_CONTRACTIONS) s = s.replace(re, to);
  return ` ${s.replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
}

/**
 * A reply to "What is your order number?" that says the customer does not have it ("I don't know the number", "no
 * idea"): asking again gets nowhere, so the dialog hands over at once.
 */
const DOES_NOT_HAVE =
  /\b(?:(?:i )?(?:do ?n['o]?t|dont) (?:know|have|remember|recall)|no idea|not sure|(?:i )?(?:can'?t|cannot|can not) (?:find|remember|recall|see)|(?:i )?(?:lost|deleted|forgot) (?:it|the (?:number|email|receipt))|no sé|je ne sais pas|weiß (?:ich )?nicht|não sei|non lo so|weet (?:ik )?het niet)\b/iu;

/** The customer drops what they were asked for: "never mind", "forget it", "cancel that". English. */
const CHANGED_MIND =
  /^\s*(?:(?:oh|ok(?:ay)?|actually|sorry)[\s,]+)?(?:never\s*mind|forget (?:it|that|about it)|cancel (?:that|it)|scratch that)\b[\s,.!;:-]*/i;

export class ActionDialog {
  private readonly registry: ActionRegistry;
  private readonly validators = new Map<string, (v: unknown) => boolean>();
  /** Each action's trigger phrases as triggerForm reads them, worked out once. */
  private readonly triggerForms = new Map<string, string[]>();

  constructor(registry: ActionRegistry) {
    this.registry = registry;
    // Formats ("email") are checked by slot extraction; ajv checks types, patterns, lengths and required fields.
    const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
    for (const a of registry.actions) {
      this.validators.set(a.name, ajv.compile(a.params));
      this.triggerForms.set(a.name, a.triggers.map(triggerForm));
    }
  }

  /**
   * Whether the message says one of the action's trigger phrases, an order number counting as "my order": "has
   * LC-10234 shipped?" says "has my order shipped".
   */
  private saysTrigger(message: string, action: ActionDefinition): boolean {
    const said = triggerForm(message);
    const withOrder = triggerForm(orderNumbersAs(message, "my order"));
    return (this.triggerForms.get(action.name) ?? []).some((t) => said.includes(t) || withOrder.includes(t));
  }

  get actions(): ActionDefinition[] {
    return this.registry.actions;
  }

  find(name: string): ActionDefinition | undefined {
    return this.registry.actions.find((a) => a.name === name);
  }

  /** Which action a message asks for: by triage intent first, then by trigger phrase. */
  select(message: string, intent?: string | null): ActionDefinition | null {
    if (intent) {
      const byIntent = this.registry.actions.find((a) => a.intents.includes(intent));
      if (byIntent) return byIntent;
    }
    return this.registry.actions.find((a) => this.saysTrigger(message, a)) ?? this.selectByBareValue(message);
  }

  /**
   * A message that is nothing but an order number ("LC-10234") asks about that order: the one action with an
   * order-number slot takes it. Only a non-identity order_id slot counts (an email alone names no request), and
   * only when exactly one action has such a slot, so the choice is never a guess.
   */
  private selectByBareValue(message: string): ActionDefinition | null {
    const bare = message.trim().replace(/[\s.!?]+$/u, "");
    if (bare.length === 0 || bare.length > 24 || /\s/.test(bare)) return null;
    const value = extractSlot("order_id", bare);
    if (value === null || value.replace(/-/g, "") !== bare.toUpperCase().replace(/-/g, "")) return null;
    const candidates = this.registry.actions.filter((a) =>
      Object.values(a.slots).some((slot) => slot.extract === "order_id" && !slot.identity),
    );
    return candidates.length === 1 ? (candidates[0] as ActionDefinition) : null;
  }

  /** Whether the message names the action in so many words (a trigger phrase), not just its intent. */
  triggered(message: string, actionName: string): boolean {
    const action = this.find(actionName);
    return action !== undefined && this.saysTrigger(message, action);
  }

  /** Whether the message carries a value for one of the action's own (non-identity) slots, such as an order number. */
  namesSubject(message: string, actionName: string): boolean {
    const action = this.find(actionName);
    return Boolean(
      action &&
        Object.values(action.slots).some(
          (slot) => !slot.identity && extractSlot(slot.extract, message) !== null,
        ),
    );
  }

  /** Whether parameters satisfy the action's JSON schema. */
  valid(action: ActionDefinition, params: Record<string, string>): boolean {
    return this.validators.get(action.name)!(params);
  }

  next(input: DialogInput): ActionStep {
    const lang = input.language ?? "en";
    if (input.pending) {
      const action = this.find(input.pending.action);
      if (!action) return { kind: "none" };
      if (input.pending.awaiting === "confirmation") {
        const reply = parseFollowUpReply(input.text);
        if (reply === "resolved") {
          // Re-check at the last moment: the identity may have changed since the confirmation was asked.
          const bound = this.bindIdentity(action, input.pending.params, input.identity, "");
          if (bound.kind !== "ok")
            return {
              kind: "refused",
              action: action.name,
              reason: bound.reason,
              message: text(bound.reason === "missing_identity" ? "missingIdentity" : "mismatch", lang),
            };
          return { kind: "execute", action, params: bound.params };
        }
        if (reply === "unresolved")
          return { kind: "cancelled", action: action.name, message: text("cancelled", lang) };
        return { kind: "none" };
      }
      const awaited = input.pending.slot ? action.slots[input.pending.slot] : undefined;
      if (awaited && extractSlot(awaited.extract, input.text) === null) {
        if (DOES_NOT_HAVE.test(input.text))
          return { kind: "refused", action: action.name, reason: "gave_up", message: text("gaveUp", lang) };
        // "never mind, how long does delivery take?": the customer moved on. A question of its own is answered as
        // any message is (the action is dropped); a bare "never mind" ends the action.
        const rest = input.text.replace(CHANGED_MIND, "");
        if (asksOwnQuestion(rest)) return { kind: "none" };
        if (rest !== input.text)
          return { kind: "cancelled", action: action.name, message: text("cancelled", lang) };
      }
      return this.fill(action, { ...input.pending.params }, input, input.pending.asks);
    }
    const action = this.select(input.text, input.intent);
    if (!action) return { kind: "none" };
    return this.fill(action, {}, input, 0);
  }

  /**
   * LLM mode: the model chose an action and its arguments (native tool calling). Arguments are untrusted: identity
   * parameters are overwritten from the customer (a different value refuses), the rest is checked like slot values,
   * and a side effect still needs the customer's confirmation.
   */
  fromToolCall(name: string, rawArguments: string, input: Omit<DialogInput, "pending">): ActionStep {
    const action = this.find(name);
    if (!action) return { kind: "none" };
    let args: unknown;
    try {
      args = JSON.parse(rawArguments || "{}");
    } catch {
      args = {};
    }
    const params: Record<string, string> = {};
    if (args && typeof args === "object" && !Array.isArray(args)) {
      for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
        if (!(k in action.params.properties) || (typeof v !== "string" && typeof v !== "number")) continue;
        const value = String(v).trim();
        const slot = action.slots[k];
        if (slot?.identity) {
          const own = input.identity ? input.identity[slot.identity] : null;
          if (own && value.toLowerCase() !== own.toLowerCase()) {
            return {
              kind: "refused",
              action: action.name,
              reason: "identity_mismatch",
              message: text("mismatch", input.language),
            };
          }
          continue;
        }
        if (this.slotValid(action, k, value)) params[k] = value;
      }
    }
    return this.fill(action, params, { ...input, text: "", pending: null }, 0);
  }

  private fill(
    action: ActionDefinition,
    params: Record<string, string>,
    input: DialogInput,
    asks: number,
  ): ActionStep {
    const lang = input.language ?? "en";
    const bound = this.bindIdentity(action, params, input.identity, input.text);
    if (bound.kind !== "ok")
      return {
        kind: "refused",
        action: action.name,
        reason: bound.reason,
        message: text(bound.reason === "missing_identity" ? "missingIdentity" : "mismatch", lang),
      };
    params = bound.params;
    for (const [name, slot] of Object.entries(action.slots)) {
      if (slot.identity || params[name] !== undefined) continue;
      const value = extractSlot(slot.extract, input.text);
      if (value !== null && this.slotValid(action, name, value)) params[name] = value;
    }
    const missing = action.params.required.find((p) => params[p] === undefined);
    if (missing) {
      const repeat = asks > 0 && params[missing] === undefined;
      if (repeat && asks >= MAX_ASKS)
        return { kind: "refused", action: action.name, reason: "gave_up", message: text("gaveUp", lang) };
      const slot = action.slots[missing]!;
      const message = slot.prompt
        ? localizedText(slot.prompt, lang)
        : text("askDefault", lang).replace("{slot}", missing);
      return {
        kind: "ask_slot",
        action: action.name,
        slot: missing,
        message,
        pending: { action: action.name, params, awaiting: "slot", slot: missing, asks: asks + 1 },
      };
    }
    if (!this.valid(action, params))
      return { kind: "refused", action: action.name, reason: "gave_up", message: text("gaveUp", lang) };
    if (action.sideEffect) {
      const message = action.confirm
        ? `${localizedText(action.confirm, lang).replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? "")}`
        : text("confirmDefault", lang);
      return {
        kind: "confirm",
        action: action.name,
        message,
        pending: { action: action.name, params, awaiting: "confirmation", asks: 0 },
      };
    }
    return { kind: "execute", action, params };
  }

  /** A single parameter against its own schema (the rest of the object left out). */
  private slotValid(action: ActionDefinition, name: string, value: string): boolean {
    const schema = action.params.properties[name] as
      | { pattern?: string; format?: string; maxLength?: number }
      | undefined;
    if (!schema) return false;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) return false;
    return true;
  }

  /**
   * Identity slots come from the conversation's customer only. A different value of that kind in the customer's
   * text (another person's email) refuses the action instead of quietly using either value.
   */
  private bindIdentity(
    action: ActionDefinition,
    params: Record<string, string>,
    identity: CustomerIdentity | null,
    message: string,
  ):
    | { kind: "ok"; params: Record<string, string> }
    | { kind: "fail"; reason: "identity_mismatch" | "missing_identity" } {
    const out = { ...params };
    if (action.requiresIdentity && !identity?.email && !identity?.externalId)
      return { kind: "fail", reason: "missing_identity" };
    for (const [name, slot] of Object.entries(action.slots)) {
      if (!slot.identity) continue;
      const own = identity ? identity[slot.identity] : null;
      if (!own) return { kind: "fail", reason: "missing_identity" };
      const typed = extractSlot(slot.extract, message);
      if (typed !== null && typed.toLowerCase() !== own.toLowerCase())
        return { kind: "fail", reason: "identity_mismatch" };
      if (out[name] !== undefined && out[name]!.toLowerCase() !== own.toLowerCase())
        return { kind: "fail", reason: "identity_mismatch" };
      out[name] = own;
    }
    return { kind: "ok", params: out };
  }
}
