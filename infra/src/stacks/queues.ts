import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
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
  /** A FIFO queue (and dead-letter queue): order kept, duplicates dropped by deduplication id. */
  fifo?: boolean;
}

/** A queue, its dead-letter queue, an alarm on the backlog and one on any dead letter. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    this.deadLetters = new Queue(this, "DeadLetters", {
      ...fifo,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, "Queue", {
      ...fifo,
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

/**
 * fetch (one message a feed), ingest (one a prepared item; FIFO, so story assignment
 * has a single writer), match (one a changed story), delivery (one a send).
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
      }),
      ingest: new WorkQueue(this, "Ingest", {
        consumerTimeout: CONSUMER_TIMEOUTS.ingest,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.ingest,
        fifo: true,
      }),
      match: new WorkQueue(this, "Match", {
        consumerTimeout: CONSUMER_TIMEOUTS.match,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.match,
      }),
      delivery: new WorkQueue(this, "Delivery", {
        consumerTimeout: CONSUMER_TIMEOUTS.delivery,
        alarmTopic: props.alarmTopic,
        depthAlarmAt: depth.delivery,
      }),
    };
  }
}
