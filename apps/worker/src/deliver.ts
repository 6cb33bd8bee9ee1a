import type { Clock, Logger, Timestamp } from "@treatywatch/core";
import {
  DISABLE_AFTER_FAILING_MS,
  type HttpPoster,
  type Mailer,
  mailForEvent,
  retryDelaySeconds,
  sendWebhook,
  WEBHOOK_TIMEOUT_MS,
  type WebhookAttempt,
  WebhookEventSchema,
} from "@treatywatch/notify";
import { MAX_BATCH, type Queue, type QueueMessage } from "@treatywatch/queue";
import type { Delivery, SqliteDeliveryStore } from "@treatywatch/store";

/** The result of sending an email delivery; a bounce-free refusal is not retried. */
export type EmailSendResult = { ok: true } | { ok: false; retryable: boolean; error: string };

export interface DeliverDeps {
  deliveries: SqliteDeliveryStore;
  /** Current signing secrets of a webhook subscription, newest first. */
  signingSecrets(subscriptionId: string, now: Timestamp): Promise<string[]>;
  poster: HttpPoster;
  /** Sends an email delivery; absent when email is not configured. */
  sendEmail?: ((delivery: Delivery) => Promise<EmailSendResult>) | undefined;
  /** Told when an endpoint is disabled (410, or failing for three days), to tell its owner. */
  onEndpointDisabled?: ((subscriptionId: string, reason: string) => Promise<void>) | undefined;
  clock: Clock;
  random: () => number;
  logger: Logger;
  /** How long a worker holds a delivery while sending it. */
  claimSeconds?: number | undefined;
  webhookTimeoutMs?: number | undefined;
}

export type DeliverResult = "delivered" | "retry" | "failed" | "skipped";

/** A queue message asks for one delivery by id; the store holds the rest. */
export interface DeliveryMessage {
  deliveryId: string;
}

const iso = (ms: number): Timestamp => new Date(ms).toISOString();

/**
 * Makes one attempt at a delivery if it is pending, due and not held by another
 * worker. The attempt and the delivery's next state are recorded together, so a
 * redelivered queue message for a delivered delivery sends nothing.
 */
export async function deliver(deliveryId: string, deps: DeliverDeps): Promise<DeliverResult> {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const delivery = deps.deliveries.claim(deliveryId, iso(nowMs), iso(nowMs + (deps.claimSeconds ?? 60) * 1000));
  if (!delivery) return "skipped";
  const attempt = delivery.attempts + 1;
  const log = (outcome: "delivered" | "retry" | "failed", fields: { statusCode?: number; error?: string }) => ({
    deliveryId,
    attempt,
    at: iso(nowMs),
    outcome,
    latencyMs: 0,
    ...fields,
  });

  if (delivery.channel.type === "email") {
    if (!deps.sendEmail) {
      deps.deliveries.recordAttempt(log("failed", { error: "email is not configured" }), {
        status: "failed",
        reason: "email is not configured",
      });
      return "failed";
    }
    const sent = await deps.sendEmail(delivery);
    if (sent.ok) {
      deps.deliveries.recordAttempt(log("delivered", {}), { status: "delivered" });
      return "delivered";
    }
    return scheduleRetry(delivery, attempt, nowMs, sent.retryable ? undefined : sent.error, sent.error, deps);
  }

  const health = deps.deliveries.endpointHealth(delivery.subscriptionId);
  if (health.disabledAt) {
    const reason = `endpoint disabled: ${health.disabledReason ?? "unknown"}`;
    deps.deliveries.recordAttempt(log("failed", { error: reason }), { status: "failed", reason });
    return "failed";
  }
  const secrets = await deps.signingSecrets(delivery.subscriptionId, iso(nowMs));
  const result = await sendWebhook(
    { id: delivery.id, url: delivery.channel.url, body: delivery.payload, secrets },
    deps.poster,
    deps.clock,
    deps.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS,
  );
  return recordWebhookAttempt(delivery, attempt, nowMs, result, deps);
}

