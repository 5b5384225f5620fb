import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crawlSite, parseSitemap } from "./crawler.ts";
import { loadSource } from "./load.ts";
import { querySqlRows } from "./sql.ts";
import { makePdf } from "./test-pdf.ts";
import { requireService } from "../../../../test/support/databases.ts";

const dir = mkdtempSync(join(tmpdir(), "kb-ingest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body>
   <nav><a href="/">Home</a> Menu items that are not content</nav>
   <article><h1>${title}</h1>${body}${links.map((l) => `<p><a href="${l}">${l}</a></p>`).join("")}</article>
   <footer>Copyright footer text</footer></body></html>`;

describe("file formats", () => {
  it("reads a PDF page by page with its title", async () => {
    const bytes = await makePdf("Warranty terms", [
      ["Warranty", "Every product has a two year warranty."],
      ["Claims", "Send claims to the support team with your receipt."],
    ]);
    const src = await loadSource(file("warranty.pdf", bytes));
    expect(src.kind).toBe("pdf");
    const doc = src.documents[0]!;
    expect(doc.title).toBe("Warranty terms");
    expect(doc.sections.map((s) => s.location)).toEqual(["page 1", "page 2"]);
    expect(doc.sections[0]!.text).toContain("two year warranty");
  });

  it("rejects a corrupt PDF with a coded error", async () => {
    await expect(loadSource(file("broken.pdf", "%PDF-1.4 not really"))).rejects.toMatchObject({
      code: "KB_PARSE_FAILED",
    });
  });

  it("reads Markdown sections under their headings, title from the H1", async () => {
    const src = await loadSource(
      file("faq.md", "# Shop FAQ\n\n## Payments\nWe accept cards.\n\n### Invoices\nInvoices are emailed.\n"),
    );
    expect(src.documents[0]!.title).toBe("Shop FAQ");
    expect(src.documents[0]!.sections.map((s) => s.headings)).toEqual([
      ["Payments"],
      ["Payments", "Invoices"],
    ]);
  });

  it("reads plain text paragraphs, keeping their lines for citations", async () => {
    const src = await loadSource(file("notes.txt", "\nFirst paragraph.\n\nSecond paragraph.\n"));
    expect(src.documents[0]).toMatchObject({ title: "notes" });
    expect(src.documents[0]!.sections[0]).toMatchObject({
      text: "First paragraph.\n\nSecond paragraph.",
      line: 2,
    });
  });

  it("makes each CSV row a document with id, title and the chosen columns", async () => {
    const src = await loadSource(
      file(
        "cat.csv",
        "id,title,description,price,internal_note\nA1,Mug,Stoneware mug,12,do not show\nA2,Cap,Cotton cap,15,secret\n",
      ),
      { columns: ["description", "price"] },
    );
    expect(src.documents.map((d) => [d.id, d.title])).toEqual([
      ["A1", "Mug"],
      ["A2", "Cap"],
    ]);
    expect(src.documents[0]!.sections[0]!.text).toBe("Description: Stoneware mug.\nPrice: 12.");
    expect(JSON.stringify(src)).not.toContain("secret");
  });

  it("quotes a FAQ table's answer as it is, titled by its question, so a yes/no answer keeps its yes or no", async () => {
    const src = await loadSource(
      file(
        "faq.csv",
        'question,answer\nCan I pay with PayPal?,"Yes. We accept PayPal, Visa and bank transfer."\nDo you ship to Canada?,No. We ship only within Europe.\n',
      ),
    );
    expect(src.documents.map((d) => [d.title, d.sections[0]!.text])).toEqual([
      ["Can I pay with PayPal?", "Yes. We accept PayPal, Visa and bank transfer."],
      ["Do you ship to Canada?", "No. We ship only within Europe."],
    ]);
  });

  it("names an unknown column in the error", async () => {
    await expect(
      loadSource(file("cat2.csv", "id,title,a\n1,x,y\n"), { columns: ["nope"] }),
    ).rejects.toMatchObject({ code: "KB_BAD_OPTIONS" });
  });

  it("makes each JSON row a document, from an array or a wrapping object", async () => {
    const a = await loadSource(
      file(
        "rows.json",
        JSON.stringify([
          { id: 7, title: "Gift cards", answer: "Gift cards never expire and can be used online." },
        ]),
      ),
    );
    expect(a.documents[0]).toMatchObject({ id: "7", title: "Gift cards" });
    const wrapped = file("wrapped.json", JSON.stringify({ items: [{ title: "T", answer: "x y z" }] }));
    const b = await loadSource(wrapped);
    // Without an id column, a row is named by its source's location and its row number.
    expect(b.documents[0]!.id).toBe(`${wrapped}#row-1`);
  });

  it("refuses unknown file types and missing files", async () => {
    await expect(loadSource(file("x.docx", "zz"))).rejects.toMatchObject({ code: "KB_UNSUPPORTED_FORMAT" });
    await expect(loadSource(join(dir, "missing.md"))).rejects.toMatchObject({ code: "KB_NOT_FOUND" });
  });
});

