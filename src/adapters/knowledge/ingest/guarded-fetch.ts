// Fetching on behalf of the admin API without becoming a proxy into the private network (SSRF): every hop's host
// is resolved and refused when any of its addresses is loopback, private, link-local (cloud metadata), shared or
// reserved; redirects are followed by hand so each hop is checked. Node's BlockList does the matching.
//
// Residual risk, stated: the check resolves the name, then fetch resolves it again; a DNS server that answers
// differently the second time (rebinding) could slip through. Pinning the address needs a custom dispatcher.

import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { IngestError } from "./types.ts";

/** Addresses a server-side fetch for an admin must not reach unless the operator allows private targets. */
export function privateAddresses(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
    ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
  ] as const) list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) {
    list.addSubnet(net, prefix, "ipv6");
  }
  return list;
}

const MAX_REDIRECTS = 5;

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1), which must be judged as IPv4. */
function unmapped(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1] as string, family: "ipv4" };
  return { address, family: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

async function assertReachable(url: URL, blocked: BlockList, resolve: typeof lookup): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [{ address: host }] : await resolve(host, { all: true, verbatim: true });
  for (const { address } of addresses) {
    const a = unmapped(address);
    if (blocked.check(a.address, a.family)) {
      throw new IngestError(
        "KB_URL_FORBIDDEN",
        `${url.host} is a private or reserved address (${address}); set KB_FETCH_ALLOW_PRIVATE=true to allow fetching it`,
      );
    }
  }
}

export interface GuardedFetchOptions {
  fetch?: typeof fetch;
  blocked?: BlockList;
  /** Name resolution (tests substitute it). */
  lookup?: typeof lookup;
}

/** A fetch that refuses private and reserved destinations, on the first request and on every redirect. */
export function guardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const base = options.fetch ?? fetch;
  const blocked = options.blocked ?? privateAddresses();
  const resolve = options.lookup ?? lookup;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    let url = new URL(input instanceof Request ? input.url : input.toString());
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await assertReachable(url, blocked, resolve);
      const res = await base(url, { ...init, redirect: "manual" });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
      if (!location || init?.redirect === "manual") return res;
      await res.body?.cancel();
      url = new URL(location, url);
    }
    throw new IngestError("KB_FETCH_FAILED", `more than ${MAX_REDIRECTS} redirects from ${input.toString()}`);
  }) as typeof fetch;
}
