// The words customers use for what a support knowledge base names otherwise: "package" for "parcel", "money back"
// for "refund", "log in" for "sign in", "2FA" for "two-factor authentication". BM25 and answerability count only
// the words a passage shares with the question, so a question in the customer's words found nothing, and the AI
// declined what the knowledge base answers.
//
// Written by hand for the support domain rather than learned: the word vectors place antonyms and co-hyponyms as
// close as synonyms ("refund" / "payment", "delete" / "create"), and learning associations from a knowledge base's
// own chunks was tried and measured as noise (bench/results/knowledge.md). Only pairs that mean the same thing in a
// customer's question belong here; a word with a second common sense ("company", "close", "charge") joins only
// inside a phrase that fixes the sense ("close my account").
//
// Both rewrites are applied to chunks and questions alike (the analyzer does it), so they meet in one term.
// A team adds its own vocabulary ("SKU" for "item number", a product's nickname) in a synonyms file; see
// parseSynonymFile.

import { z } from "zod";

/** A phrase rewritten before tokenising: lower-case text, whole words. */
interface PhraseRule {
  /** A regular-expression source without capturing groups. */
  pattern: string;
  to: string;
}

export interface SynonymRules {
  phrases: readonly PhraseRule[];
  /** Groups of words that mean the same; each group's words all become the first word's term. */
  words: readonly (readonly string[])[];
}

