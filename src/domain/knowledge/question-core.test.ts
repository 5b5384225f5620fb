import { describe, expect, it } from "vitest";
import { analyzerFor } from "./analyzer.ts";
import {
  askedSentences,
  compoundQuestions,
  questionAfterStory,
  questionCore,
  topicTerms,
  withoutGreeting,
} from "./question-core.ts";

describe("questionCore", () => {
  it("drops the greeting before the question and the thanks after it", () => {
    expect(questionCore("Good morning, can I still cancel my order?", "en")).toBe(
      "can I still cancel my order?",
    );
    expect(questionCore("Hi there! How do I delete my account? Cheers", "en")).toBe(
      "How do I delete my account?",
    );
    expect(questionCore("hey, where is my parcel? thanks in advance", "en")).toBe("where is my parcel?");
    expect(questionCore("Dear support team, my rug came damaged. Kind regards, Anna", "en")).toBe(
      "my rug came damaged.",
    );
    // Whom it greets after a comma too; not a word that may start the question ("Hi, all my orders are late").
    expect(questionCore("Good morning, team. Where is my parcel?", "en")).toBe("Where is my parcel?");
    expect(questionCore("Hi, all my orders are late", "en")).toBe("all my orders are late");
    // "Morning." on its own greets; "morning delivery" is what is asked about.
    expect(questionCore("Morning. How do I wash the towels?", "en")).toBe("How do I wash the towels?");
    expect(questionCore("morning delivery available?", "en")).toBe("morning delivery available?");
  });

  it("gives an agent the customer's words without the greeting, in any language it knows", () => {
    expect(withoutGreeting("Hi, my order has not arrived.")).toBe("My order has not arrived.");
    expect(withoutGreeting("Bonjour ! ma commande est en retard.")).toBe("Ma commande est en retard.");
    expect(withoutGreeting("Hello there!")).toBe("Hello there!");
    expect(withoutGreeting("Highlights are wrong")).toBe("Highlights are wrong");
  });

  it("keeps a sentence that asks for a kind of fact, though it names no topic", () => {
    // "and how much?" glued to the question it continues says what the answer must state.
    expect(questionCore("and how much? Do you ship to France?", "en")).toBe(
      "and how much? Do you ship to France?",
    );
    // So does "how do I do that?": what to do, of the question it points back to.
    expect(questionCore("how do I do that? I want to return a rug", "en")).toBe(
      "how do I do that? I want to return a rug",
    );
  });

  it("drops the phrases that only frame a request, keeping what is asked", () => {
    expect(questionCore("I would like to know how long delivery takes to France", "en")).toBe(
      "how long delivery takes to France",
    );
    expect(questionCore("Could you tell me when I will get my money back?", "en")).toBe(
      "when I will get my money back?",
    );
    expect(questionCore("I was wondering if I can change my email address", "en")).toBe(
      "I can change my email address",
    );
    expect(questionCore("I need an invoice for my company", "en")).toBe("an invoice for my company");
    expect(questionCore("I ordered the wrong colour 20 minutes ago, can I change it?", "en")).toBe(
      "I ordered the wrong colour , can I change it?",
    );
    // Who is asking is no word to look up: "Tom" outweighed "invoice", and the question was declined.
    expect(
      questionCore("Hi, my name is Tom and I have a question about my invoice. Where can I find it?", "en"),
    ).toBe("and my invoice. Where can I find it?");
    expect(questionCore("Hello, this is Anna here. How long does delivery take?", "en")).toBe(
      "How long does delivery take?",
    );
    expect(questionCore("What is my name on the account?", "en")).toBe("What is my name on the account?");
  });

  it("reads past what a reply opens with, hedges, and whether a fact matters", () => {
    expect(questionCore("ok how long does it usually take to get there", "en")).toBe(
      "how long does it take to get there",
    );
    expect(questionCore("okay, and what about Norway?", "en")).toBe("and what about Norway?");
    expect(questionCore("is the dune rug real wool?", "en")).toBe("is the dune rug wool?");
    expect(questionCore("i paid by bank transfer tho, does that change anything?", "en")).toBe(
      "i paid by bank transfer , ?",
    );
    expect(questionCore("im looking at the oak table, can I pay in instalments?", "en")).toBe(
      "the oak table, can I pay in instalments?",
    );
    expect(questionCore("thinking about getting the juniper throw, what is it made of?", "en")).toBe(
      "the juniper throw, what is it made of?",
    );
    // Where the customer lives: a country the knowledge base may name stays, a city it never names goes.
    expect(questionCore("hi, i live in zurich and want to return the cove lamp", "en")).toBe(
      "and want to return the cove lamp",
    );
    expect(questionCore("I live in Norway, how long does delivery take?", "en")).toBe(
      "norway , how long does delivery take?",
    );
    expect(questionCore("nice. can i wash it somehow?", "en")).toBe("can i wash it ?");
    // The other half of an either-or says what happens if not; how it should go is no fact asked.
    expect(questionCore("is it still valid or did it expire?", "en")).toBe("is it still valid ?");
    expect(questionCore("does it come with a bulb or do i need to buy one separately", "en")).toBe(
      "does it come with a bulb",
    );
    expect(questionCore("as money on my card or what?", "en")).toBe("as money on my card ?");
    expect(questionCore("how do i clean it without ruining it??", "en")).toBe("how do i clean it ??");
    expect(questionCore("is it covered by warranty or am i out of luck", "en")).toBe("is it covered by warranty");
    expect(questionCore("is that free or do i have to pay something", "en")).toBe("is that free");
    // A second half that asks something else stays.
    expect(questionCore("can I pay by card or by bank transfer?", "en")).toBe(
      "can I pay by card or by bank transfer?",
    );
    expect(questionCore("do I have to be online or can I download it?", "en")).toBe(
      "do I have to be online or can I download it?",
    );
    // How long to a place is how long delivery takes there; how long to do something is not.
    expect(questionCore("how long to germany", "en")).toBe("how long does delivery take to germany");
    expect(questionCore("how long to get a refund?", "en")).toBe("how long to get a refund?");
    // A "now" that ends the question says when; one inside it may say what changed.
    expect(questionCore("how do i log in now??", "en")).toBe("how do i log in ??");
    expect(questionCore("My neighbour's parcel was delivered to me, what now?", "en")).toContain("what now?");
    expect(questionCore("I paid with Klarna and now I want to return it", "en")).toContain("now");
    // "ok" alone is what the customer says, and "real" that names nothing after it stays.
    expect(questionCore("ok", "en")).toBe("ok");
    expect(questionCore("is it real?", "en")).toBe("is it real?");
  });

  it("drops a sentence that only says how the customer feels or asks for help, when another one asks", () => {
    expect(questionCore("my candle arrived smashed. very disappointed.", "en")).toBe(
      "my candle arrived smashed.",
    );
    expect(questionCore("Hello! I placed an order and got no tracking email. Is that normal?", "en")).toBe(
      "I placed an order and got no tracking email.",
    );
    expect(questionCore("Can you help? My parcel has not moved.", "en")).toBe("My parcel has not moved.");
  });

  it("keeps the same words where they are what is asked", () => {
    for (const text of [
      "Does the lamp work with LED bulbs?",
      "Do you deliver in the morning?",
      "Which rug is best for a hallway?",
      "Thanks for the quick delivery, but the lamp is broken",
      "Is it normal for the rug to shed?",
    ])
      expect(questionCore(text, "en")).toBe(text);
  });

  it("returns the message unchanged when nothing would be left of it", () => {
    expect(questionCore("Hi, thanks!", "en")).toBe("Hi, thanks!");
    expect(questionCore("Is that normal?", "en")).toBe("Is that normal?");
  });

  it("knows greetings and sign-offs in the other supported languages, and leaves unknown languages alone", () => {
    expect(questionCore("Hola, ¿puedo devolver un artículo? Muchas gracias", "es")).toBe(
      "¿puedo devolver un artículo?",
    );
    expect(questionCore("Bonjour, où est mon colis ? Merci d'avance", "fr")).toBe("où est mon colis ?");
    expect(questionCore("Guten Tag, wo ist mein Paket? Mit freundlichen Grüßen, Jan", "de-DE")).toBe(
      "wo ist mein Paket?",
    );
    expect(questionCore("Hallo, waar is mijn pakket? Alvast bedankt", "nl")).toBe("waar is mijn pakket?");
    expect(questionCore("Привет, где моя посылка?", "ru")).toBe("Привет, где моя посылка?");
  });
});

