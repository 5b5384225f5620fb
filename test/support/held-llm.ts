// A local fake OpenAI-compatible server whose streamed completions the test writes piece by piece: each one is held
// open until the test finishes it, so a test decides exactly when the AI's streamed text arrives. Any request that
// does not stream (the agents' co-pilot after a handover) gets a plain short reply.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A streamed completion the fake holds open: the test writes its pieces and ends it. */
export interface HeldCompletion {
  /** The last user message of the request (the customer's message, in its prompt tags). */
  question: string;
  write(text: string): void;
  finish(): void;
}

export interface HeldLlm {
  /** `LLM_BASE_URL` for Tandem. */
  baseURL: string;
  /** The streamed completion asked for a customer message saying `text`, once its request reached the model; taken. */
  completionFor(text: string): Promise<HeldCompletion>;
  close(): Promise<void>;
}

const chunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "fake", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function startHeldLlm(): Promise<HeldLlm> {
  const arrived: HeldCompletion[] = [];
  const waiting = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => {
      raw += d.toString();
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as { stream?: boolean; messages: { role: string; content: string }[] };
      if (!body.stream) {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: "c0",
            object: "chat.completion",
            created: 1,
            model: "fake",
            choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "ok" } }],
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      arrived.push({
        question: body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "",
        write: (text) => res.write(chunk({ content: text }, null)),
        finish: () => res.end(`${chunk({}, "stop")}data: [DONE]\n\n`),
      });
      for (const w of waiting) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    async completionFor(text) {
      for (;;) {
        const at = arrived.findIndex((h) => h.question.includes(text));
        if (at >= 0) return arrived.splice(at, 1)[0] as HeldCompletion;
        await new Promise<void>((resolve) => {
          const w = () => {
            waiting.delete(w);
            resolve();
          };
          waiting.add(w);
        });
      }
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