const EN: SynonymRules = {
  phrases: [
    // Not getting in is what a password reset is for: "I'm locked out", "I can't log in" ask for the reset steps. Not
    // into one's own mailbox: "I can't get into my old email" is no sign-in to the shop.
    {
      pattern: String.raw`(?:(?:can'?t|can ?not|unable to|not able to) (?:(?:log|sign)[ -]?(?:in|on)(?:to)?|get into|access)|lock(?:ed)? out(?: of)?)(?= |$|[.,!?])(?! (?:my |the |that |this )?(?:old |previous |former )?(?:e-?mail|inbox|mailbox|gmail|outlook|hotmail|phone)\b)`,
      to: "signin reset password",
    },
    { pattern: String.raw`(?:log|sign)(?:ged|ging|ed|ing|s)?[ -]?(?:in|on)(?:to)?`, to: "signin" },
    // Getting into one's account is signing in: "how do I get into my account?" is not about deleting it.
    { pattern: String.raw`get(?:ting)? (?:back )?in(?:to)?(?= (?:my |the |your |our )?account\b)`, to: "signin" },
    {
      pattern: String.raw`(?:two|2)[ -]?(?:factor|step)(?: authentication| verification| auth)?|2fa|mfa|multi[ -]?factor(?: authentication)?`,
      to: "twofactor",
    },
    { pattern: String.raw`money back`, to: "refund" },
    // Money one gets, at the end of a question, is the refund: "when do I get my money??" after sending a return.
    {
      pattern: String.raw`(?<=(?:get|gets|getting|receive|receiving) (?:my|our|the) )money(?= *(?:[.,!?]|$))`,
      to: "refund",
    },
    // A cost one gets back is refunded: "will I get the shipping cost back?" is no "go back to the payment method".
    {
      pattern: String.raw`(?<=(?:get|gets|getting|got) (?:the |my |our |any |all )?(?:shipping |delivery |postage |return )?(?:costs?|fees?|charges?|postage|payment) )back`,
      to: "refunded",
    },
    // Where a return goes is on its label: "address" alone found the email address, "send" the damaged-item photo.
    {
      pattern: String.raw`return(?:s|ing)? address(?:es)?|send(?:ing)? (?:my |the |a |this |our )?returns?(?! label)`,
      to: "return label",
    },
    // When the shop is open is one thing, not "open" and "hours" apart ("within one hour of placing an order").
    {
      pattern: String.raw`(?:opening|business|office|store|shop|service|support|phone) (?:hours|times)`,
      to: "openinghours",
    },
    { pattern: String.raw`(?:don'?t|do not|can'?t|cannot|can not) remember`, to: "forgot" },
    { pattern: String.raw`not what (?:i|we) (?:ordered|bought|paid for)`, to: "wrong item" },
    // A mark it came with is damage in transit ("arrived with a big stain on it"); a stain made since is care.
    {
      pattern: String.raw`(?:arrived|arrives|came|turned up|showed up|was delivered)(?: (?!and\b|but\b)\S+){0,4}? (?:stain(?:s|ed)?|scratch(?:es|ed)?|dent(?:s|ed)?|chip(?:s|ped)?|holes?|marks|tears?|rips?|cracks?)`,
      to: "arrived damaged",
    },
    {
      pattern: String.raw`(?:send|post|mail)(?:ing)? (?:it |them |this |that |something |anything |(?:the|my|an?) (?:item|items|order|product|products|parcel|package|one) )?back`,
      to: "return",
    },
    // Sending a broken thing back: "do I have to post the broken one back?" asks about returning the damaged item.
    {
      pattern: String.raw`(?:send|post|mail|return)(?:ing)? (?:the|my|this|that) (?:broken|damaged|faulty|defective|cracked|smashed|chipped) (?:one|item|thing|\S+)(?: back)?`,
      to: "return the damaged item",
    },
    // Sending a named thing back returns it, its name kept: "can I send the Ember soy candle back?" (the name a pronoun
    // stood for) returns the candle. The verb becomes "return", the "back" after the name goes.
    {
      pattern: String.raw`(?:send|post|mail)(?:ing)?(?= (?:the|my|this|that|these|those|our) (?:(?!back\b)\S+ ){0,3}(?!back\b)\S+ back\b)`,
      to: "return",
    },
    {
      pattern: String.raw`(?<=(?:send|post|mail)(?:ing)? (?:the|my|this|that|these|those|our) (?:(?!back\b)\S+ ){0,3}(?!back\b)\S+ )back`,
      to: "",
    },
    { pattern: String.raw`clos(?:e|ing) (?:my |the |our |an |this )?account`, to: "delete account" },
    { pattern: String.raw`(?:marketing|promotional|promo|advertising) e-?mails?`, to: "newsletter" },
    // What is left on a card or account is its balance: "check how much is left on my gift card".
    {
      pattern: String.raw`(?:see|view|find out|know|tell)(?= how much (?:money |credit )?(?:is |'s )?(?:still |there )?(?:left|remaining))`,
      to: "check",
    },
    { pattern: String.raw`how much (?:money |credit )?(?:is |'s )?(?:still |there )?(?:left|remaining)`, to: "balance" },
    // "I keep getting marketing emails": what keeps coming is received.
    { pattern: String.raw`keeps? (?:on )?(?:getting|receiving)`, to: "receiving" },
    { pattern: String.raw`opt(?:ed|ing)?[ -]out`, to: "unsubscribe" },
    { pattern: String.raw`gift (?:voucher|certificate)s?`, to: "gift card" },
    // "Do you take PayPal?": a shop takes a payment method by accepting it, which is how it says so. Only as the
    // question's opening: "when do you take the money from my card" asks when it is charged.
    {
      pattern: String.raw`(?<=^|[.!?,;]\s*)(?:do|does|will|would|can) (?:you|u|they) take(?! (?:the|my|it|long|away)\b)`,
      to: "accept",
    },
    // Taking the money from a card is charging it: "when do you take the money from my card?"
    {
      pattern: String.raw`(?:take|takes|taking|took|deduct|deducts|debit|debits) (?:the )?(?:money|payment|amount) (?:from|off|out of) (?:my|the|your) (?:card|account|bank)`,
      to: "charge card",
    },
    // Paying in parts is paying in instalments: "Can I pay in 3 parts?", "can I split the payment?"
    {
      pattern: String.raw`(?:in|into) (?:\d+|two|three|four|several|multiple|monthly) (?:parts|payments|installments|instalments|goes)`,
      to: "in instalments",
    },
    { pattern: String.raw`split (?:the |my )?(?:payment|bill|cost)(?! (?:in|into) )`, to: "pay in instalments" },
    // "could I split that into payments?", "can I spread the cost?"
    {
      pattern: String.raw`(?:split|spread|divide|break) (?:it|that|this|them|the (?:price|cost|amount|total)) (?:in|into|over) (?:payments|instalments|installments|parts)|spread (?:the |my )?(?:payment|cost|price)`,
      to: "pay in instalments",
    },
    // How long a thing is good for is how long it is valid: "how long are they good for?" of gift cards.
    { pattern: String.raw`(?<=how long (?:is|are|will) (?:\S+ ){1,4})(?:good|usable)(?: for)?\b`, to: "valid" },
    // Whether a thing one holds is still good is whether it is still valid: "is it still good or did it expire?".
    {
      pattern: String.raw`(?<=(?:is|are) (?:it|they|this|that|mine|my \S+(?: card)?|the \S+(?: card)?) still )(?:good|usable)(?=\s*(?:$|[?.!,]|or\b))`,
      to: "valid",
    },
    // A price that fell after buying is what a price match is for: "I saw the same lamp cheaper after I bought it",
    // "now it's cheaper on your site", "the price dropped".
    {
      pattern: String.raw`(?:saw|seen|spotted|noticed|found) (?:it |them |the same (?:\S+ )?|the \S+ |an? \S+ )?(?:for )?cheaper|(?:it'?s|it is|they'?re|they are) (?:now|already) cheaper|(?:it'?s|it is|they'?re|they are) cheaper (?:now|elsewhere|on your (?:site|website|shop))|(?:the )?price (?:has )?(?:dropped|went down|was reduced|was lowered|is lower)`,
      to: "price match find cheaper",
    },
    // A refund one sees is one that arrives: "How long until I see my refund?"
    { pattern: String.raw`see(?= (?:my |the |a |any )?(?:refund|money))`, to: "" },
    // Ordering the wrong thing is an order to change, not a wrong item received: "I ordered the wrong colour".
    {
      pattern: String.raw`(?:ordered|bought|picked|chose|selected) (?:the |a )?wrong (?:colou?r|size|item|one|model|version|thing|product)`,
      to: "change order",
    },
    // A wrong address given is one to change: "I put the wrong address on my order".
    {
      pattern: String.raw`(?:put|entered|typed|gave|used|wrote|filled in) (?:in )?(?:the |a |my )?(?:wrong|incorrect|old) (?:delivery |shipping |postal )?address`,
      to: "change delivery address",
    },
    // "Can I pay with Bitcoin / by cash?" asks which payment methods there are, whatever the method named.
    { pattern: String.raw`pay(?:ing)? (?:with|by|using|via|through)`, to: "payment method" },
    // A gift card is used by paying with it: "how do I use / redeem my gift card?" asks where it is accepted.
    {
      pattern: String.raw`(?:use|using|used|redeem|redeeming|spend|spending) (?:a |my |the |your |our |this )?gift ?cards?`,
      to: "payment method gift card",
    },
    // "Can I use a gift card to pay?" asks the same; "how much do I have to pay" does not (no "use" before it).
    { pattern: String.raw`(?<=\b(?:use|using) (?:\S+ ){1,3})to pay`, to: "payment method" },
    // "Do I pay extra for express?" asks what express costs; "will I have to pay anything extra?" what is charged on
    // top of the price: duties, fees.
    { pattern: String.raw`pay (?:anything |something |any )?(?:extra|more) for`, to: "cost" },
    {
      pattern: String.raw`pay (?:anything |something |any )?(?:extra|more)|(?:extra|additional|hidden) (?:charges?|fees?|costs?)`,
      to: "charged",
    },
    // "How much do I pay for shipping?" asks what shipping costs, as "who pays for return shipping" does.
    { pattern: String.raw`pa(?:y|ys|id|ying) for`, to: "cost" },
    { pattern: String.raw`look(?:s|ed|ing)? after`, to: "care for" },
    { pattern: String.raw`where(?:'s| is) my (?:order|parcel|package|delivery)`, to: "track parcel" },
    // Something that broke after months of use is a warranty question, not damage in transit.
    {
      pattern: String.raw`(?:broke|broken|cracked|split|snapped|stopped working|fell apart|came apart|came loose|wobbles|wobbly) (?:down )?after (?:about |almost |nearly |only |just )?(?:a|an|one|two|three|four|five|six|several|a few|a couple of|\d+) (?:years?|months?|weeks?)`,
      to: "warranty defect",
    },
    // Adding to or removing from an order placed is changing it ("can I add an item to my order?"), not adding a VAT
    // number at checkout.
    {
      pattern: String.raw`(?:add|remove)(?: (?:an?|one|another|some|more|an extra)?\s?(?:items?|products?|things?|something|pieces?))? (?:to|from) (?:my|an|the|our|this) (?:existing |current |last |recent )?order`,
      to: "change order",
    },
    {
      pattern: String.raw`(?:add|remove)(?=(?: [\p{L}\p{N}-]+){1,4} (?:to|from) (?:my|an|the|our|this) (?:existing |current |last |recent )?order)`,
      to: "change",
    },
    // A customer's own reason for sending something back ("if I don't like it", "I changed my mind", "it doesn't fit
    // my room", "if it doesn't fit") says why, not what is asked: each of its words counted against the returns policy, which takes
    // returns for any reason. A complaint about the thing itself ("it's too small") is left to be read as one.
    {
      pattern: String.raw`(?:if|because|since|as) (?:i|we|they|he|she) (?:do ?n['o]?t|does ?n['o]?t|did ?n['o]?t) (?:really )?(?:like|love|want|need|use) (?:it|them|this|that)(?: anymore| any more)?|(?:i|we) (?:have |'ve )?changed (?:my|our) minds?(?: about)?|(?:it |they )?(?:do ?n['o]?t|does ?n['o]?t|did ?n['o]?t) (?:really )?(?:fit|suit|match|go with) (?:my|our|the|in) (?:\S+ ){0,2}?(?:room|space|home|house|flat|apartment|decor|interior)|(?:if|because|since|as|in case) (?:it|they) (?:do ?n['o]?t|does ?n['o]?t|did ?n['o]?t) (?:really )?(?:fit|suit)(?: (?:me|us|him|her|them|well))?`,
      to: "",
    },
    // Something faster than standard delivery is express: "that's too slow, is there anything faster?"
    {
      pattern: String.raw`(?:anything|something) (?:faster|quicker)|(?:faster|quicker) (?:delivery|shipping)`,
      to: "express delivery",
    },
    // Shipping a return back is the return: "who pays for return shipping from the UK" is about what returns cost,
    // and "shipping" pulled the answer to where the shop ships.
    { pattern: String.raw`returns? (?:shipping|postage|delivery)`, to: "return" },
    // "the rug I bought", "the lamp we ordered from you": which thing, not what is asked about it. Left in, the
    // knowledge base's "purchase" (of a gift card) counted against returning the rug.
    {
      pattern: String.raw`(?<=(?:the|this|that|these|those|my|our|a|an) (?:[\p{L}\p{N}-]+ ){1,3})(?:i|we) (?:just |recently )?(?:bought|ordered|purchased|got|received)(?: (?:from you|from your (?:shop|store|website|site)|online|here))?`,
      to: "",
    },
    // "Bought the Fjord towels, how should I wash them?": that it was bought says which thing, not what is asked.
    {
      pattern: String.raw`(?<=^|[.!?,;:]\s*)(?:i |we )?(?:just |recently )?(?:bought|purchased)(?= (?:the|a|an|some|my|our|two|three|these|those) )`,
      to: "",
    },
    // "How does the refund work in that case?" asks about the refund: "work" and "in that case" only frame it.
    { pattern: String.raw`(?<=how (?:does|do|will|would) (?:[\p{L}\p{N}-]+ ){1,4})work`, to: "" },
    { pattern: String.raw`in (?:that|this|which|such a|such) case`, to: "" },
    // "how should I wash them so they stay soft?": the purpose says why, the question is how to wash them.
    {
      pattern: String.raw`so(?: that)? (?:they|it|the \p{L}+) (?:stay|stays|remain|remains|keep|keeps|last|lasts) (?:\p{L}+)`,
      to: "",
    },
    // An order that has not come is followed on its tracking page ("my order still hasn't arrived"); a refund that
    // has not come is a question about refunds.
    {
      pattern: String.raw`(?<=refunds? (?:still |has |have |is |was )?)(?:has ?n['o]?t|have ?n['o]?t|did ?n['o]?t|still not|not yet|never) (?:arrived?|came(?: through)?|come(?: through)?|gone through|been (?:paid|received)|shown up|showed up)`,
      to: "refund",
    },
    // An email, link or code that has not come is one that "does not arrive" (the spam folder), not a parcel; so is
    // one the customer did not get ("I didn't get the reset email").
    {
      pattern: String.raw`(?<=(?:e-?mails?|links?|codes?|messages?|confirmations?) (?:still |has |have |is |was )?)(?:has ?n['o]?t|have ?n['o]?t|did ?n['o]?t|still not|not yet|never) (?:arrived?|came|come|shown up|showed up|got here)|(?:did ?n['o]?t|never|have ?n['o]?t|not) (?:get|got|receive|received)(?= (?:\S+ ){0,3}(?:e-?mails?|links?|codes?)\b)`,
      to: "arrive",
    },
    {
      pattern: String.raw`(?:has ?n['o]?t|have ?n['o]?t|did ?n['o]?t|still not|not yet|never) (?:arrived?|came|come|been delivered|turned up|shown up|showed up|got here)`,
      to: "track parcel",
    },
    // When one's own order arrives is how long delivery takes: "when will my order arrive?" is not about ordering.
    {
      pattern: String.raw`(?:my|the|our|this) (?:order|parcel|package|delivery|stuff)s? (?:to )?(?:arrive|arrives|come|comes|be delivered|get here|gets here|reach me)`,
      to: "delivery time",
    },
    // Not used yet is unused, and still in its bag or box is in its original packaging: "haven't used it, still in
    // the bag" asks the return rule's condition.
    {
      pattern: String.raw`(?:have ?n['o]?t|has ?n['o]?t|never|not|barely|hardly) (?:even )?(?:been )?(?:used|worn|opened|touched|unpacked)(?: (?:it|them|once|yet))*`,
      to: "unused",
    },
    {
      pattern: String.raw`(?:still )?in (?:the|its|their|my) (?:original )?(?:bag|box|wrapping|plastic|packaging|package)`,
      to: "in original packaging",
    },
    // The difference of a price one gets back is refunded: "can I get the difference back somehow?"
    { pattern: String.raw`get (?:the |my )?(?:price )?difference (?:back|refunded|returned)`, to: "refund the difference" },
    // Where a parcel is, one follows on its tracking: "is there anywhere else I can see where it is?"
    {
      pattern: String.raw`(?:see|check|find out|know) where (?:it|my (?:order|parcel|package)|the (?:order|parcel|package)) (?:is|currently is|is now)`,
      to: "follow the parcel tracking",
    },
    // A new one in place of one that failed is a replacement: "what do I need to do to get a new one?" (of a lamp
    // that arrived cracked, or of a reset link that expired: "request a new one" reads the same).
    { pattern: String.raw`an?(?: brand)? new one`, to: "a replacement" },
    // What a page keeps asking for is what it needs: "it keeps asking for the code" asks about the code.
    { pattern: String.raw`keeps? (?:on )?asking(?: me)? (?:for|to enter)`, to: "" },
    // Putting a thing in the washing machine is machine washing it: "can I just put it in the washing machine?"
    { pattern: String.raw`(?:put|throw|stick|chuck)(?= (?:\S+ ){0,5}in (?:the )?(?:washing machine|washer|wash)\b)`, to: "" },
    // "will it come tomorrow?": a thing that comes, at some time, arrives; "does it come with a bulb?" is what it has.
    {
      pattern: String.raw`(?<=\b(?:will|would|does|do|did|should|can|could) (?:it|they) )(?:come|get here|turn up|show up)(?=\W*$| (?:tomorrow|today|on time|in time|before|by|next|this|soon|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b)`,
      to: "arrive",
    },
    // Customs (the border office) and customers are not custom (made to order), which the stemmer makes all three.
    { pattern: String.raw`import (?:fees?|charges?|costs?|taxe?s?)`, to: "import duties" },
    { pattern: String.raw`customs(?: offices?| authorit(?:y|ies))?`, to: "bordercustoms" },
    { pattern: String.raw`customers?`, to: "shopcustomer" },
    { pattern: String.raw`tomorrow`, to: "next day" },
    // "the return window", "the warranty period": how long the return or the warranty lasts (answer-type reads the
    // duration asked); the window itself is a word no policy uses.
    {
      pattern: String.raw`(?<=(?:return|returns|returning|refund|refunds|warranty|guarantee|exchange|cancellation) )(?:window|period|deadline|time ?frame|time limit)`,
      to: "",
    },
    // A part that comes off is not a deletion: the stemmer makes "removable" the "remove" that means delete.
    { pattern: String.raw`remov(?:e)?able`, to: "detachable" },
    // Country abbreviations; "us" stays a pronoun.
    { pattern: String.raw`uk|u\.k\.`, to: "united kingdom" },
    { pattern: String.raw`usa|u\.s\.a?\.?`, to: "united states" },
    { pattern: String.raw`eu`, to: "european union" },
  ],
  words: [
    ["parcel", "package", "box"],
    ["delete", "remove", "erase"],
    ["refund", "reimburse", "reimbursement"],
    // "does it expire?" asks how long it is valid.
    ["valid", "expire", "expires", "expired", "expiry", "expiration"],
    [
      "damaged",
      "broken",
      "broke",
      "defective",
      "faulty",
      "cracked",
      "torn",
      "ripped",
      "smashed",
      "shattered",
      "chipped",
      "dented",
      "crushed",
    ],
    ["exchange", "swap"],
    ["change", "changed", "update", "updated"],
    ["wrong", "incorrect"],
    ["invoice", "receipt"],
    ["warranty", "guarantee"],
    ["ship", "dispatch"],
    ["forgot", "forget", "forgotten"],
    ["buy", "bought", "purchase"],
    ["pay", "paid"],
    ["lose", "lost"],
    ["voucher", "coupon"],
    ["phone", "telephone"],
    ["vat", "tax"],
    ["unsubscribe", "unsubscribed"],
    // British and American spellings.
    ["colour", "color"],
    ["catalogue", "catalog"],
    ["centre", "center"],
    ["favourite", "favorite"],
    ["grey", "gray"],
    ["jewellery", "jewelry"],
    ["licence", "license"],
    ["instalment", "installment"],
  ],
};

