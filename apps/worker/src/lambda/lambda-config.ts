import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type AwsConfig, type Config, loadAwsConfig, loadConfig } from "@treatywatch/config";
import { type LambdaMetrics, powertoolsLogger, powertoolsMetrics } from "@treatywatch/config/powertools";
import { type SecretValueClient, secretsManagerClient } from "@treatywatch/config/secret-key";
import { type Clock, type Logger, type SecretBox, type SubscriptionStore, systemClock } from "@treatywatch/core";
import { configuredSecretBox, sealedSigningSecrets } from "@treatywatch/notify";
import { type Queue, SqsFifoSender, SqsQueue, sqsSdk } from "@treatywatch/queue/sqs";
import {
  DynamoDeliveryStore,
  DynamoKeyStore,
  DynamoStore,
  DynamoStoryShards,
  DynamoSubscriptionStore,
  DynamoSuppressionList,
} from "@treatywatch/store/dynamodb";
import { shardGroup } from "./messages.ts";

/**
 * The key that opens sealed webhook signing secrets. On AWS it derives from the Secrets
 * Manager secret `secretKeyArn` names, read on first use once per cold start (its previous
 * version opens too); else TREATYWATCH_SECRET_KEY. Without either, secrets stored in plain
 * text still open, and a sealed one fails naming the missing variable.
 */
export function secretBoxFor(
  secrets: Config["secrets"],
  secretKeyArn?: string | undefined,
  client: () => SecretValueClient = secretsManagerClient,
): SecretBox {
  return (
    configuredSecretBox(secrets, secretKeyArn, client) ?? {
      seal: () => Promise.reject(new Error("TREATYWATCH_SECRET_KEY is not configured for this function")),
      open: async () => ({ ok: false, error: "undecryptable" }),
    }
  );
}

function required(url: string | undefined, variable: string): string {
  if (!url) throw new Error(`${variable} is not set for this function`);
  return url;
}

export interface LambdaRuntime {
  aws: AwsConfig;
  /** Fetch limits and User-Agent; the fetch function builds its HTTP client from these. */
  fetch: Config["fetch"];
  store: DynamoStore;
  /** Story assignment by shard, for the fetch function (which shard) and the ingest function (assigning). */
  storyShards: DynamoStoryShards;
  /** Webhook signing secrets opened with TREATYWATCH_SECRET_KEY (see `secretBoxFor`). */
  subscriptions: SubscriptionStore;
  deliveries: DynamoDeliveryStore;
  /** Tenants, for the contact address a disabled webhook's notice goes to. */
  keys: DynamoKeyStore;
  suppressions: DynamoSuppressionList;
  clock: Clock;
  logger: Logger;
  /** Counts published after each invocation (see `instrumented`). */
  metrics: LambdaMetrics;
  /** Puts the invocation's request id on every log line. */
  setRequestId(requestId: string): void;
  fetchQueue(): Queue;
  /** The ingest FIFO queue, for the fetch function's new relevant items (each names its shard's group). */
  ingestSender(): SqsFifoSender;
  /** The match queue, for the ingest function's story events. */
  matchQueue(): Queue;
  /** The delivery queue, for deliveries the match and tick functions create. */
  deliveryQueue(): Queue;
  /** The one-click unsubscribe link of a subscription, on the API's public origin. */
  unsubscribeUrl(subscriptionId: string): Promise<string>;
  /** The subscription's own feed: every story its filter matches. */
  storiesUrl(subscriptionId: string): string;
}

let runtime: LambdaRuntime | undefined;

