import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { brotliCompressSync, deflateRawSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_RSS, type HostileServer, startHostileServer, TEST_HOST, testResolver } from "../test/hostile-server.ts";
import { TEST_TLS } from "../test/tls.ts";
import { GuardedHttpClient, SafeHttpClient, type SafeHttpOptions, type TransportResponse } from "./client.ts";
import { type KeepAlive, NodeSafeHttpClient, POLL_KEEP_ALIVE } from "./node.ts";

const NAMES = { [TEST_HOST]: "127.0.0.1", "intranet.test": "10.0.0.7", "mixed.test": ["93.184.215.14", "127.0.0.1"] };

/** NodeSafeHttpClient keeping idle connections for any request that follows. */
class KeptAliveClient extends NodeSafeHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, { onlyForWaiting: false, maxIdle: 16, idleMs: 10_000 });
  }
}

/** NodeSafeHttpClient keeping a connection only for a request waiting for it, as the poller's HttpFetcher does. */
class PollClient extends NodeSafeHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, POLL_KEEP_ALIVE);
  }
}

const CLIENTS = [
  ["SafeHttpClient (undici)", SafeHttpClient],
  ["NodeSafeHttpClient (node:http)", NodeSafeHttpClient],
  ["NodeSafeHttpClient (node:http, kept alive)", KeptAliveClient],
  ["NodeSafeHttpClient (node:http, kept for waiting requests)", PollClient],
] as const;