export const SYNONYMS: Readonly<Record<string, SynonymRules>> = { en: EN };

/**
 * Chat spellings written out before the phrase rules read a text, so that every rule written with "you" and "your"
 * reads "u" and "ur" too ("now its cheaper on ur site"), and fillers such as "lol" go. English; whole words only ("u.s.",
 * "u-turn" and "u@example.com" stay).
 */
const CHAT_SPELLINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  en: {
    u: "you",
    ur: "your",
    ill: "i'll",
    pls: "please",
    plz: "please",
    thx: "thanks",
    bday: "birthday",
    wat: "what",
    wut: "what",
    rn: "right now",
    tmrw: "tomorrow",
    tmr: "tomorrow",
    abt: "about",
    thru: "through",
    ty: "thank you",
    smth: "something",
    sth: "something",
    cuz: "because",
    coz: "because",
    idk: "",
    // Chat fillers say how, not what: "now its cheaper lol".
    lol: "",
    tbh: "",
    btw: "",
    haha: "",
    omg: "",
  },
};
const CHAT_SPELLING_RE: Readonly<Record<string, RegExp>> = Object.fromEntries(
  Object.entries(CHAT_SPELLINGS).map(([language, table]) => [
    language,
    new RegExp(`(?<![\\p{L}\\p{N}.'’@-])(?:${Object.keys(table).join("|")})(?![\\p{L}\\p{N}'’@-]|\\.\\p{L})`, "giu"),
  ]),
);

