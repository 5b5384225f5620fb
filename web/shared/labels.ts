// Readable words for the codes the server sends about a conversation's state, shared by the console and the admin.

export const STATUS_LABEL: Record<string, string> = {
  ai: "With the AI",
  waiting_human: "Waiting in queue",
  human: "With an agent",
  resolved: "Resolved",
};

/** "refund_issued" → "refund issued": a code nobody gave words to yet reads as words, not as an identifier. */
export const codeLabel = (code: string): string => code.replace(/_/g, " ");

export const statusLabel = (status: string): string => STATUS_LABEL[status] ?? codeLabel(status);

/** Where a conversation ended up: "Resolved (refund issued)", "Waiting in queue". */
export function outcomeLabel(status: string, resolutionCode: string | null | undefined): string {
  return resolutionCode ? `${statusLabel(status)} (${codeLabel(resolutionCode)})` : statusLabel(status);
}
