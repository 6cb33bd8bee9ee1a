import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context } from "hono";
import { answer, requestHeader } from "./answer.ts";
import type { AppEnv } from "./env.ts";

/** Content codings a rendered page is sent in, besides none. */
export type Coding = "br" | "gzip";

/**
 * A response body rendered and encoded once, with the strong validator that names it, and its
 * compressed forms, each made the first time a client accepts it and kept with the page.
 */
export interface Rendered {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  compressed?: Partial<Record<Coding, Uint8Array<ArrayBuffer>>> | undefined;
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

/** Bodies smaller than this go as they are: compressing them saves less than it costs. */
const COMPRESS_FROM = 1024;

/**
 * The coding to send, from an Accept-Encoding header (RFC 9110 §12.5.3): Brotli, else gzip,
 * whichever the client accepts with a non-zero weight (by name or by `*`); none when it accepts
 * neither or sent no header.
 */
export function negotiateCoding(acceptEncoding: string | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined;
  // Clients send a handful of distinct headers, each on every request: each is parsed once.
  const known = negotiated.get(acceptEncoding);
  if (known !== undefined) return known || undefined;
  const coding = parseAcceptEncoding(acceptEncoding);
  if (negotiated.size >= NEGOTIATED_KEPT) negotiated.clear();
  negotiated.set(acceptEncoding, coding ?? "");
  return coding;
}

/** Accept-Encoding headers kept with the coding each negotiated ("" for none). */
const negotiated = new Map<string, Coding | "">();
const NEGOTIATED_KEPT = 256;

function parseAcceptEncoding(acceptEncoding: string): Coding | undefined {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...parameters] = part.split(";");
    const q = parameters.map((parameter) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter)?.[1]).find(Boolean);
    weights.set(name.trim().toLowerCase(), q === undefined ? 1 : Number(q));
  }
  const weight = (coding: Coding) => weights.get(coding) ?? (coding === "gzip" ? weights.get("x-gzip") : undefined);
  for (const coding of ["br", "gzip"] as const) {
    const given = weight(coding) ?? weights.get("*");
    if (given !== undefined && given > 0) return coding;
  }
  return undefined;
}

function compress(body: Uint8Array, coding: Coding): Uint8Array<ArrayBuffer> {
  const out =
    coding === "br"
      ? // A middling quality: the best takes a hundred times longer for a few per cent.
        brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
        })
      : gzipSync(body, { level: 6 });
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer);
}

/** The page's body in a coding, compressed on first ask and kept with the page. */
export function encodedBody(page: Rendered, coding: Coding): Uint8Array<ArrayBuffer> {
  page.compressed ??= {};
  let body = page.compressed[coding];
  if (!body) {
    body = compress(page.body, coding);
    page.compressed[coding] = body;
  }
  return body;
}

/** The strong validator of a page in a coding: each coding of one page is a representation of its own. */
export function codedEtag(etag: string, coding: Coding | undefined): string {
  return coding ? `${etag.slice(0, -1)}-${coding}"` : etag;
}

/** An entity tag as sent, without its weakness mark and without a coding's suffix. */
function opaqueOf(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//, "")
    .replace(/-(?:br|gzip)"$/, '"');
}

/**
 * Whether an If-None-Match header names this ETag. The comparison is weak (RFC 9110 §13.1.2):
 * `W/"x"` matches `"x"`, and `*` matches any current representation; a tag of the page in
 * another coding matches too, as the content it names is the same.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  // The common case, a client sending back the tag it was given, needs no parsing.
  if (ifNoneMatch === etag) return true;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = opaqueOf(etag);
  return ifNoneMatch.split(",").some((candidate) => opaqueOf(candidate) === opaque);
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

  /** The page kept under `version` for `key`, if any. */
  peek(version: string, key: string): Rendered | undefined {
    return version === this.version ? this.entries.get(key) : undefined;
  }

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

/**
 * The answer to a request for a rendered page: its ETag, compressed when the client accepts it
 * (the body and each compressed form are made once a page), or 304 with no body when the client
 * holds it already. The answer's header fields are added to `headers`.
 */
export function renderedAnswer(
  page: Rendered,
  contentType: string,
  request: { acceptEncoding: string | undefined; ifNoneMatch: string | undefined },
  headers: Record<string, string>,
): { status: 200 | 304; body: Uint8Array<ArrayBuffer> | null } {
  const compressible = page.body.byteLength >= COMPRESS_FROM;
  const coding = compressible ? negotiateCoding(request.acceptEncoding) : undefined;
  headers.etag = codedEtag(page.etag, coding);
  if (compressible) headers.vary = "accept-encoding";
  if (etagMatches(request.ifNoneMatch, page.etag)) return { status: 304, body: null };
  headers["content-type"] = contentType;
  if (!coding) return { status: 200, body: page.body };
  headers["content-encoding"] = coding;
  return { status: 200, body: encodedBody(page, coding) };
}

/** Answers with a rendered page (see `renderedAnswer`). */
export function sendRendered(c: Context<AppEnv>, page: Rendered, contentType: string): Response {
  const headers: Record<string, string> = {};
  const request = {
    acceptEncoding: requestHeader(c, "accept-encoding"),
    ifNoneMatch: requestHeader(c, "if-none-match"),
  };
  const { status, body } = renderedAnswer(page, contentType, request, headers);
  return answer(c, body, status, headers);
}