describe("the sentences of a message that ask", () => {
  it("are the questions of a longer message that also tells a story", () => {
    expect(
      askedSentences(
        "I bought a rug last month and I love it, but the colours don't suit my new room. Is it too late to send it back? It's unused.",
      ),
    ).toBe("Is it too late to send it back?");
  });

  it("keep the places the story names, which the question's 'it' and 'there' stand for", () => {
    expect(
      askedSentences(
        "I'm ordering a present for my dad who lives in Switzerland. Will he have to pay anything extra?",
      ),
    ).toBe("Will he have to pay anything extra? switzerland");
  });

  it("are nothing apart when the message is one sentence, or asks in none or all of its sentences", () => {
    expect(askedSentences("Is it too late to send it back?")).toBeNull();
    expect(askedSentences("My lamp arrived broken. I want a refund.")).toBeNull();
    expect(askedSentences("Can I return it? Is it free?")).toBeNull();
  });
});

describe("the question after what the customer did", () => {
  it("is the question alone, with the places the story names", () => {
    expect(questionAfterStory("i returned a lamp last week, when do i get my money back")).toBe(
      "when do i get my money back",
    );
    expect(questionAfterStory("Hi, we ordered from Norway, how long does delivery take?")).toBe(
      "how long does delivery take? norway",
    );
    // Chat drops the "I".
    expect(questionAfterStory("sent back my towels like a week ago, when do i get my money??")).toBe(
      "when do i get my money??",
    );
  });

  it("is nothing when the question points back at the story, is too short, or there is no story", () => {
    expect(questionAfterStory("I ordered a table, when will it arrive?")).toBeNull();
    expect(questionAfterStory("I bought the rug, can I?")).toBeNull();
    expect(questionAfterStory("when do i get my money back")).toBeNull();
    expect(questionAfterStory("my lamp broke, what do I do?")).toBeNull();
    // Without a subject, only a past tense tells: "need" is no story.
    expect(questionAfterStory("need a gift by thursday, how long does delivery take?")).toBeNull();
  });
});

