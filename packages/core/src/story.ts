import { stableId } from "./hash.ts";
import type { Item, Story, StorySource, Timestamp, Verdict } from "./types.ts";

export type StoryChange =
  | { kind: "new-outlet"; outlet: string }
  | { kind: "new-topic"; topic: string }
  | { kind: "new-country"; country: string }
  | { kind: "new-treaty"; treaty: string }
  | { kind: "new-figures"; figures: string[] };

function sourceOf(item: Item): StorySource {
  return {
    itemId: item.id,
    outlet: item.outlet,
    title: item.title,
    link: item.url,
    publishedAt: item.publishedAt,
    feedId: item.feedId,
  };
}

/** Numbers that carry news (casualties, hectares, counts); years and small ordinals are left out. */
export function figuresIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\d[\d,.]*/g)) {
    const figure = match[0].replace(/[,.]$/, "").replace(/,/g, "");
    const value = Number(figure);
    if (!Number.isFinite(value) || value < 2) continue;
    if (/^(19|20)\d\d$/.test(figure)) continue;
    found.add(figure);
  }
  return [...found];
}

/** The figures of report titles, worked out once: a story reads its sources' titles at every join. */
const titleFigures = new Map<string, readonly string[]>();
const TITLE_FIGURES_KEPT = 20_000;

function figuresOfTitle(title: string): readonly string[] {
  let figures = titleFigures.get(title);
  if (!figures) {
    figures = figuresIn(title);
    if (titleFigures.size >= TITLE_FIGURES_KEPT) titleFigures.clear();
    titleFigures.set(title, figures);
  }
  return figures;
}

/**
 * The most reports a story lists. Every item of a story stays stored under it; the list is
 * what a reader sees and what each join reads and writes, so it is kept bounded: a feed of
 * thousands of near-identical items must not make each join cost more than the last.
 */
export const MAX_STORY_SOURCES = 100;

/**
 * The sources with one more report, or undefined when the list is full and the report adds
 * nothing a reader would miss. A full list still takes a new outlet, in place of the latest
 * report of the outlet listed most often, so every outlet that reported the story is named.
 */
