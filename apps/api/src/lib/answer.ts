import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/** What @hono/node-server puts in `c.env`, as far as the request's headers go. */
interface NodeBindings {
  incoming?: { headers?: Record<string, string | string[] | undefined> };
}

/**
 * Fields of which Node keeps only the first when a request repeats them, where a Fetch
 * `Headers` joins them all: read through `Headers`, so a repeated one reads as it always has.
 */
const FIRST_ONLY = new Set(["authorization", "host", "user-agent", "content-type", "content-length", "referer"]);

/**
 * A request header by its lower-case name. Under the node server it is read from Node's own
 * parse of the request, so answering does not build a Fetch `Headers` of every field sent;
 * elsewhere (Lambda, `app.request`) from the request's `Headers`. Either way a repeated field
 * reads as its values joined by ", ".
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const parsed = (c.env as NodeBindings | undefined)?.incoming?.headers;
  if (!parsed) return c.req.header(name);
  const value = parsed[name];
  if (value === undefined) return undefined;
  if (FIRST_ONLY.has(name)) return c.req.header(name);
  return typeof value === "string" ? value : value.join(", ");
}

/**
 * Headers every answer to this request carries (the request id, the rate limit), kept as a
 * plain record and set in one go on the way out, rather than one by one into a `Headers`.
 */
export function answerHeaders(c: Context<AppEnv>): Record<string, string> {
  let headers = c.get("answerHeaders");
  if (!headers) {
    headers = {};
    c.set("answerHeaders", headers);
  }
  return headers;
}

/**
 * Whether this `Response` takes a body with any status: @hono/node-server's own, which stands in
 * for the global one on the node server and writes a string body with plain headers without
 * building a Fetch Response, does; the Fetch standard's refuses content for a 304.
 */
const takesAnyBody = new WeakMap<typeof Response, boolean>();

function lightweight(): boolean {
  let known = takesAnyBody.get(Response);
  if (known === undefined) {
    try {
      new Response("", { status: 304 });
      known = true;
    } catch {
      known = false;
    }
    takesAnyBody.set(Response, known);
  }
  return known;
}

/**
 * A response with the request's answer headers and `headers`, all in one plain record: the
 * node server writes such a response without a Fetch `Headers` between. The answer headers
 * are taken by it (the way out does not set them again); headers set by `c.header` before
 * are not carried, so request-wide headers go through `answerHeaders`. A 304 goes the same way
 * where it can (an empty body the node server writes none of; see `NodeResponse`), unless a
 * middleware remakes the response on its way out, which reads its body as a Fetch Response.
 */
export function answer(
  c: Context<AppEnv>,
  body: Uint8Array<ArrayBuffer> | string | null,
  status: number,
  headers: Record<string, string>,
): Response {
  const all = c.get("answerHeaders");
  c.set("answerHeaders", undefined);
  if (all) for (const name in headers) all[name] = headers[name] as string;
  const empty = body === null && status === 304 && !c.get("answerRemade") && lightweight();
  return new Response(empty ? "" : body, { status, headers: all ?? headers });
}

/**
 * The response with the request's answer headers set on it (unless `answer` took them): for
 * answers made the general way, by `c.json` and the like, or by an error handler.
 */
export function carryAnswerHeaders(c: Context<AppEnv>, response: Response): Response {
  const headers = c.get("answerHeaders");
  if (!headers) return response;
  for (const name in headers) response.headers.set(name, headers[name] as string);
  return response;
}
