// Agents rate every assist suggestion; this defines the rating and aggregates ratings per suggestion type so
// reports show which kinds of help agents actually use.

import { z } from "zod";

export const SUGGESTION_TYPES = ["summary", "article", "reply", "flag", "next_step", "draft"] as const;
export type SuggestionType = (typeof SUGGESTION_TYPES)[number];

export const RATINGS = ["helpful", "not_helpful", "used_as_is", "edited"] as const;
export type Rating = (typeof RATINGS)[number];

export interface SuggestionRating {
  suggestionId: string;
  suggestionType: SuggestionType;
  conversationId: string;
  agentId: string;
  rating: Rating;
  createdAt: string;
}

/** Whether an id is one the panel gives suggestions of this type (see suggestionId in assist.ts). */
export function suggestionIdMatchesType(suggestionId: string, type: SuggestionType): boolean {
  return new RegExp(`^sug_${type}_[0-9a-z]+$`).test(suggestionId);
}

/**
 * What the console posts; the server adds agentId and createdAt. The id must be one the panel gives for that type:
 * a reply's id filed as an article, or a made-up id, would skew the per-type report the ratings exist for.
 */
export const suggestionRatingInputSchema = z
  .object({
    suggestionId: z.string().min(1).max(200),
    suggestionType: z.enum(SUGGESTION_TYPES),
    rating: z.enum(RATINGS),
  })
  .strict()
  .refine((r) => suggestionIdMatchesType(r.suggestionId, r.suggestionType), {
    path: ["suggestionId"],
    message: "not an assist suggestion id of this suggestionType",
  });

export interface RatingAggregate {
  /** Ratings counted (one per agent per suggestion, the latest). */
  total: number;
  suggestionsRated: number;
  helpful: number;
  notHelpful: number;
  usedAsIs: number;
  edited: number;
  /** (helpful + used as is + edited) / total; null without ratings. */
  positiveRate: number | null;
  /** (used as is + edited) / total: how often the suggestion went into a reply. */
  usageRate: number | null;
  /** edited / (used as is + edited): how often agents had to adapt it. */
  editRate: number | null;
}

function empty(): RatingAggregate {
  return {
    total: 0,
    suggestionsRated: 0,
    helpful: 0,
    notHelpful: 0,
    usedAsIs: 0,
    edited: 0,
    positiveRate: null,
    usageRate: null,
    editRate: null,
  };
}

/** Aggregates per suggestion type. An agent who changes their mind counts once, with their latest rating. */
export function aggregateRatings(
  ratings: readonly SuggestionRating[],
): Record<SuggestionType, RatingAggregate> {
  const latest = new Map<string, SuggestionRating>();
  for (const r of ratings) {
    const key = `${r.suggestionId}\u0000${r.agentId}`;
    const prev = latest.get(key);
    if (!prev || prev.createdAt <= r.createdAt) latest.set(key, r);
  }
  const out = Object.fromEntries(SUGGESTION_TYPES.map((t) => [t, empty()])) as Record<
    SuggestionType,
    RatingAggregate
  >;
  const suggestions = new Map<SuggestionType, Set<string>>();
  for (const r of latest.values()) {
    const a = out[r.suggestionType];
    a.total++;
    if (r.rating === "helpful") a.helpful++;
    else if (r.rating === "not_helpful") a.notHelpful++;
    else if (r.rating === "used_as_is") a.usedAsIs++;
    else a.edited++;
    let set = suggestions.get(r.suggestionType);
    if (!set) suggestions.set(r.suggestionType, (set = new Set()));
    set.add(r.suggestionId);
  }
  for (const t of SUGGESTION_TYPES) {
    const a = out[t];
    a.suggestionsRated = suggestions.get(t)?.size ?? 0;
    if (a.total > 0) {
      a.positiveRate = (a.helpful + a.usedAsIs + a.edited) / a.total;
      a.usageRate = (a.usedAsIs + a.edited) / a.total;
    }
    if (a.usedAsIs + a.edited > 0) a.editRate = a.edited / (a.usedAsIs + a.edited);
  }
  return out;
}
