import { readdirSync, readFileSync } from "node:fs";
import type { CfnResource } from "aws-cdk-lib";
import { App, type Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { type CfnQueue, Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTreatywatch, type TreatywatchStacks } from "./app.ts";
import { STORE_ACTIONS } from "./grants.ts";
import { paramsFromContext } from "./params.ts";
import { FORWARD_HOST_CODE, ORIGIN_SECRET_HEADER } from "./stacks/api.ts";
import { AGE_ALARMS, CONSUMER_TIMEOUTS, MAX_RECEIVES } from "./stacks/queues.ts";
import {
  deliveryScaling,
  FETCH_BATCH_SIZE,
  FETCH_MAX_CONCURRENCY,
  INGEST_BATCH_SIZE,
  MATCH_BATCH_SIZE,
  RETRY_SCHEDULE,
} from "./stacks/worker.ts";

/** A stack's own outputs, without the exports CDK adds for references between stacks. */
const outputNames = (template: Template) =>
  Object.keys(template.toJSON().Outputs ?? {}).filter((name) => !name.startsWith("ExportsOutput"));

/** Context that skips esbuild: these tests read templates, `npm run synth` bundles. */
function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { "aws:cdk:bundling-stacks": [], "treatywatch:alarmEmail": "ops@example.org", ...context },
  });
}

let app: App;
let stacks: TreatywatchStacks;
const templates = {} as Record<keyof TreatywatchStacks, Template>;

