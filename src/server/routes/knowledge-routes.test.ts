// The knowledge admin API in-process: upload a generated PDF and see the test question cite it, CSV columns, a
// crawled site with progress, coded refusals for bad files and URLs, deletion, and the admin-only guard.

import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "../../adapters/knowledge/ingest/test-pdf.ts";
import type { Tandem } from "../../main.ts";
import { addAgent, bearer, startTandem } from "../../../test/support/tandem.ts";

/** A multipart/form-data body as a browser would send it: one file part and some text fields. */
export function multipart(file: { name: string; bytes: Uint8Array; type?: string } | null, fields: Record<string, string> = {}) {
  const boundary = `----tandem${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? "application/octet-stream"}\r\n\r\n`));
    parts.push(Buffer.from(file.bytes), Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** A tiny website: two linked pages, and a second host whose robots.txt shuts crawlers out. */
function startSite(): Promise<{ url: string; blockedUrl: string; close(): Promise<void> }> {
  const pages: Record<string, string> = {
    "/": `<html><head><title>Gift cards</title></head><body><main><h1>Gift cards</h1><p>Gift cards from the Northwind shop never expire and can be used on any order, including sale items.</p><a href="/redeem">Redeeming</a></main></body></html>`,
    "/redeem": `<html><head><title>Redeeming a gift card</title></head><body><main><h1>Redeeming a gift card</h1><p>Enter the sixteen digit gift card code at checkout in the field labelled payment code, then press apply.</p></main></body></html>`,
  };
  const servers: Server[] = [];
  const start = (handler: RequestListener) =>
    new Promise<string>((resolve) => {
      const s = createServer(handler);
      servers.push(s);
      s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    });
  return Promise.all([
    start((req, res) => {
      const body = pages[req.url ?? ""];
      if (req.url === "/robots.txt") return void res.writeHead(404).end();
      if (!body) return void res.writeHead(404).end("not found");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    }),
    start((req, res) => {
      if (req.url === "/robots.txt") return void res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: *\nDisallow: /\n");
      res.writeHead(200, { "content-type": "text/html" }).end(pages["/"]);
    }),
  ]).then(([url, blockedUrl]) => ({
    url: url!,
    blockedUrl: blockedUrl!,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => {}),
  }));
}

