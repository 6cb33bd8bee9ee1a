import {
  type Clock,
  composeDigests,
  type DeliveryStore,
  type Digest,
  digestPeriod,
  renderDigest,
  type Store,
  type Story,
  type Subscription,
} from "@treatywatch/core";
import { type DigestReadyEvent, digestDeliveryId, storyPayload } from "@treatywatch/notify";
import type { Queue } from "@treatywatch/queue";

export interface DigestDeps {
  deliveries: DeliveryStore;
  queue: Pick<Queue, "send">;
  clock: Clock;
  /** Stories updated in [start, end). */
  storiesBetween(start: Date, end: Date): Promise<Story[]>;
  /** Item summaries by item id, for extractive summaries; optional. */
  itemSummaries?: ((itemIds: readonly string[]) => Promise<ReadonlyMap<string, string>>) | undefined;
  unsubscribeUrl(subscriptionId: string): Promise<string>;
  /** Where every story a subscription matches is listed, for a digest's "and N more"; optional. */
  storiesUrl?: ((subscriptionId: string) => string) | undefined;
  /** Send a digest that says "nothing new" when the window is empty. Off by default. */
  sendEmpty?: boolean | undefined;
}

export interface DigestRun {
  /** Delivery ids of the digests built in this run. */
  built: string[];
  /** Subscriptions whose digest for the current period already exists. */
  alreadyBuilt: number;
  /** Subscriptions with nothing in the window (and `sendEmpty` off). */
  empty: number;
}

/**
 * Builds and queues the digest of every digest subscriber whose local send time has
 * come. Each digest's delivery id is derived from the subscription and the period,
 * so a schedule that fires twice, or a run that dies and is repeated, builds it once.
 */
export function runDueDigests(subscriptions: readonly Subscription[], deps: DigestDeps): Promise<DigestRun> {
  return buildDigests(subscriptions, deps, digestPeriod);
}

/**
 * Builds every digest subscriber's digest of the day (or week) up to now, outside its
 * schedule, so a reader can see one at once; the scheduled digests still go out as
 * usual. Asked for twice in one minute, it builds each once.
 */
export function runDigestsNow(subscriptions: readonly Subscription[], deps: DigestDeps): Promise<DigestRun> {
  return buildDigests(subscriptions, deps, (cadence, now) => {
    if (cadence.kind === "instant") return undefined;
    const days = cadence.kind === "daily" ? 1 : 7;
    return {
      // Names the digest in its subject, "treatywatch digest 2026-03-02 11:00 UTC: …", and keys it to the minute.
      key: `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 16)} UTC`,
      windowStart: new Date(now.getTime() - days * 24 * 60 * 60 * 1000),
      windowEnd: now,
    };
  });
}

/** The subscriptions due a digest for one window, with the window's stories. */
interface DueWindow {
  period: { key: string; windowStart: Date; windowEnd: Date };
  subscriptions: Subscription[];
}