describe.each(CLIENTS)("%s", (_name, Client) => {
  function clientFor(overrides: Partial<SafeHttpOptions> = {}) {
    return new Client({
      userAgent: "treatywatch-test (+https://example.test/contact)",
      timeoutMs: 2_000,
      maxBytes: 1024 * 1024,
      maxDecodedBytes: 1024 * 1024,
      allow: [TEST_HOST],
      resolver: testResolver(NAMES),
      ...overrides,
    });
  }

  describe("requests", () => {
    let server: HostileServer;
    const client = clientFor();

    beforeAll(async () => {
      server = await startHostileServer({
        extra: {
          "/gzip.xml": (_q, response) =>
            response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(GOOD_RSS)),
          "/deflate.xml": (_q, response) =>
            response.writeHead(200, { "content-encoding": "deflate" }).end(deflateRawSync(GOOD_RSS)),
          "/br.xml": (_q, response) =>
            response.writeHead(200, { "content-encoding": "br" }).end(brotliCompressSync(GOOD_RSS)),
          "/echo": (request, response) => {
            let body = "";
            request.on("data", (chunk: Buffer) => (body += chunk.toString()));
            request.on("end", () => response.writeHead(200).end(`${request.method} ${body}`));
          },
          "/post-redirect": (_q, response) => response.writeHead(307, { location: "/echo" }).end(),
          "/bad-redirect": (_q, response) =>
            response.writeHead(302, { location: "http://reader:s3cret@exa mple.test/feed" }).end(),
        },
      });
    });

    afterAll(async () => {
      await client.close();
      await server.close();
    });

    it("sends the User-Agent and returns the body of an allow-listed host", async () => {
      const result = await client.request({ url: server.url("/feed.xml") });

      expect(result.ok && new TextDecoder().decode(result.response.body)).toBe(GOOD_RSS);
      expect(server.requests.at(-1)?.headers["user-agent"]).toBe("treatywatch-test (+https://example.test/contact)");
    });

    it.each([["/gzip.xml"], ["/deflate.xml"], ["/br.xml"]])("decodes %s", async (path) => {
      const result = await client.request({ url: server.url(path) });

      expect(result.ok && new TextDecoder().decode(result.response.body)).toBe(GOOD_RSS);
    });

    it.each([
      ["/gzip-bomb.xml", "too-large", /decodes to more than/],
      ["/endless.xml", "too-large", /more than 1048576 bytes received/],
      ["/redirect/6", "http-status", /more than 5 redirects/],
      ["/to-loopback", "refused-address", /^refused address: loopback$/],
      ["/to-private-name", "refused-address", /^intranet\.test resolves to a refused address: private-use$/],
    ])("refuses %s as %s", async (path, kind, message) => {
      const result = await client.request({ url: server.url(path) });

      expect(result).toMatchObject({ ok: false, error: { kind, message: expect.stringMatching(message) } });
    });

    it("sends no credentials written in the URL, and leaves them out of the URL it reports", async () => {
      const result = await client.request({ url: server.url("/feed.xml").replace("//", "//reader:s%40cret@") });

      expect(result.ok && result.response.url).toBe(server.url("/feed.xml"));
      expect(server.requests.at(-1)?.path).toBe("/feed.xml");
      expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
    });

    it("follows five redirects", async () => {
      const result = await client.request({ url: server.url("/redirect/5") });

      expect(result.ok && result.response.url).toBe(server.url("/feed.xml"));
    });

    it("ends a server that sends a byte a second, and never finishes, at the deadline", async () => {
      const result = await client.request({ url: server.url("/drip.xml"), timeoutMs: 150 });

      expect(result).toMatchObject({ ok: false, error: { kind: "timeout" } });
    });

    it.each([
      ["/switch-protocols", "a 101 Switching Protocols, the connection left open"],
      ["/continue-then-close", "a 100 Continue, then the connection closed"],
    ])("fails %s (%s) as a connection error before the deadline, and the host takes the next request", async (path) => {
      const one = clientFor({ perHostConcurrency: 1 });

      const [result, next] = await Promise.all([
        one.request({ url: server.url(path) }),
        one.request({ url: server.url("/feed.xml") }),
      ]);
      await one.close();

      expect(result).toMatchObject({ ok: false, error: { kind: "connection" } });
      expect(next.ok).toBe(true);
    });

    it.each([
      ["http://2130706433/", "decimal"],
      ["http://0177.0.0.1/", "octal"],
      ["http://0x7f.0.0.1/", "hex"],
      ["http://[::ffff:127.0.0.1]/", "IPv4-mapped"],
      ["http://[::127.0.0.1]/", "IPv4-compatible"],
      ["http://[::ffff:0:7f00:1]/", "IPv4-translated"],
      ["http://[2002:7f00:1::]/", "6to4"],
      ["http://[64:ff9b::a9fe:a9fe]/", "NAT64"],
      ["http://[::]/", "unspecified"],
      ["http://169.254.169.254/latest/meta-data/", "metadata"],
    ])("refuses %s (%s spelling) before connecting", async (url) => {
      const result = await client.request({ url });

      expect(result).toMatchObject({ ok: false, error: { kind: "refused-address" } });
    });

    it.each([
      ["intranet.test", "a private address"],
      ["mixed.test", "a public and a loopback address"],
    ])("refuses %s, a name resolving to %s", async (host) => {
      const result = await client.request({ url: server.url("/feed.xml", host) });

      expect(result).toMatchObject({ ok: false, error: { kind: "refused-address" } });
    });

    it("reports a name that does not resolve as a dns error", async () => {
      const result = await client.request({ url: server.url("/feed.xml", "nowhere.test") });

      expect(result).toMatchObject({ ok: false, error: { kind: "dns" } });
    });

    it("names a URL it cannot read without the password written in it", async () => {
      const result = await client.request({ url: "http://reader:s3cret@exa mple.test/feed" });

      expect(result).toMatchObject({ ok: false, error: { kind: "invalid-url" } });
      expect(result.ok || result.error.message).not.toContain("s3cret");
    });

    it("refuses schemes other than http and https", async () => {
      const result = await client.request({ url: "file:///etc/passwd" });

      expect(result).toMatchObject({ ok: false, error: { kind: "invalid-url" } });
    });

    it("resolves a name once per connection and connects to the address it checked", async () => {
      const calls: string[] = [];
      const answers = ["127.0.0.1", "10.0.0.1"];
      const rebinding = new Client({
        allow: ["127.0.0.1"],
        resolver: async (hostname) => {
          calls.push(hostname);
          return [{ address: answers[Math.min(calls.length - 1, 1)] ?? "10.0.0.1", family: 4 }];
        },
      });

      const result = await rebinding.request({ url: server.url("/feed.xml", "rebind.test") });
      await rebinding.close();

      expect(result.ok).toBe(true);
      expect(calls).toEqual(["rebind.test"]);
    });

    it("sends a body with the method and keeps both across a 307", async () => {
      const result = await client.request({ url: server.url("/post-redirect"), method: "POST", body: "signed" });

      expect(result.ok && new TextDecoder().decode(result.response.body)).toBe("POST signed");
    });

    it("fails on a redirect when told to", async () => {
      const result = await client.request({ url: server.url("/post-redirect"), method: "POST", redirect: "error" });

      expect(result).toMatchObject({ ok: false, error: { kind: "http-status" } });
    });

    it("fails a redirect to what is not a URL as an invalid URL, not to be retried, naming it without its password", async () => {
      const result = await client.request({ url: server.url("/bad-redirect") });

      expect(result).toMatchObject({ ok: false, error: { kind: "invalid-url", retryable: false } });
      expect(result.ok || result.error.message).not.toContain("s3cret");
    });

    it("keeps at most the per-host limit of requests in flight to one host", async () => {
      const slow = await startHostileServer({ delayMs: 5 });
      const limited = clientFor({ perHostConcurrency: 3 });

      const results = await Promise.all(
        Array.from({ length: 30 }, (_, index) => limited.request({ url: slow.url(`/feeds/${index}`) })),
      );
      await limited.close();
      await slow.close();

      expect(results.every((result) => result.ok)).toBe(true);
      expect(slow.peakInFlight).toBe(3);
    });

    it("sends nothing once closed, whichever of the per-host slots a request would take", async () => {
      const slow = await startHostileServer({ delayMs: 5 });
      const closing = clientFor({ perHostConcurrency: 3 });
      await closing.request({ url: slow.url("/feeds/before") });
      await closing.close();

      const after = await Promise.all(
        [0, 1, 2].map((index) => closing.request({ url: slow.url(`/feeds/after-${index}`) })),
      );
      const reached = slow.requests.filter((sent) => sent.path.includes("after")).length;
      await slow.close();

      expect(after.map((result) => result.ok)).toEqual([false, false, false]);
      expect(reached).toBe(0);
    });
  });
});

