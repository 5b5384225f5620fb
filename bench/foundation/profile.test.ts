import { describe, expect, it } from "vitest";
import { type CpuProfile, groupOf, summarizeProfile } from "./profile.ts";

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

describe("cpu profile summary", () => {
  it("groups frames by package, project file and builtin", () => {
    expect(groupOf("file:///w/node_modules/kysely/dist/esm/index.js", "f")).toBe("kysely");
    expect(groupOf("file:///w/node_modules/@fastify/websocket/index.js", "f")).toBe("@fastify/websocket");
    expect(groupOf("file:///w/main/src/server/stream.ts", "f")).toBe("src/server/stream.ts");
    expect(groupOf("node:internal/http", "f")).toBe("node:internal");
    expect(groupOf("", "(garbage collector)")).toBe("(garbage collector)");
  });

  it("charges self time to the leaf and inclusive time once to every group on the stack, leaving idle out", () => {
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 5] },
        { id: 2, callFrame: frame("handler", "file:///a/src/server/app.ts"), children: [3] },
        { id: 3, callFrame: frame("execute", "file:///a/node_modules/kysely/x.js"), children: [4] },
        { id: 4, callFrame: frame("execute", "file:///a/node_modules/kysely/y.js"), children: [] },
        { id: 5, callFrame: frame("(idle)", ""), children: [] },
      ],
      samples: [4, 2, 5, 4],
      timeDeltas: [1000, 1000, 5000, 2000],
      startTime: 0,
      endTime: 9000,
    };
    const s = summarizeProfile(p);
    expect(s.totalMs).toBe(9);
    expect(s.busyMs).toBe(4);
    expect(s.selfByGroup[0]).toMatchObject({ name: "kysely", ms: 3 });
    expect(s.inclusiveByGroup.find((r) => r.name === "src/server/app.ts")?.ms).toBe(4);
    expect(s.inclusiveByGroup.find((r) => r.name === "kysely")?.ms).toBe(3);
    expect(s.topInclusiveProjectFunctions[0]).toMatchObject({
      name: "handler src/server/app.ts:1",
      ms: 4,
      share: 1,
    });
  });

  it("keeps only the samples inside the given time windows", () => {
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3] },
        { id: 2, callFrame: frame("setup", "file:///a/src/main.ts"), children: [] },
        { id: 3, callFrame: frame("handler", "file:///a/src/server/app.ts"), children: [] },
      ],
      samples: [2, 2, 3, 3, 2],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
      startTime: 10_000,
      endTime: 15_000,
    };
    const s = summarizeProfile(p, 20, [{ startUs: 12_500, endUs: 14_000 }]);
    expect(s.busyMs).toBe(2);
    expect(s.selfByGroup).toEqual([{ name: "src/server/app.ts", ms: 2, share: 1 }]);
  });
});
