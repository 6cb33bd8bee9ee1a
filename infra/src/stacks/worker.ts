import { Aws, CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
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
  /** FIFO, one message group a story shard: the ingest function assigns each group's items in order. */
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
  /** Story assignment shards (message groups of the ingest queue). */
  ingestShards: number;
  /** Days items, and deliveries, are kept (TTL); 0 keeps them. */
  itemRetentionDays: number;
  deliveryRetentionDays: number;
  /** The SES sending rate, mails a second: the deliver function's batch and concurrency follow it. */
  sesSendRate: number;
  /** The dashboard's name. */
  dashboardName: string;
}

/** Records fetched together by one fetch invocation. */
export const FETCH_BATCH_SIZE = 5;
/** Fetch invocations at once: fetching fans out, story assignment does not (it is behind the ingest queue). */
export const FETCH_MAX_CONCURRENCY = 20;
/** Items one ingest invocation assigns, grouped by shard; the most a FIFO event source takes. */
export const INGEST_BATCH_SIZE = 10;
/** Story events matched by one invocation. */
export const MATCH_BATCH_SIZE = 10;

/**
 * The deliver function's batch size and concurrency for an SES sending rate (mails a second):
 * a batch's records are sent at once, so batch × concurrency stays near the rate (the event
 * source's floor is two at once). A send SES throttles all the same fails its attempt and is retried later.
 */
export function deliveryScaling(sesSendRate: number): { batchSize: number; maxConcurrency: number } {
  const batchSize = Math.max(1, Math.min(10, Math.floor(sesSendRate)));
  return { batchSize, maxConcurrency: Math.max(2, Math.min(1000, Math.floor(sesSendRate / batchSize))) };
}
/** How often deliveries that fell due (retries after backoff) are queued. */
export const RETRY_SCHEDULE = "rate(5 minutes)";

/**
 * The poll tick (EventBridge Scheduler → poll function → fetch queue), the fetch
 * consumers (fetch queue → fetch function, many at once, failed records retried alone;
 * they fetch, parse, normalise and classify, drop what is stored already and store what
 * joins no story) and the story shards (ingest FIFO queue, one message group a shard →
 * ingest function, one batch a group at a time; it assigns stories and sends story events
 * to the match queue), then delivery: the match consumer (story
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
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const fetchQueueEnv = {
      TREATYWATCH_FETCH_QUEUE_URL: props.fetchQueue.queue.queueUrl,
      TREATYWATCH_FETCH_DLQ_URL: props.fetchQueue.deadLetters.queueUrl,
    };

    this.poll = new HouseFunction(this, "Poll", {
      entry: "apps/worker/src/lambda/poll.ts",
      description: "treatywatch poll tick: due feeds to the fetch queue",
      timeout: Duration.minutes(2),
      memorySize: 512,
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

    const shardEnv = {
      TREATYWATCH_INGEST_SHARDS: String(props.ingestShards),
      TREATYWATCH_ITEM_RETENTION_DAYS: String(props.itemRetentionDays),
    };
    const deliveryRetention = { TREATYWATCH_DELIVERY_RETENTION_DAYS: String(props.deliveryRetentionDays) };
    // Reads the feed and records its health; stores items that join no story; new relevant items go to their shard.
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
      environment: { TREATYWATCH_INGEST_QUEUE_URL: props.ingestQueue.queue.queueUrl, ...shardEnv },
    });

    // One message group a shard: Lambda runs one batch of a group at a time, so at most one invocation a shard.
    this.ingest = queueConsumer(this, "Ingest", {
      entry: "apps/worker/src/lambda/ingest.ts",
      description: "treatywatch ingest: story assignment, one message group a shard; story events to the match queue",
      timeout: CONSUMER_TIMEOUTS.ingest,
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.ingestQueue.queue,
      events: { batchSize: INGEST_BATCH_SIZE },
      sendsTo: props.matchQueue.queue,
      environment: { TREATYWATCH_MATCH_QUEUE_URL: props.matchQueue.queue.queueUrl, ...shardEnv },
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
      environment: { ...deliveryQueueEnv, ...deliveryRetention },
    });
    const scaling = deliveryScaling(props.sesSendRate);

    this.deliver = queueConsumer(this, "Deliver", {
      entry: "apps/worker/src/lambda/deliver.ts",
      description: "treatywatch deliver consumer: signed webhooks and SES mail, one attempt a record",
      timeout: CONSUMER_TIMEOUTS.delivery,
      memorySize: 512,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: props.deliveryQueue.queue,
      events: {
        batchSize: scaling.batchSize,
        maxConcurrency: scaling.maxConcurrency,
        maxBatchingWindow: Duration.seconds(1),
      },
      environment: {
        ...mailEnvironment(props),
        ...deliveryRetention,
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
        ...deliveryRetention,
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

    const action = new SnsAction(props.alarmTopic);
    for (const metricName of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
      new Alarm(this, `Table${metricName}`, {
        alarmDescription: `the table: ${metricName} in the last 5 minutes (on-demand capacity is doubling, or a hot key)`,
        metric: props.table.metric(metricName, { period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    }
    this.dashboard = this.buildDashboard(props);
    new CfnOutput(this, "DashboardName", { value: this.dashboard.dashboardName });
    new CfnOutput(this, "DashboardUrl", {
      description: "queues, functions and the table at a glance",
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${props.dashboardName}`,
    });
  }

  /** Each queue's backlog and oldest message, each function's errors and run time, the table's throttles. */
  private buildDashboard(props: WorkerStackProps): Dashboard {
    const five = { period: Duration.minutes(5) };
    const queues = {
      fetch: props.fetchQueue,
      ingest: props.ingestQueue,
      match: props.matchQueue,
      delivery: props.deliveryQueue,
    };
    const functions = [this.poll, this.fetch, this.ingest, this.match, this.deliver, this.deliveryTick];
    const widget = (title: string, left: IMetric[]) => new GraphWidget({ title, left, width: 12 });
    const dashboard = new Dashboard(this, "Dashboard", { dashboardName: props.dashboardName });
    dashboard.addWidgets(
      widget(
        "messages waiting",
        Object.values(queues).map((work) => work.queue.metricApproximateNumberOfMessagesVisible(five)),
      ),
      widget(
        "oldest message (s)",
        Object.values(queues).map((work) => work.queue.metricApproximateAgeOfOldestMessage(five)),
      ),
      widget(
        "function errors",
        functions.map((fn) => fn.metricErrors(five)),
      ),
      widget(
        "function duration (p99, ms)",
        functions.map((fn) => fn.metricDuration({ ...five, statistic: "p99" })),
      ),
      widget("table throttles", [
        props.table.metric("ReadThrottleEvents", { ...five, statistic: "Sum" }),
        props.table.metric("WriteThrottleEvents", { ...five, statistic: "Sum" }),
      ]),
    );
    return dashboard;
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
