// The skill an escalated conversation asks for (routing rules' `skills`, from the intent that escalated it), so
// assignment can offer billing questions to the billing team first. Null for conversations that need none.

import type { Kysely } from "kysely";

export function conversationSkillMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("conversations").addColumn("skill", "text").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("conversations").dropColumn("skill").execute();
    },
  };
}
