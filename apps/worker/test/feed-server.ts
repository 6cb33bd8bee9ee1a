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

/**
 * An RSS feed of near-identical items (one wire story re-sent with a counter) of about
 * `targetBytes`: every item joins the same story, the case where per-item cost used to grow
 * with the story. Under the 10 MiB fetch cap for any target up to it.
 */
export function nearIdenticalRss(targetBytes: number, end = new Date("2026-11-28T12:00:00Z")): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Repeat Wire</title><link>https://repeat.example/</link>`;
  const tail = "</channel></rss>";
  const items: string[] = [];
  let bytes = head.length + tail.length;
  for (let n = 0; ; n++) {
    const at = new Date(end.getTime() - n * 1_000).toUTCString();
    const entry =
      `<item><guid isPermaLink="false">repeat-${n}</guid><title>Ukraine withdraws from the Ottawa Convention on anti-personnel mines, update ${n}</title>` +
      `<link>https://repeat.example/news/${n}</link><pubDate>${at}</pubDate>` +
      "<description>Kyiv notified the UN secretary-general of its withdrawal from the Mine Ban Treaty; deminers keep clearing fields near the front.</description></item>";
    if (bytes + entry.length > targetBytes) break;
    items.push(entry);
    bytes += entry.length;
  }
  return head + items.join("") + tail;
}
