import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { GuardedHttpClient, type SafeHttpOptions, type TransportResponse } from "./guarded.ts";

export * from "./guarded.ts";

/**
 * The address-guarded client on node:http, one connection a request: for an occasional
 * request (a webhook verification ping) from a bundle that cannot afford undici.
 */
export class NodeSafeHttpClient extends GuardedHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, (lookup) => ({
      send: (url, { method, headers, body, signal }) =>
        new Promise<TransportResponse>((resolve, reject) => {
          const send = url.protocol === "https:" ? httpsRequest : httpRequest;
          const outgoing = send(url, { method, headers, signal, lookup, agent: false }, (response) =>
            resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response }),
          );
          outgoing.on("error", reject);
          outgoing.end(body);
        }),
      close: async () => undefined,
    }));
  }
}
