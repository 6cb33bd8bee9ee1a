import { deflateRawSync, inflateRawSync } from "node:zlib";
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Item, PlacedReport, StoredItem, Story, Timestamp } from "@treatywatch/core";
import { conditionally, expiresAt, timeKey } from "./shared.ts";

/** A record's primary key. */
export interface RecordKey {
  pk: string;
  sk: string;
}

export const feedKey = (id: string): RecordKey => ({ pk: `FEED#${id}`, sk: "FEED" });
export const itemKey = (id: string): RecordKey => ({ pk: `ITEM#${id}`, sk: "ITEM" });
export const urlKey = (url: string): RecordKey => ({ pk: `ITEMURL#${url}`, sk: "ITEMURL" });
export const hashKey = (hash: string): RecordKey => ({ pk: `ITEMHASH#${hash}`, sk: "ITEMHASH" });
export const storyKey = (id: string): RecordKey => ({ pk: `STORY#${id}`, sk: "STORY" });
/** Under a story, one record per story folded into it: what its items are listed under too. */
export const mergedKey = (survivor: string, absorbed: string): RecordKey => ({
  pk: `STORY#${survivor}`,
  sk: `MERGED#${absorbed}`,
});
export const MERGED = "MERGED#";

/** The keys under which an item counts as already seen: its id, its canonical URL and its content hash. */
export function duplicateKeys(item: Pick<Item, "id" | "canonicalUrl" | "contentHash">): RecordKey[] {
  return [itemKey(item.id), hashKey(item.contentHash), ...(item.canonicalUrl ? [urlKey(item.canonicalUrl)] : [])];
}

/**
 * An item record with its index attributes; with `retentionDays`, an expiry that many days
 * after it was fetched (TTL deletes it, and its markers with it).
 */
export function itemRecord(stored: StoredItem, retentionDays?: number): Record<string, unknown> {
  const { item } = stored;
  return {
    ...itemKey(item.id),
    gsi1pk: "ITEMS",
    gsi1sk: timeKey(item.fetchedAt, item.id),
    gsi2pk: `FEED#${item.feedId}`,
    gsi2sk: timeKey(item.fetchedAt, item.id),
    gsi3pk: stored.storyId ? `STORY#${stored.storyId}` : undefined,
    gsi3sk: stored.storyId ? timeKey(item.fetchedAt, item.id) : undefined,
    relevant: stored.verdict.relevant,
    item,
    verdict: stored.verdict,
    storyId: stored.storyId,
    expiresAt: retention(item.fetchedAt, retentionDays),
  };
}

/** The URL and content-hash markers that point a later copy of an item at it. */
export function markerRecords(item: Item, retentionDays?: number): Record<string, unknown>[] {
  const ttl = retention(item.fetchedAt, retentionDays);
  return [
    ...(item.canonicalUrl ? [{ ...urlKey(item.canonicalUrl), itemId: item.id, expiresAt: ttl }] : []),
    { ...hashKey(item.contentHash), itemId: item.id, expiresAt: ttl },
  ];
}

/**
 * A value as deflated JSON in base64, for the large attributes of records that are read and
 * rewritten often: a story of a hundred sources is about 25 KB of JSON and a fifth of that
 * deflated, and DynamoDB's reads and writes are billed, and its calls take time, by size. A
 * string rather than a binary attribute: the SDK checks every binary attribute it reads against
 * a pattern, which costs more than inflating it.
 */
export function packJson(value: unknown): string {
  return deflateRawSync(JSON.stringify(value), { level: 1 }).toString("base64");
}

