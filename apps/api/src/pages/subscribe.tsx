/** @jsxRuntime automatic @jsxImportSource hono/jsx */

import type { SubscriptionFilter } from "@treatywatch/core";
import type { Context, Hono } from "hono";
import { clientAddress, type RemoteAddress } from "../lib/client-address.ts";
import type { AppEnv } from "../lib/env.ts";
import { previewFilter } from "../lib/matching-stories.ts";
import type { RateDecision } from "../lib/rate-limit.ts";
import { createSubscription } from "../lib/subscribe.ts";
import { ErrorSummary, type FieldError, Notice } from "./components.tsx";
import { Layout } from "./layout.tsx";
import { type PageDeps, pageHeaders, problemPage, sendPage } from "./respond.tsx";
import { sameOriginPosts } from "./security.ts";
import {
  addressOf,
  CadenceFields,
  cadenceOf,
  FilterFields,
  type FormValues,
  filterOf,
  type PreviewResult,
  PreviewResults,
  PreviewSection,
  readForm,
} from "./subscription-form.tsx";

/** Stories a preview reads before it says "more than". */
export const PREVIEW_LIMIT = 50;
/** The field bots fill in and people never see. */
export const HONEYPOT = "website";

/** The fields of a query, or of a posted form, by name. */
export function queryFields(c: Context): (name: string) => string[] {
  const query = c.req.queries();
  return (name) => query[name] ?? [];
}

export async function postedFields(
  c: Context,
): Promise<{ all: (name: string) => string[]; raw: Record<string, unknown> }> {
  const raw = await c.req.parseBody({ all: true });
  return {
    raw,
    all: (name) => {
      const value = raw[name];
      const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return values.filter((entry): entry is string => typeof entry === "string");
    },
  };
}

/** The recent stories a form's filter matches, or the filter's errors. */
export async function previewOf(c: Context<AppEnv>, values: FormValues): Promise<PreviewResult> {
  const { filter, errors } = filterOf(values);
  if (errors.length > 0) return { ok: false, errors };
  return previewFor(c, filter);
}

async function previewFor(c: Context<AppEnv>, filter: SubscriptionFilter): Promise<PreviewResult> {
  const { store, clock } = c.var.services;
  const { data } = await previewFilter(store, filter, clock.now(), PREVIEW_LIMIT + 1);
  return { ok: true, matches: data.slice(0, PREVIEW_LIMIT), capped: data.length > PREVIEW_LIMIT };
}

function SubscribeForm(props: {
  values: FormValues;
  errors: readonly FieldError[];
  preview: PreviewResult | undefined;
  csrf: string;
}) {
  const { values, errors } = props;
  return (
    <div class="subscribe">
      <form method="post" action="/subscribe" data-filter-form="" data-preview="/subscribe/preview" novalidate>
        <input type="hidden" name="csrf" value={props.csrf} />
        <FilterFields values={values} errors={errors} />
        <div class="actions">
          <button type="submit" class="secondary" formmethod="get" formaction="/subscribe" data-preview-button="">
            Preview matching stories
          </button>
        </div>
        <CadenceFields values={values} errors={errors} />
        <fieldset>
          <legend>Where to send them</legend>
          <div class="field">
            <label for="email">Email address</label>
            <span class="hint" id="email-hint">
              We send one message to confirm it. Nothing else comes until you do.
            </span>
            {errors.some((error) => error.field === "email") ? (
              <span class="error" id="email-error">
                {errors.find((error) => error.field === "email")?.message}
              </span>
            ) : null}
            <input
              type="email"
              id="email"
              name="email"
              value={values.email}
              autocomplete="email"
              spellcheck={false}
              required
              aria-invalid={errors.some((error) => error.field === "email") ? "true" : undefined}
              aria-describedby={
                errors.some((error) => error.field === "email") ? "email-hint email-error" : "email-hint"
              }
            />
          </div>
          <div class="hp" aria-hidden="true">
            <label for={HONEYPOT}>Leave this empty</label>
            <input type="text" id={HONEYPOT} name={HONEYPOT} tabindex={-1} autocomplete="off" />
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">Send me the confirmation</button>
        </div>
      </form>
      <PreviewSection result={props.preview} />
    </div>
  );
}

