import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Clock, FeedError, Fetcher, FetchRequest, FetchResult } from "@treatywatch/core";
import { DEFAULT_SAFE_HTTP_OPTIONS, type GuardedHttpClient, type SafeHttpOptions } from "./guarded.ts";

export interface HttpFetcherOptions extends Partial<SafeHttpOptions> {
  userAgent: string;
  /** Overall deadline for one fetch, redirects, headers and body included. */
  timeoutMs: number;
  /** Largest body accepted on the wire, in bytes. */
  maxBytes: number;
  /** Reads the time for HTTP-date `Retry-After` values. */
  clock?: Clock | undefined;
}

export const DEFAULT_FETCH_OPTIONS: HttpFetcherOptions = {
  userAgent: DEFAULT_SAFE_HTTP_OPTIONS.userAgent,
  timeoutMs: DEFAULT_SAFE_HTTP_OPTIONS.timeoutMs,
  maxBytes: DEFAULT_SAFE_HTTP_OPTIONS.maxBytes,
};

const ACCEPT =
  "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

function failure(kind: FeedError["kind"], message: string): FetchResult {
  return { status: "error", error: { kind, message } };
}

export function maxAgeSeconds(cacheControl: string | undefined): number | undefined {
  const seconds = /(?:^|[,\s])max-age\s*=\s*"?(\d+)/i.exec(cacheControl ?? "")?.[1];
  return seconds === undefined ? undefined : Number(seconds);
}

/** `Retry-After` as seconds from now: either delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Fetches feeds over HTTP(S) through an address-guarded client: conditional requests, the
 * address guard, redirects re-checked, a deadline and size caps. `HttpFetcher` (the poller's:
 * node:http, a connection kept only for a request already waiting for its host) and
 * `NodeHttpFetcher` (the Lambda fetch function's: node:http, a connection a request) give it
 * their client.
 */
export class GuardedFetcher<Client extends GuardedHttpClient = GuardedHttpClient> implements Fetcher {
  private readonly clock: Clock;

  constructor(
    readonly client: Client,
    clock?: Clock | undefined,
  ) {
    this.clock = clock ?? { now: () => new Date() };
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    const headers: Record<string, string> = { accept: ACCEPT, "accept-encoding": "gzip, deflate, br" };
    if (request.etag) headers["if-none-match"] = request.etag;
    if (request.lastModified) headers["if-modified-since"] = request.lastModified;
    const result = await this.client.request({ url: request.url, headers });
    if (!result.ok) return failure(result.error.kind, result.error.message);
    const { status, headers: answer, body, url } = result.response;
    const maxAge = maxAgeSeconds(answer["cache-control"]);
    if (status === 304) return { status: "not-modified", maxAgeSeconds: maxAge };
    if (status < 200 || status > 299) {
      const retryable = status === 429 || status === 503;
      return {
        status: "error",
        error: { kind: "http-status", message: `HTTP ${status}` },
        retryAfterSeconds: retryable ? retryAfterSeconds(answer["retry-after"], this.clock.now()) : undefined,
      };
    }
    return {
      status: "ok",
      body,
      contentType: answer["content-type"],
      etag: answer.etag,
      lastModified: answer["last-modified"],
      finalUrl: url,
      maxAgeSeconds: maxAge,
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Reads `file:` feeds from disk: for offline sample feeds listed in a local feeds file only. */
export class FileFetcher implements Fetcher {
  async fetch(request: FetchRequest): Promise<FetchResult> {
    try {
      const body = await readFile(fileURLToPath(request.url));
      return { status: "ok", body, finalUrl: request.url };
    } catch (error) {
      return failure("connection", error instanceof Error ? error.message : String(error));
    }
  }
}

/** Sends `file:` URLs to the file fetcher and everything else over HTTP. */
export function schemeFetcher(http: Fetcher, file: Fetcher = new FileFetcher()): Fetcher {
  return {
    fetch: (request) => (request.url.startsWith("file:") ? file.fetch(request) : http.fetch(request)),
  };
}