describe.each(CLIENTS)("%s over https", (_name, Client) => {
  let server: HostileServer;

  beforeAll(async () => {
    server = await startHostileServer({ tls: TEST_TLS });
  });

  afterAll(() => server.close());

  async function fetchWith(ca: string | undefined) {
    const client = new Client({ allow: [TEST_HOST], resolver: testResolver(NAMES), ca });
    const result = await client.request({ url: server.url("/redirect/2") });
    await client.close();
    return result;
  }

  it("fetches from a server whose certificate the ca option trusts, following its redirects", async () => {
    const result = await fetchWith(TEST_TLS.cert);

    expect(result.ok && result.response.url).toBe(server.url("/feed.xml"));
    expect(result.ok && new TextDecoder().decode(result.response.body)).toBe(GOOD_RSS);
  });

  it("refuses a server whose certificate it does not trust", async () => {
    const result = await fetchWith(undefined);

    expect(result).toMatchObject({
      ok: false,
      error: { kind: "connection", message: expect.stringMatching(/self.signed/i) },
    });
  });
});

describe.each([
  ["SafeHttpClient (undici)", SafeHttpClient],
  ["NodeSafeHttpClient (node:http, kept alive)", KeptAliveClient],
] as const)("%s connections", (_name, Client) => {
  function clientFor(perHostConcurrency: number) {
    return new Client({ allow: [TEST_HOST], resolver: testResolver(NAMES), perHostConcurrency });
  }

  it("sends requests to a host one after another over one kept-alive connection", async () => {
    const server = await startHostileServer();
    const client = clientFor(2);

    const results = [];
    for (let index = 0; index < 5; index++) results.push(await client.request({ url: server.url(`/feeds/${index}`) }));
    await client.close();
    await server.close();

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.connections).toBe(1);
  });

  it("opens no more connections to a host than its limit, and keeps them for the requests that follow", async () => {
    const server = await startHostileServer({ delayMs: 5 });
    const client = clientFor(3);

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) => client.request({ url: server.url(`/feeds/${index}`) })),
    );
    await client.close();
    await server.close();

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.peakInFlight).toBe(3);
    expect(server.connections).toBe(3);
  });

  it("keeps a host's connections apart from another host's", async () => {
    const server = await startHostileServer({ delayMs: 5 });
    const client = new Client({
      allow: [TEST_HOST, "other.test"],
      resolver: testResolver({ ...NAMES, "other.test": "127.0.0.1" }),
      perHostConcurrency: 1,
    });

    const results = await Promise.all([
      ...Array.from({ length: 4 }, (_, index) => client.request({ url: server.url(`/feeds/a${index}`) })),
      ...Array.from({ length: 4 }, (_, index) => client.request({ url: server.url(`/feeds/b${index}`, "other.test") })),
    ]);
    await client.close();
    await server.close();

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.peakInFlight).toBe(2);
    expect(server.connections).toBe(2);
  });
});

