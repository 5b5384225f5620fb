// A small labelled data set for the classifier's tests: four intents, phrased many ways, built from parts.

import type { LabelledExample } from "./train.ts";

const PARTS: Record<string, { heads: string[]; tails: string[] }> = {
  order: {
    heads: ["where is my", "track my", "has my", "when will my", "status of my", "any news on my"],
    tails: ["order", "parcel", "package", "delivery", "shipment"],
  },
  password: {
    heads: ["i forgot my", "reset my", "cannot remember my", "how do i change my", "lost my", "new"],
    tails: ["password", "login password", "passcode", "pin", "sign in password"],
  },
  refund: {
    heads: [
      "i want a refund for my",
      "give me my money back for the",
      "refund the",
      "i was charged twice for the",
      "reimburse my",
    ],
    tails: ["purchase", "payment", "subscription", "charge", "invoice"],
  },
  greeting: {
    heads: ["hello", "hi", "good morning", "hey", "hi there", "good evening"],
    tails: ["", "team", "support", "friends", "everyone"],
  },
};

export function toyExamples(): LabelledExample[] {
  const out: LabelledExample[] = [];
  for (const [label, { heads, tails }] of Object.entries(PARTS)) {
    for (const h of heads) for (const t of tails) out.push({ text: `${h} ${t}`.trim(), label });
  }
  return out;
}
