import { DynamoDB, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type Config, loadAwsConfig, loadConfig } from "@treatywatch/config";
import { powertoolsLogger } from "@treatywatch/config/powertools";
import { readSecretValue, type SecretValueClient, secretsManagerClient } from "@treatywatch/config/secret-key";
import { type ConfirmationSender, type Logger, type SecretBox, systemClock } from "@treatywatch/core";
import { NodeSafeHttpClient } from "@treatywatch/http/node";
import { configuredSecretBox, safeHttpPoster, sealedSigningSecrets, webhookPingVerifier } from "@treatywatch/notify";
import { type SqsClientSource, SqsQueue, sqsSdk } from "@treatywatch/queue/sqs";
import { DynamoDeliveryStore, DynamoKeyStore, DynamoStore, DynamoSubscriptionStore } from "@treatywatch/store/dynamodb";
import { deliveredConfirmations } from "./lib/confirmations.ts";
import type { AppOptions, Services } from "./lib/env.ts";
import { dynamoRateLimiters } from "./lib/rate-limit-dynamodb.ts";

/** The SDK clients the API function queues confirmation mail with and reads its origin secret through; tests pass stand-ins. */
export interface ApiClients {
  sqs: () => SqsClientSource;
  secrets?: (() => SecretValueClient) | undefined;
}
// The SQS SDK is loaded when the first confirmation is queued, not when the function starts.
const awsClients: ApiClients = { sqs: () => () => sqsSdk().then((loaded) => new loaded.SQSClient({})) };

/**
 * Without a sender address, or a public origin for the link, no confirmation is mailed:
 * the subscription is created and stays pending, and the log names the missing settings.
 */
export function unconfiguredConfirmations(logger: Logger, missing: readonly string[]): ConfirmationSender {
  return {
    async sendConfirmation(subscription) {
      if (subscription.channel.type !== "email") return;
      logger.error(
        { subscriptionId: subscription.id, missing },
        `confirmation mail not sent: ${missing.join(" and ")} not set for the API function`,
      );
    },
  };
}

/**
 * The key that seals webhook signing secrets: from the Secrets Manager secret the deployment
 * names (read on first use, once per cold start; its previous version still opens), else
 * TREATYWATCH_SECRET_KEY; undefined when neither is set, and secrets are stored as given.
 */
export function apiSecretBox(
  secrets: Config["secrets"],
  secretKeyArn: string | undefined,
  client: () => SecretValueClient = secretsManagerClient,
): SecretBox | undefined {
  return configuredSecretBox(secrets, secretKeyArn, client);
}

/**
 * The API function's services and options, built once per cold start; the only reader of
 * its environment. Behind CloudFront, which appends the viewer's address to
 * X-Forwarded-For, the deployment sets TREATYWATCH_TRUSTED_PROXIES to 1.
 */
export function lambdaApi(clients: ApiClients = awsClients): { services: Services; options: AppOptions } {
  const config = loadConfig(process.env);
  const aws = loadAwsConfig(process.env);
  const table = { client: new DynamoDBClient({}), tableName: aws.tableName };
  const secretBox = apiSecretBox(config.secrets, aws.secretKeyArn);
  const logger = powertoolsLogger(config.logLevel).logger;
  // Confirmation deliveries expire as the worker's deliveries do (TREATYWATCH_DELIVERY_RETENTION_DAYS; 0 keeps them).
  const deliveries = new DynamoDeliveryStore({ ...table, retentionDays: aws.deliveryRetentionDays });
  // The deliver function mails it through SES at once, and retries it as it does alerts.
  const deliveryQueue = aws.deliveryQueueUrl
    ? new SqsQueue(clients.sqs(), { queueUrl: aws.deliveryQueueUrl, deadLetterQueueUrl: aws.deliveryQueueUrl })
    : undefined;
  // Behind CloudFront the links are made on the viewer's host when no public URL is configured.
  const originSecretArn = aws.originSecretArn;
  const origin = originSecretArn
    ? { secret: () => readSecretValue(clients.secrets?.() ?? secretsManagerClient(), originSecretArn) }
    : undefined;
  const missing = [
    ...(aws.mailFrom ? [] : ["TREATYWATCH_MAIL_FROM"]),
    ...(aws.publicUrl || origin ? [] : ["TREATYWATCH_PUBLIC_URL"]),
  ];
  const services: Services = {
    store: new DynamoStore(table),
    logger,
    clock: systemClock,
    keys: new DynamoKeyStore(table),
    // With a key, webhook signing secrets are sealed before they are stored.
    subscriptions: secretBox
      ? sealedSigningSecrets(new DynamoSubscriptionStore(table), secretBox)
      : new DynamoSubscriptionStore(table),
    // node:http under the address guard: undici alone would take the bundle past 1 MB.
    webhookVerifier: webhookPingVerifier(
      safeHttpPoster(new NodeSafeHttpClient({ allow: config.fetch.allow })),
      systemClock,
    ),
    confirmations:
      missing.length === 0
        ? deliveredConfirmations({
            deliveries,
            clock: systemClock,
            logger,
            dispatch: deliveryQueue && ((deliveryId) => deliveryQueue.send(JSON.stringify({ deliveryId }))),
          })
        : unconfiguredConfirmations(logger, missing),
    deliveries,
  };
  const options: AppOptions = {
    publicUrl: aws.publicUrl,
    origin,
    anonymousRateLimit: config.anonymousRateLimit,
    trustedProxies: config.trustedProxies,
    publicSignups: config.publicSignups,
    outboundAllow: config.fetch.allow,
    // Counted in a table every instance shares, so a limit holds however many instances run.
    rateLimiters: aws.rateLimitTable ? dynamoRateLimiters(new DynamoDB({}), aws.rateLimitTable) : undefined,
  };
  return { services, options };
}
