// One way to time every system in the evaluation, ours and the peers alike, so throughput ratios are fair.

export interface Timing<T> {
  outputs: T[];
  /** Median messages per second over the timing rounds. */
  messagesPerSecond: number;
  /** Per-message latency over one pass, microseconds. */
  p50Micros: number;
  p99Micros: number;
}

/**
 * How long each system is run before it is timed. A server is long-running, so what matters is the steady state:
 * V8 only promotes a function to its optimising compiler after enough calls, and a fixed number of passes favours
 * slow systems (one pass of NLP.js is ten times as many microseconds as one of ours). Every system gets the same
 * wall-clock budget instead.
 */
export const WARMUP_MS = 2000;
const MIN_WARMUP_PASSES = 3;

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/**
 * Warm-up for WARMUP_MS (at least 3 passes), then per-message latency over one pass, then the median rate over
 * `rounds` further passes. A synchronous system is called synchronously: awaiting a plain value costs a microtask
 * (~1 µs) that is the harness's, not its own.
 */
export async function timePasses<T>(
  texts: readonly string[],
  rounds: number,
  fn: (t: string) => T | Promise<T>,
): Promise<Timing<T>> {
  const pass = async () => {
    for (const t of texts) {
      const r = fn(t);
      if (r instanceof Promise) await r;
    }
  };
  const warmStart = performance.now();
  for (let w = 0; w < MIN_WARMUP_PASSES || performance.now() - warmStart < WARMUP_MS; w++) await pass();
  const outputs: T[] = [];
  const lat = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn(texts[i] as string);
    outputs.push(r instanceof Promise ? await r : r);
    lat[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  lat.sort();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await pass();
    rates.push(texts.length / ((performance.now() - t0) / 1000));
  }
  const at = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] as number;
  return { outputs, messagesPerSecond: median(rates), p50Micros: at(0.5), p99Micros: at(0.99) };
}

/**
 * Throughput of several systems measured in alternation: `rounds` rounds, each giving every system in turn at least
 * `minRoundMs` of whole passes. A shared machine drifts over seconds (other work, frequency), and timing one system
 * after another puts that drift into their ratio; alternating puts both sides of each round's ratio under the same
 * conditions. Call it after each system has been warmed up (timePasses does that).
 */
export async function interleavedRates(
  texts: readonly string[],
  rounds: number,
  systems: Record<string, (t: string) => unknown>,
  minRoundMs = 250,
): Promise<Record<string, number[]>> {
  const rates: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(systems)) {
      let done = 0;
      const t0 = performance.now();
      let elapsed = 0;
      do {
        for (const t of texts) {
          const out = fn(t);
          if (out instanceof Promise) await out;
        }
        done += texts.length;
        elapsed = performance.now() - t0;
      } while (elapsed < minRoundMs);
      (rates[name] ??= []).push(done / (elapsed / 1000));
    }
  }
  return rates;
}

/** Median of the per-round ratios a[r] / b[r], with their range: the fair way to state "a is N times b". */
export function roundRatios(
  a: readonly number[],
  b: readonly number[],
): { median: number; min: number; max: number } {
  const ratios = a.map((x, i) => x / (b[i] as number)).sort((x, y) => x - y);
  return { median: median(ratios), min: ratios[0] as number, max: ratios[ratios.length - 1] as number };
}
