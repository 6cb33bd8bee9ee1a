import type { KeywordExpr } from "./keywords.ts";
import { buildMatchIndex } from "./match.ts";
import { DEFAULT_DIGEST_STORIES, type Subscription, type SubscriptionFilter } from "./subscription.ts";
import { matchStoryFilter } from "./subscription-filter.ts";
import { type Category, TOPIC_LABELS, TOPICS, type Topic } from "./taxonomy.ts";
import { foldWhitespace, words } from "./text.ts";
import type { Story, Timestamp } from "./types.ts";

/** One numbered source of a digest entry; the date is the item's own, or absent. */
export interface DigestReference {
  number: number;
  outlet: string;
  title: string;
  publishedAt?: Timestamp | undefined;
  link?: string | undefined;
}

/** A summary sentence taken from a source, with the numbers of the references that say it. */
export interface CitedSentence {
  text: string;
  citations: number[];
}

export interface DigestEntry {
  storyId: string;
  version: number;
  headline: string;
  summary: CitedSentence[];
  references: DigestReference[];
  topics: Topic[];
  categories: Category[];
  rank: number;
}

export interface DigestSection {
  topic: Topic | "other";
  label: string;
  entries: DigestEntry[];
}

export interface Digest {
  subscriptionId: string;
  period: string;
  windowStart: Timestamp;
  windowEnd: Timestamp;
  sections: DigestSection[];
  storyCount: number;
  /** Stories of the window that matched but were left out by the subscription's limit. */
  omitted: number;
}

export interface DigestInput {
  subscriptionId: string;
  period: string;
  windowStart: Date;
  windowEnd: Date;
  filter: SubscriptionFilter;
  keywords?: KeywordExpr | undefined;
  /** Candidate stories; those outside the window or the filter are left out here. */
  stories: readonly Story[];
  /** Item summaries by item id, where the store has them; headline-only items have none. */
  itemSummaries?: ReadonlyMap<string, string> | undefined;
  /** The subscription's limit; those beyond it are counted in `omitted`, never dropped silently. */
  maxStories?: number | undefined;
  maxSentences?: number | undefined;
}

/** Rank = relevance, then how widely reported, then how recent; each in [0, 1]. */
function rankStory(story: Story, windowStart: number, windowEnd: number): number {
  const outlets = new Set(story.sources.map((source) => source.outlet)).size;
  const breadth = Math.min(1, Math.log2(1 + outlets) / 3);
  const span = Math.max(1, windowEnd - windowStart);
  const recency = Math.min(1, Math.max(0, (Date.parse(story.updatedAt) - windowStart) / span));
  return 0.5 * story.score + 0.35 * breadth + 0.15 * recency;
}

function sentences(text: string): string[] {
  return (foldWhitespace(text).match(/[^.!?]+[.!?]+(?=\s|$)|[^.!?]+$/g) ?? [])
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.split(" ").length >= 5);
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const word of a) if (b.has(word)) common++;
  return common / Math.max(1, Math.min(a.size, b.size));
}

/**
 * An extractive summary: sentences from the sources' own summaries, scored by how
 * many words they share with the whole story, near-duplicates folded together
 * with every source that said them cited.
 */
export function summarise(
  story: Story,
  itemSummaries: ReadonlyMap<string, string> | undefined,
  max: number,
): CitedSentence[] {
  // Each source speaks through its summary's sentences or, when it has none (headline-only feeds), its headline.
  const candidates = story.sources.flatMap((source, index) => {
    const own = sentences(itemSummaries?.get(source.itemId) ?? "");
    const said = own.length > 0 ? own : sentences(source.title);
    return said.map((text) => ({ text, citation: index + 1 }));
  });
  // Without item summaries, the story's own summary is its first source's.
  if (candidates.length === 0 && story.sources.length > 0) {
    candidates.push(...sentences(story.summary).map((text) => ({ text, citation: 1 })));
  }
  const frequency = new Map<string, number>();
  const wordSets = candidates.map((candidate) => new Set(words(candidate.text)));
  for (const set of wordSets) for (const word of set) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const scored = candidates
    .map((candidate, index) => {
      const set = wordSets[index] ?? new Set<string>();
      let weight = 0;
      for (const word of set) weight += frequency.get(word) ?? 0;
      return { ...candidate, set, score: weight / Math.sqrt(Math.max(1, set.size)), order: index };
    })
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const chosen: { text: string; set: Set<string>; citations: Set<number>; order: number }[] = [];
  for (const candidate of scored) {
    const same = chosen.find((sentence) => overlap(sentence.set, candidate.set) >= 0.6);
    if (same) same.citations.add(candidate.citation);
    else if (chosen.length < max)
      chosen.push({
        text: candidate.text,
        set: candidate.set,
        citations: new Set([candidate.citation]),
        order: candidate.order,
      });
  }
  return chosen
    .sort((a, b) => a.order - b.order)
    .map((sentence) => ({ text: sentence.text, citations: [...sentence.citations].sort((a, b) => a - b) }));
}

function entryFor(
  story: Story,
  input: Pick<DigestInput, "itemSummaries" | "maxSentences" | "windowStart" | "windowEnd">,
): DigestEntry {
  return {
    storyId: story.id,
    version: story.version,
    headline: story.title,
    summary: summarise(story, input.itemSummaries, input.maxSentences ?? 3),
    references: story.sources.map((source, index) => ({
      number: index + 1,
      outlet: source.outlet,
      title: source.title,
      publishedAt: source.publishedAt,
      link: source.link,
    })),
    topics: [...story.topics],
    categories: [...story.categories],
    rank: rankStory(story, input.windowStart.getTime(), input.windowEnd.getTime()),
  };
}

