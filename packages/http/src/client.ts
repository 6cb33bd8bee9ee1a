import { Agent, buildConnector, Client, request } from "undici";
import { DEFAULT_FETCH_OPTIONS, GuardedFetcher, type HttpFetcherOptions } from "./fetcher.ts";
import { GuardedHttpClient, type SafeHttpOptions, type SafeRequest, type SafeResult } from "./guarded.ts";

export * from "./guarded.ts";

/**
 * The address-guarded client on undici, with keep-alive connections per origin: one Agent a
 * per-host slot, each holding a single connection (an undici `Client`) an origin. The guard's
 * limiter hands a request its slot, so a connection never has two requests at once, and a lone
 * request to a host always takes the first slot's connection, left open by the one before.
 * undici's own per-origin `Pool` would cost about 30 KiB an origin (its request queue alone 16 KiB,
 * allocated with it) for a poller that asks most hosts for one feed a tick.
 */
export class SafeHttpClient extends GuardedHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, (lookup, settings) => {
      // One connector for every connection: its TLS session cache is shared, not one a connection.
      const connect = buildConnector({ lookup } as buildConnector.BuildOptions);
      const agents: Agent[] = [];
      const agentFor = (slot: number): Agent => {
        agents[slot] ??= new Agent({
          factory: (origin, agentOptions) => new Client(origin, agentOptions),
          connect,
          headersTimeout: settings.timeoutMs,
          bodyTimeout: settings.timeoutMs,
        });
        return agents[slot];
      };
      return {
        send: (url, { method, headers, body, signal, slot }) =>
          request(url, { dispatcher: agentFor(slot), method, headers, body, signal }),
        close: async () => {
          await Promise.all(agents.map((agent) => agent.close()));
        },
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
