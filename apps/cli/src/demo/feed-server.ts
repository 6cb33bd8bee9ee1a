import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".xml": "application/rss+xml; charset=utf-8",
  ".atom": "application/atom+xml; charset=utf-8",
  ".json": "application/feed+json; charset=utf-8",
};

export interface FeedServer {
  urls: string[];
  close(): Promise<void>;
}

/** Serves the sample feeds in a folder over HTTP on loopback, as a news site would. */
export async function startFeedServer(folder: string, host = "127.0.0.1"): Promise<FeedServer> {
  const names = (await readdir(folder)).filter((name) => extname(name) in TYPES).sort();
  const bodies = new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name))] as const)),
  );
  const server: Server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname.replace(/^\/feeds\//, ""));
    const body = bodies.get(name);
    if (!body) {
      response.writeHead(404, { "content-type": "text/plain" }).end("no such feed\n");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(name)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    urls: names.map((name) => `http://${host}:${port}/feeds/${encodeURIComponent(name)}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
