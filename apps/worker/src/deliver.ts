import {
  buildMatchIndex,
  type Clock,
  type Delivery,
  type DeliveryStore,
  type KeyStore,
  type Logger,
  type MatchIndex,
  type Store,
  type StoryChange,
  type Subscription,
  type SubscriptionStatus,
  type SubscriptionStore,
  type Timestamp,
} from "@treatywatch/core";
import {
  confirmationMail,
  DISABLE_AFTER_FAILING_MS,
  type HttpPoster,
  issueConfirmationLink,
  type Mailer,
  mailForEvent,
  retryDelaySeconds,
  sendWebhook,
  WEBHOOK_TIMEOUT_MS,
  type WebhookAttempt,
  type WebhookEvent,
  WebhookEventSchema,
} from "@treatywatch/notify";
import {
  MAX_BATCH,
  processSqsBatch,
  type Queue,
  type QueueMessage,
  type SqsBatchResponse,
  type SqsRecord,
} from "@treatywatch/queue";
import { type DigestDeps, runDigestsNow, runDueDigests, storedItemSummaries, storiesUpdatedBetween } from "./digest.ts";
import { endpointDisabledHandler } from "./endpoint-notice.ts";
import { matchStory } from "./match.ts";

/** A webhook endpoint that was enabled until this attempt disabled it. */
export interface EndpointDisabled {
  subscriptionId: string;
  tenantId: string;
  url: string;
  reason: string;
  disabledAt: Timestamp;
}

/** The result of sending an email delivery; a bounce-free refusal is not retried. */
export type EmailSendResult = { ok: true } | { ok: false; retryable: boolean; error: string };

export interface DeliverDeps {
  deliveries: DeliveryStore;
  /** Current signing secrets of a webhook subscription, newest first. */
  signingSecrets(subscriptionId: string, now: Timestamp): Promise<string[]>;
  poster: HttpPoster;
  /** Sends an email delivery; absent when email is not configured. */
  sendEmail?: ((delivery: Delivery) => Promise<EmailSendResult>) | undefined;
  /**
   * Told once per disablement when an endpoint is disabled (410, or failing for three
   * days), to tell its owner; a second worker meeting the same failure is not told.
   */
  onEndpointDisabled?: ((disabled: EndpointDisabled) => Promise<void>) | undefined;
  /**
   * The subscription's status now, undefined once it is deleted. A delivery goes out
   * only while its subscription is active; otherwise it is logged as failed with why.
   */
  subscriptionStatus?: ((subscriptionId: string) => Promise<SubscriptionStatus | undefined>) | undefined;
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
  const delivery = await deps.deliveries.claim(deliveryId, iso(nowMs), iso(nowMs + (deps.claimSeconds ?? 60) * 1000));
  if (!delivery) {
    // Most often a repeated message for a delivery already sent; an unknown id is worth a line.
    if (!(await deps.deliveries.get(deliveryId))) deps.logger.warn({ deliveryId }, "no such delivery: message dropped");
    return "skipped";
  }
  const attempt = delivery.attempts + 1;
  const log = (outcome: "delivered" | "retry" | "failed", fields: { statusCode?: number; error?: string }) => ({
    deliveryId,
    attempt,
    at: iso(nowMs),
    outcome,
    latencyMs: 0,
    ...fields,
  });

  const gone = deps.subscriptionStatus && (await inactiveReason(delivery, deps.subscriptionStatus));
  if (gone) {
    await deps.deliveries.recordAttempt(log("failed", { error: gone }), { status: "failed", reason: gone });
    deps.logger.warn({ deliveryId, subscriptionId: delivery.subscriptionId, reason: gone }, "delivery not sent");
    return "failed";
  }

  if (delivery.channel.type === "email") {
    if (!deps.sendEmail) {
      await deps.deliveries.recordAttempt(log("failed", { error: "email is not configured" }), {
        status: "failed",
        reason: "email is not configured",
      });
      return "failed";
    }
    const started = performance.now();
    const sent = await deps.sendEmail(delivery);
    const latencyMs = performance.now() - started;
    if (sent.ok) {
      await deps.deliveries.recordAttempt({ ...log("delivered", {}), latencyMs }, { status: "delivered" });
      return "delivered";
    }
    return scheduleRetry(delivery, attempt, nowMs, sent.retryable ? undefined : sent.error, sent.error, deps);
  }

