/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { reviseSubscription, type StatusChange, type Subscription } from "@treatywatch/core";
import type { Context, Hono } from "hono";
import { describeSubscription } from "../lib/confirmations.ts";
import type { AppEnv } from "../lib/env.ts";
import { applyStatusChange } from "../lib/subscription-status.ts";
import { ErrorSummary, type FieldError, Notice, Time } from "./components.tsx";
import { Layout } from "./layout.tsx";
import { type PageDeps, pageHeaders, problemPage, sendPage } from "./respond.tsx";
import { sameOriginPosts } from "./security.ts";
import { expiredForm, postedFields, previewOf } from "./subscribe.tsx";
import {
  CadenceFields,
  cadenceOf,
  FilterFields,
  type FormValues,
  filterOf,
  formOf,
  PreviewSection,
  readForm,
} from "./subscription-form.tsx";

const TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

const DONE: Record<string, string> = {
  updated: "Saved. Alerts now follow your new choices.",
  pause: "Paused. No alerts come until you resume them.",
  resume: "Resumed. Alerts come again.",
  unsubscribe: "Unsubscribed. No more alerts come from this subscription.",
};

const STATUS: Record<Subscription["status"], string> = {
  pending: "Waiting for you to confirm: follow the link in the message we sent.",
  active: "On: alerts come as chosen below.",
  paused: "Paused: no alerts until you resume.",
  disabled: "Stopped by treatywatch after deliveries kept failing.",
  unsubscribed: "Ended: no more alerts come from this subscription.",
};

function channelOf(subscription: Subscription): string {
  return subscription.channel.type === "email" ? subscription.channel.address : subscription.channel.url;
}

/** A button that posts one status change back to the manage link. */
function ActionForm(props: { token: string; action: StatusChange; label: string; csrf: string; danger?: boolean }) {
  return (
    <form method="post" action={`/manage/${props.token}/${props.action}`}>
      <input type="hidden" name="csrf" value={props.csrf} />
      <button type="submit" class={props.danger ? "danger" : "secondary"}>
        {props.label}
      </button>
    </form>
  );
}

function ManagePage(props: {
  token: string;
  subscription: Subscription;
  values: FormValues;
  errors: readonly FieldError[];
  done: string | undefined;
  csrf: string;
  preview: Awaited<ReturnType<typeof previewOf>> | undefined;
}) {
  const { token, subscription, csrf } = props;
  const ended = subscription.status === "unsubscribed";
  return (
    <>
      <h1>Your alerts</h1>
      {props.done && DONE[props.done] ? (
        <Notice>
          <p>{DONE[props.done]}</p>
        </Notice>
      ) : null}
      <dl class="why">
        <dt>Sent to</dt>
        <dd>{channelOf(subscription)}</dd>
        <dt>Status</dt>
        <dd>
          <span class="status">{subscription.status}</span>: {STATUS[subscription.status]}
        </dd>
        <dt>Following</dt>
        <dd>{describeSubscription(subscription)}</dd>
        <dt>Since</dt>
        <dd>
          <Time at={subscription.createdAt} />
        </dd>
      </dl>
      {ended ? (
        <p>
          <a href="/subscribe">Subscribe again</a> to get alerts once more.
        </p>
      ) : (
        <>
          <h2>Change what you get</h2>
          <ErrorSummary errors={props.errors} />
          <div class="subscribe">
            <form
              method="post"
              action={`/manage/${token}`}
              data-filter-form=""
              data-preview="/subscribe/preview"
              novalidate
            >
              <input type="hidden" name="csrf" value={csrf} />
              <FilterFields values={props.values} errors={props.errors} />
              <CadenceFields values={props.values} errors={props.errors} />
              <div class="actions">
                <button type="submit">Save changes</button>
              </div>
            </form>
            <PreviewSection result={props.preview} />
          </div>
          <h2>Pause or stop</h2>
          <div class="actions">
            {subscription.status === "active" ? (
              <ActionForm token={token} action="pause" label="Pause alerts" csrf={csrf} />
            ) : null}
            {subscription.status === "paused" ? (
              <ActionForm token={token} action="resume" label="Resume alerts" csrf={csrf} />
            ) : null}
            <ActionForm token={token} action="unsubscribe" label="Unsubscribe" csrf={csrf} danger />
          </div>
        </>
      )}
    </>
  );
}