beforeAll(() => {
  app = testApp();
  stacks = buildTreatywatch(app, paramsFromContext(app.node));
  for (const [name, stack] of Object.entries(stacks) as Array<[keyof TreatywatchStacks, Stack]>) {
    templates[name] = Template.fromStack(stack);
  }
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function statementsOf(template: Template): Statement[] {
  return Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

function policyOfRole(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.values(policies)
    .filter((policy) =>
      JSON.stringify((policy as { Properties: { Roles: unknown } }).Properties.Roles).includes(rolePrefix),
    )
    .flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
}

describe("data stack", () => {
  it("keeps the store's on-demand table with its keys, PITR, TTL, and retains it; the rate-limit table beside it", () => {
    const template = templates.data;

    // The store's table and the API's rate-limit counts (see the API role's test below).
    template.resourceCountIs("AWS::DynamoDB::GlobalTable", 2);
    template.hasResource("AWS::DynamoDB::GlobalTable", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      GlobalSecondaryIndexes: ["gsi1", "gsi2", "gsi3"].map((name) =>
        Match.objectLike({ IndexName: name, Projection: { ProjectionType: "ALL" } }),
      ),
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });
});

describe("queues stack", () => {
  it.each(Object.entries(CONSUMER_TIMEOUTS))(
    "gives the %s queue a dead-letter queue and six times its consumer's timeout",
    (name, timeout) => {
      const queue = stacks.queues.queues[name as keyof typeof CONSUMER_TIMEOUTS].queue;
      const logicalId = stacks.queues.getLogicalId(queue.node.defaultChild as CfnQueue);

      const resource = templates.queues.toJSON().Resources[logicalId];

      expect(resource.Properties.VisibilityTimeout).toBe(timeout.toSeconds() * 6);
      expect(resource.Properties.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVES);
      expect(resource.Properties.SqsManagedSseEnabled).toBe(true);
    },
  );

  it("alarms on each queue's depth, its oldest message's age and any dead letter, into the alarm topic", () => {
    const alarms = Object.values(templates.queues.findResources("AWS::CloudWatch::Alarm")) as Array<{
      Properties: { MetricName: string; AlarmActions: unknown[]; Threshold: number };
    }>;
    const queues = Object.keys(CONSUMER_TIMEOUTS).length;
    const byMetric = (name: string) => alarms.filter((alarm) => alarm.Properties.MetricName === name);

    expect(alarms).toHaveLength(3 * queues);
    expect(byMetric("ApproximateNumberOfMessagesVisible")).toHaveLength(2 * queues);
    expect(
      byMetric("ApproximateAgeOfOldestMessage")
        .map((alarm) => alarm.Properties.Threshold)
        .sort(),
    ).toEqual(
      Object.values(AGE_ALARMS)
        .map((age) => age.toSeconds())
        .sort(),
    );
    expect(alarms.every((alarm) => alarm.Properties.AlarmActions.length === 1)).toBe(true);
  });

  it("names every queue and dead-letter queue in the stack's outputs", () => {
    expect(outputNames(templates.queues).sort()).toEqual(
      ["Fetch", "Ingest", "Match", "Delivery"]
        .flatMap((name) => [`${name}QueueName`, `${name}DeadLetterQueueName`])
        .sort(),
    );
  });

  it("refuses plain HTTP on every queue", () => {
    const policies = templates.queues.findResources("AWS::SQS::QueuePolicy");

    expect(Object.keys(policies)).toHaveLength(2 * Object.keys(CONSUMER_TIMEOUTS).length);
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it("makes the ingest queue and its dead-letter queue FIFO, deduplicated by the sender's ids, high throughput per group", () => {
    const { queue, deadLetters } = stacks.queues.queues.ingest;
    const resources = templates.queues.toJSON().Resources;

    for (const fifo of [queue, deadLetters]) {
      const resource = resources[stacks.queues.getLogicalId(fifo.node.defaultChild as CfnQueue)];
      expect(resource.Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
    }
    expect(resources[stacks.queues.getLogicalId(queue.node.defaultChild as CfnQueue)].Properties).toMatchObject({
      DeduplicationScope: "messageGroup",
      FifoThroughputLimit: "perMessageGroupId",
    });
    for (const name of ["fetch", "match", "delivery"] as const) {
      const standard = stacks.queues.queues[name].queue;
      expect(resources[stacks.queues.getLogicalId(standard.node.defaultChild as CfnQueue)].Properties.FifoQueue).toBe(
        undefined,
      );
    }
  });
});

describe("worker stack", () => {
  it("builds every function the house way: Node.js 22, ARM64, JSON logs, source maps, Powertools names", () => {
    const functions = Object.values(templates.worker.findResources("AWS::Lambda::Function"));

    expect(functions).toHaveLength(6);
    for (const fn of functions as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        LoggingConfig: { LogFormat: "JSON" },
        Environment: {
          Variables: {
            NODE_OPTIONS: "--enable-source-maps",
            POWERTOOLS_METRICS_NAMESPACE: "treatywatch",
            POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^treatywatch-[a-z]+(-[a-z]+)*$/),
          },
        },
      });
    }
  });

  it("consumes the fetch queue in small batches and reports failed records alone", () => {
    templates.worker.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: FETCH_BATCH_SIZE,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: FETCH_MAX_CONCURRENCY },
    });
  });

  it("assigns stories in one ingest consumer: FIFO batches of ten, failed groups' records retried in order", () => {
    const ingestQueue = stacks.queues.queues.ingest.queue;
    const mappings = Object.values(templates.worker.findResources("AWS::Lambda::EventSourceMapping")) as Array<{
      Properties: Record<string, unknown>;
    }>;
    const ingest = mappings.filter((mapping) =>
      JSON.stringify(mapping.Properties.EventSourceArn).includes(
        stacks.queues.getLogicalId(ingestQueue.node.defaultChild as CfnQueue),
      ),
    );

    expect(ingest).toHaveLength(1);
    expect(ingest[0]?.Properties).toMatchObject({
      BatchSize: INGEST_BATCH_SIZE,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(ingest[0]?.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  it.each(["fetch", "ingest"] as const)("never lets the %s function outlive its queue's visibility timeout", (name) => {
    const fn =
      templates.worker.toJSON().Resources[
        stacks.worker.getLogicalId(stacks.worker[name].node.defaultChild as CfnFunction)
      ];
    const source = stacks.queues.queues[name].queue;
    const queue = templates.queues.toJSON().Resources[stacks.queues.getLogicalId(source.node.defaultChild as CfnQueue)];

    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it("ticks the poll function on the configured schedule, without retries", () => {
    templates.worker.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(5 minutes)",
      State: "ENABLED",
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } }),
    });
  });

  it("lets the poll function read the store and send fetch messages, and nothing more", () => {
    const statements = policyOfRole(templates.worker, "PollRole");

    expect(new Set(actionsOf(statements))).toEqual(
      new Set([
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        ...STORE_ACTIONS.read,
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
      ]),
    );
  });

  /** The queue logical ids a role's statements name for an SQS action. */
  function queuesFor(rolePrefix: string, action: string): string[] {
    return policyOfRole(templates.worker, rolePrefix)
      .filter((statement) => actionsOf([statement]).includes(action))
      .flatMap((statement) => [...JSON.stringify(statement.Resource).matchAll(/FnGetAtt([A-Za-z]+Queue[0-9A-F]{8})/g)])
      .map((match) => match[1] ?? "");
  }
  const queueId = (name: "fetch" | "ingest" | "match") =>
    stacks.queues.getLogicalId(stacks.queues.queues[name].queue.node.defaultChild as CfnQueue);

  it.each([
    ["Fetch", "fetch", "ingest"],
    ["Ingest", "ingest", "match"],
  ] as const)(
    "lets the %s function write the store, consume the %s queue and send only to the %s queue",
    (role, from, to) => {
      const actions = actionsOf(policyOfRole(templates.worker, `${role}Role`));

      expect(actions).toEqual(
        expect.arrayContaining([
          ...STORE_ACTIONS.read,
          ...STORE_ACTIONS.write,
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
        ]),
      );
      expect(actions).not.toContain("dynamodb:Scan");
      expect(queuesFor(`${role}Role`, "sqs:ReceiveMessage")).toEqual([queueId(from)]);
      expect(queuesFor(`${role}Role`, "sqs:SendMessage")).toEqual([queueId(to)]);
    },
  );
});

describe("worker stack: delivery", () => {
  const queueId = (name: "match" | "delivery") =>
    stacks.queues.getLogicalId(stacks.queues.queues[name].queue.node.defaultChild as CfnQueue);

  function mappingFor(name: "match" | "delivery") {
    const mappings = Object.values(templates.worker.findResources("AWS::Lambda::EventSourceMapping")) as Array<{
      Properties: Record<string, unknown>;
    }>;
    return mappings.filter((mapping) => JSON.stringify(mapping.Properties.EventSourceArn).includes(queueId(name)));
  }

  it.each([
    ["match", MATCH_BATCH_SIZE],
    ["delivery", deliveryScaling(1).batchSize],
  ] as const)("consumes the %s queue in batches of %i, failed records retried alone", (name, batchSize) => {
    const [mapping, ...others] = mappingFor(name);

    expect(others).toEqual([]);
    expect(mapping?.Properties).toMatchObject({
      BatchSize: batchSize,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  it("ticks digests on the digest schedule and due retries every five minutes, each naming its task", () => {
    const schedules = Object.values(templates.worker.findResources("AWS::Scheduler::Schedule")) as Array<{
      Properties: { ScheduleExpression: string; Target: { Input?: string } };
    }>;
    const tasks = schedules
      .filter((schedule) => schedule.Properties.Target.Input !== undefined)
      .map((schedule) => [schedule.Properties.ScheduleExpression, JSON.parse(schedule.Properties.Target.Input ?? "")]);

    expect(tasks).toEqual(
      expect.arrayContaining([
        ["cron(0 * * * ? *)", { task: "digests" }],
        [RETRY_SCHEDULE, { task: "retries" }],
      ]),
    );
    expect(tasks).toHaveLength(2);
  });

  it("lets the worker stack's DeliverRole send mail only from the sender address through the configuration set, in the sandbox too", () => {
    {
      const statements = policyOfRole(templates.worker, "DeliverRole");
      const ses = statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith("ses:")));

      expect(ses.flatMap((statement) => actionsOf([statement]))).toEqual(["ses:SendEmail"]);
      const resources = JSON.stringify(ses[0]?.Resource);
      // In the sandbox SES also checks each recipient's verified identity, so any identity, from the sender only.
      expect(resources).toContain(":identity/*");
      expect(resources).toContain("configuration-set/");
      expect((ses[0] as unknown as { Condition: unknown }).Condition).toEqual({
        StringEquals: { "ses:FromAddress": "alerts@example.org" },
      });
      expect(actionsOf(statements)).not.toContain("sqs:SendMessage");
    }
  });

  it("lets the API count requests in the rate-limit table, with get, update and delete only", () => {
    const statements = policyOfRole(templates.api, "ApiRole");
    const counting = statements.filter((statement) => JSON.stringify(statement.Resource).includes("RateLimits"));

    expect(counting.flatMap((statement) => actionsOf([statement])).sort()).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:UpdateItem",
    ]);
    templates.data.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      KeySchema: [{ AttributeName: "key", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expire", Enabled: true },
    });
  });

  it("lets the API queue confirmation mail on the delivery queue, and send no mail itself", () => {
    const statements = policyOfRole(templates.api, "ApiRole");
    const sending = statements.filter((statement) => actionsOf([statement]).includes("sqs:SendMessage"));

    expect(actionsOf(statements).filter((action) => action.startsWith("ses:"))).toEqual([]);
    expect(sending.map((statement) => JSON.stringify(statement.Resource).includes("DeliveryQueue"))).toEqual([true]);
  });

  it.each([
    [1, 1, 2],
    [14, 10, 2],
    [200, 10, 20],
  ])("sends mail at SES's rate: %i a second gives batches of %i, %i at once", (rate, batchSize, maxConcurrency) => {
    expect(deliveryScaling(rate)).toEqual({ batchSize, maxConcurrency });
  });

  it("scales the deliver function to the configured SES rate", () => {
    const fast = testApp({ "treatywatch:sesSendRate": "200" });
    const { worker, queues } = buildTreatywatch(fast, paramsFromContext(fast.node));
    const deliveryQueue = queues.getLogicalId(queues.queues.delivery.queue.node.defaultChild as CfnQueue);

    Template.fromStack(worker).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: Match.objectLike({ "Fn::ImportValue": Match.stringLikeRegexp(deliveryQueue) }),
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it.each([
    ["MatchRole", true],
    ["DeliveryTickRole", true],
    ["DeliverRole", false],
  ] as const)("lets %s send to the delivery queue: %s", (role, sends) => {
    const sending = policyOfRole(templates.worker, role).filter((statement) =>
      actionsOf([statement]).includes("sqs:SendMessage"),
    );

    expect(sending.map((statement) => JSON.stringify(statement.Resource).includes(queueId("delivery")))).toEqual(
      sends ? [true] : [],
    );
  });

  it("tells the deliver function the sender, the configuration set and the API's public origin", () => {
    const deliver =
      templates.worker.toJSON().Resources[
        stacks.worker.getLogicalId(stacks.worker.deliver.node.defaultChild as CfnFunction)
      ];

    expect(deliver.Properties.Environment.Variables).toMatchObject({
      TREATYWATCH_MAIL_FROM: "alerts@example.org",
      TREATYWATCH_SES_CONFIGURATION_SET: expect.anything(),
      TREATYWATCH_PUBLIC_URL: expect.anything(),
    });
  });

  it("tells every function that records deliveries how long they are kept, the API's confirmations too", () => {
    const recorders = [
      [templates.api, stacks.api, stacks.api.handler],
      [templates.worker, stacks.worker, stacks.worker.match],
      [templates.worker, stacks.worker, stacks.worker.deliver],
      [templates.worker, stacks.worker, stacks.worker.deliveryTick],
    ] as const;

    for (const [template, stack, fn] of recorders) {
      const variables =
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as CfnFunction)].Properties.Environment
          .Variables;
      expect(variables.TREATYWATCH_DELIVERY_RETENTION_DAYS).toBe("90");
    }
  });
});

describe("webhook secret key", () => {
  const secretId = () => stacks.data.getLogicalId(stacks.data.webhookKey.node.defaultChild as CfnResource);
  const grantsOf = (template: Template, rolePrefix: string) =>
    policyOfRole(template, rolePrefix).filter(
      (s) =>
        actionsOf([s]).some((a) => a.startsWith("secretsmanager:")) && JSON.stringify(s.Resource).includes(secretId()),
    );
  const environmentOf = (stack: Stack, fn: IConstruct) =>
    (
      Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as CfnFunction)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;

  it("is generated at deploy time in the data stack, its value in no template, and kept", () => {
    templates.data.hasResource("AWS::SecretsManager::Secret", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
        SecretString: Match.absent(),
      }),
    });
    for (const template of Object.values(templates)) {
      expect(JSON.stringify(template.toJSON())).not.toMatch(/TREATYWATCH_SECRET_KEY"|TREATYWATCH_SECRET_KEY_OLD/);
    }
  });

  it("may be read by the API and deliver functions only, on that secret alone", () => {
    const readers = [grantsOf(templates.api, "ApiRole"), grantsOf(templates.worker, "DeliverRole")];
    const others = ["PollRole", "FetchRole", "IngestRole", "MatchRole", "DeliveryTickRole"].flatMap((role) =>
      grantsOf(templates.worker, role),
    );

    for (const statements of readers) {
      expect(actionsOf(statements)).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
      expect(JSON.stringify(statements.map((s) => s.Resource))).toContain(secretId());
    }
    expect(others).toEqual([]);
  });

  it("is passed to those functions by ARN", () => {
    for (const [stack, fn] of [
      [stacks.api, stacks.api.handler],
      [stacks.worker, stacks.worker.deliver],
    ] as const) {
      expect(JSON.stringify(environmentOf(stack, fn).TREATYWATCH_SECRET_KEY_ARN)).toContain(secretId());
    }
  });
});

describe("api stack", () => {
  const apiEnvironment = () =>
    templates.api.toJSON().Resources[stacks.api.getLogicalId(stacks.api.handler.node.defaultChild as CfnFunction)]
      .Properties.Environment.Variables as Record<string, unknown>;
  const secretId = () => stacks.api.getLogicalId(stacks.api.originSecret.node.defaultChild as CfnResource);

  it("closes the origin: CloudFront sends a secret from Secrets Manager, the function knows where to read it", () => {
    const distribution = JSON.stringify(templates.api.findResources("AWS::CloudFront::Distribution"));
    const origins = Object.values(templates.api.findResources("AWS::CloudFront::Distribution"))[0] as {
      Properties: {
        DistributionConfig: {
          Origins: Array<{ OriginCustomHeaders: Array<{ HeaderName: string; HeaderValue: unknown }> }>;
        };
      };
    };
    const headers = origins.Properties.DistributionConfig.Origins.flatMap((origin) => origin.OriginCustomHeaders);

    expect(headers.map((header) => header.HeaderName)).toEqual([ORIGIN_SECRET_HEADER]);
    // A dynamic reference CloudFormation resolves: the value itself is in no template.
    expect(JSON.stringify(headers[0]?.HeaderValue)).toContain("{{resolve:secretsmanager:");
    expect(JSON.stringify(headers[0]?.HeaderValue)).toContain(secretId());
    expect(JSON.stringify(apiEnvironment().TREATYWATCH_ORIGIN_SECRET_ARN)).toContain(secretId());
    expect(distribution).not.toMatch(/"HeaderValue":"[A-Za-z0-9]{48}"/);
    const readers = policyOfRole(templates.api, "ApiRole").filter((statement) =>
      JSON.stringify(statement.Resource).includes(secretId()),
    );
    expect(actionsOf(readers)).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
  });

  it("forwards the viewer's host to the function on every behaviour, so links use the public URL", () => {
    const [fn] = Object.values(templates.api.findResources("AWS::CloudFront::Function")) as Array<{
      Properties: { FunctionCode: string; FunctionConfig: { Runtime: string } };
    }>;
    const config = (
      Object.values(templates.api.findResources("AWS::CloudFront::Distribution"))[0] as {
        Properties: { DistributionConfig: { DefaultCacheBehavior: unknown; CacheBehaviors: unknown[] } };
      }
    ).Properties.DistributionConfig;
    const behaviours = [config.DefaultCacheBehavior, ...config.CacheBehaviors] as Array<{
      FunctionAssociations: Array<{ EventType: string }>;
    }>;

    expect(fn?.Properties.FunctionCode).toBe(FORWARD_HOST_CODE);
    expect(fn?.Properties.FunctionConfig.Runtime).toBe("cloudfront-js-2.0");
    expect(behaviours.map((behaviour) => behaviour.FunctionAssociations.map((a) => a.EventType))).toEqual([
      ["viewer-request"],
      ["viewer-request"],
    ]);
  });

  it("names the public URL and the docs in its outputs, and hands the public URL to the worker functions", () => {
    const outputs = templates.api.toJSON().Outputs as Record<string, { Value: unknown }>;
    const domain = {
      "Fn::GetAtt": [stacks.api.getLogicalId(stacks.api.distribution.node.defaultChild as CfnResource), "DomainName"],
    };

    expect(outputs.ApiUrl?.Value).toEqual({ "Fn::Join": ["", ["https://", domain]] });
    expect(outputs.DocsUrl?.Value).toEqual({ "Fn::Join": ["", ["https://", domain, "/docs"]] });
    for (const fn of [stacks.worker.deliver, stacks.worker.deliveryTick]) {
      const variables =
        templates.worker.toJSON().Resources[stacks.worker.getLogicalId(fn.node.defaultChild as CfnFunction)].Properties
          .Environment.Variables;
      expect(JSON.stringify(variables.TREATYWATCH_PUBLIC_URL)).toContain("DomainName");
    }
  });

  it("serves the API function through a function URL behind CloudFront, HTTPS only", () => {
    templates.api.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE", InvokeMode: "BUFFERED" });
    templates.api.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: "redirect-to-https" }),
        CacheBehaviors: [Match.objectLike({ PathPattern: "/v1/stories*", AllowedMethods: ["GET", "HEAD", "OPTIONS"] })],
      }),
    });
  });

  it("keys cached story lists by the API key, so tenants never share an answer", () => {
    templates.api.hasResourceProperties("AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 60,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: "whitelist", Headers: ["authorization", "x-api-key"] },
        }),
      }),
    });
  });

  it("grants the API the store's calls on the table and its named indexes only", () => {
    const statements = policyOfRole(templates.api, "ApiRole");
    const dynamo = statements.find((s) => actionsOf([s]).includes("dynamodb:Query"));

    expect(actionsOf(statements)).not.toContain("dynamodb:Scan");
    expect(JSON.stringify(dynamo?.Resource)).not.toContain("index/*");
    expect(JSON.stringify(dynamo?.Resource)).toContain("/index/gsi3");
  });

  it("tells the API function the sender and the configuration set, and trusts CloudFront's one hop", () => {
    const api =
      templates.api.toJSON().Resources[stacks.api.getLogicalId(stacks.api.handler.node.defaultChild as CfnFunction)];

    expect(api.Properties.Environment.Variables).toMatchObject({
      TREATYWATCH_MAIL_FROM: "alerts@example.org",
      TREATYWATCH_SES_CONFIGURATION_SET: expect.anything(),
      TREATYWATCH_TRUSTED_PROXIES: "1",
      TREATYWATCH_DELIVERY_QUEUE_URL: expect.anything(),
      TREATYWATCH_RATE_LIMIT_TABLE: expect.anything(),
    });
    // Without a custom domain the function makes links on the host CloudFront forwards.
    expect(api.Properties.Environment.Variables).not.toHaveProperty("TREATYWATCH_PUBLIC_URL");
  });

  it("links confirmations to the custom domain when there is one", () => {
    const withDomain = testApp({
      "treatywatch:domainName": "alerts.example.org",
      "treatywatch:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    });
    const { api } = buildTreatywatch(withDomain, paramsFromContext(withDomain.node));
    const fn =
      Template.fromStack(api).toJSON().Resources[api.getLogicalId(api.handler.node.defaultChild as CfnFunction)];

    expect(fn.Properties.Environment.Variables.TREATYWATCH_PUBLIC_URL).toBe("https://alerts.example.org");
    expect(Template.fromStack(api).toJSON().Outputs.ApiUrl.Value).toBe("https://alerts.example.org");
  });
});

