// Serves the built browser apps (web/dist, from `npm run build:web`): the embeddable widget script at /widget.js,
// the agent console SPA at /console and the admin SPA at /admin (any deeper path falls back to its index.html), and
// the demo shop at /demo.

import { DEMO_CUSTOMER } from "../../app/demo-seed.ts";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../domain/errors.ts";
import type { RouteContext } from "../app.ts";

export const WEB_DIST = join(import.meta.dirname, "..", "..", "..", "web", "dist");

/** The console's policy: same-origin scripts only, so an injected string can never run even if it reached the DOM. */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const ASSET_NAME = /^[\w.-]+\.(js|css|map|svg|png|woff2?)$/;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The base URL the demo page's snippet points at: PUBLIC_URL, else this request's own origin when it looks sane. */
export function snippetOrigin(req: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, "");
  const host = req.host;
  const proto = req.protocol === "https" ? "https" : "http";
  if (/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host)) return `${proto}://${host}`;
  return "";
}

/** The one-line embed snippet for a Tandem at `origin`. */
/** A signed-in customer the embedding page vouches for (customer.identityHash in the API). */
export interface SnippetIdentity {
  externalId: string;
  email: string;
  name: string;
  identityHash: string;
}

export function widgetSnippet(origin: string, identity?: SnippetIdentity): string {
  const who = identity
    ? ` data-customer-id="${escapeHtml(identity.externalId)}" data-customer-email="${escapeHtml(identity.email)}" data-customer-name="${escapeHtml(identity.name)}" data-identity-hash="${escapeHtml(identity.identityHash)}"`
    : "";
  return `<script src="${escapeHtml(origin)}/widget.js" data-tandem-url="${escapeHtml(origin || "/")}"${who} async></script>`;
}

export interface WebRoutesOptions {
  /** Where the built apps live; defaults to the repository's web/dist. */
  distDir?: string;
}

export function registerWebRoutes(app: FastifyInstance, ctx: RouteContext, options: WebRoutesOptions = {}): void {
  const dist = options.distDir ?? WEB_DIST;
  const notBuilt = () => new AppError("SERVICE_UNAVAILABLE", "the web apps are not built yet: run `npm run build:web`");

  // Encapsulated, so this @fastify/static instance cannot clash with the one the API docs register.
  void app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: dist, serve: false, wildcard: false, index: false, preCompressed: true });

    const sendAsset = (reply: FastifyReply, path: string, cache: string) => {
      if (!existsSync(join(dist, path))) throw notBuilt();
      return reply.sendFile(path, dist, { cacheControl: false }).header("cache-control", cache);
    };

    const hidden = { schema: { hide: true } };

    // The script URL is stable (sites embed it once), so caches must revalidate it: a redeploy shows up within minutes.
    scope.get("/widget.js", hidden, (_req, reply) =>
      sendAsset(reply, "widget/widget.js", "public, max-age=300, must-revalidate").header("cross-origin-resource-policy", "cross-origin"),
    );
    scope.get("/widget/:file", hidden, (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
      if (!ASSET_NAME.test(req.params.file)) throw new AppError("NOT_FOUND", "no such file");
      return sendAsset(reply, `widget/${req.params.file}`, "public, max-age=31536000, immutable").header("cross-origin-resource-policy", "cross-origin");
    });

    // The console and admin SPAs: fingerprinted assets cached for a year, the page itself never cached, strict CSP,
    // and every deep link served the app's index.
    for (const app of ["console", "admin"] as const) {
      scope.get(`/${app}/assets/:file`, hidden, (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
        if (!ASSET_NAME.test(req.params.file)) throw new AppError("NOT_FOUND", "no such file");
        if (!existsSync(join(dist, app, "assets", req.params.file))) throw new AppError("NOT_FOUND", "no such file");
        return sendAsset(reply, `${app}/assets/${req.params.file}`, "public, max-age=31536000, immutable");
      });
      const index = async (_req: FastifyRequest, reply: FastifyReply) => {
        const file = join(dist, app, "index.html");
        if (!existsSync(file)) throw notBuilt();
        return reply
          .type("text/html; charset=utf-8")
          .header("cache-control", "no-cache")
          .header("content-security-policy", CONSOLE_CSP)
          .header("x-frame-options", "DENY")
          .send(await readFile(file, "utf8"));
      };
      scope.get(`/${app}`, hidden, index);
      scope.get(`/${app}/*`, hidden, index);
    }

    const demo = async (req: FastifyRequest, reply: FastifyReply) => {
      const file = join(dist, "demo", "index.html");
      if (!existsSync(file)) throw notBuilt();
      const origin = snippetOrigin(req, ctx.config.PUBLIC_URL);
      // The demo shop plays a shop whose visitor is signed in as the seeded demo customer, so order look-ups work;
      // where that customer was never seeded (not a demo install) the page embeds the widget anonymously.
      const demoCustomer = await ctx.store.findCustomerByExternalId(DEMO_CUSTOMER.externalId);
      const identity = demoCustomer
        ? { ...DEMO_CUSTOMER, identityHash: ctx.identity.sign(DEMO_CUSTOMER.externalId, DEMO_CUSTOMER.email) }
        : undefined;
      const snippet = widgetSnippet(origin, identity);
      const html = (await readFile(file, "utf8")).replace("{{SNIPPET_TEXT}}", escapeHtml(snippet)).replace("{{SNIPPET}}", snippet);
      const connect = origin ? `'self' ${origin} ${origin.replace(/^http/, "ws")}` : "'self' ws: wss:";
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .header(
          "content-security-policy",
          `default-src 'self'; script-src 'self' ${origin}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${connect}; object-src 'none'; base-uri 'none'`,
        )
        .send(html);
    };
    scope.get("/demo", hidden, demo);
    scope.get("/demo/", hidden, demo);
    scope.get("/demo/:file", hidden, (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
      if (!ASSET_NAME.test(req.params.file)) throw new AppError("NOT_FOUND", "no such file");
      if (!existsSync(join(dist, "demo", req.params.file))) throw new AppError("NOT_FOUND", "no such file");
      return sendAsset(reply, `demo/${req.params.file}`, "public, max-age=300");
    });
  });
}
