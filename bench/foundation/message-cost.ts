// The server-side CPU cost of one customer message, in process (Fastify inject: no sockets), one at a time.
// A quick, repeatable number for judging changes to the write path on a noisy machine; the full latency
// benchmark (ack-latency.ts) measures the same path over real sockets against the floor.
//
//   node bench/foundation/message-cost.ts [--messages 3000] [--conversations 300] [--ai on|off]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../src/config.ts";
import { buildTandem } from "../../src/main.ts";

const { values } = parseArgs({
  options: { messages: { type: "string", default: "3000" }, conversations: { type: "string", default: "300" }, ai: { type: "string", default: "off" } },
});
const messages = Number(values.messages);
const dir = mkdtempSync(join(tmpdir(), "tandem-cost-"));
const tandem = await buildTandem(
  loadConfig({
    DATABASE_URL: `sqlite:${join(dir, "t.db")}`, LOG_LEVEL: "silent", TANDEM_AI: values.ai as "on" | "off",
    RATE_LIMIT_MESSAGES_PER_MINUTE: "100000000", RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "100000000",
  }),
  { logger: false },
);
const convs: { id: string; token: string }[] = [];
for (let k = 0; k < Number(values.conversations); k++) {
  const res = await tandem.app.inject({ method: "POST", url: "/api/v1/conversations", payload: { customer: { externalId: `c${k}` } } });
  const body = res.json() as { conversation: { id: string }; token: string };
  convs.push({ id: body.conversation.id, token: body.token });
}
const texts = ["Where is my order?", "This is still not working, I already tried that", "How do I reset my password?", "Thanks!", "Can I get a refund for the broken lamp?"];
const post = async (i: number) => {
  const c = convs[i % convs.length] as { id: string; token: string };
  const res = await tandem.app.inject({
    method: "POST", url: `/api/v1/conversations/${c.id}/messages`, headers: { authorization: `Bearer ${c.token}` },
    payload: { clientMessageId: `m${i}`, text: texts[i % texts.length] },
  });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
};
for (let i = 0; i < 300; i++) await post(i); // warm-up
await tandem.conversations.drain();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 300; i < 300 + messages; i++) await post(i);
await tandem.conversations.drain();
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await tandem.close();
rmSync(dir, { recursive: true, force: true });
const out = { messages, ai: values.ai, cpuUsPerMessage: (cpu.user + cpu.system) / messages, wallUsPerMessage: (wall * 1000) / messages };
console.log(JSON.stringify(out));