describe.each([
  ["NodeSafeHttpClient (node:http, kept alive)", KeptAliveClient],
  ["NodeSafeHttpClient (node:http, kept for waiting requests)", PollClient],
] as const)("%s on a kept connection", (_name, Client) => {
  let server: HostileServer;
  const answered = new WeakSet<object>();

  beforeAll(async () => {
    server = await startHostileServer({
      extra: {
        // Answers once a connection: a second request on it finds it closed, with no answer.
        "/once": (request, response) => {
          if (answered.has(request.socket)) return void request.socket.destroy();
          answered.add(request.socket);
          response.writeHead(200).end(GOOD_RSS);
        },
        // Begins a second answer on a connection, then closes it: the request reached the server.
        "/begun": (request, response) => {
          if (answered.has(request.socket)) {
            request.socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n");
            return void request.socket.destroy();
          }
          answered.add(request.socket);
          response.writeHead(200).end(GOOD_RSS);
        },
      },
    });
  });

  afterAll(() => server.close());

  /** Sends two requests to `/once`, the second waiting for the host and then taking the connection the first left. */
  async function twice(method: "GET" | "POST", path = "/once") {
    const client = new Client({ allow: [TEST_HOST], resolver: testResolver(NAMES), perHostConcurrency: 1 });
    const before = { requests: server.requests.length, connections: server.connections };
    const results = await Promise.all([
      client.request({ url: server.url(path), method }),
      client.request({ url: server.url(path), method }),
    ]);
    await client.close();
    return {
      ok: results.map((result) => result.ok),
      requests: server.requests.length - before.requests,
      connections: server.connections - before.connections,
    };
  }

  it("sends a GET again on a new connection when the server closes the kept one as the request arrives", async () => {
    expect(await twice("GET")).toEqual({ ok: [true, true], requests: 3, connections: 2 });
  });

  it("sends a GET only once when the server began to answer it before closing the connection", async () => {
    expect(await twice("GET", "/begun")).toEqual({ ok: [true, false], requests: 2, connections: 1 });
  });

  it("sends a POST only once, failing it when the server closes the kept connection", async () => {
    expect(await twice("POST")).toEqual({ ok: [true, false], requests: 2, connections: 1 });
  });
});

describe("GuardedHttpClient over a transport that ignores its signal", () => {
  /** A client whose transport answers its first request with `first`, and every later one at once. */
  function clientOver(first: () => Promise<TransportResponse>) {
    let sent = 0;
    return new GuardedHttpClient({ perHostConcurrency: 1, timeoutMs: 100 }, () => ({
      send: () =>
        sent++ === 0
          ? first()
          : Promise.resolve({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from("ok")]) }),
      close: async () => {},
    }));
  }

  it("ends a request whose transport never answers at the deadline, and frees its host for the next", async () => {
    const client = clientOver(() => new Promise(() => {}));

    const [stuck, next] = await Promise.all([
      client.request({ url: "http://feeds.test/a.xml" }),
      client.request({ url: "http://feeds.test/b.xml" }),
    ]);

    expect(stuck).toMatchObject({ ok: false, error: { kind: "timeout" } });
    expect(next.ok).toBe(true);
  });

  it("ends a request whose body never ends at the deadline, destroying the body", async () => {
    const body = new PassThrough();
    body.write("<rss");
    const client = clientOver(async () => ({ statusCode: 200, headers: {}, body }));

    const [stuck, next] = await Promise.all([
      client.request({ url: "http://feeds.test/a.xml" }),
      client.request({ url: "http://feeds.test/b.xml" }),
    ]);

    expect(stuck).toMatchObject({ ok: false, error: { kind: "timeout" } });
    expect(body.destroyed).toBe(true);
    expect(next.ok).toBe(true);
  });
});

/** Records the socket of every response node:http finishes until `stop`, whichever client asked. */
function watchSockets() {
  const sockets: Socket[] = [];
  const record = (message: unknown) => {
    const socket = (message as { response: IncomingMessage }).response.socket;
    if (socket) sockets.push(socket);
  };
  subscribe("http.client.response.finish", record);
  return { sockets, stop: () => unsubscribe("http.client.response.finish", record) };
}

