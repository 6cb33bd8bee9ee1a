import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { buttonPage, HtmlResponse, htmlPage, TokenQuery } from "../../lib/page.ts";
import { applyStatusChange } from "../../lib/subscription-status.ts";

const show = createRoute({
  method: "get",
  path: "/v1/unsubscribe",
  operationId: "showUnsubscribePage",
  tags: ["subscriptions"],
  summary: "The page an unsubscribe link opens",
  description: "Shows a button; opening the link changes nothing.",
  request: { query: TokenQuery },
  responses: { 200: { description: "A page with a button", content: HtmlResponse }, ...errorResponses("BAD_REQUEST") },
});

const unsubscribe = createRoute({
  method: "post",
  path: "/v1/unsubscribe",
  operationId: "unsubscribe",
  tags: ["subscriptions"],
  summary: "Unsubscribe (RFC 8058 one-click)",
  description:
    "The `List-Unsubscribe-Post: List-Unsubscribe=One-Click` target: no login or cookie, the token in the link is enough.",
  request: {
    query: TokenQuery,
    body: {
      content: {
        "application/x-www-form-urlencoded": { schema: z.object({ "List-Unsubscribe": z.string().optional() }) },
      },
      required: false,
    },
  },
  responses: {
    200: { description: "Unsubscribed", content: HtmlResponse },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND", "PAYLOAD_TOO_LARGE"),
  },
});

export function registerUnsubscribe<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api
    .openapi(show, (c) => {
      const { token } = c.req.valid("query");
      const action = `/v1/unsubscribe?token=${encodeURIComponent(token)}`;
      return c.html(
        buttonPage(
          "Stop these alerts?",
          "You will get no more treatywatch alerts from this subscription.",
          action,
          { "List-Unsubscribe": "One-Click" },
          "Unsubscribe",
        ),
        200,
      );
    })
    .openapi(unsubscribe, async (c) => {
      const { token } = c.req.valid("query");
      const { subscriptions, clock } = c.var.services;
      const subscription = await subscriptions.findByUnsubscribeToken(token);
      if (!subscription)
        return c.html(htmlPage("Unknown link", "<p>This unsubscribe link is not one we sent.</p>"), 404);
      await applyStatusChange(subscriptions, subscription, "unsubscribe", clock.now().toISOString());
      return c.html(htmlPage("Unsubscribed", "<p>You will get no more alerts from this subscription.</p>"), 200);
    });
}
