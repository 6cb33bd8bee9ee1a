import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledge } from "../nag.ts";

/** Each queue's consumer timeout; the queue hides a message six times as long, as Lambda advises. */
export const CONSUMER_TIMEOUTS = {
  fetch: Duration.seconds(90),
  ingest: Duration.seconds(60),
  match: Duration.seconds(30),
  delivery: Duration.seconds(30),
} as const;

export type QueueName = keyof typeof CONSUMER_TIMEOUTS;

/** Receives before a message moves to the dead-letter queue. */
export const MAX_RECEIVES = 5;

export interface WorkQueueProps {
  consumerTimeout: Duration;
  alarmTopic: ITopic;
  /** Messages waiting before the depth alarm fires. */
  depthAlarmAt: number;
  /** The age of the oldest message at which the age alarm fires: work is falling behind. */
  ageAlarmAt: Duration;
  /**
   * A FIFO queue (and dead-letter queue): order kept within a message group, duplicates dropped
   * by deduplication id; high throughput, so each group has its own send and receive quota.
   */
  fifo?: boolean;
}

/** A queue, its dead-letter queue, an alarm on the backlog and one on any dead letter. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    const highThroughput = props.fifo
      ? {
          deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
          fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        }
      : {};
    this.deadLetters = new Queue(this, "DeadLetters", {
      ...fifo,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, "Queue", {
      ...fifo,
      ...highThroughput,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });
    acknowledge(this.deadLetters, [
      { id: "AwsSolutions-SQS3", reason: "This is the dead-letter queue of its work queue; it needs none of its own." },
    ]);

    const action = new SnsAction(props.alarmTopic);
    new Alarm(this, "DepthAlarm", {
      alarmDescription: `${id}: more than ${props.depthAlarmAt} messages waiting for 15 minutes`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: props.depthAlarmAt,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
    new Alarm(this, "AgeAlarm", {
      alarmDescription: `${id}: the oldest message has waited more than ${props.ageAlarmAt.toHumanString()}`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: "Maximum" }),
      threshold: props.ageAlarmAt.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
    new Alarm(this, "DeadLetterAlarm", {
      alarmDescription: `${id}: a message gave up after ${MAX_RECEIVES} receives`,
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
  }
}

export interface QueuesStackProps extends StackProps {
  alarmTopic: ITopic;
}

/** How long a message may wait in each queue before its age alarm fires. */
export const AGE_ALARMS = {
  fetch: Duration.minutes(15),
  ingest: Duration.minutes(10),
  match: Duration.minutes(10),
  delivery: Duration.minutes(30),
} as const;

/**
 * fetch (one message a feed), ingest (one a new relevant item; FIFO, one message group a story
 * shard), match (one a changed story), delivery (one a send). Each queue's name and its
 * dead-letter queue's are stack outputs (`FetchQueueName`, `FetchDeadLetterQueueName` ...).
 */
export class QueuesStack extends Stack {
  readonly queues: Record<QueueName, WorkQueue>;

  constructor(scope: Construct, id: string, props: QueuesStackProps) {
    super(scope, id, props);
    const depth: Record<QueueName, number> = { fetch: 2_000, ingest: 5_000, match: 500, delivery: 1_000 };
    this.queues = {
      fetch: new WorkQueue(this, "Fetch", {
        consumerTimeout: CONSUMER_TIMEOUTS.fetch,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.fetch,
        ageAlarmAt: AGE_ALARMS.fetch,
      }),
      ingest: new WorkQueue(this, "Ingest", {
        consumerTimeout: CONSUMER_TIMEOUTS.ingest,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.ingest,
        ageAlarmAt: AGE_ALARMS.ingest,
        fifo: true,
      }),
      match: new WorkQueue(this, "Match", {
        consumerTimeout: CONSUMER_TIMEOUTS.match,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.match,
        ageAlarmAt: AGE_ALARMS.match,
      }),
      delivery: new WorkQueue(this, "Delivery", {
        consumerTimeout: CONSUMER_TIMEOUTS.delivery,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.delivery,
        ageAlarmAt: AGE_ALARMS.delivery,
      }),
    };
    for (const [name, work] of Object.entries(this.queues)) {
      const title = `${name[0]?.toUpperCase()}${name.slice(1)}`;
      new CfnOutput(this, `${title}QueueName`, {
        description: `the ${name} queue`,
        value: work.queue.queueName,
      });
      new CfnOutput(this, `${title}DeadLetterQueueName`, {
        description: `the ${name} queue's dead letters`,
        value: work.deadLetters.queueName,
      });
    }
  }
}
