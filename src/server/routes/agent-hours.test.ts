// Business hours through the admin API: a week with days off is accepted and stored, bad zones and times are
// refused with their field, and null clears the hours (always available while online).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tandem } from "../../main.ts";
import { addAgent, bearer, startTandem } from "../../../test/support/tandem.ts";

describe("agent business hours", () => {
  let t: Tandem;
  let admin: { token: string };
  let agent: { user: { id: string } };
  const patch = (payload: object) => t.app.inject({ method: "PATCH", url: `/api/v1/admin/users/${agent.user.id}`, headers: bearer(admin.token), payload });

  beforeAll(async () => {
    t = await startTandem();
    admin = await addAgent(t, "admin@example.com", { role: "admin" });
    agent = await addAgent(t, "agent@example.com");
  });
  afterAll(() => t?.close());

  it("stores a week with days off", async () => {
    const hours = { tz: "Europe/Berlin", days: { mon: ["09:00", "17:00"], sat: ["10:00", "14:00"] } };
    const res = await patch({ businessHours: hours });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.businessHours).toEqual(hours);
    expect((await t.store.getUser(agent.user.id))?.businessHours).toEqual(hours);
  });

  it("refuses unknown time zones and impossible times, naming the field", async () => {
    const zone = await patch({ businessHours: { tz: "Mars/Olympus", days: {} } });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.message).toContain("businessHours.tz");
    const time = await patch({ businessHours: { tz: "UTC", days: { mon: ["25:00", "26:00"] } } });
    expect(time.statusCode).toBe(400);
    expect(time.json().error.message).toContain("businessHours.days.mon");
    expect((await patch({ businessHours: { tz: "UTC", days: { someday: ["09:00", "10:00"] } } })).statusCode).toBe(400);
  });

  it("clears the hours with null", async () => {
    const res = await patch({ businessHours: null });
    expect(res.statusCode).toBe(200);
    expect((await t.store.getUser(agent.user.id))?.businessHours).toBeNull();
  });
});