async function subscriptionOf(c: Context<AppEnv>): Promise<{ token: string; subscription: Subscription } | undefined> {
  const token = c.req.param("token") ?? "";
  if (!TOKEN.test(token)) return undefined;
  const subscription = await c.var.services.subscriptions.findByUnsubscribeToken(token);
  return subscription && { token, subscription };
}

function unknownLink(c: Context<AppEnv>): Promise<Response> {
  return problemPage(
    c,
    404,
    "Link not recognised",
    [],
    undefined,
    "This link is not one treatywatch sent, or it was mistyped. Copy the whole link from the message.",
  );
}

export function registerManagePages(pages: Hono<AppEnv>, deps: PageDeps) {
  const page = async (
    c: Context<AppEnv>,
    status: 200 | 400,
    found: { token: string; subscription: Subscription },
    values: FormValues,
    errors: readonly FieldError[],
  ) =>
    sendPage(
      c,
      status,
      <Layout title="Your alerts" noindex>
        <ManagePage
          token={found.token}
          subscription={found.subscription}
          values={values}
          errors={errors}
          done={c.req.query("done")}
          csrf={deps.tokens.issue(c)}
          preview={found.subscription.status === "unsubscribed" ? undefined : await previewOf(c, values)}
        />
      </Layout>,
    );

  pages.get("/manage/:token", pageHeaders("private"), async (c) => {
    const found = await subscriptionOf(c);
    if (!found) return unknownLink(c);
    return page(c, 200, found, formOf(found.subscription), []);
  });

  pages.post("/manage/:token", pageHeaders("private"), sameOriginPosts(), async (c) => {
    const found = await subscriptionOf(c);
    if (!found) return unknownLink(c);
    const form = await postedFields(c);
    if (!deps.tokens.matches(c, form.raw)) return expiredForm(c);
    if (found.subscription.status === "unsubscribed") {
      return problemPage(
        c,
        409,
        "These alerts have ended",
        [],
        undefined,
        "An ended subscription cannot change; subscribe again instead.",
      );
    }
    const values = readForm(form.all);
    const filter = filterOf(values);
    const cadence = cadenceOf(values);
    const errors = [...filter.errors, ...cadence.errors];
    if (errors.length > 0) return page(c, 400, found, values, errors);
    const { subscriptions, clock } = c.var.services;
    const revised = reviseSubscription(
      found.subscription,
      { filter: filter.filter, cadence: cadence.cadence },
      clock.now().toISOString(),
    );
    await subscriptions.updateSubscription(revised);
    return c.redirect(`/manage/${found.token}?done=updated`, 303);
  });

  pages.post(
    "/manage/:token/:action{pause|resume|unsubscribe}",
    pageHeaders("private"),
    sameOriginPosts(),
    async (c) => {
      const found = await subscriptionOf(c);
      if (!found) return unknownLink(c);
      const form = await postedFields(c);
      if (!deps.tokens.matches(c, form.raw)) return expiredForm(c);
      const change = c.req.param("action") as StatusChange;
      const { subscriptions, clock } = c.var.services;
      const result = await applyStatusChange(subscriptions, found.subscription, change, clock.now().toISOString());
      if (!result.ok)
        return problemPage(
          c,
          409,
          "That cannot change now",
          [],
          undefined,
          `This subscription is ${found.subscription.status}: ${result.reason}.`,
        );
      return c.redirect(`/manage/${found.token}?done=${change}`, 303);
    },
  );
}
