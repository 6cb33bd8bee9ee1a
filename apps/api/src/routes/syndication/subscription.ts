import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { ApiError, errorResponses } from "../../lib/errors.ts";
import { storiesMatching } from "../../lib/matching-stories.ts";
import { FEED_CONTENT, FeedFormatParam, feedResponse, renderFeed } from "../../lib/syndication.ts";

const ENTRIES = 50;
const WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

const route = createRoute({
  method: "get",
  path: "/v1/subscriptions/{id}/feed/{format}",
  operationId: "getSubscriptionFeed",
  tags: ["feeds"],
  summary: "A saved filter's stories as a feed",
  description:
    "The stories of the last 30 days that a subscription's filter matches. Feed readers send no key, so the subscription id is the capability: share it only with whoever should read the feed. Send `If-None-Match` with the last `ETag` to get 304.",
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "id", in: "path" } }),
      format: FeedFormatParam,
    }),
  },
  responses: {
    200: { description: "The feed", content: FEED_CONTENT },
    304: { description: "Unchanged since the ETag sent" },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND"),
  },
});

export function registerSubscriptionFeed<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { id, format } = c.req.valid("param");
    const { store, subscriptions, clock } = c.var.services;
    const subscription = await subscriptions.findSubscription(id);
    if (!subscription || subscription.status === "unsubscribed") throw new ApiError("NOT_FOUND", `no feed for ${id}`);
    const since = new Date(clock.now().getTime() - WINDOW_MS).toISOString();
    const matches = await storiesMatching(store, subscription.filter, since, ENTRIES);
    const { publicUrl } = c.var.options;
    const body = renderFeed(
      matches.map((match) => match.story),
      {
        title: "treatywatch: saved filter",
        description: "Arms-control and landmine news matching a saved filter.",
        selfBase: `${publicUrl}/v1/subscriptions/${id}/feed`,
        publicUrl,
      },
      format,
    );
    return feedResponse(c, body, format);
  });
}
