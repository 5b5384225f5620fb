// Fetching for the knowledge base over real local HTTP: robots.txt and the site's scope hold on every redirect hop
// and for single pages, bodies are capped and time-limited, encodings are honoured, and every URL is parsed by
// what its Content-Type says it is.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { crawlSite } from "./crawler.ts";
import { fetchDocument, MAX_TEXT_BYTES } from "./fetch-document.ts";
import { loadSource } from "./load.ts";
import { makePdf } from "./test-pdf.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestSite {
  base: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Bytes of streamed bodies written so far. */
  streamed: { bytes: number };
  server: Server;
}

async function site(routes: Record<string, Handler>): Promise<TestSite> {
  const requests: string[] = [];
  const streamed = { bytes: 0 };
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const handler = routes[path];
    if (handler) handler(req, res);
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const s: TestSite = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    streamed,
    server,
  };
  return s;
}

const close = (s: TestSite) =>
  new Promise<void>((r) => {
    s.server.closeAllConnections();
    s.server.close(() => r());
  });

const send =
  (type: string, body: string | Uint8Array): Handler =>
  (_req, res) =>
    res.writeHead(200, { "content-type": type }).end(body);
const redirect =
  (location: () => string, status = 302): Handler =>
  (_req, res) =>
    res.writeHead(status, { location: location() }).end();

