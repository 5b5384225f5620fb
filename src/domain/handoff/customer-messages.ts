// What the customer is told around a handoff: the expected wait on escalation, and who joined on assignment.
// Plain English; the caller may translate. Times are rendered in the customer's zone when known.

import type { ReplyExpectation } from "../assignment/types.ts";

function minutesText(ms: number): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return `about ${min} minute${min === 1 ? "" : "s"}`;
  const h = Math.round(min / 60);
  return `about ${h} hour${h === 1 ? "" : "s"}`;
}

function whenText(at: number, now: number, timeZone: string): string {
  const fmt = (opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-US", { timeZone, ...opts }).format(at);
  const day = (t: number) => new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(t);
  const time = fmt({ hour: "numeric", minute: "2-digit", timeZoneName: "short" });
  if (day(at) === day(now)) return `today at ${time}`;
  if (day(at) === day(now + 86_400_000)) return `tomorrow at ${time}`;
  return `on ${fmt({ weekday: "long" })} at ${time}`;
}

/** The message posted when a conversation is escalated and still waiting. */
export function customerWaitMessage(expectation: ReplyExpectation, now: number, timeZone = "UTC"): string {
  switch (expectation.kind) {
    case "agent_available":
      return "I'm connecting you with a member of our team now. They will see everything we've discussed.";
    case "queued":
      return `I'm connecting you with a member of our team, who will see everything we've discussed. The expected wait is ${minutesText(expectation.estimatedWaitMs)}.`;
    case "after_hours":
      return `Our team is away right now. A person will reply ${whenText(expectation.nextOpeningAt, now, timeZone)}, and they will see everything we've discussed. You can leave more details here in the meantime.`;
    case "no_agent":
      return "I've passed your conversation to our team, who will see everything we've discussed. A person will reply as soon as someone is available.";
  }
}

/** The message posted when an agent takes the conversation. */
export function agentJoinedMessage(displayName: string): string {
  const name = displayName.trim().split(/\s+/)[0] || "A member of our team";
  return `${name} from our team has joined and can see our conversation.`;
}
