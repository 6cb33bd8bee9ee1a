import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface TestServer {
  url(path: string): string;
  /** Requests seen, in order, with the headers they carried. */
  requests: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  close(): Promise<void>;
}

/** A local HTTP server for feed tests: no test touches the network beyond loopback. */
export async function startTestServer(routes: Record<string, Route>): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push({ path, headers: request.headers });
    const route = routes[path];
    if (route) route(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function rss(
  channel: string,
  items: Array<{ guid: string; title: string; link: string; description?: string; pubDate?: string }>,
): string {
  const entries = items
    .map(
      (item) =>
        `<item><guid>${item.guid}</guid><title>${item.title}</title><link>${item.link}</link>` +
        `${item.description ? `<description>${item.description}</description>` : ""}` +
        `${item.pubDate ? `<pubDate>${item.pubDate}</pubDate>` : ""}</item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${channel}</title><link>https://wire.example/</link>${entries}</channel></rss>`;
}
