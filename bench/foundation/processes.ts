// Child-process plumbing for the foundation benchmark: servers run in their own processes so the load generator
// never shares their event loop, and every child is stopped by its own pid when the run ends.

import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { request } from "./http-client.ts";

export interface ServerChild {
  name: string;
  port: number;
  pid: number;
  /** The last lines the child wrote to stdout/stderr, for error reports. */
  tail(): string;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startChild(opts: {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
  timeoutMs?: number;
}): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, opts.args, {
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve((exited = code))),
  );
  const tail = () => lines.join("\n");

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined)
      throw new Error(`${opts.name} exited with ${exited} before it was ready:\n${tail()}`);
    try {
      const res = await request({ port: opts.port, method: "GET", path: opts.readyPath, timeoutMs: 1000 });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${opts.name} was not ready within ${opts.timeoutMs ?? 30_000} ms:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    name: opts.name,
    port: opts.port,
    pid: child.pid as number,
    tail,
    async stop() {
      if (exited !== undefined) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on every Linux build Node supports

/** CPU time (user + system) a process has used so far, in ms; null off Linux. */
/**
 * CPU time (ms) of every live process with this command name, plus what they reaped from exited children (so a
 * PostgreSQL backend that ends mid-step still counts, through its postmaster).
 */
export function cpuTimeOfCommandMs(command: string): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (name !== command) continue;
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) * TICK_MS;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15 of the whole line.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return null;
  }
}
