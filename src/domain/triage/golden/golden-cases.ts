// Messages written by the project to pin triage's decisions while its internals are optimised: every case here
// must triage identically before and after a performance change (see triage.golden.test.ts).
import type { TriageInput } from "../types.ts";

export interface GoldenCase {
  id: string;
  input: TriageInput;
}

// Plain support messages, one per line of intent the starter model knows or should not know.
const ROUTINE = [
  "Where is my order? It was placed last week.",
  "how do i reset my password",
  "I can't log in to my account",
  "I forgot my password and the reset email never comes",
  "Can you tell me the status of order 48213?",
  "When will my package arrive?",
  "tracking number says delivered but nothing here",
  "What payment methods do you accept?",
  "Do you take PayPal or Apple Pay?",
  "I'd like to update my billing address",
  "Can I change the email on my account?",
  "How do I delete my account?",
  "I want to cancel my order",
  "Please cancel order #7781, I ordered the wrong size",
  "What is your refund policy?",
  "How long do refunds take to show up on my card?",
  "I need an invoice for my last purchase",
  "Can you send me a copy of the receipt for March?",
  "Is the blue jacket available in XL?",
  "Does this laptop come with a charger?",
  "How do I submit the warranty form?",
  "The contact form on your site won't submit",
  "What are your opening hours?",
  "What's your phone number?",
  "I'd like to place an order for 3 units",
  "hello",
  "hi there",
  "good morning!",
  "thanks a lot",
  "thank you so much, that fixed it",
  "bye",
  "ok",
  "yes",
  "no",
  "123456",
  "order 99812",
  "cancel purchase 554",
  "refund 299 dollars",
  "reset login",
  "track shipment",
  "newsletter unsubscribe",
  "How can I change my delivery address for an order that already shipped?",
  "Is there a fee for paying in installments?",
  "My subscription renewed but I wanted to downgrade to the basic plan.",
  "Can I use two discount codes on one order?",
  "What's the weather like in Paris tomorrow?",
  "Who won the football game last night?",
  "Can you recommend a good pizza recipe?",
  "Tell me a joke",
  "What is the meaning of life?",
  "I need to update the phone number on my profile, the old one no longer works.",
  "Could you confirm whether my payment went through? I see a pending charge.",
  "I was charged twice for the same order",
  "Why was my card declined?",
  "Where can I download my tax documents?",
  "Is my data shared with third parties?",
  "How do I export all my data?",
  "The app crashes every time I open the settings page on Android 14 after the last update, and clearing the cache did nothing",
  "Our SSO integration with Okta returns a SAML assertion error for half of our users",
  "The API returns 502 when I upload files larger than 10MB through the batch endpoint",
];

const ANGRY = [
  "This is ridiculous, I've been waiting for three weeks!",
  "THIS IS RIDICULOUS!!! I already told you my order never arrived",
  "I already tried that. Still not working.",
  "still not working",
  "It's still broken after the update",
  "This is the third time I'm writing about this",
  "How many times do I have to explain this?",
  "I'm fed up with your service",
  "I'm sick of waiting, this is unacceptable",
  "Worst customer service ever. Waste of my time.",
  "Are you kidding me? Seriously?",
  "You people never answer emails",
  "It keeps crashing, over and over again",
  "I give up. Never again.",
  "I have had enough of this, I want my money back",
  "Nobody helps here. Been waiting for days now.",
  "Your product is useless and your support is incompetent",
  "I want to complain about the rude driver",
  "I want to file a formal complaint",
  "I'm going to report you to the consumer protection agency",
  "My lawyer will be in touch about this GDPR breach",
  "I demand you delete all my personal data under GDPR article 17",
  "This is fraud, I'm disputing the charge with my bank",
  "I want a refund NOW",
  "WHERE IS MY ORDER",
  "WHY IS NOBODY ANSWERING ME",
  "why???",
  "Hello?!?!",
  "Is anyone there??",
  "what the hell is going on",
  "wtf is this",
  "this is shit",
  "f**k this company",
  "fucking useless app",
  "damn it, again the same error",
  "Screw you guys",
  "bullshit. total bullshit",
  "This is a joke. A complete joke.",
  "Absolutely unacceptable!!!",
  "I've asked 5 times already",
  "Once again the package is late",
  "For weeks now I'm getting no response at all",
  "Not fixed yet, and I did everything already",
  "I tried everything and it's still the same",
  "I'm losing my patience with you",
  "That's the last straw",
  "Enough is enough",
  "Done with you people",
  "I have already restarted the router three times",
  "I've already reset it twice",
  "Been waiting forever for a reply",
  "No reply yet",
  "the app keeps failing to sync",
  "How is this so hard?!",
  "This is sooo bad",
  "not good at all",
  "I don't like this at all",
  "I'm really disappointed",
  "I'm very angry",
  "terrible terrible terrible",
];

