import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { ERROR_CODES } from "./errors.ts";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Json = Record<string, unknown>;

/** The introduction the reference page opens with. */
export const API_DESCRIPTION = `Arms-control treaty and landmine news, classified and folded into stories.

**Keys.** News (stories, items, taxonomy, feeds) is public. Everything a subscriber owns needs an API key from \`treatywatch keys create\`, sent as \`Authorization: Bearer tw_…\`, with the \`read\`, \`write\` or \`admin\` scope.

**Errors** always have one shape, \`{"error": {"code", "message", "requestId", "details"?}}\`; a 400 names each field at fault in \`details\`.

**Rate limits.** Every answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and \`RateLimit-Policy\`; past the limit the API answers 429 with \`Retry-After\`.

**Webhooks** are signed per Standard Webhooks; the events are listed under *webhook events*.`;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** What each tag groups, in the order a reader meets them. */
const TAGS: Array<{ name: string; description: string }> = [
  { name: "stories", description: "Stories: one event, every outlet that reported it. Public." },
  { name: "items", description: "Single feed items with the classifier's verdict and why. Public." },
  { name: "taxonomy", description: "Topics, categories with their IPTC Media Topic codes, and treaties. Public." },
  { name: "feeds", description: "Stories as Atom 1.0, RSS 2.0 or JSON Feed 1.1: a topic's, or a saved filter's." },
  {
    name: "subscriptions",
    description: "Alerts and digests by email or signed webhook. Needs an API key, except the links in mail.",
  },
  { name: "deliveries", description: "What was sent to a subscription, and each attempt." },
  { name: "digests", description: "A subscription's daily or weekly digests, as JSON, HTML or text." },
  { name: "feeds (admin)", description: "The feeds treatywatch polls, with their health. Needs an admin key." },
  { name: "health", description: "Liveness." },
  {
    name: "webhook events",
    description:
      "What treatywatch POSTs to a webhook subscription, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).",
  },
];

const RATE_LIMIT_HEADERS: Json = {
  "RateLimit-Limit": {
    description: "Requests allowed in the current window, for this API key or, without one, this client address.",
    schema: { type: "integer" },
  },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window ends.", schema: { type: "integer" } },
  "RateLimit-Policy": {
    description: "The limit and its window in seconds, e.g. `600;w=60` (IETF RateLimit header fields).",
    schema: { type: "string" },
  },
};

const REQUEST_ID_HEADER: Json = {
  description: "Names this request in logs: the `x-request-id` sent, or a new UUID.",
  schema: { type: "string" },
};

const TOO_MANY_REQUESTS: Json = {
  description:
    "The key, or the client address without a key, used up its window (600 requests a minute per key, 120 without one by default).",
  headers: {
    "Retry-After": { $ref: "#/components/headers/Retry-After" },
    ...headerRefs(),
  },
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

function headerRefs(): Json {
  return Object.fromEntries(
    [...Object.keys(RATE_LIMIT_HEADERS), "x-request-id"].map((name) => [
      name,
      { $ref: `#/components/headers/${name}` },
    ]),
  );
}

const serversOf = (publicUrl: string) => [{ url: publicUrl, description: "This deployment" }];

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/**
 * Completes the document the routes describe with what holds for every route: the
 * server, the tags, public routes marked as needing no key, and the rate limit every
 * answer reports, with the 429 any request may get.
 */
export function finishDocument(document: Document, publicUrl: string): Document {
  const finished = structuredClone(document) as Document & Json;
  finished.servers = serversOf(publicUrl);
  finished.tags = TAGS;
  const components = (finished.components ?? {}) as Json;
  components.headers = {
    ...(components.headers as Json | undefined),
    ...RATE_LIMIT_HEADERS,
    "x-request-id": REQUEST_ID_HEADER,
    "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } },
  };
  finished.components = components as Document["components"];

  for (const item of Object.values(finished.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!isObject(operation)) continue;
      operation.security ??= [];
      const responses = operation.responses as Record<string, Json>;
      responses[String(ERROR_CODES.TOO_MANY_REQUESTS)] = TOO_MANY_REQUESTS;
      for (const [status, response] of Object.entries(responses)) {
        if (status === String(ERROR_CODES.TOO_MANY_REQUESTS)) continue;
        response.headers = { ...(response.headers as Json | undefined), ...headerRefs() };
      }
    }
  }
  for (const item of Object.values(finished.webhooks ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (isObject(operation)) operation.security ??= [];
    }
  }
  return finished;
}

/**
 * Serves the finished document at /openapi.json, built once on first request; its server is
 * the public URL the request was made on (behind CloudFront without a domain, the viewer's host).
 * `describe` registers what only the document needs (the webhook events), when it is first built
 * rather than at every cold start.
 */
export function registerOpenApiDocument(
  api: OpenAPIHono<AppEnv>,
  info: { title: string; version: string; description: string },
  describe: (api: OpenAPIHono<AppEnv>) => void = () => {},
): void {
  let document: Document | undefined;
  api.get("/openapi.json", (c) => {
    const { publicUrl } = c.var.options;
    if (!document) {
      describe(api);
      document = finishDocument(
        api.getOpenAPI31Document({
          openapi: "3.1.0",
          info: { title: info.title, version: info.version, description: info.description },
        }),
        publicUrl,
      );
    }
    return c.json({ ...document, servers: serversOf(publicUrl) });
  });
}
