// Admin-supplied URLs must not reach the private network: literal addresses, names that resolve inward, and
// redirects into it are all refused with KB_URL_FORBIDDEN; public destinations pass untouched.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BlockList } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch, privateAddresses } from "./guarded-fetch.ts";
import { loadSource } from "./load.ts";

describe("the private-address block list", () => {
  const list = privateAddresses();
  it.each([
    ["127.0.0.1", "ipv4"], ["10.1.2.3", "ipv4"], ["172.20.0.1", "ipv4"], ["192.168.1.1", "ipv4"],
    ["169.254.169.254", "ipv4"], ["100.64.0.1", "ipv4"], ["0.0.0.0", "ipv4"], ["::1", "ipv6"], ["fd00::1", "ipv6"], ["fe80::1", "ipv6"],
  ] as const)("blocks %s", (address, family) => {
    expect(list.check(address, family)).toBe(true);
  });
  it.each([["93.184.216.34", "ipv4"], ["8.8.8.8", "ipv4"], ["2606:4700::1111", "ipv6"]] as const)("lets %s through", (address, family) => {
    expect(list.check(address, family)).toBe(false);
  });
});

describe("guarded fetch", () => {
  let servers: Server[] = [];
  let inner = "";
  let outer = "";
  const listen = (host: string, handler: Parameters<typeof createServer>[1]) =>
    new Promise<string>((resolve) => {
      const s = createServer(handler);
      servers.push(s);
      s.listen(0, host, () => resolve(`http://${host}:${(s.address() as AddressInfo).port}`));
    });
  beforeAll(async () => {
    // Two loopback addresses stand for "public" (127.0.0.1) and "private" (127.0.0.2) under a test block list.
    inner = await listen("127.0.0.2", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("secret"));
    outer = await listen("127.0.0.1", (req, res) => {
      if (req.url === "/hop") return void res.writeHead(302, { location: `${inner}/` }).end();
      res.writeHead(200, { "content-type": "text/plain" }).end("public page");
    });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    servers = [];
  });
  const onlySecondLoopback = () => {
    const list = new BlockList();
    list.addAddress("127.0.0.2");
    return list;
  };

  it("refuses a literal private address by default, before any request is made", async () => {
    await expect(guardedFetch()(`${outer}/`)).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
    await expect(guardedFetch()("http://[::1]:9/")).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
  });

  it("refuses a name that resolves to a private address", async () => {
    const f = guardedFetch({ lookup: (async () => [{ address: "10.0.0.7", family: 4 }]) as never });
    await expect(f("http://intranet.example/")).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
    const mapped = guardedFetch({ lookup: (async () => [{ address: "::ffff:169.254.169.254", family: 6 }]) as never });
    await expect(mapped("http://metadata.example/")).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
  });

  it("fetches allowed destinations, and refuses a redirect into a blocked one", async () => {
    const f = guardedFetch({ blocked: onlySecondLoopback() });
    expect(await (await f(`${outer}/`)).text()).toBe("public page");
    await expect(f(`${outer}/hop`)).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
  });

  it("follows redirects between allowed destinations and reports the final URL", async () => {
    const f = guardedFetch({ blocked: new BlockList() });
    const res = await f(`${outer}/hop`);
    expect(await res.text()).toBe("secret");
    expect(res.url).toBe(`${inner}/`);
  });

  it("fails an ingestion with KB_URL_FORBIDDEN rather than a generic fetch failure", async () => {
    await expect(loadSource(`${outer}/`, { fetch: guardedFetch() })).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
    await expect(loadSource(`${outer}/notes.pdf`, { fetch: guardedFetch(), crawl: false })).rejects.toMatchObject({ code: "KB_URL_FORBIDDEN" });
  });
});
