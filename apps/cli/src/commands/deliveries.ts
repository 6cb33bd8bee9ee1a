import { join } from "node:path";
import { SafeHttpClient } from "@treatywatch/http";
import type { Runtime } from "../runtime.ts";
import type { FeedsOutput } from "./feeds.ts";
import { publicUrlOf, startLocalDelivery } from "./serve.ts";

export type DeliveriesRuntime = Pick<Runtime, "deliveries" | "deliveryQueue" | "clock">;

const stdio: FeedsOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `deliveries failed`: deliveries that used up their attempts or were refused, oldest first. */
export async function listFailedDeliveries(
  runtime: DeliveriesRuntime,
  options: { json?: boolean | undefined; limit?: number | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  const failed = runtime.deliveries.failed(options.limit ?? 100);
  if (options.json) {
    io.out(
      JSON.stringify(
        failed.map(({ payload: _payload, ...delivery }) => delivery),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const delivery of failed) {
    io.out(
      `${delivery.id}\t${delivery.subscriptionId}\t${delivery.eventType}\t${delivery.attempts} attempts\t${delivery.lastError ?? ""}`,
    );
  }
  if (failed.length === 0) io.err("no failed deliveries");
  return 0;
}

/** `deliveries log`: a subscription's deliveries with every attempt. */
export async function deliveryLogCommand(
  runtime: DeliveriesRuntime,
  subscriptionId: string,
  io: FeedsOutput = stdio,
): Promise<number> {
  const deliveries = runtime.deliveries.forSubscription(subscriptionId, 50);
  if (deliveries.length === 0) {
    io.err(`treatywatch deliveries: no deliveries for ${subscriptionId}`);
    return 1;
  }
  for (const delivery of deliveries) {
    io.out(`${delivery.id}\t${delivery.eventType}\t${delivery.status}\tcreated ${delivery.createdAt}`);
    for (const attempt of runtime.deliveries.attempts(delivery.id)) {
      const status = attempt.statusCode === undefined ? "" : ` HTTP ${attempt.statusCode}`;
      io.out(
        `  #${attempt.attempt}\t${attempt.at}\t${attempt.outcome}${status}\t${attempt.latencyMs} ms${attempt.error ? `\t${attempt.error}` : ""}`,
      );
    }
  }
  return 0;
}

/** `deliveries replay`: failed deliveries get fresh attempts; the running server sends them within a minute. */
export async function replayDeliveries(
  runtime: DeliveriesRuntime,
  ids: readonly string[],
  options: { all?: boolean | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  const targets = options.all ? runtime.deliveries.failed(10_000).map((delivery) => delivery.id) : ids;
  if (targets.length === 0) {
    io.err("treatywatch deliveries: name delivery ids, or --all");
    return 2;
  }
  const now = runtime.clock.now().toISOString();
  let missing = 0;
  for (const id of targets) {
    if (runtime.deliveries.replay(id, now)) io.out(`replayed ${id}`);
    else {
      io.err(`treatywatch deliveries: ${id} is not a failed delivery`);
      missing++;
    }
  }
  return missing > 0 ? 1 : 0;
}

/** `deliveries dead-letters`: queue messages no worker could handle, and `--redrive` to queue them again. */
export async function deadLettersCommand(
  runtime: DeliveriesRuntime,
  options: { redrive?: boolean | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  if (options.redrive) {
    io.out(`redrove ${await runtime.deliveryQueue.redrive()} messages`);
    return 0;
  }
  const letters = await runtime.deliveryQueue.deadLetters(100);
  for (const letter of letters) io.out(`${letter.id}\t${letter.receiveCount} receives\t${letter.body}`);
  if (letters.length === 0) io.err("no dead letters");
  return 0;
}

/**
 * `deliveries send-now`: one delivery tick at once rather than within the minute: due
 * digests are built, and new alerts, confirmation mail and retries that are due are sent.
 * With `digests`, every digest subscription also gets its digest of the day (or week) up to now.
 */
export async function sendNowCommand(
  runtime: Runtime,
  options: { digests?: boolean | undefined } = {},
  io: FeedsOutput = stdio,
): Promise<number> {
  const before = runtime.deliveries.countByStatus();
  const webhookClient = new SafeHttpClient({ allow: runtime.config.fetch.allow });
  const local = startLocalDelivery(runtime, {
    publicUrl: publicUrlOf(runtime.config, runtime.config.port),
    tickMs: 3_600_000,
    webhookClient,
  });
  try {
    await local.loop.tick({ digestsNow: options.digests });
  } finally {
    await local.close();
    await webhookClient.close();
  }
  const after = runtime.deliveries.countByStatus();
  const sent = after.delivered - before.delivered;
  const failed = after.failed - before.failed;
  io.out(
    `${sent} sent, ${failed} failed, ${after.pending} waiting for a retry${sent > 0 && !runtime.config.mail.smtpUrl ? ` (mail is in ${join(runtime.config.dataDir, "outbox")})` : ""}`,
  );
  return failed > 0 ? 1 : 0;
}
