// Payment methods by name, for the yes/no question a list answers by what it leaves out: "Do you accept Apple
// Pay?" against "We accept Visa, Mastercard, PayPal ... and gift cards". The same reasoning as places.ts: a word
// list tells a payment method from any other word, which similarity cannot. Names that are mostly something else
// in a support question ("check", "invoice", "discover", "cash" alone) are left out; "cash on delivery" is in.

import { nameFinder } from "./name-list.ts";

const NAMES = [
  "visa",
  "mastercard",
  "master card",
  "maestro",
  "american express",
  "amex",
  "diners club",
  "jcb",
  "unionpay",
  "union pay",
  "paypal",
  "apple pay",
  "google pay",
  "samsung pay",
  "amazon pay",
  "shop pay",
  "klarna",
  "afterpay",
  "clearpay",
  "affirm",
  "ideal",
  "bancontact",
  "sofort",
  "giropay",
  "przelewy24",
  "multibanco",
  "mb way",
  "twint",
  "swish",
  "vipps",
  "mobilepay",
  "alipay",
  "wechat pay",
  "venmo",
  "zelle",
  "cash app",
  "revolut",
  "bitcoin",
  "crypto",
  "cryptocurrency",
  "cryptocurrencies",
  "ethereum",
  "bank transfer",
  "wire transfer",
  "sepa",
  "direct debit",
  "cash on delivery",
  "gift card",
  "gift cards",
];

/** The payment methods a text names, lower-cased with single spaces, each once, in order. */
export const paymentMethodsIn: (text: string) => string[] = nameFinder(NAMES);
