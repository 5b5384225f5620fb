// What the customer is told around a handoff (the expected wait, who joined, hand-back, resolution), in the
// conversation's language: a customer who wrote in French is not switched to English at the seam.
// Times are rendered in the customer's zone when known.

import { type MessageLanguage as Lang, messageLanguage as lang } from "../answer/messages.ts";
import type { ReplyExpectation } from "../assignment/types.ts";

/** Intl locale for dates: weekday and time in the customer's language and conventions. */
const DATE_LOCALE: Record<Lang, string> = {
  en: "en-US",
  es: "es-ES",
  fr: "fr-FR",
  de: "de-DE",
  pt: "pt-PT",
  it: "it-IT",
  nl: "nl-NL",
};

interface Texts {
  minutes: (n: number) => string;
  hours: (n: number) => string;
  today: (time: string) => string;
  tomorrow: (time: string) => string;
  onDay: (weekday: string, time: string) => string;
  agentAvailable: string;
  queued: (wait: string) => string;
  afterHours: (when: string) => string;
  noAgent: string;
  /** Posted on escalation when no routing snapshot says more. */
  queuedPlain: string;
  joined: (name: string) => string;
  someone: string;
  handedBack: string;
  resolved: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const TEXTS: Record<Lang, Texts> = {
  en: {
    minutes: (n) => `about ${plural(n, "minute", "minutes")}`,
    hours: (n) => `about ${plural(n, "hour", "hours")}`,
    today: (t) => `today at ${t}`,
    tomorrow: (t) => `tomorrow at ${t}`,
    onDay: (d, t) => `on ${d} at ${t}`,
    agentAvailable:
      "I'm connecting you with a member of our team now. They will see everything we've discussed.",
    queued: (w) =>
      `I'm connecting you with a member of our team, who will see everything we've discussed. The expected wait is ${w}.`,
    afterHours: (when) =>
      `Our team is away right now. A person will reply ${when}, and they will see everything we've discussed. You can leave more details here in the meantime.`,
    noAgent:
      "I've passed your conversation to our team, who will see everything we've discussed. A person will reply as soon as someone is available.",
    queuedPlain:
      "I'm connecting you with a member of our team, who will see everything we've discussed. Please stay here.",
    joined: (name) => `${name} from our team has joined and can see our conversation.`,
    someone: "A member of our team",
    handedBack: "You're back with our virtual assistant. Ask me anything, or ask for a person at any time.",
    resolved: "This conversation has been marked as resolved. Write here any time if you need anything else.",
  },
  es: {
    minutes: (n) => `unos ${plural(n, "minuto", "minutos")}`,
    hours: (n) => `unas ${plural(n, "hora", "horas")}`,
    today: (t) => `hoy a las ${t}`,
    tomorrow: (t) => `mañana a las ${t}`,
    onDay: (d, t) => `el ${d} a las ${t}`,
    agentAvailable:
      "Te estoy poniendo en contacto con una persona de nuestro equipo. Verá todo lo que hemos hablado.",
    queued: (w) =>
      `Te estoy poniendo en contacto con una persona de nuestro equipo, que verá todo lo que hemos hablado. La espera estimada es de ${w}.`,
    afterHours: (when) =>
      `Nuestro equipo no está disponible ahora. Una persona te responderá ${when} y verá todo lo que hemos hablado. Mientras tanto, puedes dejar aquí más detalles.`,
    noAgent:
      "He pasado tu conversación a nuestro equipo, que verá todo lo que hemos hablado. Una persona te responderá en cuanto esté disponible.",
    queuedPlain:
      "Te estoy poniendo en contacto con una persona de nuestro equipo, que verá todo lo que hemos hablado. Quédate aquí, por favor.",
    joined: (name) => `${name}, de nuestro equipo, se ha unido y puede ver nuestra conversación.`,
    someone: "Una persona de nuestro equipo",
    handedBack:
      "Vuelves a hablar con nuestro asistente virtual. Pregúntame lo que quieras o pide una persona cuando quieras.",
    resolved: "Esta conversación se ha marcado como resuelta. Escríbenos aquí cuando necesites algo más.",
  },
  fr: {
    minutes: (n) => `environ ${plural(n, "minute", "minutes")}`,
    hours: (n) => `environ ${plural(n, "heure", "heures")}`,
    today: (t) => `aujourd'hui à ${t}`,
    tomorrow: (t) => `demain à ${t}`,
    onDay: (d, t) => `${d} à ${t}`,
    agentAvailable:
      "Je vous mets en relation avec un membre de notre équipe. Il verra tout ce que nous avons échangé.",
    queued: (w) =>
      `Je vous mets en relation avec un membre de notre équipe, qui verra tout ce que nous avons échangé. L'attente estimée est d'${w}.`,
    afterHours: (when) =>
      `Notre équipe est absente pour le moment. Une personne vous répondra ${when} et verra tout ce que nous avons échangé. Vous pouvez laisser plus de détails ici en attendant.`,
    noAgent:
      "J'ai transmis votre conversation à notre équipe, qui verra tout ce que nous avons échangé. Une personne vous répondra dès que possible.",
    queuedPlain:
      "Je vous mets en relation avec un membre de notre équipe, qui verra tout ce que nous avons échangé. Merci de rester ici.",
    joined: (name) => `${name}, de notre équipe, a rejoint la conversation et peut voir nos échanges.`,
    someone: "Un membre de notre équipe",
    handedBack:
      "Vous êtes de retour avec notre assistant virtuel. Posez-moi vos questions, ou demandez une personne à tout moment.",
    resolved:
      "Cette conversation a été marquée comme résolue. Écrivez-nous ici si vous avez besoin d'autre chose.",
  },
  de: {
    minutes: (n) => `etwa ${plural(n, "Minute", "Minuten")}`,
    hours: (n) => `etwa ${plural(n, "Stunde", "Stunden")}`,
    today: (t) => `heute um ${t}`,
    tomorrow: (t) => `morgen um ${t}`,
    onDay: (d, t) => `am ${d} um ${t}`,
    agentAvailable:
      "Ich verbinde Sie jetzt mit einer Person aus unserem Team. Sie sieht alles, was wir besprochen haben.",
    queued: (w) =>
      `Ich verbinde Sie mit einer Person aus unserem Team, die alles sieht, was wir besprochen haben. Die voraussichtliche Wartezeit beträgt ${w}.`,
    afterHours: (when) =>
      `Unser Team ist gerade nicht erreichbar. Eine Person antwortet Ihnen ${when} und sieht alles, was wir besprochen haben. Sie können hier inzwischen weitere Details hinterlassen.`,
    noAgent:
      "Ich habe Ihr Gespräch an unser Team weitergegeben, das alles sieht, was wir besprochen haben. Eine Person antwortet, sobald jemand verfügbar ist.",
    queuedPlain:
      "Ich verbinde Sie mit einer Person aus unserem Team, die alles sieht, was wir besprochen haben. Bitte bleiben Sie hier.",
    joined: (name) => `${name} aus unserem Team ist dazugekommen und kann unser Gespräch sehen.`,
    someone: "Eine Person aus unserem Team",
    handedBack:
      "Sie sind wieder bei unserem virtuellen Assistenten. Fragen Sie mich alles, oder verlangen Sie jederzeit eine Person.",
    resolved:
      "Dieses Gespräch wurde als gelöst markiert. Schreiben Sie hier jederzeit, wenn Sie noch etwas brauchen.",
  },
  pt: {
    minutes: (n) => `cerca de ${plural(n, "minuto", "minutos")}`,
    hours: (n) => `cerca de ${plural(n, "hora", "horas")}`,
    today: (t) => `hoje às ${t}`,
    tomorrow: (t) => `amanhã às ${t}`,
    onDay: (d, t) => `na ${d} às ${t}`,
    agentAvailable: "Estou a ligá-lo a um membro da nossa equipa. Verá tudo o que conversámos.",
    queued: (w) =>
      `Estou a ligá-lo a um membro da nossa equipa, que verá tudo o que conversámos. A espera estimada é de ${w}.`,
    afterHours: (when) =>
      `A nossa equipa não está disponível agora. Uma pessoa responderá ${when} e verá tudo o que conversámos. Entretanto, pode deixar aqui mais detalhes.`,
    noAgent:
      "Passei a sua conversa à nossa equipa, que verá tudo o que conversámos. Uma pessoa responderá assim que estiver disponível.",
    queuedPlain:
      "Estou a ligá-lo a um membro da nossa equipa, que verá tudo o que conversámos. Por favor, fique aqui.",
    joined: (name) => `${name}, da nossa equipa, juntou-se e pode ver a nossa conversa.`,
    someone: "Um membro da nossa equipa",
    handedBack:
      "Está de volta ao nosso assistente virtual. Pergunte-me o que quiser, ou peça uma pessoa a qualquer momento.",
    resolved:
      "Esta conversa foi marcada como resolvida. Escreva aqui sempre que precisar de mais alguma coisa.",
  },
  it: {
    minutes: (n) => `circa ${plural(n, "minuto", "minuti")}`,
    hours: (n) => `circa ${plural(n, "ora", "ore")}`,
    today: (t) => `oggi alle ${t}`,
    tomorrow: (t) => `domani alle ${t}`,
    onDay: (d, t) => `${d} alle ${t}`,
    agentAvailable:
      "Ti metto in contatto con una persona del nostro team. Vedrà tutto ciò di cui abbiamo parlato.",
    queued: (w) =>
      `Ti metto in contatto con una persona del nostro team, che vedrà tutto ciò di cui abbiamo parlato. L'attesa stimata è di ${w}.`,
    afterHours: (when) =>
      `Il nostro team al momento non è disponibile. Una persona ti risponderà ${when} e vedrà tutto ciò di cui abbiamo parlato. Nel frattempo puoi lasciare qui altri dettagli.`,
    noAgent:
      "Ho passato la tua conversazione al nostro team, che vedrà tutto ciò di cui abbiamo parlato. Una persona ti risponderà appena possibile.",
    queuedPlain:
      "Ti metto in contatto con una persona del nostro team, che vedrà tutto ciò di cui abbiamo parlato. Resta qui, per favore.",
    joined: (name) => `${name} del nostro team si è unito e può vedere la nostra conversazione.`,
    someone: "Una persona del nostro team",
    handedBack:
      "Sei di nuovo con il nostro assistente virtuale. Chiedimi qualsiasi cosa, o chiedi una persona quando vuoi.",
    resolved: "Questa conversazione è stata segnata come risolta. Scrivici qui quando ti serve altro.",
  },
  nl: {
    minutes: (n) => `ongeveer ${plural(n, "minuut", "minuten")}`,
    hours: (n) => `ongeveer ${plural(n, "uur", "uur")}`,
    today: (t) => `vandaag om ${t}`,
    tomorrow: (t) => `morgen om ${t}`,
    onDay: (d, t) => `op ${d} om ${t}`,
    agentAvailable: "Ik verbind je nu met iemand van ons team. Die ziet alles wat we hebben besproken.",
    queued: (w) =>
      `Ik verbind je met iemand van ons team, die alles ziet wat we hebben besproken. De verwachte wachttijd is ${w}.`,
    afterHours: (when) =>
      `Ons team is er nu niet. Iemand antwoordt ${when} en ziet alles wat we hebben besproken. Je kunt hier intussen meer details achterlaten.`,
    noAgent:
      "Ik heb je gesprek doorgegeven aan ons team, dat alles ziet wat we hebben besproken. Iemand antwoordt zodra er iemand beschikbaar is.",
    queuedPlain:
      "Ik verbind je met iemand van ons team, die alles ziet wat we hebben besproken. Blijf hier alsjeblieft.",
    joined: (name) => `${name} van ons team is erbij gekomen en kan ons gesprek zien.`,
    someone: "Iemand van ons team",
    handedBack:
      "Je bent terug bij onze virtuele assistent. Vraag me alles, of vraag op elk moment naar een persoon.",
    resolved: "Dit gesprek is gemarkeerd als opgelost. Schrijf hier gerust als je nog iets nodig hebt.",
  },
};

function waitText(ms: number, t: Texts): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return t.minutes(min);
  return t.hours(Math.round(min / 60));
}

