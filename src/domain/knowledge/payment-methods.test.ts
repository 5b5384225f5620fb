import { describe, expect, it } from "vitest";
import { paymentMethodsIn } from "./payment-methods.ts";

describe("payment methods a text names", () => {
  it("reads card schemes, wallets and transfers whatever their case, a multi-word name as one method", () => {
    expect(
      paymentMethodsIn(
        "We accept Visa, Mastercard, American Express, PayPal, iDEAL, Bancontact, Klarna and gift cards.",
      ),
    ).toEqual([
      "visa",
      "mastercard",
      "american express",
      "paypal",
      "ideal",
      "bancontact",
      "klarna",
      "gift cards",
    ]);
    expect(paymentMethodsIn("do you take apple  pay or cash on delivery?")).toEqual([
      "apple pay",
      "cash on delivery",
    ]);
  });

  it("finds none inside another word or in words that are mostly something else", () => {
    expect(paymentMethodsIn("Please check the invoice and discover our ideals")).toEqual([]);
    expect(paymentMethodsIn("Can I pay cash?")).toEqual([]);
  });
});
