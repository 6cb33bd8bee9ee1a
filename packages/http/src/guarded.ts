import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { FeedErrorKind } from "@treatywatch/core";
import {
  type AllowList,
  EMPTY_ALLOW_LIST,
  hostAllowed,
  parseAllowList,
  refusedBy,
  withoutCredentials,
} from "./address.ts";

/** Resolves a host name to every address it has; injectable so tests need no DNS. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface SafeHttpOptions {
  userAgent: string;
  /** Overall deadline for one request, every redirect and the whole body included. */
  timeoutMs: number;
  /** Most bytes received on the wire for one response. */
  maxBytes: number;
  /** Most bytes a compressed body may decode to. */
  maxDecodedBytes: number;
  maxRedirects: number;
  /** Requests in flight to one host (scheme, name and port) at once. */
  perHostConcurrency: number;
  /** Addresses, ranges (CIDR) or host names the address guard lets through. */
  allow: readonly string[];
  resolver: Resolver;
  /** Certificates (PEM) trusted for https in place of Node's own authorities: a private authority's, or a test's. */
  ca?: string | readonly string[] | undefined;
}

export const DEFAULT_SAFE_HTTP_OPTIONS: SafeHttpOptions = {
  userAgent: "treatywatch/0.1 (+https://github.com/treatywatch/treatywatch)",
  timeoutMs: 20_000,
  maxBytes: 10 * 1024 * 1024,
  maxDecodedBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
  allow: [],
  resolver: systemResolver,
};

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface SafeRequest {
  url: string;
  method?: HttpMethod | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | Uint8Array | undefined;
  /** `follow` (default) re-checks every target; `error` fails on a redirect; `manual` returns it. */
  redirect?: "follow" | "error" | "manual" | undefined;
  timeoutMs?: number | undefined;
  maxBytes?: number | undefined;
}

export interface SafeResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decoded body (gzip, deflate and br undone). */
  body: Uint8Array;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface HttpError {
  kind: FeedErrorKind;
  message: string;
  /** Whether trying again later may succeed. */
  retryable: boolean;
}

export type SafeResult = { ok: true; response: SafeResponse } | { ok: false; error: HttpError };

/** Thrown from the connection lookup when a name resolves to a refused address. */
export class RefusedAddressError extends Error {
  readonly code = "ETW_REFUSED_ADDRESS";
}

class Failure extends Error {
  constructor(readonly error: HttpError) {
    super(error.message);
  }
}

const fail = (kind: FeedErrorKind, message: string, retryable = true): never => {
  throw new Failure({ kind, message, retryable });
};

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that refuses names resolving to any refused address and
 * hands the socket the checked address, so the connection makes no second lookup.
 */
export function guardedLookup(resolver: Resolver, allow: AllowList) {
  return (hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback) => {
    resolver(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }), []);
          return;
        }
        const rule = hostAllowed(hostname, allow)
          ? undefined
          : addresses.map((candidate) => refusedBy(candidate.address, allow)).find((found) => found !== undefined);
        if (rule) {
          // The rule, not the address: what a name resolves to inside a network is not the caller's to learn.
          callback(new RefusedAddressError(`${hostname} resolves to a refused address: ${rule}`), []);
          return;
        }
        const family = options.family === 6 || options.family === "IPv6" ? 6 : options.family === 4 ? 4 : 0;
        const usable = family ? addresses.filter((candidate) => candidate.family === family) : addresses;
        const first = usable[0] ?? addresses[0];
        if (options.all) callback(null, usable.length > 0 ? usable : addresses);
        else if (first) callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), []),
    );
  };
}

/** A place among a key's requests in flight, held until released. */
interface Slot {
  /** Which of the key's `limit` places: the lowest free one, so a lone request always takes the first. */
  index: number;
  release: () => void;
}

/** Limits requests in flight per key, each in a numbered slot; waiters are served in order. */
class KeyedLimiter {
  /** For each key with a request in flight, which of its slots are taken. */
  private readonly taken = new Map<string, boolean[]>();
  private readonly waiting = new Map<string, Array<(index: number) => void>>();

  constructor(private readonly limit: number) {}

  /** Whether a request to the key waits for one of its slots. */
  hasWaiting(key: string): boolean {
    return (this.waiting.get(key)?.length ?? 0) > 0;
  }

