// HTML pages give their content and nothing else: no site chrome even on short pages, tables as readable rows,
// and every section located at the page (or the anchor of its heading) for citations.

import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../domain/knowledge/chunker.ts";
import { parseHTML } from "linkedom";
import { htmlToDocument, removeBoilerplate } from "./html.ts";

const text = (doc: { sections: { text: string }[] }) => doc.sections.map((s) => s.text).join("\n");

describe("boilerplate on short pages", () => {
  const chrome = `
    <header><a href="/">Northwind</a> Sign in Basket</header>
    <nav><a href="/help">Help</a> <a href="/shop">Shop</a></nav>
    <div role="navigation">You are here: Home / Help / Hours</div>
    <div role="banner">Free delivery this week only</div>
    <form action="/search"><label>Search the help centre</label><input name="q"></form>
    <aside>Related articles: Gift cards</aside>
    <div role="dialog">We use cookies to improve your experience</div>
    <script>trackPageView("hours")</script><style>.x{color:red}</style>
    <div hidden>Hidden promotion text</div>
    <footer>Copyright 2026 Northwind Ltd. Privacy policy</footer>`;
  const boilerplate =
    /Northwind|Sign in|You are here|Free delivery|Search the help|Related articles|cookies|trackPageView|color:red|Hidden promotion|Copyright/;

  it("drops nav, header, footer, aside, forms, scripts and ARIA chrome from a page too short for Readability", () => {
    for (const body of [
      `${chrome}<h1>Opening hours</h1><p>We are open from nine to five.</p>`,
      `${chrome}<main><h1>Opening hours</h1><p>We are open from nine to five.</p></main>`,
      `<div>${chrome}<div><h1>Opening hours</h1><p>We are open from nine to five.</p></div></div>`,
    ]) {
      const doc = htmlToDocument(
        `<!doctype html><html><head><title>Opening hours</title></head><body>${body}</body></html>`,
        "https://help.example/hours",
      );
      expect(text(doc)).toBe("We are open from nine to five.");
      expect(JSON.stringify(doc)).not.toMatch(boilerplate);
    }
  });

  it("removes header, footer and aside at page level only, as their ARIA roles say", () => {
    const { document } = parseHTML(
      `<html><body><header>Site banner</header><aside>Site sidebar</aside><main><header>Main intro</header></main>
       <article><header>Updated in May.</header><p>Items can be returned within thirty days.</p>
       <aside>Note: sale items cannot be returned.</aside><footer>Written by the returns team.</footer></article>
       <footer>Site footer</footer></body></html>`,
    );
    removeBoilerplate(document as unknown as Parameters<typeof removeBoilerplate>[0]);
    const left = document.body.textContent ?? "";
    for (const kept of ["Main intro", "Updated in May.", "Note: sale items", "Written by the returns team."])
      expect(left).toContain(kept);
    expect(left).not.toMatch(/Site banner|Site sidebar|Site footer/);
  });

  it("keeps the content of a page wrapped in one form (as ASP.NET pages are)", () => {
    const doc = htmlToDocument(
      `<html><head><title>Hours</title></head><body><form id="aspnetForm"><nav>Menu</nav>
       <h1>Hours</h1><p>We are open from nine to five.</p></form></body></html>`,
      "https://help.example/hours",
    );
    expect(text(doc)).toBe("We are open from nine to five.");
  });
});

describe("HTML tables", () => {
  const page = (table: string) =>
    htmlToDocument(
      `<html><head><title>Size guide</title></head><body><h1>Size guide</h1>${table}</body></html>`,
      "https://shop.example/sizes",
    );

  it("reads each row with its column headers", () => {
    const doc = page(`<table><caption>Shirts</caption>
      <thead><tr><th>Size</th><th>Chest</th><th>Waist</th></tr></thead>
      <tbody><tr><td>S</td><td>90 cm</td><td>76 cm</td></tr><tr><td>M</td><td>100 cm</td><td></td></tr></tbody>
    </table>`);
    expect(text(doc).split("\n")).toEqual([
      "Shirts",
      "Size: S; Chest: 90 cm; Waist: 76 cm",
      "Size: M; Chest: 100 cm",
    ]);
  });

  it("reads headers given as th cells of the first row, and row headers of a key-value table", () => {
    expect(
      text(page("<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>5 €</td></tr></table>")),
    ).toBe("Plan: Basic; Price: 5 €");
    expect(
      text(
        page(
          "<table><tr><th>Weight</th><td>2 kg</td></tr><tr><th>Colour</th><td>Red</td><td>Blue</td></tr></table>",
        ),
      ),
    ).toBe("Weight: 2 kg\nColour: Red; Blue");
  });

  it("lines headers up with values across spanning cells", () => {
    const doc = page(`<table><tr><th colspan="2">Delivery</th><th>Price</th></tr>
      <tr><td>Standard</td><td>2-4 days</td><td>Free</td></tr></table>`);
    expect(text(doc)).toBe("Delivery: Standard; 2-4 days; Price: Free");
  });

  it("walks a layout table's cells as ordinary content", () => {
    const doc = page(`<table><tr><td><h2>Returns</h2><p>Thirty days to return.</p></td>
      <td><h2>Refunds</h2><p>Five days to refund.</p></td></tr></table>`);
    expect(doc.sections.map((s) => [s.headings, s.text])).toEqual([
      [["Returns"], "Thirty days to return."],
      [["Refunds"], "Five days to refund."],
    ]);
  });

  it("puts a readable row in a chunk", () => {
    const doc = page(
      "<table><tr><th>Size</th><th>Chest</th></tr><tr><td>S</td><td>90 cm</td></tr><tr><td>M</td><td>100 cm</td></tr></table>",
    );
    expect(chunkDocument(doc)[0]!.text).toBe("Size: S; Chest: 90 cm\nSize: M; Chest: 100 cm");
  });
});

describe("locations of web sections", () => {
  it("locates sections at the page URL, or at the anchor of their nearest heading with an id", () => {
    const doc = htmlToDocument(
      `<html><head><title>Help</title></head><body><main><h1>Help</h1><p>Start here for help.</p>
       <h2 id="returns">Returns</h2><p>Thirty days.</p><h3>Refund timing</h3><p>Five days.</p>
       <section id="shipping-times"><h2>Shipping</h2><p>Two days.</p></section></main></body></html>`,
      "https://help.example/faq#top",
    );
    expect(doc.sections.map((s) => [s.headings.join(" › "), s.location])).toEqual([
      ["", "https://help.example/faq"],
      ["Returns", "https://help.example/faq#returns"],
      ["Returns › Refund timing", "https://help.example/faq#returns"],
      ["Shipping", "https://help.example/faq#shipping-times"],
    ]);
  });
});
