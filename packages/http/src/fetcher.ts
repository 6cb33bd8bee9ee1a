import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FeedError, Fetcher, FetchRequest, FetchResult } from "@treatywatch/core";

export interface HttpFetcherOptions {
  userAgent: string;
  /** Overall deadline for one fetch, headers and body included. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

export const DEFAULT_FETCH_OPTIONS: HttpFetcherOptions = {
  userAgent: "treatywatch/0.1 (+https://github.com/treatywatch/treatywatch)",
  timeoutMs: 20_000,
  maxBytes: 10 * 1024 * 1024,
};

function failure(kind: FeedError["kind"], message: string): FetchResult {
  return { status: "error", error: { kind, message } };
}

function maxAge(cacheControl: string | null): number | undefined {
  const seconds = /max-age=(\d+)/i.exec(cacheControl ?? "")?.[1];
  return seconds === undefined ? undefined : Number(seconds);
}

/** Reads a response body, giving up as soon as it passes the cap. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function describe(error: unknown): FetchResult {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? "";
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return failure("timeout", "no complete answer before the deadline");
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return failure("dns", `name not resolved (${code})`);
  return failure("connection", cause?.message ?? (error instanceof Error ? error.message : String(error)));
}

/** Fetches feeds over HTTP(S) with conditional requests, a deadline and a size cap. */
export class HttpFetcher implements Fetcher {
  constructor(private readonly options: HttpFetcherOptions = DEFAULT_FETCH_OPTIONS) {}

  async fetch(request: FetchRequest): Promise<FetchResult> {
    const headers: Record<string, string> = {
      "user-agent": this.options.userAgent,
      accept:
        "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    };
    if (request.etag) headers["if-none-match"] = request.etag;
    if (request.lastModified) headers["if-modified-since"] = request.lastModified;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await fetch(request.url, { headers, signal, redirect: "follow" });
      if (response.status === 304)
        return { status: "not-modified", maxAgeSeconds: maxAge(response.headers.get("cache-control")) };
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        const retryAfter = Number(response.headers.get("retry-after"));
        return {
          status: "error",
          error: { kind: "http-status", message: `HTTP ${response.status}` },
          retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        };
      }
      const body = await readCapped(response, this.options.maxBytes);
      if (!body) return failure("too-large", `body larger than ${this.options.maxBytes} bytes`);
      return {
        status: "ok",
        body,
        contentType: response.headers.get("content-type") ?? undefined,
        etag: response.headers.get("etag") ?? undefined,
        lastModified: response.headers.get("last-modified") ?? undefined,
        finalUrl: response.url || request.url,
        maxAgeSeconds: maxAge(response.headers.get("cache-control")),
      };
    } catch (error) {
      return describe(error);
    }
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
