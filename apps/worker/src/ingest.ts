import {
  CANDIDATE_LIMIT,
  type Clock,
  DEFAULT_CLUSTER_OPTIONS,
  distinctChanges,
  type Fingerprint,
  type IngestWrite,
  type Item,
  lookupKeys,
  oneLineReason,
  type PlacedReport,
  pickStory,
  placementOf,
  placeReport,
  reportsBefore,
  type Store,
  type Story,
  type StoryChange,
  type StoryPlacement,
  type Verdict,
} from "@treatywatch/core";

export interface StoryEvent {
  kind: "created" | "updated";
  storyId: string;
  version: number;
  changes: StoryChange[];
  /** Stories this update folded into the story: what they announced earlier in the tick is this story's now. */
  absorbed?: string[] | undefined;
}

/**
 * Events without those of the stories another event absorbed, whatever order they come in (a
 * tick gives them feed by feed, not as written): the event of the story they went into speaks
 * for them.
 */
export function withoutAbsorbed(events: readonly StoryEvent[]): StoryEvent[] {
  const absorbed = new Set(events.flatMap((event) => event.absorbed ?? []));
  return events.filter((event) => !absorbed.has(event.storyId));
}

/**
 * A tick's story events with one per story: the newest version, its changes together, and
 * "created" when the story began in the tick. A feed that changes one story a thousand times
 * in a tick makes one alert, not a thousand, and matching reads each story once. A story merged
 * into another during the tick makes none of its own: the other's update carries what it added.
 */
export function coalesceStoryEvents(events: readonly StoryEvent[]): StoryEvent[] {
  const byStory = new Map<string, StoryEvent>();
  for (const event of withoutAbsorbed(events)) {
    const seen = byStory.get(event.storyId);
    if (!seen) {
      byStory.set(event.storyId, { ...event, changes: [...event.changes] });
      continue;
    }
    const absorbed = [...(seen.absorbed ?? []), ...(event.absorbed ?? [])];
    byStory.set(event.storyId, {
      kind: seen.kind === "created" ? "created" : event.kind,
      storyId: event.storyId,
      version: Math.max(seen.version, event.version),
      changes: distinctChanges([...seen.changes, ...event.changes]),
      ...(absorbed.length > 0 ? { absorbed } : {}),
    });
  }
  return [...byStory.values()];
}

export interface IngestSummary {
  /** Items seen for the first time. */
  fresh: number;
  /** Items already stored under their GUID, URL or content. */
  duplicate: number;
  relevant: number;
  /** Entries with neither a title nor text. */
  skipped: number;
  /** Entries that could not be read or stored; `failure` says why the first one failed. */
  failed: number;
  failure?: string | undefined;
  /** Entries held over for later ticks: one feed adds only so many items a tick. */
  deferred: number;
  events: StoryEvent[];
}

export interface IngestDeps {
  store: Store;
  clock: Clock;
}

export interface FeedContext {
  feedId: string;
  feedUrl: string;
  feedTitle?: string | undefined;
}

export function emptySummary(): IngestSummary {
  return { fresh: 0, duplicate: 0, relevant: 0, skipped: 0, failed: 0, deferred: 0, events: [] };
}

/**
 * An item normalised, classified and fingerprinted, ready for story assignment: what a
 * fetcher hands the single writer, so the writer never reads text again.
 */
export interface PreparedItem {
  item: Item;
  verdict: Verdict;
  fingerprint: Fingerprint;
}

/**
 * One feed's entries after a step of reading them: what came out, in order, and what did not
 * (an entry with neither a title nor text is skipped; one the step threw on is counted failed,
 * `failure` saying why the first did).
 */
export interface EntriesRead<T> {
  items: T[];
  skipped: number;
  failed: number;
  failure?: string | undefined;
}

/** One feed's entries as items, before their text is read (see `normaliseEntries`). */
export type NormalisedEntries = EntriesRead<Item>;

/** One feed's entries normalised, classified and fingerprinted. */
export type PreparedEntries = EntriesRead<PreparedItem>;

/**
 * Whether an entry met again under its stored item's id has a new title or summary: the item
 * keeps its identity, verdict and story, and takes the new text. An entry that only repeats
 * another item's link or text (another id) changes nothing.
 */
export function textEdited(stored: Pick<Item, "id" | "title" | "summary">, item: Item): boolean {
  return stored.id === item.id && (stored.title !== item.title || stored.summary !== item.summary);
}

/**
 * The story a relevant item belongs to, read from the store's clustering window: a new one, or
 * the one it joins. Other stories it matches as well are the same event: they are folded into
 * one (`mergeStories`, in candidate order) before the item joins it. Nothing is written.
 */
export async function placeInStory(
  { item, verdict, fingerprint: print }: PreparedItem,
  store: Pick<Store, "storyCandidates" | "getStory">,
  now: string,
): Promise<StoryPlacement> {
  const since = new Date(Date.parse(print.at) - DEFAULT_CLUSTER_OPTIONS.windowHours * 3_600_000).toISOString();
  const candidates = await store.storyCandidates(lookupKeys(print), since, CANDIDATE_LIMIT);
  const pick = pickStory(print, candidates);
  const matched = pick ? await Promise.all([pick.storyId, ...pick.bridges].map((id) => store.getStory(id))) : [];
  return placeReport(item, verdict, matched, now);
}

/** The write that stores a relevant item where `placeInStory` put it. */
export function placedWrite({ item, verdict, fingerprint }: PreparedItem, placement: StoryPlacement): IngestWrite {
  const { story, absorbed } = placement;
  return {
    stored: { item, verdict, storyId: story.id },
    story,
    fingerprint,
    ...(absorbed.length > 0 ? { absorbed } : {}),
  };
}

