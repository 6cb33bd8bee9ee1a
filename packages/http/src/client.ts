import { Agent, buildConnector, Client, request } from "undici";
import { DEFAULT_FETCH_OPTIONS, GuardedFetcher, type HttpFetcherOptions } from "./fetcher.ts";
import { GuardedHttpClient, type SafeHttpOptions, type SafeRequest, type SafeResult } from "./guarded.ts";
import { NodeSafeHttpClient, POLL_KEEP_ALIVE } from "./node.ts";

export * from "./guarded.ts";

/**
 * The address-guarded client on undici, with keep-alive connections per origin: one Agent a
 * per-host slot, each holding a single connection (an undici `Client`) an origin. The guard's
 * limiter hands a request its slot, so a connection never has two requests at once, and a lone
 * request to a host always takes the first slot's connection, left open by the one before. For
 * clients that ask the same few hosts again and again (webhook deliveries); undici's own per-origin
 * `Pool` would cost about 30 KiB an origin (its request queue alone 16 KiB, allocated with it).
 */
export class SafeHttpClient extends GuardedHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}) {
    super(options, (lookup, settings) => {
      // One connector for every connection: its TLS session cache is shared, not one a connection.
      const ca = settings.ca && [settings.ca].flat();
      const connect = buildConnector({ lookup, ...(ca && { ca }) } as buildConnector.BuildOptions);
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

/**
 * The feed fetcher for a long-running poller: node:http, a connection kept only for a request to
 * its host that already waits for it (`POLL_KEEP_ALIVE`). Not undici: over a poll tick of 10,000
 * feeds on as many hosts, each of its connections left several KiB that outlived V8's young
 * generation even when closed at once, which node:http's did not, and a connection left idle for
 * a host's next feed, which mostly never comes, was promoted with its socket.
 */
export class HttpFetcher extends GuardedFetcher<NodeSafeHttpClient> {
  constructor(options: HttpFetcherOptions = DEFAULT_FETCH_OPTIONS) {
    const { clock, ...http } = options;
    super(new NodeSafeHttpClient(http, POLL_KEEP_ALIVE), clock);
  }
}
