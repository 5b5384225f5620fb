import { describe, expect, it } from "vitest";
import { message } from "../handoff/test-fixtures.ts";
import type { Message } from "../model.ts";
import { goesInCircles } from "./repeats.ts";

const answered = (asked: string, answer: string): Message[] => [
  message(1, "customer", asked),
  message(2, "ai", `${answer}\n\nDid that solve it?`, { meta: { kind: "answer" } }),
];
const RESET =
  "To reset your password, click Forgot password on the sign-in page. If the email does not arrive within ten minutes, check your spam folder.";
const SPAM = "If the email does not arrive within ten minutes, check your spam folder.";

describe("whether an answer would go in circles", () => {
  it("is the same answer again to the same question", () => {
    const history = answered("how do I reset my password?", RESET);
    expect(goesInCircles(history, 3, "how do I reset my password??", RESET, "en")).toBe(true);
  });

  it("is not an answer never given, nor one given before a person spoke", () => {
    const history = answered("how do I reset my password?", RESET);
    expect(
      goesInCircles(history, 3, "is there express delivery?", "Express delivery costs 9.95 euros.", "en"),
    ).toBe(false);
    const joined = [...history, message(3, "agent", "Anything else?")];
    expect(goesInCircles(joined, 4, "how do I reset my password?", RESET, "en")).toBe(false);
  });

  it("is part of an answer to a customer who says they did what it says, not to one whose words point to it", () => {
    const history = answered("the reset email never came", RESET);
    expect(goesInCircles(history, 3, "I checked spam", SPAM, "en")).toBe(true);
    expect(goesInCircles(history, 3, "what if it is not in my spam folder either?", SPAM, "en")).toBe(false);
  });

  it("is not the same answer to a new question it states every word of, or the kind of fact of", () => {
    const lamp = "Hand-glazed ceramic lamp with a linen shade, E27 bulb not included.";
    expect(goesInCircles(answered("do you sell lamps?", lamp), 3, "is the bulb included?", lamp, "en")).toBe(
      false,
    );
    const warranty = "Every product has a two-year warranty from the date of delivery.";
    const asked = answered("is there a warranty on lamps?", warranty);
    expect(goesInCircles(asked, 3, "how long?", warranty, "en")).toBe(false);
    // Asked again, the same question is going in circles.
    const again = [
      ...asked,
      message(3, "customer", "how long?"),
      message(4, "ai", `${warranty}\n\nDid that solve it?`, { meta: { kind: "answer" } }),
    ];
    expect(goesInCircles(again, 5, "how long?", warranty, "en")).toBe(true);
  });

  it("reads the new question without its hedges: a told price drop, then 'can I get the difference back somehow?'", () => {
    const match =
      "If you find the same item cheaper in our shop within 14 days of your order, we refund the difference as a gift card.";
    const told = answered("ordered the dune rug 5 days ago and now its cheaper on ur site lol", match);
    expect(goesInCircles(told, 3, "can i get the difference back somehow?", match, "en")).toBe(false);
  });
});
