import { describe, expect, it } from "vitest";
import { loadAwsConfig } from "./aws.ts";
import { ConfigError } from "./config.ts";

describe("loadAwsConfig", () => {
  it("reads the table, the fetch queues and the poll batch size", () => {
    const config = loadAwsConfig({
      TREATYWATCH_TABLE_NAME: "treatywatch",
      TREATYWATCH_FETCH_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/fetch",
      TREATYWATCH_POLL_BATCH_SIZE: "50",
    });

    expect(config).toEqual({
      tableName: "treatywatch",
      fetchQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/fetch",
      fetchDeadLetterQueueUrl: undefined,
      pollBatchSize: 50,
      ingestQueueUrl: undefined,
      matchQueueUrl: undefined,
      deliveryQueueUrl: undefined,
      mailFrom: undefined,
      sesConfigurationSet: undefined,
      publicUrl: undefined,
      secretKeyArn: undefined,
      ingestShards: 4,
      itemRetentionDays: 0,
      deliveryRetentionDays: 0,
      originSecretArn: undefined,
    });
  });

  it("reads the story shards, the retention periods and the origin secret", () => {
    const config = loadAwsConfig({
      TREATYWATCH_TABLE_NAME: "treatywatch",
      TREATYWATCH_INGEST_SHARDS: "8",
      TREATYWATCH_ITEM_RETENTION_DAYS: "365",
      TREATYWATCH_DELIVERY_RETENTION_DAYS: "90",
      TREATYWATCH_ORIGIN_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf",
    });

    expect(config).toMatchObject({ ingestShards: 8, itemRetentionDays: 365, deliveryRetentionDays: 90 });
    expect(() => loadAwsConfig({ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_INGEST_SHARDS: "0" })).toThrow(
      "TREATYWATCH_INGEST_SHARDS",
    );
  });

  it("reads the delivery stages' queues and mail settings", () => {
    const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;

    const config = loadAwsConfig({
      TREATYWATCH_TABLE_NAME: "treatywatch",
      TREATYWATCH_INGEST_QUEUE_URL: queue("ingest.fifo"),
      TREATYWATCH_MATCH_QUEUE_URL: queue("match"),
      TREATYWATCH_DELIVERY_QUEUE_URL: queue("delivery"),
      TREATYWATCH_MAIL_FROM: "alerts@example.org",
      TREATYWATCH_SES_CONFIGURATION_SET: "sending",
      TREATYWATCH_PUBLIC_URL: "https://alerts.example.org",
    });

    expect(config).toMatchObject({
      ingestQueueUrl: queue("ingest.fifo"),
      matchQueueUrl: queue("match"),
      deliveryQueueUrl: queue("delivery"),
      mailFrom: "alerts@example.org",
      sesConfigurationSet: "sending",
      publicUrl: "https://alerts.example.org",
    });
  });

  it.each([
    [{}, "TREATYWATCH_TABLE_NAME"],
    [{ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_FETCH_QUEUE_URL: "not a url" }, "TREATYWATCH_FETCH_QUEUE_URL"],
    [{ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_POLL_BATCH_SIZE: "-1" }, "TREATYWATCH_POLL_BATCH_SIZE"],
    [{ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_MAIL_FROM: "nobody" }, "TREATYWATCH_MAIL_FROM"],
  ])("names the variable at fault in %j", (env, variable) => {
    expect(() => loadAwsConfig(env)).toThrow(ConfigError);
    expect(() => loadAwsConfig(env)).toThrow(variable);
  });
});
