import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { DEFAULT_FETCH_OPTIONS, GuardedFetcher, type HttpFetcherOptions } from "./fetcher.ts";
import { GuardedHttpClient, type SafeHttpOptions, type TransportResponse } from "./guarded.ts";

export * from "./fetcher.ts";
export * from "./guarded.ts";

/**
 * The address-guarded client on node:http, one connection a request: for Lambda functions,
 * which make a few requests an invocation to different hosts, where loading undici would cost
 * more at a cold start (about 40 ms) than its connection pools save.
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

/** The feed fetcher on node:http: what the Lambda fetch function uses. */
export class NodeHttpFetcher extends GuardedFetcher<NodeSafeHttpClient> {
  constructor(options: HttpFetcherOptions = DEFAULT_FETCH_OPTIONS) {
    const { clock, ...http } = options;
    super(new NodeSafeHttpClient(http), clock);
  }
}
