import { stableId } from "@treatywatch/core";
import type { FifoMessage } from "@treatywatch/queue/sqs";
import type { PreparedItem, StoryEvent } from "../ingest.ts";

/** A fetch-queue message: one feed to fetch. The poll tick sends them; the fetch consumer reads them. */
export interface FetchMessage {
  feedId: string;
}

export function encodeFetchMessage(message: FetchMessage): string {
  return JSON.stringify({ feedId: message.feedId });
}

export class BadMessageError extends Error {
  override name = "BadMessageError";
}

export function parseFetchMessage(body: string): FetchMessage {
  const value = parseJson(body, "fetch");
  const feedId = (value as { feedId?: unknown } | null)?.feedId;
  if (typeof feedId !== "string" || feedId === "") throw new BadMessageError("fetch message has no feedId");
  return { feedId };
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadMessageError(`${what} message is not JSON`);
  }
}

/** The message group of an assignment shard: each shard's items are assigned one batch at a time, in order. */
export function shardGroup(shard: number): string {
  return `shard-${shard}`;
}

/** The shard a message group names; undefined for a group of another shape (from an earlier deployment). */
export function shardOfGroup(groupId: string | undefined): number | undefined {
  const match = /^shard-(\d{1,4})$/.exec(groupId ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * An ingest-queue message: one prepared item, in its shard's message group. Its deduplication id
 * covers the text, so a refetch of the same item within SQS's five-minute window is dropped, and an edit is not.
 */
export function encodeIngestMessage(prepared: PreparedItem, shard: number): FifoMessage {
  const { item } = prepared;
  return {
    body: JSON.stringify({ item: prepared.item, verdict: prepared.verdict, fingerprint: prepared.fingerprint }),
    deduplicationId: stableId("ing", item.id, item.title, item.summary),
    groupId: shardGroup(shard),
  };
}

export function parseIngestMessage(body: string): PreparedItem {
  const value = parseJson(body, "ingest") as {
    item?: { id?: unknown };
    verdict?: { relevant?: unknown };
    fingerprint?: { at?: unknown };
  } | null;
  if (typeof value?.item?.id !== "string" || typeof value.verdict?.relevant !== "boolean") {
    throw new BadMessageError("ingest message has no item or verdict");
  }
  if (typeof value.fingerprint?.at !== "string") throw new BadMessageError("ingest message has no fingerprint");
  return value as PreparedItem;
}

/** A match-queue message: a story the ingest step created or materially changed. */
export function encodeStoryEvent(event: StoryEvent): string {
  return JSON.stringify(event);
}

export function parseStoryEvent(body: string): StoryEvent {
  const value = parseJson(body, "story event") as Partial<StoryEvent> | null;
  if (
    (value?.kind !== "created" && value?.kind !== "updated") ||
    typeof value.storyId !== "string" ||
    typeof value.version !== "number" ||
    !Array.isArray(value.changes)
  ) {
    throw new BadMessageError("story event has no kind, story, version or changes");
  }
  return { kind: value.kind, storyId: value.storyId, version: value.version, changes: value.changes };
}
