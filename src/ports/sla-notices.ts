// Which SLA warnings and breaches were already announced, shared by every node: the first to claim a notice sends it.

import type { SlaEvent } from "../domain/sla/index.ts";

export interface SlaNotice {
  conversationId: string;
  metric: SlaEvent["metric"];
  kind: SlaEvent["kind"];
  /** The instant the warning or breach fell due (epoch ms): with the rest, it names the notice. */
  dueAt: number;
}

export interface SlaNoticeLedger {
  /** True for exactly one caller per notice across the cluster; false when it was already claimed. */
  claim(notice: SlaNotice): Promise<boolean>;
  /** Forgets notices that fell due before `before` (they can never be due again). */
  prune(before: number): Promise<void>;
}
