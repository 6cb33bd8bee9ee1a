/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { type Env, Hono, type Schema } from "hono";
import { HTTPException } from "hono/http-exception";
import type { RemoteAddress } from "../lib/client-address.ts";
import type { AppEnv } from "../lib/env.ts";
import { RateLimiter, type RateLimiterFactory } from "../lib/rate-limit.ts";
import { SCRIPT, SCRIPT_PATH, STYLE, STYLESHEET_PATH } from "./assets.ts";
import { registerFilterFeeds } from "./feed.ts";
import { registerManagePages } from "./manage.tsx";
import { problemPage } from "./respond.tsx";
import { FormTokens } from "./security.ts";
import { registerStoriesPage } from "./stories.tsx";
import { registerStoryPage } from "./story.tsx";
import { clientOf, expiredForm, registerSubscribePages } from "./subscribe.tsx";

export interface PagesOptions {
  /** The tenant public sign-ups join; undefined turns sign-ups off. */
  signupTenant: string | undefined;
  remoteAddress: RemoteAddress;
  trustedProxies: number;
  /** Where sign-ups are counted: in memory, or in a store every instance shares. */
  rateLimiters: RateLimiterFactory;
}

/** Whether a route path is one of the pages' rather than the API's (which the OpenAPI document describes). */
export function isPageRoute(path: string): boolean {
  return path === "/" || /^\/(stories|subscribe|manage|feed|assets)(\/|$)/.test(path);
}

/** Sign-ups one client address may make in an hour, and sign-ups for one email address in a day. */
export const SIGNUPS_PER_CLIENT = { requests: 10, windowSeconds: 3600 };
export const SIGNUPS_PER_ADDRESS = { requests: 5, windowSeconds: 86_400 };

/**
 * The pages for people, served by the same app as the API: the stories, one story, email
 * sign-up with a live preview, and the manage link every mail carries.
 */
export function registerPages<E extends Env, S extends Schema>(api: OpenAPIHono<E, S>, options: PagesOptions) {
  const pages = new Hono<AppEnv>();
  const deps = {
    tokens: new FormTokens(),
    signupTenant: options.signupTenant,
    signupLimits: {
      perClient: new RateLimiter(options.rateLimiters(SIGNUPS_PER_CLIENT, "signup-client"), SIGNUPS_PER_CLIENT),
      perAddress: new RateLimiter(options.rateLimiters(SIGNUPS_PER_ADDRESS, "signup-address"), SIGNUPS_PER_ADDRESS),
    },
  };
  registerStoriesPage(pages);
  registerStoryPage(pages);
  registerSubscribePages(pages, deps, clientOf(options.remoteAddress, options.trustedProxies));
  registerManagePages(pages, deps);
  registerFilterFeeds(pages);
  for (const [path, body, type] of [
    [STYLESHEET_PATH, STYLE, "text/css; charset=utf-8"],
    [SCRIPT_PATH, SCRIPT, "text/javascript; charset=utf-8"],
  ] as const) {
    pages.get(path, (c) => {
      c.header("cache-control", "public, max-age=31536000, immutable");
      c.header("x-content-type-options", "nosniff");
      return c.body(body, 200, { "content-type": type });
    });
  }
  pages.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) return expiredForm(c);
    const requestId = c.var.requestId;
    c.var.services.logger.error({ err: error, requestId, path: c.req.path }, "unhandled error on a page");
    return problemPage(
      c,
      500,
      "Something went wrong",
      [],
      undefined,
      `Please try again. If it keeps happening, quote ${requestId}.`,
    );
  });
  return api.route("/", pages as unknown as Hono<E>);
}
