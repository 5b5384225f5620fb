// The canned-response library as the desk and the API see it: held in memory (assist ranks it on every refresh),
// changed by admins through the database, and re-read on every node when any node changes it.

import { randomBytes } from "node:crypto";
import type { CannedInput, CannedResponse } from "../domain/assist/index.ts";
import { AppError } from "../domain/errors.ts";
import { type Bus, topics } from "../ports/bus.ts";
import type { CannedStore, StoredCannedResponse } from "../ports/canned.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "./conversation-service.ts";

export interface CannedLibraryDeps {
  store: CannedStore;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** The library to start from when the database has never held one (the YAML file). */
  seed: () => Promise<readonly CannedResponse[]>;
  /** Identifies this node's own bus events, which it has applied already. */
  origin?: string;
}

export interface CannedLibrary {
  /** The current library, newest read; synchronous so assist never waits on the database. */
  current(): readonly StoredCannedResponse[];
  create(input: CannedInput, actorId: string): Promise<StoredCannedResponse>;
  update(id: string, input: CannedInput, actorId: string): Promise<StoredCannedResponse>;
  remove(id: string, actorId: string): Promise<void>;
  /** Re-reads the library from the database. */
  reload(): Promise<void>;
  /** Seeds when needed, loads, and follows other nodes' changes. */
  start(): Promise<void>;
  stop(): void;
}

/** "/refund" -> "refund"; a random suffix when the id is taken (a response once had that shortcut). */
const idFor = (shortcut: string, taken: boolean) =>
  taken ? `${shortcut.slice(1)}-${randomBytes(3).toString("hex")}` : shortcut.slice(1);

export function createCannedLibrary(deps: CannedLibraryDeps): CannedLibrary {
  const { store, bus, clock, log } = deps;
  const origin = deps.origin ?? randomBytes(8).toString("hex");
  let library: readonly StoredCannedResponse[] = [];
  // Reloads can overlap (a local change and a remote one); only the latest started may replace the library, so a
  // slow earlier read never overwrites a newer one.
  let started = 0;
  let unsubscribe: (() => void) | null = null;

  async function reload(): Promise<void> {
    const generation = ++started;
    const rows = await store.list();
    if (generation === started) library = rows;
  }

  async function changed(responseId: string): Promise<void> {
    await reload();
    // Other nodes catch up through their own reload; a lost event is healed by the bus's resync.
    await bus
      .publish(topics.canned, { type: "canned_change", origin, responseId })
      .catch((err: unknown) => log.warn({ err, responseId }, "canned change not published"));
  }

  const taken = (shortcut: string) =>
    new AppError("SHORTCUT_TAKEN", `the shortcut ${shortcut} belongs to another response`);

  return {
    current: () => library,

    async create(input, actorId) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const id = idFor(input.shortcut, attempt > 0);
        const response: StoredCannedResponse = { id, ...input, updatedAt: clock.now(), updatedBy: actorId };
        const r = await store.insert(response);
        if (r.ok) {
          log.info({ responseId: id, shortcut: input.shortcut, actorId }, "canned response created");
          await changed(id);
          return response;
        }
        if (r.conflict === "shortcut_taken") throw taken(input.shortcut);
      }
      throw new AppError("INTERNAL", "no free id for the response");
    },

    async update(id, input, actorId) {
      const response: StoredCannedResponse = { id, ...input, updatedAt: clock.now(), updatedBy: actorId };
      const r = await store.update(response);
      if (!r.ok) {
        if (r.conflict === "shortcut_taken") throw taken(input.shortcut);
        throw new AppError("NOT_FOUND", `no canned response ${id}`);
      }
      log.info({ responseId: id, shortcut: input.shortcut, actorId }, "canned response updated");
      await changed(id);
      return response;
    },

    async remove(id, actorId) {
      if (!(await store.delete(id, actorId, clock.now())))
        throw new AppError("NOT_FOUND", `no canned response ${id}`);
      log.info({ responseId: id, actorId }, "canned response deleted");
      await changed(id);
    },

    reload,

    async start() {
      const seeded = await store.seedIfNeverManaged(await deps.seed(), clock.now());
      if (seeded > 0) log.info({ count: seeded }, "canned responses seeded from the library file");
      unsubscribe = bus.subscribe(topics.canned, (e) => {
        if ((e.type === "canned_change" && e.origin !== origin) || e.type === "resync") {
          reload().catch((err: unknown) => log.warn({ err }, "canned responses not reloaded"));
        }
      });
      await reload();
    },

    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
