import { createHash } from "node:crypto";
import type { Context } from "hono";

/** A response body rendered and encoded once, with the strong validator that names it. */
export interface Rendered {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** A strong ETag for a body: the same bytes always get the same tag. */
export function strongEtag(body: Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** Encodes a rendered body once, so every answer from the cache writes the same bytes. */
export function rendered(text: string): Rendered {
  const body = new Uint8Array(Buffer.byteLength(text));
  new TextEncoder().encodeInto(text, body);
  return { body, etag: strongEtag(body) };
}

/**
 * Whether an If-None-Match header names this ETag. The comparison is weak (RFC 9110 §13.1.2):
 * `W/"x"` matches `"x"`, and `*` matches any current representation.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === opaque);
}

/** 304 Not Modified, with the headers set so far (the ETag) and no Content-Type. */
export function notModified(c: Context): Response {
  const response = c.body(null, 304);
  response.headers.delete("content-type");
  return response;
}

/**
 * Rendered pages keyed by their normalised query, valid for one store data version: the
 * first read under a new version drops them all. Bounded; the oldest entry goes first.
 */
export class RenderedCache {
  private version: string | undefined;
  private readonly entries = new Map<string, Rendered>();

  constructor(private readonly maxEntries: number) {}

  /** The page rendered under `version` for `key`, rendering and keeping it when there is none. */
  async get(version: string, key: string, render: () => Promise<string>): Promise<Rendered> {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const cached = this.entries.get(key);
    if (cached) return cached;
    const page = rendered(await render());
    // A write may have landed while rendering: keep the page only if the version it was read under still holds.
    if (this.version !== version) return page;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, page);
    return page;
  }
}

/**
 * Reads a page through the cache while the store tells its data version (rendering it
 * afresh when it cannot), so one rendering serves every request until the data changes.
 */
export async function cachedPage(
  cache: RenderedCache,
  dataVersion: string | undefined,
  key: string,
  render: () => Promise<string>,
): Promise<Rendered> {
  return dataVersion === undefined ? rendered(await render()) : cache.get(dataVersion, key, render);
}

/** Answers with a rendered page and its ETag, or 304 with no body when the client holds it already. */
export function sendRendered(c: Context, page: Rendered, contentType: string): Response {
  c.header("etag", page.etag);
  if (etagMatches(c.req.header("if-none-match"), page.etag)) return notModified(c);
  c.header("content-type", contentType);
  return c.body(page.body, 200);
}
