import { StoryListQuery } from "../routes/stories/schema.ts";
import { countryLabel, languageLabel, topicName, treatyName } from "./labels.ts";

/** The filters of the stories list and its feeds. */
export const ListFilterQuery = StoryListQuery.pick({ topic: true, country: true, treaty: true, language: true });
export type ListFilter = ReturnType<typeof ListFilterQuery.parse>;

/** The filter as a query string, without empty fields; `extra` adds e.g. a cursor. */
export function filterQuery(filter: ListFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The filter in words, for the heading and the feed titles. */
export function describeFilter(filter: ListFilter): string {
  const parts = [
    filter.topic && topicName(filter.topic),
    filter.treaty && treatyName(filter.treaty),
    filter.country && countryLabel(filter.country),
    filter.language && `in ${languageLabel(filter.language)}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : "All stories";
}

/** The sign-up form's query that starts from a list filter. */
export function subscribeQuery(filter: {
  topic?: string | undefined;
  treaty?: string | undefined;
  country?: string | undefined;
}): string {
  const params = new URLSearchParams();
  if (filter.topic) params.append("topics", filter.topic);
  if (filter.treaty) params.append("treaties", filter.treaty);
  if (filter.country) params.set("countries", filter.country);
  const text = params.toString();
  return text ? `?${text}` : "";
}
