import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type AwsConfig, type Config, jsonLineLogger, loadAwsConfig, loadConfig } from "@treatywatch/config";
import { type Clock, type Logger, systemClock } from "@treatywatch/core";
import { type Queue, SqsQueue } from "@treatywatch/queue/sqs";
import { DynamoStore } from "@treatywatch/store/dynamodb";

export interface LambdaRuntime {
  aws: AwsConfig;
  /** Fetch limits and User-Agent; the fetch function builds its HTTP client from these. */
  fetch: Config["fetch"];
  store: DynamoStore;
  clock: Clock;
  logger: Logger;
  fetchQueue(): Queue;
}

let runtime: LambdaRuntime | undefined;

/** The worker functions' composition root, built once per cold start; the only reader of the environment. */
export function lambdaRuntime(): LambdaRuntime {
  if (runtime) return runtime;
  const config = loadConfig(process.env);
  const aws = loadAwsConfig(process.env);
  const logger = jsonLineLogger(config.logLevel);
  const store = new DynamoStore({ client: new DynamoDBClient({}), tableName: aws.tableName });
  let fetchQueue: Queue | undefined;
  runtime = {
    aws,
    store,
    fetch: config.fetch,
    clock: systemClock,
    logger,
    fetchQueue() {
      if (!aws.fetchQueueUrl) throw new Error("TREATYWATCH_FETCH_QUEUE_URL is not set for this function");
      fetchQueue ??= new SqsQueue(new SQSClient({}), {
        queueUrl: aws.fetchQueueUrl,
        deadLetterQueueUrl: aws.fetchDeadLetterQueueUrl ?? aws.fetchQueueUrl,
      });
      return fetchQueue;
    },
  };
  return runtime;
}
