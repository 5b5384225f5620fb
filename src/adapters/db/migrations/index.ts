// Versioned migrations, in order. Names sort lexically; add new ones at the end and never edit a shipped one.

import type { Migration } from "kysely/migration";
import type { DialectName } from "../database.ts";
import { coreMigration } from "./001-core.ts";
import { knowledgeMigration } from "./002-knowledge.ts";
import { presenceMigration } from "./003-presence.ts";
import { reviewMigration } from "./004-review.ts";
import { cannedMigration } from "./005-canned.ts";
import { slaNoticesMigration } from "./006-sla-notices.ts";
import { analyticsLocalDaysMigration } from "./007-analytics-local-days.ts";
import { conversationSkillMigration } from "./008-conversation-skill.ts";

export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    "001-core": coreMigration(dialect),
    "002-knowledge": knowledgeMigration(dialect),
    "003-presence": presenceMigration(dialect),
    "004-review": reviewMigration(dialect),
    "005-canned": cannedMigration(dialect),
    "006-sla-notices": slaNoticesMigration(dialect),
    "007-analytics-local-days": analyticsLocalDaysMigration(dialect),
    "008-conversation-skill": conversationSkillMigration(),
  };
}
