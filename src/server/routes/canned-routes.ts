// Canned responses over HTTP: agents read the library (composer /shortcuts, the console's list); admins create,
// replace and delete responses and preview a template rendered with sample values before saving it.

import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { requireRole } from "../../app/auth-service.ts";
import type { CannedLibrary } from "../../app/canned-library.ts";
import {
  type CannedInput,
  cannedInputSchema,
  renderTemplate,
  SAMPLE_TEMPLATE_VARS,
  TEMPLATE_VARIABLES,
  templateProblems,
} from "../../domain/assist/index.ts";
import type { RouteContext } from "../app.ts";
import { idParams } from "../wire.ts";

const previewBody = z.object({ text: z.string().max(4000) }).strict();

export function cannedRoutes(library: CannedLibrary) {
  return (app: FastifyInstance, ctx: RouteContext): void => {
    app.get(
      "/api/v1/canned-responses",
      {
        schema: {
          tags: ["agent"],
          summary:
            "The canned-response library (shortcuts and templates with {{variables}}), with who last changed each",
          security: [{ bearer: [] }],
        },
      },
      async (req: FastifyRequest) => {
        requireRole(await ctx.principal(req), "agent");
        return { responses: library.current(), variables: TEMPLATE_VARIABLES };
      },
    );

    app.post(
      "/api/v1/admin/canned-responses",
      {
        schema: {
          tags: ["admin"],
          summary: "Add a canned response; 409 SHORTCUT_TAKEN when another response has the shortcut",
          body: cannedInputSchema,
          security: [{ bearer: [] }],
          response: { 201: { description: "Created: the canned response" } },
          raises: ["SHORTCUT_TAKEN"],
        },
      },
      async (req: FastifyRequest<{ Body: CannedInput }>, reply) => {
        const user = requireRole(await ctx.principal(req), "admin");
        return reply.code(201).send({ response: await library.create(req.body, user.id) });
      },
    );

    app.put(
      "/api/v1/admin/canned-responses/:id",
      {
        schema: {
          tags: ["admin"],
          summary: "Replace a canned response (its id stays, so ratings keep pointing at it)",
          params: idParams,
          body: cannedInputSchema,
          security: [{ bearer: [] }],
          raises: ["NOT_FOUND", "SHORTCUT_TAKEN"],
        },
      },
      async (req: FastifyRequest<{ Params: { id: string }; Body: CannedInput }>) => {
        const user = requireRole(await ctx.principal(req), "admin");
        return { response: await library.update(req.params.id, req.body, user.id) };
      },
    );

    app.delete(
      "/api/v1/admin/canned-responses/:id",
      {
        schema: {
          tags: ["admin"],
          summary: "Delete a canned response (the audit keeps its last content)",
          params: idParams,
          security: [{ bearer: [] }],
          raises: ["NOT_FOUND"],
        },
      },
      async (req: FastifyRequest<{ Params: { id: string } }>) => {
        const user = requireRole(await ctx.principal(req), "admin");
        await library.remove(req.params.id, user.id);
        return { deleted: req.params.id };
      },
    );

    app.post(
      "/api/v1/admin/canned-responses/preview",
      {
        schema: {
          tags: ["admin"],
          summary:
            "Render a template with sample conversation values and list its problems (unknown variables, broken braces)",
          body: previewBody,
          security: [{ bearer: [] }],
        },
      },
      async (req: FastifyRequest<{ Body: z.infer<typeof previewBody> }>) => {
        requireRole(await ctx.principal(req), "admin");
        const rendered = renderTemplate(req.body.text, SAMPLE_TEMPLATE_VARS);
        return {
          text: rendered.text,
          missing: rendered.missing,
          problems: templateProblems(req.body.text),
          sample: SAMPLE_TEMPLATE_VARS,
        };
      },
    );
  };
}