  async acquire(key: string): Promise<Slot> {
    const slots = this.taken.get(key) ?? [];
    let index = slots.indexOf(false);
    if (index === -1 && slots.length < this.limit) index = slots.length;
    if (index === -1) {
      // Every slot is taken: the next one released is handed over, still taken.
      index = await new Promise<number>((resolve) => {
        const queue = this.waiting.get(key) ?? [];
        queue.push(resolve);
        this.waiting.set(key, queue);
      });
    } else {
      slots[index] = true;
      this.taken.set(key, slots);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const queue = this.waiting.get(key);
      const next = queue?.shift();
      if (queue?.length === 0) this.waiting.delete(key);
      if (next) return next(index);
      const held = this.taken.get(key);
      if (!held) return;
      held[index] = false;
      if (!held.includes(true)) this.taken.delete(key);
    };
    return { index, release };
  }
}

/** Where a redirect leads, read against the address it answered; a Location that is no address fails as one. */
function redirectTarget(location: string, base: URL): string {
  try {
    return new URL(location, base).toString();
  } catch {
    return fail("invalid-url", `redirect to what is not a URL: ${withoutCredentials(location)}`, false);
  }
}

function checkTarget(raw: string, allow: AllowList): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail("invalid-url", `not a URL: ${withoutCredentials(raw)}`, false);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    fail("invalid-url", `scheme ${url.protocol} refused`, false);
  // The URL parser already turned decimal, octal and hex IPv4 spellings into dotted form.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const rule = isIP(host) ? refusedBy(host, allow) : undefined;
  if (rule) fail("refused-address", `refused address: ${rule}`, false);
  // Credentials in a URL are neither sent nor kept in the URL a response reports.
  url.username = "";
  url.password = "";
  return url;
}

/**
 * Settles as `work` does, or rejects with the signal's reason once it aborts, whether or not
 * `work` heeds the signal: no transport can hold a request past its deadline. `lost` is given
 * what `work` settles with after the signal won.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, lost: (value: T) => void = () => {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) lost(value);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Drops a body we will not read; undici reports the abort as an error nobody needs. */
function discard(body: Readable): void {
  body.on("error", () => undefined);
  body.destroy();
}

async function readCapped(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      discard(body);
      fail("too-large", `more than ${maxBytes} bytes received`, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

async function decode(body: Buffer, encoding: string | undefined, maxDecodedBytes: number): Promise<Buffer> {
  const codings = (encoding ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding && coding !== "identity");
  let decoded = body;
  for (const coding of codings.reverse()) {
    if (decoded.byteLength === 0) break;
    const options = { maxOutputLength: maxDecodedBytes };
    try {
      if (coding === "gzip" || coding === "x-gzip") decoded = await gunzip(decoded, options);
      // Some servers send raw deflate; a zlib stream starts with 0x78.
      else if (coding === "deflate")
        decoded = await (decoded[0] === 0x78 ? inflate(decoded, options) : inflateRaw(decoded, options));
      else if (coding === "br") decoded = await brotli(decoded, options);
      else fail("parse", `unsupported content-encoding ${coding}`, false);
    } catch (error) {
      if (error instanceof Failure) throw error;
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
        fail("too-large", `body decodes to more than ${maxDecodedBytes} bytes`, false);
      }
      fail("parse", `corrupt ${coding} body`, false);
    }
  }
  return decoded;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof RefusedAddressError) return current.code;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  let current: unknown = error;
  while ((current as { cause?: unknown })?.cause instanceof Error) current = (current as { cause: unknown }).cause;
  return current instanceof Error ? current.message : String(current);
}

