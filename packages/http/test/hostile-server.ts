import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { Resolver } from "../src/client.ts";

export type Route = (request: IncomingMessage, response: ServerResponse, server: HostileServer) => void;

export interface HostileServer {
  port: number;
  /** A URL on this server under a given host name (resolve it with `testResolver`). */
  url(path: string, host?: string): string;
  requests: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  /** Most requests this server was answering at once. */
  peakInFlight: number;
  /** Connections clients opened to this server. */
  connections: number;
  /** Resolves once no connection to this server is open (at once if none is). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

/** The host name tests reach the server under; only it is allow-listed. */
export const TEST_HOST = "feeds.test";

/** A resolver with fixed answers, so tests need no DNS; unknown names fail as ENOTFOUND. */
export function testResolver(names: Record<string, string | string[]>, calls?: string[]): Resolver {
  return async (hostname) => {
    calls?.push(hostname);
    const answer = names[hostname];
    if (answer === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return (Array.isArray(answer) ? answer : [answer]).map((address) => ({
      address,
      family: address.includes(":") ? 6 : 4,
    }));
  };
}

export const GOOD_RSS = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Calm Feed</title><link>https://calm.example/</link><item><guid>c-1</guid><title>Demining teams clear farmland in Angola</title><link>/news/angola-demining</link><pubDate>Sun, 29 Jun 2025 10:00:00 GMT</pubDate></item></channel></rss>`;

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><rss version="2.0"><channel><title>&lol4;</title></channel></rss>`;

const EXTERNAL_ENTITY = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>`;

let bomb: Buffer | undefined;
/** A few KB of gzip that expands to 16 MiB of zeros. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return bomb;
}

const xml = { "content-type": "application/rss+xml" };

/** Routes a hostile (and one well-behaved) feed server answers. */
export function hostileRoutes(): Record<string, Route> {
  return {
    "/feed.xml": (request, response) => {
      if (request.headers["if-none-match"] === '"calm-1"') return void response.writeHead(304).end();
      response.writeHead(200, { ...xml, etag: '"calm-1"', "cache-control": "max-age=1800" }).end(GOOD_RSS);
    },
    "/billion-laughs.xml": (_request, response) => response.writeHead(200, xml).end(BILLION_LAUGHS),
    "/external-entity.xml": (_request, response) => response.writeHead(200, xml).end(EXTERNAL_ENTITY),
    "/gzip-bomb.xml": (_request, response) =>
      response.writeHead(200, { ...xml, "content-encoding": "gzip" }).end(gzipBomb()),
    "/endless.xml": (_request, response) => {
      // Chunked, no length: keeps sending until the client hangs up.
      response.writeHead(200, xml);
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once("drain", pump);
      };
      pump();
    },
    "/drip.xml": (_request, response) => {
      response.writeHead(200, xml);
      response.write("<");
      const timer = setInterval(() => response.write("r"), 1000);
      response.once("close", () => clearInterval(timer));
    },
    "/html": (_request, response) =>
      response
        .writeHead(200, { "content-type": "text/html" })
        .end("<!DOCTYPE html><html><head><title>Welcome</title></head><body>Not a feed</body></html>"),
    "/invalid-utf8.xml": (_request, response) =>
      response
        .writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" })
        .end(
          Buffer.concat([
            Buffer.from("<?xml version='1.0'?><rss><channel><title>"),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from("</title></channel></rss>"),
          ]),
        ),
    "/empty.xml": (_request, response) => response.writeHead(200, xml).end(),
    "/to-loopback": (_request, response, server) =>
      response.writeHead(302, { location: `http://127.0.0.1:${server.port}/feed.xml` }).end(),
    "/to-private-name": (_request, response, server) =>
      response.writeHead(301, { location: `http://intranet.test:${server.port}/feed.xml` }).end(),
    "/busy.xml": (_request, response) => response.writeHead(503, { "retry-after": "7200" }).end(),
    // Switches a plain GET to another protocol, then says nothing more on the open connection.
    "/switch-protocols": (request) => {
      request.socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    },
    // An interim answer, then the connection closed (FIN) with no final one.
    "/continue-then-close": (request, response) => {
      response.writeContinue();
      request.socket.end();
    },
  };
}

/** `/redirect/N` answers with N more redirects on the same host, then the calm feed. */
function redirectChain(request: IncomingMessage, response: ServerResponse): boolean {
  const match = /^\/redirect\/(\d+)$/.exec(request.url ?? "");
  if (!match) return false;
  const left = Number(match[1]);
  response.writeHead(302, { location: left > 1 ? `/redirect/${left - 1}` : "/feed.xml" }).end();
  return true;
}

/**
 * A local server of hostile feeds on 127.0.0.1, over https when given `tls` (a certificate and its
 * key). Paths under `/feeds/` answer the calm feed after `delayMs`, so tests can measure how many
 * fetches overlap.
 */
export async function startHostileServer(
  options: { extra?: Record<string, Route>; delayMs?: number; tls?: { cert: string; key: string } } = {},
): Promise<HostileServer> {
  const routes = { ...hostileRoutes(), ...options.extra };
  // Compress the bomb before any client starts its deadline, not while one is waiting.
  gzipBomb();
  let inFlight = 0;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    state.requests.push({ path, headers: request.headers });
    inFlight++;
    state.peakInFlight = Math.max(state.peakInFlight, inFlight);
    response.once("close", () => inFlight--);
    const route = routes[path];
    if (route) return route(request, response, state);
    if (redirectChain(request, response)) return;
    if (path.startsWith("/feeds/")) {
      setTimeout(() => response.writeHead(200, xml).end(GOOD_RSS), options.delayMs ?? 0);
      return;
    }
    response.writeHead(404).end();
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  let open = 0;
  let whenClosed: Array<() => void> = [];
  server.on("connection", (socket) => {
    state.connections++;
    open++;
    socket.once("close", () => {
      open--;
      if (open > 0) return;
      for (const resolve of whenClosed) resolve();
      whenClosed = [];
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const state: HostileServer = {
    port,
    url: (path, host = TEST_HOST) => `${options.tls ? "https" : "http"}://${host}:${port}${path}`,
    requests: [],
    peakInFlight: 0,
    connections: 0,
    allClosed: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => whenClosed.push(resolve))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
