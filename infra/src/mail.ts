import { Stack } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IConfigurationSet, IEmailIdentity } from "aws-cdk-lib/aws-ses";

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

/** SendEmail from the sender identity through the configuration set, and nothing else. */
export function grantSendMail(grantee: IGrantable, sender: MailSender): void {
  const stack = Stack.of(sender.configurationSet);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ["ses:SendEmail"],
      resources: [
        sender.sesIdentity.emailIdentityArn,
        stack.formatArn({
          service: "ses",
          resource: "configuration-set",
          resourceName: sender.configurationSet.configurationSetName,
        }),
      ],
    }),
  );
}
