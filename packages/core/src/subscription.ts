import type { Category, Topic, TreatyId } from "./taxonomy.ts";
import type { Timestamp } from "./types.ts";

export type Channel = { type: "email"; address: string } | { type: "webhook"; url: string };

/**
 * What a subscriber wants. Every listed dimension must match (AND); within one
 * dimension any value matches (OR). An empty filter matches every relevant story.
 */
export interface SubscriptionFilter {
  topics?: Topic[] | undefined;
  categories?: Category[] | undefined;
  /** ISO 3166-1 alpha-2 codes. */
  countries?: string[] | undefined;
  treaties?: TreatyId[] | undefined;
  /** A keyword expression: words and "quoted phrases" with AND, OR, NOT and parentheses. */
  keywords?: string | undefined;
  minScore?: number | undefined;
  /** BCP 47 primary language tags, e.g. "en", "uk". */
  languages?: string[] | undefined;
}

/** How many stories a digest lists when the subscription does not say. */
export const DEFAULT_DIGEST_STORIES = 20;

/** A digest lists at most `maxStories` (default 20) and says how many more there were. */
export type Cadence =
  | { kind: "instant" }
  | { kind: "daily"; hour: number; timeZone: string; maxStories?: number | undefined }
  | { kind: "weekly"; weekday: number; hour: number; timeZone: string; maxStories?: number | undefined };

export type SubscriptionStatus = "pending" | "active" | "paused" | "disabled" | "unsubscribed";

export interface Subscription {
  id: string;
  tenantId: string;
  channel: Channel;
  filter: SubscriptionFilter;
  cadence: Cadence;
  status: SubscriptionStatus;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
