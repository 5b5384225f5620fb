// What every source turns into, whatever its format: document ids unique to the source and stable across re-adding,
// every row's fields, no binary garbage, and a location on every chunk for citations.

import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkDocument } from "../../../domain/knowledge/chunker.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../db/database.ts";
import { KnowledgeBase } from "../knowledge-base.ts";
import { SqlKnowledgeStore } from "../sql-knowledge-store.ts";
import { crawlSite } from "./crawler.ts";
import { loadSource } from "./load.ts";
import { parseBytes } from "./parse-bytes.ts";
import { querySqlRows } from "./sql.ts";
import { makePdf } from "./test-pdf.ts";
import type { ParsedSource } from "./types.ts";

const dir = mkdtempSync(join(tmpdir(), "kb-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, content);
  return p;
};
const chunksOf = (src: ParsedSource) => src.documents.flatMap((d) => chunkDocument(d));

describe("document ids", () => {
  let handle: DatabaseHandle;
  let kb: KnowledgeBase;
  beforeAll(async () => {
    handle = openDatabase(`sqlite:${join(dir, "kb.db")}`);
    await migrateToLatest(handle);
    kb = new KnowledgeBase({ store: SqlKnowledgeStore.over(handle.db) });
  });
  afterAll(async () => handle?.close());

  it("gives same-named files in different folders different document ids, the same on every re-add", async () => {
    const shipping = file("a/faq.md", "# FAQ\n\nParcels leave the warehouse within one business day.\n");
    const returns = file("b/faq.md", "# FAQ\n\nUnworn items can be sent back within thirty days.\n");
    const [a, b] = [await loadSource(shipping), await loadSource(returns)];
    expect(a.documents[0]!.id).toBe(shipping);
    expect(b.documents[0]!.id).toBe(returns);
    expect((await loadSource(shipping)).documents[0]!.id).toBe(a.documents[0]!.id);
    for (const name of ["a/guide.txt", "b/guide.txt"]) file(name, "Guides are free to download.\n");
    const texts = await Promise.all(["a/guide.txt", "b/guide.txt"].map((n) => loadSource(join(dir, n))));
    expect(texts[0]!.documents[0]!.id).not.toBe(texts[1]!.documents[0]!.id);
  });

  it("keeps both same-named files retrievable, each cited by its own id, and replaces each on re-add", async () => {
    const shipping = file("kb/a/faq.md", "# FAQ\n\nParcels leave the warehouse within one business day.\n");
    const returns = file("kb/b/faq.md", "# FAQ\n\nUnworn items can be sent back within thirty days.\n");
    await kb.ingest(await loadSource(shipping));
    await kb.ingest(await loadSource(returns));
    const ids = (q: string) => kb.search(q).passages.map((p) => p.chunk.documentId);
    expect(ids("when do parcels leave the warehouse")[0]).toBe(shipping);
    expect(ids("can unworn items be sent back")[0]).toBe(returns);
    writeFileSync(shipping, "# FAQ\n\nParcels leave the warehouse within two business days.\n");
    await kb.ingest(await loadSource(shipping));
    const hits = kb.search("when do parcels leave the warehouse").passages;
    expect(hits.filter((p) => p.chunk.documentId === shipping).map((p) => p.chunk.text)).toEqual([
      "Parcels leave the warehouse within two business days.",
    ]);
    expect(kb.index.size).toBe(2);
  });

  it("names rows without an id column by their source and row, and keeps id columns as the document id", async () => {
    const a = file("a/rows.csv", "title,answer\nGift cards,Gift cards never expire.\n");
    const b = file("b/rows.csv", "title,answer\nVouchers,Vouchers expire after a year.\n");
    expect((await loadSource(a)).documents[0]!).toMatchObject({ id: `${a}#row-1`, title: "Gift cards" });
    expect((await loadSource(b)).documents[0]!.id).toBe(`${b}#row-1`);
    const withIds = file("c/rows.csv", "id,answer\nFAQ-9,Gift cards never expire.\n");
    expect((await loadSource(withIds)).documents[0]!).toMatchObject({ id: "FAQ-9", title: "rows.csv FAQ-9" });
    const untitled = file("d/rows.json", JSON.stringify([{ answer: "Gift cards never expire." }]));
    expect((await loadSource(untitled)).documents[0]!.title).toBe("rows.json row 1");
  });

  it("ids a PDF by its location", async () => {
    const bytes = await makePdf("Manual", [["Setup", "Plug the base station in first."]]);
    const p = file("a/manual.pdf", bytes);
    expect((await loadSource(p)).documents[0]!.id).toBe(p);
  });
});

describe("JSON rows with different fields", () => {
  const rows = [
    { id: "p1", name: "Mug", price: 12 },
    { id: "p2", name: "Kettle", price: 40, warranty: "Two years on the heating element." },
    { id: "p3", name: "Teapot", material: "Cast iron", price: 55 },
  ];

  it("indexes fields that only later rows have", async () => {
    const src = await loadSource(file("catalogue.json", JSON.stringify(rows)));
    expect(src.documents.map((d) => [d.id, d.title, d.sections[0]!.text])).toEqual([
      ["p1", "Mug", "Price: 12."],
      ["p2", "Kettle", "Price: 40.\nWarranty: Two years on the heating element."],
      ["p3", "Teapot", "Price: 55.\nMaterial: Cast iron."],
    ]);
  });

  it("accepts a chosen column that only later rows have, and lists every column when one is unknown", async () => {
    const p = file("catalogue2.json", JSON.stringify(rows));
    const src = await loadSource(p, { columns: ["warranty"] });
    expect(src.documents.map((d) => d.id)).toEqual(["p2"]);
    await expect(loadSource(p, { columns: ["colour"] })).rejects.toMatchObject({
      code: "KB_BAD_OPTIONS",
      message: expect.stringContaining("id, name, price, warranty, material"),
    });
  });

  it("finds the id column even when the first row lacks it", async () => {
    const src = await loadSource(
      file(
        "late-id.jsonl",
        [{ answer: "First answer text." }, { id: "k2", answer: "Second." }]
          .map((r) => JSON.stringify(r))
          .join("\n"),
      ),
    );
    expect(src.documents.map((d) => d.id)).toEqual([`${join(dir, "late-id.jsonl")}#row-1`, "k2"]);
  });
});

describe("binary content under a text name", () => {
  const png = new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
    0x49,
    0x48,
    0x44,
    0x52,
    ...randomBytes(400),
  ]);

  it("refuses random bytes and a renamed PNG with KB_BINARY_CONTENT", async () => {
    await expect(loadSource(file("random.txt", randomBytes(4096)))).rejects.toMatchObject({
      code: "KB_BINARY_CONTENT",
    });
    await expect(loadSource(file("logo.txt", png))).rejects.toMatchObject({
      code: "KB_BINARY_CONTENT",
      message: expect.stringContaining("PNG image"),
    });
    for (const name of ["logo.md", "logo.csv", "logo.html", "logo.json"])
      await expect(loadSource(file(name, png))).rejects.toMatchObject({ code: "KB_BINARY_CONTENT" });
  });

  it("refuses bytes without NUL that are mostly control characters", async () => {
    const controls = new Uint8Array(
      Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 0x01 + (i % 8) : 0x61)),
    );
    await expect(loadSource(file("controls.txt", controls))).rejects.toMatchObject({
      code: "KB_BINARY_CONTENT",
    });
  });

  it("still reads text with a stray control character, without the character", async () => {
    const src = await loadSource(
      file("stray.txt", "Opening hours are nine\u0007 to five.\nClosed on Sundays.\n"),
    );
    expect(src.documents[0]!.sections[0]!.text).toBe("Opening hours are nine to five.\nClosed on Sundays.");
  });

  it("still reads UTF-16 text, whose bytes are half NUL", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from("Returns are free.", "utf16le")]);
    expect((await loadSource(file("utf16.txt", utf16))).documents[0]!.sections[0]!.text).toBe(
      "Returns are free.",
    );
  });
});

