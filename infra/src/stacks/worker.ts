import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { grantStore } from "../grants.ts";
import { HouseFunction } from "../house-function.ts";
import { grantSendMail, type MailSender, mailEnvironment } from "../mail.ts";
import { acknowledge } from "../nag.ts";
import { queueConsumer } from "../queue-consumer.ts";
import { CONSUMER_TIMEOUTS, type WorkQueue } from "./queues.ts";

export interface WorkerStackProps extends StackProps, MailSender {
  table: ITableV2;
  fetchQueue: WorkQueue;
  /** FIFO, one message group: the single writer of story assignment consumes it. */
  ingestQueue: WorkQueue;
  matchQueue: WorkQueue;
  deliveryQueue: WorkQueue;
  alarmTopic: ITopic;
  pollSchedule: string;
  pollBatchSize: number;
  /** When digests are built (EventBridge Scheduler expression). */
  digestSchedule: string;
  /** The API's public origin, for unsubscribe links in mail. */
  publicUrl: string;
  /** The secret webhook signing secrets are sealed with; only the deliver function opens them. */
  webhookKey: ISecret;
}

/** Records fetched together by one fetch invocation. */
export const FETCH_BATCH_SIZE = 5;
/** Fetch invocations at once: fetching fans out, story assignment does not (it is behind the ingest queue). */
export const FETCH_MAX_CONCURRENCY = 20;
/** Prepared items one ingest invocation assigns, in order; the most a FIFO event source takes. */
export const INGEST_BATCH_SIZE = 10;
/** Story events matched, and deliveries sent, by one invocation. */
export const MATCH_BATCH_SIZE = 10;
export const DELIVERY_BATCH_SIZE = 10;
/** How often deliveries that fell due (retries after backoff) are queued. */
export const RETRY_SCHEDULE = "rate(5 minutes)";

/**
 * The poll tick (EventBridge Scheduler → poll function → fetch queue), the fetch
 * consumers (fetch queue → fetch function, many at once, failed records retried alone;
 * they fetch, parse, normalise and classify) and the single ingest writer (ingest FIFO
 * queue, one message group → ingest function, one batch at a time; it assigns stories
 * and sends story events to the match queue), then delivery: the match consumer (story
 * events → one delivery per instant subscriber → delivery queue), the deliver consumer
 * (webhooks and SES mail, failed records retried alone) and the delivery tick (digests
 * on the digest schedule, due retries every five minutes).
 */
export class WorkerStack extends Stack {
  readonly poll: HouseFunction;
  readonly fetch: HouseFunction;
  readonly ingest: HouseFunction;
  readonly match: HouseFunction;
  readonly deliver: HouseFunction;
  readonly deliveryTick: HouseFunction;

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
    this.acknowledgeScheduler(this.poll, "poll");

    // Reads the feed and records its health; items reach the table only through the ingest function.
    this.fetch = queueConsumer(this, "Fetch", {
      entry: "apps/worker/src/lambda/fetch.ts",
      description: "treatywatch fetch consumer: fetch, parse, classify, hand items to the ingest queue",
      timeout: CONSUMER_TIMEOUTS.fetch,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.fetchQueue.queue,
      events: {
        batchSize: FETCH_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: FETCH_MAX_CONCURRENCY,
      },
      sendsTo: props.ingestQueue.queue,
      environment: { TREATYWATCH_INGEST_QUEUE_URL: props.ingestQueue.queue.queueUrl },
    });

    // One message group: Lambda runs one batch of it at a time, so no reserved concurrency is needed.
    this.ingest = queueConsumer(this, "Ingest", {
      entry: "apps/worker/src/lambda/ingest.ts",
      description: "treatywatch ingest: the single writer of story assignment; story events to the match queue",
      timeout: CONSUMER_TIMEOUTS.ingest,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.ingestQueue.queue,
      events: { batchSize: INGEST_BATCH_SIZE },
      sendsTo: props.matchQueue.queue,
      environment: { TREATYWATCH_MATCH_QUEUE_URL: props.matchQueue.queue.queueUrl },
    });

    const deliveryQueueEnv = { TREATYWATCH_DELIVERY_QUEUE_URL: props.deliveryQueue.queue.queueUrl };
    this.match = queueConsumer(this, "Match", {
      entry: "apps/worker/src/lambda/match.ts",
      description: "treatywatch match consumer: story events to one delivery per instant subscriber",
      timeout: CONSUMER_TIMEOUTS.match,
      memorySize: 512,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.matchQueue.queue,
      events: { batchSize: MATCH_BATCH_SIZE, maxBatchingWindow: Duration.seconds(1) },
      sendsTo: props.deliveryQueue.queue,
      environment: deliveryQueueEnv,
    });

    this.deliver = queueConsumer(this, "Deliver", {
      entry: "apps/worker/src/lambda/deliver.ts",
      description: "treatywatch deliver consumer: signed webhooks and SES mail, one attempt a record",
      timeout: CONSUMER_TIMEOUTS.delivery,
      memorySize: 512,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.deliveryQueue.queue,
      events: { batchSize: DELIVERY_BATCH_SIZE, maxBatchingWindow: Duration.seconds(1) },
      environment: {
        ...mailEnvironment(props),
        TREATYWATCH_PUBLIC_URL: props.publicUrl,
        TREATYWATCH_SECRET_KEY_ARN: props.webhookKey.secretArn,
      },
    });
    props.webhookKey.grantRead(this.deliver);
    grantSendMail(this.deliver, props);

    this.deliveryTick = new HouseFunction(this, "DeliveryTick", {
      entry: "apps/worker/src/lambda/tick.ts",
      description: "treatywatch delivery tick: due digests on the digest schedule, due retries every few minutes",
      timeout: Duration.minutes(2),
      memorySize: 512,
      alarmTopic: props.alarmTopic,
      environment: {
        TREATYWATCH_TABLE_NAME: props.table.tableName,
        TREATYWATCH_PUBLIC_URL: props.publicUrl,
        ...deliveryQueueEnv,
        LOG_LEVEL: "info",
      },
    });
    grantStore(this.deliveryTick, props.table, "readWrite");
    props.deliveryQueue.queue.grantSendMessages(this.deliveryTick);
    new Schedule(this, "DigestTick", {
      description: "treatywatch digest tick",
      schedule: ScheduleExpression.expression(props.digestSchedule),
      // A digest is built once per period however often the tick runs, so retrying is safe.
      target: new LambdaInvoke(this.deliveryTick, {
        input: ScheduleTargetInput.fromObject({ task: "digests" }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
      }),
    });
    new Schedule(this, "RetryTick", {
      description: "treatywatch retry tick",
      schedule: ScheduleExpression.expression(RETRY_SCHEDULE),
      target: new LambdaInvoke(this.deliveryTick, {
        input: ScheduleTargetInput.fromObject({ task: "retries" }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
    this.acknowledgeScheduler(this.deliveryTick, "delivery tick");
  }

  private acknowledgeScheduler(target: HouseFunction, name: string): void {
    const id = this.resolve(this.getLogicalId(target.node.defaultChild as CfnFunction));
    acknowledge(this, [
      {
        id: `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`,
        reason: `The scheduler's role may invoke the ${name} function and its versions; nothing else.`,
      },
    ]);
  }
}
