import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_RSS, type HostileServer, startHostileServer, TEST_HOST, testResolver } from "../test/hostile-server.ts";
import { HttpFetcher } from "./client.ts";
import type { HttpFetcherOptions } from "./fetcher.ts";
import { NodeHttpFetcher } from "./node.ts";

const FETCHERS = [
  ["HttpFetcher (node:http, kept for waiting requests)", HttpFetcher],
  ["NodeHttpFetcher (node:http, a connection a request)", NodeHttpFetcher],
] as const;

describe.each(FETCHERS)("%s", (_name, Fetcher) => {
  let server: HostileServer;
  const options: HttpFetcherOptions = {
    userAgent: "treatywatch-test (+https://example.test/contact)",
    timeoutMs: 2_000,
    maxBytes: 1024 * 1024,
    allow: [TEST_HOST],
    resolver: testResolver({ [TEST_HOST]: "127.0.0.1", "intranet.test": "10.0.0.7" }),
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
  };
  const fetcher = new Fetcher(options);

  beforeAll(async () => {
    server = await startHostileServer({
      extra: {
        "/conditional.xml": (request, response) => {
          if (request.headers["if-none-match"] === '"v1"') response.writeHead(304).end();
          else
            response
              .writeHead(200, { "content-type": "application/rss+xml", etag: '"v1"', "cache-control": "max-age=600" })
              .end(GOOD_RSS);
        },
        "/busy.xml": (_q, response) =>
          response.writeHead(503, { "retry-after": "Thu, 01 Jan 2026 00:02:00 GMT" }).end(),
      },
    });
  });

  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it("returns the body with its validators, then not-modified when they are sent back", async () => {
    const first = await fetcher.fetch({ url: server.url("/conditional.xml") });
    expect(first.status).toBe("ok");
    if (first.status !== "ok") return;
    expect(new TextDecoder().decode(first.body)).toBe(GOOD_RSS);
    expect(first).toMatchObject({ etag: '"v1"', contentType: "application/rss+xml", maxAgeSeconds: 600 });

    const second = await fetcher.fetch({ url: server.url("/conditional.xml"), etag: first.etag });
    expect(second).toEqual({ status: "not-modified", maxAgeSeconds: undefined });
    expect(server.requests.at(-1)?.headers["if-none-match"]).toBe('"v1"');
  });

  it("sends no credentials written in a feed's URL, nor reports them in its final URL", async () => {
    const result = await fetcher.fetch({ url: server.url("/conditional.xml").replace("//", "//reader:s%40cret@") });

    expect(result).toMatchObject({ status: "ok", finalUrl: server.url("/conditional.xml") });
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("reports a refused status with the wait the server asked for", async () => {
    const result = await fetcher.fetch({ url: server.url("/busy.xml") });
    expect(result).toEqual({
      status: "error",
      error: { kind: "http-status", message: "HTTP 503" },
      retryAfterSeconds: 120,
    });
  });

  it("reports a server that switches protocols as a connection error, and fetches the feeds queued behind it", async () => {
    const paths = ["/switch-protocols", "/feed.xml", "/conditional.xml", "/feed.xml"];

    const results = await Promise.all(paths.map((path) => fetcher.fetch({ url: server.url(path) })));

    expect(results.map((result) => (result.status === "error" ? result.error.kind : result.status))).toEqual([
      "connection",
      "ok",
      "ok",
      "ok",
    ]);
  });

  it("refuses a host that resolves to a private address, without connecting", async () => {
    const result = await fetcher.fetch({ url: "http://intranet.test/feed.xml" });
    expect(result.status).toBe("error");
    if (result.status === "error") expect(result.error.kind).not.toBe("http-status");
  });
});
