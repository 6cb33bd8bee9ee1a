import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  type DeferredBatch,
  type DeferredItem,
  type DuplicateKeys,
  decodeCursor,
  type Feed,
  type FeedUpdate,
  type Fingerprint,
  fnv1a,
  type IngestWrite,
  type ItemQuery,
  indexKeys,
  type Page,
  type PlacedReport,
  rankBySharedKeys,
  type Store,
  type StoredItem,
  type Story,
  type StoryCandidate,
  type StoryQuery,
  stableId,
  type Timestamp,
} from "@treatywatch/core";
import {
  absorbedInto,
  batchDelete,
  batchGet,
  batchPut,
  duplicateKeys,
  feedKey,
  foldStories,
  hashKey,
  itemKey,
  itemRecord,
  markerRecords,
  mergedInto,
  placedReports,
  storyKey,
  storyOf,
  storyRecord,
  survivorsOf,
  urlKey,
} from "./dynamodb/records.ts";
import { documentClient, expiresAt, isConditionFailure, pageOf, timeKey } from "./dynamodb/shared.ts";
import type { IndexName } from "./dynamodb/table.ts";
import type { ItemText, StoredItemTexts } from "./stored-texts.ts";

export { DynamoDeliveryStore, DynamoSuppressionList } from "./dynamodb/deliveries.ts";
export { DynamoKeyStore } from "./dynamodb/keys.ts";
export { expiresAt } from "./dynamodb/shared.ts";
export {
  DynamoStoryShards,
  type PreparedForShard,
  type ShardAssignment,
  ShardWaitTimeout,
  storyShard,
} from "./dynamodb/story-shards.ts";
export { DynamoSubscriptionStore } from "./dynamodb/subscriptions.ts";
export { createTable, TABLE_KEYS, tableDefinition } from "./dynamodb/table.ts";
export type { ItemText, StoredItemTexts } from "./stored-texts.ts";

