import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { InvalidCursorError } from "@treatywatch/core";
import { parseAllowList } from "@treatywatch/http/address";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { carryAnswerHeaders, requestHeader } from "./lib/answer.ts";
import { authenticate } from "./lib/auth.ts";
import { runtimeRemoteAddress } from "./lib/client-address.ts";
import { allowDirectAnswers } from "./lib/direct-answers.ts";
import { earlyAnswers, type KeptPages, keptPage, queryOf } from "./lib/early-answers.ts";
import type { AppEnv, AppOptions, Services } from "./lib/env.ts";
import { ApiError, type ErrorBody } from "./lib/errors.ts";
import { allowedMethods } from "./lib/methods.ts";
import { API_DESCRIPTION, registerOpenApiDocument } from "./lib/openapi.ts";
import { FORWARDED_HOST_HEADER, forwardedOrigin, requireOriginSecret } from "./lib/origin.ts";
import { memoryRateLimiters, RateLimiter } from "./lib/rate-limit.ts";
import { sendRendered } from "./lib/rendered-cache.ts";
import { logAnswer, requestIdFrom } from "./lib/request-log.ts";
import { validationHook } from "./lib/validation.ts";
import { registerWebhookEvents } from "./lib/webhook-events.ts";
import { registerPages } from "./pages/index.tsx";
import { registerConfirm } from "./routes/confirm/index.ts";
import { registerDeliveries } from "./routes/deliveries/index.ts";
import { registerDocs } from "./routes/docs/index.ts";
import { registerFeeds } from "./routes/feeds/index.ts";
import { registerHealth } from "./routes/health/index.ts";
import { registerItems } from "./routes/items/index.ts";
import { registerStories } from "./routes/stories/index.ts";
import { registerSubscriptions } from "./routes/subscriptions/index.ts";
import { registerSyndication } from "./routes/syndication/index.ts";
import { registerTaxonomy } from "./routes/taxonomy/index.ts";
import { registerUnsubscribe } from "./routes/unsubscribe/index.ts";

export const API_VERSION = "0.1.0";

function errorBody(error: ApiError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, requestId, details: error.details } };
}

/** The kept page a GET asks for under the store's current data version, answered; undefined when there is none. */
async function keptAnswer(c: Context<AppEnv>, kept: KeptPages): Promise<Response | undefined> {
  const key = kept.keyOf(queryOf(c.req.url));
  if (key === undefined) return undefined;
  const page = await keptPage(c.get("services").store, kept, key);
  return page && sendRendered(c, page, kept.contentType);
}

