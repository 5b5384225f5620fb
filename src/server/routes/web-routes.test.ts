import type { FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTandem } from "../../../test/support/tandem.ts";
import { ensureWebBuilt } from "../../../web/e2e/support.ts";
import { DEMO_CUSTOMER } from "../../app/demo-seed.ts";
import type { Tandem } from "../../main.ts";
import { snippetOrigin, widgetSnippet } from "./web-routes.ts";

const req = (host: string, protocol = "http") => ({ host, protocol }) as unknown as FastifyRequest;

describe("web routes", () => {
  let t: Tandem;
  beforeAll(async () => {
    await ensureWebBuilt();
    t = await startTandem();
  }, 120_000);
  afterAll(() => t?.close());

  it("serves the widget script, compressed when the browser accepts it, embeddable from any site", async () => {
    const plain = await t.app.inject({ url: "/widget.js" });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-type"]).toMatch(/javascript/);
    expect(plain.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    expect(plain.headers["cache-control"]).toContain("max-age=300");
    const br = await t.app.inject({ url: "/widget.js", headers: { "accept-encoding": "br, gzip" } });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
  });

  it("serves the console at /console and falls back to it for deep links, under a strict CSP", async () => {
    for (const url of ["/console", "/console/", "/console/c/abc123"]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.headers["x-frame-options"]).toBe("DENY");
    }
    const asset = /\/console\/assets\/[\w.-]+\.js/.exec((await t.app.inject({ url: "/console" })).body)?.[0];
    expect(asset).toBeDefined();
    const js = await t.app.inject({ url: asset as string });
    expect(js.statusCode).toBe(200);
    expect(js.headers["cache-control"]).toContain("immutable");
  });

  it("refuses asset paths that try to leave the build folder", async () => {
    for (const url of ["/console/assets/..%2F..%2Fpackage.json", "/widget/..%2Fbuild.json", "/demo/..%2F..%2F..%2Fpackage.json", "/console/assets/missing.js"]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("hosts the demo shop with the one-line snippet pointing at this server", async () => {
    const res = await t.app.inject({ url: "/demo", headers: { host: "support.example:3000" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Lumen &amp; Co.");
    expect(res.body).toContain('<script src="http://support.example:3000/widget.js" data-tandem-url="http://support.example:3000" async></script>');
    expect(res.body).not.toContain("{{SNIPPET");
  });

  it("signs the seeded demo customer into the demo shop's widget, and nobody into a shop that has no demo data", async () => {
    const anonymous = await t.app.inject({ url: "/demo", headers: { host: "support.example:3000" } });
    expect(anonymous.body).not.toContain("data-identity-hash");
    await t.store.createCustomer({ ...DEMO_CUSTOMER, locale: "en" });
    const signedIn = await t.app.inject({ url: "/demo", headers: { host: "support.example:3000" } });
    const hash = /data-identity-hash="([0-9a-f]{64})"/.exec(signedIn.body)?.[1];
    expect(signedIn.body).toContain(`data-customer-id="${DEMO_CUSTOMER.externalId}"`);
    // The page's signature is one the API accepts: the demo customer's conversations open their own record.
    const started = await t.app.inject({
      method: "POST",
      url: "/api/v1/conversations",
      payload: { customer: { externalId: DEMO_CUSTOMER.externalId, email: DEMO_CUSTOMER.email, identityHash: hash } },
    });
    const conv = await t.store.getConversation(started.json().conversation.id);
    expect((await t.store.getCustomer(conv?.customerId as string))?.externalId).toBe(DEMO_CUSTOMER.externalId);
  });

  it("never lets a forged Host header into the demo page's markup", async () => {
    expect(snippetOrigin(req('evil.example"><script>alert(1)</script>'), undefined)).toBe("");
    expect(snippetOrigin(req("support.example:8443", "https"), undefined)).toBe("https://support.example:8443");
    expect(snippetOrigin(req("anything"), "https://help.shop.example/")).toBe("https://help.shop.example");
    expect(widgetSnippet('x" onload="alert(1)')).toBe('<script src="x&#34; onload=&#34;alert(1)/widget.js" data-tandem-url="x&#34; onload=&#34;alert(1)" async></script>');
  });
});
