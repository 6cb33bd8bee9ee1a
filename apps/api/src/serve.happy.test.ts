import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { gunzipSync } from "node:zlib";
import type { SqliteStore } from "@treatywatch/store";
import { afterEach, describe, expect, it } from "vitest";
import { aKey, appWith, bearer, storeWithStories, testServices } from "../test/factories.ts";
import { createApp } from "./app.ts";
import type { AppOptions } from "./lib/env.ts";
import { ORIGIN_SECRET_HEADER } from "./lib/origin.ts";
import { StoryPage } from "./routes/stories/schema.ts";
import { serveApp } from "./serve.ts";

interface Answer {
  status: number;
  /** Header fields by lower-case name, as they came over the wire (repeated ones joined by ", "). */
  headers: Record<string, string>;
  body: Buffer;
}

/** One request over a real socket, read with node:http so every header field is seen as sent. */
function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string | string[]> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({
      host: "127.0.0.1",
      port,
      path,
      method: options.method ?? "GET",
      headers: options.headers,
    });
    sent.on("error", reject);
    sent.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const headers: Record<string, string> = {};
        const raw = response.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) {
          const name = (raw[i] ?? "").toLowerCase();
          headers[name] = headers[name] === undefined ? (raw[i + 1] ?? "") : `${headers[name]}, ${raw[i + 1]}`;
        }
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    sent.end();
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The app over `store`, served by `serveApp` on a loopback port. */
async function served(store: SqliteStore, options: AppOptions = {}) {
  const app = appWith(store, options);
  const { server, port } = await serveApp(app, { host: "127.0.0.1", port: 0 });
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { app, port };
}

const RATE_LIMIT_FIELDS = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy"];
/** Fields that differ between two answers to the same request, or that only a server writes. */
const PER_ANSWER = new Set(["x-request-id", "ratelimit-remaining", "date", "connection", "keep-alive"]);

/** The fields an answer carries, less those that differ from one answer to the next. */
function stableFields(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_ANSWER.has(name)));
}

