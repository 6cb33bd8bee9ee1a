import { Stack, type StackProps } from "aws-cdk-lib";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { acknowledge } from "../nag.ts";

export interface ObservabilityStackProps extends StackProps {
  alarmEmail?: string | undefined;
}

/**
 * Where alarms go. Every other stack alarms into this topic: functions on errors and
 * throttles, queues on depth and on dead letters. Functions log JSON lines to their
 * own log groups, kept a month.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps = {}) {
    super(scope, id, props);
    this.alarmTopic = new Topic(this, "Alarms", { displayName: "treatywatch alarms", enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    suppressManagedKey(this.alarmTopic);
  }
}

/** Shared by the stacks whose topics CloudWatch or SES publish to. */
export function suppressManagedKey(topic: Topic): void {
  acknowledge(topic, [
    {
      id: "AwsSolutions-SNS2",
      reason:
        "Alarm and SES notifications carry no personal data beyond an address; the AWS managed SNS key cannot be used by CloudWatch or SES publishers, and a customer key costs $1 a month each.",
    },
  ]);
}