  const health = await deps.deliveries.endpointHealth(delivery.subscriptionId);
  if (health.disabledAt) {
    const reason = `endpoint disabled: ${health.disabledReason ?? "unknown"}`;
    await deps.deliveries.recordAttempt(log("failed", { error: reason }), { status: "failed", reason });
    return "failed";
  }
  const secrets = await deps.signingSecrets(delivery.subscriptionId, iso(nowMs));
  if (secrets.length === 0) {
    const reason = "the subscription has no signing secret";
    await deps.deliveries.recordAttempt(log("failed", { error: reason }), { status: "failed", reason });
    deps.logger.warn({ deliveryId, subscriptionId: delivery.subscriptionId, reason }, "delivery not sent");
    return "failed";
  }
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
      await deps.deliveries.endpointSucceeded(delivery.subscriptionId);
      await deps.deliveries.recordAttempt(
        { ...base, outcome: "delivered", statusCode: result.statusCode },
        { status: "delivered" },
      );
      return "delivered";
    case "gone":
      await disable(delivery, "the endpoint answered 410 Gone", nowMs, deps);
      await deps.deliveries.recordAttempt(
        { ...base, outcome: "failed", statusCode: result.statusCode, error: result.error },
        { status: "failed", reason: result.error },
      );
      return "failed";
    case "refused":
      await deps.deliveries.recordAttempt(
        { ...base, outcome: "failed", error: result.error },
        { status: "failed", reason: result.error },
      );
      return "failed";
    case "retry": {
      const failingSince = Date.parse(await deps.deliveries.endpointFailed(delivery.subscriptionId, iso(nowMs)));
      if (nowMs - failingSince >= DISABLE_AFTER_FAILING_MS) {
        await disable(delivery, "the endpoint failed every attempt for three days", nowMs, deps);
        await deps.deliveries.recordAttempt(
          { ...base, outcome: "failed", statusCode: result.statusCode, error: result.error },
          { status: "failed", reason: "endpoint disabled after three days of failures" },
        );
        return "failed";
      }
      return scheduleRetry(delivery, attempt, nowMs, undefined, result.error, deps, result);
    }
  }
}

async function scheduleRetry(
  delivery: Delivery,
  attempt: number,
  nowMs: number,
  permanentError: string | undefined,
  error: string,
  deps: DeliverDeps,
  result?: Extract<WebhookAttempt, { outcome: "retry" }>,
): Promise<DeliverResult> {
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
    await deps.deliveries.recordAttempt({ ...base, outcome: "failed" }, { status: "failed", reason });
    deps.logger.warn({ deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, reason }, "delivery failed");
    return "failed";
  }
  await deps.deliveries.recordAttempt(
    { ...base, outcome: "retry" },
    { status: "pending", nextAttemptAt: iso(nowMs + Math.ceil(delay * 1000)) },
  );
  return "retry";
}

/** Why a delivery must not go out: its subscription was deleted or is no longer active. */
async function inactiveReason(
  delivery: Delivery,
  statusOf: (subscriptionId: string) => Promise<SubscriptionStatus | undefined>,
): Promise<string | undefined> {
  const status = await statusOf(delivery.subscriptionId);
  if (status === undefined) return "the subscription was deleted";
  // A confirmation is for a subscription still waiting for one; everything else for an active one.
  const wanted = delivery.kind === "confirmation" ? "pending" : "active";
  return status === wanted ? undefined : `the subscription is ${status}`;
}

async function disable(delivery: Delivery, reason: string, nowMs: number, deps: DeliverDeps): Promise<void> {
  if (delivery.channel.type !== "webhook") return;
  const { subscriptionId, tenantId } = delivery;
  const disabledAt = iso(nowMs);
  // Only the attempt that disables the endpoint tells its owner, so one disablement sends one notice.
  if (!(await deps.deliveries.disableEndpoint(subscriptionId, reason, disabledAt))) return;
  deps.logger.warn({ subscriptionId, reason }, "webhook endpoint disabled");
  await deps
    .onEndpointDisabled?.({ subscriptionId, tenantId, url: delivery.channel.url, reason, disabledAt })
    .catch((error: unknown) => deps.logger.error({ err: error, subscriptionId }, "endpoint disabled notice failed"));
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
  const ids = await deps.deliveries.takeDue(iso(nowMs), iso(nowMs + options.leaseSeconds * 1000), options.limit);
  for (let start = 0; start < ids.length; start += MAX_BATCH) {
    const batch = ids.slice(start, start + MAX_BATCH).map((deliveryId) => JSON.stringify({ deliveryId }));
    await queue.sendBatch(batch);
  }
  return ids.length;
}

