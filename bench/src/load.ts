import { createApp, loggedConfirmations, serveApp, unconfiguredWebhookVerifier } from "@treatywatch/api";
import { silentLogger, systemClock } from "@treatywatch/core";
import { SqliteDeliveryStore, SqliteKeyStore, type SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";
import type autocannon from "autocannon";

/** What one load gave. */
export interface Load {
  /** Seconds the load actually ran. */
  duration: number;
  rps: number;
  p99: number;
  requests: number;
  /** Bytes a response, headers and body. */
  bytes: number;
}

export function loadOf(result: autocannon.Result): Load {
  return {
    duration: result.duration,
    rps: result.requests.total / Math.max(0.001, result.duration),
    p99: result.latency.p99,
    requests: result.requests.total,
    bytes: result.throughput.total / Math.max(1, result.requests.total),
  };
}

/** Loads taken in turns as one: rates over their whole time, p99 the worst turn's. */
export function totalOf(loads: readonly Load[]): Load {
  const requests = loads.reduce((sum, one) => sum + one.requests, 0);
  const duration = loads.reduce((sum, one) => sum + one.duration, 0);
  return {
    duration,
    rps: requests / duration,
    p99: Math.max(...loads.map((one) => one.p99)),
    requests,
    bytes: loads.reduce((sum, one) => sum + one.bytes * one.requests, 0) / Math.max(1, requests),
  };
}

/**
 * The API over a store, on a loopback port, as `serve` runs it, with the per-client rate limits
 * lifted: one load generator is one client address, and a benchmark measures serving, not refusing.
 */
export async function serveForLoad(store: SqliteStore): ReturnType<typeof serveApp> {
  // A variable rather than a literal: the services the app needs grow as the API does.
  const services = {
    store,
    logger: silentLogger,
    keys: new SqliteKeyStore(store.db),
    subscriptions: new SqliteSubscriptionStore(store.db),
    deliveries: new SqliteDeliveryStore(store.db),
    clock: systemClock,
    webhookVerifier: unconfiguredWebhookVerifier,
    confirmations: loggedConfirmations(silentLogger),
  };
  const unlimited = { requests: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
  const app = createApp(services, {
    publicUrl: "http://127.0.0.1",
    rateLimit: unlimited,
    anonymousRateLimit: unlimited,
  });
  return serveApp(app, { host: "127.0.0.1", port: 0 });
}
