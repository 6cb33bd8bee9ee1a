import { describe, expect, it, vi } from "vitest";
import { aKey, bearer, testServices } from "../test/factories.ts";
import { createApp } from "./app.ts";
import { clientAddress } from "./lib/client-address.ts";
import type { AppOptions } from "./lib/env.ts";
import type { ErrorBody } from "./lib/errors.ts";

/** The bindings @hono/node-server gives a request from `address`. */
const fromPeer = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function setUp(options: AppOptions = {}) {
  const services = testServices();
  const app = createApp(services, { anonymousRateLimit: { requests: 2, windowSeconds: 60 }, ...options });
  const get = (env: object, headers: Record<string, string> = {}) => app.request("/v1/stories", { headers }, env);
  return { services, app, get };
}

describe("anonymous rate limit", () => {
  it("answers 429 with Retry-After once one address used up its window, and not for another address", async () => {
    const { get } = setUp();

    const allowed = [await get(fromPeer("203.0.113.7")), await get(fromPeer("203.0.113.7"))];
    const refused = await get(fromPeer("203.0.113.7"));
    const other = await get(fromPeer("198.51.100.9"));

    expect(allowed.map((response) => response.status)).toEqual([200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(((await refused.json()) as ErrorBody).error.code).toBe("TOO_MANY_REQUESTS");
    expect(other.status).toBe(200);
  });

  it("lets the address in again when the window has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      const { get } = setUp();
      for (let i = 0; i < 3; i++) await get(fromPeer("203.0.113.7"));

      vi.advanceTimersByTime(60_000);
      const later = await get(fromPeer("203.0.113.7"));

      expect(later.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports the limit in the RateLimit headers of every answer, the 429 included", async () => {
    const { get } = setUp();

    const first = await get(fromPeer("203.0.113.7"));
    await get(fromPeer("203.0.113.7"));
    const refused = await get(fromPeer("203.0.113.7"));

    expect(Object.fromEntries([...first.headers].filter(([name]) => name.startsWith("ratelimit-")))).toEqual({
      "ratelimit-limit": "2",
      "ratelimit-remaining": "1",
      "ratelimit-reset": "60",
      "ratelimit-policy": "2;w=60",
    });
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(((await refused.json()) as ErrorBody).error.message).toBe(
      "rate limit of 2 requests in 60 s reached; retry in 60 s",
    );
  });

  it("ignores X-Forwarded-For unless proxies are trusted", async () => {
    const { get } = setUp();

    const statuses = [];
    for (const forged of ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
      statuses.push((await get(fromPeer("203.0.113.7"), { "x-forwarded-for": forged })).status);

    expect(statuses).toEqual([200, 200, 429]);
  });

  it("behind a trusted proxy, counts the address the proxy saw, not what the client wrote", async () => {
    const { get } = setUp({ trustedProxies: 1 });
    const proxy = fromPeer("10.0.0.5");

    const statuses = [];
    for (const forged of ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
      statuses.push((await get(proxy, { "x-forwarded-for": `${forged}, 203.0.113.7` })).status);
    const another = await get(proxy, { "x-forwarded-for": "198.51.100.9" });

    expect(statuses).toEqual([200, 200, 429]);
    expect(another.status).toBe(200);
  });

  it("reads the source address of a Lambda function URL event", async () => {
    const { get } = setUp();
    const lambda = (sourceIp: string) => ({ requestContext: { http: { sourceIp } } });

    for (let i = 0; i < 2; i++) await get(lambda("203.0.113.7"));
    const refused = await get(lambda("203.0.113.7"));
    const other = await get(lambda("198.51.100.9"));

    expect([refused.status, other.status]).toEqual([429, 200]);
  });

  it("does not count requests that carry an API key", async () => {
    const { get, services } = setUp();
    const key = await aKey(services);

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(fromPeer("203.0.113.7"), bearer(key))).status);

    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});

describe("clientAddress", () => {
  it.each([
    ["the peer when no proxy is trusted", "203.0.113.7", "192.0.2.1", 0, "203.0.113.7"],
    ["the last forwarded entry behind one proxy", "10.0.0.5", "192.0.2.1, 203.0.113.7", 1, "203.0.113.7"],
    ["two hops in behind two proxies", "10.0.0.5", "192.0.2.1, 203.0.113.7, 10.0.0.4", 2, "203.0.113.7"],
    ["the leftmost entry when the chain is shorter than the proxies", "10.0.0.5", "203.0.113.7", 3, "203.0.113.7"],
    ["the peer when a trusted proxy sent no header", "10.0.0.5", undefined, 1, "10.0.0.5"],
    ["one shared key when the peer is unknown", undefined, undefined, 0, "unknown"],
  ])("is %s", (_case, peer, forwardedFor, trustedProxies, expected) => {
    expect(clientAddress(peer, forwardedFor, trustedProxies)).toBe(expected);
  });
});