describe.each([
  ["http", undefined],
  ["https", TEST_TLS],
] as const)("NodeSafeHttpClient idle connections over %s", (_scheme, tls) => {
  const NAMED = { ...NAMES, "a.test": "127.0.0.1", "b.test": "127.0.0.1", "c.test": "127.0.0.1" };
  const options = { allow: ["a.test", "b.test", "c.test"], resolver: testResolver(NAMED), ca: tls?.cert };

  /** Asks hosts a, b, c, then a, b, c again, one request at a time; says how many connections the server saw. */
  async function connectionsFor(keepAlive: KeepAlive | undefined): Promise<number> {
    const server = await startHostileServer({ tls });
    const client = new NodeSafeHttpClient(options, keepAlive);
    const results = [];
    for (const host of ["a.test", "b.test", "c.test", "a.test", "b.test", "c.test"]) {
      results.push(await client.request({ url: server.url("/feed.xml", host) }));
    }
    await client.close();
    await server.close();
    expect(results.every((result) => result.ok)).toBe(true);
    return server.connections;
  }

  it("keeps every host's connection when as many may stay idle", async () => {
    expect(await connectionsFor({ onlyForWaiting: false, maxIdle: 3, idleMs: 10_000 })).toBe(3);
  });

  it("closes the connection idle longest once more than maxIdle are idle", async () => {
    // a's closes when c's falls idle, and a's request opens a new one, which closes b's, and so on.
    expect(await connectionsFor({ onlyForWaiting: false, maxIdle: 2, idleMs: 10_000 })).toBe(6);
  });

  it("closes a connection idle longer than idleMs when the next request ends", async () => {
    // a's has been idle for all of b's request when b's ends: longer than 0 ms.
    expect(await connectionsFor({ onlyForWaiting: false, maxIdle: 16, idleMs: 0 })).toBe(6);
  });

  it("closes a connection no request waits for when kept only for waiting requests", async () => {
    expect(await connectionsFor(POLL_KEEP_ALIVE)).toBe(6);
  });

  /** Sends 30 requests to one host, three at a time; says how many connections the server saw. */
  async function connectionsForWaiting(keepAlive: KeepAlive): Promise<number> {
    const server = await startHostileServer({ tls, delayMs: 5 });
    const client = new NodeSafeHttpClient({ ...options, perHostConcurrency: 3 }, keepAlive);

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) => client.request({ url: server.url(`/feeds/${index}`, "a.test") })),
    );
    await client.close();
    await server.allClosed();
    await server.close();

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.peakInFlight).toBe(3);
    return server.connections;
  }

  it("hands a connection to the request to its host that waited for it, when kept only for waiting requests", async () => {
    expect(await connectionsForWaiting(POLL_KEEP_ALIVE)).toBe(3);
  });

  it("keeps no more than maxIdle connections when kept only for waiting requests", async () => {
    expect(await connectionsForWaiting({ ...POLL_KEEP_ALIVE, maxIdle: 0 })).toBe(30);
  });

  it("keeps a connection only for a request waiting for its own host, not for one waiting for another", async () => {
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const server = await startHostileServer({
      tls,
      extra: { "/held": (_q, response) => void answered.then(() => response.writeHead(200).end(GOOD_RSS)) },
    });
    const client = new NodeSafeHttpClient({ ...options, perHostConcurrency: 1 }, POLL_KEEP_ALIVE);

    // b's second request waits for b's first, held, while a's request ends.
    const onB = Promise.all([
      client.request({ url: server.url("/held", "b.test") }),
      client.request({ url: server.url("/feed.xml", "b.test") }),
    ]);
    const onA = await client.request({ url: server.url("/feed.xml", "a.test") });
    answer();
    const results = [onA, ...(await onB), await client.request({ url: server.url("/feed.xml", "a.test") })];
    await client.close();
    await server.close();

    expect(results.map((result) => result.ok)).toEqual([true, true, true, true]);
    // a's first connection was closed, not kept for b's waiting request, so a's next opened one;
    // b's was kept for b's second request.
    expect(server.connections).toBe(3);
  });

  it("opens a connection a request without keepAlive", async () => {
    expect(await connectionsFor(undefined)).toBe(6);
  });

  it("closes its idle connections on close, so the process can exit without waiting for them", async () => {
    const server = await startHostileServer({ tls });
    const client = new NodeSafeHttpClient(options, { onlyForWaiting: false, maxIdle: 4, idleMs: 60_000 });
    const watched = watchSockets();
    const results = [
      await client.request({ url: server.url("/feed.xml", "a.test") }),
      await client.request({ url: server.url("/feed.xml", "b.test") }),
    ];
    watched.stop();
    const keptBeforeClose = watched.sockets.filter((socket) => !socket.destroyed).length;

    await client.close();
    const openAfterClose = watched.sockets.filter((socket) => !socket.destroyed).length;
    await server.close();

    expect(results.every((result) => result.ok)).toBe(true);
    expect([keptBeforeClose, openAfterClose]).toEqual([2, 0]);
  });
});
