import { ConfigError } from "./config.ts";
import { integer, webAddress } from "./settings.ts";
import * as z from "./zod.ts";

const optionalUrl = z.optional(webAddress);
const optionalName = z.optional(z.string().check(z.minLength(1)));
const optionalArn = z.optional(z.string().check(z.startsWith("arn:")));

/** What the AWS deployment passes its functions, beside the settings `loadConfig` reads. */
const schema = z.object({
  TREATYWATCH_TABLE_NAME: z.string().check(z.minLength(1)),
  TREATYWATCH_FETCH_QUEUE_URL: optionalUrl,
  TREATYWATCH_FETCH_DLQ_URL: optionalUrl,
  TREATYWATCH_POLL_BATCH_SIZE: z._default(integer(z.positive()), 25_000),
  TREATYWATCH_INGEST_QUEUE_URL: optionalUrl,
  TREATYWATCH_MATCH_QUEUE_URL: optionalUrl,
  TREATYWATCH_DELIVERY_QUEUE_URL: optionalUrl,
  TREATYWATCH_MAIL_FROM: z.optional(z.email()),
  TREATYWATCH_SES_CONFIGURATION_SET: optionalName,
  TREATYWATCH_PUBLIC_URL: optionalUrl,
  TREATYWATCH_SECRET_KEY_ARN: optionalArn,
  TREATYWATCH_INGEST_SHARDS: z._default(integer(z.minimum(1), z.maximum(64)), 4),
  TREATYWATCH_ITEM_RETENTION_DAYS: z._default(integer(z.minimum(0)), 0),
  TREATYWATCH_DELIVERY_RETENTION_DAYS: z._default(integer(z.minimum(0)), 0),
  TREATYWATCH_ORIGIN_SECRET_ARN: optionalArn,
  TREATYWATCH_RATE_LIMIT_TABLE: optionalName,
});

/** The environment variables the infra sets on a function, by name. */
export type AwsEnvironment = { [K in keyof z.input<typeof schema>]?: string };

export interface AwsConfig {
  tableName: string;
  fetchQueueUrl?: string | undefined;
  fetchDeadLetterQueueUrl?: string | undefined;
  pollBatchSize: number;
  /** The FIFO queue of prepared items the single ingest writer consumes. */
  ingestQueueUrl?: string | undefined;
  /** Story events (created, materially updated) for the match function. */
  matchQueueUrl?: string | undefined;
  /** One message a delivery to send. */
  deliveryQueueUrl?: string | undefined;
  mailFrom?: string | undefined;
  sesConfigurationSet?: string | undefined;
  /** Where the API answers, for unsubscribe links in mail. */
  publicUrl?: string | undefined;
  /** The Secrets Manager secret the webhook secret key derives from (see `readSecretKeys`). */
  secretKeyArn?: string | undefined;
  /** Story assignment shards: message groups of the ingest queue, each assigning one batch at a time. */
  ingestShards: number;
  /** Days items are kept after they were fetched; 0 keeps them. */
  itemRetentionDays: number;
  /** Days deliveries and their attempt logs are kept after they were created; 0 keeps them. */
  deliveryRetentionDays: number;
  /** The secret CloudFront sends in the origin header; requests without it are refused. */
  originSecretArn?: string | undefined;
  /** The table API instances count requests in, so a rate limit holds across all of them. */
  rateLimitTable?: string | undefined;
}

/** Parses the AWS settings once per cold start; a missing table name stops the function at init. */
export function loadAwsConfig(env: Record<string, string | undefined>): AwsConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid AWS configuration:\n${problems.join("\n")}`);
  }
  return {
    tableName: parsed.data.TREATYWATCH_TABLE_NAME,
    fetchQueueUrl: parsed.data.TREATYWATCH_FETCH_QUEUE_URL,
    fetchDeadLetterQueueUrl: parsed.data.TREATYWATCH_FETCH_DLQ_URL,
    pollBatchSize: parsed.data.TREATYWATCH_POLL_BATCH_SIZE,
    ingestQueueUrl: parsed.data.TREATYWATCH_INGEST_QUEUE_URL,
    matchQueueUrl: parsed.data.TREATYWATCH_MATCH_QUEUE_URL,
    deliveryQueueUrl: parsed.data.TREATYWATCH_DELIVERY_QUEUE_URL,
    mailFrom: parsed.data.TREATYWATCH_MAIL_FROM,
    sesConfigurationSet: parsed.data.TREATYWATCH_SES_CONFIGURATION_SET,
    publicUrl: parsed.data.TREATYWATCH_PUBLIC_URL,
    secretKeyArn: parsed.data.TREATYWATCH_SECRET_KEY_ARN,
    ingestShards: parsed.data.TREATYWATCH_INGEST_SHARDS,
    itemRetentionDays: parsed.data.TREATYWATCH_ITEM_RETENTION_DAYS,
    deliveryRetentionDays: parsed.data.TREATYWATCH_DELIVERY_RETENTION_DAYS,
    originSecretArn: parsed.data.TREATYWATCH_ORIGIN_SECRET_ARN,
    rateLimitTable: parsed.data.TREATYWATCH_RATE_LIMIT_TABLE,
  };
}
