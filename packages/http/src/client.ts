import { Agent, request } from "undici";
import { DEFAULT_FETCH_OPTIONS, GuardedFetcher, type HttpFetcherOptions } from "./fetcher.ts";
import { GuardedHttpClient, type SafeHttpOptions, type SafeRequest, type SafeResult } from "./guarded.ts";

export * from "./guarded.ts";

/** The address-guarded client on undici, with keep-alive pools per origin. */
export class SafeHttpClient extends GuardedHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, (lookup, settings) => {
      const agent = new Agent({
        connect: { lookup },
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
      });
      return {
        send: (url, { method, headers, body, signal }) =>
          request(url, { dispatcher: agent, method, headers, body, signal }),
        close: () => agent.close(),
      };
    });
  }
}

/** One request with a client built for it; use a shared `SafeHttpClient` for many. */
export async function safeRequest(input: SafeRequest, options: Partial<SafeHttpOptions> = {}): Promise<SafeResult> {
  const client = new SafeHttpClient(options);
  try {
    return await client.request(input);
  } finally {
    await client.close();
  }
}

/** The feed fetcher on undici's keep-alive pools: for a long-running poller. */
export class HttpFetcher extends GuardedFetcher<SafeHttpClient> {
  constructor(options: HttpFetcherOptions = DEFAULT_FETCH_OPTIONS) {
    const { clock, ...http } = options;
    super(new SafeHttpClient(http), clock);
  }
}
