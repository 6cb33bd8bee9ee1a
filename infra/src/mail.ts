import { Stack } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IConfigurationSet, IEmailIdentity } from "aws-cdk-lib/aws-ses";
import { Construct } from "constructs";
import { acknowledge } from "./nag.ts";

/** Mail goes out from this address, through this identity and configuration set. */
export interface MailSender {
  mailFrom: string;
  sesIdentity: IEmailIdentity;
  configurationSet: IConfigurationSet;
}

/** The settings a function that mails through SES reads (see packages/config/src/aws.ts). */
export function mailEnvironment(sender: MailSender): Record<string, string> {
  return {
    TREATYWATCH_MAIL_FROM: sender.mailFrom,
    TREATYWATCH_SES_CONFIGURATION_SET: sender.configurationSet.configurationSetName,
  };
}

/**
 * SendEmail through the configuration set, from the sender address only, and nothing else. SES
 * authorises a send against every identity it involves: the sender's, and in the sandbox each
 * recipient's verified identity too, so the identities are `identity/*`, held to the sender by
 * the `ses:FromAddress` condition.
 */
export function grantSendMail(grantee: IGrantable, sender: MailSender): void {
  const stack = Stack.of(sender.configurationSet);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ["ses:SendEmail"],
      resources: [
        stack.formatArn({ service: "ses", resource: "identity", resourceName: "*" }),
        stack.formatArn({
          service: "ses",
          resource: "configuration-set",
          resourceName: sender.configurationSet.configurationSetName,
        }),
      ],
      conditions: { StringEquals: { "ses:FromAddress": sender.mailFrom } },
    }),
  );
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal)) return;
  acknowledge(principal, [
    {
      id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]",
      reason:
        "SES authorises each send against the recipients' identities too while the account is in the sandbox; the ses:FromAddress condition holds every send to the sender address.",
    },
  ]);
}