function whenText(at: number, now: number, timeZone: string, t: Texts, locale: string): string {
  const day = (x: number) => new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(x);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(at);
  if (day(at) === day(now)) return t.today(time);
  if (day(at) === day(now + 86_400_000)) return t.tomorrow(time);
  return t.onDay(new Intl.DateTimeFormat(locale, { timeZone, weekday: "long" }).format(at), time);
}

/** The message posted when a conversation is escalated and still waiting. */
export function customerWaitMessage(
  expectation: ReplyExpectation,
  now: number,
  timeZone = "UTC",
  language?: string | null,
): string {
  const l = lang(language);
  const t = TEXTS[l];
  switch (expectation.kind) {
    case "agent_available":
      return t.agentAvailable;
    case "queued":
      return t.queued(waitText(expectation.estimatedWaitMs, t));
    case "after_hours":
      return t.afterHours(whenText(expectation.nextOpeningAt, now, timeZone, t, DATE_LOCALE[l]));
    case "no_agent":
      return t.noAgent;
  }
}

/** The message posted when an agent takes the conversation: the agent by first name. */
export function agentJoinedMessage(displayName: string, language?: string | null): string {
  const t = TEXTS[lang(language)];
  const name = displayName.trim().split(/\s+/)[0] || t.someone;
  return t.joined(name);
}

/** Fixed notices of the conversation's life: queued (no estimate known), handed back to the AI, resolved. */
export function customerNotice(kind: "queued" | "handedBack" | "resolved", language?: string | null): string {
  const t = TEXTS[lang(language)];
  return kind === "queued" ? t.queuedPlain : t[kind];
}