/**
 * The Store on one DynamoDB table. Records and the access pattern each serves:
 *
 * | record        | pk                   | sk                | indexes                                        | serves |
 * | ------------- | -------------------- | ----------------- | ---------------------------------------------- | ------ |
 * | feed          | `FEED#<id>`          | `FEED`            | gsi2: `DUE#<shard>` / `<nextPollAt>#<id>`      | feed by id (the id derives from the URL, so also by URL); due feeds; all feeds |
 * | item          | `ITEM#<id>`          | `ITEM`            | gsi1: `ITEMS` / `<fetchedAt>#<id>`; gsi2: `FEED#<feedId>`; gsi3: `STORY#<storyId>` | item by id; items newest first, by feed, by story |
 * | url marker    | `ITEMURL#<url>`      | `ITEMURL`         |                                                | duplicate check by canonical URL |
 * | hash marker   | `ITEMHASH#<hash>`    | `ITEMHASH`        |                                                | duplicate check by content hash |
 * | story         | `STORY#<id>`         | `STORY`           | gsi1: `STORIES` / `<updatedAt>#<id>`           | story by id; stories newest update first |
 * | story member  | `STORY#<id>`         | `MEMBER#<at>#<itemId>` |                                           | the fingerprints a new item is compared with: the newest few, read newest first |
 * | folded story  | `STORY#<id>`         | `STORY`           |                                                | a story folded into another: `mergedInto` names it (no list index, so listings skip it); `getStory`, items and index entries of the id lead there |
 * | merged        | `STORY#<id>`         | `MERGED#<absorbedId>` |                                            | the stories folded into a story: its items are listed under their ids too |
 * | deferred item | `DEFER#<feedId>`     | `<deferredAt>#<n, padded>` |                                       | what a feed could not add in one tick, oldest first |
 * | story key     | `SKEY#<key>`         | `SEEN#<at>#<storyId>` |                                            | near-duplicate index: key → the stories seen under it, read by a key condition on the clustering window; TTL |
 * | tenant        | `TENANT#<id>`        | `TENANT`          |                                                | tenant by id (the id derives from the name, so also by name) |
 * | API key       | `APIKEY#<hash>`      | `APIKEY`          | gsi1: `KEYS#<tenantId>` / `<createdAt>#<id>`; gsi2: `APIKEYS` / `<createdAt>#<id>` | key by hash (every request); a tenant's keys; all keys (revoke by id or prefix) |
 * | subscription  | `SUB#<id>`           | `SUB`             | gsi1: `TENANT#<tenantId>#SUBS` / `<createdAt>#<id>`; gsi2: `SUBS#<status>` / `<createdAt>#<id>` | subscription by id (tenant checked on the record); a tenant's newest first; all in a status |
 * | signing secret| `SUB#<id>`           | `SECRET#<createdAt>#<secret>` |                                    | a subscription's secrets; TTL when a rotation ends them |
 * | confirmation  | `CONFIRM#<tokenHash>`| `CONFIRM`         |                                                | spend a confirmation token (a delete that returns it); TTL at its expiry |
 * | unsubscribe   | `UNSUB#<token>`      | `UNSUB`           |                                                | subscription by one-click unsubscribe token |
 * | delivery      | `DELIVERY#<id>`      | `DELIVERY`        | gsi1: `DELIVERIES#<status>` / `<nextAttemptAt, deliveredAt or createdAt>#<id>`; gsi3: `SUBDELIVERIES#<subscriptionId>` / `<createdAt>#<id>` | delivery by id (the idempotency key); due deliveries; dead letters; counts by status; a subscription's log newest first |
 * | attempt       | `DELIVERY#<id>`      | `ATTEMPT#<n, padded>` |                                            | a delivery's attempt log in order |
 * | endpoint      | `ENDPOINT#<subscriptionId>` | `ENDPOINT` |                                                | a webhook endpoint's failing-since and disable |
 * | suppression   | `SUPPRESS#<address>` | `SUPPRESS`        | gsi1: `SUPPRESSIONS` / `<at>#<address>`        | is an address suppressed; the list oldest first |
 *
 * No write needs a transaction: each record is correct on its own, and a retried
 * ingest writes the same records again. Conditional writes keep the first feed for
 * a URL, the first item for a URL or hash, a story from going back to an older
 * version, and a story key's time from moving backwards. Story keys and members
 * carry a TTL: the clusterer only looks back a few days.
 *
 * A report that shows two stories to be one (`IngestWrite.absorbed`) leaves the story first
 * seen holding both: it is written first, then a `MERGED#` record under it for each story it
 * took in, then each of those becomes a redirect; the newest members of each are copied under
 * it first (what a new item is compared with). Items and story keys are not rewritten: those of
 * a folded story are read as the survivor's (a redirect a hop, each fold pointing the stories it
 * takes in straight at the survivor, each only while it still leads to the story it went into).
 * A `MERGED#` record counts only while the story it names leads to the survivor: a fold cut
 * short or refused between the two writes leaves one that names a story still standing.
 *
 * The tenant, subscription and delivery records are written by their own adapters
 * (`dynamodb/keys.ts`, `dynamodb/subscriptions.ts`, `dynamodb/deliveries.ts`) on the same
 * table and indexes. A delivery's claim and queue hold are times on it, compared in
 * conditional writes; tokens and ended secrets carry `expiresAt` and are also checked
 * on read, since TTL deletes late.
 */
export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Due feeds spread over this many index partitions. */
  dueShards?: number;
  /** How long story keys and members are kept, in days. */
  clusterIndexTtlDays?: number;
  /** How long items (and their URL and hash markers) are kept after they were fetched, in days; unset keeps them. */
  itemRetentionDays?: number | undefined;
  /** Due feeds read a query page; `dueFeeds` reads page after page up to its limit. */
  duePageSize?: number | undefined;
}

/** How many recent members of a story the clusterer compares a new item with. */
const MEMBERS_COMPARED = 8;
const DEFAULT_DUE_SHARDS = 4;
const DEFAULT_CLUSTER_INDEX_TTL_DAYS = 14;
/** Feed leases written at once by one tick. */
const LEASES_IN_FLIGHT = 32;

interface FeedRecord {
  feed: Feed;
}

interface ItemRecord {
  item: StoredItem["item"];
  verdict: StoredItem["verdict"];
  storyId?: string;
}

interface MemberRecord {
  at: Timestamp;
  fingerprint: Fingerprint;
}