/** A value packed by `packJson`; JSON text or a map, as records held it before. */
export function unpackJson<T>(value: unknown): T {
  if (typeof value !== "string") return value as T;
  // JSON text opens with a bracket, a brace or a quote, none of which base64 uses.
  if (/^[[{"\s]/.test(value)) return JSON.parse(value) as T;
  return JSON.parse(inflateRawSync(Buffer.from(value, "base64")).toString("utf8")) as T;
}

/**
 * A story record with the attributes its list index and filters read. The story itself is one
 * packed attribute (deflated JSON): a story lists up to a hundred sources, and as nested DynamoDB
 * maps that is the costliest record to marshal, store and read again on every join.
 */
export function storyRecord(story: Story): Record<string, unknown> {
  return {
    ...storyKey(story.id),
    gsi1pk: "STORIES",
    gsi1sk: timeKey(story.updatedAt, story.id),
    version: story.version,
    topics: story.topics,
    countries: story.countries,
    treaties: story.treaties,
    languages: story.languages ?? [],
    story: packJson(story),
  };
}

/**
 * The record a story folded into another leaves behind: it names the story that holds it now
 * (`mergedInto`) and has no list index attributes, so listings skip it. `rev` goes on counting,
 * so a writer that read the story before it was folded cannot write it back.
 */
export function redirectRecord(absorbed: string, survivor: string, rev: number): Record<string, unknown> {
  return { ...storyKey(absorbed), mergedInto: survivor, rev };
}

/** The story a record's story was folded into, if it was. */
export function mergedInto(record: Record<string, unknown> | undefined): string | undefined {
  return typeof record?.mergedInto === "string" ? record.mergedInto : undefined;
}

/** The story of a story record: packed, or a JSON string or a map in records written before. */
export function storyOf(record: Record<string, unknown>): Story {
  return unpackJson<Story>(record.story);
}

function retention(at: Timestamp, days: number | undefined): number | undefined {
  return days === undefined || days <= 0 ? undefined : expiresAt(at, days);
}

export const GET_LIMIT = 100;
const WRITE_LIMIT = 25;
const RETRIES = 8;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/**
 * Every record of `keys` that exists, read in BatchGetItem calls of 100 (strongly consistent
 * when asked); keys DynamoDB leaves unprocessed under load are asked for again. `calls`, when
 * given, counts the calls made.
 */
export async function batchGet<T extends Record<string, unknown>>(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly RecordKey[],
  consistent = false,
  calls?: { count: number },
  projection?: string,
): Promise<T[]> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const chunks: RecordKey[][] = [];
  for (let start = 0; start < unique.length; start += GET_LIMIT) chunks.push(unique.slice(start, start + GET_LIMIT));
  const found = await Promise.all(
    chunks.map(async (chunk) => {
      const records: T[] = [];
      let pending: Record<string, unknown>[] = chunk.map((key) => ({ pk: key.pk, sk: key.sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > RETRIES) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
        if (attempt > 0) await pause(attempt);
        if (calls) calls.count++;
        const result = await doc.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: { Keys: pending, ConsistentRead: consistent, ProjectionExpression: projection },
            },
          }),
        );
        records.push(...((result.Responses?.[table] ?? []) as T[]));
        pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
      return records;
    }),
  );
  return found.flat();
}

/**
 * The stored items among `ids`, each as it was placed (its item and verdict), by id: read
 * strongly consistent in BatchGetItem calls of 100, what `placementOf` works a placement out from.
 */
export async function placedReports(
  doc: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
): Promise<Map<string, PlacedReport>> {
  if (ids.length === 0) return new Map();
  const records = await batchGet<PlacedReport & Record<string, unknown>>(doc, table, ids.map(itemKey), true);
  return new Map(records.map(({ item, verdict }) => [item.id, { item, verdict }]));
}

/**
 * Puts records in BatchWriteItem calls of 25, unconditionally; records left unprocessed are
 * written again. Of records with one key (two reports of one text name one hash marker) the
 * first is written: DynamoDB refuses a call that names a key twice.
 */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  table: string,
  records: readonly Record<string, unknown>[],
): Promise<void> {
  const first = new Map<string, Record<string, unknown>>();
  for (const record of records) {
    const key = `${record.pk}\u0000${record.sk}`;
    if (!first.has(key)) first.set(key, record);
  }
  await batchWrite(
    doc,
    table,
    [...first.values()].map((record) => ({ PutRequest: { Item: record } })),
  );
}

/** Deletes records by key in BatchWriteItem calls of 25; keys left unprocessed are deleted again. */
export async function batchDelete(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly RecordKey[],
): Promise<void> {
  await batchWrite(
    doc,
    table,
    keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })),
  );
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += WRITE_LIMIT) {
    chunks.push(requests.slice(start, start + WRITE_LIMIT));
  }
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > RETRIES) throw new Error(`BatchWriteItem left ${pending.length} writes unprocessed`);
        if (attempt > 0) await pause(attempt);
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      }
    }),
  );
}

/** Redirects followed before a chain is taken as broken: each merge writes its redirects one hop deep. */
const MERGE_HOPS = 16;

/**
 * Where each story id leads: to the story it was folded into, following redirects, or to itself
 * (a story standing, or no record at all). Reads only the redirect attribute, a hop at a time.
 */
export async function survivorsOf(
  doc: DynamoDBDocumentClient,
  table: string,
  ids: Iterable<string>,
  consistent = false,
): Promise<Map<string, string>> {
  const next = new Map<string, string>();
  const asked = new Set<string>();
  let pending = [...new Set(ids)];
  for (let hop = 0; pending.length > 0; hop++) {
    if (hop > MERGE_HOPS) throw new Error(`story redirects from ${pending.join(", ")} go on past ${MERGE_HOPS} hops`);
    for (const id of pending) asked.add(id);
    const records = await batchGet<Record<string, unknown>>(
      doc,
      table,
      pending.map(storyKey),
      consistent,
      undefined,
      "pk, mergedInto",
    );
    for (const record of records) {
      const into = mergedInto(record);
      if (into) next.set((record.pk as string).slice("STORY#".length), into);
    }
    pending = [...new Set(next.values())].filter((id) => !asked.has(id));
  }
  const survivors = new Map<string, string>();
  for (const id of asked) survivors.set(id, followed(id, next));
  return survivors;
}

