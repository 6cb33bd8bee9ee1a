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
  /** FIFO, one message group: the single writer of story assignment consumes it. */
  ingestQueue: WorkQueue;
  matchQueue: WorkQueue;
  alarmTopic: ITopic;
  pollSchedule: string;
  pollBatchSize: number;
}

/** Records fetched together by one fetch invocation. */
export const FETCH_BATCH_SIZE = 5;
/** Fetch invocations at once: fetching fans out, story assignment does not (it is behind the ingest queue). */
export const FETCH_MAX_CONCURRENCY = 20;
/** Prepared items one ingest invocation assigns, in order; the most a FIFO event source takes. */
export const INGEST_BATCH_SIZE = 10;

/**
 * The poll tick (EventBridge Scheduler → poll function → fetch queue), the fetch
 * consumers (fetch queue → fetch function, many at once, failed records retried alone;
 * they fetch, parse, normalise and classify) and the single ingest writer (ingest FIFO
 * queue, one message group → ingest function, one batch at a time; it assigns stories
 * and sends story events to the match queue).
 */
export class WorkerStack extends Stack {
  readonly poll: HouseFunction;
  readonly fetch: HouseFunction;
  readonly ingest: HouseFunction;

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
      description: "treatywatch fetch consumer: fetch, parse, classify, hand items to the ingest queue",
      timeout: CONSUMER_TIMEOUTS.fetch,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      environment: {
        TREATYWATCH_TABLE_NAME: props.table.tableName,
        TREATYWATCH_INGEST_QUEUE_URL: props.ingestQueue.queue.queueUrl,
        LOG_LEVEL: "info",
      },
    });
    // Reads the feed and records its health; items reach the table only through the ingest function.
    grantStore(this.fetch, props.table, "readWrite");
    props.ingestQueue.queue.grantSendMessages(this.fetch);
    this.fetch.addEventSource(
      new SqsEventSource(props.fetchQueue.queue, {
        batchSize: FETCH_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: FETCH_MAX_CONCURRENCY,
      }),
    );

    this.ingest = new HouseFunction(this, "Ingest", {
      entry: "apps/worker/src/lambda/ingest.ts",
      description: "treatywatch ingest: the single writer of story assignment; story events to the match queue",
      timeout: CONSUMER_TIMEOUTS.ingest,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      environment: {
        TREATYWATCH_TABLE_NAME: props.table.tableName,
        TREATYWATCH_MATCH_QUEUE_URL: props.matchQueue.queue.queueUrl,
        LOG_LEVEL: "info",
      },
    });
    grantStore(this.ingest, props.table, "readWrite");
    props.matchQueue.queue.grantSendMessages(this.ingest);
    // One message group: Lambda runs one batch of it at a time, so no reserved concurrency is needed.
    this.ingest.addEventSource(
      new SqsEventSource(props.ingestQueue.queue, { batchSize: INGEST_BATCH_SIZE, reportBatchItemFailures: true }),
    );
  }
}