export function registerSubscribePages(pages: Hono<AppEnv>, deps: PageDeps, client: ClientOf) {
  const page = async (c: Context<AppEnv>, status: 200 | 400, values: FormValues, errors: readonly FieldError[]) => {
    const preview = await previewOf(c, values);
    return sendPage(
      c,
      status,
      <Layout
        title={status === 400 ? "Check the form" : "Email alerts"}
        description="Choose the arms-control and landmine news you want by email, at once or in a daily or weekly digest."
        current="subscribe"
      >
        <h1>Email alerts</h1>
        <p class="lede">
          Choose what to follow and how often. A preview shows the recent stories your choice would have sent.
        </p>
        <ErrorSummary errors={errors} />
        {deps.signupTenant ? (
          <SubscribeForm values={values} errors={errors} preview={preview} csrf={deps.tokens.issue(c)} />
        ) : (
          <p>Sign-ups are closed on this server. Stories stay open to read on the front page and in its feeds.</p>
        )}
      </Layout>,
    );
  };

  pages.get("/subscribe", pageHeaders("private"), (c) => page(c, 200, readForm(queryFields(c)), []));

  pages.get("/subscribe/preview", pageHeaders("private"), async (c) => {
    const preview = await previewOf(c, readForm(queryFields(c)));
    return c.html(String(await (<PreviewResults result={preview} />).toString()), 200);
  });

  pages.get("/subscribe/sent", pageHeaders("private"), (c) =>
    sendPage(
      c,
      200,
      <Layout title="Check your inbox" current="subscribe" noindex>
        <h1>Check your inbox</h1>
        <Notice>
          <p>
            If the address can receive mail, a message with a confirmation link is on its way. Alerts start once you
            follow it; the link works for 48 hours.
          </p>
        </Notice>
        <p>No message? Look in your spam folder, or subscribe again in a few minutes.</p>
        <p>
          <a href="/">Back to the latest stories</a>
        </p>
      </Layout>,
    ),
  );

  pages.post("/subscribe", pageHeaders("private"), sameOriginPosts(), async (c) => {
    const { services } = c.var;
    if (!deps.signupTenant) {
      return problemPage(c, 403, "Sign-ups are closed", [], undefined, "This server takes no new sign-ups.");
    }
    const form = await postedFields(c);
    if (!deps.tokens.matches(c, form.raw)) return expiredForm(c);
    const sent = c.redirect("/subscribe/sent", 303);
    if (form.all(HONEYPOT).some((value) => value.trim() !== "")) {
      services.logger.info({ requestId: c.var.requestId }, "sign-up with the hidden field filled in: not subscribed");
      return sent;
    }
    const values = readForm(form.all);
    const filter = filterOf(values);
    const cadence = cadenceOf(values);
    const address = addressOf(values);
    const errors = [...filter.errors, ...cadence.errors, ...address.errors];
    if (errors.length > 0) return page(c, 400, values, errors);
    const limited =
      refused(await deps.signupLimits.perClient.take(`client:${client(c)}`)) ??
      refused(await deps.signupLimits.perAddress.take(`address:${address.address.toLowerCase()}`));
    if (limited !== undefined) {
      c.header("retry-after", String(limited));
      return problemPage(
        c,
        429,
        "Too many sign-ups",
        [],
        undefined,
        `Too many sign-ups from here or for this address. Try again in ${Math.ceil(limited / 60)} minutes.`,
      );
    }
    const tenant = await services.keys.ensureTenant(deps.signupTenant, services.clock.now().toISOString());
    await createSubscription(services, {
      tenantId: tenant.id,
      channel: { type: "email", address: address.address },
      filter: filter.filter,
      cadence: cadence.cadence,
    });
    return sent;
  });
}

/** The client a request counts against for sign-up limits. */
export type ClientOf = (c: Context<AppEnv>) => string;

export function clientOf(remoteAddress: RemoteAddress, trustedProxies: number): ClientOf {
  return (c) => clientAddress(remoteAddress(c), c.req.header("x-forwarded-for"), trustedProxies);
}

/** Seconds to wait when a limit refused the sign-up, else undefined. */
function refused(decision: RateDecision): number | undefined {
  return decision.allowed ? undefined : decision.resetSeconds;
}

/** A form posted without this visitor's token: from another site, or from a page kept open for long. */
export function expiredForm(c: Context<AppEnv>): Promise<Response> {
  return problemPage(
    c,
    403,
    "Please send the form again",
    [],
    undefined,
    "The form could not be checked as coming from this site. Go back, reload the page and send it again.",
  );
}