/** Streams `total` bytes of text as fast as the client reads them, counting what was actually written. */
const stream =
  (total: number, counter: { bytes: number }, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/html", ...headers });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    const pump = () => {
      while (!closed && sent < total) {
        sent += chunk.length;
        counter.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!closed) res.end();
    };
    pump();
  };

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><article><h1>${title}</h1>${body}${links
    .map((l) => `<p><a href="${l}">${l}</a></p>`)
    .join("")}</article></body></html>`;
const para = (text: string) =>
  `<p>${text} ${"This sentence pads the page so readability keeps it as content. ".repeat(3)}</p>`;

describe("redirects cannot get around robots.txt or the site's scope", () => {
  let main: TestSite;
  let other: TestSite;
  beforeAll(async () => {
    other = await site({
      "/robots.txt": send("text/plain", "User-agent: *\nDisallow: /closed/\n"),
      "/page": send("text/html", page("Elsewhere", para("A page on another site entirely."))),
      "/closed/page": send("text/html", page("Closed", para("Another site's closed page."))),
    });
    main = await site({
      "/robots.txt": send("text/plain", "User-agent: *\nDisallow: /private/\n"),
      "/": send(
        "text/html",
        page("Help home", para("Welcome to the help centre."), ["/redir-private", "/offsite", "/returns"]),
      ),
      "/returns": send("text/html", page("Returns", para("Items can be returned within thirty days."))),
      "/redir-private": redirect(() => "/private/secret"),
      "/private/secret": send(
        "text/html",
        page("Secret", para("The secret admin page robots must not read.")),
      ),
      "/offsite": redirect(() => `${other.base}/page`),
      "/offsite-closed": redirect(() => `${other.base}/closed/page`),
      "/loop-a": redirect(() => "/loop-b"),
      "/loop-b": redirect(() => "/loop-a"),
      ...Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`/chain/${i}`, redirect(() => `/chain/${i + 1}`)]),
      ),
    });
  });
  afterAll(async () => Promise.all([close(main), close(other)]));
  beforeEach(() => {
    main.requests.length = 0;
    other.requests.length = 0;
  });

  it("refuses a start URL that redirects to a disallowed path, without requesting it", async () => {
    await expect(loadSource(`${main.base}/redir-private`)).rejects.toMatchObject({
      code: "KB_ROBOTS_DISALLOWED",
    });
    await expect(loadSource(`${main.base}/redir-private`, { crawl: false })).rejects.toMatchObject({
      code: "KB_ROBOTS_DISALLOWED",
    });
    expect(main.requests).toContain("/redir-private");
    expect(main.requests).not.toContain("/private/secret");
  });

  it("skips a crawled link that redirects to a disallowed path or off-site, without requesting the target", async () => {
    const src = await crawlSite(`${main.base}/`, { maxDepth: 2 });
    expect(src.documents.map((d) => d.title).sort()).toEqual(["Help home", "Returns"]);
    expect(src.skipped).toEqual(
      expect.arrayContaining([
        { url: `${main.base}/redir-private`, reason: "robots.txt" },
        { url: `${main.base}/offsite`, reason: "redirected off-site" },
      ]),
    );
    expect(main.requests).not.toContain("/private/secret");
    expect(other.requests).toEqual([]);
  });

  it("refuses a crawl whose start URL redirects to another site, without requesting that site", async () => {
    await expect(loadSource(`${main.base}/offsite`)).rejects.toMatchObject({
      code: "KB_REDIRECTED_OFF_SITE",
    });
    expect(other.requests).toEqual([]);
  });

  it("checks a single page against robots.txt, and its redirect targets against their own site's robots.txt", async () => {
    await expect(loadSource(`${main.base}/private/secret`, { crawl: false })).rejects.toMatchObject({
      code: "KB_ROBOTS_DISALLOWED",
    });
    expect(main.requests).toEqual(["/robots.txt"]);
    await expect(loadSource(`${main.base}/offsite-closed`, { crawl: false })).rejects.toMatchObject({
      code: "KB_ROBOTS_DISALLOWED",
    });
    expect(other.requests).toEqual(["/robots.txt"]);
    const allowed = await loadSource(`${main.base}/offsite`, { crawl: false });
    expect(allowed.documents[0]!.title).toBe("Elsewhere");
    expect(allowed.location).toBe(`${main.base}/offsite`);
  });

  it("fails redirect loops and long chains with KB_TOO_MANY_REDIRECTS", async () => {
    await expect(fetchDocument(`${main.base}/loop-a`)).rejects.toMatchObject({
      code: "KB_TOO_MANY_REDIRECTS",
      message: expect.stringContaining("loop"),
    });
    await expect(loadSource(`${main.base}/chain/0`, { crawl: false })).rejects.toMatchObject({
      code: "KB_TOO_MANY_REDIRECTS",
    });
    expect(main.requests.filter((r) => r.startsWith("/chain/"))).toHaveLength(6); // the first request and 5 hops
  });
});

describe("every fetched body has a size cap and a deadline", () => {
  let s: TestSite;
  beforeAll(async () => {
    const counter = { bytes: 0 };
    s = await site({
      "/robots.txt": send("text/plain", "User-agent: *\nAllow: /\n"),
      "/huge": stream(200 * 1024 * 1024, counter),
      "/declared": (_req, res) => {
        res.writeHead(200, { "content-type": "text/html", "content-length": String(200 * 1024 * 1024) });
        res.write("<p>starts but would never end</p>");
      },
      "/slow": (_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<html><body>");
        const timer = setInterval(() => res.write("<p>drip</p>"), 50);
        res.on("close", () => clearInterval(timer));
      },
      "/": send("text/html", page("Home", para("The home page of the site."), ["/huge", "/about"])),
      "/about": send("text/html", page("About", para("About the shop and its people."))),
    });
    s.streamed = counter;
  });
  afterAll(() => close(s));

  it("stops reading a streamed body at the cap with KB_TOO_LARGE", async () => {
    const started = Date.now();
    await expect(loadSource(`${s.base}/huge`, { crawl: false })).rejects.toMatchObject({
      code: "KB_TOO_LARGE",
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The server was stopped near the cap, not allowed to send 200 MB (socket buffers account for the slack).
    expect(s.streamed.bytes).toBeLessThan(MAX_TEXT_BYTES + 8 * 1024 * 1024);
  });

  it("refuses a body whose declared length is over the cap before reading it", async () => {
    await expect(fetchDocument(`${s.base}/declared`)).rejects.toMatchObject({ code: "KB_TOO_LARGE" });
  });

  it("bounds the whole body read by the deadline, not just the headers", async () => {
    const started = Date.now();
    await expect(loadSource(`${s.base}/slow`, { crawl: false, timeoutMs: 400 })).rejects.toMatchObject({
      code: "KB_FETCH_TIMEOUT",
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("skips and counts an oversized page in a crawl and keeps the rest", async () => {
    const src = await crawlSite(`${s.base}/`, { maxDepth: 1 });
    expect(src.documents.map((d) => d.title).sort()).toEqual(["About", "Home"]);
    expect(src.skipped).toEqual([{ url: `${s.base}/huge`, reason: "too large" }]);
  });
});

describe("character encodings", () => {
  let s: TestSite;
  const dir = mkdtempSync(join(tmpdir(), "kb-enc-"));
  const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
  const cafe = (title: string) =>
    page(title, para("Our Café serves crème brûlée and an entrée of the day at the front desk."));
  beforeAll(async () => {
    s = await site({
      "/header": send("text/html; charset=iso-8859-1", latin1(cafe("Café menu"))),
      "/meta": send(
        "text/html",
        latin1(cafe("Café menu").replace("<head>", '<head><meta charset="windows-1252">')),
      ),
      "/notes.txt": send("text/plain; charset=windows-1252", latin1("Café opening hours are nine to five.")),
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await close(s);
  });
  const text = (src: { documents: { title: string; sections: { text: string }[] }[] }) =>
    src.documents.map((d) => `${d.title}\n${d.sections.map((x) => x.text).join("\n")}`).join("\n");

  it("decodes a page by the charset of its Content-Type header", async () => {
    const src = await loadSource(`${s.base}/header`, { crawl: false });
    expect(src.documents[0]!.title).toBe("Café menu");
    expect(text(src)).toContain("crème brûlée");
    expect(text(src)).not.toContain("\uFFFD");
  });

  it("decodes a page by its meta charset, in a crawl too", async () => {
    const src = await loadSource(`${s.base}/meta`);
    expect(text(src)).toContain("Café serves crème brûlée");
    const plain = await loadSource(`${s.base}/notes.txt`, { crawl: false });
    expect(text(plain)).toContain("Café opening hours");
  });

  it("reads local files by BOM, meta charset, or Windows-1252 when they are not UTF-8", async () => {
    const write = (name: string, bytes: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    const utf16 = write(
      "utf16.txt",
      new Uint8Array([0xff, 0xfe, ...Buffer.from("Café au lait.", "utf16le")]),
    );
    expect(text(await loadSource(utf16))).toContain("Café au lait.");
    const bomMd = write(
      "bom.md",
      new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from("# Café\n\nCrème.", "utf8")]),
    );
    expect((await loadSource(bomMd)).documents[0]!.title).toBe("Café");
    const legacy = write("legacy.md", latin1("# Café\n\nCrème brûlée is on the menu."));
    const md = await loadSource(legacy);
    expect(md.documents[0]!.title).toBe("Café");
    expect(text(md)).not.toContain("\uFFFD");
    const html = write(
      "menu.html",
      latin1(cafe("Café menu").replace("<head>", '<head><meta charset="windows-1252">')),
    );
    expect((await loadSource(html)).documents[0]!.title).toBe("Café menu");
  });
});

describe("fetched bodies are parsed by their content type", () => {
  let s: TestSite;
  let pdf: Uint8Array;
  beforeAll(async () => {
    pdf = await makePdf("Warranty terms", [["Warranty", "Every product has a two year warranty."]]);
    s = await site({
      "/docs/shipping.md": send(
        "text/markdown; charset=utf-8",
        "# Shipping\n\n## Times\nStandard delivery takes two to four days.\n",
      ),
      "/docs/readme.md": send("text/plain", "# Readme\n\n## Setup\nInstall the app from the store.\n"),
      "/docs/hours.txt": send("text/plain", "We answer from nine to five.\n\nClosed on Sundays."),
      "/docs/catalogue.csv": send(
        "text/csv",
        "id,title,description\nA1,Mug,Stoneware mug\nA2,Cap,Cotton cap\n",
      ),
      "/docs/warranty.pdf": send("application/pdf", pdf),
      "/download": send("application/octet-stream", pdf),
      "/archive.zip": send("application/zip", "PK\u0003\u0004"),
      "/": send(
        "text/html",
        page("Docs", para("Documentation index."), ["/docs/warranty.pdf", "/docs/catalogue.csv"]),
      ),
    });
  });
  afterAll(() => close(s));

  it("reads Markdown, plain text and CSV URLs with or without crawling", async () => {
    for (const crawl of [false, true]) {
      const md = await loadSource(`${s.base}/docs/shipping.md`, { crawl });
      expect(md).toMatchObject({
        kind: "markdown",
        name: "shipping.md",
        location: `${s.base}/docs/shipping.md`,
      });
      expect(md.documents[0]!.sections[0]).toMatchObject({ headings: ["Times"] });
      const txt = await loadSource(`${s.base}/docs/hours.txt`, { crawl });
      expect(txt.kind).toBe("text");
      const csv = await loadSource(`${s.base}/docs/catalogue.csv`, { crawl, columns: ["description"] });
      expect(csv.documents.map((d) => [d.id, d.title])).toEqual([
        ["A1", "Mug"],
        ["A2", "Cap"],
      ]);
    }
    // Servers often send Markdown as text/plain: the extension then says which it is.
    expect((await loadSource(`${s.base}/docs/readme.md`, { crawl: false })).kind).toBe("markdown");
  });

  it("reads a PDF URL with crawling on, and a PDF sent as octet-stream by its %PDF- header", async () => {
    const src = await loadSource(`${s.base}/docs/warranty.pdf`);
    expect(src.kind).toBe("pdf");
    expect(src.documents[0]!.sections[0]!.text).toContain("two year warranty");
    const download = await loadSource(`${s.base}/download`, { crawl: false });
    expect(download).toMatchObject({ kind: "pdf", name: "download", location: `${s.base}/download` });
  });

  it("includes PDFs linked from a crawled site as documents and skips tables", async () => {
    const src = await crawlSite(`${s.base}/`, { maxDepth: 1 });
    expect(src.documents.map((d) => d.title).sort()).toEqual(["Docs", "Warranty terms"]);
    expect(src.documents.find((d) => d.title === "Warranty terms")!.id).toBe(`${s.base}/docs/warranty.pdf`);
    expect(src.skipped).toEqual([
      { url: `${s.base}/docs/catalogue.csv`, reason: "unsupported type (text/csv)" },
    ]);
  });

  it("refuses an unsupported content type with KB_UNSUPPORTED_FORMAT", async () => {
    await expect(loadSource(`${s.base}/archive.zip`, { crawl: false })).rejects.toMatchObject({
      code: "KB_UNSUPPORTED_FORMAT",
    });
    await expect(loadSource(`${s.base}/archive.zip`)).rejects.toMatchObject({
      code: "KB_UNSUPPORTED_FORMAT",
    });
  });
});

describe("a robots.txt that cannot be read (RFC 9309)", () => {
  const sites: TestSite[] = [];
  const make = async (robots: Handler) => {
    const s = await site({
      "/robots.txt": robots,
      "/": send("text/html", page("Help home", para("Welcome to the help centre."), ["/returns"])),
      "/returns": send("text/html", page("Returns", para("Items can be returned within thirty days."))),
    });
    sites.push(s);
    return s;
  };
  const status =
    (code: number): Handler =>
    (_req, res) =>
      res.writeHead(code, { "content-type": "text/plain" }).end("unavailable");
  afterAll(async () => Promise.all(sites.map(close)));

  it("treats a 5xx robots.txt as disallowing everything and requests no page", async () => {
    for (const code of [500, 503]) {
      const s = await make(status(code));
      await expect(crawlSite(`${s.base}/`)).rejects.toMatchObject({
        code: "KB_ROBOTS_DISALLOWED",
        message: expect.stringContaining(`answered ${code}`),
      });
      await expect(loadSource(`${s.base}/returns`, { crawl: false })).rejects.toMatchObject({
        code: "KB_ROBOTS_DISALLOWED",
      });
      expect(s.requests.filter((r) => r !== "/robots.txt")).toEqual([]);
    }
  });

  it("treats a robots.txt that drops the connection or times out as disallowing everything, saying the site is unreachable", async () => {
    const dropped = await make((req) => req.socket.destroy());
    await expect(loadSource(`${dropped.base}/returns`, { crawl: false })).rejects.toMatchObject({
      code: "KB_FETCH_FAILED",
      message: expect.stringContaining("robots.txt could not be read"),
    });
    await expect(crawlSite(`${dropped.base}/`)).rejects.toMatchObject({ code: "KB_FETCH_FAILED" });
    const hanging = await make(() => undefined);
    await expect(
      loadSource(`${hanging.base}/returns`, { crawl: false, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: "KB_FETCH_TIMEOUT" });
    expect([...dropped.requests, ...hanging.requests].filter((r) => r !== "/robots.txt")).toEqual([]);
  });

  it("treats 429 Too Many Requests like a server error, not as leave to crawl", async () => {
    const s = await make(status(429));
    await expect(crawlSite(`${s.base}/`)).rejects.toMatchObject({ code: "KB_ROBOTS_DISALLOWED" });
  });

  it("treats a 4xx robots.txt as allowing everything", async () => {
    for (const code of [401, 403, 404, 410]) {
      const s = await make(status(code));
      const src = await crawlSite(`${s.base}/`, { maxDepth: 1 });
      expect(src.documents.map((d) => d.title).sort()).toEqual(["Help home", "Returns"]);
    }
  });

  it("skips a crawled page whose bytes are binary, with its reason", async () => {
    const s = await site({
      "/": send("text/html", page("Home", para("The home page of the site."), ["/logo", "/about"])),
      "/about": send("text/html", page("About", para("About the shop and its people."))),
      "/logo": send("text/html", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 0, 0xff])),
    });
    sites.push(s);
    const src = await crawlSite(`${s.base}/`, { maxDepth: 1 });
    expect(src.documents.map((d) => d.title).sort()).toEqual(["About", "Home"]);
    expect(src.skipped).toEqual([{ url: `${s.base}/logo`, reason: "binary content" }]);
  });
});