/** The text with the language's chat spellings written out (in lower case); the text itself when it has none. */
export function withChatSpellingsWritten(text: string, language: string): string {
  const re = CHAT_SPELLING_RE[language];
  const table = CHAT_SPELLINGS[language];
  return re && table ? text.replace(re, (w) => table[w.toLowerCase()] ?? w) : text;
}

/** A team's synonym groups per language, as read from its synonyms file. */
export type SynonymGroups = Readonly<Record<string, readonly (readonly string[])[]>>;

export class SynonymsError extends Error {
  readonly code = "SYNONYMS_INVALID";
}

const MAX_GROUPS = 5000;
const entry = z
  .string()
  .trim()
  .min(1, "an entry is empty")
  .max(80, "an entry is longer than 80 characters")
  .refine(
    (e) => /^[\p{L}\p{N}]+(?:[ '’.-][\p{L}\p{N}]+)*$/u.test(e),
    "an entry must be words (letters, digits)",
  );
const fileSchema = z
  .record(z.string(), z.array(z.array(entry).min(2, "a group needs two entries or more")).max(MAX_GROUPS))
  .superRefine((file, ctx) => {
    for (const key of Object.keys(file))
      if (!/^[a-z]{2,3}$/.test(key))
        ctx.addIssue({ code: "custom", path: [key], message: "keys are language codes such as en, fr, de" });
  });

/**
 * Validates a synonyms document: `{ en: [["item number", "sku", "article number"], ["sofa", "couch"]] }`. The first
 * entry of a group is what the others are read as. Throws SynonymsError naming the first problem and where.
 */
export function parseSynonymFile(data: unknown, source: string): SynonymGroups {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new SynonymsError(`${source}${where}: ${issue.message}`);
  }
  const out: Record<string, string[][]> = {};
  for (const [language, groups] of Object.entries(parsed.data))
    out[language] = groups.map((g) => g.map((e) => e.toLowerCase()));
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A team's groups as rules: a group of single words joins by stem ("couches" finds "sofa"); an entry of several
 * words, or any entry of a group whose first entry has several, becomes a phrase rewritten to the first entry, with
 * its words joined by a space or a hyphen and its last word in the plural too.
 */
export function rulesOfGroups(groups: readonly (readonly string[])[]): SynonymRules {
  const phrases: PhraseRule[] = [];
  const words: string[][] = [];
  for (const [head, ...rest] of groups) {
    if (head === undefined) continue;
    const single = (e: string) => !/[ '’.-]/.test(e);
    const singles = rest.filter(single);
    if (single(head) && singles.length > 0) words.push([head, ...singles]);
    for (const e of rest) {
      if (single(head) && single(e)) continue;
      const parts = e.split(/[ '’.-]+/).map(escapeRe);
      phrases.push({ pattern: `${parts.join("[ '’-]")}(?:s|es)?`, to: head });
    }
  }
  return { phrases, words };
}

/** The built-in rules of a language with a team's own added; the team's phrases are tried first. */
export function withCustom(
  base: SynonymRules | undefined,
  custom: SynonymRules | undefined,
): SynonymRules | undefined {
  if (!custom) return base;
  if (!base) return custom;
  return { phrases: [...custom.phrases, ...base.phrases], words: [...base.words, ...custom.words] };
}

/** One pass over lower-case text that applies every phrase rule, or null when the language has none. */
export function phraseRewriter(rules: SynonymRules | undefined): ((text: string) => string) | null {
  if (!rules || rules.phrases.length === 0) return null;
  // One alternation with a group per rule: a single scan of the text, whichever rule matches.
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${rules.phrases.map((r) => `(${r.pattern})`).join("|")})(?![\\p{L}\\p{N}])`,
    "gu",
  );
  const targets = rules.phrases.map((r) => r.to);
  return (text) =>
    text.replace(re, (...m: unknown[]) => {
      for (let i = 0; i < targets.length; i++) if (m[i + 1] !== undefined) return targets[i]!;
      return m[0] as string;
    });
}