describe("compoundQuestions", () => {
  it("splits a message that asks two questions, joined by 'and' or as two sentences", () => {
    expect(compoundQuestions("How long does delivery take and how much does it cost?")).toEqual([
      "How long does delivery take?",
      "how much does it cost?",
    ]);
    expect(compoundQuestions("Can I return the lamp? How long will the refund take?")).toEqual([
      "Can I return the lamp?",
      "How long will the refund take?",
    ]);
    expect(compoundQuestions("Hi, how long does shipping to Norway take and will I pay customs?")).toEqual([
      "How long does shipping to Norway take?",
      "will I pay customs?",
    ]);
    expect(compoundQuestions("can I pay with Klarna? And is there a minimum order?")).toEqual([
      "can I pay with Klarna?",
      "is there a minimum order?",
    ]);
    expect(compoundQuestions("what's the warranty, and does it cover scratches?")).toEqual([
      "what's the warranty?",
      "does it cover scratches?",
    ]);
  });

  it("leaves one question alone, 'and' inside it included", () => {
    for (const text of [
      "Can I pay with PayPal and Klarna?",
      "I bought a lamp and it broke, what can I do?",
      "how do I return something",
      "My lamp arrived broken. What should I do?",
    ])
      expect(compoundQuestions(text), text).toBeNull();
  });
});

describe("what a question is about", () => {
  it("leaves out the words that only frame it", () => {
    expect(topicTerms(["happen", "order"], "en")).toEqual(["order"]);
    expect(topicTerms(analyzerFor("en").terms("it's been 20 minutes, can I still cancel it?"), "en")).toEqual(
      ["cancel"],
    );
    expect(topicTerms(["happen", "order"], "xx")).toEqual(["happen", "order"]);
  });
});
