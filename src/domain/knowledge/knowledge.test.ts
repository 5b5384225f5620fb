import { describe, expect, it } from "vitest";
import { analyzerFor } from "./analyzer.ts";
import { decideAnswerable } from "./answerability.ts";
import { Bm25Index } from "./bm25.ts";
import { chunkDocument, sectionsFromMarkdown, splitSentences } from "./chunker.ts";
import { buildExtractiveAnswer, isRecordText, STEPS_FIRST_OPTIONS } from "./extractive.ts";
import { testChunk } from "./chunk.test-helper.ts";
import { KnowledgeIndex, type Passage, type Retrieval } from "./knowledge-index.ts";

const chunk = testChunk;

describe("analyzer", () => {
  it("stems English words and drops stopwords", () => {
    expect(analyzerFor("en").terms("How do I reset my passwords?")).toEqual(["reset", "password"]);
  });
  it("stems Spanish, French and German and folds accents", () => {
    expect(analyzerFor("es").terms("contraseñas")).toEqual(analyzerFor("es").terms("contraseña"));
    expect(analyzerFor("fr").terms("l'adresse de livraison")).toEqual(["adress", "livraison"]);
    expect(analyzerFor("de").terms("Rücksendungen")).toEqual(analyzerFor("de").terms("Rücksendung"));
  });
  it("indexes hyphenated words in joined form too", () => {
    expect(analyzerFor("en").terms("e-mail")).toContain("email");
  });
  it("indexes every part of a compound or identifier as well as the whole", () => {
    const en = analyzerFor("en");
    expect(en.terms("e-mail")).toEqual(["e-mail", "email", "mail"]);
    expect(en.terms("open mail.google.com")).toEqual(["open", "mail.google.com", "mail", "googl", "com"]);
    expect(en.terms("user_name")).toEqual(["user_name", "user", "name"]);
  });
  it("keeps a single letter that names something, and drops the ones that are noise", () => {
    expect(analyzerFor("en").terms("What is Plan X?")).toEqual(["plan", "x"]);
    expect(analyzerFor("en").terms("it's a test")).toEqual(["test"]);
  });
  it("drops the nouns a question is framed with, so a missing 'policy' does not hide the topic", () => {
    expect(analyzerFor("en").terms("What is your return policy?")).toEqual(["return"]);
    expect(analyzerFor("en").terms("more info about shipping details")).toEqual(["ship"]);
  });
  it("does not split contractions into parts", () => {
    expect(analyzerFor("en").terms("don't won't")).toEqual([]);
  });
  it("matches 'deliver' with 'delivery' and 'deliveries', as it matches 'delivered'", () => {
    const en = analyzerFor("en");
    const deliver = en.terms("deliver");
    for (const w of ["delivery", "deliveries", "delivered", "delivering"])
      expect(en.terms(w)).toEqual(deliver);
    expect(en.terms("recovery")).toEqual(en.terms("recover"));
    // Short words keep Snowball's stem: "query" still matches "queries" and "queried".
    expect(en.terms("query")).toEqual(en.terms("queried"));
  });
  it("drops the framing of 'what options', 'I want to' and the 'long' of 'how long'", () => {
    const en = analyzerFor("en");
    expect(en.terms("What payment options do you have?")).toEqual(["payment"]);
    expect(en.terms("I want to return my lamp")).toEqual(["return", "lamp"]);
    expect(en.terms("How long do refunds take?")).toEqual(["refund", "take"]);
    expect(en.terms("how fast is express delivery")).toEqual(en.terms("express delivery"));
    expect(en.terms("is it too late to return it")).toEqual(en.terms("return"));
    expect(en.terms("a long cable")).toEqual(["long", "cabl"]);
  });
});

