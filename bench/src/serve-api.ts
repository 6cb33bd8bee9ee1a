import { createApp, loggedConfirmations, serveApp, unconfiguredWebhookVerifier } from "@treatywatch/api";
import { silentLogger, systemClock } from "@treatywatch/core";
import { SqliteDeliveryStore, SqliteKeyStore, type SqliteStore, SqliteSubscriptionStore } from "@treatywatch/store";

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