/** The stored event, or undefined when it does not parse: such a delivery can never be sent. */
function readEvent(payload: string): WebhookEvent | undefined {
  try {
    const parsed = WebhookEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What sending a confirmation needs: the subscription, and where the link it mints points. */
export interface ConfirmationDeps {
  subscriptions: Pick<SubscriptionStore, "findSubscription" | "addConfirmation">;
  publicUrl: string;
  clock: Clock;
}

/**
 * Sends email deliveries through a mailer: the event is rendered into a multipart
 * message carrying the subscription's one-click unsubscribe link. A confirmation gets
 * a fresh link minted as it is sent.
 */
export function mailSender(
  mailer: Mailer,
  options: { from: string; unsubscribeUrl(subscriptionId: string): Promise<string>; confirmation?: ConfirmationDeps },
): (delivery: Delivery) => Promise<EmailSendResult> {
  return async (delivery) => {
    if (delivery.channel.type !== "email") return { ok: false, retryable: false, error: "not an email delivery" };
    if (delivery.kind === "confirmation") {
      const deps = options.confirmation;
      if (!deps) return { ok: false, retryable: false, error: "confirmations are not configured" };
      const subscription = await deps.subscriptions.findSubscription(delivery.subscriptionId);
      if (!subscription) return { ok: false, retryable: false, error: "the subscription was deleted" };
      const link = await issueConfirmationLink(deps.subscriptions, subscription.id, deps.publicUrl, deps.clock.now());
      const sent = await mailer.send(confirmationMail({ id: delivery.id, subscription, link, from: options.from }));
      return sent.ok ? { ok: true } : sent;
    }
    const event = readEvent(delivery.payload);
    if (!event) return { ok: false, retryable: false, error: "the delivery's event could not be read" };
    const message = mailForEvent(event, {
      from: options.from,
      to: delivery.channel.address,
      unsubscribeUrl: await options.unsubscribeUrl(delivery.subscriptionId),
    });
    const sent = await mailer.send(message);
    return sent.ok ? { ok: true } : sent;
  };
}

/** What sending deliveries needs, on one machine or on AWS. */
export interface DeliveryServices {
  subscriptions: Pick<
    SubscriptionStore,
    "signingSecrets" | "findSubscription" | "getSubscription" | "updateSubscription" | "addConfirmation"
  >;
  /** The tenants, for the contact address a disabled webhook's notice goes to; absent, no notice is mailed. */
  tenants?: Pick<KeyStore, "getTenant"> | undefined;
  deliveries: DeliveryStore;
  poster: HttpPoster;
  /** Absent: email deliveries fail as not configured. */
  mailer?: Mailer | undefined;
  mailFrom: string;
  /** Where the API answers, for the request that enables a disabled webhook again. */
  publicUrl: string;
  unsubscribeUrl(subscriptionId: string): Promise<string>;
  clock: Clock;
  logger: Logger;
  random?: (() => number) | undefined;
}

/**
 * The deliver step's dependencies from the services of a runtime: a delivery goes out
 * only while its subscription is active, and a disabled endpoint's owner is told once.
 */
export function deliverDepsFor(services: DeliveryServices): DeliverDeps {
  return {
    deliveries: services.deliveries,
    signingSecrets: async (id, now) => (await services.subscriptions.signingSecrets(id, now)).map((s) => s.secret),
    poster: services.poster,
    sendEmail: services.mailer
      ? mailSender(services.mailer, {
          from: services.mailFrom,
          unsubscribeUrl: services.unsubscribeUrl,
          confirmation: { subscriptions: services.subscriptions, publicUrl: services.publicUrl, clock: services.clock },
        })
      : undefined,
    subscriptionStatus: async (id) => (await services.subscriptions.findSubscription(id))?.status,
    onEndpointDisabled: endpointDisabledHandler({
      subscriptions: services.subscriptions,
      tenants: services.tenants ?? { getTenant: async () => undefined },
      mailer: services.mailer,
      mailFrom: services.mailFrom,
      publicUrl: services.publicUrl,
      logger: services.logger,
    }),
    clock: services.clock,
    random: services.random ?? Math.random,
    logger: services.logger,
  };
}

export interface DeliveryLoopDeps extends Omit<DeliveryServices, "subscriptions" | "unsubscribeUrl"> {
  /** With `getItem`, digests quote each source's own summary. */
  store: Pick<Store, "getStory" | "listStories"> & Partial<Pick<Store, "getItem">>;
  subscriptions: DeliveryServices["subscriptions"] &
    Pick<SubscriptionStore, "subscriptionsWithStatus" | "unsubscribeToken">;
  queue: Queue;
  /** The subscriptions' version (see `versionedSubscriptions`); absent, the index is rebuilt every tick. */
  subscriptionsVersion?: (() => number) | undefined;
}

/** A story the ingest step created or materially changed. */
/** How long matching story events runs before it lets the event loop serve anything else. */
const YIELD_AFTER_MS = 5;

export interface StoryEventInput {
  kind: "created" | "updated";
  storyId: string;
  changes?: readonly StoryChange[] | undefined;
}

export interface DeliveryLoop {
  /** Matches new and updated stories and sends their alerts now. */
  storyEvents(events: readonly StoryEventInput[]): Promise<void>;
  /** Makes the first attempt at a delivery just recorded (a confirmation mail) now rather than on the next tick. */
  deliverNow(deliveryId: string): Promise<void>;
  /**
   * Builds due digests, queues due retries and drains the queue. With `digestsNow`, every
   * digest subscription also gets its digest of the day or week up to now, outside its schedule.
   */
  tick(options?: { digestsNow?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The in-process delivery schedule for one machine: every tick it refreshes the
 * match index from the active subscriptions when they changed, builds the digests whose hour has come,
 * queues due retries and sends what is queued. Work never overlaps.
 */
export function startDeliveryLoop(
  deps: DeliveryLoopDeps,
  options: { tickMs: number; concurrency: number },
): DeliveryLoop {
  const unsubscribeUrl = async (subscriptionId: string) => {
    const token = (await deps.subscriptions.unsubscribeToken(subscriptionId)) ?? "";
    return `${deps.publicUrl}/v1/unsubscribe?token=${encodeURIComponent(token)}`;
  };
  const deliverDeps = deliverDepsFor({ ...deps, unsubscribeUrl });
  let active: Subscription[] = [];
  let index: MatchIndex = buildMatchIndex([]);
  // The index is built once and again only when the write counter moved since the build.
  let builtAt: number | undefined;
  const refresh = async () => {
    const version = deps.subscriptionsVersion?.();
    if (version !== undefined && version === builtAt) return;
    active = await deps.subscriptions.subscriptionsWithStatus("active");
    index = buildMatchIndex(active);
    builtAt = version;
  };
  const drain = async () => {
    const worker = async () => {
      for (;;) {
        const messages = await deps.queue.receive({ max: 10, visibilityTimeoutSeconds: 120 });
        if (messages.length === 0) return;
        for (const message of messages) {
          await handleDeliveryMessage(message, deps.queue, deliverDeps).catch((error: unknown) =>
            deps.logger.error({ err: error, messageId: message.id }, "delivery message failed"),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  };
  let chain: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: unknown) => deps.logger.error({ err: error }, "delivery tick failed"));
    return chain;
  };
  const digestDeps: DigestDeps = {
    deliveries: deps.deliveries,
    queue: deps.queue,
    clock: deps.clock,
    storiesBetween: (start, end) => storiesUpdatedBetween(deps.store, start, end),
    itemSummaries: deps.store.getItem && storedItemSummaries({ getItem: deps.store.getItem.bind(deps.store) }),
    storiesUrl: (subscriptionId) => `${deps.publicUrl}/v1/subscriptions/${subscriptionId}/feed/atom`,
    unsubscribeUrl,
  };
  const tick = (tickOptions: { digestsNow?: boolean } = {}) =>
    serial(async () => {
      await refresh();
      const digests = await runDueDigests(active, digestDeps);
      if (tickOptions.digestsNow) digests.built.push(...(await runDigestsNow(active, digestDeps)).built);
      if (digests.built.length > 0) deps.logger.info({ digests: digests.built.length }, "digests built");
      await enqueueDueDeliveries(deps.queue, deliverDeps, { limit: 1000, leaseSeconds: 300 });
      await drain();
    });
  const storyEvents = (events: readonly StoryEventInput[]) =>
    serial(async () => {
      if (events.length === 0) return;
      await refresh();
      let slice = performance.now();
      for (const event of events) {
        // Matching runs beside the API on one machine: give requests a turn every few milliseconds.
        if (performance.now() - slice > YIELD_AFTER_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        const story = await deps.store.getStory(event.storyId);
        if (!story) {
          deps.logger.warn(
            { storyId: event.storyId, kind: event.kind },
            "story event for a missing story: nothing matched",
          );
          continue;
        }
        await matchStory(story, event.kind === "created" ? undefined : (event.changes ?? []), {
          index,
          deliveries: deps.deliveries,
          queue: deps.queue,
          clock: deps.clock,
        });
      }
      await drain();
    });
  const deliverNow = (deliveryId: string) =>
    serial(async () => {
      await deliver(deliveryId, deliverDeps);
    });
  void tick();
  const timer = setInterval(() => void tick(), options.tickMs);
  return {
    storyEvents,
    deliverNow,
    tick,
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
}

/**
 * The Lambda form of the delivery consumer: SQS deletes the records that succeed
 * and redelivers only those reported failed, which reach the DLQ after its limit.
 */
export async function handleDeliveryBatch(records: readonly SqsRecord[], deps: DeliverDeps): Promise<SqsBatchResponse> {
  return processSqsBatch(records, async (record) => {
    const parsed = JSON.parse(record.body) as Partial<DeliveryMessage>;
    if (typeof parsed.deliveryId !== "string") throw new Error(`not a delivery message: ${record.messageId}`);
    await deliver(parsed.deliveryId, deps);
  });
}
