import type { z } from "@hono/zod-openapi";
import { createClient } from "@treatywatch/client";
import {
  type Clock,
  classify,
  foundStory,
  type Item,
  joinStory,
  mergeStories,
  normaliseEntry,
  type Scope,
  type SigningSecret,
  type Story,
  type Subscription,
  silentLogger,
  type VerificationResult,
} from "@treatywatch/core";
import { issueConfirmationLink } from "@treatywatch/notify";
import { SqliteDeliveryStore, SqliteKeyStore, SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";
import { createApp } from "../src/app.ts";
import type { AppOptions, Services } from "../src/lib/env.ts";
import { issueApiKey } from "../src/lib/keys.ts";
import { CreatedSubscriptionSchema } from "../src/routes/subscriptions/schema.ts";

let sequence = 0;

export function anItem(overrides: Partial<Item> = {}): Item {
  sequence++;
  const item = normaliseEntry(
    {
      guid: `guid-${sequence}`,
      title: overrides.title ?? `Latvia deposits its withdrawal from the Ottawa Convention on landmines (${sequence})`,
      link: `https://outlet${sequence}.example/story-${sequence}`,
      published: "2025-06-27T09:00:00Z",
    },
    {
      feedId: "fd_test",
      feedUrl: "https://outlet.example/feed.xml",
      feedTitle: `Outlet ${sequence}`,
      fetchedAt: "2025-06-27T10:00:00Z",
    },
  );
  if (!item) throw new Error("factory item did not normalise");
  return { ...item, ...overrides };
}

/** A store holding `count` stories, one or two outlets each, updated a minute apart. */
export async function storeWithStories(
  count: number,
  store = new SqliteStore(":memory:"),
): Promise<{ store: SqliteStore; stories: Story[] }> {
  const stories: Story[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2025, 5, 27, 10, i)).toISOString();
    const first = anItem();
    const verdict = classify(first);
    let story = foundStory(first, verdict, at);
    await store.saveIngest({ stored: { item: first, verdict, storyId: story.id }, story });
    if (i % 2 === 0) {
      const second = anItem();
      story = joinStory(story, second, classify(second), at).story;
      await store.saveIngest({ stored: { item: second, verdict: classify(second), storyId: story.id }, story });
    }
    stories.push(story);
  }
  return { store, stories };
}

/**
 * Two stories, the second merged into the first by a report that joined them both, as ingest
 * writes it: the first keeps its id and the second's id leads to it.
 */
export async function storeWithMergedStories(
  store = new SqliteStore(":memory:"),
): Promise<{ store: SqliteStore; survivor: Story; absorbed: string }> {
  const { stories } = await storeWithStories(2, store);
  const [kept, other] = stories;
  if (!kept || !other) throw new Error("two stories were not made");
  const at = new Date(Date.UTC(2025, 5, 27, 11)).toISOString();
  const merge = mergeStories(kept, other, at);
  const bridging = anItem();
  const verdict = classify(bridging);
  const survivor = joinStory(merge.story, bridging, verdict, at).story;
  await store.saveIngest({
    stored: { item: bridging, verdict, storyId: survivor.id },
    story: survivor,
    absorbed: [merge.absorbed],
  });
  return { store, survivor, absorbed: merge.absorbed };
}

/** A clock tests move by hand. */
export function aClock(start = "2025-07-01T12:00:00.000Z"): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface TestServices extends Services {
  clock: ReturnType<typeof aClock>;
  sentConfirmations: Array<{ subscription: Subscription; link: string }>;
  verifications: Array<{ subscription: Subscription; secrets: SigningSecret[] }>;
  verifierAnswer: VerificationResult;
}

/** Services over one in-memory database, with a hand-moved clock and recording notices. */
export function testServices(
  store = new SqliteStore(":memory:"),
): TestServices & { store: SqliteStore; deliveries: SqliteDeliveryStore } {
  const services: TestServices & { store: SqliteStore; deliveries: SqliteDeliveryStore } = {
    store,
    logger: silentLogger,
    keys: new SqliteKeyStore(store.db),
    subscriptions: new SqliteSubscriptionStore(store.db),
    deliveries: new SqliteDeliveryStore(store.db),
    clock: aClock(),
    sentConfirmations: [],
    verifications: [],
    verifierAnswer: { ok: true },
    webhookVerifier: {
      verify: async (subscription, secrets) => {
        services.verifications.push({ subscription, secrets });
        return services.verifierAnswer;
      },
    },
    confirmations: {
      // The link is minted as the deliver step mints it, on the origin the tests' apps use.
      sendConfirmation: async (subscription) => {
        const link = await issueConfirmationLink(
          services.subscriptions,
          subscription.id,
          "https://alerts.example.org",
          services.clock.now(),
        );
        services.sentConfirmations.push({ subscription, link });
      },
    },
  };
  return services;
}

/** Issues a key for a tenant, as `treatywatch keys create` does. */
export async function aKey(services: Services, tenant = "acme", scopes: Scope[] = ["read", "write"]): Promise<string> {
  const issued = await issueApiKey(services.keys, { tenant, scopes, now: services.clock.now().toISOString() });
  return issued.key;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export function appWith(store: SqliteStore, options: AppOptions = {}) {
  return createApp(testServices(store), options);
}

/** The typed client, talking to an in-process app rather than a socket. */
export function clientFor(app: ReturnType<typeof createApp>, key?: string) {
  return createClient("http://treatywatch.test", key, { fetch: async (request) => app.fetch(request) });
}

/** Creates a subscription through the API (a webhook, instant, unless the body says otherwise). */
export async function aSubscription(
  app: ReturnType<typeof createApp>,
  key: string,
  body: Record<string, unknown> = {},
): Promise<z.infer<typeof CreatedSubscriptionSchema>> {
  const response = await app.request("/v1/subscriptions", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/json" },
    body: JSON.stringify({
      channel: { type: "webhook", url: "https://hooks.example.org/x" },
      cadence: { kind: "instant" },
      ...body,
    }),
  });
  return CreatedSubscriptionSchema.parse(await response.json());
}