/** The worker functions' composition root, built once per cold start; the only reader of the environment. */
export function lambdaRuntime(): LambdaRuntime {
  if (runtime) return runtime;
  const config = loadConfig(process.env);
  const aws = loadAwsConfig(process.env);
  const { logger, powertools } = powertoolsLogger(config.logLevel);
  const table = { client: new DynamoDBClient({}), tableName: aws.tableName };
  const retention = (days: number) => (days > 0 ? days : undefined);
  const subscriptions = sealedSigningSecrets(
    new DynamoSubscriptionStore(table),
    secretBoxFor(config.secrets, aws.secretKeyArn),
  );
  // Made, with the SDK loaded, when a message first goes to a queue.
  let sqs: Promise<SQSClient> | undefined;
  const sqsClient = () => {
    sqs ??= sqsSdk().then((loaded) => new loaded.SQSClient({}));
    return sqs;
  };
  // Send-only queues: dead letters are listed and redriven from the queue's own consumer.
  const sendOnly = (url: string | undefined, variable: string) => {
    const queueUrl = required(url, variable);
    return new SqsQueue(sqsClient, { queueUrl, deadLetterQueueUrl: queueUrl });
  };
  let fetchQueue: Queue | undefined;
  let ingestSender: SqsFifoSender | undefined;
  let matchQueue: Queue | undefined;
  let deliveryQueue: Queue | undefined;
  runtime = {
    aws,
    store: new DynamoStore({ ...table, itemRetentionDays: retention(aws.itemRetentionDays) }),
    storyShards: new DynamoStoryShards({
      ...table,
      shards: aws.ingestShards,
      itemRetentionDays: retention(aws.itemRetentionDays),
    }),
    subscriptions,
    deliveries: new DynamoDeliveryStore({ ...table, retentionDays: retention(aws.deliveryRetentionDays) }),
    keys: new DynamoKeyStore(table),
    suppressions: new DynamoSuppressionList(table),
    fetch: config.fetch,
    clock: systemClock,
    logger,
    metrics: powertoolsMetrics(),
    setRequestId(requestId) {
      powertools.appendKeys({ requestId });
    },
    fetchQueue() {
      fetchQueue ??= new SqsQueue(sqsClient, {
        queueUrl: required(aws.fetchQueueUrl, "TREATYWATCH_FETCH_QUEUE_URL"),
        deadLetterQueueUrl: aws.fetchDeadLetterQueueUrl ?? aws.fetchQueueUrl ?? "",
      });
      return fetchQueue;
    },
    ingestSender() {
      ingestSender ??= new SqsFifoSender(sqsClient, {
        queueUrl: required(aws.ingestQueueUrl, "TREATYWATCH_INGEST_QUEUE_URL"),
        groupId: shardGroup(0),
      });
      return ingestSender;
    },
    matchQueue() {
      matchQueue ??= sendOnly(aws.matchQueueUrl, "TREATYWATCH_MATCH_QUEUE_URL");
      return matchQueue;
    },
    deliveryQueue() {
      deliveryQueue ??= sendOnly(aws.deliveryQueueUrl, "TREATYWATCH_DELIVERY_QUEUE_URL");
      return deliveryQueue;
    },
    storiesUrl(subscriptionId) {
      return `${required(aws.publicUrl, "TREATYWATCH_PUBLIC_URL")}/v1/subscriptions/${subscriptionId}/feed/atom`;
    },
    async unsubscribeUrl(subscriptionId) {
      const origin = required(aws.publicUrl, "TREATYWATCH_PUBLIC_URL");
      const token = (await subscriptions.unsubscribeToken(subscriptionId)) ?? "";
      return `${origin}/v1/unsubscribe?token=${encodeURIComponent(token)}`;
    },
  };
  return runtime;
}

/** The part of Lambda's context object the functions read. */
export interface LambdaContext {
  awsRequestId: string;
}

/**
 * A Lambda handler around `run`: the runtime built once per cold start, the request id
 * on every log line, and the invocation's metrics published when it ends, however it ends.
 */
export function instrumented<E, R>(
  run: (event: E, runtime: LambdaRuntime) => Promise<R>,
): (event: E, context?: LambdaContext) => Promise<R> {
  return async (event, context) => {
    const current = lambdaRuntime();
    if (context) current.setRequestId(context.awsRequestId);
    try {
      return await run(event, current);
    } finally {
      current.metrics.publish();
    }
  };
}
