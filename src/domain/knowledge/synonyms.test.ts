import { afterEach, describe, expect, it } from "vitest";
import { analyzerFor, useCustomSynonyms } from "./analyzer.ts";
import { decideAnswerable } from "./answerability.ts";
import { testChunk } from "./chunk.test-helper.ts";
import { KnowledgeIndex } from "./knowledge-index.ts";
import { parseSynonymFile, SynonymsError } from "./synonyms.ts";

const terms = (text: string) => analyzerFor("en").terms(text);
const same = (a: string, b: string) => expect(terms(a)).toEqual(terms(b));

describe("a customer's words for what the knowledge base names otherwise", () => {
  it("index as one term, in questions and passages alike", () => {
    same("my package", "my parcel");
    same("will I get the shipping cost back?", "will I get the shipping cost refunded?");
    same("the tracking hasn't updated", "the tracking hasn't changed");
    same("is there anything faster?", "is there express delivery?");
    same("when do you take the money from my card?", "when do you charge card?");
    same("Can I pay in 3 parts?", "Can I pay in instalments?");
    same("can I split the payment?", "can I pay in instalments?");
    same("How long until I see my refund?", "How long until my refund?");
    same("I ordered the wrong colour", "I change order");
    expect(terms("I received the wrong item")).toContain("wrong");
    same("I saw the same lamp cheaper after I bought it", "I price match find cheaper after I bought it");
    same("now it's cheaper on your site", "now price match find cheaper");
    // "item" is no part of it: the lamp's row lacks the price drop, and "Damaged or wrong items" names an item.
    expect(terms("i see its cheaper on your site")).not.toContain("item");
    same("could I split that into payments?", "could I pay in instalments?");
    same("how long are they good for?", "how long are they valid?");
    same("how long will the gift card be good for", "how long will the gift card be valid");
    same("if I order now will it come tomorrow?", "if I order now will it arrive tomorrow?");
    same("when will it come?", "when will it arrive?");
    expect(terms("does it come with a bulb?")).not.toContain("arriv");
    same("how can I see how much is left on mine", "how can I check balance");
    same("where can I see how much is still left on it?", "where can I check balance on it?");
    same("now its cheaper on ur site lol", "now it's cheaper on your site");
    expect(terms("do u ship to the u.s.?")).toEqual(terms("do you ship to the u.s.?"));
    same("ill send it back", "i'll send it back");
    same(
      "wat do i do if i order rn, will it come tmrw",
      "what do i do if i order right now, will it come tomorrow",
    );
    // Inside an address a "u" stays.
    expect(terms("write to u@example.com")).not.toContain("you");
    same("when do i get my money??", "when do i get my refund??");
    same("idk, do i have to pay smth", "do i have to pay something");
    // Only money got at the end of the question: "get my money into the gift card" is no refund.
    expect(terms("can I get my money onto a gift card")).not.toContain("refund");
    same("havent used it, still in the bag", "unused, in original packaging");
    same("does it expire?", "is it valid?");
    same("is my gift card still good?", "is my gift card still valid?");
    expect(terms("is the lamp still good quality")).not.toContain("valid");
    same("can i get the difference back somehow?", "can i refund the difference somehow?");
    same(
      "is there anywhere else i can see where it is",
      "is there anywhere else i can follow the parcel tracking",
    );
    same("how do i get a new one", "how do i get a replacement");
    same("do i have to post the broken one back?", "do i have to return the damaged item?");
    same("can i put it in the washing machine?", "can i it in the washing machine?");
    same("it keeps asking for the code", "it the code");
    // A comparison of two things is no price drop.
    expect(terms("which one is cheaper?")).not.toContain("find");
    same("I put the wrong address on my order", "I change delivery address on my order");
    same("The rug arrived with a tear in it", "The rug arrived damaged in it");
    same("do you have a quicker shipping option", "do you have a express delivery option");
    // Only a cost comes back refunded: "get back to me" is a reply.
    expect(terms("please get back to me")).not.toContain("refund");
    // "Do I need the original box?" asks about the packaging, which the stemmer already reads as the package.
    same("the original box", "the original packaging");
    same("remove my profile", "delete my profile");
    same("a receipt", "an invoice");
    same("it arrived broken", "it arrived damaged");
    for (const word of ["smashed", "shattered", "chipped", "dented", "crushed"])
      same(`the mirror arrived ${word}`, "the mirror arrived damaged");
    same("the guarantee", "the warranty");
  });

  it("include phrases: signing in, two-factor authentication, money back, forgetting", () => {
    for (const s of ["I can't log in", "login problems", "the sign-in page", "signing in"])
      expect(terms(s)).toContain("signin");
    // One's own mailbox is not the shop's sign-in.
    expect(terms("i cant get into my old email anymore")).not.toContain("signin");
    expect(terms("I can't get into my account")).toContain("signin");
    expect(terms("how do I get into my account")).toContain("signin");
    same("how to enable 2FA", "how to enable two-factor authentication");
    same("can I get my money back", "can I get a refund");
    same("I don't remember my password", "I forgot my password");
    same("stop the marketing emails", "stop the newsletter");
    same("I keep getting marketing emails", "receiving the newsletter");
    same("check how much is left on my gift card", "check the balance on my gift card");
    same("who pays return shipping from the UK", "who pays return shipping from the United Kingdom");
    same("when will my order arrive", "when will delivery time");
    same("my order still hasn't arrived", "my order still track parcel");
    same("the parcel never came", "the parcel track parcel");
    same("my refund still hasn't arrived", "my refund still refund");
    same("who pays for return shipping", "who pays for return");
    // Why the customer sends it back is not what they ask; a complaint about the thing itself stays.
    same("can I return the lamp if I don't like it?", "can I return the lamp?");
    same("I changed my mind about the rug, can I send it back?", "the rug, can I send it back?");
    same("I want to return the rug, it doesn't fit my living room", "I want to return the rug,");
    same("can I return it if it doesn't fit?", "can I return it?");
    expect(terms("the duvet cover is too small")).toContain("small");
    // Not getting in asks for the password reset.
    for (const s of [
      "I'm locked out of my account",
      "I can't log in",
      "i cant sign in",
      "I cannot access my account",
    ])
      expect(terms(s), s).toEqual(expect.arrayContaining(terms("signin reset password")));
    // Adding to an order placed is changing it, not adding a VAT number at checkout.
    same("can I add an item to my existing order?", "can I change order?");
    same("can I add the lamp to my order?", "can I change the lamp to my order?");
    expect(terms("you can add a VAT number at checkout")).toContain("add");
    // The customs office is customs, not an office one could have a parcel delivered to.
    same("charged by the local customs office", "charged by the local customs");
    same("These charges are paid", "These charges are pay");
    // Broken after months of use is a warranty defect; "it arrived broken" stays damage.
    same("the drawer broke after a year", "the drawer warranty defect");
    same("my lamp stopped working after 3 months", "my lamp warranty defect");
    // Which thing ("the rug I bought") is not what is asked about it.
    same("I want to return the rug I bought", "I want to return the rug");
    same("can I return the lamp we ordered from you last week?", "can I return the lamp last week?");
    same("my mother bought a rug", "my mother buy a rug");
    // Opening with the purchase says which thing, as does why it is asked ("so they stay soft").
    same("I bought a rug. Can I return it?", "a rug. Can I return it?");
    same(
      "Bought the towels, how should I wash them so they stay soft?",
      "the towels, how should I wash them?",
    );
    same("How does the refund work in that case?", "How does the refund?");
    same("what's the return window?", "what's the return?");
    same("the warranty period", "the warranty");
    // An email that has not come "does not arrive"; it is no parcel to track.
    same("the reset email hasn't arrived", "the reset email arrive");
    same("I didn't get the password reset email", "I arrive the password reset email");
  });

  it("join a word with two senses only inside the phrase that fixes its sense", () => {
    // "removable" stems to the "remove" that means delete, and "Is the lamp shade removable?" got account deletion.
    expect(terms("Is the lamp shade removable?")).not.toContain(terms("delete")[0]);
    same("a removable cover", "a detachable cover");
    same("please close my account", "please delete account");
    expect(terms("close the window")).toEqual(["close", "window"]);
    // "us" stays a pronoun; only the written-out abbreviations are countries.
    expect(terms("email us")).toEqual(["email", "us"]);
  });

  it("read 'send something back' as a return, 'swap' as an exchange and a torn item as damaged", () => {
    for (const s of ["send something back", "send my order back", "send the product back"])
      expect(terms(s)).toEqual(terms("return"));
    same("swap it for a bigger size", "exchange it for a bigger size");
    same("it arrived torn", "it arrived damaged");
    same("the cover was ripped", "the cover was damaged");
    // The address a return goes to is the one on its label, not the account's email or delivery address.
    same("what's your return address?", "what's your return label?");
    same("where do I send my return?", "where do I return label?");
    // Opening hours are one thing, which "within one hour" and "open orders" do not speak to.
    same("what are your opening hours?", "what are your business hours?");
    expect(terms("opening hours")).toHaveLength(1);
    // A mark an item came with is damage; a stain asked about on its own is a care question.
    same("my rug arrived with a big stain on it", "my rug arrived damaged on it");
    same("the table came scratched", "the table arrived damaged");
    expect(terms("how do I clean a stain")).not.toContain(terms("damaged")[0]);
  });

  it("keep customs, customers and custom apart, which the stemmer would merge", () => {
    const [customs, customers, custom] = [terms("customs"), terms("customers"), terms("custom")];
    expect(new Set([...customs, ...customers, ...custom]).size).toBe(3);
    same("import fees", "import duties");
    same("can I get it tomorrow", "can I get it next day");
  });

  it("read 'pay with X' as asking for the payment methods, whatever X is", () => {
    for (const s of ["can I pay with Bitcoin", "paying by cash", "pay using a gift card", "pay via PayPal"])
      expect(terms(s).slice(0, 2)).toEqual(terms("payment methods"));
    // Paying later or in parts is another question (instalments), not which method.
    expect(terms("can I pay in 3 parts")).not.toContain("method");
    // Using or redeeming a gift card is paying with it.
    expect(terms("how do I use my gift card")).toEqual(
      expect.arrayContaining(terms("payment methods gift card")),
    );
    // "use X to pay" asks it too; "have to pay for" asks what something costs.
    expect(terms("can I use a gift card to pay")).toEqual(expect.arrayContaining(terms("payment methods")));
    expect(terms("how much do I have to pay for shipping")).toEqual(
      terms("how much do I have cost shipping"),
    );
    expect(terms("how much do I have to pay")).not.toContain("method");
    // A shop takes a payment method by accepting it; "instead" says nothing of what is asked.
    same("Do you take PayPal instead?", "accept PayPal");
    same("Hi! Do you take Apple Pay?", "hi accept Apple Pay");
    expect(terms("when do you take the money from my card")).not.toContain(terms("accept")[0]);
    // Paying extra is being charged on top (duties); paying extra for something is what it costs.
    same("will I have to pay anything extra?", "will I have to charged?");
    same("are there hidden fees?", "are there charged?");
    same("do I pay extra for express?", "do I cost express?");
  });

  it("join British and American spellings", () => {
    same("colour", "color");
    same("instalments", "installments");
  });

  it("leave other languages as they were", () => {
    expect(analyzerFor("fr").terms("colis")).toEqual(["colis"]);
  });
});

