// Feedback to the AI, end to end: reviewers mark escalations unnecessary with the intent the message really had,
// a retrain reports held-out accuracy before and after, activation switches triage at once, and `tandem train
// --from-db` trains on the same stored examples.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../adapters/model/model-files.ts";
import type { Tandem } from "../../main.ts";
import type { Responder } from "../../ports/responder.ts";
import { addAgent, bearer, newConversation, postMessage, startTandem } from "../../../test/support/tandem.ts";

const responder: Responder = {
  async respond() {
    return { kind: "reply", text: "Let me check that for you." };
  },
};

/** A topic the starter model has never heard of: engraving (no starter example mentions it). */
const ENGRAVING_QUESTIONS = [
  "can you engrave my initials on the watch",
  "how many letters fit in the engraving on a bracelet",
  "is engraving free on the silver pendant",
  "I want an engraved message inside the ring",
  "which fonts do you offer for engraving",
  "can I see a preview of the engraving before you make it",
  "the engraving on my necklace is misspelled",
  "how long does engraving add to delivery",
  "can you engrave a date on the back of the locket",
  "do you engrave emojis or only letters",
  "is an engraved item returnable",
  "can I engrave both sides of the keyring",
  "I forgot to add engraving to my order can I still",
  "what does engraving cost on a pen",
  "my engraved cufflinks have the wrong name",
  "can you engrave handwriting from a photo",
  "does the engraving fade over time",
  "can engraving be done in another language",
  "how deep is the laser engraving",
  "can I change the engraving text after ordering",
];

describe("retrain from reviewed escalations", () => {
  let t: Tandem;
  let root: string;
  let dbFile: string;
  let admin: { token: string };
  const post = (url: string, payload: object = {}) => t.app.inject({ method: "POST", url, headers: bearer(admin.token), payload });

  async function intentOf(text: string): Promise<string | undefined> {
    const c = await newConversation(t.app, { name: "Probe" });
    await postMessage(t.app, c.id, c.token, { clientMessageId: "p", text });
    const m = (await t.store.listMessages(c.id, { includeInternal: true })).find((x) => x.author === "customer");
    return (m?.triage as { intent?: string } | null)?.intent;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "tandem-retrain-"));
    dbFile = join(root, "tandem.db");
    t = await startTandem({ DATABASE_URL: `sqlite:${dbFile}`, ANALYTICS_REFRESH_SECONDS: "0", MODELS_DIR: join(root, "models") }, { responder });
    admin = await addAgent(t, "admin@example.com", { role: "admin" });
    await t.desk.stop();
    for (const [i, text] of ENGRAVING_QUESTIONS.entries()) {
      const c = await newConversation(t.app, { name: `Engraving ${i}` });
      await postMessage(t.app, c.id, c.token, { clientMessageId: "1", text });
      // Triage escalates a few on its own (a misspelt engraving is a complaint); the customer asks for the rest.
      if ((await t.store.getConversation(c.id))?.status === "waiting_human") continue;
      const esc = await t.app.inject({ method: "POST", url: `/api/v1/conversations/${c.id}/escalate`, headers: bearer(c.token) });
      expect(esc.statusCode, esc.body).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("turns verdicts into examples, shows before/after held-out accuracy, and activation changes triage", async () => {
    const probe = "please engrave a short message on the bracelet";
    expect(await intentOf(probe)).not.toBe("engraving");
    expect((await post("/api/v1/admin/model/retrain")).json().error.code).toBe("VALIDATION_FAILED"); // no examples yet

    const all = (await t.app.inject({ method: "GET", url: "/api/v1/admin/escalations?limit=100", headers: bearer(admin.token) })).json().escalations;
    // (The probe's own conversation may have escalated too; it is not reviewed.)
    const escalations = all.filter((e: { message: string }) => ENGRAVING_QUESTIONS.includes(e.message));
    expect(escalations).toHaveLength(ENGRAVING_QUESTIONS.length);
    for (const e of escalations) {
      const r = await post(`/api/v1/admin/escalations/${e.eventId}/review`, { verdict: "unnecessary", correctedIntent: "engraving" });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().example).toEqual({ text: e.message, label: "engraving" });
    }

    const retrain = await post("/api/v1/admin/model/retrain");
    expect(retrain.statusCode, retrain.body).toBe(200);
    const c = retrain.json().candidate;
    expect(c.operatorExamples).toBe(ENGRAVING_QUESTIONS.length);
    expect(c.heldOut).toBeGreaterThan(0);
    // The active model has no engraving label at all; the candidate learned it from the other examples.
    expect(c.accuracyBefore).toBe(0);
    expect(c.accuracyAfter).toBeGreaterThanOrEqual(0.5);

    // Nothing changes until activation.
    expect(await intentOf(probe)).not.toBe("engraving");
    const activated = await post("/api/v1/admin/model/activate", { candidateId: c.id });
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json().activated).toBe(c.dir);
    expect(await intentOf(probe)).toBe("engraving");
    expect((await post("/api/v1/admin/model/activate", { candidateId: c.id })).statusCode).toBe(404); // used up
  }, 120_000);

  it("tandem train --from-db adds the stored operator examples to the training data", () => {
    const bin = resolve(import.meta.dirname, "../../../bin/tandem.js");
    const out = join(root, "cli-model");
    const r = spawnSync(process.execPath, [bin, "train", "--data", resolve(import.meta.dirname, "../../../models/starter-data"), "--out", out, "--from-db"], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`adding ${ENGRAVING_QUESTIONS.length} operator examples from the database`);
    return loadModel(out).then((model) => {
      expect(model.labels).toContain("engraving");
      expect(model.predict("can you engrave the inside of a ring").intent).toBe("engraving");
    });
  }, 120_000);
});
