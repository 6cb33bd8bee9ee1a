import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { answerHeaders } from "../lib/answer.ts";
import type { AppEnv } from "../lib/env.ts";
import { CONTENT_SECURITY_POLICY } from "./assets.ts";

/** Pages anyone may cache and share, and pages that hold a form token or a subscriber's link. */
export type PageKind = "public" | "private";

/** Headers every page carries. Private pages are never stored and never leak their URL as a referrer. */
export function pageHeaders(kind: PageKind): MiddlewareHandler<AppEnv> {
  const headers: Record<string, string> = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "referrer-policy": kind === "private" ? "no-referrer" : "strict-origin-when-cross-origin",
    "cache-control": kind === "private" ? "no-store" : "no-cache",
  };
  if (kind === "private") headers["x-robots-tag"] = "noindex";
  // Among the headers every answer to the request carries, error pages included.
  return async (c, next) => {
    Object.assign(answerHeaders(c), headers);
    await next();
  };
}

const FIELD = "csrf";

/** Double-submit form tokens: a random value in an HttpOnly, SameSite=Strict cookie, repeated in each form. */
export class FormTokens {
  /** Served over HTTPS: the public URL the request was made on says so. */
  private secure(c: Context<AppEnv>): boolean {
    return c.var.options.publicUrl.startsWith("https:");
  }

  /** The cookie's name: `__Host-` bound to this exact origin when served over HTTPS. */
  private read(c: Context<AppEnv>): string | undefined {
    return this.secure(c) ? getCookie(c, "tw_csrf", "host") : getCookie(c, "tw_csrf");
  }

  /** The token for this visitor's forms, setting the cookie on the first visit. */
  issue(c: Context<AppEnv>): string {
    const current = this.read(c);
    if (current && /^[A-Za-z0-9_-]{43}$/.test(current)) return current;
    const token = randomBytes(32).toString("base64url");
    const secure = this.secure(c);
    setCookie(c, "tw_csrf", token, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure,
      ...(secure ? { prefix: "host" as const } : {}),
    });
    return token;
  }

  /** Whether a posted form carries the same token as the visitor's cookie. */
  matches(c: Context<AppEnv>, form: Record<string, unknown>): boolean {
    const cookie = this.read(c);
    const field = form[FIELD];
    if (!cookie || typeof field !== "string" || field.length !== cookie.length) return false;
    return timingSafeEqual(Buffer.from(field), Buffer.from(cookie));
  }

  readonly field = FIELD;
}

/**
 * Refuses form posts from other sites: the browser's Origin must be the public origin the
 * request was made on or the origin it reached (Sec-Fetch-Site same-origin also passes).
 */
export function sameOriginPosts(): MiddlewareHandler<AppEnv> {
  return csrf({
    origin: (origin, c: Context<AppEnv>) =>
      origin === new URL(c.var.options.publicUrl).origin || origin === new URL(c.req.url).origin,
  });
}
