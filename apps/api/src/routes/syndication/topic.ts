import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { TOPIC_LABELS } from "@treatywatch/core";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { FEED_CONTENT, FeedFormatParam, feedResponse, renderFeed } from "../../lib/syndication.ts";
import { TopicSchema } from "../stories/schema.ts";

const ENTRIES = 50;

const route = createRoute({
  method: "get",
  path: "/v1/topics/{topic}/feed/{format}",
  operationId: "getTopicFeed",
  tags: ["feeds"],
  summary: "A topic's stories as a feed",
  description: "The 50 most recently updated stories on a topic. Send `If-None-Match` with the last `ETag` to get 304.",
  request: {
    params: z.object({ topic: TopicSchema.openapi({ param: { name: "topic", in: "path" } }), format: FeedFormatParam }),
  },
  responses: {
    200: { description: "The feed", content: FEED_CONTENT },
    304: { description: "Unchanged since the ETag sent" },
    ...errorResponses("BAD_REQUEST"),
  },
});

export function registerTopicFeed<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { topic, format } = c.req.valid("param");
    const { publicUrl } = c.var.options;
    const page = await c.var.services.store.listStories({ topic, limit: ENTRIES });
    const body = renderFeed(
      page.data,
      {
        title: `treatywatch: ${TOPIC_LABELS[topic]}`,
        description: `Arms-control and landmine news on ${TOPIC_LABELS[topic].toLowerCase()}.`,
        selfBase: `${publicUrl}/v1/topics/${topic}/feed`,
        publicUrl,
      },
      format,
    );
    return feedResponse(c, body, format);
  });
}