const HUMAN = [
  "I want to talk to a human",
  "Let me speak to a real person please",
  "Can I speak with your manager?",
  "Connect me to an agent",
  "Transfer me to a live agent",
  "Get me a human",
  "human please",
  "agent",
  "Agent!!!",
  "representative",
  "Are you a bot?",
  "am i talking to a robot",
  "stop the bot",
  "no more automated answers",
  "I need a real person to talk to",
  "give me your supervisor",
  "put me through to someone",
  "Is this a real human?",
  "I'd like to talk to someone on your team",
  "escalate me to a supervisor",
];

const OTHER_LANGUAGES = [
  "Quiero hablar con una persona, por favor",
  "¿Dónde está mi pedido? Lo hice hace una semana.",
  "Esto es ridículo, todavía no funciona",
  "Ya lo intenté y sigue sin funcionar",
  "No puedo entrar en mi cuenta, olvidé la contraseña",
  "Je voudrais parler à un conseiller",
  "Où est ma commande ? Je l'ai passée la semaine dernière.",
  "C'est inacceptable, toujours pas de réponse",
  "J'ai déjà essayé, ça ne marche toujours pas",
  "J’en ai marre de votre service",
  "Bonjour, j'ai oublié mon mot de passe",
  "Ich möchte mit einem Menschen sprechen",
  "Wo ist meine Bestellung? Ich warte schon seit Tagen.",
  "Das ist lächerlich, es funktioniert immer noch nicht",
  "Ich habe mein Passwort vergessen, bitte helfen Sie mir",
  "Scheiße, schon wieder kaputt",
  "Quero falar com um atendente humano",
  "Onde está o meu pedido? Ainda não chegou.",
  "Já tentei de novo e ainda não funciona",
  "Vorrei parlare con un operatore",
  "Dov'è il mio ordine? Non è ancora arrivato.",
  "È inaccettabile, ancora non funziona",
  "Ik wil met een medewerker spreken",
  "Waar is mijn bestelling? Ik wacht al een week.",
  "Het werkt nog steeds niet, belachelijk",
  "Где мой заказ? Я жду уже неделю.",
  "Я хочу поговорить с оператором",
  "أين طلبي؟ لقد انتظرت أسبوعا",
  "我的订单在哪里？已经一个星期了",
  "我想和人工客服说话",
  "注文した商品がまだ届きません",
  "パスワードを忘れました",
  "주문한 상품이 아직 도착하지 않았어요",
  "मेरा ऑर्डर कहाँ है? एक हफ्ता हो गया",
  "คำสั่งซื้อของฉันอยู่ที่ไหน",
  "Πού είναι η παραγγελία μου;",
  "איפה ההזמנה שלי?",
  "merci",
  "gracias",
  "danke schön",
  "obrigado!",
  "Hola",
  "Bonjour",
  "Xin chào, tôi muốn hủy đơn hàng",
  "Merhaba, siparişim nerede?",
  "Dzień dobry, gdzie jest moje zamówienie?",
];

const MIXED_AND_ODD = [
  "",
  "   ",
  "\n\n\t",
  "?",
  "?!",
  "!!!",
  "...",
  "🙂",
  "😡😡😡",
  "👍",
  "🙏🙏",
  "❤️",
  ":)",
  ":(",
  ":-(( not happy",
  "<3 you guys",
  "xD",
  "T_T",
  "-_-",
  "My order 😡 still not here!!!",
  "thanks 🙏 that worked 👍",
  "love it ❤️❤️",
  "great... just great 🙄",
  "order 123 где мой заказ",
  "hello 你好 I need help with my order",
  "Mon compte est bloqué, can you help?",
  "I need help con mi cuenta",
  "Bestellung 4455 not arrived yet",
  "\u0000\u0001\u0002binary\u0003junk\uFFFD\uFFFD",
  "\uD83D broken surrogate",
  "a\u0000b\u0000c",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "I can&#39;t log in &amp; the reset link fails",
  "Fish &amp; chips &#x1F600;",
  "I can’t log in and I’ve already reset my password",
  "don't won't can't isn't",
  "#fail @support your app is down again",
  "@TandemHelp my invoice is wrong #billing",
  "check https://example.com/orders/123 it says error",
  "email me at jane.doe@example.com please",
  "asdfghjkl qwerty",
  "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "!!!???!!!???",
  "?!?! what is happening ?!?!",
  "it's O.K. I guess",
  "L.A. store opening hours",
  "USA ID number required?",
  "I LOVE THIS PRODUCT",
  "NOT HAPPY",
  "PLEASE HELP ME NOW",
  "My ORDER is LATE and NOBODY CARES",
  "So goooood, thank youuuu",
  "noooooo why",
  "Great product but the delivery was awful",
  "The delivery was awful but the product is great",
  "I would like to know my balance",
  "I like it",
  "like a charm",
  "It's not bad",
  "not too happy with this",
  "déjà vu, already sent this",
  "réembolso de mi pedido",
  "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ　ｏｒｄｅｒ",
  "ﬁle upload fails",
  "Ⅻ items missing",
  "İstanbul delivery",
  "straße address change",
  "ŁÓDŹ shipping cost",
  "e\u0301te\u0301 order",
  "order—shipped—where",
  "1st 2nd 3rd time asking",
  "12 times!!",
  "second time today",
  "umpteenth time",
  "i'm done with this",
  "sick of it",
  "human",
  "HUMAN",
  "live agent",
  "real person",
  "operator?",
];

