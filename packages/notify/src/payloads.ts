import type { Story, Timestamp } from "@treatywatch/core";
import type { StoryCreatedEvent, StoryPayload, StoryUpdatedEvent } from "./events.ts";

export function storyPayload(story: Story): StoryPayload {
  return {
    id: story.id,
    version: story.version,
    title: story.title,
    summary: story.summary,
    score: story.score,
    topics: [...story.topics],
    categories: [...story.categories],
    countries: [...story.countries],
    treaties: [...story.treaties],
    firstSeenAt: story.firstSeenAt,
    updatedAt: story.updatedAt,
    sources: story.sources.map((source) => ({
      outlet: source.outlet,
      title: source.title,
      ...(source.link ? { link: source.link } : {}),
      ...(source.publishedAt ? { publishedAt: source.publishedAt } : {}),
    })),
  };
}

export interface AlertEventInput {
  deliveryId: string;
  subscriptionId: string;
  story: Story;
  reasons: string[];
  /** Present for an update: what changed materially. */
  changes?: string[] | undefined;
  at: Timestamp;
}

export function alertEvent(input: AlertEventInput): StoryCreatedEvent | StoryUpdatedEvent {
  const common = {
    schemaVersion: 1 as const,
    id: input.deliveryId,
    subscriptionId: input.subscriptionId,
    timestamp: input.at,
  };
  const story = storyPayload(input.story);
  return input.changes
    ? { ...common, type: "story.updated", data: { story, reasons: input.reasons, changes: input.changes } }
    : { ...common, type: "story.created", data: { story, reasons: input.reasons } };
}
