import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { matchStoryFilter, parseKeywords, type Story } from "@treatywatch/core";
import type { Schema } from "hono";
import { BEARER, requireScope } from "../../lib/auth.ts";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { PreviewBody, PreviewSchema } from "./schema.ts";

const WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_MATCHES = 100;
const MAX_SCANNED = 5000;

const route = createRoute({
  method: "post",
  path: "/v1/subscriptions/preview",
  tags: ["subscriptions"],
  summary: "Dry-run a filter over the last 30 days",
  description: "The stories updated in the last 30 days that the filter matches (at most 100), each with the reasons.",
  security: BEARER,
  middleware: [requireScope("read")] as const,
  request: { body: { content: { "application/json": { schema: PreviewBody } }, required: true } },
  responses: {
    200: { description: "The matching stories", content: { "application/json": { schema: PreviewSchema } } },
    ...errorResponses("BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "TOO_MANY_REQUESTS"),
  },
});

export function registerPreviewSubscription<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api.openapi(route, async (c) => {
    const { filter } = c.req.valid("json");
    const { store, clock } = c.var.services;
    const since = new Date(clock.now().getTime() - WINDOW_MS).toISOString();
    const parsed = filter.keywords === undefined ? undefined : parseKeywords(filter.keywords);
    const keywords = parsed?.ok ? parsed.expr : undefined;
    const data: Array<{ story: Story; reasons: string[] }> = [];
    let cursor: string | undefined;
    let scanned = 0;
    do {
      const page = await store.listStories({ limit: 100, cursor, since });
      for (const story of page.data) {
        const match = matchStoryFilter(story, filter, keywords);
        if (match.matched) data.push({ story, reasons: match.reasons });
      }
      scanned += page.data.length;
      cursor = page.nextCursor;
    } while (cursor && data.length < MAX_MATCHES && scanned < MAX_SCANNED);
    return c.json({ since, data: data.slice(0, MAX_MATCHES) }, 200);
  });
}
