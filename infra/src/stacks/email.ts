import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from "aws-cdk-lib/aws-ses";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Topic } from "aws-cdk-lib/aws-sns";
import { SqsSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import type { HouseFunction } from "../house-function.ts";
import { queueConsumer } from "../queue-consumer.ts";
import { suppressManagedKey } from "./observability.ts";
import { WorkQueue } from "./queues.ts";

export interface EmailStackProps extends StackProps {
  senderAddress: string;
  alarmTopic: ITopic;
  /** Where the suppression list lives. */
  table: ITableV2;
}

/**
 * SES sending for alerts and digests: the sender identity, a configuration set that
 * keeps account-level suppression for bounces and complaints, and an SNS topic the
 * bounce, complaint and reject events go to. The topic feeds a queue the suppression
 * function consumes, so no event is lost while that function is down.
 */
export class EmailStack extends Stack {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  readonly feedbackTopic: Topic;
  readonly suppressions: WorkQueue;
  readonly suppressionHandler: HouseFunction;

  constructor(scope: Construct, id: string, props: EmailStackProps) {
    super(scope, id, props);
    this.identity = new EmailIdentity(this, "Sender", { identity: Identity.email(props.senderAddress) });
    this.configurationSet = new ConfigurationSet(this, "Sending", {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.feedbackTopic = new Topic(this, "Feedback", { displayName: "treatywatch email feedback", enforceSSL: true });
    suppressManagedKey(this.feedbackTopic);
    new ConfigurationSetEventDestination(this, "FeedbackDestination", {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.feedbackTopic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT],
    });
    this.suppressions = new WorkQueue(this, "Suppressions", {
      consumerTimeout: Duration.seconds(30),
      alarmTopic: props.alarmTopic,
      depthAlarmAt: 100,
    });
    // The SNS envelope is kept: the handler reads the event type and message from it.
    this.feedbackTopic.addSubscription(new SqsSubscription(this.suppressions.queue, { rawMessageDelivery: false }));

    this.suppressionHandler = queueConsumer(this, "Suppress", {
      entry: "apps/worker/src/lambda/suppressions.ts",
      description: "treatywatch email feedback: permanent bounces and complaints onto the suppression list",
      timeout: Duration.seconds(30),
      memorySize: 256,
      alarmTopic: props.alarmTopic,
      table: props.table,
      source: this.suppressions.queue,
      events: { batchSize: 10 },
    });
  }
}
