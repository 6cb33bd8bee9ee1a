import { join } from "node:path";
import { createApp, loggedConfirmations, serveApp, unconfiguredWebhookVerifier } from "@treatywatch/api";
import { SafeHttpClient } from "@treatywatch/http";
import { OutboxMailer, SuppressingMailer, safeHttpPoster } from "@treatywatch/notify";
import { startDeliveryLoop, startPollLoop } from "@treatywatch/worker";
import { addFeedsFromFile, type Runtime } from "../runtime.ts";

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/** The all-in-one local process: the API plus the in-process poll schedule. */
export async function startServer(runtime: Runtime, options: { tickMs?: number } = {}): Promise<Running> {
  const { config, logger } = runtime;
  const app = createApp(
    {
      store: runtime.store,
      logger,
      keys: runtime.keys,
      subscriptions: runtime.subscriptions,
      clock: runtime.clock,
      webhookVerifier: unconfiguredWebhookVerifier,
      confirmations: loggedConfirmations(logger),
      deliveries: runtime.deliveries,
    },
    { publicUrl: `http://${config.host}:${config.port}` },
  );
  const { server, port } = await serveApp(app, { host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${port}` }, "API listening");
  const webhookClient = new SafeHttpClient({ allow: config.fetch.allow });
  const delivery = startDeliveryLoop(
    {
      store: runtime.store,
      subscriptions: runtime.subscriptions,
      deliveries: runtime.deliveries,
      queue: runtime.deliveryQueue,
      poster: safeHttpPoster(webhookClient),
      mailer: new SuppressingMailer(new OutboxMailer(join(config.dataDir, "outbox")), runtime.suppressions),
      mailFrom: "treatywatch <alerts@localhost>",
      publicUrl: `http://${config.host}:${port}`,
      clock: runtime.clock,
      logger,
    },
    { tickMs: 60_000, concurrency: 4 },
  );
  const stopPolling = startPollLoop(runtime, {
    tickMs: options.tickMs ?? config.poll.tickSeconds * 1000,
    concurrency: config.poll.concurrency,
    batchSize: 500,
    logger,
    onTick: (outcomes) => {
      const events = outcomes.flatMap((outcome) => outcome.summary?.events ?? []);
      if (events.length > 0) void delivery.storyEvents(events);
    },
  });
  return {
    port,
    async stop() {
      await stopPolling();
      await delivery.stop();
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

export function stopOnSignal(running: Running): void {
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
