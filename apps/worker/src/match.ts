import {
  type Clock,
  type DeliveryStore,
  describeStoryChanges,
  type MatchIndex,
  type Story,
  type StoryChange,
  storyChanges,
} from "@treatywatch/core";
import { alertDeliveryId, alertEvent } from "@treatywatch/notify";
import { MAX_BATCH, type Queue } from "@treatywatch/queue";

export interface MatchDeps {
  index: MatchIndex;
  deliveries: DeliveryStore;
  queue: Queue;
  clock: Clock;
}

export interface MatchOutcome {
  matched: number;
  /** Deliveries created now; a story version already matched creates none. */
  enqueued: number;
}

function isChangeList(update: Story | readonly StoryChange[]): update is readonly StoryChange[] {
  return Array.isArray(update);
}

/**
 * Finds the instant subscribers who want a new or materially updated story, records
 * one delivery each (keyed by subscription, story and version) and queues them.
 * `update` is undefined for a new story; for an update, the version subscribers last
 * saw or the clustering step's change list. An update with no material change
 * notifies nobody.
 */
export async function matchStory(
  story: Story,
  update: Story | readonly StoryChange[] | undefined,
  deps: MatchDeps,
): Promise<MatchOutcome> {
  const changes =
    update === undefined
      ? undefined
      : isChangeList(update)
        ? describeStoryChanges(update)
        : storyChanges(update, story);
  if (changes && changes.length === 0) return { matched: 0, enqueued: 0 };
  const at = deps.clock.now().toISOString();
  const matches = deps.index
    .match(story)
    .filter(({ subscription }) => subscription.status === "active" && subscription.cadence.kind === "instant");
  const created: string[] = [];
  for (const { subscription, reasons } of matches) {
    const id = alertDeliveryId(subscription.id, story.id, story.version);
    const event = alertEvent({ deliveryId: id, subscriptionId: subscription.id, story, reasons, changes, at });
    const isNew = await deps.deliveries.create({
      id,
      subscriptionId: subscription.id,
      tenantId: subscription.tenantId,
      kind: "alert",
      eventType: event.type,
      channel: subscription.channel,
      payload: JSON.stringify(event),
      createdAt: at,
      // Queued right below; the due sweep picks it up only if this process dies first.
      nextAttemptAt: at,
    });
    if (isNew) created.push(id);
  }
  for (let start = 0; start < created.length; start += MAX_BATCH) {
    await deps.queue.sendBatch(
      created.slice(start, start + MAX_BATCH).map((deliveryId) => JSON.stringify({ deliveryId })),
    );
  }
  return { matched: matches.length, enqueued: created.length };
}
