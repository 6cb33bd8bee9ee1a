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
import { type DeliveryLoop, startDeliveryLoop, startPollLoop } from "@treatywatch/worker";
import { addFeedsFromFile, type Runtime } from "../runtime.ts";

export interface Running {
  port: number;
  /** Builds due digests and sends what is due now, as the minute's tick does. */
  sendDue(): Promise<void>;
  stop(): Promise<void>;
}

/** SMTP when configured, else .eml files in the outbox; suppressed addresses get nothing. */
function localMailer(runtime: Runtime): { mailer: Mailer; close(): void } {
  const { config } = runtime;
  const transport = config.mail.smtpUrl ? new SmtpMailer({ url: config.mail.smtpUrl }) : undefined;
  const inner = transport ?? new OutboxMailer(join(config.dataDir, "outbox"));
  return { mailer: new SuppressingMailer(inner, runtime.suppressions), close: () => transport?.close() };
}

/** The configured public origin, else where this server listens (by name, so links open in a browser). */
const publicUrlOf = (config: Config, port: number) => config.publicUrl ?? `http://localhost:${port}`;

/** The all-in-one local process: the API plus the in-process poll schedule. */
export async function startServer(runtime: Runtime, options: { tickMs?: number } = {}): Promise<Running> {
  const { config, logger } = runtime;
  const mail = localMailer(runtime);
  const webhookClient = new SafeHttpClient({ allow: config.fetch.allow });
  let delivery: DeliveryLoop | undefined;
  const poster = safeHttpPoster(webhookClient);
  const app = createApp(
    {
      store: runtime.store,
      logger,
      keys: runtime.keys,
      subscriptions: runtime.subscriptions,
      clock: runtime.clock,
      webhookVerifier: webhookPingVerifier(poster, runtime.clock),
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
    },
  );
  const { server, port } = await serveApp(app, { host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${port}` }, "API listening");
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
      publicUrl: publicUrlOf(config, port),
      clock: runtime.clock,
      logger,
    },
    { tickMs: 60_000, concurrency: 4 },
  );
  delivery = loop;
  const stopPolling = startPollLoop(runtime, {
    tickMs: options.tickMs ?? config.poll.tickSeconds * 1000,
    concurrency: config.poll.concurrency,
    batchSize: 500,
    logger,
    onTick: (outcomes) => {
      const events = outcomes.flatMap((outcome) => outcome.summary?.events ?? []);
      if (events.length > 0) void loop.storyEvents(events);
    },
  });
  return {
    port,
    sendDue: () => loop.tick(),
    async stop() {
      await stopPolling();
      await loop.stop();
      await webhookClient.close();
      mail.close();
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