async function recordWebhookAttempt(
  delivery: Delivery,
  attempt: number,
  nowMs: number,
  result: WebhookAttempt,
  deps: DeliverDeps,
): Promise<DeliverResult> {
  const base = { deliveryId: delivery.id, attempt, at: iso(nowMs), latencyMs: result.latencyMs };
  switch (result.outcome) {
    case "delivered":
      deps.deliveries.endpointSucceeded(delivery.subscriptionId);
      deps.deliveries.recordAttempt(
        { ...base, outcome: "delivered", statusCode: result.statusCode },
        { status: "delivered" },
      );
      return "delivered";
    case "gone":
      await disable(delivery.subscriptionId, "the endpoint answered 410 Gone", nowMs, deps);
      deps.deliveries.recordAttempt(
        { ...base, outcome: "failed", statusCode: result.statusCode, error: result.error },
        { status: "failed", reason: result.error },
      );
      return "failed";
    case "refused":
      deps.deliveries.recordAttempt(
        { ...base, outcome: "failed", error: result.error },
        { status: "failed", reason: result.error },
      );
      return "failed";
    case "retry": {
      const failingSince = Date.parse(deps.deliveries.endpointFailed(delivery.subscriptionId, iso(nowMs)));
      if (nowMs - failingSince >= DISABLE_AFTER_FAILING_MS) {
        await disable(delivery.subscriptionId, "the endpoint failed every attempt for three days", nowMs, deps);
        deps.deliveries.recordAttempt(
          { ...base, outcome: "failed", statusCode: result.statusCode, error: result.error },
          { status: "failed", reason: "endpoint disabled after three days of failures" },
        );
        return "failed";
      }
      return scheduleRetry(delivery, attempt, nowMs, undefined, result.error, deps, result);
    }
  }
}

function scheduleRetry(
  delivery: Delivery,
  attempt: number,
  nowMs: number,
  permanentError: string | undefined,
  error: string,
  deps: DeliverDeps,
  result?: Extract<WebhookAttempt, { outcome: "retry" }>,
): DeliverResult {
  const base = {
    deliveryId: delivery.id,
    attempt,
    at: iso(nowMs),
    latencyMs: result?.latencyMs ?? 0,
    statusCode: result?.statusCode,
    error,
  };
  const delay = permanentError ? undefined : retryDelaySeconds(attempt, deps.random, result?.retryAfterSeconds);
  if (delay === undefined) {
    const reason = permanentError ?? `gave up after ${attempt} attempts: ${error}`;
    deps.deliveries.recordAttempt({ ...base, outcome: "failed" }, { status: "failed", reason });
    deps.logger.warn({ deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, reason }, "delivery failed");
    return "failed";
  }
  deps.deliveries.recordAttempt(
    { ...base, outcome: "retry" },
    { status: "pending", nextAttemptAt: iso(nowMs + Math.ceil(delay * 1000)) },
  );
  return "retry";
}

async function disable(subscriptionId: string, reason: string, nowMs: number, deps: DeliverDeps): Promise<void> {
  deps.deliveries.disableEndpoint(subscriptionId, reason, iso(nowMs));
  deps.logger.warn({ subscriptionId, reason }, "webhook endpoint disabled");
  await deps.onEndpointDisabled?.(subscriptionId, reason);
}

/**
 * Handles one delivery-queue message: attempts the delivery, then acks. A message
 * that cannot be handled (bad body, store down) is left unacked, so the queue
 * retries it and dead-letters it after its receive limit.
 */
export async function handleDeliveryMessage(
  message: QueueMessage,
  queue: Queue,
  deps: DeliverDeps,
): Promise<DeliverResult> {
  const parsed = JSON.parse(message.body) as Partial<DeliveryMessage>;
  if (typeof parsed.deliveryId !== "string") throw new Error(`not a delivery message: ${message.id}`);
  const result = await deliver(parsed.deliveryId, deps);
  await queue.ack(message.receipt);
  return result;
}

/** Queues the deliveries whose next attempt is due (new ones and retries). */
export async function enqueueDueDeliveries(
  queue: Queue,
  deps: Pick<DeliverDeps, "deliveries" | "clock">,
  options: { limit: number; leaseSeconds: number },
): Promise<number> {
  const nowMs = deps.clock.now().getTime();
  const ids = deps.deliveries.takeDue(iso(nowMs), iso(nowMs + options.leaseSeconds * 1000), options.limit);
  for (let start = 0; start < ids.length; start += MAX_BATCH) {
    const batch = ids.slice(start, start + MAX_BATCH).map((deliveryId) => JSON.stringify({ deliveryId }));
    await queue.sendBatch(batch);
  }
  return ids.length;
}

/**
 * Sends email deliveries through a mailer: the event is rendered into a multipart
 * message carrying the subscription's one-click unsubscribe link.
 */
export function mailSender(
  mailer: Mailer,
  options: { from: string; unsubscribeUrl(subscriptionId: string): Promise<string> },
): (delivery: Delivery) => Promise<EmailSendResult> {
  return async (delivery) => {
    if (delivery.channel.type !== "email") return { ok: false, retryable: false, error: "not an email delivery" };
    const event = WebhookEventSchema.parse(JSON.parse(delivery.payload));
    const message = mailForEvent(event, {
      from: options.from,
      to: delivery.channel.address,
      unsubscribeUrl: await options.unsubscribeUrl(delivery.subscriptionId),
    });
    const sent = await mailer.send(message);
    return sent.ok ? { ok: true } : sent;
  };
}