describe("email stack", () => {
  it("sends bounce, complaint and reject events to a topic that feeds the suppression queue", () => {
    templates.email.hasResourceProperties("AWS::SES::ConfigurationSet", {
      SuppressionOptions: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
    });
    templates.email.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      EventDestination: Match.objectLike({
        MatchingEventTypes: ["bounce", "complaint", "reject"],
        SnsDestination: Match.anyValue(),
      }),
    });
    templates.email.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "sqs", RawMessageDelivery: false });
    templates.email.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: "alerts@example.org" });
  });

  it("verifies a whole domain with Easy DKIM when one is given, and outputs the DNS records", () => {
    const withDomain = testApp({
      "treatywatch:senderAddress": "alerts@news.example.org",
      "treatywatch:senderDomain": "news.example.org",
    });
    const { email } = buildTreatywatch(withDomain, paramsFromContext(withDomain.node));
    const template = Template.fromStack(email);

    template.hasResourceProperties("AWS::SES::EmailIdentity", {
      EmailIdentity: "news.example.org",
      DkimSigningAttributes: { NextSigningKeyLength: "RSA_2048_BIT" },
    });
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(["SenderIdentity", "ConfigurationSetName", "DkimRecords"]),
    );
  });

  it("alarms on SES's bounce and complaint rates", () => {
    const metrics = Object.values(templates.email.findResources("AWS::CloudWatch::Alarm")).map(
      (alarm) => (alarm as { Properties: { Namespace?: string; MetricName: string } }).Properties,
    );

    expect(
      metrics
        .filter((metric) => metric.Namespace === "AWS/SES")
        .map((metric) => metric.MetricName)
        .sort(),
    ).toEqual(["Reputation.BounceRate", "Reputation.ComplaintRate"]);
  });
});

