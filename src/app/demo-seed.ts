// Demo data for a first start: agents on each tier, a supervisor, an admin and a demo customer with history.

import type { User } from "../domain/model.ts";
import type { Store } from "../ports/store.ts";
import type { UserService } from "./user-service.ts";

export const DEMO_PASSWORD = "tandem-demo";

export const demoUsers = [
  { email: "sarah@demo.tandem", displayName: "Sarah", role: "agent", tier: 1, skills: ["orders", "accounts"], languages: ["en", "es"], capacity: 5 },
  { email: "tom@demo.tandem", displayName: "Tom", role: "agent", tier: 2, skills: ["billing", "refunds", "technical"], languages: ["en", "fr"], capacity: 4 },
  { email: "maria@demo.tandem", displayName: "Maria", role: "agent", tier: 3, skills: ["legal", "complaints"], languages: ["en", "de", "es"], capacity: 3 },
  { email: "sam@demo.tandem", displayName: "Sam", role: "supervisor", tier: 3, skills: [], languages: ["en"], capacity: 3 },
  { email: "admin@demo.tandem", displayName: "Admin", role: "admin", tier: 3, skills: [], languages: ["en"], capacity: 0 },
] as const;

/** The demo shop's signed-in customer: its /demo page vouches for them, as a real shop's page would for its user. */
export const DEMO_CUSTOMER = { externalId: "demo-customer-1", name: "Alex Rivera", email: "demo.customer@example.com" } as const;

/** Seeds only an empty database; returns the users it created (empty when there was data already). */
export async function seedDemo(store: Store, users: UserService): Promise<User[]> {
  if ((await store.listUsers()).length > 0) return [];
  const created: User[] = [];
  for (const u of demoUsers) {
    created.push(await users.create({ ...u, skills: [...u.skills], languages: [...u.languages], password: DEMO_PASSWORD, presence: "offline" }));
  }
  await store.createCustomer({
    ...DEMO_CUSTOMER,
    locale: "en",
    attributes: { lifetimeValue: 4200, plan: "premium", contractTerms: "Annual plan, renews 2027-03-01", notes: "Prefers email follow-ups" },
  });
  return created;
}
