import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { DEFAULT_FETCH_OPTIONS, GuardedFetcher, type HttpFetcherOptions } from "./fetcher.ts";
import {
  GuardedHttpClient,
  type guardedLookup,
  type SafeHttpOptions,
  type TransportQueue,
  type TransportRequest,
  type TransportResponse,
} from "./guarded.ts";

export * from "./fetcher.ts";
export * from "./guarded.ts";

/** Connections kept open between requests, across every host. */
export interface KeepAlive {
  /**
   * Keep a connection only for a request to its host that already waits for it (the per-host
   * limit held it back), closing it at once otherwise. A poll asks most hosts for one feed a
   * tick: a connection left idle for a host's next request, which mostly never comes, outlived
   * V8's young generation with its socket (a tick of 10,000 feeds promoted about 30% more).
   */
  onlyForWaiting: boolean;
  /** Most idle connections kept, over all hosts; the one idle longest is closed first. */
  maxIdle: number;
  /**
   * A connection idle longer is closed when the next request ends (or sooner, before the
   * `Keep-Alive: timeout` its server announced). No timer: a socket timer, refreshed on every read,
   * outlived the young generation with its socket.
   */
  idleMs: number;
}

/** What the poller keeps: a connection for the request to its host that waits for it, no other. */
export const POLL_KEEP_ALIVE: KeepAlive = { onlyForWaiting: true, maxIdle: 16, idleMs: 4_000 };

const isFree = (agent: HttpAgent, socket: Socket) =>
  Object.values(agent.freeSockets).some((free) => free?.includes(socket));

/**
 * Bounds the agents' idle connections together, closing the one idle longest first; with
 * `onlyForWaiting`, closes at once one whose origin (from `originOf`) no request waits for.
 * Returns a function that closes them all, and any that falls idle after.
 */
function boundIdle(
  agents: readonly HttpAgent[],
  { onlyForWaiting, maxIdle, idleMs }: KeepAlive,
  queue: TransportQueue,
  originOf: WeakMap<Socket, string>,
): () => void {
  /** When each socket last fell idle, the longest idle first (taken again since: still listed, not free). */
  const idleSince = new Map<Socket, number>();
  const watched = new WeakSet<Socket>();
  const stillFree = (socket: Socket) => !socket.destroyed && agents.some((agent) => isFree(agent, socket));
  let closed = false;
  for (const agent of agents) {
    // Runs after the agent's own listener, which has kept the socket among its free ones or closed it.
    agent.on("free", (socket: Socket, options: Parameters<HttpAgent["getName"]>[0]) => {
      if (socket.destroyed || !agent.freeSockets[agent.getName(options)]?.includes(socket)) return;
      const origin = originOf.get(socket);
      if (closed || (onlyForWaiting && !(origin && queue.waiting(origin)))) {
        socket.destroy();
        return;
      }
      if (!watched.has(socket)) {
        watched.add(socket);
        socket.once("close", () => idleSince.delete(socket));
      }
      const now = performance.now();
      idleSince.delete(socket);
      idleSince.set(socket, now);
      for (const [oldest, since] of idleSince) {
        if (idleSince.size <= maxIdle && now - since <= idleMs) break;
        idleSince.delete(oldest);
        if (stillFree(oldest)) oldest.destroy();
      }
    });
  }
  return () => {
    closed = true;
    for (const socket of idleSince.keys()) if (stillFree(socket)) socket.destroy();
  };
}

interface Connecting {
  lookup: ReturnType<typeof guardedLookup>;
  agent: HttpAgent | false;
  ca: SafeHttpOptions["ca"];
  /** Told of each socket a request is given. */
  onSocket: ((socket: Socket) => void) | undefined;
}

/**
 * One request on node:http, settled whatever the server does: an answer resolves it; an error, a
 * close before any answer, an upgrade to another protocol (its socket destroyed) or the signal
 * rejects it. Node reports some of these only as a `close` of the request, after which destroying
 * it does nothing. A GET or HEAD sent on a kept connection that the server closed before answering
 * (it may have closed it as the request left) is sent once more, on another connection.
 */
