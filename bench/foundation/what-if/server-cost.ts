// What-if A/B for the foundation benchmark: the server-side cost of one customer message, measured in-process
// (Fastify inject, no sockets, one request at a time) so a change can be judged on a noisy shared machine where
// the full latency benchmark is dominated by CPU contention. Runs each arm in its own child process, alternating
// arms, and reports median µs of CPU per message.
//
//   node bench/foundation/what-if/server-cost.ts [--messages 4000] [--rounds 5] [--arm-import <preload.ts>]
//
// Arm A is Tandem as it is; arm B is started with `--import <preload>` (e.g. ./statement-cache.ts).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../../src/config.ts";
import { buildTandem } from "../../../src/main.ts";
import { median } from "../stats.ts";

const root = resolve(import.meta.dirname, "../../..");

async function child(messages: number, conversations: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-cost-"));
  const tandem = await buildTandem(
    loadConfig({
      DATABASE_URL: `sqlite:${join(dir, "t.db")}`,
      LOG_LEVEL: "silent",
      TANDEM_AI: "off",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000000",
      RATE_LIMIT_CONVERSATIONS_PER_MINUTE: "100000000",
    }),
    { logger: false },
  );
  try {
    const convs: { id: string; token: string }[] = [];
    for (let k = 0; k < conversations; k++) {
      const res = await tandem.app.inject({
        method: "POST",
        url: "/api/v1/conversations",
        payload: { customer: { externalId: `c${k}` } },
      });
      const body = res.json() as { conversation: { id: string }; token: string };
      convs.push({ id: body.conversation.id, token: body.token });
    }
    const post = async (i: number) => {
      const c = convs[i % conversations] as { id: string; token: string };
      const res = await tandem.app.inject({
        method: "POST",
        url: `/api/v1/conversations/${c.id}/messages`,
        headers: { authorization: `Bearer ${c.token}` },
        payload: {
          clientMessageId: `m${i}`,
          text: `Hi, my order has not arrived yet and the tracking page shows nothing. (m${i})`,
        },
      });
      if (res.statusCode !== 201) throw new Error(`post ${i}: ${res.statusCode} ${res.body}`);
    };
    for (let i = 0; i < conversations * 2; i++) await post(i); // warm-up; every conversation queued for a person
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = conversations * 2; i < conversations * 2 + messages; i++) await post(i);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(
      `${JSON.stringify({ cpuUsPerMessage: (cpu.user + cpu.system) / messages, wallUsPerMessage: (wall * 1000) / messages })}\n`,
    );
  } finally {
    await tandem.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function arm(
  preload: string | null,
  messages: number,
): { cpuUsPerMessage: number; wallUsPerMessage: number } {
  const args = [
    ...(preload ? [`--import=${preload}`] : []),
    import.meta.filename,
    "--child",
    "--messages",
    String(messages),
  ];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`arm ${preload ?? "A"} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as {
    cpuUsPerMessage: number;
    wallUsPerMessage: number;
  };
}

const { values } = parseArgs({
  options: {
    child: { type: "boolean", default: false },
    messages: { type: "string", default: "4000" },
    conversations: { type: "string", default: "200" },
    rounds: { type: "string", default: "5" },
    "arm-import": { type: "string", default: "./bench/foundation/what-if/statement-cache.ts" },
    out: { type: "string" },
  },
});
const messages = Number(values.messages);
const conversations = Number(values.conversations);
if (!Number.isInteger(messages) || messages < 1 || !Number.isInteger(conversations) || conversations < 1) {
  process.stderr.write("server-cost: --messages and --conversations must be positive integers\n");
  process.exit(2);
}

if (values.child) {
  await child(messages, conversations);
} else {
  const rounds = Number(values.rounds);
  const a: { cpuUsPerMessage: number; wallUsPerMessage: number }[] = [];
  const b: typeof a = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which arm goes first, so a drift in machine load does not favour one side.
    if (r % 2 === 0) {
      a.push(arm(null, messages));
      b.push(arm(values["arm-import"], messages));
    } else {
      b.push(arm(values["arm-import"], messages));
      a.push(arm(null, messages));
    }
    process.stderr.write(
      `[server-cost] round ${r + 1}/${rounds}: A ${a.at(-1)?.cpuUsPerMessage.toFixed(0)} µs, B ${b.at(-1)?.cpuUsPerMessage.toFixed(0)} µs CPU/message\n`,
    );
  }
  const result = {
    generatedAt: new Date().toISOString(),
    messages,
    conversations,
    rounds,
    armB: `--import=${values["arm-import"]}`,
    medianCpuUsPerMessage: {
      A: median(a.map((x) => x.cpuUsPerMessage)),
      B: median(b.map((x) => x.cpuUsPerMessage)),
    },
    medianWallUsPerMessage: {
      A: median(a.map((x) => x.wallUsPerMessage)),
      B: median(b.map((x) => x.wallUsPerMessage)),
    },
    runs: { A: a, B: b },
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(resolve(root, values.out), text);
  process.stdout.write(text);
}
