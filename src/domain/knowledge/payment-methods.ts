// Payment methods by name, for the yes/no question a list answers by what it leaves out: "Do you accept Apple
// Pay?" against "We accept Visa, Mastercard, PayPal ... and gift cards". The same reasoning as places.ts: a word
// list tells a payment method from any other word, which similarity cannot. Names that are mostly something else
// in a support question ("check", "invoice", "discover", "cash" alone) are left out; "cash on delivery" is in.

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

/** Longest first, so "cash on delivery" is read before a shorter name inside it. */
const METHOD = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${[...NAMES]
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/ /g, String.raw`\s+`))
    .join("|")})(?![\p{L}\p{N}])`,
  "giu",
);

/** The payment methods a text names, lower-cased with single spaces, each once, in order. */
export function paymentMethodsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(METHOD)) {
    const name = m[0].toLowerCase().replace(/\s+/g, " ");
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
