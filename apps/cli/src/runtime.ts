import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type Config, loadConfig } from "@treatywatch/config";
import {
  type Clock,
  type Fetcher,
  type KeyStore,
  type Logger,
  type Store,
  type SubscriptionStore,
  systemClock,
} from "@treatywatch/core";
import { readFeedList } from "@treatywatch/feeds";
import { HttpFetcher, schemeFetcher } from "@treatywatch/http";
import { AesGcmSecretBox, readOrCreateKeyFile, sealedSigningSecrets } from "@treatywatch/notify";
import { type Queue, SqliteQueue } from "@treatywatch/queue";
import {
  SqliteDeliveryStore,
  SqliteKeyStore,
  SqliteStore,
  SqliteSubscriptionStore,
  SqliteSuppressionList,
} from "@treatywatch/store";
import { type PollPolicy, pollPolicy, versionedSubscriptions } from "@treatywatch/worker";
import { pino } from "pino";

export interface Runtime {
  config: Config;
  store: Store;
  keys: KeyStore;
  /** Signing secrets are sealed before they reach the database and opened for signing. */
  subscriptions: SubscriptionStore;
  /** Moves on every subscription write in this process: the match index rebuilds only then. */
  subscriptionsVersion: () => number;
  deliveries: SqliteDeliveryStore;
  /** Delivery jobs: a durable queue in the same database. */
  deliveryQueue: Queue;
  suppressions: SqliteSuppressionList;
  fetcher: Fetcher;
  clock: Clock;
  logger: Logger;
  policy: PollPolicy;
}

export function createLogger(level: Config["logLevel"]): Logger {
  // Logs go to stderr so that command output on stdout stays machine-readable.
  return pino({ level, base: undefined }, pino.destination(2));
}

/** The one place the environment is read. */
export function readConfig(): Config {
  return loadConfig(process.env);
}

/**
 * The demo's own data: DATA_DIR/demo, so sample data never mixes with real data. The
 * demo keeps it there, and every command given `--demo` works on it.
 */
export function demoConfig(config: Config): Config {
  const dataDir = join(config.dataDir, "demo");
  return {
    ...config,
    dataDir,
    databasePath: join(dataDir, "treatywatch.db"),
    secrets: { ...config.secrets, keyFile: join(dataDir, "secret.key") },
  };
}

/** A throwaway database in memory, for a look at what feeds give that writes nothing to disk. */
export function inMemoryConfig(config: Config): Config {
  return {
    ...config,
    databasePath: ":memory:",
    secrets: { current: randomBytes(32), old: [], keyFile: config.secrets.keyFile },
  };
}

/** The key that seals secrets: the configured one, else one kept in the data dir. */
function secretBox(config: Config, logger: Logger): AesGcmSecretBox {
  if (config.secrets.current) return new AesGcmSecretBox(config.secrets.current, config.secrets.old);
  const { key, created } = readOrCreateKeyFile(config.secrets.keyFile);
  if (created)
    logger.info(
      { keyFile: config.secrets.keyFile },
      "generated the key that encrypts webhook secrets; back it up with the database",
    );
  return new AesGcmSecretBox(key, config.secrets.old);
}

/** What polling needs, and no more: the poller process of `serve` opens only this. */
export type PollRuntime = Pick<Runtime, "config" | "store" | "fetcher" | "clock" | "logger" | "policy">;

/** The polling half of the composition root: its own connection to the database, HTTP and file feeds. */
export function openPollRuntime(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): PollRuntime & { store: SqliteStore } {
  return {
    config,
    store: new SqliteStore(config.databasePath),
    fetcher: schemeFetcher(new HttpFetcher(config.fetch)),
    clock: systemClock,
    logger,
    policy: pollPolicy(config.poll),
  };
}

/** The composition root for one machine: SQLite under the data dir, HTTP and file feeds. */
export function openRuntime(config: Config = readConfig()): Runtime {
  const logger = createLogger(config.logLevel);
  const { store, fetcher, clock, policy } = openPollRuntime(config, logger);
  const subscriptions = versionedSubscriptions(
    sealedSigningSecrets(new SqliteSubscriptionStore(store.db), secretBox(config, logger)),
  );
  return {
    config,
    store,
    keys: new SqliteKeyStore(store.db),
    subscriptions: subscriptions.store,
    subscriptionsVersion: subscriptions.version,
    deliveries: new SqliteDeliveryStore(store.db),
    deliveryQueue: new SqliteQueue(store.db, { name: "deliveries", maxReceives: 5 }),
    suppressions: new SqliteSuppressionList(store.db),
    fetcher,
    clock,
    logger,
    policy,
  };
}

/** Adds every feed of a feeds file; feeds already known are left as they are. */
export async function addFeedsFromFile(
  runtime: Runtime,
  path: string,
): Promise<{ added: number; known: number; urls: string[] }> {
  const urls = await readFeedList(path);
  let added = 0;
  const now = runtime.clock.now().toISOString();
  for (const url of urls) {
    const { created } = await runtime.store.addFeed(url, now);
    if (created) added++;
  }
  return { added, known: urls.length - added, urls };
}
