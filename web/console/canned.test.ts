import { describe, expect, it } from "vitest";
import { fillForComposer } from "../shared/template.ts";
import type { AgentMessage } from "../shared/wire.ts";
import { CannedLibrary, consoleTemplateVars, matchCanned } from "./canned.ts";
import type { CannedResponse } from "./types.ts";

const r = (shortcut: string, title: string, text = `${title}.`): CannedResponse => ({ shortcut, title, text });
// The default library's neighbours of /hi, in the server's (alphabetical) order.
const library = [
  r("/cancel", "Cancel an order"),
  r("/checking", "Keep the customer informed while investigating"),
  r("/hi", "Introduce yourself after a handoff"),
  r("/history", "Summarise the history"),
  r("/refund", "Refund on its way"),
  r("/refundpolicy", "Explain the refund policy"),
  r("/return", "Start a return"),
  r("/shipping", "Shipping times for a refund replacement"),
];

describe("matchCanned", () => {
  it("puts the exact shortcut first, then shortcut prefixes, then other matches", () => {
    expect(matchCanned(library, "hi").map((c) => c.shortcut)).toEqual(["/hi", "/history", "/shipping"]);
    expect(matchCanned(library, "refund").map((c) => c.shortcut)).toEqual(["/refund", "/refundpolicy", "/shipping"]);
    expect(matchCanned(library, "re").map((c) => c.shortcut)).toEqual(["/refund", "/refundpolicy", "/return", "/shipping"]);
    expect(matchCanned(library, "HI")[0]?.shortcut).toBe("/hi");
  });

  it("finds titles by the start of a word, not inside one ('hi' is not in 'while')", () => {
    expect(matchCanned(library, "hi").map((c) => c.shortcut)).not.toContain("/checking");
    expect(matchCanned(library, "intro").map((c) => c.shortcut)).toEqual(["/hi"]);
    expect(matchCanned(library, "policy").map((c) => c.shortcut)).toEqual(["/refundpolicy"]);
  });

  it("offers the whole library, by shortcut, for a bare slash", () => {
    expect(matchCanned(library, "").map((c) => c.shortcut)).toEqual(library.map((c) => c.shortcut));
  });
});

describe("CannedLibrary", () => {
  it("fetches again only when asked with a copy older than the caller accepts, one fetch at a time", async () => {
    let now = 0;
    let version = 0;
    const lib = new CannedLibrary(async () => [r("/hi", `v${++version}`)], () => now);
    expect(lib.current()).toBeNull();
    expect((await lib.get(Number.POSITIVE_INFINITY))?.[0]?.title).toBe("v1");
    now = 4_000;
    expect((await lib.get(5_000))?.[0]?.title).toBe("v1");
    expect((await lib.get(Number.POSITIVE_INFINITY))?.[0]?.title).toBe("v1");
    now = 6_000;
    const [a, b] = await Promise.all([lib.get(5_000), lib.get(5_000)]);
    expect([a?.[0]?.title, b?.[0]?.title, version]).toEqual(["v2", "v2", 2]);
    expect(lib.current()?.[0]?.title).toBe("v2");
  });

  it("keeps its copy when a fetch fails, and tries again next time", async () => {
    let fail = false;
    let calls = 0;
    let now = 0;
    const lib = new CannedLibrary(async () => {
      calls++;
      if (fail) throw new Error("offline");
      return [r("/hi", `call ${calls}`)];
    }, () => now);
    await lib.get(0);
    fail = true;
    now = 10;
    expect((await lib.get(0))?.[0]?.title).toBe("call 1");
    fail = false;
    expect((await lib.get(0))?.[0]?.title).toBe("call 3");
  });
});

const msg = (seq: number, author: AgentMessage["author"], text: string, internal = false): AgentMessage => ({
  id: `m${seq}`, conversationId: "c1", seq, author, authorName: null, authorId: null, text, clientMessageId: null, meta: null, internal, triage: null,
  createdAt: "2026-01-01T00:00:00Z",
});

describe("consoleTemplateVars", () => {
  const hi = "Hi {{customer.firstName | there}}, I'm {{agent.firstName}} from the {{company.name | support}} team.";
  const delay = "I'm sorry order {{order.id}} hasn't reached you yet.";
  const me = { displayName: "Priya Shah" };

  it("fills the customer from the handoff packet, the order from the customer's words or single open order, and the agent", () => {
    const vars = consoleTemplateVars({
      conversationId: "c1",
      me,
      customer: { name: "Alex Rivera", email: "alex@example.com", openOrders: [{ id: "NW-2001" }, { id: "NW-2002" }] },
      messages: [msg(1, "customer", "Where is my order NW-1042?"), msg(2, "agent", "order NW-9999 is internal", true)],
    });
    expect(fillForComposer(hi, vars).text).toBe("Hi Alex, I'm Priya from the support team.");
    expect(fillForComposer(delay, vars).text).toBe("I'm sorry order NW-1042 hasn't reached you yet.");
    const oneOrder = consoleTemplateVars({ conversationId: "c1", me, customer: { name: "Alex", openOrders: [{ id: "LC-10234" }] }, messages: [] });
    expect(fillForComposer(delay, oneOrder).text).toBe("I'm sorry order LC-10234 hasn't reached you yet.");
  });

  it("leaves a blank to fill, never raw braces, for what the console does not know", () => {
    const vars = consoleTemplateVars({ conversationId: "c1", me, customer: undefined, messages: [msg(1, "customer", "hello")] });
    expect(fillForComposer(hi, vars).text).toBe("Hi there, I'm Priya from the support team.");
    expect(fillForComposer(delay, vars)).toEqual({ text: "I'm sorry order [order number] hasn't reached you yet.", blanks: ["[order number]"] });
  });
});
