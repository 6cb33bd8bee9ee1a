import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";

/** The header CloudFront adds to every request it sends the function, carrying the origin secret. */
export const ORIGIN_SECRET_HEADER = "x-treatywatch-origin";
/** The header CloudFront's viewer-request function fills with the host name the viewer asked for. */
export const FORWARDED_HOST_HEADER = "x-forwarded-host";

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses (403) every request that lacks the origin secret, so only CloudFront reaches the
 * function: a direct call to its function URL gets no answer but this. The secret is read
 * once, on the first request.
 */
export function requireOriginSecret(secret: () => Promise<string>): MiddlewareHandler<AppEnv> {
  let expected: Promise<string> | undefined;
  return async (c, next) => {
    expected ??= secret().catch((error: unknown) => {
      expected = undefined;
      throw error;
    });
    const given = c.req.header(ORIGIN_SECRET_HEADER) ?? "";
    if (!same(given, await expected)) {
      throw new ApiError("FORBIDDEN", "requests reach this API through its public URL only");
    }
    await next();
  };
}

/** `https://<host>` from the forwarded host, when it is a plain host name (and port); undefined otherwise. */
export function forwardedOrigin(host: string | undefined): string | undefined {
  if (!host || !/^[a-z0-9.-]{1,253}(:\d{1,5})?$/i.test(host)) return undefined;
  return `https://${host.toLowerCase()}`;
}