function describeError(error: unknown, timedOut: boolean, timeoutMs: number): HttpError {
  if (error instanceof Failure) return error.error;
  if (timedOut) return { kind: "timeout", message: `no complete answer within ${timeoutMs} ms`, retryable: true };
  const code = errorCode(error);
  if (code === "ETW_REFUSED_ADDRESS") return { kind: "refused-address", message: messageOf(error), retryable: false };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA" || code === "EAI_NONAME")
    return { kind: "dns", message: `name not resolved (${code})`, retryable: true };
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
    return { kind: "timeout", message: messageOf(error), retryable: true };
  return { kind: "connection", message: messageOf(error), retryable: true };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What one hop needs from the HTTP stack underneath. */
export interface TransportRequest {
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal;
  /**
   * Which of the host's `perHostConcurrency` places the request holds (from 0): no other request
   * to the host holds it while this one is in flight, so a transport may keep a connection a place.
   */
  slot: number;
}

export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** What a transport may ask of the requests not yet handed to it. */
export interface TransportQueue {
  /** Whether a request to the origin (`URL.origin`) waits for a per-host slot: the next to take a connection there. */
  waiting(origin: string): boolean;
}

/**
 * Sends one request, connecting only through the `lookup` it was built with; never follows
 * redirects. SafeHttpClient's is undici's; `@treatywatch/http/node` has node:http's.
 */
export interface Transport {
  send(url: URL, request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

/**
 * Outbound HTTP that is safe to point at user-given URLs: every connection passes the
 * address guard, every redirect target is checked again, and a deadline, a received-bytes
 * cap and a decoded-bytes cap bound each request. Never throws for a bad remote.
 */
export class GuardedHttpClient {
  readonly options: SafeHttpOptions;
  private readonly allow: AllowList;
  private readonly transport: Transport;
  private readonly limiter: KeyedLimiter;
  /** Set by `close`: no request is sent after it. */
  private closed = false;

  constructor(
    options: Partial<SafeHttpOptions>,
    transport: (lookup: ReturnType<typeof guardedLookup>, options: SafeHttpOptions, queue: TransportQueue) => Transport,
  ) {
    this.options = { ...DEFAULT_SAFE_HTTP_OPTIONS, ...options };
    this.allow = this.options.allow.length > 0 ? parseAllowList(this.options.allow) : EMPTY_ALLOW_LIST;
    this.limiter = new KeyedLimiter(this.options.perHostConcurrency);
    this.transport = transport(guardedLookup(this.options.resolver, this.allow), this.options, {
      waiting: (origin) => this.limiter.hasWaiting(origin),
    });
  }

  async request(input: SafeRequest): Promise<SafeResult> {
    const timeoutMs = input.timeoutMs ?? this.options.timeoutMs;
    const maxBytes = input.maxBytes ?? this.options.maxBytes;
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // The deadline starts once a per-host slot is free: waiting in line is not the remote's fault.
    const startDeadline = () => {
      timer ??= setTimeout(() => {
        timedOut = true;
        controller.abort(new Error("deadline passed"));
      }, timeoutMs);
    };
    try {
      let url = checkTarget(input.url, this.allow);
      let method: HttpMethod = input.method ?? "GET";
      let body = input.body;
      for (let hop = 0; ; hop++) {
        const { index: slot, release } = await this.limiter.acquire(url.origin);
        startDeadline();
        try {
          // A closed transport may still open connections (a slot first used after it closed).
          if (this.closed) throw new Error("the client is closed");
          const response = await untilAborted(
            this.transport.send(url, {
              method,
              headers: { "user-agent": this.options.userAgent, ...input.headers },
              body,
              signal: controller.signal,
              slot,
            }),
            controller.signal,
            (late) => discard(late.body),
          );
          const headers = flatHeaders(response.headers);
          const location = headers.location;
          if (REDIRECTS.has(response.statusCode) && location && input.redirect !== "manual") {
            discard(response.body);
            if (input.redirect === "error") fail("http-status", `HTTP ${response.statusCode} redirect refused`, false);
            if (hop >= this.options.maxRedirects)
              fail("http-status", `more than ${this.options.maxRedirects} redirects`, false);
            url = checkTarget(redirectTarget(location, url), this.allow);
            if (response.statusCode === 303 || (response.statusCode !== 307 && response.statusCode !== 308)) {
              if (method !== "HEAD") method = "GET";
              body = undefined;
            }
            continue;
          }
          const declared = Number(headers["content-length"]);
          if (Number.isFinite(declared) && declared > maxBytes) {
            discard(response.body);
            fail("too-large", `declared ${declared} bytes, more than ${maxBytes}`, false);
          }
          const raw = await untilAborted(readCapped(response.body, maxBytes), controller.signal).catch((error) => {
            discard(response.body);
            throw error;
          });
          const decoded = await decode(raw, headers["content-encoding"], this.options.maxDecodedBytes);
          return { ok: true, response: { status: response.statusCode, headers, body: decoded, url: url.toString() } };
        } finally {
          release();
        }
      }
    } catch (error) {
      return { ok: false, error: describeError(error, timedOut, timeoutMs) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.transport.close();
  }
}
