import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import { getRequestListener, type ServerType } from "@hono/node-server";
import type { App } from "./app.ts";
import { directListener } from "./lib/direct-answers.ts";

/** Fields that describe content, which a 304 has none of. */
const NO_304_FIELDS = new Set(["content-length", "content-type"]);

/**
 * Node's response, less any Content-Length or Content-Type on a 304: the node server writes a
 * 304 made from an empty string body (see `answer`) with `Content-Length: 0`, and one made from
 * no body with a default `text/plain` type, while a 304 may carry no length but that of the 200
 * it stands for (RFC 9110 §8.6) and describes no content of its own.
 */
export class NodeResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    if (statusCode === 304) {
      const fields = typeof reasonOrHeaders === "string" ? headers : reasonOrHeaders;
      if (fields && !Array.isArray(fields)) {
        for (const name in fields) if (NO_304_FIELDS.has(name.toLowerCase())) delete fields[name];
      }
    }
    return typeof reasonOrHeaders === "string"
      ? super.writeHead(statusCode, reasonOrHeaders, headers)
      : super.writeHead(statusCode, reasonOrHeaders);
  }
}

/** Serves the app over HTTP; resolves once it listens, with the bound port. */
export function serveApp(
  app: App,
  options: { host: string; port: number },
): Promise<{ server: ServerType; port: number }> {
  // The node server's own Request and Response stand in for the global ones: answers made
  // from a string or bytes with plain headers are written without a Fetch Response between.
  const listener = getRequestListener(app.fetch, { hostname: options.host, overrideGlobalObjects: true });
  // Plain GETs of kept pages are answered before the app is asked (see `directListener`).
  const server = createServer({ ServerResponse: NodeResponse }, directListener(app, listener));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : options.port });
    });
  });
}