describe("outputs", () => {
  it("names the tables in the data stack and the dashboard in the worker stack", () => {
    expect(outputNames(templates.data).sort()).toEqual(["RateLimitTableName", "TableName"]);
    expect(outputNames(templates.worker).sort()).toEqual(["DashboardName", "DashboardUrl"]);
    templates.worker.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  it("alarms on the table's read and write throttles", () => {
    const metrics = Object.values(templates.worker.findResources("AWS::CloudWatch::Alarm")).map(
      (alarm) => (alarm as { Properties: { MetricName: string } }).Properties.MetricName,
    );

    expect(metrics).toEqual(expect.arrayContaining(["ReadThrottleEvents", "WriteThrottleEvents"]));
  });
});

describe("email feedback", () => {
  it("consumes the suppression queue with a function that may write the store and nothing else", () => {
    const queueId = stacks.email.getLogicalId(stacks.email.suppressions.queue.node.defaultChild as CfnQueue);
    const actions = actionsOf(policyOfRole(templates.email, "SuppressRole"));

    templates.email.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(new Set(actions)).toEqual(
      new Set([
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        ...STORE_ACTIONS.read,
        ...STORE_ACTIONS.write,
        "sqs:ReceiveMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueUrl",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
      ]),
    );
  });
});

describe("observability", () => {
  it("emails alarms to the configured address", () => {
    templates.observability.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.org",
    });
  });

  it.each(["api", "worker", "email"] as const)("alarms on errors and throttles of every %s function", (name) => {
    const functions = Object.keys(templates[name].findResources("AWS::Lambda::Function")).length;
    const alarms = Object.values(templates[name].findResources("AWS::CloudWatch::Alarm")) as Array<{
      Properties: { MetricName: string };
    }>;

    const functionAlarms = alarms
      .map((alarm) => alarm.Properties.MetricName)
      .filter((metric) => metric === "Errors" || metric === "Throttles");

    expect(functions).toBeGreaterThan(0);
    expect(functionAlarms.sort()).toEqual(
      Array.from({ length: functions }, () => ["Errors", "Throttles"])
        .flat()
        .sort(),
    );
  });

  it("gives each function its own log group, kept a month, and no managed policy", () => {
    for (const name of ["api", "worker", "email"] as const) {
      templates[name].allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
      templates[name].allResourcesProperties("AWS::IAM::Role", {
        ManagedPolicyArns: Match.absent(),
      });
    }
  });
});

