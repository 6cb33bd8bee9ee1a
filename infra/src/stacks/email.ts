import { CfnOutput, Duration, Fn, Stack, type StackProps } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  DkimIdentity,
  EasyDkimSigningKeyLength,
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
  /** Verify this whole domain with Easy DKIM (three CNAME records, in the outputs) instead of the address alone. */
  senderDomain?: string | undefined;
  alarmTopic: ITopic;
  /** Where the suppression list lives. */
  table: ITableV2;
}

/** SES's account-level reputation limits: above 10 % bounces or 0.5 % complaints SES may pause sending; these warn at half. */
export const REPUTATION_ALARMS = { "Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001 } as const;

/**
 * SES sending for alerts and digests: the sender identity (the address, or with
 * `senderDomain` the domain with Easy DKIM), a configuration set that
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
    this.identity = props.senderDomain
      ? new EmailIdentity(this, "SenderDomain", {
          identity: Identity.domain(props.senderDomain),
          dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
        })
      : new EmailIdentity(this, "Sender", { identity: Identity.email(props.senderAddress) });
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
      ageAlarmAt: Duration.hours(1),
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

    const action = new SnsAction(props.alarmTopic);
    for (const [metricName, threshold] of Object.entries(REPUTATION_ALARMS)) {
      new Alarm(this, metricName.replace("Reputation.", ""), {
        alarmDescription: `SES ${metricName} above ${threshold * 100} % (SES reviews the account at twice that)`,
        metric: new Metric({ namespace: "AWS/SES", metricName, period: Duration.hours(1), statistic: "Maximum" }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    }

    new CfnOutput(this, "SenderIdentity", {
      description: "the SES identity mail is sent from: verify it (a link mailed to the address, or the DKIM records)",
      value: this.identity.emailIdentityName,
    });
    new CfnOutput(this, "ConfigurationSetName", { value: this.configurationSet.configurationSetName });
    if (props.senderDomain) {
      const records = [1, 2, 3].map((n) => {
        const name = this.identity[`dkimDnsTokenName${n}` as "dkimDnsTokenName1"];
        const value = this.identity[`dkimDnsTokenValue${n}` as "dkimDnsTokenValue1"];
        return `${name} CNAME ${value}`;
      });
      new CfnOutput(this, "DkimRecords", {
        description: "add these three CNAME records to the domain's DNS; SES verifies the domain once it sees them",
        value: Fn.join(" ; ", records),
      });
    }
  }
}