/** Polls an ingestion job until it finishes; returns its last state. */
async function finishedJob(t: Tandem, token: string, jobId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const job = (await t.app.inject({ method: "GET", url: `/api/v1/admin/knowledge/jobs/${jobId}`, headers: bearer(token) })).json().job;
    if (job.state === "succeeded" || job.state === "failed") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("knowledge admin API", () => {
  let t: Tandem;
  let admin: { token: string };
  let supervisor: { token: string };
  let site: Awaited<ReturnType<typeof startSite>>;

  const upload = (file: Parameters<typeof multipart>[0], fields: Record<string, string> = {}, token = admin.token) => {
    const m = multipart(file, fields);
    return t.app.inject({ method: "POST", url: "/api/v1/admin/knowledge/sources", headers: { ...bearer(token), ...m.headers }, payload: m.payload });
  };
  const post = (url: string, payload: object, token = admin.token) => t.app.inject({ method: "POST", url, headers: bearer(token), payload });
  const get = (url: string, token = admin.token) => t.app.inject({ method: "GET", url, headers: bearer(token) });

  const finished = (jobId: string) => finishedJob(t, admin.token, jobId);

  beforeAll(async () => {
    // The test sites listen on loopback, which admins' URL ingestion refuses unless the operator allows it.
    t = await startTandem({ KB_UPLOAD_MAX_BYTES: "65536", KB_FETCH_ALLOW_PRIVATE: "true" });
    admin = await addAgent(t, "admin@example.com", { role: "admin" });
    supervisor = await addAgent(t, "sup@example.com", { role: "supervisor" });
    site = await startSite();
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it("ingests an uploaded PDF as a job and a test question cites it with scored passages", async () => {
    const pdf = await makePdf("Warranty policy", [
      ["Warranty policy", "Every Northwind kettle carries a three year warranty against manufacturing defects."],
      ["Making a claim", "To claim the warranty, email the serial number and a photo of the fault to our service team."],
    ]);
    const res = await upload({ name: "warranty.pdf", bytes: pdf, type: "application/pdf" });
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ state: "succeeded", kind: "file", target: "warranty.pdf", pages: 2, documents: 1, error: null });
    expect(job.chunks).toBeGreaterThanOrEqual(1);

    const sources = (await get("/api/v1/admin/knowledge/sources")).json().sources;
    expect(sources).toEqual([expect.objectContaining({ id: job.sourceId, kind: "pdf", name: "warranty.pdf", documentCount: 1 })]);

    const ask = (await post("/api/v1/admin/knowledge/ask", { text: "How long is the kettle warranty?" })).json();
    expect(ask.answerable).toBe(true);
    expect(ask.answer).toMatch(/three year warranty/i);
    expect(ask.citations).toEqual([expect.objectContaining({ title: "Warranty policy", source: "warranty.pdf", url: null })]);
    expect(ask.passages[0]).toMatchObject({ sourceId: job.sourceId, title: "Warranty policy", location: "page 1" });
    expect(ask.passages[0].score).toBeGreaterThan(0);

    const unknown = (await post("/api/v1/admin/knowledge/ask", { text: "Do you sell garden furniture?" })).json();
    expect(unknown).toMatchObject({ answerable: false, answer: null, citations: [] });
    expect(unknown.boundaryMessage).toMatch(/specialist/);
  });

  it("re-uploading the same file name replaces the source", async () => {
    const pdf = await makePdf("Warranty policy", [["Warranty policy", "Northwind kettles now carry a five year warranty."]]);
    const job = await finished((await upload({ name: "warranty.pdf", bytes: pdf })).json().job.id);
    expect(job.state).toBe("succeeded");
    const sources = (await get("/api/v1/admin/knowledge/sources")).json().sources;
    expect(sources.filter((s: { name: string }) => s.name === "warranty.pdf")).toHaveLength(1);
    const ask = (await post("/api/v1/admin/knowledge/ask", { text: "How long is the kettle warranty?" })).json();
    expect(ask.answer).toMatch(/five year/);
    expect(ask.answer).not.toMatch(/three year/);
  });

  it("indexes only the chosen CSV columns", async () => {
    const csv = "id,title,answer,internal_note\nfaq-1,Store hours,Our stores open from 9 am to 6 pm Monday to Saturday.,ignore zebra\n";
    const res = await upload({ name: "faq.csv", bytes: Buffer.from(csv) }, { columns: "answer" });
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ state: "succeeded", documents: 1 });
    const ask = (await post("/api/v1/admin/knowledge/ask", { text: "When do the stores open?" })).json();
    expect(ask.citations[0]).toMatchObject({ documentId: "faq-1", title: "Store hours" });
    expect(ask.passages.map((p: { text: string }) => p.text).join(" ")).not.toContain("zebra");

    const bad = await finished((await upload({ name: "faq2.csv", bytes: Buffer.from(csv) }, { columns: "nope" })).json().job.id);
    expect(bad.error).toMatchObject({ code: "KB_BAD_OPTIONS" });
  });

  it("crawls a site from its start URL and reports pages as they arrive", async () => {
    const res = await post("/api/v1/admin/knowledge/sources", { url: `${site.url}/`, maxPages: 10, maxDepth: 2 });
    expect(res.statusCode, res.body).toBe(202);
    const job = await finished(res.json().job.id);
    expect(job).toMatchObject({ state: "succeeded", kind: "url", pages: 2, documents: 2 });
    const ask = (await post("/api/v1/admin/knowledge/ask", { text: "How do I redeem a gift card code?" })).json();
    expect(ask.answerable).toBe(true);
    expect(ask.citations[0].title).toBe("Redeeming a gift card");
  });

  it("refuses bad files with coded errors before queuing anything", async () => {
    const cases: [Parameters<typeof multipart>[0], number, string][] = [
      [{ name: "notes.pdf", bytes: Buffer.from("this is plain text, not a PDF") }, 422, "KB_NOT_A_PDF"],
      [{ name: "empty.pdf", bytes: new Uint8Array() }, 422, "KB_EMPTY_FILE"],
      [{ name: "blank.md", bytes: Buffer.from("  \n\n ") }, 422, "KB_EMPTY_FILE"],
      [{ name: "tool.exe", bytes: Buffer.from("MZ") }, 415, "KB_UNSUPPORTED_FORMAT"],
      [{ name: "big.txt", bytes: Buffer.alloc(70_000, "a") }, 413, "PAYLOAD_TOO_LARGE"],
      [null, 400, "VALIDATION_FAILED"],
    ];
    const before = (await get("/api/v1/admin/knowledge/sources")).json().jobs.length;
    for (const [file, status, code] of cases) {
      const res = await upload(file);
      expect(res.statusCode, `${file?.name}: ${res.body}`).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect((await get("/api/v1/admin/knowledge/sources")).json().jobs.length).toBe(before);
    expect((await post("/api/v1/admin/knowledge/sources", { url: "ftp://example.com/x" })).statusCode).toBe(400);
    expect((await post("/api/v1/admin/knowledge/sources", { url: `${site.url}/`, maxPages: 0 })).statusCode).toBe(400);
  });

  it("fails a job with a code for an unreachable URL and for a site robots.txt closes", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await finished((await post("/api/v1/admin/knowledge/sources", { url: `http://127.0.0.1:${port}/help` })).json().job.id);
    expect(unreachable).toMatchObject({ state: "failed", error: { code: "KB_FETCH_FAILED" } });
    const missing = await finished((await post("/api/v1/admin/knowledge/sources", { url: `${site.url}/no-such-page` })).json().job.id);
    expect(missing).toMatchObject({ state: "failed", error: { code: "KB_FETCH_FAILED" } });
    const blocked = await finished((await post("/api/v1/admin/knowledge/sources", { url: `${site.blockedUrl}/` })).json().job.id);
    expect(blocked).toMatchObject({ state: "failed", error: { code: "KB_ROBOTS_DISALLOWED" } });
  });

  it("deletes a source and its chunks", async () => {
    const sources = (await get("/api/v1/admin/knowledge/sources")).json().sources as { id: string; name: string }[];
    const faq = sources.find((s) => s.name === "faq.csv")!;
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/admin/knowledge/sources/${faq.id}`, headers: bearer(admin.token) });
    expect(del.statusCode, del.body).toBe(200);
    expect((await get("/api/v1/admin/knowledge/sources")).json().sources.map((s: { id: string }) => s.id)).not.toContain(faq.id);
    expect((await post("/api/v1/admin/knowledge/ask", { text: "When do the stores open?" })).json().answerable).toBe(false);
    const again = await t.app.inject({ method: "DELETE", url: `/api/v1/admin/knowledge/sources/${faq.id}`, headers: bearer(admin.token) });
    expect(again.statusCode).toBe(404);
    expect((await get("/api/v1/admin/knowledge/jobs/job_00000000-0000-0000-0000-000000000000")).statusCode).toBe(404);
  });

  it("is for admins only", async () => {
    expect((await get("/api/v1/admin/knowledge/sources", supervisor.token)).statusCode).toBe(403);
    expect((await post("/api/v1/admin/knowledge/ask", { text: "hi" }, supervisor.token)).statusCode).toBe(403);
    const res = await upload({ name: "x.txt", bytes: Buffer.from("hello") }, {}, supervisor.token);
    expect(res.statusCode).toBe(403);
    // Other routes stay JSON-only: multipart is accepted by the upload route alone.
    const m = multipart({ name: "x.txt", bytes: Buffer.from("hello") });
    const elsewhere = await t.app.inject({ method: "POST", url: "/api/v1/admin/knowledge/ask", headers: { ...bearer(admin.token), ...m.headers }, payload: m.payload });
    expect(elsewhere.statusCode).toBe(415);
  });
});

describe("knowledge admin API with the default configuration", () => {
  it("refuses to fetch a URL on the server's private network (SSRF), failing the job with KB_URL_FORBIDDEN", async () => {
    const t = await startTandem();
    const site = await startSite();
    try {
      const admin = await addAgent(t, "admin@example.com", { role: "admin" });
      const res = await t.app.inject({ method: "POST", url: "/api/v1/admin/knowledge/sources", headers: bearer(admin.token), payload: { url: `${site.url}/` } });
      expect(res.statusCode, res.body).toBe(202);
      const job = await finishedJob(t, admin.token, res.json().job.id as string);
      expect(job).toMatchObject({ state: "failed", error: { code: "KB_URL_FORBIDDEN" } });
      expect(job.error?.message).toMatch(/KB_FETCH_ALLOW_PRIVATE/);
    } finally {
      await t.close();
      await site.close();
    }
  });
});