/** Builds the API. The node server and the Lambda entry both serve what this returns. */
export function createApp(services: Services, options: AppOptions = {}) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const configuredUrl = options.publicUrl?.replace(/\/+$/, "");
  const fallbackUrl = configuredUrl ?? "http://localhost:8787";
  const outboundAllow = parseAllowList(options.outboundAllow ?? []);
  const limiters = options.rateLimiters ?? memoryRateLimiters;
  const keyLimit = options.rateLimit ?? { requests: 600, windowSeconds: 60 };
  const anonymousLimit = options.anonymousRateLimit ?? { requests: 120, windowSeconds: 60 };
  const limiter = new RateLimiter(limiters(keyLimit, "key"), keyLimit);
  const anonymous = {
    limiter: new RateLimiter(limiters(anonymousLimit, "anonymous"), anonymousLimit),
    remoteAddress: options.remoteAddress ?? runtimeRemoteAddress,
    trustedProxies: options.trustedProxies ?? 0,
  };

  const fixedOptions = { publicUrl: configuredUrl ?? fallbackUrl, outboundAllow };
  api.use(async (c, next) => {
    const requestId = requestIdFrom(requestHeader(c, "x-request-id"));
    c.set("requestId", requestId);
    c.set("services", services);
    // Behind CloudFront (and only then: the origin secret is checked next) the viewer's host names the public URL.
    const viewer = options.origin ? forwardedOrigin(requestHeader(c, FORWARDED_HOST_HEADER)) : undefined;
    c.set("options", configuredUrl || !viewer ? fixedOptions : { publicUrl: viewer, outboundAllow });
    c.set("answerHeaders", { "x-request-id": requestId });
    const started = services.clock.now().getTime();
    await next();
    carryAnswerHeaders(c, c.res);
    const answered = {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      // c.get rather than c.var: c.var copies every variable into a new object on each read.
      tenantId: c.get("caller")?.tenantId,
    };
    logAnswer(services, answered, started);
  });
  if (options.origin) api.use(requireOriginSecret(options.origin.secret));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const allowOrigins = cors({
      origin: [...options.corsOrigins],
      exposeHeaders: [
        "x-request-id",
        "retry-after",
        "etag",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
      ],
    });
    api.use("/v1/*", (c, next) => {
      c.set("answerRemade", true);
      return allowOrigins(c, next);
    });
  }
  const limitBody = bodyLimit({
    maxSize: options.bodyLimitBytes ?? 64 * 1024,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", "request body too large");
    },
  });
  const admit = authenticate(limiter, anonymous);
  const early = earlyAnswers(api);
  api.use(async (c, next) => {
    // No route reads a GET or HEAD body; looking for one makes the node server build a full Request.
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      return limitBody(c, async () => {
        await admit(c);
        await next();
      });
    }
    await admit(c);
    const kept = c.req.method === "GET" ? early.get(c.req.path) : undefined;
    return (kept && (await keptAnswer(c, kept))) || next();
  });
  if (!options.origin && !options.corsOrigins?.length && !options.remoteAddress) {
    allowDirectAnswers(api, { pages: early, services, anonymous });
  }

  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key, `tw_…`, from `treatywatch keys create`.",
  });

  const news = registerTaxonomy(registerItems(registerStories(registerHealth(api))));
  const subscribers = registerUnsubscribe(registerConfirm(registerSubscriptions(news)));
  const routes = registerFeeds(registerSyndication(registerDeliveries(subscribers)));

  registerOpenApiDocument(
    api,
    { title: "treatywatch API", version: API_VERSION, description: API_DESCRIPTION },
    registerWebhookEvents,
  );
  registerDocs(api);
  registerPages(api, {
    signupTenant: options.publicSignups === false ? undefined : (options.publicSignups?.tenant ?? "public"),
    remoteAddress: anonymous.remoteAddress,
    trustedProxies: anonymous.trustedProxies,
    rateLimiters: limiters,
  });

  api.notFound((c) => {
    const allowed = allowedMethods(api.routes, c.req.path);
    if (allowed.length > 0) {
      c.header("allow", allowed.join(", "));
      const wrongMethod = new ApiError(
        "METHOD_NOT_ALLOWED",
        `${c.req.method} is not allowed here; use ${allowed.join(", ")}`,
      );
      return carryAnswerHeaders(c, c.json(errorBody(wrongMethod, c.get("requestId")), 405));
    }
    return carryAnswerHeaders(
      c,
      c.json(
        errorBody(new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`), c.get("requestId")),
        404,
      ),
    );
  });

  // Errors the first middleware's own steps raise never reach its way out: the answer headers are carried here.
  api.onError((error, c) => carryAnswerHeaders(c, errorResponse(error, c)));

  function errorResponse(error: Error, c: Context<AppEnv>): Response {
    const requestId = c.get("requestId") ?? randomUUID();
    if (error instanceof ApiError) return c.json(errorBody(error, requestId), error.status);
    if (error instanceof InvalidCursorError) {
      const invalid = new ApiError("BAD_REQUEST", error.message, [{ path: "query.cursor", message: error.message }]);
      return c.json(errorBody(invalid, requestId), 400);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
      return c.json(errorBody(new ApiError(code, error.message || code.toLowerCase()), requestId), error.status);
    }
    services.logger.error({ err: error, requestId, path: c.req.path }, "unhandled error");
    return c.json(errorBody(new ApiError("INTERNAL_SERVER_ERROR", "internal error"), requestId), 500);
  }

  return routes;
}

export type App = ReturnType<typeof createApp>;