describe("least privilege", () => {
  it("grants every DynamoDB call the store makes (and the store makes no other)", () => {
    const sources = readdirSync(new URL("../../packages/store/src/", import.meta.url), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => readFileSync(new URL(`../../packages/store/src/${name}`, import.meta.url), "utf8"));
    const calls = new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/new (\w+)Command\(/g)].map(([, command]) =>
          command === "Query" || command === "Scan" ? `dynamodb:${command}` : `dynamodb:${command}Item`,
        ),
      ),
    );
    const granted = new Set<string>([...STORE_ACTIONS.read, ...STORE_ACTIONS.write]);

    expect(calls.size).toBeGreaterThan(5);
    expect([...calls].filter((call) => !granted.has(call) && call !== "dynamodb:CreateTableItem")).toEqual([]);
  });

  it("grants nothing on every resource (`*`) in any stack", () => {
    const unbounded = Object.entries(templates).flatMap(([name, template]) =>
      statementsOf(template)
        .filter(
          (statement) =>
            statement.Resource === "*" || (Array.isArray(statement.Resource) && statement.Resource.includes("*")),
        )
        .map((statement) => `${name}: ${actionsOf([statement]).join(",")}`),
    );

    expect(unbounded).toEqual([]);
  });
});

describe("AwsSolutions checks", () => {
  function acknowledgements(root: IConstruct): Array<[string, string]> {
    return root.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
  }

  it("finds nothing that is not acknowledged", () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it("gives every acknowledgement a reason", () => {
    const found = acknowledgements(app);

    expect(found.length).toBeGreaterThan(5);
    for (const [id, reason] of found) expect({ id, reason: reason.length > 40 }).toEqual({ id, reason: true });
  });

  it("does flag a queue without a dead-letter queue, so the checks do run", () => {
    const probe = testApp();
    const built = buildTreatywatch(probe, paramsFromContext(probe.node));
    new Queue(built.queues, "Unprotected", { enforceSSL: true });

    const report = new AwsSolutionsChecks(probe).validateScope(probe);

    expect(report.violations.map((violation) => violation.ruleName)).toContain("AwsSolutions-SQS3");
  });
});
