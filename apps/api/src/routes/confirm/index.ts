import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { sha256Hex } from "@treatywatch/core";
import type { Schema } from "hono";
import type { AppEnv } from "../../lib/env.ts";
import { errorResponses } from "../../lib/errors.ts";
import { buttonPage, HtmlResponse, htmlPage, TokenQuery } from "../../lib/page.ts";

const show = createRoute({
  method: "get",
  path: "/v1/confirm",
  operationId: "showConfirmationPage",
  tags: ["subscriptions"],
  summary: "The page an email confirmation link opens",
  description: "Shows a button that confirms; opening the link changes nothing, so link scanners cannot confirm.",
  request: { query: TokenQuery },
  responses: { 200: { description: "A page with a button", content: HtmlResponse }, ...errorResponses("BAD_REQUEST") },
});

const confirm = createRoute({
  method: "post",
  path: "/v1/confirm",
  operationId: "confirmSubscription",
  tags: ["subscriptions"],
  summary: "Confirm an email subscription",
  description: "Spends the single-use token. Expired or spent tokens answer 404.",
  request: { query: TokenQuery },
  responses: {
    200: { description: "Confirmed", content: HtmlResponse },
    ...errorResponses("BAD_REQUEST", "NOT_FOUND", "PAYLOAD_TOO_LARGE"),
  },
});

export function registerConfirm<S extends Schema>(api: OpenAPIHono<AppEnv, S>) {
  return api
    .openapi(show, (c) => {
      const { token } = c.req.valid("query");
      const action = `/v1/confirm?token=${encodeURIComponent(token)}`;
      return c.html(
        buttonPage(
          "Confirm your alerts",
          "Confirm that you want treatywatch alerts at this address.",
          action,
          {},
          "Confirm",
        ),
        200,
      );
    })
    .openapi(confirm, async (c) => {
      const { token } = c.req.valid("query");
      const { subscriptions, clock } = c.var.services;
      const confirmed = await subscriptions.confirmSubscription(sha256Hex(token), clock.now().toISOString());
      if (!confirmed) {
        return c.html(htmlPage("Link expired", "<p>This link has expired or was already used.</p>"), 404);
      }
      const manageToken = await subscriptions.unsubscribeToken(confirmed.id);
      const manage = manageToken
        ? ` <a href="/manage/${encodeURIComponent(manageToken)}">Change or pause them</a> here.`
        : "";
      return c.html(
        htmlPage("Confirmed", `<p>Your alerts are on. Every message has a link to change or stop them.${manage}</p>`),
        200,
      );
    });
}