interface StoryKeyRecord {
  storyId: string;
}

interface MarkerRecord {
  pk: string;
  itemId: string;
}

const SEEN = "SEEN#";
const MEMBER = "MEMBER#";
/** A story member's sort key: the time first, so the newest members are one descending read. */
const memberKey = (at: Timestamp, itemId: string) => `${MEMBER}${timeKey(at, itemId)}`;
const deferKey = (feedId: string) => `DEFER#${feedId}`;
/** Orders items deferred in the same millisecond by this process. */
let deferSequence = 0;

/** The damage and deferred count a fetch records in the feed's health. */
function repairs(feed: Feed, update: FeedUpdate): Partial<Feed["health"]> {
  return {
    ...(update.damage ? { lastDamage: update.damage, lastDamageAt: update.at } : {}),
    deferred: update.deferred ?? feed.health.deferred ?? 0,
  };
}
/** A story key's sort key: the time first, so a window is one key range however old the key is. */
const seenKey = (at: Timestamp, storyId: string) => `${SEEN}${timeKey(at, storyId)}`;

export class DynamoStore implements Store, StoredItemTexts {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #shards: number;
  readonly #ttlDays: number;
  readonly #itemRetentionDays: number | undefined;
  readonly #duePageSize: number;

  constructor(options: DynamoStoreOptions) {
    this.#doc = documentClient(options.client);
    this.#table = options.tableName;
    this.#shards = options.dueShards ?? DEFAULT_DUE_SHARDS;
    this.#ttlDays = options.clusterIndexTtlDays ?? DEFAULT_CLUSTER_INDEX_TTL_DAYS;
    this.#itemRetentionDays = options.itemRetentionDays;
    this.#duePageSize = options.duePageSize ?? 1_000;
  }

