import { hashApiKey, hasScope, isWellFormedApiKey, type Scope } from "@treatywatch/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { answerHeaders, requestHeader } from "./answer.ts";
import { clientAddress, type RemoteAddress } from "./client-address.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";
import { type RateDecision, type RateLimiter, setRateLimitHeaders } from "./rate-limit.ts";

export interface AnonymousLimit {
  limiter: RateLimiter;
  remoteAddress: RemoteAddress;
  trustedProxies: number;
}

function refuseOver(headers: Record<string, string>, decision: RateDecision): void {
  setRateLimitHeaders(headers, decision);
  if (!decision.allowed) {
    headers["retry-after"] = String(decision.resetSeconds);
    throw new ApiError(
      "TOO_MANY_REQUESTS",
      `rate limit of ${decision.limit} requests in ${decision.windowSeconds} s reached; retry in ${decision.resetSeconds} s`,
    );
  }
}

/** Rate-limit decisions the node server took for a request before handing it to the app, by Node's request. */
const decided = new WeakMap<object, RateDecision>();

/** Records the decision already taken for a request (see `directListener`), so admitting it does not count it again. */
export function decidedBefore(incoming: object, decision: RateDecision): void {
  decided.set(incoming, decision);
}

/** The decision taken for this request before it reached the app, if any. */
function decisionTaken(c: Context<AppEnv>): RateDecision | undefined {
  const incoming = (c.env as { incoming?: object } | undefined)?.incoming;
  return incoming && decided.get(incoming);
}

/**
 * Admits a request: resolves a `Bearer` API key when one is sent. Requests without one go on
 * anonymous, limited per client address; routes that need a key say so with `requireScope`. A
 * key that is malformed, unknown or revoked is refused outright rather than treated as anonymous.
 */
export function authenticate(limiter: RateLimiter, anonymous: AnonymousLimit) {
  return async (c: Context<AppEnv>): Promise<void> => {
    const header = requestHeader(c, "authorization");
    if (header === undefined) {
      // X-Forwarded-For counts only behind trusted proxies; without them it is not read at all.
      const forwardedFor = anonymous.trustedProxies > 0 ? requestHeader(c, "x-forwarded-for") : undefined;
      const client = clientAddress(anonymous.remoteAddress(c), forwardedFor, anonymous.trustedProxies);
      refuseOver(answerHeaders(c), decisionTaken(c) ?? (await anonymous.limiter.take(client)));
      c.set("caller", undefined);
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    if (!key || !isWellFormedApiKey(key))
      throw new ApiError("UNAUTHORIZED", "the Authorization header holds no valid API key");
    const stored = await c.get("services").keys.findKeyByHash(hashApiKey(key));
    if (!stored || stored.revokedAt) throw new ApiError("UNAUTHORIZED", "unknown or revoked API key");
    refuseOver(answerHeaders(c), await limiter.take(stored.id));
    c.set("caller", { tenantId: stored.tenantId, keyId: stored.id, scopes: stored.scopes });
  };
}

/** Route middleware: the request must carry a key with at least this scope. */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.var.caller;
    if (!caller) throw new ApiError("UNAUTHORIZED", "this route needs an API key: Authorization: Bearer tw_…");
    if (!hasScope(caller.scopes, scope)) throw new ApiError("FORBIDDEN", `this route needs the ${scope} scope`);
    return next();
  });
}

/** The tenant of the caller; only for routes behind `requireScope`. */
export function tenantOf(c: { var: { caller: AppEnv["Variables"]["caller"] } }): string {
  const caller = c.var.caller;
  if (!caller) throw new ApiError("UNAUTHORIZED", "this route needs an API key");
  return caller.tenantId;
}

/** The OpenAPI security requirement for routes that need a key. */
export const BEARER = [{ bearerAuth: [] }];
