import { type KeywordExpr, parseKeywords } from "./keywords.ts";
import type { StoryChange } from "./story.ts";
import type { Subscription } from "./subscription.ts";
import { type FilterMatch, matchStoryFilter } from "./subscription-filter.ts";
import { words } from "./text.ts";
import type { Story } from "./types.ts";

type Dimension = "topic" | "category" | "country" | "treaty" | "word";

interface Entry {
  subscription: Subscription;
  keywords?: KeywordExpr | undefined;
}

export interface SubscriptionMatch {
  subscription: Subscription;
  reasons: FilterMatch["reasons"];
}

/**
 * Subscriptions indexed by one necessary condition of their filter each, so a story
 * is tested only against those that could want it. Built once per process and
 * rebuilt when subscriptions change; read-only afterwards.
 */
export interface MatchIndex {
  readonly size: number;
  /** The subscriptions whose filters the story passes, in no particular order. */
  match(story: Story): SubscriptionMatch[];
  /** How many filters the last `match` had to test (for tests and metrics). */
  readonly lastCandidates: number;
}

/**
 * Words of which a story's text must contain at least one for the expression to match,
 * or undefined when there is no such set (e.g. `NOT war`).
 */
export function necessaryWords(expr: KeywordExpr): string[] | undefined {
  switch (expr.kind) {
    case "term": {
      const longest = [...expr.words].sort((a, b) => b.length - a.length)[0];
      return longest === undefined ? undefined : [longest];
    }
    case "not":
      return undefined;
    case "and": {
      const options = expr.operands.map(necessaryWords).filter((set): set is string[] => set !== undefined);
      return options.sort((a, b) => a.length - b.length)[0];
    }
    case "or": {
      const union = new Set<string>();
      for (const operand of expr.operands) {
        const set = necessaryWords(operand);
        if (set === undefined) return undefined;
        for (const word of set) union.add(word);
      }
      return [...union];
    }
  }
}

/** The text keyword expressions are matched against; the same as the filter matcher's. */
function storyWords(story: Story): Set<string> {
  return new Set(words([story.title, story.summary, ...story.sources.map((source) => source.title)].join("\n")));
}

/** The smallest necessary key set of a filter: each listed dimension is one, keywords another. */
function anchor(entry: Entry): { dimension: Dimension; keys: readonly string[] } | undefined {
  const { filter } = entry.subscription;
  const options: { dimension: Dimension; keys: readonly string[] }[] = [];
  if (filter.topics?.length) options.push({ dimension: "topic", keys: filter.topics });
  if (filter.countries?.length) options.push({ dimension: "country", keys: filter.countries });
  if (filter.treaties?.length) options.push({ dimension: "treaty", keys: filter.treaties });
  if (filter.categories?.length) options.push({ dimension: "category", keys: filter.categories });
  const keywordSet = entry.keywords ? necessaryWords(entry.keywords) : undefined;
  if (keywordSet) options.push({ dimension: "word", keys: keywordSet });
  // Countries and words split the population most finely; prefer them on a tie.
  const rank: Record<Dimension, number> = { word: 0, country: 1, treaty: 2, topic: 3, category: 4 };
  return options.sort((a, b) => a.keys.length - b.keys.length || rank[a.dimension] - rank[b.dimension])[0];
}

/** Builds the index. Subscriptions whose keywords do not parse never match. */
export function buildMatchIndex(subscriptions: readonly Subscription[]): MatchIndex {
  const postings = new Map<string, Entry[]>();
  const unanchored: Entry[] = [];
  let size = 0;
  for (const subscription of subscriptions) {
    let keywords: KeywordExpr | undefined;
    if (subscription.filter.keywords !== undefined && subscription.filter.keywords.trim() !== "") {
      const parsed = parseKeywords(subscription.filter.keywords);
      if (!parsed.ok) continue;
      keywords = parsed.expr;
    }
    const entry: Entry = { subscription, keywords };
    size++;
    const key = anchor(entry);
    if (!key) {
      unanchored.push(entry);
      continue;
    }
    for (const value of new Set(key.keys)) {
      const posting = `${key.dimension}:${value}`;
      const list = postings.get(posting);
      if (list) list.push(entry);
      else postings.set(posting, [entry]);
    }
  }

  let lastCandidates = 0;
  return {
    size,
    get lastCandidates() {
      return lastCandidates;
    },
    match(story) {
      const candidates = new Set<Entry>(unanchored);
      const collect = (dimension: Dimension, values: Iterable<string>) => {
        for (const value of values)
          for (const entry of postings.get(`${dimension}:${value}`) ?? []) candidates.add(entry);
      };
      collect("topic", story.topics);
      collect("country", story.countries);
      collect("treaty", story.treaties);
      collect("category", story.categories);
      collect("word", storyWords(story));
      lastCandidates = candidates.size;
      const matches: SubscriptionMatch[] = [];
      for (const entry of candidates) {
        const result = matchStoryFilter(story, entry.subscription.filter, entry.keywords);
        if (result.matched) matches.push({ subscription: entry.subscription, reasons: result.reasons });
      }
      return matches;
    },
  };
}

/**
 * What changed materially between two versions of a story, one line a change
 * (`outlet: Northern Wire`, `country: UA`), for an update alert to say why it came.
 */
export function storyChanges(previous: Story, next: Story): string[] {
  const added = (label: string, before: readonly string[], after: readonly string[]) =>
    after.filter((value) => !before.includes(value)).map((value) => `${label}: ${value}`);
  return [
    ...added(
      "outlet",
      previous.sources.map((source) => source.outlet),
      [...new Set(next.sources.map((source) => source.outlet))],
    ),
    ...added("topic", previous.topics, next.topics),
    ...added("country", previous.countries, next.countries),
    ...added("treaty", previous.treaties, next.treaties),
  ];
}

/** The clustering step's change list in the same words as `storyChanges`. */
export function describeStoryChanges(changes: readonly StoryChange[]): string[] {
  return changes.map(describeStoryChange);
}

function describeStoryChange(change: StoryChange): string {
  switch (change.kind) {
    case "new-outlet":
      return `outlet: ${change.outlet}`;
    case "new-topic":
      return `topic: ${change.topic}`;
    case "new-country":
      return `country: ${change.country}`;
    case "new-treaty":
      return `treaty: ${change.treaty}`;
    case "new-figures":
      return `figures: ${change.figures.join(", ")}`;
  }
}