async function ingestItem(
  { item, verdict, fingerprint: print }: PreparedItem,
  deps: IngestDeps,
  summary: IngestSummary,
): Promise<void> {
  const { store } = deps;
  const now = deps.clock.now().toISOString();
  const existing = await store.findDuplicate(item);
  if (existing) {
    summary.duplicate++;
    if (textEdited(existing.item, item)) await store.updateItemText(item.id, item.title, item.summary);
    return;
  }
  summary.fresh++;
  if (!verdict.relevant) {
    await store.saveIngest({ stored: { item, verdict } });
    return;
  }
  summary.relevant++;
  const prepared = { item, verdict, fingerprint: print };
  const placed = await placeInStory(prepared, store, now);
  // A story that lists the item already was written by an attempt that died before the item: its event is that one's.
  const placement = placed.listedBefore ? await asFirstPlaced(prepared, placed, store) : placed;
  await store.saveIngest(placedWrite(prepared, placement));
  const { kind, story, changes, absorbed } = placement;
  // A merge that adds nothing still speaks for the stories it absorbed (see `coalesceStoryEvents`).
  if (kind === "created" || changes.length > 0 || absorbed.length > 0) {
    summary.events.push({
      kind,
      storyId: story.id,
      version: story.version,
      changes,
      ...(absorbed.length > 0 ? { absorbed } : {}),
    });
  }
}

/**
 * What placing a report in a story that lists it reported (`placementOf`), the reports before it
 * read from the store in one batched read (`placedReports`).
 */
export async function storedPlacementOf(
  story: Story,
  report: PlacedReport,
  store: Pick<Store, "placedReports">,
): Promise<ReturnType<typeof placementOf>> {
  const before = reportsBefore(story, report.item.id);
  if (!before) return undefined;
  return placementOf(story, report, await store.placedReports(before));
}

/**
 * A placement in a story that listed the report already, as the attempt that wrote it would have
 * reported it: "created" for the story the report founded, else the changes it brought, after
 * those of any fold this placement completed.
 */
async function asFirstPlaced(
  report: PlacedReport,
  placement: StoryPlacement,
  store: Pick<Store, "placedReports">,
): Promise<StoryPlacement> {
  const first = await storedPlacementOf(placement.story, report, store);
  if (!first) return placement;
  return { ...placement, kind: first.kind, changes: distinctChanges([...placement.changes, ...first.changes]) };
}

/**
 * The story event an item's ingest sent, rebuilt from the store, for a redelivered message
 * whose first attempt stored the item but never sent the event. The story as it was before
 * the item is refolded from its earlier sources (`storedPlacementOf`), so the change list is the
 * one first computed; undefined when the item founded or changed no story. Matching is keyed by
 * story version, so sending it again alerts nobody twice.
 */
export async function replayStoryEvent(
  itemId: string,
  store: Pick<Store, "getItem" | "getStory" | "placedReports">,
): Promise<StoryEvent | undefined> {
  const stored = await store.getItem(itemId);
  const story = stored?.storyId ? await store.getStory(stored.storyId) : undefined;
  const placed = stored && story ? await storedPlacementOf(story, stored, store) : undefined;
  if (!story || !placed || (placed.kind === "updated" && placed.changes.length === 0)) return undefined;
  return { kind: placed.kind, storyId: story.id, version: story.version, changes: placed.changes };
}

/**
 * The store half of ingest: de-duplicates prepared items and assigns each to a story, in
 * order. Story assignment reads then writes the index, so it must have a single writer:
 * callers run it one call at a time (in process: a serializer; on AWS: the ingest FIFO queue).
 * A failure throws, so a queue consumer can have the message retried.
 */
export async function ingestItems(items: readonly PreparedItem[], deps: IngestDeps): Promise<IngestSummary> {
  const summary = emptySummary();
  const ingestAll = async () => {
    for (const prepared of items) await ingestItem(prepared, deps, summary);
    return summary;
  };
  return deps.store.batch ? deps.store.batch(ingestAll) : ingestAll();
}

/**
 * Items written in one store batch (one SQLite transaction) by in-process ingest outside a
 * poll's shared commit (see `createSerializer`): enough that a commit per item is not the cost,
 * few enough that another process waiting to write (the API beside the poller) waits tens of
 * milliseconds, not seconds. Inside a shared commit the batch is the commit's.
 */
const ITEMS_PER_BATCH = 100;

/** What one feed's in-process ingest did, and the items it left for a later tick. */
export interface FeedIngest {
  summary: IngestSummary;
  rest: PreparedItem[];
}

/**
 * The store half of ingest for one feed in process: like `ingestItems`, but an item whose
 * ingest throws is counted in `failed` and the others go on, and at most `maxFresh` new items
 * are added; the items after that are handed back, unread, for a later tick.
 */
export async function ingestFeedItems(
  items: readonly PreparedItem[],
  deps: IngestDeps,
  maxFresh = Number.POSITIVE_INFINITY,
): Promise<FeedIngest> {
  const summary = emptySummary();
  let taken = 0;
  const ingestSome = async () => {
    const until = Math.min(items.length, taken + ITEMS_PER_BATCH);
    for (; taken < until && summary.fresh < maxFresh; taken++) {
      const prepared = items[taken];
      if (!prepared) continue;
      try {
        await ingestItem(prepared, deps, summary);
      } catch (error) {
        summary.failed++;
        summary.failure ??= oneLineReason(error);
      }
    }
  };
  while (taken < items.length && summary.fresh < maxFresh) {
    await (deps.store.batch ? deps.store.batch(ingestSome) : ingestSome());
  }
  return { summary, rest: items.slice(taken) };
}