function longText(seed: string, chars: number): string {
  let s = "";
  while (s.length < chars) s += `${seed} `;
  return s.slice(0, chars);
}

const LONG = [
  longText("My order has not arrived and I need it for the weekend.", 1200),
  longText("This is ridiculous!!! I already told you three times.", 4500),
  longText("Please reset my password.", 10_000),
  `${longText("Some background about my situation.", 3000)} I want to talk to a human.`,
  `${longText("Background.", 5000)} I want to talk to a human.`,
  longText("word", 100_000),
  longText("😡", 3000),
  longText("Где мой заказ?", 6000),
  `I want to speak to a manager. ${longText("bla", 2500)}`,
  longText("a b c d e f g h i j", 2100),
];

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  const add = (prefix: string, texts: readonly string[]) =>
    texts.forEach((text, i) => cases.push({ id: `${prefix}-${i}`, input: { text } }));
  add("routine", ROUTINE);
  add("angry", ANGRY);
  add("human", HUMAN);
  add("lang", OTHER_LANGUAGES);
  add("odd", MIXED_AND_ODD);
  add("long", LONG);

  // Emphasis variants of routine messages: shouting, punctuation runs, emoji, profanity.
  ROUTINE.slice(0, 30).forEach((text, i) => {
    cases.push({ id: `caps-${i}`, input: { text: text.toUpperCase() } });
    cases.push({ id: `bang-${i}`, input: { text: `${text}!!!` } });
    if (i % 2 === 0) cases.push({ id: `emoji-${i}`, input: { text: `${text} 😡` } });
    if (i % 3 === 0) cases.push({ id: `swear-${i}`, input: { text: `${text} wtf` } });
  });

  // Conversations: repeats, rising frustration, stored frustration, AI turns, agents, languages and customers.
  const convo: GoldenCase[] = [
    {
      id: "hist-repeat",
      input: {
        text: "my order never arrived, where is my order",
        history: [
          { role: "customer", text: "my order never arrived where is it" },
          { role: "ai", text: "It is on its way." },
        ],
      },
    },
    {
      id: "hist-rising",
      input: {
        text: "This is unacceptable!!!",
        history: [
          { role: "customer", text: "Hi, my package is late" },
          { role: "ai", text: "Sorry to hear that, let me check." },
          { role: "customer", text: "It's still not here, I already waited a week" },
          { role: "ai", text: "It should arrive soon." },
          { role: "customer", text: "That's what you said yesterday. Still nothing!!" },
          { role: "ai", text: "I understand." },
        ],
      },
    },
    {
      id: "hist-stored-frustration",
      input: {
        text: "ok",
        history: [
          { role: "customer", text: "whatever", frustration: 0.1 },
          { role: "ai", text: "Can I help?" },
          { role: "customer", text: "whatever", frustration: 0.4 },
          { role: "ai", text: "Can I help?" },
          { role: "customer", text: "whatever", frustration: 0.7 },
        ],
      },
    },
    {
      id: "hist-bad-stored-frustration",
      input: {
        text: "still waiting",
        history: [
          { role: "customer", text: "hello", frustration: Number.NaN },
          { role: "customer", text: "hello?", frustration: 5 },
          { role: "customer", text: "anyone?", frustration: -1 },
        ],
      },
    },
    {
      id: "hist-unresolved",
      input: {
        text: "that didn't help",
        history: [
          { role: "customer", text: "my printer won't connect" },
          { role: "ai", text: "Try restarting it." },
          { role: "customer", text: "did that" },
          { role: "ai", text: "Try resetting the network settings." },
          { role: "customer", text: "did that too" },
          { role: "ai", text: "Try updating the driver." },
        ],
      },
    },
    {
      id: "hist-agent-reset",
      input: {
        text: "thanks, one more question about my invoice",
        history: [
          { role: "ai", text: "a" },
          { role: "ai", text: "b" },
          { role: "agent", text: "I'm here to help." },
          { role: "ai", text: "c" },
        ],
      },
    },
    {
      id: "hist-long-turns",
      input: {
        text: "I asked about this already, my order never arrived and nobody tells me where it is",
        history: Array.from({ length: 12 }, (_, i) => ({
          role: i % 2 === 0 ? ("customer" as const) : ("ai" as const),
          text:
            i % 2 === 0
              ? `${longText("my order never arrived and nobody tells me where it is", 1500)} ${i}`
              : "Let me check.",
        })),
      },
    },
    {
      id: "hist-junk-turns",
      input: {
        text: "hello?",
        history: [
          { role: "customer", text: "" },
          { role: "customer", text: "\u0000\u0000" },
          { role: "customer", text: "😡😡" },
          { role: "customer", text: "WHERE IS IT!!!" },
        ],
      },
    },
    {
      id: "hist-trend-unstored",
      input: {
        text: "I'm fed up, this is the third time",
        history: [
          { role: "customer", text: "hello, a question about my order" },
          { role: "ai", text: "Sure." },
          { role: "customer", text: "it's still not here" },
          { role: "ai", text: "Let me check." },
          { role: "customer", text: "this is ridiculous!!" },
        ],
      },
    },
    {
      id: "hist-predicted",
      input: {
        text: "still waiting for an answer",
        history: [
          { role: "customer", text: "hi", frustration: 0 },
          { role: "customer", text: "hello?", frustration: 0.15 },
          { role: "customer", text: "anyone?", frustration: 0.3 },
        ],
      },
    },
    {
      id: "hist-predicted-unstored",
      input: {
        text: "Still nothing?? Been waiting for days now",
        history: [
          { role: "customer", text: "Where is my parcel" },
          { role: "customer", text: "Any news on my parcel?" },
          { role: "customer", text: "Hello?? still waiting" },
        ],
      },
    },
    {
      id: "hist-non-customer-only",
      input: {
        text: "where is my parcel",
        history: [
          { role: "ai", text: "THIS IS RIDICULOUS!!!" },
          { role: "agent", text: "fed up" },
        ],
      },
    },
    { id: "fallback-short-fr", input: { text: "merci", fallbackLanguage: "fr" } },
    { id: "fallback-short-de", input: { text: "ok danke", fallbackLanguage: "de-AT" } },
    { id: "fallback-bad-tag", input: { text: "ok", fallbackLanguage: "not a tag" } },
    { id: "fallback-override", input: { text: "the order is late", fallbackLanguage: "es" } },
    {
      id: "fallback-low-confidence",
      input: { text: "pedido order delivery entrega", fallbackLanguage: "pt" },
    },
    {
      id: "vip-ltv",
      input: { text: "where is my order", customer: { attributes: { lifetimeValue: 50_000 } } },
    },
    {
      id: "vip-ltv-string",
      input: { text: "where is my order", customer: { attributes: { lifetimeValue: "99999" } } },
    },
    { id: "vip-flag", input: { text: "I want to complain", customer: { attributes: { vip: true } } } },
    { id: "vip-plan", input: { text: "refund please", customer: { attributes: { plan: "Enterprise" } } } },
    { id: "not-vip", input: { text: "where is my order", customer: { attributes: { lifetimeValue: 10 } } } },
    { id: "expecting-reply", input: { text: "yes", expectingReply: true } },
    { id: "expecting-reply-oos", input: { text: "tell me a joke", expectingReply: true } },
    { id: "answerer", input: { text: "what's the weather in Rome", answererAvailable: true } },
    { id: "ai-turns-given", input: { text: "still no luck", aiTurnsUnresolved: 3 } },
    { id: "ai-turns-nan", input: { text: "still no luck", aiTurnsUnresolved: Number.NaN } },
  ];
  cases.push(...convo);

  // Each angry message after a calm history, and each routine message after an angry one (carry-over).
  ANGRY.slice(0, 25).forEach((text, i) =>
    cases.push({
      id: `after-calm-${i}`,
      input: {
        text,
        history: [
          { role: "customer", text: ROUTINE[i % ROUTINE.length] as string },
          { role: "ai", text: "Happy to help with that." },
        ],
      },
    }),
  );
  ROUTINE.slice(0, 25).forEach((text, i) =>
    cases.push({
      id: `after-angry-${i}`,
      input: {
        text,
        history: [
          { role: "customer", text: ANGRY[i % ANGRY.length] as string },
          { role: "ai", text: "I'm sorry about that." },
          { role: "customer", text: ANGRY[(i + 7) % ANGRY.length] as string },
        ],
      },
    }),
  );
  return cases;
}