function withSource(sources: readonly StorySource[], source: StorySource): StorySource[] | undefined {
  if (sources.length < MAX_STORY_SOURCES) return [...sources, source];
  if (sources.some((listed) => listed.outlet === source.outlet)) return undefined;
  const counts = new Map<string, number>();
  for (const listed of sources) counts.set(listed.outlet, (counts.get(listed.outlet) ?? 0) + 1);
  const [crowded, count] = [...counts].reduce((most, entry) => (entry[1] > most[1] ? entry : most));
  if (count < 2) return undefined;
  const last = sources.findLastIndex((listed) => listed.outlet === crowded);
  return [...sources.slice(0, last), ...sources.slice(last + 1), source];
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

/** `en-GB`, `EN_us` → `en`; undefined for anything that is not a language tag. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  const primary = /^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$/.exec(tag ?? "")?.[1];
  return primary?.toLowerCase();
}

/** The language the feed declares for the item, else the one the classifier read it in. */
function languagesOf(item: Item, verdict: Pick<Verdict, "language">): string[] {
  const language = primaryLanguage(item.language) ?? verdict.language;
  return language ? [language] : [];
}

/** A story founded by its first item; the id derives from that item so retries found the same one. */
export function foundStory(item: Item, verdict: Verdict, now: Timestamp): Story {
  return {
    id: stableId("sty", item.id),
    title: item.title,
    summary: item.summary,
    firstSeenAt: now,
    updatedAt: now,
    version: 1,
    score: verdict.score,
    topics: [...verdict.topics],
    categories: [...verdict.categories],
    countries: [...verdict.countries],
    treaties: [...verdict.treaties],
    sources: [sourceOf(item)],
    languages: languagesOf(item, verdict),
  };
}

/**
 * Folds one more report into a story. The version moves on only for a material
 * change: a new outlet, topic, country or treaty, or figures not reported before.
 * Its cost is bounded by `MAX_STORY_SOURCES`, not by how many items the story holds.
 */
export function joinStory(
  story: Story,
  item: Item,
  verdict: Verdict,
  now: Timestamp,
): { story: Story; changes: StoryChange[] } {
  if (story.sources.some((source) => source.itemId === item.id)) return { story, changes: [] };
  const sources = withSource(story.sources, sourceOf(item));
  const changes: StoryChange[] = [];
  if (sources && !story.sources.some((source) => source.outlet === item.outlet)) {
    changes.push({ kind: "new-outlet", outlet: item.outlet });
  }
  for (const topic of verdict.topics) if (!story.topics.includes(topic)) changes.push({ kind: "new-topic", topic });
  for (const country of verdict.countries) {
    if (!story.countries.includes(country)) changes.push({ kind: "new-country", country });
  }
  for (const treaty of verdict.treaties) {
    if (!story.treaties.includes(treaty)) changes.push({ kind: "new-treaty", treaty });
  }
  const known = new Set<string>();
  for (const source of story.sources) for (const figure of figuresOfTitle(source.title)) known.add(figure);
  for (const figure of figuresIn(story.summary)) known.add(figure);
  const fresh = figuresIn(`${item.title} ${item.summary}`).filter((figure) => !known.has(figure));
  if (fresh.length > 0) changes.push({ kind: "new-figures", figures: fresh });

  const material = changes.length > 0;
  return {
    changes,
    story: {
      ...story,
      summary: story.summary || item.summary,
      updatedAt: now,
      version: material ? story.version + 1 : story.version,
      score: Math.max(story.score, verdict.score),
      topics: union(story.topics, verdict.topics),
      categories: union(story.categories, verdict.categories),
      countries: union(story.countries, verdict.countries),
      treaties: union(story.treaties, verdict.treaties),
      sources: sources ?? story.sources,
      languages: union(story.languages ?? [], languagesOf(item, verdict)),
    },
  };
}

/**
 * The most reports a story merged from two may hold, the report that bridged them among them.
 * Two small stories one report matches are most often one event told twice (in two languages,
 * or two wordings); a larger one that a single report ties to another is likelier a run of
 * reports cast in one mould about other places, which merging would roll into one story without
 * end. Held out on real headlines, merging up to this size joined as many reports of one event
 * across languages as merging at any size, and kept stories as clean.
 */
export const MAX_MERGED_REPORTS = 10;

/** What decides whether two stories may be merged: how many reports each holds, and the treaties they name. */
export interface MergeShape {
  reports: number;
  treaties: readonly string[];
}

/**
 * Whether a report that matches both of two stories merges them: while the merged story holds
 * at most `MAX_MERGED_REPORTS`, and unless each names treaties and none in common (a country
 * leaving the Ottawa Convention and the same country leaving the cluster munitions convention
 * are two events, as two reports of them never join either).
 */
export function mayMerge(a: MergeShape, b: MergeShape): boolean {
  if (a.reports + b.reports + 1 > MAX_MERGED_REPORTS) return false;
  return a.treaties.length === 0 || b.treaties.length === 0 || a.treaties.some((treaty) => b.treaties.includes(treaty));
}

/**
 * `mayMerge` for two stories as stored, unless one already lists a report of the other: that is
 * a merge begun and cut short (the kept story written holding the other's reports, the other not
 * yet gone: a write that failed, or a conflict a writer decides again on), and it is always
 * completed; refused, the reports would stay listed under both, and counted twice they would be.
 */
export function mayMergeStories(a: Story, b: Story): boolean {
  const listed = new Set(a.sources.map((source) => source.itemId));
  if (b.sources.some((source) => listed.has(source.itemId))) return true;
  return mayMerge(
    { reports: a.sources.length, treaties: a.treaties },
    { reports: b.sources.length, treaties: b.treaties },
  );
}

/** Two stories found to be one, as `mergeStories` folds them. */
export interface StoryMerge {
  /** The merged story, under the id of the one first seen. */
  story: Story;
  /** The id of the other, whose reports are now the merged story's. */
  absorbed: string;
  /** What the merged story reports that the kept one did not, as `joinStory` counts it. */
  changes: StoryChange[];
}

/**
 * Folds two stories that one report showed to be the same event (it matched both) into one.
 * The story first seen keeps its id, title and first sighting, so links to it stay where they
 * were; the other's reports join it, and its id leads to the merged story from then on.
 */
export function mergeStories(a: Story, b: Story, now: Timestamp): StoryMerge {
  const [kept, absorbed] =
    a.firstSeenAt < b.firstSeenAt || (a.firstSeenAt === b.firstSeenAt && a.id <= b.id) ? [a, b] : [b, a];
  let sources = kept.sources;
  for (const source of absorbed.sources) {
    if (sources.some((listed) => listed.itemId === source.itemId)) continue;
    sources = withSource(sources, source) ?? sources;
  }
  const changes: StoryChange[] = [];
  for (const outlet of new Set(sources.map((source) => source.outlet))) {
    if (!kept.sources.some((source) => source.outlet === outlet)) changes.push({ kind: "new-outlet", outlet });
  }
  for (const topic of absorbed.topics) if (!kept.topics.includes(topic)) changes.push({ kind: "new-topic", topic });
  for (const country of absorbed.countries) {
    if (!kept.countries.includes(country)) changes.push({ kind: "new-country", country });
  }
  for (const treaty of absorbed.treaties) {
    if (!kept.treaties.includes(treaty)) changes.push({ kind: "new-treaty", treaty });
  }
  const known = new Set(figuresIn(kept.summary));
  for (const source of kept.sources) for (const figure of figuresOfTitle(source.title)) known.add(figure);
  const fresh = new Set<string>();
  for (const source of absorbed.sources) {
    for (const figure of figuresOfTitle(source.title)) if (!known.has(figure)) fresh.add(figure);
  }
  for (const figure of figuresIn(absorbed.summary)) if (!known.has(figure)) fresh.add(figure);
  if (fresh.size > 0) changes.push({ kind: "new-figures", figures: [...fresh] });

  return {
    absorbed: absorbed.id,
    changes,
    story: {
      ...kept,
      summary: kept.summary || absorbed.summary,
      updatedAt: now,
      version: changes.length > 0 ? kept.version + 1 : kept.version,
      score: Math.max(kept.score, absorbed.score),
      topics: union(kept.topics, absorbed.topics),
      categories: union(kept.categories, absorbed.categories),
      countries: union(kept.countries, absorbed.countries),
      treaties: union(kept.treaties, absorbed.treaties),
      sources,
      languages: union(kept.languages ?? [], absorbed.languages ?? []),
    },
  };
}

/** Where a relevant report goes: the story it founds or joins, the stories it showed to be that one, and what changed. */
export interface StoryPlacement {
  kind: "created" | "updated";
  story: Story;
  /** Stories folded into `story` because the report matched them too. */
  absorbed: string[];
  /** What `story` reports now that it did not before: the merges' changes, then the report's own. */
  changes: StoryChange[];
  /**
   * The story listed the report already: an earlier placement of it was written and its item
   * never was. Joining it again changes nothing; what that placement reported is `placementOf`'s.
   */
  listedBefore?: true | undefined;
}

/**
 * Places a relevant report among the stories it matched, as they stand now: the one it joins
 * first, then the others it reached the threshold with (`pickStory`'s bridges). Those are the
 * same event, folded into one (`mergeStories`, in that order, while `mayMerge` allows) before
 * the report joins it. A
 * story that is missing, or that is already the one at hand (a store gives a merged story's id
 * as the story it went into), is passed over; with none, the report founds a story.
 */
export function placeReport(
  item: Item,
  verdict: Verdict,
  matched: readonly (Story | undefined)[],
  now: Timestamp,
): StoryPlacement {
  let current: Story | undefined;
  const absorbed: string[] = [];
  let changes: StoryChange[] = [];
  for (const other of matched) {
    if (!other || other.id === current?.id || absorbed.includes(other.id)) continue;
    if (!current) {
      current = other;
      continue;
    }
    if (!mayMergeStories(current, other)) continue;
    const merge = mergeStories(current, other, now);
    // The changes are news to the story that keeps its id: when the other one does, only this merge's count.
    changes = merge.story.id === current.id ? [...changes, ...merge.changes] : merge.changes;
    absorbed.push(merge.absorbed);
    current = merge.story;
  }
  if (!current) return { kind: "created", story: foundStory(item, verdict, now), absorbed: [], changes: [] };
  const listedBefore = current.sources.some((source) => source.itemId === item.id);
  const joined = joinStory(current, item, verdict, now);
  return {
    kind: "updated",
    story: joined.story,
    absorbed,
    changes: distinctChanges([...changes, ...joined.changes]),
    ...(listedBefore ? { listedBefore } : {}),
  };
}

/** A report as it was placed: the item and its verdict. */
export interface PlacedReport {
  item: Item;
  verdict: Verdict;
}

/** Whether a story that lists a report began with it: it bears the id the report founds, or lists it first. */
function foundedBy(story: Story, itemId: string): boolean {
  return story.id === stableId("sty", itemId) || story.sources[0]?.itemId === itemId;
}

/**
 * The reports a story lists before one it lists, by item id: what `placementOf` rebuilds that
 * report's placement from (none when the report founded it). Undefined when it does not list it.
 */
export function reportsBefore(story: Story, itemId: string): string[] | undefined {
  const position = story.sources.findIndex((source) => source.itemId === itemId);
  if (position < 0) return undefined;
  return foundedBy(story, itemId) ? [] : story.sources.slice(0, position).map((source) => source.itemId);
}

/**
 * What placing a report reported, for a story that lists it already: a placement written before
 * its item, by an attempt that died between (joining the story again changes nothing), or an event
 * to be sent again. "created" when the report founded the story; else "updated" with the changes
 * it brought joining the story as the reports listed before it (`reportsBefore`) built it, as
 * `joinStory` counted them; `earlier` gives those reports by item id, and one not at hand is
 * passed over. A fold's changes are not among them: the story holds the folded reports before
 * the report that bridged them. Undefined when the story does not list the report.
 */
export function placementOf(
  story: Story,
  { item, verdict }: PlacedReport,
  earlier: ReadonlyMap<string, PlacedReport>,
): { kind: "created" | "updated"; changes: StoryChange[] } | undefined {
  const before = reportsBefore(story, item.id);
  if (!before) return undefined;
  if (foundedBy(story, item.id)) return { kind: "created", changes: [] };
  let rebuilt: Story | undefined;
  for (const id of before) {
    const report = earlier.get(id);
    if (!report) continue;
    rebuilt = rebuilt
      ? joinStory(rebuilt, report.item, report.verdict, story.updatedAt).story
      : foundStory(report.item, report.verdict, story.updatedAt);
  }
  return { kind: "updated", changes: rebuilt ? joinStory(rebuilt, item, verdict, story.updatedAt).changes : [] };
}

/** Changes with repeats left out, in first-seen order. */
export function distinctChanges(changes: readonly StoryChange[]): StoryChange[] {
  const seen = new Set<string>();
  return changes.filter((change) => {
    const key = JSON.stringify(change);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One report as it joined a story: when, from whom, and what it changed. */
export interface StoryGrowthStep {
  at: Timestamp;
  itemId: string;
  outlet: string;
  title: string;
  /** Empty for the report that founded the story and for reports that added nothing material. */
  changes: StoryChange[];
  founded: boolean;
}

/**
 * How a story grew, replayed from its reports in the order they arrived (by `fetchedAt`, then
 * as given), with the same rules that versioned it when they were ingested.
 */
export function storyGrowth(reports: readonly { item: Item; verdict: Verdict }[]): StoryGrowthStep[] {
  // A stable sort: reports fetched at the same moment keep the order they are given in.
  const ordered = [...reports].sort((a, b) => a.item.fetchedAt.localeCompare(b.item.fetchedAt));
  const steps: StoryGrowthStep[] = [];
  let story: Story | undefined;
  for (const { item, verdict } of ordered) {
    const step = { at: item.fetchedAt, itemId: item.id, outlet: item.outlet, title: item.title };
    if (!story) {
      story = foundStory(item, verdict, item.fetchedAt);
      steps.push({ ...step, changes: [], founded: true });
      continue;
    }
    const joined = joinStory(story, item, verdict, item.fetchedAt);
    story = joined.story;
    steps.push({ ...step, changes: joined.changes, founded: false });
  }
  return steps;
}