function exchange(
  url: URL,
  request: TransportRequest,
  connecting: Connecting,
  retry = request.method === "GET" || request.method === "HEAD",
): Promise<TransportResponse> {
  const { method, headers, body, signal } = request;
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const { lookup, agent, ca, onSocket } = connecting;
    const outgoing = send(url, { method, headers, signal, lookup, agent, ...(ca && { ca: [ca].flat() }) });
    let settled = false;
    // Bytes the socket had read when given to this request: any more means an answer began.
    let readBefore = -1;
    outgoing.once("socket", (socket: Socket) => (readBefore = socket.bytesRead));
    const answerBegan = () => readBefore < 0 || (outgoing.socket?.bytesRead ?? readBefore) > readBefore;
    const settle = () => {
      settled = true;
      signal.removeEventListener("abort", onAbort);
      outgoing.off("response", onResponse);
      outgoing.off("upgrade", onUpgrade);
      outgoing.off("close", onClose);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settle();
      outgoing.destroy();
      if (
        retry &&
        outgoing.reusedSocket &&
        !answerBegan() &&
        !signal.aborted &&
        (error as { code?: unknown }).code === "ECONNRESET"
      ) {
        // On a connection of its own: another kept one may have been closed as well.
        resolve(exchange(url, request, { ...connecting, agent: false }, false));
      } else reject(error);
    };
    const onResponse = (response: IncomingMessage) => {
      settle();
      resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response });
    };
    const onUpgrade = (response: IncomingMessage, socket: Socket) => {
      socket.destroy();
      fail(new Error(`HTTP ${response.statusCode}: the server switched to another protocol`));
    };
    const onClose = () => fail(new Error("the connection closed before an answer"));
    const onAbort = () => fail(signal.reason);
    outgoing.once("response", onResponse);
    outgoing.once("upgrade", onUpgrade);
    outgoing.once("close", onClose);
    // Kept after the answer: an error then reaches the body too, which is read elsewhere.
    outgoing.on("error", fail);
    signal.addEventListener("abort", onAbort, { once: true });
    if (onSocket) outgoing.once("socket", onSocket);
    outgoing.end(body);
  });
}

/**
 * The address-guarded client on node:http. Without `keepAlive`, one connection a request: for
 * Lambda functions, which make a few requests an invocation to different hosts, where loading
 * undici would cost more at a cold start (about 40 ms) than its connection pools save. With it,
 * connections are kept for the requests that follow as `keepAlive` says (the poller's: only for a
 * request already waiting for the host). A connection is opened through the guarded lookup only,
 * so a kept one was checked when it was opened.
 */
export class NodeSafeHttpClient extends GuardedHttpClient {
  constructor(options: Partial<SafeHttpOptions> = {}, keepAlive?: KeepAlive) {
    super(options, (lookup, settings, queue) => {
      // The guard's limiter already holds a host to its limit of requests in flight.
      const agentOptions = { keepAlive: true, maxFreeSockets: settings.perHostConcurrency };
      const agents = keepAlive ? { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) } : undefined;
      // Connections in use close once their request is done; idle ones at once.
      const originOf = new WeakMap<Socket, string>();
      const closeIdle =
        agents && keepAlive ? boundIdle([agents.http, agents.https], keepAlive, queue, originOf) : () => {};
      return {
        send: (url, request) => {
          const agent = agents ? (url.protocol === "https:" ? agents.https : agents.http) : false;
          const onSocket = agents ? (socket: Socket) => originOf.set(socket, url.origin) : undefined;
          return exchange(url, request, { lookup, agent, ca: settings.ca, onSocket });
        },
        close: async () => closeIdle(),
      };
    });
  }
}

/** The feed fetcher on node:http: what the Lambda fetch function uses. */
export class NodeHttpFetcher extends GuardedFetcher<NodeSafeHttpClient> {
  constructor(options: HttpFetcherOptions = DEFAULT_FETCH_OPTIONS) {
    const { clock, ...http } = options;
    super(new NodeSafeHttpClient(http), clock);
  }
}
