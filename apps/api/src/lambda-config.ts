import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type Config, loadAwsConfig, loadConfig } from "@treatywatch/config";
import { powertoolsLogger } from "@treatywatch/config/powertools";
import { deferredBox, readSecretKeys, type SecretValueClient } from "@treatywatch/config/secret-key";
import { type SecretBox, systemClock } from "@treatywatch/core";
import { AesGcmSecretBox, sealedSigningSecrets } from "@treatywatch/notify";
import { DynamoDeliveryStore, DynamoKeyStore, DynamoStore, DynamoSubscriptionStore } from "@treatywatch/store/dynamodb";
import type { Services } from "./lib/env.ts";

/** Answers every call with an error naming the port, so a route that needs it fails loudly with a 500. */
function notOnAws<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`${port}.${String(method)} has no AWS adapter yet`)),
  });
}

/**
 * The key that seals webhook signing secrets: from the Secrets Manager secret the deployment
 * names (read on first use, once per cold start; its previous version still opens), else
 * TREATYWATCH_SECRET_KEY; undefined when neither is set, and secrets are stored as given.
 */
export function apiSecretBox(
  secrets: Config["secrets"],
  secretKeyArn: string | undefined,
  client: () => SecretValueClient = () => new SecretsManagerClient({}),
): SecretBox | undefined {
  if (secretKeyArn) {
    return deferredBox(async () => {
      const keys = await readSecretKeys(client(), secretKeyArn, secrets.old);
      return new AesGcmSecretBox(keys.current, keys.old);
    });
  }
  return secrets.current ? new AesGcmSecretBox(secrets.current, secrets.old) : undefined;
}

/** The API function's services, built once per cold start; the only reader of its environment. */
export function lambdaServices(): Services {
  const config = loadConfig(process.env);
  const aws = loadAwsConfig(process.env);
  const table = { client: new DynamoDBClient({}), tableName: aws.tableName };
  const secretBox = apiSecretBox(config.secrets, aws.secretKeyArn);
  return {
    store: new DynamoStore(table),
    logger: powertoolsLogger(config.logLevel).logger,
    clock: systemClock,
    keys: new DynamoKeyStore(table),
    // With a key, webhook signing secrets are sealed before they are stored.
    subscriptions: secretBox
      ? sealedSigningSecrets(new DynamoSubscriptionStore(table), secretBox)
      : new DynamoSubscriptionStore(table),
    webhookVerifier: notOnAws("WebhookVerifier"),
    confirmations: notOnAws("ConfirmationSender"),
    deliveries: new DynamoDeliveryStore(table),
  };
}