describe("a team's own synonyms", () => {
  afterEach(() => useCustomSynonyms({}));

  it("join its words and phrases to the first of each group, in the index and the questions", () => {
    useCustomSynonyms(
      parseSynonymFile(
        {
          en: [
            ["item number", "SKU"],
            ["sofa", "couch", "settee"],
          ],
        },
        "t.yaml",
      ),
    );
    same("Where do I find the SKU?", "Where do I find the item number?");
    same("two couches", "two sofas");
    // The built-in ones still apply beside them.
    same("my package", "my parcel");

    const idx = new KnowledgeIndex();
    idx.upsert([
      testChunk("num", "Finding products", "Every product page shows its item number under the price."),
      testChunk("ship", "Shipping", "Standard delivery takes 2 to 4 business days."),
    ]);
    const r = idx.search("what is a SKU");
    expect(r.passages[0]!.chunk.id).toBe("num");
    expect(decideAnswerable(r).answerable).toBe(true);
  });

  it("are refused, naming the place, when a file is not language codes to groups of two words or more", () => {
    const bad = (data: unknown) => () => parseSynonymFile(data, "team.yaml");
    expect(bad({ english: [["a", "b"]] })).toThrow(/team.yaml at english: keys are language codes/);
    expect(bad({ en: [["sofa"]] })).toThrow(/at en.0: a group needs two entries or more/);
    expect(bad({ en: [["sofa", " "]] })).toThrow(/at en.0.1: an entry is empty/);
    expect(bad({ en: [["sofa", "c*uch"]] })).toThrow(/an entry must be words/);
    expect(bad([["sofa", "couch"]])).toThrow(SynonymsError);
  });
});
