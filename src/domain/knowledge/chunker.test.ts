// Chunking keeps what citations and extractive answers need: headings of both Markdown styles, tables a row can be
// read from, a location for every chunk, and each passage once per document.

import { describe, expect, it } from "vitest";
import { chunkDocument, outlineMarkdown, sectionsFromMarkdown, tableRowText } from "./chunker.ts";

describe("Markdown headings", () => {
  it("treats setext headings (=== and ---) like ATX headings", () => {
    const md = [
      "Shop FAQ",
      "========",
      "",
      "Answers to common questions.",
      "",
      "Payments",
      "--------",
      "We accept cards and bank transfers.",
      "",
      "## Invoices",
      "Invoices are emailed after payment.",
    ].join("\n");
    const { sections, h1Count } = outlineMarkdown(md);
    expect(h1Count).toBe(1);
    expect(sections.map((s) => [s.headings, s.text])).toEqual([
      [["Shop FAQ"], "Answers to common questions."],
      [["Shop FAQ", "Payments"], "We accept cards and bank transfers."],
      [["Shop FAQ", "Invoices"], "Invoices are emailed after payment."],
    ]);
    // The underlines never leak into the text.
    expect(JSON.stringify(sections)).not.toMatch(/===|---/);
  });

  it("takes a multi-line paragraph over an underline as one heading, and a rule after a blank line as no heading", () => {
    const sections = sectionsFromMarkdown(
      "Delivery and\ncollection\n---\nWe deliver daily.\n\n---\n\nMore text.",
    );
    expect(sections).toEqual([
      { headings: ["Delivery and collection"], text: "We deliver daily.\n\n\n\nMore text.", line: 4 },
    ]);
  });

  it("does not take a list item over --- for a heading, nor headings inside code fences", () => {
    const sections = sectionsFromMarkdown("- first item\n---\n```\n# not a heading\n```\nAfter.");
    expect(sections.every((s) => s.headings.length === 0)).toBe(true);
    expect(sections[0]!.text).toContain("first item");
    expect(sections[0]!.text).toContain("# not a heading");
  });

  it("keeps a closing-hash-free title such as C# whole", () => {
    expect(sectionsFromMarkdown("## Paying in C#\nText.")[0]!.headings).toEqual(["Paying in C#"]);
  });
});

describe("Markdown tables", () => {
  const md = [
    "## Sizes",
    "",
    "| Size | Chest (cm) | Note |",
    "|:-----|-----------:|------|",
    "| S    | 86–91      |      |",
    "| M    | 96–101     | **best seller** |",
    "| L \\| XL | 106–111 | runs large |",
    "",
    "Measure around the fullest part.",
  ].join("\n");

  it("turns each row into a line labelled by its headers", () => {
    const [section] = sectionsFromMarkdown(md);
    const lines = section!.text.split("\n").filter(Boolean);
    expect(lines).toEqual([
      "Size: S; Chest (cm): 86–91",
      "Size: M; Chest (cm): 96–101; Note: best seller",
      "Size: L | XL; Chest (cm): 106–111; Note: runs large",
      "Measure around the fullest part.",
    ]);
  });

  it("keeps rows on their own lines in chunks, so a row can be quoted alone", () => {
    const chunks = chunkDocument({ id: "d", title: "Size guide", sections: sectionsFromMarkdown(md) });
    expect(chunks[0]!.text.split("\n")).toContain("Size: M; Chest (cm): 96–101; Note: best seller");
  });

  it("labels values only where a header exists", () => {
    expect(tableRowText(["Plan", ""], ["Basic", "5 €"])).toBe("Plan: Basic; 5 €");
    expect(tableRowText(["Plan", "Price"], ["Basic", ""])).toBe("Plan: Basic");
  });

  it("leaves a pipe in a sentence that is not a table alone", () => {
    expect(sectionsFromMarkdown("Choose yes | no at checkout.")[0]!.text).toBe(
      "Choose yes | no at checkout.",
    );
  });
});

describe("chunk locations", () => {
  it("locates a chunk by its section's location, else its heading path, else its source lines", () => {
    const chunks = chunkDocument(
      {
        id: "d",
        title: "T",
        sections: [
          { headings: [], text: "Intro line.\n\nSecond intro line.", line: 3 },
          { headings: ["Returns", "Refunds"], text: "Refunds take five days.", line: 9 },
          { headings: [], text: "Row text.", location: "row 4" },
        ],
      },
      { maxWords: 140, overlapSentences: 1 },
    );
    expect(chunks.map((c) => c.location)).toEqual(["lines 3–5", "Returns › Refunds", "row 4"]);
  });

  it("gives each chunk of a long unheaded text its own line range", () => {
    const text = Array.from({ length: 6 }, (_, i) => `Line ${i + 1} has a sentence of seven words.`).join(
      "\n",
    );
    const chunks = chunkDocument(
      { id: "d", title: "T", sections: [{ headings: [], text, line: 10 }] },
      { maxWords: 18, overlapSentences: 1 },
    );
    expect(chunks.map((c) => c.location)).toEqual([
      "lines 10–11",
      "lines 11–12",
      "lines 12–13",
      "lines 13–14",
      "lines 14–15",
    ]);
  });
});

describe("duplicate passages", () => {
  it("indexes a paragraph repeated under another heading once, keeping the first", () => {
    const chunks = chunkDocument({
      id: "d",
      title: "Help",
      sections: [
        { headings: ["Returns"], text: "Contact support@example.com for anything else." },
        { headings: ["Shipping"], text: "Parcels leave the warehouse daily." },
        { headings: ["Payments"], text: "Contact  SUPPORT@example.com for anything else." },
      ],
    });
    expect(chunks.map((c) => c.heading)).toEqual(["Returns", "Shipping"]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1]);
  });

  it("keeps documents with the same text but different titles apart", () => {
    const a = chunkDocument({ id: "1", title: "Mug", sections: [{ headings: [], text: "Price: 12." }] });
    const b = chunkDocument({ id: "2", title: "Cap", sections: [{ headings: [], text: "Price: 12." }] });
    expect(a[0]!.hash).not.toBe(b[0]!.hash);
  });
});