async function buildDigests(
  subscriptions: readonly Subscription[],
  deps: DigestDeps,
  periodOf: typeof digestPeriod,
): Promise<DigestRun> {
  const now = deps.clock.now();
  const run: DigestRun = { built: [], alreadyBuilt: 0, empty: 0 };
  // First which subscriptions are due, by window: each window's stories are read, and matched
  // against its subscriptions through the match index, once.
  const windows = new Map<string, DueWindow>();
  const due: Array<{ subscription: Subscription; id: string; window: DueWindow }> = [];
  for (const subscription of subscriptions) {
    if (subscription.status !== "active") continue;
    const period = periodOf(subscription.cadence, now);
    if (!period) continue;
    const id = digestDeliveryId(subscription.id, period.key);
    if (await deps.deliveries.get(id)) {
      run.alreadyBuilt++;
      continue;
    }
    const windowKey = `${period.key}/${period.windowStart.toISOString()}/${period.windowEnd.toISOString()}`;
    let window = windows.get(windowKey);
    if (!window) {
      window = { period, subscriptions: [] };
      windows.set(windowKey, window);
    }
    window.subscriptions.push(subscription);
    due.push({ subscription, id, window });
  }
  const composed = new Map<DueWindow, { stories: Story[]; digests: Map<string, Digest | undefined> }>();
  const stories = new Map<string, Promise<Story[]>>();
  for (const window of windows.values()) {
    const { windowStart, windowEnd } = window.period;
    const range = `${windowStart.toISOString()}/${windowEnd.toISOString()}`;
    let read = stories.get(range);
    if (!read) {
      read = deps.storiesBetween(windowStart, windowEnd);
      stories.set(range, read);
    }
    const candidates = await read;
    const itemSummaries = await deps.itemSummaries?.(candidates.flatMap((story) => story.sources.map((s) => s.itemId)));
    const digests = composeDigests(
      { period: window.period.key, windowStart, windowEnd, stories: candidates, itemSummaries },
      window.subscriptions,
    );
    composed.set(window, { stories: candidates, digests });
  }
  for (const { subscription, id, window } of due) {
    const { period } = window;
    const { stories: candidates, digests } = composed.get(window) ?? { stories: [], digests: new Map() };
    const digest: Digest | undefined =
      digests.get(subscription.id) ?? (deps.sendEmpty ? emptyDigest(subscription, period) : undefined);
    if (!digest) {
      run.empty++;
      continue;
    }
    const rendered = renderDigest(digest, {
      unsubscribeUrl: await deps.unsubscribeUrl(subscription.id),
      moreUrl: deps.storiesUrl?.(subscription.id),
    });
    const included = new Set(digest.sections.flatMap((section) => section.entries.map((entry) => entry.storyId)));
    const event: DigestReadyEvent = {
      type: "digest.ready",
      schemaVersion: 1,
      id,
      subscriptionId: subscription.id,
      timestamp: now.toISOString(),
      data: {
        period: period.key,
        windowStart: digest.windowStart,
        windowEnd: digest.windowEnd,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        stories: candidates.filter((story) => included.has(story.id)).map(storyPayload),
      },
    };
    const created = await deps.deliveries.create({
      id,
      subscriptionId: subscription.id,
      tenantId: subscription.tenantId,
      kind: "digest",
      eventType: event.type,
      channel: subscription.channel,
      payload: JSON.stringify(event),
      createdAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
    });
    if (!created) {
      run.alreadyBuilt++;
      continue;
    }
    await deps.queue.send(JSON.stringify({ deliveryId: id }));
    run.built.push(id);
  }
  return run;
}

/** The digest that says "nothing new", for subscribers who asked to get it anyway. */
function emptyDigest(subscription: Subscription, period: DueWindow["period"]): Digest {
  return {
    subscriptionId: subscription.id,
    period: period.key,
    windowStart: period.windowStart.toISOString(),
    windowEnd: period.windowEnd.toISOString(),
    sections: [],
    storyCount: 0,
    omitted: 0,
  };
}

/** The summaries of stored items, for digests that quote each source. */
export function storedItemSummaries(
  store: Pick<Store, "getItem">,
): (itemIds: readonly string[]) => Promise<ReadonlyMap<string, string>> {
  return async (itemIds) => {
    const stored = await Promise.all([...new Set(itemIds)].map((id) => store.getItem(id)));
    return new Map(
      stored.flatMap((entry) => (entry?.item.summary ? [[entry.item.id, entry.item.summary] as const] : [])),
    );
  };
}

/** Reads the stories updated in [start, end) from the store, page by page. */
export async function storiesUpdatedBetween(
  store: Pick<Store, "listStories">,
  start: Date,
  end: Date,
): Promise<Story[]> {
  const stories: Story[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listStories({ limit: 100, cursor, since: start.toISOString() });
    stories.push(...page.data.filter((story) => Date.parse(story.updatedAt) < end.getTime()));
    cursor = page.nextCursor;
  } while (cursor);
  return stories;
}