describe("chunker", () => {
  it("splits sentences but not at abbreviations", () => {
    expect(splitSentences("Use a card, e.g. Visa. Then pay! Done")).toEqual([
      "Use a card, e.g. Visa.",
      "Then pay!",
      "Done",
    ]);
  });
  it("keeps heading paths from Markdown", () => {
    const s = sectionsFromMarkdown(
      "# Returns\nIntro.\n## Refunds\nRefunds take **5 days**.\n# Shipping\nShips fast.",
    );
    expect(s.map((x) => x.headings)).toEqual([["Returns"], ["Returns", "Refunds"], ["Shipping"]]);
    expect(s[1]!.text).toBe("Refunds take 5 days.");
  });
  it("packs sentences up to the word bound with one sentence of overlap", () => {
    const text = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} has exactly seven words.`).join(
      " ",
    );
    const chunks = chunkDocument(
      { id: "d", title: "T", sections: [{ headings: ["H"], text }] },
      { maxWords: 21, overlapSentences: 1 },
    );
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.text.split(/\s+/).length).toBeLessThanOrEqual(21);
    // consecutive chunks share one sentence
    const last = splitSentences(chunks[0]!.text).at(-1)!;
    expect(chunks[1]!.text.startsWith(last)).toBe(true);
    expect(chunks[0]!.heading).toBe("H");
  });
  it("drops duplicate chunks inside a document", () => {
    const chunks = chunkDocument({
      id: "d",
      title: "T",
      sections: [
        { headings: ["A"], text: "Same text." },
        { headings: ["A"], text: "Same  text." },
      ],
    });
    expect(chunks).toHaveLength(1);
  });
});

describe("bm25 index", () => {
  it("ranks the chunk that matches rare query terms first", () => {
    const idx = new Bm25Index(analyzerFor("en"));
    idx.add("a", "Shipping", "We ship orders within two days. Shipping is free over 50 euros.");
    idx.add("b", "Returns", "You can return items within 30 days for a full refund.");
    idx.add("c", "Account", "Reset your password from the login page.");
    expect(idx.search("how long do refunds take", 3)[0]!.id).toBe("b");
    expect(idx.search("forgot password", 3)[0]!.id).toBe("c");
  });
  it("forgets removed chunks and replaces re-added ones", () => {
    const idx = new Bm25Index(analyzerFor("en"));
    idx.add("a", "Parcel lockers", "Pick up at a parcel locker.");
    idx.add("b", "Other", "Unrelated words.");
    expect(idx.remove("a")).toBe(true);
    expect(idx.search("parcel locker", 5)).toEqual([]);
    idx.add("b", "Parcel lockers", "Now b talks about parcel lockers.");
    expect(idx.search("parcel locker", 5).map((h) => h.id)).toEqual(["b"]);
    expect(idx.size).toBe(1);
  });
  it("reports normalised score and coverage within [0, 1]", () => {
    const idx = new Bm25Index(analyzerFor("en"));
    for (let i = 0; i < 50; i++) idx.add(`d${i}`, `Doc ${i}`, `filler text number ${i}`);
    idx.add("x", "Gift cards", "Gift cards never expire.");
    const [hit] = idx.search("do gift cards expire", 1);
    expect(hit!.id).toBe("x");
    expect(hit!.coverage).toBe(1);
    expect(hit!.normScore).toBeGreaterThan(0.3);
    expect(hit!.normScore).toBeLessThan(1);
    const half = idx.search("gift zebra", 1)[0]!;
    expect(half.coverage).toBeLessThan(0.6);
  });
  it("matches brute-force scoring after many random adds and removes", () => {
    const idx = new Bm25Index(analyzerFor("en"), { bigramWeight: 0 });
    const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
    const live = new Map<string, string>();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      const id = `d${Math.floor(rnd() * 60)}`;
      if (rnd() < 0.3) {
        idx.remove(id);
        live.delete(id);
        continue;
      }
      const text = Array.from(
        { length: 3 + Math.floor(rnd() * 6) },
        () => words[Math.floor(rnd() * words.length)],
      ).join(" ");
      idx.add(id, "", text);
      live.set(id, text);
    }
    expect(idx.size).toBe(live.size);
    const hits = idx.search("alpha golf", 100);
    const expected = [...live.entries()]
      .filter(([, t]) => /alpha|golf/.test(t))
      .map(([id]) => id)
      .sort();
    expect(hits.map((h) => h.id).sort()).toEqual(expected);
  });
});

/** The idf weights a retrieval hands the extractive answer, as the answerer passes them. */
const weightsOf = (r: Retrieval) => new Map(r.queryTerms.map((t, i) => [t, r.queryIdf[i]!] as const));

describe("knowledge index", () => {
  const idx = new KnowledgeIndex();
  idx.upsert([
    chunk(
      "ret",
      "Returns policy",
      "You can return any item within 30 days of delivery. Refunds are paid to the original payment method within 5 business days. Sale items are final.",
    ),
    chunk(
      "ship",
      "Shipping",
      "Standard shipping takes 2 to 4 business days. Express shipping arrives the next day.",
    ),
    chunk(
      "pw",
      "Account help",
      "To reset your password, click Forgot password on the sign-in page. We email you a reset link that is valid for one hour.",
      { sourceId: "s2" },
    ),
    chunk("es1", "Devoluciones", "Puedes devolver cualquier artículo en un plazo de 30 días.", {
      language: "es",
    }),
  ]);

  it("searches the customer's language and falls back when it has no chunks", () => {
    expect(idx.search("devolver artículo", { language: "es" }).passages[0]!.chunk.id).toBe("es1");
    const fr = idx.search("return item", { language: "fr" });
    expect(fr.languageFallback).toBe(true);
    expect(fr.passages[0]!.chunk.id).toBe("ret");
  });

  it("decides answerable for supported questions and not for unrelated ones", () => {
    expect(decideAnswerable(idx.search("when will my refund be paid")).answerable).toBe(true);
    expect(decideAnswerable(idx.search("do you sell garden furniture in Norway")).answerable).toBe(false);
    expect(decideAnswerable(idx.search("???")).reason).toBe("nothing_to_search");
  });

  it("reads past the customer's own order number or email address, but not past a code it is asked about", () => {
    const refund = idx.search("when will the refund for order LC-10234 be paid?");
    expect(refund.queryTerms).not.toContain("10234");
    expect(refund.queryTerms).toContain("order");
    expect(decideAnswerable(refund).answerable).toBe(true);
    const reset = idx.search("how do I reset the password for alex.r@example.com?");
    expect(reset.queryTerms.some((t) => t.includes("example"))).toBe(false);
    expect(decideAnswerable(reset).answerable).toBe(true);
    // Not said to be the customer's order: "SKU-7781" is what the question is about, and nothing here holds it.
    const code = idx.search("when will the refund for SKU-7781 be paid?");
    expect(code.queryTerms).toContain("7781");
    expect(decideAnswerable(code).answerable).toBe(false);
    // A code the knowledge base itself holds stays a word of the question.
    const coded = new KnowledgeIndex();
    coded.upsert([chunk("tbl", "Oak table", "Order code TB-2040. Solid oak dining table.")]);
    expect(coded.search("is order TB-2040 solid oak?").queryTerms).toContain("2040");
  });

  describe("when a yes/no question names a country or payment method the knowledge base does not list", () => {
    const shop = new KnowledgeIndex();
    shop.upsert([
      chunk(
        "where",
        "Shipping and delivery",
        "We ship from our warehouse in Rotterdam to the European Union, the United Kingdom, Switzerland and Norway.",
      ),
      chunk(
        "times",
        "Delivery times",
        "Standard delivery takes 2 to 4 business days within the Netherlands, Belgium and Germany. Express delivery arrives the next business day.",
      ),
      chunk(
        "cost",
        "Shipping costs",
        "Standard delivery costs 4.95 euros and is free for orders over 50 euros.",
      ),
    ]);

    it("answers with the sentence that lists where it applies, which says no by leaving the country out", () => {
      for (const q of [
        "Do you ship to Canada?",
        "Do you deliver to Canada?",
        "can I ship to Australia and Japan",
      ]) {
        const r = shop.search(q);
        expect(decideAnswerable(r).answerable, q).toBe(true);
        expect(buildExtractiveAnswer(r.question, r.passages, "en", weightsOf(r))!.text, q).toBe(
          "We ship from our warehouse in Rotterdam to the European Union, the United Kingdom, Switzerland and Norway.",
        );
      }
    });

    it("answers whether a payment method is taken with the list of those accepted, in other words too", () => {
      const paying = new KnowledgeIndex();
      paying.upsert([
        chunk(
          "methods",
          "Orders and payments",
          "We accept Visa, Mastercard, PayPal, iDEAL and Klarna. Your card is charged when your order ships.",
          { heading: "Payment methods" },
        ),
        chunk(
          "refunds",
          "Returns and refunds",
          "Refunds go back to the original payment method; bank transfers can take another 3 business days.",
          { heading: "Refunds" },
        ),
        chunk("klarna", "Orders and payments", "With Klarna you can pay 30 days after delivery.", {
          heading: "Paying later with Klarna",
        }),
      ]);
      // "Pay" and "bank transfer" are words the knowledge base uses elsewhere; the list still answers for them.
      for (const q of ["Do you take Apple Pay?", "Is Google Pay accepted?", "can I pay by bank transfer?"]) {
        const r = paying.search(q);
        expect(decideAnswerable(r).answerable, q).toBe(true);
        expect(buildExtractiveAnswer(r.question, r.passages, "en", weightsOf(r))!.text, q).toBe(
          "We accept Visa, Mastercard, PayPal, iDEAL and Klarna.",
        );
      }
    });

    it("does not read a list of places as the answer to other questions about the country", () => {
      expect(decideAnswerable(shop.search("How long does delivery to Canada take?")).answerable).toBe(false);
      expect(decideAnswerable(shop.search("Do you have a store in Canada?")).answerable).toBe(false);
      expect(decideAnswerable(shop.search("Do you ship to Mars?")).answerable).toBe(false);
    });
  });

  it("answers 'what do I do now?' with the step the customer was not given yet", () => {
    const account = new KnowledgeIndex();
    account.upsert([
      chunk(
        "reset",
        "Account help",
        "To reset your password, click Forgot password on the sign-in page. We email you a reset link that is valid for one hour. If it has expired, request a new one.",
        { heading: "Resetting your password" },
      ),
    ]);
    const r = account.search("i clicked forgot password and got the email but the link says its expired");
    const answer = (alreadySaid: string[]) =>
      buildExtractiveAnswer("what do I do?", r.passages, "en", weightsOf(r), {
        ...STEPS_FIRST_OPTIONS,
        alreadySaid: new Set(alreadySaid),
      })!.text;
    expect(answer([])).toMatch(/^To reset your password/);
    expect(answer(["To reset your password, click Forgot password on the sign-in page."])).toBe(
      "If it has expired, request a new one.",
    );
  });

  it("judges what a chatty message asks, not its greeting, framing or thanks", () => {
    const r = idx.search("Good morning, I would like to know when my refund will be paid. Thank you, Anna");
    expect(r.question).toBe("when my refund will be paid.");
    expect(r.queryTerms).toEqual(["refund", "pai"]); // "paid" is "pay", stemmed
    expect(decideAnswerable(r).answerable).toBe(true);
    expect(
      decideAnswerable(idx.search("Hi! Do you sell garden furniture in Norway? Thanks")).answerable,
    ).toBe(false);
  });

  it("answers a one-word question only from a passage whose title names it, not from a passing mention", () => {
    // "payment" appears only in the returns passage's body; "returns" is its title.
    expect(decideAnswerable(idx.search("What is your payment policy?")).answerable).toBe(false);
    expect(decideAnswerable(idx.search("What is your returns policy?")).answerable).toBe(true);
  });

  it("tells Plan X from Plan S by their one-letter names", () => {
    const plans = new KnowledgeIndex();
    plans.upsert([
      chunk("px", "Plan X", "Plan X costs 20 euros a month and includes priority support."),
      chunk("ps", "Plan S", "Plan S costs 5 euros a month and includes email support."),
    ]);
    expect(plans.search("How much is Plan X?").passages[0]!.chunk.id).toBe("px");
    expect(plans.search("How much is Plan S?").passages[0]!.chunk.id).toBe("ps");
  });

  it("finds a compound written in a chunk when the customer types one of its parts", () => {
    const local = new KnowledgeIndex();
    local.upsert([
      chunk("mail", "Contact", "Write to our e-mail desk at help@example.com."),
      chunk("phone", "Contact by phone", "Call us on weekdays."),
    ]);
    expect(local.search("send mail").passages[0]?.chunk.id).toBe("mail");
  });

  it("ranks a title with the customer's phrase in order above one with the same words apart", () => {
    const chunks = [
      chunk("apart", "Password and account reset", "Steps for the account owner."),
      chunk("phrase", "Reset password for an account", "Steps for the account owner."),
      chunk("other", "Shipping", "Parcels ship daily."),
    ];
    const withPhrases = new KnowledgeIndex();
    withPhrases.upsert(chunks);
    expect(withPhrases.search("reset password").passages[0]!.chunk.id).toBe("phrase");
    // Same words, same lengths: without phrases the tie keeps insertion order.
    const without = new KnowledgeIndex({ titlePhrase: 0 });
    without.upsert(chunks);
    expect(without.search("reset password").passages[0]!.chunk.id).toBe("apart");
  });

  it("leads with the best document's best chunk, then lets another document's better passage come before that document's weaker chunks", () => {
    const local = new KnowledgeIndex();
    const orders = { documentId: "orders" };
    local.upsert([
      chunk("o-change", "Orders", "You can change an order within one hour, then the order ships.", orders),
      chunk("o-pay", "Orders", "We accept American Express and other cards for every order.", orders),
      chunk("o-invoice", "Orders", "An invoice for the order is attached to the email.", orders),
      chunk("s-times", "Shipping", "Express delivery arrives the next business day.", {
        documentId: "shipping",
      }),
    ]);
    const ids = local.search("when will my express order arrive").passages.map((p) => p.chunk.id);
    // Two strong "Orders" chunks still make it the leading document...
    expect(ids[0]!.startsWith("o-")).toBe(true);
    // ...but the shipping passage that answers the question is not pushed behind every other order chunk.
    expect(ids.indexOf("s-times")).toBeLessThan(ids.indexOf("o-invoice"));
  });

  it("does not answer from one sentence's word and another's when no word of the question is in the title", () => {
    const shop = new KnowledgeIndex();
    shop.upsert([
      chunk(
        "track",
        "Tracking your parcel",
        "We email you a tracking link as soon as your parcel leaves the warehouse. If the tracking page has not changed for 5 days, contact us and we will open an investigation.",
      ),
      chunk("ret", "Returns", "You can return any item within 30 days of delivery."),
      chunk("pay", "Payment methods", "We accept Visa, Mastercard and PayPal."),
    ]);
    const scattered = shop.search("Do you have job openings in the warehouse?");
    expect(scattered.passages[0]!.chunk.id).toBe("track");
    expect(scattered.passages[0]!.coverage).toBeGreaterThanOrEqual(0.4);
    expect(decideAnswerable(scattered).answerable).toBe(false);
    expect(decideAnswerable(shop.search("When will the tracking page show my parcel?")).answerable).toBe(
      true,
    );
  });

  it("removes a source's chunks", () => {
    const local = new KnowledgeIndex();
    local.upsert([chunk("a", "A", "alpha words"), chunk("b", "B", "alpha words again", { sourceId: "s2" })]);
    expect(local.removeSource("s1")).toBe(1);
    expect(local.search("alpha").passages.map((p) => p.chunk.id)).toEqual(["b"]);
  });

  it("builds an extractive answer from the sentences that answer, cited to their passage", () => {
    const r = idx.search("how long until my refund is paid");
    const a = buildExtractiveAnswer("how long until my refund is paid", r.passages, "en")!;
    expect(a.text).toContain("Refunds are paid to the original payment method within 5 business days.");
    expect(a.text).not.toContain("Sale items are final");
    expect(a.citations[0]!.title).toBe("Returns policy");
    for (const s of a.sentences) expect(idx.get(s.chunkId)!.text).toContain(s.text);
    for (const s of a.sentences)
      expect(a.citations.map((c) => c.documentId)).toContain(idx.get(s.chunkId)!.documentId);
  });

  it("leads with the 'Yes.' or 'No.' that precedes the best sentence: it is the answer to a yes/no question", () => {
    const faq = new KnowledgeIndex();
    faq.upsert([
      chunk(
        "ca",
        "Do you ship to Canada?",
        "No. We currently ship only within Europe, from our Rotterdam warehouse.",
      ),
    ]);
    const r = faq.search("do you ship to canada?");
    expect(buildExtractiveAnswer("do you ship to canada?", r.passages, "en")!.text).toBe(
      "No. We currently ship only within Europe, from our Rotterdam warehouse.",
    );
  });

  it("adds a sentence from another document only when it answers a part of the question the first does not", () => {
    const passage = (id: string, documentId: string, title: string, text: string, score: number) => ({
      chunk: chunk(id, title, text, { documentId }),
      score,
      normScore: 0.5,
      coverage: 1,
      similarity: null,
    });
    const lead = passage(
      "o",
      "orders",
      "Orders",
      "You can change or cancel an order within one hour of placing it.",
      2,
    );
    const sameWord = passage(
      "a",
      "account",
      "Account",
      "You can change the email address of your account in Settings.",
      1.9,
    );
    const newPart = passage(
      "p",
      "payments",
      "Payments",
      "Refunds of a cancelled order reach your card in 5 days.",
      1.9,
    );
    const question = "can I change my order and when is the refund paid";
    const alone = buildExtractiveAnswer(question, [lead, sameWord], "en")!;
    expect(alone.sentences.map((s) => s.chunkId)).toEqual(["o"]);
    const withRefund = buildExtractiveAnswer(question, [lead, newPart], "en")!;
    expect(withRefund.sentences.map((s) => s.chunkId).sort()).toEqual(["o", "p"]);
    expect(withRefund.citations.map((c) => c.documentId).sort()).toEqual(["orders", "payments"]);
  });

  it("says the sentence that goes on about the lead's subject ('These charges ...') with it", () => {
    const passage = (id: string, heading: string, text: string, score: number) => ({
      chunk: chunk(id, "Shipping and delivery", text, { documentId: "shipping", heading }),
      score,
      normScore: 0.5,
      coverage: 1,
      similarity: null,
    });
    const customs = passage(
      "customs",
      "Customs and duties",
      "Orders to the United Kingdom may be charged import VAT and duties by the local customs office. These charges are paid by the recipient on delivery and are not included in our prices.",
      3,
    );
    const times = passage(
      "times",
      "Delivery times",
      "Deliveries to the United Kingdom take 4 to 8 business days because parcels pass through customs.",
      2,
    );
    const answer = buildExtractiveAnswer(
      "Will I have to pay customs duties in the UK?",
      [customs, times],
      "en",
    )!;
    expect(answer.text).toBe(
      "Orders to the United Kingdom may be charged import VAT and duties by the local customs office. These charges are paid by the recipient on delivery and are not included in our prices.",
    );
  });

  /** A section of the returns policy, ranked with `score`. */
  const section = (id: string, heading: string, text: string, score: number) => ({
    chunk: chunk(id, "Returns and refunds", text, { documentId: "returns", heading }),
    score,
    normScore: 0.4,
    coverage: 0.4,
    similarity: null,
  });

  describe("which sentences of other sections of the same document support the best one", () => {
    const damaged = section(
      "damaged",
      "Damaged or wrong items",
      "If an item arrives damaged or you received the wrong item, send us a photo within 14 days of delivery. We send a replacement at no cost, and you do not need to return the damaged item.",
      3,
    );
    const exceptions = section(
      "exceptions",
      "Items that cannot be returned",
      "Made-to-measure curtains and opened candles cannot be returned unless they arrived damaged.",
      2.8,
    );

    it("leaves out a sentence that only shares words the answer already has", () => {
      // The exception says "arrived damaged" too, and nothing more of a broken lamp.
      const a = buildExtractiveAnswer("My lamp arrived broken", [damaged, exceptions], "en")!;
      expect(a.text).toBe(
        "If an item arrives damaged or you received the wrong item, send us a photo within 14 days of delivery.",
      );
    });

    it("keeps one from a section whose heading names what is asked", () => {
      // The candle's exception leads on its rarer word; what to do about damage comes from the section about it.
      const a = buildExtractiveAnswer("my candle arrived damaged", [exceptions, damaged], "en")!;
      expect(a.text).toBe(
        "Made-to-measure curtains and opened candles cannot be returned unless they arrived damaged. If an item arrives damaged or you received the wrong item, send us a photo within 14 days of delivery.",
      );
    });
  });

  it("gives no duration of something else to a how-long question, though it is in the best passage", () => {
    const claims = {
      chunk: chunk(
        "claims",
        "Warranty",
        "We answer warranty claims within three business days. A defective item is repaired or replaced.",
      ),
      score: 2,
      normScore: 0.3,
      coverage: 0.46,
      similarity: null,
    };
    expect(buildExtractiveAnswer("how long until the replacement comes?", [claims], "en")).toBeNull();
    // Asked of what the passage is about, it answers.
    expect(buildExtractiveAnswer("how long does a warranty claim take?", [claims], "en")!.text).toMatch(
      /^We answer warranty claims within three business days/,
    );
  });

  it("answers a how-to question with what to do before the rule that says it can be done", () => {
    const returning = {
      chunk: chunk(
        "ret",
        "Returns and refunds",
        "You can return any item within 30 days of delivery, as long as it is unused. To start a return, open the Orders page of your account and click Return items.",
        { heading: "Returning an item" },
      ),
      score: 3,
      normScore: 0.4,
      coverage: 0.4,
      similarity: null,
    };
    const how = buildExtractiveAnswer("How do I return a rug?", [returning], "en")!;
    expect(how.text).toBe(
      "To start a return, open the Orders page of your account and click Return items. You can return any item within 30 days of delivery, as long as it is unused.",
    );
    // Whether it can be done is answered by the rule.
    expect(buildExtractiveAnswer("Can I return a rug?", [returning], "en")!.text).toMatch(/^You can return/);
  });

  describe("when the best sentence denies what the question asks", () => {
    // The short exceptions section outranks the rule on length; both say "return".
    const exceptions = section(
      "exceptions",
      "Items that cannot be returned",
      "Made-to-measure curtains, engraved items and opened candles cannot be returned unless they arrived damaged. Gift cards cannot be returned or exchanged for cash.",
      2.6,
    );
    const rule = section(
      "rule",
      "Returning an item",
      "You can return any item within 30 days of delivery, for any reason, as long as it is unused and in its original packaging. We email you a prepaid return label.",
      2.3,
    );

    it("leads with the rule and says the exception after it", () => {
      const answer = buildExtractiveAnswer("Can I return furniture?", [exceptions, rule], "en")!;
      expect(answer.text).toBe(
        "You can return any item within 30 days of delivery, for any reason, as long as it is unused and in its original packaging. Made-to-measure curtains, engraved items and opened candles cannot be returned unless they arrived damaged.",
      );
    });

    it("answers from the sentence that says every word of the question over a higher-ranked section's first", () => {
      // "Gift cards" ranks first on its heading; only the exceptions say whether one can be returned.
      const giftCards = {
        chunk: chunk(
          "gift",
          "Orders and payments",
          "Gift cards are sold in values from 10 to 500 euros. You can check the balance of a gift card on our website.",
          { documentId: "orders", heading: "Gift cards" },
        ),
        score: 3,
        normScore: 0.4,
        coverage: 0.4,
        similarity: null,
      };
      const a = buildExtractiveAnswer("Can I return a gift card?", [giftCards, exceptions, rule], "en")!;
      expect(a.text).toBe("Gift cards cannot be returned or exchanged for cash.");
    });

    it("keeps the denial first when it names more of the question, or when the question asks what is denied", () => {
      const giftCard = buildExtractiveAnswer("Can I return a gift card?", [exceptions, rule], "en")!;
      expect(giftCard.text.startsWith("Gift cards cannot be returned")).toBe(true);
      const denied = buildExtractiveAnswer("What can't be returned?", [exceptions, rule], "en")!;
      expect(denied.text.startsWith("Made-to-measure curtains")).toBe(true);
    });
  });

  describe("when the question asks for a kind of fact or a section's heading says its words", () => {
    // Passages as the demo shop's knowledge base ranks them for each question, with its idf weights.
    const section = (
      id: string,
      documentId: string,
      title: string,
      heading: string,
      text: string,
      score: number,
    ) => ({
      chunk: chunk(id, title, text, { documentId, heading }),
      score,
      normScore: 0.5,
      coverage: 0.6,
      similarity: null,
    });
    const costs = section(
      "costs",
      "shipping",
      "Shipping and delivery",
      "Shipping costs",
      "Standard delivery costs 4.95 euros and is free for orders over 50 euros. Express delivery costs 9.95 euros for every order.",
      6.2,
    );
    const lockers = section(
      "lockers",
      "shipping",
      "Shipping and delivery",
      "Parcel lockers and pick-up points",
      "You can choose a parcel locker or pick-up point at checkout in the Netherlands, Belgium, Germany and France. Parcels wait at the pick-up point for 7 days.",
      4.3,
    );
    const refunds = section(
      "refunds",
      "returns",
      "Returns and refunds",
      "Refunds",
      "We refund the item price within 5 business days of receiving your return. Refunds go back to the original payment method; bank transfers can take another 3 business days.",
      4.8,
    );
    const returning = section(
      "returning",
      "returns",
      "Returns and refunds",
      "Returning an item",
      "You can return any item within 30 days of delivery, as long as it is unused.",
      4.6,
    );
    const changing = section(
      "change",
      "orders",
      "Orders and payments",
      "Changing or cancelling an order",
      "You can change or cancel an order within one hour of placing it, from the Orders page of your account.",
      5,
    );
    const address = section(
      "address",
      "shipping",
      "Shipping and delivery",
      "Changing the delivery address",
      "Within one hour of placing an order you can change its delivery address yourself, under Orders in your account.",
      3.9,
    );
    const times = section(
      "times",
      "shipping",
      "Shipping and delivery",
      "Delivery times",
      "Standard delivery takes 2 to 4 business days within the Netherlands, Belgium and Germany.",
      2.7,
    );
    const answer = (q: string, passages: Passage[], idf: Record<string, number>) => {
      const terms = analyzerFor("en").terms(q);
      return buildExtractiveAnswer(q, passages, "en", new Map(terms.map((t) => [t, idf[t] ?? 3] as const)))!;
    };

    it("leads with the sentence that states the price asked, not one that only names the destination", () => {
      const a = answer("How much does shipping to France cost?", [costs, lockers], {
        ship: 1.1,
        franc: 3.1,
        cost: 2,
      });
      expect(a.text).toMatch(/^Standard delivery costs 4.95 euros/);
      expect(a.text).not.toContain("France");
    });

    it("answers how long with the sentence that states the duration of what is asked", () => {
      const a = answer("How long do refunds take?", [refunds, returning], { refund: 1.5, take: 2.3 });
      expect(a.text).toMatch(/^We refund the item price within 5 business days/);
      expect(a.text).not.toContain("as long as");
    });

    it("looks a little lower for the section that states the duration than a heading sharing a word places it", () => {
      const lockersFirst = { ...lockers, score: 5.1 };
      const a = answer("how many days until my parcel gets to Belgium", [lockersFirst, times], {
        dai: 1.2,
        parcel: 2,
        get: 3.1,
        belgium: 2.6,
      });
      expect(a.text).toMatch(/^Standard delivery takes 2 to 4 business days/);
    });

    it("gives no answer when no sentence states the kind of fact asked, rather than one about something else", () => {
      const assembly = new KnowledgeIndex();
      assembly.upsert([
        chunk(
          "asm",
          "Assembly",
          "Tables come flat-packed with the tools you need. Assembly instructions are in the box.",
        ),
      ]);
      const q = "How long does assembly take?";
      expect(buildExtractiveAnswer(q, assembly.search(q).passages, "en")).toBeNull();
      const where = "Where are the assembly instructions?";
      expect(buildExtractiveAnswer(where, assembly.search(where).passages, "en")!.text).toBe(
        "Assembly instructions are in the box.",
      );
    });

    it("stays with the section whose heading says the question's words over another's sentence with them", () => {
      const a = answer("Can I change my order?", [changing, address], { chang: 2, order: 0.8 });
      expect(a.text).toMatch(/^You can change or cancel an order/);
      expect(a.citations.map((c) => c.documentId)).toEqual(["orders"]);
    });

    const costsWithFreight = section(
      "costs",
      "shipping",
      "Shipping and delivery",
      "Shipping costs",
      "Standard delivery costs 4.95 euros and is free for orders over 50 euros. Express delivery costs 9.95 euros for every order. Large furniture items ship by freight for a flat fee of 39 euros.",
      2.4,
    );

    const intro = section(
      "intro",
      "shipping",
      "Shipping and delivery",
      "",
      "Lumen & Co. ships from our warehouse in Rotterdam to the European Union.",
      2.5,
    );

    it("answers 'how much is shipping?' from the section headed 'Shipping costs', not its one sentence that says 'ship'", () => {
      const a = answer("how much is shipping?", [costsWithFreight], { ship: 1.1 });
      expect(a.text).toBe(
        "Standard delivery costs 4.95 euros and is free for orders over 50 euros. Express delivery costs 9.95 euros for every order.",
      );
    });

    it("reaches two passages deeper for the asked fact in a section whose title names the question's words", () => {
      const ranked = [{ ...lockers, score: 3.3 }, { ...times, score: 3.2 }, intro, costsWithFreight];
      const a = answer("how much is shipping to Germany", ranked, { ship: 1.1, germani: 2.6 });
      expect(a.text).toMatch(/^Standard delivery costs 4.95 euros/);
      // A priced sentence of another subject that deep is no answer: the UK return fee does not price shipping to the UK.
      const ukRefunds = section(
        "refunds",
        "returns",
        "Returns and refunds",
        "Refunds",
        "Returns from the United Kingdom cost 7.50 euros, deducted from your refund.",
        2.6,
      );
      const ukTimes = {
        ...times,
        chunk: { ...times.chunk, text: "Deliveries to the United Kingdom take 4 to 8 business days." },
      };
      const uk = answer(
        "how much does it cost to ship to the UK",
        [ukTimes, intro, { ...lockers, score: 2.5 }, ukRefunds],
        {
          ship: 1.1,
          unit: 2,
          kingdom: 2.2,
        },
      );
      expect(uk).toBeNull();
    });

    it("answers how long something lasts with the sentence that says it of that thing ('a two-year warranty')", () => {
      const claims = section(
        "claims",
        "warranty",
        "Warranty",
        "",
        "To make a warranty claim, email support with photos of the defect. We answer warranty claims within three business days.",
        4.8,
      );
      const cover = section(
        "cover",
        "warranty",
        "Warranty",
        "",
        "Every Lumen & Co. product has a two-year warranty from the date of delivery. The warranty covers defects in materials.",
        4.7,
      );
      const a = answer("How long is the warranty?", [claims, cover], { warranti: 1.4 });
      expect(a.text).toMatch(/^Every Lumen & Co. product has a two-year warranty/);
    });

    it("quotes a passage that covers more of the question than the best one, whatever its score", () => {
      const giftCards = {
        ...section(
          "gift",
          "orders",
          "Orders and payments",
          "Gift cards",
          "Gift cards are sold in values from 10 to 500 euros.",
          7.9,
        ),
        coverage: 0.58,
      };
      const methods = {
        ...section(
          "methods",
          "orders",
          "Orders and payments",
          "Payment methods",
          "We accept Visa, Mastercard, PayPal, Klarna and Lumen & Co. gift cards.",
          4.3,
        ),
        coverage: 1,
      };
      const a = answer("do you accept gift cards", [giftCards, methods], { accept: 2.5, gift: 2, card: 1.8 });
      expect(a.text).toBe("We accept Visa, Mastercard, PayPal, Klarna and Lumen & Co. gift cards.");
    });

    it("reads the question with the retrieval's typo corrections ('shiping' as 'ship')", () => {
      // Only the corrected word names the "Shipping costs" section, ranked below the one that says "ships".
      const a = buildExtractiveAnswer(
        "how much is shiping?",
        [{ ...intro, score: 3 }, costsWithFreight],
        "en",
        new Map([["ship", 1.1]]),
      );
      expect(a?.text).toMatch(/^Standard delivery costs 4.95 euros/);
    });
  });

  describe("when the question names a record (a catalogue row) and asks about one thing of it", () => {
    const rug = chunk(
      "rug",
      "Dune wool rug",
      "Category: Rugs. Description: Flat-woven wool rug in sand and off-white stripes. Price eur: 249. Materials: New Zealand wool. Care: Vacuum without the brush head.",
    );
    const returning = chunk(
      "ret",
      "Returns and refunds",
      "You can return any item within 30 days of delivery, as long as it is unused. Start a return from the Orders page.",
      { heading: "Returning an item" },
    );
    const shipping = chunk("ship", "Shipping", "Standard delivery takes 2 to 4 business days.");
    const shop = new KnowledgeIndex();
    shop.upsert([rug, returning, shipping]);

    it("answers whether the shop sells a thing from the row of that thing", () => {
      const r = shop.search("Do you sell rugs?");
      expect(decideAnswerable(r).answerable).toBe(true);
      expect(r.passages[0]!.chunk.id).toBe("rug");
      // Its description, without the "Category: Rugs." that only repeats the question beside it.
      const a = buildExtractiveAnswer("Do you sell rugs?", r.passages, "en")!;
      expect(a.text).toMatch(/^Flat-woven wool rug/);
      expect(a.text).not.toMatch(/Category/);
    });

    it("answers with the field that speaks to it, not the fields that only describe the record", () => {
      const q = "What is the price of the Dune rug?";
      expect(buildExtractiveAnswer(q, shop.search(q).passages, "en")!.text).toBe("Price eur: 249.");
    });

    it("answers from a policy section whose heading names what the record lacks, though the record ranks first", () => {
      const q = "Can I return the Dune rug?";
      const r = shop.search(q);
      expect(r.passages[0]!.chunk.id).toBe("rug");
      const a = buildExtractiveAnswer(q, r.passages, "en")!;
      expect(a.text).toMatch(/^You can return any item within 30 days/);
      expect(a.citations.map((c) => c.documentId)).toEqual(["ret"]);
    });

    it("answers with the field whose label the question asks about in other words", () => {
      const made = "What is the Dune rug made of?";
      expect(buildExtractiveAnswer(made, shop.search(made).passages, "en")!.text).toBe(
        "Materials: New Zealand wool.",
      );
      // "Machine washable?" is asked of the care instructions, which say how it is washed instead.
      const washable = "Is the Dune rug machine washable?";
      expect(decideAnswerable(shop.search(washable)).answerable).toBe(true);
      // Without the product's name the cue words are most of the question, and the row holds them all; a word it
      // lacks still counts against it.
      expect(decideAnswerable(shop.search("Is the rug machine washable?")).answerable).toBe(true);
      expect(decideAnswerable(shop.search("Is the rug made in Portugal?")).answerable).toBe(false);
      expect(buildExtractiveAnswer(washable, shop.search(washable).passages, "en")!.text).toBe(
        "Care: Vacuum without the brush head.",
      );
      // Drying and ironing are care too: "Can it go in the dryer?" is asked of "Care: ... tumble dry on low heat."
      const dryer = "Can the Dune rug go in the dryer?";
      expect(decideAnswerable(shop.search(dryer)).answerable).toBe(true);
      expect(buildExtractiveAnswer(dryer, shop.search(dryer).passages, "en")!.text).toBe(
        "Care: Vacuum without the brush head.",
      );
      // A product's cost is its price: no shipping-cost section answers it, though its heading says "costs".
      const pricing = new KnowledgeIndex();
      pricing.upsert([
        rug,
        chunk("costs", "Shipping and delivery", "Standard delivery costs 4.95 euros.", {
          heading: "Shipping costs",
        }),
      ]);
      const cost = "How much does the Dune rug cost?";
      const a = buildExtractiveAnswer(cost, pricing.search(cost).passages, "en")!;
      expect(a.text).toBe("Price eur: 249.");
      expect(a.citations.map((c) => c.documentId)).toEqual(["rug"]);
    });

    it("keeps today's choice when no field and no section heading speaks to what is asked", () => {
      const q = "What colour is the Dune rug?";
      expect(buildExtractiveAnswer(q, shop.search(q).passages, "en")!.text).toContain("Flat-woven wool rug");
    });

    it("declines when the record holds nothing of what is asked, however well the question names it", () => {
      const sized = new KnowledgeIndex();
      sized.upsert([
        chunk(
          "rug",
          "Dune wool rug",
          "Category: Rugs. Description: Flat-woven wool rug, 160 by 230 centimetres. Price eur: 249.",
        ),
        chunk(
          "lamp",
          "Cove ceramic table lamp",
          "Category: Lighting. Description: Ceramic lamp with a linen shade, E27 bulb not included. Price eur: 89.",
        ),
        chunk(
          "table",
          "Birch bedside table",
          "Category: Furniture. Description: Small bedside table. Price eur: 149.",
        ),
        returning,
      ]);
      const answerable = (q: string) => decideAnswerable(sized.search(q)).answerable;
      // A size by a measurement the row states; none stated, no answer.
      expect(answerable("How big is the Dune rug?")).toBe(true);
      expect(answerable("How tall is the bedside table?")).toBe(false);
      // What is asked must be in the row: "bulb" is, "dimmable" and "green" are not.
      expect(answerable("Does the Cove lamp come with a bulb?")).toBe(true);
      expect(answerable("Is the Cove lamp dimmable?")).toBe(false);
      // Half of what is asked is not enough: the row has a shade, and says nothing of taking it off.
      expect(answerable("Is the Cove lamp shade removable?")).toBe(false);
      expect(answerable("Is the Dune rug available in green?")).toBe(false);
      // What the row lacks, a policy section may still answer.
      expect(answerable("Can I return the Dune rug?")).toBe(true);
    });

    it("says a description field without its label, and a field that names its fact with it", () => {
      const sized = new KnowledgeIndex();
      sized.upsert([
        chunk(
          "rug",
          "Dune wool rug",
          "Category: Rugs. Description: Flat-woven wool rug, 160 by 230 centimetres. Materials: New Zealand wool on a cotton warp. Price eur: 249.",
        ),
        chunk(
          "duvet",
          "Aster linen duvet cover",
          "Category: Bedding. Description: Stonewashed linen duvet cover, sizes single to king. Price eur: 129.",
        ),
      ]);
      const say = (q: string) => buildExtractiveAnswer(q, sized.search(q).passages, "en")?.text;
      expect(say("what sizes does the dune rug come in?")).toBe(
        "Flat-woven wool rug, 160 by 230 centimetres.",
      );
      expect(say("What sizes does the duvet cover come in?")).toBe(
        "Stonewashed linen duvet cover, sizes single to king.",
      );
      expect(decideAnswerable(sized.search("what sizes does the duvet cover come in?")).answerable).toBe(
        true,
      );
      expect(say("What is the Dune rug made of?")).toMatch(/^Materials: New Zealand wool on a cotton warp\./);
      // The price is the fact asked, though only the description names the size.
      expect(say("how much is the aster duvet cover in king size?")).toBe("Price eur: 129.");
    });

    it("answers what the row lacks from the policy that names it, without the row's sentence about something else", () => {
      const shop = new KnowledgeIndex();
      shop.upsert([
        chunk(
          "duvet",
          "Aster linen duvet cover",
          "Category: Bedding. Description: Stonewashed linen duvet cover, sizes single to king. Price eur: 129.",
        ),
        chunk(
          "exchanges",
          "Returns and refunds",
          "We do not exchange items directly. Return the item for a refund and place a new order for the size or colour you want.",
          { heading: "Exchanges" },
        ),
      ]);
      const q = "Can I exchange a duvet cover for another size?";
      const r = shop.search(q);
      expect(r.passages[0]!.chunk.id).toBe("duvet");
      // The row says its sizes, which the question names, but nothing of exchanging.
      const a = buildExtractiveAnswer(q, r.passages, "en")!;
      expect(a.text).not.toMatch(/Stonewashed/);
      expect(a.text).toMatch(/We do not exchange items directly/);
      expect(a.citations.map((c) => c.documentId)).toEqual(["exchanges"]);
    });

    it("answers for the record from the policy sentence about its kind of thing ('Category: Furniture.')", () => {
      const freight = new KnowledgeIndex();
      freight.upsert([
        chunk(
          "table",
          "Harbor oak dining table",
          "Category: Furniture. Description: Extendable dining table that seats six. Price eur: 1190.",
        ),
        chunk(
          "costs",
          "Shipping and delivery",
          "Standard delivery costs 4.95 euros. Large furniture items ship by freight for a flat fee of 39 euros, delivered to the room of your choice.",
          { heading: "Shipping costs" },
        ),
      ]);
      const q = "How much is delivery for the dining table?";
      expect(buildExtractiveAnswer(q, freight.search(q).passages, "en")!.text).toMatch(
        /^Large furniture items ship by freight/,
      );
    });

    it("does not let a common word of a document's title ('Orders and payments') speak for a rare one asked", () => {
      const orders = new KnowledgeIndex();
      orders.upsert([
        rug,
        chunk("change", "Orders and payments", "You can change or cancel an order within one hour.", {
          heading: "Changing or cancelling an order",
        }),
        chunk("pay", "Orders and payments", "We accept Visa, Mastercard and PayPal for every order.", {
          heading: "Payment methods",
        }),
        chunk("track", "Orders and payments", "We email a tracking link for every order.", {
          heading: "Tracking",
        }),
      ]);
      const q = "Can I order the Dune rug in a bespoke size?";
      expect(orders.search(q).passages[0]!.chunk.id).toBe("rug");
      expect(decideAnswerable(orders.search(q)).answerable).toBe(false);
    });

    it("does not answer about one record with another record's fields", () => {
      const rows = new KnowledgeIndex();
      rows.upsert([
        chunk(
          "harbor",
          "Harbor oak dining table",
          "Category: Furniture. Description: Extendable dining table. Materials: Solid oak with a matt lacquer.",
        ),
        chunk(
          "birch",
          "Birch bedside table",
          "Category: Furniture. Description: Small bedside table. Materials: Solid birch wood with a natural oil finish.",
        ),
      ]);
      const q = "Is the Harbor table solid wood?";
      const r = rows.search(q);
      expect(r.passages.map((p) => p.chunk.id)).toEqual(["harbor", "birch"]);
      expect(buildExtractiveAnswer(q, r.passages, "en")!.text).toBe(
        "Materials: Solid oak with a matt lacquer.",
      );
    });

    it("tells a record from a FAQ answer or a section by its labelled fields", () => {
      expect(isRecordText(rug.text)).toBe(true);
      expect(isRecordText(returning.text)).toBe(false);
      expect(isRecordText("Note: we ship on weekdays. Deliveries take 2 days.")).toBe(false);
    });
  });
});