describe("web pages and sites", () => {
  let server: Server;
  let base: string;
  const fetched: string[] = [];
  beforeAll(async () => {
    const pages: Record<string, [string, string]> = {
      "/": [
        "text/html",
        page("Help home", "<p>Welcome to the help centre of our shop, where you find answers.</p>", [
          "/shipping",
          "/private/admin",
          "/returns",
          "https://elsewhere.example/x",
        ]),
      ],
      "/shipping": [
        "text/html",
        page(
          "Shipping",
          "<h2>Delivery times</h2><p>Standard delivery takes two to four business days across the country.</p>",
          ["/deep/1"],
        ),
      ],
      "/returns": [
        "text/html",
        page("Returns", "<p>Items can be returned within thirty days of delivery for a full refund.</p>"),
      ],
      "/deep/1": [
        "text/html",
        page("Deep 1", "<p>Deep page one text about nothing in particular at all.</p>", ["/deep/2"]),
      ],
      "/deep/2": [
        "text/html",
        page("Deep 2", "<p>Deep page two text about nothing in particular at all.</p>"),
      ],
      "/private/admin": ["text/html", page("Admin", "<p>Secret admin page that robots must not read.</p>")],
      "/robots.txt": ["text/plain", "User-agent: *\nDisallow: /private/\n"],
      "/file.bin": ["application/octet-stream", "binary"],
    };
    server = createServer((req, res) => {
      fetched.push(req.url ?? "");
      if (req.url === "/sitemap.xml") {
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(
          `<?xml version="1.0"?><urlset><url><loc>${base}/returns</loc></url><url><loc>${base}/private/admin</loc></url><url><loc>${base}/file.bin</loc></url></urlset>`,
        );
        return;
      }
      const p = pages[req.url ?? ""];
      if (!p) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": p[0] });
      res.end(p[1]);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("takes a page's main content, not its navigation or footer", async () => {
    const src = await loadSource(`${base}/shipping`, { crawl: false });
    const doc = src.documents[0]!;
    expect(doc.title).toBe("Shipping");
    expect(doc.sections[0]).toMatchObject({ headings: ["Delivery times"] });
    expect(JSON.stringify(doc)).not.toMatch(/Menu items|Copyright footer/);
  });

  it("crawls a site within depth, same origin, respecting robots.txt", async () => {
    fetched.length = 0;
    const src = await crawlSite(`${base}/`, { maxDepth: 1, maxPages: 10 });
    expect(src.documents.map((d) => d.title).sort()).toEqual(["Help home", "Returns", "Shipping"]);
    expect(src.skipped).toContainEqual({ url: `${base}/private/admin`, reason: "robots.txt" });
    expect(fetched).not.toContain("/private/admin");
    expect(fetched).not.toContain("/deep/1"); // depth 2
  });

  it("stops at the page limit", async () => {
    const src = await crawlSite(`${base}/`, { maxDepth: 5, maxPages: 2 });
    expect(src.documents).toHaveLength(2);
  });

  it("crawls the pages a sitemap lists", async () => {
    const src = await loadSource(`${base}/sitemap.xml`);
    expect(src.documents.map((d) => d.title)).toEqual(["Returns"]);
    expect(src.skipped?.map((s) => s.reason)).toEqual([
      "robots.txt",
      "unsupported type (application/octet-stream)",
    ]);
  });

  it("parses sitemap indexes", () => {
    expect(
      parseSitemap("<sitemapindex><sitemap><loc>https://a/s1.xml</loc></sitemap></sitemapindex>"),
    ).toEqual({ pages: [], sitemaps: ["https://a/s1.xml"] });
  });
});

describe("SQL rows", () => {
  it("reads rows from a SQLite database read-only", async () => {
    const path = join(dir, "shop.db");
    const db = new SqliteDatabase(path);
    db.exec(
      "CREATE TABLE faq (id TEXT, title TEXT, answer TEXT); INSERT INTO faq VALUES ('f1','Opening hours','We are open from nine to five on weekdays.')",
    );
    db.close();
    const src = await querySqlRows(`sqlite:${path}`, "SELECT id, title, answer FROM faq");
    expect(src.name).toBe("faq");
    expect(src.documents[0]).toMatchObject({ id: "f1", title: "Opening hours" });
  });

  it("refuses statements that write, or a second statement", async () => {
    const path = join(dir, "shop.db");
    await expect(querySqlRows(`sqlite:${path}`, "DELETE FROM faq")).rejects.toMatchObject({
      code: "KB_SQL_NOT_READ_ONLY",
    });
    await expect(querySqlRows(`sqlite:${path}`, "SELECT 1; DELETE FROM faq")).rejects.toMatchObject({
      code: "KB_PARSE_FAILED",
    });
    await expect(
      querySqlRows(`sqlite:${path}`, "WITH x AS (SELECT 1) DELETE FROM faq"),
    ).rejects.toMatchObject({ code: "KB_SQL_NOT_READ_ONLY" });
  });

  const PG_URL = requireService("PostgreSQL", "TANDEM_TEST_PG_URL");
  it.skipIf(!PG_URL)("reads rows from PostgreSQL in a read-only transaction and cannot write", async () => {
    const name = `kb_sql_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE TABLE ${name} (id text, title text, answer text)`);
    await admin.query(
      `INSERT INTO ${name} VALUES ('p1', 'Loyalty points', 'You earn one point per euro spent.')`,
    );
    try {
      const src = await querySqlRows(PG_URL!, `SELECT id, title, answer FROM ${name}`);
      expect(src.documents[0]).toMatchObject({ id: "p1", title: "Loyalty points" });
      expect(src.location).not.toContain("password");
      await expect(querySqlRows(PG_URL!, `SELECT 1; DROP TABLE ${name}`)).rejects.toMatchObject({
        code: "KB_PARSE_FAILED",
      });
      await expect(
        querySqlRows(PG_URL!, `WITH d AS (DELETE FROM ${name} RETURNING *) SELECT * FROM d`),
      ).rejects.toMatchObject({ code: "KB_PARSE_FAILED" });
      expect((await admin.query(`SELECT count(*)::int AS n FROM ${name}`)).rows[0].n).toBe(1);
    } finally {
      await admin.query(`DROP TABLE ${name}`);
      await admin.end();
    }
  });
});
