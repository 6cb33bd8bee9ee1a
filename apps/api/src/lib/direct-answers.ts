import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { type AnonymousLimit, decidedBefore } from "./auth.ts";
import { clientAddress } from "./client-address.ts";
import { type KeptPages, keptPage } from "./early-answers.ts";
import type { Services } from "./env.ts";
import { setRateLimitHeaders } from "./rate-limit.ts";
import { type Rendered, renderedAnswer } from "./rendered-cache.ts";
import { logAnswer, requestIdFrom } from "./request-log.ts";

/** What an app lets the node server answer without it. */
interface DirectSettings {
  pages: Map<string, KeptPages>;
  services: Services;
  anonymous: AnonymousLimit;
}

const settingsByApp = new WeakMap<object, DirectSettings>();

/**
 * Lets the node server answer a plain GET of a kept page itself (see `directListener`). An app
 * allows it only where nothing but authentication, the rate limit and the request's id and log
 * stand between such a request and its page: no origin secret, no CORS, the peer read from the socket.
 */
export function allowDirectAnswers(app: object, settings: DirectSettings): void {
  settingsByApp.set(app, settings);
}

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/** A request header under the name Node's parse keeps it, repeated fields joined as `Headers` joins them. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" || value === undefined ? value : value.join(", ");
}

/** Host header fields the node server accepts (it refuses a request whose host a URL would read otherwise). */
const acceptedHosts = new Set<string>();
const ACCEPTED_HOSTS_KEPT = 64;

function acceptedHost(host: string | undefined): boolean {
  if (!host) return false;
  if (acceptedHosts.has(host)) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return false;
  }
  if (hostname.length !== host.length && hostname !== host.replace(/:\d+$/, "")) return false;
  if (acceptedHosts.size >= ACCEPTED_HOSTS_KEPT) acceptedHosts.clear();
  acceptedHosts.add(host);
  return true;
}

/**
 * The node server's request listener for an app: a plain GET (no API key, an ordinary host and
 * target) of a page the app keeps rendered for the store's current data version is answered
 * here, with the same id, rate limit, header fields, body and log line as the app gives it, but
 * without a Fetch `Request`, the app's routing and middleware or a `Response` between; every
 * other request, and one refused by the rate limit, goes to `app` (the node server's listener
 * over the app), which then takes the limit's decision made here rather than counting it again.
 */
export function directListener(settingsOf: object, app: Listener): Listener {
  const settings = settingsByApp.get(settingsOf);
  if (!settings) return app;
  const { pages, services, anonymous } = settings;
  const { store, clock, logger } = services;

  async function answerKept(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    path: string,
    kept: KeptPages,
    key: string,
  ): Promise<void> {
    const started = clock.now().getTime();
    let page: Rendered | undefined;
    try {
      page = await keptPage(store, kept, key);
    } catch {
      return app(incoming, outgoing); // the app answers the failure as it answers any
    }
    if (!page) return app(incoming, outgoing);
    const headers = incoming.headers;
    const forwardedFor = anonymous.trustedProxies > 0 ? header(headers, "x-forwarded-for") : undefined;
    const client = clientAddress(incoming.socket.remoteAddress, forwardedFor, anonymous.trustedProxies);
    const decision = await anonymous.limiter.take(client).catch((error: unknown) => {
      logger.warn({ err: error, path }, "rate limiter failed; the app answers the request");
      return undefined;
    });
    if (!decision) return app(incoming, outgoing);
    if (!decision.allowed) {
      decidedBefore(incoming, decision);
      return app(incoming, outgoing);
    }
    const requestId = requestIdFrom(header(headers, "x-request-id"));
    const fields: Record<string, string> = { "x-request-id": requestId };
    setRateLimitHeaders(fields, decision);
    const request = {
      acceptEncoding: header(headers, "accept-encoding"),
      ifNoneMatch: header(headers, "if-none-match"),
    };
    const { status, body } = renderedAnswer(page, kept.contentType, request, fields);
    // The node server writes the length of every body it is given whole; a 304 has none.
    if (body) fields["Content-Length"] = String(body.byteLength);
    try {
      outgoing.writeHead(status, fields);
    } catch {
      // A field Node refuses to write (a request id it holds invalid): the app answers that.
      decidedBefore(incoming, decision);
      return app(incoming, outgoing);
    }
    outgoing.end(body ?? undefined);
    logAnswer(services, { requestId, method: "GET", path, status, tenantId: undefined }, started);
  }

  return (incoming, outgoing) => {
    const url = incoming.url ?? "";
    if (incoming.method !== "GET" || url.charCodeAt(0) !== 47 /* "/" */) return app(incoming, outgoing);
    const at = url.indexOf("?");
    const path = at < 0 ? url : url.slice(0, at);
    const kept = pages.get(path);
    if (!kept || incoming.headers.authorization !== undefined || !acceptedHost(incoming.headers.host)) {
      return app(incoming, outgoing);
    }
    const key = kept.keyOf(at < 0 ? "" : url.slice(at + 1));
    if (key === undefined) return app(incoming, outgoing);
    answerKept(incoming, outgoing, path, kept, key).catch((error: unknown) => {
      logger.error({ err: error, path }, "unhandled error");
      // Before the answer began the app can still give one; after, the connection is closed
      // rather than left waiting for the rest.
      if (!outgoing.headersSent) app(incoming, outgoing);
      else outgoing.destroy(error instanceof Error ? error : undefined);
    });
  };
}