/** The section a story goes under: its first topic the subscriber asked for, else its first topic. */
function sectionOf(story: Story, filter: SubscriptionFilter): Topic | "other" {
  return story.topics.find((topic) => filter.topics?.includes(topic)) ?? story.topics[0] ?? "other";
}

/**
 * At most `limit` of the ranked stories: first the best of each topic, so a busy topic
 * cannot crowd the others out, then the rest by rank.
 */
function withinLimit<T extends { story: Story; entry: DigestEntry }>(
  ranked: readonly T[],
  limit: number,
  filter: SubscriptionFilter,
): T[] {
  const leaders = new Map<Topic | "other", T>();
  for (const candidate of ranked) {
    const topic = sectionOf(candidate.story, filter);
    if (!leaders.has(topic)) leaders.set(topic, candidate);
  }
  const chosen = new Set([...leaders.values()].slice(0, limit));
  for (const candidate of ranked) {
    if (chosen.size >= limit) break;
    chosen.add(candidate);
  }
  return ranked.filter((candidate) => chosen.has(candidate));
}

interface RankedStory {
  story: Story;
  entry: DigestEntry;
}

/** The digest of stories already chosen for a subscriber, each with its entry; undefined when there are none. */
function digestOf(
  input: Pick<DigestInput, "subscriptionId" | "period" | "windowStart" | "windowEnd" | "filter" | "maxStories">,
  matched: RankedStory[],
): Digest | undefined {
  const ranked = matched.sort((a, b) => b.entry.rank - a.entry.rank || a.story.id.localeCompare(b.story.id));
  const chosen = withinLimit(ranked, Math.max(1, input.maxStories ?? DEFAULT_DIGEST_STORIES), input.filter);
  if (chosen.length === 0) return undefined;
  const groups = new Map<Topic | "other", DigestEntry[]>();
  for (const { story, entry } of chosen) {
    const topic = sectionOf(story, input.filter);
    const group = groups.get(topic);
    if (group) group.push(entry);
    else groups.set(topic, [entry]);
  }
  const order: (Topic | "other")[] = [...TOPICS, "other"];
  const sections = order
    .filter((topic) => groups.has(topic))
    .map((topic) => ({
      topic,
      label: topic === "other" ? "Other news" : TOPIC_LABELS[topic],
      entries: groups.get(topic) ?? [],
    }));
  return {
    subscriptionId: input.subscriptionId,
    period: input.period,
    windowStart: input.windowStart.toISOString(),
    windowEnd: input.windowEnd.toISOString(),
    sections,
    storyCount: chosen.length,
    omitted: ranked.length - chosen.length,
  };
}

function inWindow(story: Story, start: number, end: number): boolean {
  const updated = Date.parse(story.updatedAt);
  return updated >= start && updated < end;
}

/**
 * Composes a subscriber's digest: the stories updated in the window that pass the
 * filter, grouped by topic (in taxonomy order) and ranked within each group. Past the
 * limit the rest are counted, not listed. Undefined when the window has nothing for this subscriber.
 */
export function composeDigest(input: DigestInput): Digest | undefined {
  const start = input.windowStart.getTime();
  const end = input.windowEnd.getTime();
  const matched = input.stories
    .filter((story) => inWindow(story, start, end))
    .filter((story) => matchStoryFilter(story, input.filter, input.keywords).matched)
    .map((story) => ({ story, entry: entryFor(story, input) }));
  return digestOf(input, matched);
}

/** One window's stories, and what every digest of it quotes from them. */
export interface DigestWindow {
  period: string;
  windowStart: Date;
  windowEnd: Date;
  /** Candidate stories; those outside the window are left out here. */
  stories: readonly Story[];
  itemSummaries?: ReadonlyMap<string, string> | undefined;
  maxSentences?: number | undefined;
}

/** The most stories a subscription's digest lists: its cadence's limit, the default for none. */
export function digestLimit(subscription: Subscription): number | undefined {
  return subscription.cadence.kind === "instant" ? undefined : subscription.cadence.maxStories;
}

/**
 * The digests of many subscriptions over one window, each the digest `composeDigest` makes of
 * it: the stories are drawn through the match index (each story of the window visits only the
 * subscriptions that could want it, rather than each subscription testing every story), and
 * each story's entry (its cited summary and references) is made once for all who get it.
 * Keywords that do not parse filter nothing, as in `composeDigest` without them.
 */
export function composeDigests(
  window: DigestWindow,
  subscriptions: readonly Subscription[],
): Map<string, Digest | undefined> {
  const index = buildMatchIndex(subscriptions, { unparsableKeywords: "ignored" });
  const start = window.windowStart.getTime();
  const end = window.windowEnd.getTime();
  const matched = new Map<string, RankedStory[]>();
  for (const story of window.stories) {
    if (!inWindow(story, start, end)) continue;
    const matches = index.match(story);
    if (matches.length === 0) continue;
    const ranked = { story, entry: entryFor(story, window) };
    for (const { subscription } of matches) {
      const list = matched.get(subscription.id);
      if (list) list.push(ranked);
      else matched.set(subscription.id, [ranked]);
    }
  }
  return new Map(
    subscriptions.map((subscription) => [
      subscription.id,
      digestOf(
        {
          subscriptionId: subscription.id,
          period: window.period,
          windowStart: window.windowStart,
          windowEnd: window.windowEnd,
          filter: subscription.filter,
          maxStories: digestLimit(subscription),
        },
        matched.get(subscription.id) ?? [],
      ),
    ]),
  );
}