  #dueShard(feedId: string): string {
    return `DUE#${fnv1a(feedId) % this.#shards}`;
  }

  #feedRecord(feed: Feed) {
    return { ...feedKey(feed.id), gsi2pk: this.#dueShard(feed.id), gsi2sk: timeKey(feed.nextPollAt, feed.id), feed };
  }

  async addFeed(url: string, now: Timestamp, title?: string): Promise<{ feed: Feed; created: boolean }> {
    const feed: Feed = {
      id: stableId("fd", url),
      url,
      title,
      addedAt: now,
      nextPollAt: now,
      health: { consecutiveFailures: 0 },
    };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: this.#feedRecord(feed),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return { feed, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getFeed(feed.id);
      if (!existing) throw error;
      return { feed: existing, created: false };
    }
  }

  async getFeed(id: string): Promise<Feed | undefined> {
    const result = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: feedKey(id), ConsistentRead: true }),
    );
    return (result.Item as FeedRecord | undefined)?.feed;
  }

  async listFeeds(): Promise<Feed[]> {
    const shards = await Promise.all(
      this.#shardNames().map((shard) => this.#queryAll<FeedRecord>("gsi2", { ":pk": shard })),
    );
    return shards
      .flat()
      .map((record) => record.feed)
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.url.localeCompare(b.url));
  }

  async removeFeed(id: string): Promise<boolean> {
    const result = await this.#doc.send(
      new DeleteCommand({ TableName: this.#table, Key: feedKey(id), ReturnValues: "ALL_OLD" }),
    );
    return result.Attributes !== undefined;
  }

  async dueFeeds(now: Timestamp, limit: number): Promise<Feed[]> {
    // "$" sorts just after "#", so every `<now>#<id>` is below the bound and every later time above it.
    // Each shard is read page by page up to `limit`: the earliest `limit` of all shards are among them.
    const shards = await Promise.all(
      this.#shardNames().map(async (shard) => {
        const feeds: Feed[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.#query<FeedRecord>({
            IndexName: "gsi2",
            KeyConditionExpression: "gsi2pk = :pk AND gsi2sk < :upper",
            ExpressionAttributeValues: { ":pk": shard, ":upper": `${now}$` },
            Limit: Math.min(limit - feeds.length, this.#duePageSize),
            ExclusiveStartKey: start,
          });
          feeds.push(...page.records.map((record) => record.feed));
          start = page.next;
        } while (start && feeds.length < limit);
        return feeds;
      }),
    );
    return shards
      .flat()
      .sort((a, b) => a.nextPollAt.localeCompare(b.nextPollAt) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async leaseDueFeeds(now: Timestamp, limit: number, leaseUntil: Timestamp): Promise<Feed[]> {
    const due = await this.dueFeeds(now, limit);
    const leased: (Feed | undefined)[] = new Array(due.length);
    let next = 0;
    // Conditional writes cannot be batched; a bounded number in flight keeps a large tick quick without a burst.
    const worker = async () => {
      while (next < due.length) {
        const index = next++;
        const feed = due[index];
        if (feed) leased[index] = await this.#lease(feed, leaseUntil);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LEASES_IN_FLIGHT, due.length) }, worker));
    return leased.filter((feed): feed is Feed => feed !== undefined);
  }

  /** Moves one feed's poll time to `leaseUntil` if no other tick or fetch has moved it since it was read. */
  async #lease(feed: Feed, leaseUntil: Timestamp): Promise<Feed | undefined> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: feedKey(feed.id),
          UpdateExpression: "SET #feed.#next = :lease, gsi2sk = :sk",
          ConditionExpression: "#feed.#next = :read",
          ExpressionAttributeNames: { "#feed": "feed", "#next": "nextPollAt" },
          ExpressionAttributeValues: {
            ":lease": leaseUntil,
            ":sk": timeKey(leaseUntil, feed.id),
            ":read": feed.nextPollAt,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined; // leased by another tick, fetched, or removed
      throw error;
    }
    return { ...feed, nextPollAt: leaseUntil };
  }

  async recordFetch(feedId: string, update: FeedUpdate): Promise<Feed | undefined> {
    const feed = await this.getFeed(feedId);
    if (!feed) return undefined;
    const next: Feed = update.error
      ? {
          ...feed,
          title: update.title ?? feed.title,
          nextPollAt: update.nextPollAt,
          health: {
            ...feed.health,
            ...repairs(feed, update),
            lastErrorAt: update.at,
            lastError: update.error,
            consecutiveFailures: feed.health.consecutiveFailures + 1,
          },
        }
      : {
          ...feed,
          etag: update.etag,
          lastModified: update.lastModified,
          title: update.title ?? feed.title,
          nextPollAt: update.nextPollAt,
          health: { ...feed.health, ...repairs(feed, update), lastSuccessAt: update.at, consecutiveFailures: 0 },
        };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: this.#feedRecord(next),
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined; // removed while it was being fetched
      throw error;
    }
    return next;
  }

  async findDuplicate(keys: DuplicateKeys): Promise<StoredItem | undefined> {
    const result = await this.#doc.send(
      new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: duplicateKeys(keys), ConsistentRead: true } } }),
    );
    const found = result.Responses?.[this.#table] ?? [];
    const byId = found.find((record) => record.pk === itemKey(keys.id).pk) as ItemRecord | undefined;
    if (byId) return storedFrom(byId);
    // A marker names the first item seen under a URL or hash; an entry with its own id is a
    // duplicate of it only when that item came from another feed.
    for (const marker of found as MarkerRecord[]) {
      if (marker.itemId === undefined) continue;
      const first = await this.getItem(marker.itemId);
      if (first && (!keys.guid || first.item.feedId !== keys.feedId)) return first;
    }
    return undefined;
  }

  /**
   * `findDuplicate` for many items in a few calls: their ids, URL and hash markers in batched
   * reads, then the items the markers point at. Undefined for an item never seen. As there, an
   * entry with its own id is a duplicate of a marker's item only when that came from another feed.
   */
  async findDuplicates(items: readonly DuplicateKeys[]): Promise<(StoredItem | undefined)[]> {
    if (items.length === 0) return [];
    const found = new Map(
      (await batchGet<Record<string, unknown>>(this.#doc, this.#table, items.flatMap(duplicateKeys), true)).map(
        (record) => [record.pk as string, record],
      ),
    );
    const markedBy = (keys: DuplicateKeys): string[] =>
      [hashKey(keys.contentHash), ...(keys.canonicalUrl ? [urlKey(keys.canonicalUrl)] : [])]
        .map((key) => found.get(key.pk)?.itemId)
        .filter((id): id is string => typeof id === "string");
    const missing = items
      .filter((keys) => !found.has(itemKey(keys.id).pk))
      .flatMap(markedBy)
      .filter((id) => !found.has(itemKey(id).pk));
    for (const record of await batchGet<Record<string, unknown>>(this.#doc, this.#table, missing.map(itemKey), true)) {
      found.set(record.pk as string, record);
    }
    const storedAt = (id: string) => {
      const record = found.get(itemKey(id).pk);
      return record ? storedFrom(record as unknown as ItemRecord) : undefined;
    };
    return items.map((keys) => {
      const byId = storedAt(keys.id);
      if (byId) return byId;
      for (const id of markedBy(keys)) {
        const first = storedAt(id);
        if (first && (!keys.guid || first.item.feedId !== keys.feedId)) return first;
      }
      return undefined;
    });
  }

  /**
   * Stores items that join no story (not relevant) with their URL and hash markers, in
   * batched writes. Unconditional: callers pass items `findDuplicates` found unseen. The markers
   * go first and the items after them, as in `saveIngest`: the next fetch takes an item stored
   * as done, so one written beside a chunk of markers that failed would keep no markers (later
   * copies from other feeds stored as new items); a marker whose item is not stored names nothing.
   */
  async saveItems(items: readonly StoredItem[]): Promise<void> {
    await batchPut(
      this.#doc,
      this.#table,
      items.flatMap((stored) => markerRecords(stored.item, this.#itemRetentionDays)),
    );
    await batchPut(
      this.#doc,
      this.#table,
      items.map((stored) => itemRecord(stored, this.#itemRetentionDays)),
    );
  }

  async storedItemTexts(ids: readonly string[]): Promise<Map<string, ItemText>> {
    const records = await batchGet<ItemRecord & Record<string, unknown>>(
      this.#doc,
      this.#table,
      ids.map(itemKey),
      true,
    );
    return new Map(records.map(({ item }) => [item.id, { title: item.title, summary: item.summary }]));
  }

  async updateItemText(id: string, title: string, summary: string): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: itemKey(id),
          UpdateExpression: "SET #item.#title = :title, #item.#summary = :summary",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#item": "item", "#title": "title", "#summary": "summary" },
          ExpressionAttributeValues: { ":title": title, ":summary": summary },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async storyCandidates(keys: readonly string[], since: Timestamp, limit: number): Promise<StoryCandidate[]> {
    if (keys.length === 0) return [];
    const hits = await Promise.all(
      [...new Set(keys)].map((key) =>
        this.#queryAll<StoryKeyRecord>(
          undefined,
          { ":pk": `SKEY#${key}`, ":since": seenKey(since, ""), ":until": `${SEEN}\uffff` },
          undefined,
          "sk BETWEEN :since AND :until",
        ),
      ),
    );
    // A sighting of a story folded into another counts for the story that holds it now.
    const survivors = await survivorsOf(
      this.#doc,
      this.#table,
      hits.flat().map((record) => record.storyId),
    );
    const storyIds = rankBySharedKeys(
      hits.flat().map((record) => survivors.get(record.storyId) ?? record.storyId),
      limit,
    );
    return Promise.all(
      storyIds.map(async (storyId) => {
        const recent = (await this.#recentMembers(storyId))
          .sort((a, b) => b.at.localeCompare(a.at))
          .slice(0, MEMBERS_COMPARED);
        return { storyId, fingerprints: recent.map((member) => member.fingerprint) };
      }),
    );
  }

  /** A story's newest members, read newest first: the cost is the same for a story of ten or ten thousand. */
  async #recentMembers(storyId: string): Promise<MemberRecord[]> {
    const { records } = await this.#query<MemberRecord>({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": `STORY#${storyId}`, ":from": `${MEMBER}0`, ":to": `${MEMBER}9\uffff` },
      ScanIndexForward: false,
      Limit: MEMBERS_COMPARED,
    });
    // Members written as `MEMBER#<itemId>` (before they sorted by time) until their TTL ends them.
    const older =
      records.length < MEMBERS_COMPARED
        ? await this.#queryAll<MemberRecord>(
            undefined,
            { ":pk": `STORY#${storyId}`, ":from": `${MEMBER}A`, ":to": `${MEMBER}\uffff` },
            undefined,
            "sk BETWEEN :from AND :to",
          )
        : [];
    return [...records, ...older];
  }

  /**
   * The story, its member and index records, the fold of the stories it absorbed and the item's
   * URL and hash markers first, the item last: ingest takes an item stored as done (a duplicate),
   * so an item written before a write that then failed would leave its story unwritten, its fold
   * undone or its markers missing (later copies from other feeds stored as new items) for good.
   * Everything before the item is written again the same way by a retry, which finds the story
   * through its index records and completes a fold cut short (`mayMergeStories`); a marker names
   * its item only once that is stored (`findDuplicate` passes over one whose item is not).
   */
  async saveIngest(write: IngestWrite): Promise<void> {
    const { stored, story, fingerprint } = write;
    const { item } = stored;
    if (story) await this.#saveStory(story, item.id, fingerprint, write.absorbed ?? []);
    await Promise.all(
      markerRecords(item, this.#itemRetentionDays).map((marker) =>
        this.#putFirst(marker as unknown as MarkerRecord & { sk: string }),
      ),
    );
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: itemRecord(stored, this.#itemRetentionDays) }));
  }

  async #saveStory(
    story: Story,
    itemId: string,
    fingerprint: Fingerprint | undefined,
    folded: readonly string[],
  ): Promise<void> {
    await this.#putStory(story);
    if (fingerprint) {
      const ttl = expiresAt(fingerprint.at, this.#ttlDays);
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: `STORY#${story.id}`,
            sk: memberKey(fingerprint.at, itemId),
            at: fingerprint.at,
            fingerprint,
            expiresAt: ttl,
          },
        }),
      );
      await Promise.all(indexKeys(fingerprint).map((key) => this.#touchStoryKey(key, story.id, fingerprint.at, ttl)));
    }
    // Once the story holds them: their newest members become its own (what a new item is
    // compared with), their records lead to it, and their sightings count for it.
    const absorbed = folded.filter((id) => id !== story.id);
    if (absorbed.length === 0) return;
    const members = await Promise.all(absorbed.map((id) => this.#recentMembers(id)));
    await batchPut(
      this.#doc,
      this.#table,
      members.flat().map((member) => ({ ...member, pk: `STORY#${story.id}` })),
    );
    await foldStories(
      this.#doc,
      this.#table,
      story.id,
      absorbed.map((id) => ({ id })),
    );
  }

  async deferItems(feedId: string, items: readonly DeferredItem[]): Promise<void> {
    const at = new Date().toISOString();
    const records = items.map(({ item, verdict, fingerprint }) => ({
      pk: deferKey(feedId),
      sk: `${at}#${String(deferSequence++).padStart(12, "0")}`,
      item,
      verdict,
      fingerprint,
    }));
    await batchPut(this.#doc, this.#table, records);
  }

  async deferredItems(feedId: string, limit: number): Promise<DeferredBatch> {
    const items: DeferredBatch["items"] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#query<DeferredItem & { sk: string }>({
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": deferKey(feedId) },
        Limit: limit + 1 - items.length,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      });
      for (const record of page.records) {
        items.push({ key: record.sk, item: record.item, verdict: record.verdict, fingerprint: record.fingerprint });
      }
      start = page.next;
    } while (start && items.length <= limit);
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  async dropDeferred(feedId: string, keys: readonly string[]): Promise<void> {
    await batchDelete(
      this.#doc,
      this.#table,
      keys.map((sk) => ({ pk: deferKey(feedId), sk })),
    );
  }

  async getStory(id: string): Promise<Story | undefined> {
    const seen = new Set<string>();
    for (let current = id; !seen.has(current); ) {
      seen.add(current);
      const result = await this.#doc.send(new GetCommand({ TableName: this.#table, Key: storyKey(current) }));
      const into = mergedInto(result.Item);
      if (!into) return result.Item && storyOf(result.Item);
      current = into;
    }
    return undefined;
  }

  async listStories(query: StoryQuery): Promise<Page<Story>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    for (const [field, value] of [
      ["topics", query.topic],
      ["countries", query.country],
      ["treaties", query.treaty],
      ["languages", query.language],
    ] as const) {
      if (value === undefined) continue;
      filters.push(`contains(#${field}, :${field})`);
      values[`:${field}`] = value;
      names[`#${field}`] = field;
    }
    const records = await this.#timeline<Record<string, unknown>>(
      "gsi1",
      "STORIES",
      query,
      { filters, values, names },
      query.since,
    );
    return pageOf(records.map(storyOf), query.limit, (story) => story.updatedAt);
  }

  async getItem(id: string): Promise<StoredItem | undefined> {
    const result = await this.#doc.send(new GetCommand({ TableName: this.#table, Key: itemKey(id) }));
    const record = result.Item as ItemRecord | undefined;
    return record && (await this.#withSurvivors([storedFrom(record)]))[0];
  }

  async placedReports(ids: readonly string[]): Promise<Map<string, PlacedReport>> {
    return placedReports(this.#doc, this.#table, ids);
  }

  /** Items as their stories stand: an item of a story folded into another is that story's. */
  async #withSurvivors(items: StoredItem[]): Promise<StoredItem[]> {
    const ids = items.flatMap((stored) => (stored.storyId ? [stored.storyId] : []));
    if (ids.length === 0) return items;
    const survivors = await survivorsOf(this.#doc, this.#table, ids);
    return items.map((stored) => {
      const storyId = stored.storyId && survivors.get(stored.storyId);
      return storyId && storyId !== stored.storyId ? { ...stored, storyId } : stored;
    });
  }

  async listItems(query: ItemQuery): Promise<Page<StoredItem>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (query.relevant !== undefined) {
      names["#relevant"] = "relevant";
      filters.push("#relevant = :relevant");
      values[":relevant"] = query.relevant;
    }
    // The most selective index answers; the other conditions filter.
    let index: IndexName = "gsi1";
    let partitions = ["ITEMS"];
    let survivor: string | undefined;
    if (query.storyId) {
      index = "gsi3";
      // A story's items are listed under it and under each story folded into it.
      survivor = (await survivorsOf(this.#doc, this.#table, [query.storyId])).get(query.storyId) ?? query.storyId;
      partitions = [survivor, ...(await absorbedInto(this.#doc, this.#table, survivor))].map((id) => `STORY#${id}`);
      if (query.feedId) {
        filters.push("#item.#feedId = :feedId");
        Object.assign(names, { "#item": "item", "#feedId": "feedId" });
        values[":feedId"] = query.feedId;
      }
    } else if (query.feedId) {
      index = "gsi2";
      partitions = [`FEED#${query.feedId}`];
    }
    const lists = await Promise.all(
      partitions.map((partition) =>
        this.#timeline<ItemRecord & Record<string, unknown>>(index, partition, query, { filters, values, names }),
      ),
    );
    const sortKey = `${index}sk`;
    const records =
      lists.length === 1
        ? (lists[0] ?? [])
        : lists
            .flat()
            .sort((a, b) => String(b[sortKey]).localeCompare(String(a[sortKey])))
            .slice(0, query.limit + 1);
    const items = survivor
      ? records.map((record) => ({ ...storedFrom(record), storyId: survivor }))
      : await this.#withSurvivors(records.map(storedFrom));
    const page = pageOf(
      items,
      query.limit,
      (stored) => stored.item.fetchedAt,
      (stored) => stored.item.id,
    );
    return page;
  }

  async close(): Promise<void> {
    this.#doc.destroy();
  }

  #shardNames(): string[] {
    return Array.from({ length: this.#shards }, (_, shard) => `DUE#${shard}`);
  }

  /**
   * Writes a marker unless it names another item: the first item stored under a URL or hash keeps
   * it. A marker is written before its item, so one whose attempt died before the item (and was
   * never retried) names an item that is not stored: that marker goes to this item, or every later
   * copy would pass it over and be stored as new until it expired. The marker and the item it
   * names are read only when the first write's condition fails.
   */
  async #putFirst(marker: MarkerRecord & { sk: string }): Promise<void> {
    if (await this.#putMarker(marker, "attribute_not_exists(pk) OR itemId = :id", { ":id": marker.itemId })) return;
    const key = { pk: marker.pk, sk: marker.sk };
    const held = await this.#doc.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }));
    const orphan = held.Item?.itemId;
    if (typeof orphan !== "string") return;
    const marked = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: itemKey(orphan),
        ConsistentRead: true,
        ProjectionExpression: "pk",
      }),
    );
    // Another writer that takes the marker meanwhile keeps it.
    if (!marked.Item) await this.#putMarker(marker, "itemId = :orphan", { ":orphan": orphan });
  }

  /** Whether the marker was written: false when `condition` failed. */
  async #putMarker(marker: MarkerRecord, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: marker,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /** A replayed older write never takes a story back to an earlier version. */
  async #putStory(story: Story): Promise<void> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: storyRecord(story),
          ConditionExpression: "attribute_not_exists(pk) OR #version <= :version",
          ExpressionAttributeNames: { "#version": "version" },
          ExpressionAttributeValues: { ":version": story.version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Indexes a story under a key at a time: one record a sighting, so a replayed write is the same record. */
  async #touchStoryKey(key: string, storyId: string, at: Timestamp, ttl: number): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: { pk: `SKEY#${key}`, sk: seenKey(at, storyId), storyId, at, expiresAt: ttl },
      }),
    );
  }

  /**
   * Newest first from a `<time>#<id>` index, after the cursor and not before `since`,
   * reading on until a page and one more row pass the filters.
   */
  async #timeline<T>(
    index: IndexName,
    partition: string,
    query: { limit: number; cursor?: string | undefined },
    { filters, values, names }: { filters: string[]; values: Record<string, unknown>; names: Record<string, string> },
    since?: Timestamp,
  ): Promise<T[]> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const before = after && timeKey(after.key, after.id);
    const pk = `${index}pk`;
    const sk = `${index}sk`;
    let condition = `${pk} = :pk`;
    const expressionValues: Record<string, unknown> = { ...values, ":pk": partition };
    if (before !== undefined && since !== undefined) {
      condition += ` AND ${sk} BETWEEN :since AND :before`;
      Object.assign(expressionValues, { ":since": since, ":before": before });
    } else if (before !== undefined) {
      condition += ` AND ${sk} < :before`;
      expressionValues[":before"] = before;
    } else if (since !== undefined) {
      condition += ` AND ${sk} >= :since`;
      expressionValues[":since"] = since;
    }
    const wanted = query.limit + 1;
    const found: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const { records, next } = await this.#query<T & Record<string, unknown>>({
        IndexName: index,
        KeyConditionExpression: condition,
        FilterExpression: filters.length ? filters.join(" AND ") : undefined,
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: expressionValues,
        ScanIndexForward: false,
        Limit: Math.max(wanted, 25),
        ExclusiveStartKey: start,
      });
      // BETWEEN includes its upper bound: the cursor's own row was on the last page.
      found.push(...records.filter((record) => record[sk] !== before));
      start = next;
    } while (start && found.length < wanted);
    return found.slice(0, wanted);
  }

  async #query<T>(
    input: Omit<QueryCommandInput, "TableName">,
  ): Promise<{ records: T[]; next: Record<string, unknown> | undefined }> {
    const result = await this.#doc.send(new QueryCommand({ TableName: this.#table, ...input }));
    return { records: (result.Items ?? []) as T[], next: result.LastEvaluatedKey };
  }

  /** Every record of one partition (of the table, or of an index), following pages. */
  async #queryAll<T>(
    index: IndexName | undefined,
    values: Record<string, unknown>,
    filter?: string,
    sortCondition?: string,
  ): Promise<T[]> {
    const pk = index ? `${index}pk` : "pk";
    const records: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#query<T>({
        IndexName: index,
        KeyConditionExpression: sortCondition ? `${pk} = :pk AND ${sortCondition}` : `${pk} = :pk`,
        FilterExpression: filter,
        ExpressionAttributeNames: filter?.includes("#at") ? { "#at": "at" } : undefined,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
      });
      records.push(...page.records);
      start = page.next;
    } while (start);
    return records;
  }
}

function storedFrom(record: ItemRecord): StoredItem {
  return { item: record.item, verdict: record.verdict, storyId: record.storyId };
}
