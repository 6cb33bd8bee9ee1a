import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { loadAwsConfig, loadConfig } from "@treatywatch/config";
import { powertoolsLogger } from "@treatywatch/config/powertools";
import { systemClock } from "@treatywatch/core";
import { AesGcmSecretBox, sealedSigningSecrets } from "@treatywatch/notify";
import { DynamoDeliveryStore, DynamoKeyStore, DynamoStore, DynamoSubscriptionStore } from "@treatywatch/store/dynamodb";
import type { Services } from "./lib/env.ts";

/** Answers every call with an error naming the port, so a route that needs it fails loudly with a 500. */
function notOnAws<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`${port}.${String(method)} has no AWS adapter yet`)),
  });
}

/** The API function's services, built once per cold start; the only reader of its environment. */
export function lambdaServices(): Services {
  const config = loadConfig(process.env);
  const aws = loadAwsConfig(process.env);
  const table = { client: new DynamoDBClient({}), tableName: aws.tableName };
  return {
    store: new DynamoStore(table),
    logger: powertoolsLogger(config.logLevel).logger,
    clock: systemClock,
    keys: new DynamoKeyStore(table),
    // With TREATYWATCH_SECRET_KEY set, webhook signing secrets are sealed before they are stored.
    subscriptions: config.secrets.current
      ? sealedSigningSecrets(
          new DynamoSubscriptionStore(table),
          new AesGcmSecretBox(config.secrets.current, config.secrets.old),
        )
      : new DynamoSubscriptionStore(table),
    webhookVerifier: notOnAws("WebhookVerifier"),
    confirmations: notOnAws("ConfirmationSender"),
    deliveries: new DynamoDeliveryStore(table),
  };
}
