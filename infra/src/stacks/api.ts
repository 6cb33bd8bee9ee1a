import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { FunctionUrlOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { FunctionUrlAuthType, InvokeMode } from "aws-cdk-lib/aws-lambda";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { grantStore } from "../grants.ts";
import { HouseFunction } from "../house-function.ts";
import { type MailSender, mailEnvironment } from "../mail.ts";
import { acknowledge } from "../nag.ts";

export interface ApiStackProps extends StackProps, MailSender {
  table: ITableV2;
  alarmTopic: ITopic;
  /**
   * Where confirmation mail is queued: the API records it as a delivery and the deliver
   * function sends it through SES, retrying as it does alerts. The API itself mails nothing.
   */
  deliveryQueue: IQueue;
  /** Where every instance counts requests, so rate limits hold across instances. */
  rateLimits: ITableV2;
  /** Days the confirmation deliveries the API records are kept (TTL); 0 keeps them. */
  deliveryRetentionDays: number;
  /** The secret webhook signing secrets are sealed with; the API seals them when they are created or rotated. */
  webhookKey: ISecret;
  domainName?: string | undefined;
  certificateArn?: string | undefined;
  /**
   * The origin links point at, with a custom domain. Without one the function cannot be told
   * its own distribution's domain (that would be a cycle): it makes links on the host the
   * viewer asked for, which CloudFront's viewer-request function forwards.
   */
  publicUrl?: string | undefined;
}

/** The header CloudFront adds with the origin secret; the API refuses requests without it. */
export const ORIGIN_SECRET_HEADER = "x-treatywatch-origin";

/** CloudFront Functions code: the host the viewer asked for, forwarded (the function URL needs its own Host). */
export const FORWARD_HOST_CODE =
  "function handler(event) { var request = event.request; " +
  'request.headers["x-forwarded-host"] = { value: request.headers.host.value }; return request; }';

/**
 * The Hono app on Lambda behind a function URL, with CloudFront in front. The function URL
 * is public (CloudFront's origin access control would make every POST sign its body hash),
 * so the origin is closed by a secret: CloudFront sends it in a header, read from Secrets
 * Manager at deploy time, and the app refuses any request without it. Outputs: `ApiUrl`, `DocsUrl`.
 */
export class ApiStack extends Stack {
  readonly handler: HouseFunction;
  readonly distribution: Distribution;
  readonly originSecret: Secret;
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.originSecret = new Secret(this, "OriginSecret", {
      description:
        "treatywatch: CloudFront sends this in a header to the API function, which refuses requests without it",
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(this.originSecret, [
      {
        id: "AwsSolutions-SMG4",
        reason:
          "CloudFront reads it when the stack deploys: it is rotated by putting a new value and deploying the API stack again (docs/deploy.md), not by a rotation function.",
      },
    ]);
    this.handler = new HouseFunction(this, "Api", {
      entry: "apps/api/src/lambda.ts",
      description: "treatywatch HTTP API (Hono)",
      timeout: Duration.seconds(10),
      memorySize: 1024,
      alarmTopic: props.alarmTopic,
      environment: {
        TREATYWATCH_TABLE_NAME: props.table.tableName,
        // The secret's ARN only: the function reads the value itself, so it is in no template or environment.
        TREATYWATCH_SECRET_KEY_ARN: props.webhookKey.secretArn,
        TREATYWATCH_ORIGIN_SECRET_ARN: this.originSecret.secretArn,
        ...mailEnvironment(props),
        TREATYWATCH_DELIVERY_QUEUE_URL: props.deliveryQueue.queueUrl,
        TREATYWATCH_DELIVERY_RETENTION_DAYS: String(props.deliveryRetentionDays),
        TREATYWATCH_RATE_LIMIT_TABLE: props.rateLimits.tableName,
        ...(props.publicUrl ? { TREATYWATCH_PUBLIC_URL: props.publicUrl } : {}),
        // CloudFront appends the viewer's address to X-Forwarded-For; the function URL adds nothing.
        TREATYWATCH_TRUSTED_PROXIES: "1",
        LOG_LEVEL: "info",
      },
    });
    grantStore(this.handler, props.table, "readWrite");
    props.webhookKey.grantRead(this.handler);
    this.originSecret.grantRead(this.handler);
    props.deliveryQueue.grantSendMessages(this.handler);
    props.rateLimits.grant(this.handler, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");

    const url = this.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.BUFFERED });

    // Public lists cache for a minute; the key includes the API key, so one tenant never sees another's answer.
    const publicLists = new CachePolicy(this, "PublicLists", {
      defaultTtl: Duration.seconds(60),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.minutes(5),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      headerBehavior: CacheHeaderBehavior.allowList("authorization", "x-api-key"),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const origin = new FunctionUrlOrigin(url, {
      // A dynamic reference: the value is resolved by CloudFormation and is in no template.
      customHeaders: { [ORIGIN_SECRET_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
    });
    const forwardHost = new EdgeFunction(this, "ForwardHost", {
      comment: "treatywatch: forwards the viewer's host, so links point at the public URL",
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(FORWARD_HOST_CODE),
    });
    const functionAssociations = [{ function: forwardHost, eventType: FunctionEventType.VIEWER_REQUEST }];
    this.distribution = new Distribution(this, "Cdn", {
      comment: "treatywatch API and pages",
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate: props.certificateArn
        ? Certificate.fromCertificateArn(this, "Certificate", props.certificateArn)
        : undefined,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations,
      },
      additionalBehaviors: {
        "/v1/stories*": {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
          cachePolicy: publicLists,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations,
        },
      },
    });

    this.publicUrl = props.publicUrl ?? `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, "ApiUrl", { description: "the public URL: the API, pages and feeds", value: this.publicUrl });
    new CfnOutput(this, "DocsUrl", { description: "the API reference", value: `${this.publicUrl}/docs` });
    new CfnOutput(this, "DistributionDomainName", { value: this.distribution.distributionDomainName });

    acknowledge(this.distribution, [
      { id: "AwsSolutions-CFR1", reason: "News alerts are for readers anywhere; no country is blocked." },
      {
        id: "AwsSolutions-CFR2",
        reason:
          "The API limits each key's request rate itself; a WAF web ACL costs about $6 a month at rest and can be attached per deployment.",
      },
      {
        id: "AwsSolutions-CFR3",
        reason:
          "Requests are logged by the API function with their request ids; CloudFront standard logs need a bucket and are left to the deployment.",
      },
      {
        id: "AwsSolutions-CFR4",
        reason:
          "Without a custom domain CloudFront serves its default certificate, whose TLS floor cannot be raised; with one, TLS 1.2 (2021) is set.",
      },
    ]);
  }
}
