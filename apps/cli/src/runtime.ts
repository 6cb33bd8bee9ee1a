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
import { type Queue, SqliteQueue } from "@treatywatch/queue";
import {
  SqliteDeliveryStore,
  SqliteKeyStore,
  SqliteStore,
  SqliteSubscriptionStore,
  SqliteSuppressionList,
} from "@treatywatch/store";
import { type PollPolicy, pollPolicy } from "@treatywatch/worker";
import { pino } from "pino";

export interface Runtime {
  config: Config;
  store: Store;
  keys: KeyStore;
  subscriptions: SubscriptionStore;
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

/** The composition root for one machine: SQLite under the data dir, HTTP and file feeds. */
export function openRuntime(config: Config = readConfig()): Runtime {
  const logger = createLogger(config.logLevel);
  const store = new SqliteStore(config.databasePath);
  return {
    config,
    store,
    keys: new SqliteKeyStore(store.db),
    subscriptions: new SqliteSubscriptionStore(store.db),
    deliveries: new SqliteDeliveryStore(store.db),
    deliveryQueue: new SqliteQueue(store.db, { name: "deliveries", maxReceives: 5 }),
    suppressions: new SqliteSuppressionList(store.db),
    fetcher: schemeFetcher(new HttpFetcher(config.fetch)),
    clock: systemClock,
    logger,
    policy: pollPolicy(config.poll),
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
