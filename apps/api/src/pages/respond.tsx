/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../lib/env.ts";
import type { RateLimiter } from "../lib/rate-limit.ts";
import { ErrorSummary, type FieldError } from "./components.tsx";
import { Layout, renderPage } from "./layout.tsx";
import type { FormTokens } from "./security.ts";

export { pageHeaders } from "./security.ts";

/** What the page routes share: their form tokens, and who may sign up. The public URL is the request's (`c.var.options`). */
export interface PageDeps {
  tokens: FormTokens;
  /** The tenant public sign-ups join; undefined when sign-ups are off. */
  signupTenant: string | undefined;
  /** Sign-ups one client address may make, and sign-ups for one email address. */
  signupLimits: { perClient: RateLimiter; perAddress: RateLimiter };
}

/** Answers with a rendered page. */
export async function sendPage(c: Context<AppEnv>, status: ContentfulStatusCode, page: Child): Promise<Response> {
  return c.html(await renderPage(page), status);
}

/** A page that says what went wrong, with the errors and, where it helps, the form again. */
export function problemPage(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  title: string,
  errors: readonly FieldError[],
  extra?: Child,
  text?: string,
): Promise<Response> {
  return sendPage(
    c,
    status,
    <Layout title={title} noindex>
      <h1>{title}</h1>
      {text ? <p>{text}</p> : null}
      <ErrorSummary errors={errors} />
      {extra}
      <p>
        <a href="/">Back to the latest stories</a>
      </p>
    </Layout>,
  );
}