describe("the API served over HTTP", () => {
  it("writes the page, its 304 and its errors with the same fields as the app answers them in-process", async () => {
    const { store } = await storeWithStories(4);
    const { app, port } = await served(store);
    const page = await call(port, "/v1/stories?limit=3");
    const etag = page.headers.etag ?? "";
    // [path, request headers, whether the answer reports the rate limit (a key refused is not counted)]
    const cases: Array<[string, Record<string, string>, boolean]> = [
      ["/v1/stories?limit=3", {}, true],
      ["/v1/stories?limit=3", { "accept-encoding": "gzip" }, true],
      ["/v1/stories?limit=3", { "if-none-match": etag }, true],
      ["/v1/stories?limit=3", { "if-none-match": etag, "accept-encoding": "gzip" }, true],
      ["/v1/stories?limit=3", { authorization: "Bearer tw_not-a-key" }, false],
      ["/v1/stories?limit=0", {}, true],
      ["/v1/nothing-here", {}, true],
      ["/v1/subscriptions", { authorization: "Bearer tw_not-a-key" }, false],
      ["/", {}, true],
    ];

    for (const [path, headers, counted] of cases) {
      const overHttp = await call(port, path, { headers });
      const inProcess = await app.request(path, { headers });
      const expected = Object.fromEntries(inProcess.headers);
      // A Fetch Response built in-process has no length; the server writes one for every body.
      if (inProcess.status !== 304) expected["content-length"] = String(overHttp.body.byteLength);

      expect({ path, headers, status: overHttp.status }).toEqual({ path, headers, status: inProcess.status });
      expect(stableFields(overHttp.headers)).toEqual(stableFields(expected));
      expect(overHttp.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      for (const field of RATE_LIMIT_FIELDS) expect(overHttp.headers[field] !== undefined).toBe(counted);
    }
  });

  it("answers 304 with the validators and no body, length or content type", async () => {
    const { store } = await storeWithStories(3);
    const { port } = await served(store);
    const page = await call(port, "/v1/stories?limit=2", { headers: { "accept-encoding": "gzip" } });
    const etag = page.headers.etag ?? "";

    const again = await call(port, "/v1/stories?limit=2", {
      headers: { "accept-encoding": "gzip", "if-none-match": etag, "x-request-id": "poll-7" },
    });
    const head = await call(port, "/v1/stories?limit=2", { method: "HEAD", headers: { "if-none-match": etag } });

    expect(StoryPage.parse(JSON.parse(gunzipSync(page.body).toString())).data).toHaveLength(2);
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers).toMatchObject({ etag, vary: "accept-encoding", "x-request-id": "poll-7" });
    expect(again.headers["content-length"]).toBeUndefined();
    expect(again.headers["content-type"]).toBeUndefined();
    expect(again.headers["transfer-encoding"]).toBeUndefined();
    expect(head.status).toBe(304);
    expect(head.body.byteLength).toBe(0);
  });

  it("answers a feed's 304 with no content type either", async () => {
    const { store } = await storeWithStories(2);
    const { port } = await served(store);
    const feed = await call(port, "/feed/rss");

    const again = await call(port, "/feed/rss", { headers: { "if-none-match": feed.headers.etag ?? "" } });

    expect(feed.headers["content-type"]).toMatch(/xml/);
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(feed.headers.etag);
    expect(again.headers["content-type"]).toBeUndefined();
  });

  it("counts each request against the limit once and refuses the one past it, over HTTP as in-process", async () => {
    const { store } = await storeWithStories(1);
    const { port } = await served(store, { anonymousRateLimit: { requests: 2, windowSeconds: 60 } });

    const answers = [await call(port, "/v1/stories"), await call(port, "/v1/stories"), await call(port, "/v1/stories")];

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(answers.map((answer) => answer.headers["ratelimit-remaining"])).toEqual(["1", "0", "0"]);
    expect(answers[2]?.headers["retry-after"]).toMatch(/^\d+$/);
    expect(JSON.parse(answers[2]?.body.toString() ?? "{}").error.code).toBe("TOO_MANY_REQUESTS");
  });

  it("lets a configured browser origin read a revalidated page's fields", async () => {
    const { store } = await storeWithStories(2);
    const origin = "https://dashboard.example.org";
    const { port } = await served(store, { corsOrigins: [origin] });
    const page = await call(port, "/v1/stories", { headers: { origin } });

    const again = await call(port, "/v1/stories", { headers: { origin, "if-none-match": page.headers.etag ?? "" } });

    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers["access-control-allow-origin"]).toBe(origin);
    expect(again.headers["access-control-expose-headers"]?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["etag", "x-request-id", "ratelimit-remaining"]),
    );
    expect(again.headers).toMatchObject({ etag: page.headers.etag, vary: "accept-encoding, Origin" });
    expect(again.headers["content-type"]).toBeUndefined();
    expect(again.headers["ratelimit-limit"]).toBeDefined();
  });

  it("logs a kept page answered before the app as the app logs it, with the id the client sent", async () => {
    const { store } = await storeWithStories(2);
    const services = testServices(store);
    const logged: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const record = (fields: object, message: string) => logged.push({ fields: { ...fields }, message });
    services.logger = { ...services.logger, debug: record };
    const { server, port } = await serveApp(createApp(services), { host: "127.0.0.1", port: 0 });
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    // The first request renders the page through the app; the next two are answered from what it kept.
    await call(port, "/v1/stories?limit=1", { headers: { "x-request-id": "first" } });
    const kept = await call(port, "/v1/stories?limit=1", { headers: { "x-request-id": "kept" } });
    const etag = kept.headers.etag ?? "";
    const revalidated = await call(port, "/v1/stories?limit=1", { headers: { "if-none-match": etag } });

    const requestLines = logged.filter((line) => line.message === "request").map((line) => line.fields);
    const shape = (fields: Record<string, unknown>) => ({ ...fields, requestId: typeof fields.requestId, ms: 0 });
    expect([kept.status, revalidated.status]).toEqual([200, 304]);
    expect(requestLines.map((fields) => fields.requestId)).toEqual([
      "first",
      "kept",
      revalidated.headers["x-request-id"],
    ]);
    expect(requestLines.map(shape)).toEqual([
      { requestId: "string", method: "GET", path: "/v1/stories", status: 200, tenantId: undefined, ms: 0 },
      { requestId: "string", method: "GET", path: "/v1/stories", status: 200, tenantId: undefined, ms: 0 },
      { requestId: "string", method: "GET", path: "/v1/stories", status: 304, tenantId: undefined, ms: 0 },
    ]);
    expect(requestLines.every((fields) => typeof fields.ms === "number")).toBe(true);
  });

  it("refuses a kept page asked for on a host no URL can hold, as it refuses any other request", async () => {
    const { store } = await storeWithStories(2);
    const { port } = await served(store);
    await call(port, "/v1/stories?limit=1");
    /** The status line of the answer to a GET of `path` with this Host field, over a raw socket. */
    const statusFor = (path: string, host: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`));
        socket.on("error", reject);
        socket.once("data", (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString("latin1").split("\r\n", 1)[0] ?? "");
        });
      });

    expect(await statusFor("/v1/stories?limit=1", "127.0.0.1")).toBe("HTTP/1.1 200 OK");
    expect(await statusFor("/v1/stories?limit=1", "a@b")).toBe("HTTP/1.1 400 Bad Request");
    expect(await statusFor("/v1/stories?limit=2", "a@b")).toBe("HTTP/1.1 400 Bad Request");
  });

  it("reads a repeated field as its values joined, as a Fetch request does", async () => {
    const { store } = await storeWithStories(2);
    const services = testServices(store);
    const app = createApp(services);
    const { server, port } = await serveApp(app, { host: "127.0.0.1", port: 0 });
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const key = await aKey(services);
    const etag = (await call(port, "/v1/stories")).headers.etag ?? "";

    const twoTags = await call(port, "/v1/stories", { headers: { "if-none-match": ['"other"', etag] } });
    const oneKey = await call(port, "/v1/subscriptions", { headers: bearer(key) });
    const twoKeys = await call(port, "/v1/subscriptions", {
      headers: { authorization: [`Bearer ${key}`, `Bearer ${key}`] },
    });

    expect(twoTags.status).toBe(304);
    expect(oneKey.status).toBe(200);
    expect(twoKeys.status).toBe(401);
  });
});

describe("the API served over HTTP behind CloudFront", () => {
  const SECRET = "origin-secret-for-the-served-app-0123456789";

  it("refuses a kept page to a request without the origin secret, once a request with it has kept the page", async () => {
    const { store } = await storeWithStories(3);
    const { port } = await served(store, { origin: { secret: async () => SECRET } });

    const withSecret = await call(port, "/v1/stories?limit=2", { headers: { [ORIGIN_SECRET_HEADER]: SECRET } });
    const again = await call(port, "/v1/stories?limit=2", { headers: { [ORIGIN_SECRET_HEADER]: SECRET } });
    const without = await call(port, "/v1/stories?limit=2");

    expect([withSecret.status, again.status]).toEqual([200, 200]);
    expect(again.body.equals(withSecret.body)).toBe(true);
    expect(without.status).toBe(403);
  });
});
