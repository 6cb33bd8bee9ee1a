import { Duration, Stack, type StackProps } from "aws-cdk-lib";
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
import { suppressManagedKey } from "./observability.ts";
import { WorkQueue } from "./queues.ts";

export interface EmailStackProps extends StackProps {
  senderAddress: string;
  alarmTopic: ITopic;
}

/**
 * SES sending for alerts and digests: the sender identity, a configuration set that
 * keeps account-level suppression for bounces and complaints, and an SNS topic the
 * bounce, complaint and reject events go to. The topic feeds a queue the suppression
 * handler consumes, so no event is lost while that handler is down.
 */
export class EmailStack extends Stack {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  readonly feedbackTopic: Topic;
  readonly suppressions: WorkQueue;

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
    this.feedbackTopic.addSubscription(new SqsSubscription(this.suppressions.queue, { rawMessageDelivery: true }));
  }
}
