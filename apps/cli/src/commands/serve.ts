import { join } from "node:path";
import { createApp, deliveredConfirmations, serveApp } from "@treatywatch/api";
import type { Config } from "@treatywatch/config";
import { SafeHttpClient } from "@treatywatch/http";
import {
  type Mailer,
  OutboxMailer,
  SmtpMailer,
  SuppressingMailer,
  safeHttpPoster,
  webhookPingVerifier,
} from "@treatywatch/notify";
import { type DeliveryLoop, startDeliveryLoop } from "@treatywatch/worker";
import { startPoller } from "../poller/index.ts";
import { addFeedsFromFile, type Runtime } from "../runtime.ts";

export interface Running {
  port: number;
  /** Builds due digests and sends what is due now, as the minute's tick does. */
  sendDue(): Promise<void>;
  stop(): Promise<void>;
}

/** SMTP when configured, else .eml files in the outbox; suppressed addresses get nothing. */
function localMailer(runtime: Runtime): { mailer: Mailer; close(): Promise<void> } {
  const { config } = runtime;
  const transport = config.mail.smtpUrl ? new SmtpMailer({ url: config.mail.smtpUrl }) : undefined;
  const inner = transport ?? new OutboxMailer(join(config.dataDir, "outbox"));
  return { mailer: new SuppressingMailer(inner, runtime.suppressions), close: async () => transport?.close() };
}

/** The configured public origin, else where this server listens (by name, so links open in a browser). */
export const publicUrlOf = (config: Config, port: number) => config.publicUrl ?? `http://localhost:${port}`;

/**
 * The delivery loop of one machine: alerts, digests, confirmation mail and retries, sent
 * through the local mailer and the guarded webhook client. `serve` runs it on a minute's
 * tick; `deliveries send-now` runs one tick of it.
 */
export function startLocalDelivery(
  runtime: Runtime,
  options: { publicUrl: string; tickMs: number; webhookClient: SafeHttpClient },
): { loop: DeliveryLoop; close(): Promise<void> } {
  const { config, logger } = runtime;
  const mail = localMailer(runtime);
  const poster = safeHttpPoster(options.webhookClient);
  const loop = startDeliveryLoop(
    {
      store: runtime.store,
      subscriptions: runtime.subscriptions,
      subscriptionsVersion: runtime.subscriptionsVersion,
      tenants: runtime.keys,
      deliveries: runtime.deliveries,
      queue: runtime.deliveryQueue,
      poster,
      mailer: mail.mailer,
      mailFrom: config.mail.from,
      publicUrl: options.publicUrl,
      clock: runtime.clock,
      logger,
    },
    { tickMs: options.tickMs, concurrency: 4 },
  );
  return {
    loop,
    async close() {
      await loop.stop();
      await mail.close();
    },
  };
}

/**
 * The all-in-one local machine: the API and delivery in this process, the poll schedule in a
 * child process (see `poller/`), so fetching and story assignment never hold up a request.
 */
export async function startServer(runtime: Runtime, options: { tickMs?: number } = {}): Promise<Running> {
  const { config, logger } = runtime;
  let delivery: DeliveryLoop | undefined;
  const webhookClient = new SafeHttpClient({ allow: config.fetch.allow });
  const app = createApp(
    {
      store: runtime.store,
      logger,
      keys: runtime.keys,
      subscriptions: runtime.subscriptions,
      clock: runtime.clock,
      webhookVerifier: webhookPingVerifier(safeHttpPoster(webhookClient), runtime.clock),
      // Sent by the delivery loop below, so a mail server that is down is retried like an alert.
      confirmations: deliveredConfirmations({
        deliveries: runtime.deliveries,
        clock: runtime.clock,
        logger,
        dispatch: async (deliveryId) => void delivery?.deliverNow(deliveryId),
      }),
      deliveries: runtime.deliveries,
    },
    {
      publicUrl: publicUrlOf(config, config.port),
      anonymousRateLimit: config.anonymousRateLimit,
      trustedProxies: config.trustedProxies,
      outboundAllow: config.fetch.allow,
      publicSignups: config.publicSignups,
    },
  );
  const { server, port } = await serveApp(app, { host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${port}` }, "API listening");
  const local = startLocalDelivery(runtime, { publicUrl: publicUrlOf(config, port), tickMs: 60_000, webhookClient });
  const loop = local.loop;
  delivery = loop;
  const poller = startPoller(config, {
    tickMs: options.tickMs ?? config.poll.tickSeconds * 1000,
    logger,
    onEvents: (events) => void loop.storyEvents(events),
  });
  await poller.started;
  return {
    port,
    sendDue: () => loop.tick(),
    async stop() {
      await poller.stop();
      await local.close();
      await webhookClient.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.store.close();
    },
  };
}

export async function serveCommand(runtime: Runtime): Promise<void> {
  const feeds = await addFeedsFromFile(runtime, runtime.config.feedsFile);
  runtime.logger.info({ file: runtime.config.feedsFile, added: feeds.added, known: feeds.known }, "feeds loaded");
  const running = await startServer(runtime);
  stopOnSignal(running);
}

export function stopOnSignal(running: Pick<Running, "stop">): void {
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
