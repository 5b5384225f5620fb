// Reads a V8 .cpuprofile (from `node --cpu-prof`) and says where the server's time went: self and inclusive time
// by package or project file, and the hottest functions, so suggestions in the report rest on evidence.

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle: what the process actually spent on the CPU. */
  busyMs: number;
  selfByGroup: ProfileRow[];
  inclusiveByGroup: ProfileRow[];
  topSelfFunctions: ProfileRow[];
  topInclusiveProjectFunctions: ProfileRow[];
}

/** Groups a frame: a node_modules package, a project file, a node: builtin, or V8's pseudo-frames. */
export function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return url.split("/")[0] ?? url;
  const src = url.search(/\/(src|bin)\//);
  if (src >= 0) return url.slice(src + 1);
  return url;
}

function rows(m: Map<string, number>, busyMs: number, limit: number): ProfileRow[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: us / 1000, share: busyMs > 0 ? us / 1000 / busyMs : 0 }));
}

/** A span of the monotonic clock in µs (V8 profiles and process.hrtime share it on one machine). */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

/**
 * Summarizes the samples taken inside `windows` (all samples when none are given), so start-up, set-up and the
 * final read-back do not dilute the figures for the measured traffic.
 */
export function summarizeProfile(
  p: CpuProfile,
  limit = 20,
  windows: readonly TimeWindow[] = [],
): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfGroup = new Map<string, number>();
  const inclGroup = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclProjectFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

  const inWindow = (t: number) => windows.length === 0 || windows.some((w) => t >= w.startUs && t <= w.endUs);
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (!inWindow(t)) continue;
    total += dt;
    const leaf = byId.get(p.samples[i] as number);
    if (!leaf) continue;
    const { functionName, url, lineNumber } = leaf.callFrame;
    if (functionName === "(idle)") {
      idle += dt;
      continue;
    }
    const g = groupOf(url, functionName);
    add(selfGroup, g, dt);
    add(selfFn, `${functionName || "(anonymous)"} ${g}:${lineNumber + 1}`, dt);
    // Inclusive: count each group / project function once per sample, however deep the recursion.
    const seenGroups = new Set<string>();
    const seenFns = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (!n) break;
      const grp = groupOf(n.callFrame.url, n.callFrame.functionName);
      if (!seenGroups.has(grp)) {
        seenGroups.add(grp);
        add(inclGroup, grp, dt);
      }
      if (grp.startsWith("src/") && n.callFrame.functionName) {
        const fn = `${n.callFrame.functionName} ${grp}:${n.callFrame.lineNumber + 1}`;
        if (!seenFns.has(fn)) {
          seenFns.add(fn);
          add(inclProjectFn, fn, dt);
        }
      }
    }
  }
  const busyMs = (total - idle) / 1000;
  return {
    totalMs: total / 1000,
    busyMs,
    selfByGroup: rows(selfGroup, busyMs, limit),
    inclusiveByGroup: rows(inclGroup, busyMs, limit),
    topSelfFunctions: rows(selfFn, busyMs, limit),
    topInclusiveProjectFunctions: rows(inclProjectFn, busyMs, limit),
  };
}
