import { type KeywordExpr, matchKeywords } from "./keywords.ts";
import type { SubscriptionFilter } from "./subscription.ts";
import type { Story } from "./types.ts";

export interface FilterMatch {
  matched: boolean;
  /** Why it matched, one line a dimension, e.g. `topic: mine-use`. */
  reasons: string[];
}

function overlap<T>(label: string, wanted: readonly T[] | undefined, has: readonly T[], reasons: string[]): boolean {
  if (!wanted || wanted.length === 0) return true;
  const common = wanted.filter((value) => has.includes(value));
  if (common.length === 0) return false;
  reasons.push(`${label}: ${common.join(", ")}`);
  return true;
}

/**
 * Whether a story passes a subscription filter. Every given dimension must match; within
 * one any value does. `keywords` is the filter's parsed expression. Languages are not
 * checked here: a story gathers outlets in many languages.
 */
export function matchStoryFilter(story: Story, filter: SubscriptionFilter, keywords?: KeywordExpr): FilterMatch {
  const reasons: string[] = [];
  const matched =
    overlap("topic", filter.topics, story.topics, reasons) &&
    overlap("category", filter.categories, story.categories, reasons) &&
    overlap("country", filter.countries, story.countries, reasons) &&
    overlap("treaty", filter.treaties, story.treaties, reasons) &&
    (filter.minScore === undefined || story.score >= filter.minScore) &&
    keywordsMatch(story, keywords, reasons);
  if (matched && filter.minScore !== undefined) reasons.push(`score: ${story.score} ≥ ${filter.minScore}`);
  return matched ? { matched, reasons } : { matched, reasons: [] };
}

function keywordsMatch(story: Story, keywords: KeywordExpr | undefined, reasons: string[]): boolean {
  if (!keywords) return true;
  const text = [story.title, story.summary, ...story.sources.map((source) => source.title)].join("\n");
  const result = matchKeywords(keywords, text);
  if (result.matched && result.terms.length > 0) reasons.push(`keywords: ${result.terms.join(", ")}`);
  return result.matched;
}