describe("every chunk has a location", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/help")
        res.writeHead(200, { "content-type": "text/html" }).end(
          `<html><head><title>Help</title></head><body><p>Welcome to the help centre.</p>
           <h2 id="returns">Returns</h2><p>Items can be returned within thirty days.</p></body></html>`,
        );
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const locations = (src: ParsedSource) => chunksOf(src).map((c) => c.location);

  it("Markdown: the heading path, or the lines of text outside any heading", async () => {
    const md =
      "---\ntitle: Help\n---\nIntro before any heading.\n\n## Returns\nThirty days.\n\nReturns\n=======\n\nAgain.\n";
    expect(locations(await loadSource(file("loc.md", md)))).toEqual(["line 4", "Returns", "Returns"]);
  });

  it("plain text: its lines", async () => {
    expect(locations(await loadSource(file("loc.txt", "\n\nFirst line.\n\nThird line.\n")))).toEqual([
      "lines 3–5",
    ]);
  });

  it("PDF: the page", async () => {
    const bytes = await makePdf("Guide", [
      ["Intro", "Page one text."],
      ["More", "Page two text."],
    ]);
    expect(locations(await loadSource(file("loc.pdf", bytes)))).toEqual(["page 1", "page 2"]);
  });

  it("CSV, JSON and SQL: the row", async () => {
    expect(locations(await loadSource(file("loc.csv", "id,answer\na,One.\nb,Two.\n")))).toEqual([
      "row 1",
      "row 2",
    ]);
    expect(
      locations(await loadSource(file("loc.json", JSON.stringify([{ answer: "One." }, { answer: "Two." }])))),
    ).toEqual(["row 1", "row 2"]);
    const dbPath = join(dir, "loc.db");
    const db = new SqliteDatabase(dbPath);
    db.exec("CREATE TABLE faq (id TEXT, answer TEXT); INSERT INTO faq VALUES ('x', 'One.'), ('y', 'Two.')");
    db.close();
    expect(locations(await querySqlRows(`sqlite:${dbPath}`, "SELECT id, answer FROM faq"))).toEqual([
      "row 1",
      "row 2",
    ]);
  });

  it("web pages and HTML files: the page URL, with the heading's anchor when it has one", async () => {
    expect(locations(await loadSource(`${base}/help`, { crawl: false }))).toEqual([
      `${base}/help`,
      `${base}/help#returns`,
    ]);
    expect(locations(await crawlSite(`${base}/help`))).toEqual([`${base}/help`, `${base}/help#returns`]);
    const html = file(
      "loc.html",
      "<html><head><title>T</title></head><body><p>Local page text.</p></body></html>",
    );
    expect(locations(await loadSource(html))).toEqual([`file://${html}`]);
    const upload = await parseBytes(
      new TextEncoder().encode("Uploaded notes."),
      "notes.txt",
      "upload:notes.txt",
    );
    expect(locations(upload)).toEqual(["line 1"]);
  });
});
