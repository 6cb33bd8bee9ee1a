import { type ServerType, serve } from "@hono/node-server";
import type { App } from "./app.ts";

/** Serves the app over HTTP; resolves once it listens, with the bound port. */
export function serveApp(
  app: App,
  options: { host: string; port: number },
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", reject);
  });
}