/** The end of a story's redirects in `next` (a loop, which no merge writes, ends where it closes). */
export function followed(id: string, next: ReadonlyMap<string, string>): string {
  const seen = new Set([id]);
  let current = id;
  for (let into = next.get(current); into !== undefined && !seen.has(into); into = next.get(current)) {
    seen.add(into);
    current = into;
  }
  return current;
}

/**
 * Stories folded into a story: those its `MERGED#` records name whose redirects lead to it. A
 * record is written before the redirect it announces, so a fold cut short or refused (the other
 * story written meanwhile) may leave one naming a story that still stands, or that went
 * elsewhere: its items are not this story's.
 */
export async function absorbedInto(doc: DynamoDBDocumentClient, table: string, survivor: string): Promise<string[]> {
  const named: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :merged)",
        ExpressionAttributeValues: { ":pk": storyKey(survivor).pk, ":merged": MERGED },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const record of page.Items ?? []) named.push((record.sk as string).slice(MERGED.length));
    start = page.LastEvaluatedKey;
  } while (start);
  if (named.length === 0) return named;
  const leads = await survivorsOf(doc, table, named, true);
  return named.filter((id) => leads.get(id) === survivor);
}

/**
 * Folds stories into `survivor` on the table, once the survivor is written holding them: a
 * `MERGED#` record under it for each (and for each story they had taken in before), then each
 * of their records becomes a redirect to it. `absorbed` may carry, per story, the revision it
 * must still be at (a story read before) or null (one the batch founded, so written by nobody
 * else): a story written since fails the write with ConditionalCheckFailedException, and the
 * `MERGED#` record written for it leads nowhere (`absorbedInto` passes it over). A story they
 * had taken in is redirected here only while it still leads to the one that took it in.
 */
export async function foldStories(
  doc: DynamoDBDocumentClient,
  table: string,
  survivor: string,
  absorbed: readonly { id: string; revision?: number | null | undefined; stamps?: string | undefined }[],
): Promise<void> {
  const earlier = await Promise.all(absorbed.map(({ id }) => absorbedInto(doc, table, id)));
  const taken = [...new Set([...absorbed.map(({ id }) => id), ...earlier.flat()])].filter((id) => id !== survivor);
  await batchPut(
    doc,
    table,
    taken.map((id) => ({ ...mergedKey(survivor, id), absorbed: id })),
  );
  for (const { id, revision, stamps } of absorbed) {
    if (id === survivor) continue;
    // A story the batch founded may stand already, as an earlier attempt of the same batch wrote
    // it (a founded story, or the redirect): then only that attempt can have written it, as
    // nobody else joins a story before the index names it.
    const condition =
      revision === undefined
        ? undefined
        : revision === null
          ? "attribute_not_exists(pk) OR mergedInto = :into OR (attribute_not_exists(mergedInto) AND rev = :rev)"
          : "attribute_exists(pk) AND attribute_not_exists(mergedInto) AND (attribute_not_exists(rev) OR rev = :rev)";
    await redirect(doc, table, id, survivor, { condition, revision: revision ?? 0, stamps });
  }
  // Stories folded into those before now lead here in one hop; one that no longer leads to the
  // story that took it in (it went on elsewhere meanwhile) is left as it is.
  await Promise.all(
    absorbed.flatMap(({ id }, position) =>
      (earlier[position] ?? [])
        .filter((one) => one !== survivor)
        .map((one) =>
          conditionally(() =>
            redirect(doc, table, one, survivor, { condition: "mergedInto = :from", values: { ":from": id } }),
          ),
        ),
    ),
  );
}

/** What a redirect no longer holds: the story, its list index and filter attributes, its recent members. */
const STORY_ATTRIBUTES = [
  "gsi1pk",
  "gsi1sk",
  "story",
  "version",
  "recent",
  "topics",
  "countries",
  "treaties",
  "languages",
];

async function redirect(
  doc: DynamoDBDocumentClient,
  table: string,
  absorbed: string,
  survivor: string,
  options: {
    condition?: string | undefined;
    revision?: number | undefined;
    stamps?: string | undefined;
    values?: Record<string, unknown>;
  } = {},
): Promise<void> {
  const { condition, revision, stamps, values } = options;
  await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: storyKey(absorbed),
      UpdateExpression: `SET mergedInto = :into${stamps ? ", #stamps = :stamps" : ""} ADD rev :one REMOVE ${STORY_ATTRIBUTES.map((name) => `#${name}`).join(", ")}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: {
        ...Object.fromEntries(STORY_ATTRIBUTES.map((name) => [`#${name}`, name])),
        ...(stamps ? { "#stamps": "stamps" } : {}),
      },
      ExpressionAttributeValues: {
        ":into": survivor,
        ":one": 1,
        ...(stamps ? { ":stamps": stamps } : {}),
        ...(condition?.includes(":rev") ? { ":rev": revision } : {}),
        ...values,
      },
    }),
  );
}
