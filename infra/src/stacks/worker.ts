import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Schedule, ScheduleExpression } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { grantStore } from "../grants.ts";
import { HouseFunction } from "../house-function.ts";
import { acknowledge } from "../nag.ts";
import { CONSUMER_TIMEOUTS, type WorkQueue } from "./queues.ts";

export interface WorkerStackProps extends StackProps {
  table: ITableV2;
  fetchQueue: WorkQueue;
  alarmTopic: ITopic;
  pollSchedule: string;
  pollBatchSize: number;
}

/** Records fetched together by one fetch invocation. */
export const FETCH_BATCH_SIZE = 5;
/**
 * Fetch invocations at once: the least an SQS event source allows. Ingest is serial within
 * one invocation; across the two, story ids derive from the founding item, so a retried or
 * doubled item never founds a second story, and two outlets' first reports of one event
 * racing each other is the rare case left.
 */
export const FETCH_MAX_CONCURRENCY = 2;

/**
 * The poll tick (EventBridge Scheduler → poll function → fetch queue) and the fetch
 * consumer (fetch queue → fetch function, failed records retried alone).
 */
export class WorkerStack extends Stack {
  readonly poll: HouseFunction;
  readonly fetch: HouseFunction;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const fetchQueueEnv = {
      TREATYWATCH_FETCH_QUEUE_URL: props.fetchQueue.queue.queueUrl,
      TREATYWATCH_FETCH_DLQ_URL: props.fetchQueue.deadLetters.queueUrl,
    };

    this.poll = new HouseFunction(this, "Poll", {
      entry: "apps/worker/src/lambda/poll.ts",
      description: "treatywatch poll tick: due feeds to the fetch queue",
      timeout: Duration.seconds(30),
      memorySize: 256,
      alarmTopic: props.alarmTopic,
      environment: {
        TREATYWATCH_TABLE_NAME: props.table.tableName,
        TREATYWATCH_POLL_BATCH_SIZE: String(props.pollBatchSize),
        ...fetchQueueEnv,
      },
    });
    grantStore(this.poll, props.table, "read");
    props.fetchQueue.queue.grantSendMessages(this.poll);
    new Schedule(this, "PollTick", {
      description: "treatywatch poll tick",
      schedule: ScheduleExpression.expression(props.pollSchedule),
      // A missed tick is made up by the next one; retrying would only enqueue the same feeds twice.
      target: new LambdaInvoke(this.poll, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });
    const pollId = this.resolve(this.getLogicalId(this.poll.node.defaultChild as CfnFunction));
    acknowledge(this, [
      {
        id: `AwsSolutions-IAM5[Resource::<${pollId}.Arn>:*]`,
        reason: "The scheduler's role may invoke the poll function and its versions; nothing else.",
      },
    ]);

    this.fetch = new HouseFunction(this, "Fetch", {
      entry: "apps/worker/src/lambda/fetch.ts",
      description: "treatywatch fetch consumer: fetch, parse, classify, store",
      timeout: CONSUMER_TIMEOUTS.fetch,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      environment: { TREATYWATCH_TABLE_NAME: props.table.tableName, LOG_LEVEL: "info" },
    });
    grantStore(this.fetch, props.table, "readWrite");
    this.fetch.addEventSource(
      new SqsEventSource(props.fetchQueue.queue, {
        batchSize: FETCH_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: FETCH_MAX_CONCURRENCY,
      }),
    );
  }
}
