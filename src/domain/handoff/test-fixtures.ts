// Fixture conversations for the handoff and assist tests: a late parcel that the AI could not resolve and
// an increasingly upset customer, built with the same shapes the store returns.

import type { Conversation, ConversationEvent, Customer, Message, TriageResult } from "../model.ts";

const T = (min: number) => new Date(Date.UTC(2026, 2, 4, 10, min)).toISOString();

export function triage(over: Partial<TriageResult> = {}): TriageResult {
  return {
    language: "en",
    languageConfidence: 0.99,
    sentiment: 0,
    sentimentCues: [],
    frustration: 0,
    frustrationCues: [],
    frustrationTrend: 0,
    intent: "order_status",
    confidence: 0.9,
    outOfScope: false,
    route: "ai",
    reasons: [],
    tier: 1,
    ...over,
  };
}

let n = 0;
export function message(
  seq: number,
  author: Message["author"],
  text: string,
  over: Partial<Message> = {},
): Message {
  return {
    id: `m${++n}`,
    conversationId: "conv-1",
    seq,
    author,
    authorId: null,
    authorName: author === "ai" ? "Tandem" : null,
    clientMessageId: null,
    text,
    internal: false,
    triage: null,
    meta: null,
    createdAt: T(seq),
    ...over,
  };
}

export const customer: Customer = {
  id: "cus-1",
  externalId: "shop-991",
  name: "Maria Lopez",
  email: "maria@example.com",
  locale: "en-GB",
  attributes: {
    lifetimeValue: "12,400",
    plan: "Gold",
    openOrders: [
      { id: "A-10442", status: "shipped", total: 129.9 },
      "junk-that-is-kept-as-id",
      { nope: true },
    ],
    contractTerms: { delivery: "next-day guaranteed", credit: "10% on late delivery" },
    notes: "Prefers email follow-ups.",
  },
  createdAt: T(0),
};

export function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: "conv-1",
    customerId: "cus-1",
    channel: "web",
    language: "en",
    status: "waiting_human",
    assigneeId: null,
    tier: 2,
    priority: 1,
    skill: null,
    reasons: ["frustration", "human_requested"],
    lastSeq: 7,
    version: 4,
    aiTurnsUnresolved: 2,
    createdAt: T(0),
    updatedAt: T(7),
    queuedAt: T(7),
    assignedAt: null,
    firstHumanResponseAt: null,
    resolvedAt: null,
    resolutionCode: null,
    ...over,
  };
}

export const messages: Message[] = [
  message(
    1,
    "customer",
    "Hi, my order A-10442 was supposed to arrive on Monday. It still hasn't arrived and tracking shows nothing since Friday.",
    {
      triage: triage({ sentiment: -0.2, frustration: 0.2 }),
    },
  ),
  message(2, "ai", "I checked order A-10442: it was handed to the carrier on Friday and is in transit.", {
    meta: {
      actions: [
        {
          name: "lookup_order",
          status: "succeeded",
          input: { orderId: "A-10442" },
          result: "in transit since Friday",
        },
        { name: "broken-entry" },
      ],
      citations: [
        { documentId: "kb-shipping", title: "Shipping times", source: "shipping.md" },
        { title: "no id" },
      ],
    },
  }),
  message(
    3,
    "customer",
    "That's what it said yesterday too. I paid for next-day delivery and this is the third time I've asked.",
    {
      triage: triage({
        sentiment: -0.5,
        frustration: 0.6,
        frustrationCues: [{ kind: "phrase", text: "third time", weight: 0.5 }],
      }),
    },
  ),
  message(4, "ai", "Deliveries can take up to 5 business days during busy periods.", {
    meta: { citations: [{ documentId: "kb-shipping", title: "Shipping times" }] },
  }),
  message(5, "agent", "Carrier portal shows the parcel stuck at the Leeds depot.", {
    internal: true,
    authorName: "Sam",
  }),
  message(
    6,
    "customer",
    "This is ridiculous!!! I want to talk to a real person NOW, or I'm filing a chargeback.",
    {
      triage: triage({
        sentiment: -0.85,
        frustration: 0.9,
        route: "human",
        reasons: ["frustration", "human_requested"],
        tier: 2,
        sentimentCues: [
          { kind: "lexicon", text: "ridiculous", weight: -0.5 },
          { kind: "punctuation", text: "!!!", weight: -0.225 },
          { kind: "caps", text: "NOW", weight: 0.3 },
        ],
        frustrationCues: [
          { kind: "phrase", text: "this is ridiculous", weight: 0.7 },
          { kind: "punctuation", text: "!!!", weight: 0.4 },
          { kind: "human_request", text: "talk to a real person", weight: 0.9 },
        ],
      }),
    },
  ),
  message(7, "system", "I'm connecting you with a specialist who will see everything we've discussed.", {
    authorName: null,
  }),
];

export const events: ConversationEvent[] = [
  {
    id: 1,
    conversationId: "conv-1",
    type: "created",
    actorKind: "customer",
    actorId: null,
    data: {},
    createdAt: T(0),
  },
  {
    id: 2,
    conversationId: "conv-1",
    type: "escalated",
    actorKind: "system",
    actorId: null,
    data: { reasons: ["frustration", "human_requested"], tier: 2 },
    createdAt: T(6),
  },
];

export const previousConversations: Conversation[] = [
  conversation({
    id: "conv-0",
    status: "resolved",
    reasons: ["complaint"],
    createdAt: T(-5000),
    resolutionCode: "refund_issued",
  }),
  conversation({
    id: "conv-old",
    status: "resolved",
    reasons: [],
    createdAt: T(-9000),
    resolutionCode: "answered",
  }),
  conversation(), // the current one is filtered out
];
