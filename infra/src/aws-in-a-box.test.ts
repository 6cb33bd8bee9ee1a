import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { CreateTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { startWebhookReceiver, type WebhookReceiver } from "@treatywatch/notify/testing";
import { type SmtpSink, startSmtpSink } from "@treatywatch/notify/testing/smtp-sink";
import type { SqsRecord } from "@treatywatch/queue/sqs";
import { type LocalSqs, startLocalSqs } from "@treatywatch/queue/testing/local-sqs";
import { DynamoStore, DynamoSubscriptionStore } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { App, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import type { CfnQueue } from "aws-cdk-lib/aws-sqs";
import type { IConstruct } from "constructs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalAws, startLocalAws } from "../test/local-aws.ts";
import { buildTreatywatch, type TreatywatchStacks } from "./app.ts";
import { REPO_ROOT } from "./house-function.ts";
import { paramsFromContext } from "./params.ts";
import { ORIGIN_SECRET_HEADER } from "./stacks/api.ts";

/**
 * AWS in a box: the functions as `npm run synth` builds them, their environment read from the
 * synthesised templates, against dynalite, local-aws-sqs, an SMTP sink (behind a stand-in for
 * SES v2), a local feed server and a Standard Webhooks receiver, with a local "CloudFront" that
 * runs the template's viewer-request function and adds its origin header. Besides the SDK's
 * endpoint and credential settings for the stand-ins, only these are added to what the templates
 * set: TREATYWATCH_FETCH_ALLOW=127.0.0.1, since the feed server and the webhook receiver listen on
 * loopback, which the address guard refuses; LOG_LEVEL=silent and POWERTOOLS_METRICS_DISABLED.
 */

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const ORIGIN_SECRET = "origin-secret-from-secrets-manager-0123456789";
const WEBHOOK_KEY = "webhook-key-source-from-secrets-manager-0123456789abcdef0123456789";
const run = promisify(execFile);

let stacks: TreatywatchStacks;
let templates: Map<Stack, Record<string, unknown>>;
let dynamo: LocalDynamo;
let sqs: LocalSqs;
let smtp: SmtpSink;
let aws: LocalAws;
let feeds: Server;
let cloudFront: Server;
let publicHost: string;
let tableName: string;
let rateLimitTable: string;
/** Logical resources (by stack and id) and what they are locally. */
const local = new Map<string, string>();
const baseEnv = { ...process.env };
const sdkEnv: Record<string, string> = {};

type Json = Record<string, unknown>;

function resourceOf(stack: Stack, construct: IConstruct): Json {
  const template = templates.get(stack) as { Resources: Record<string, Json> };
  return template.Resources[stack.getLogicalId(construct.node.defaultChild as CfnFunction)] as Json;
}

/** A CloudFormation value as it would be deployed, the resources it names swapped for their local stand-ins. */
function resolve(value: unknown, stack: Stack): string {
  if (typeof value === "string" || typeof value === "number") return String(value);
  const node = value as Json;
  if ("Ref" in node) {
    const pseudo: Record<string, string> = {
      "AWS::Region": REGION,
      "AWS::AccountId": ACCOUNT,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
    };
    const ref = String(node.Ref);
    return pseudo[ref] ?? lookup(`${stack.stackName}/${ref}`);
  }
  if ("Fn::GetAtt" in node) {
    const [id, attribute] = node["Fn::GetAtt"] as [string, string];
    return lookup(`${stack.stackName}/${id}.${attribute}`);
  }
  if ("Fn::Join" in node) {
    const [separator, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map((part) => resolve(part, stack)).join(separator);
  }
  if ("Fn::ImportValue" in node) {
    const name = resolve(node["Fn::ImportValue"], stack);
    for (const [producer, template] of templates) {
      const outputs = (template.Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>;
      const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === name);
      if (output) return resolve(output.Value, producer);
    }
  }
  throw new Error(`no local stand-in for ${JSON.stringify(value)} in ${stack.stackName}`);
}

function lookup(key: string): string {
  const found = local.get(key);
  if (found === undefined) throw new Error(`no local stand-in for ${key}`);
  return found;
}

/** The environment a function is deployed with, read from its template. */
function environmentOf(stack: Stack, fn: IConstruct): Record<string, string> {
  const variables = ((resourceOf(stack, fn).Properties as Json).Environment as Json).Variables as Json;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolve(value, stack)]));
}

function activate(environment: Record<string, string>): void {
  process.env = { ...baseEnv, ...sdkEnv, ...environment, TREATYWATCH_FETCH_ALLOW: "127.0.0.1", LOG_LEVEL: "silent" };
}

type Handler = (event: unknown, context: { awsRequestId: string }) => Promise<unknown>;

/** Imports a function's entry afresh under its own environment, as Lambda would start it. */
async function deployed(stack: Stack, fn: IConstruct, entry: string): Promise<(event: unknown) => Promise<unknown>> {
  const environment = environmentOf(stack, fn);
  activate(environment);
  vi.resetModules();
  const { handler } = (await import(entry)) as { handler: Handler };
  let invocation = 0;
  return (event) => {
    activate(environment);
    return handler(event, { awsRequestId: `local-${++invocation}` });
  };
}

async function createQueue(name: string, fifo: boolean): Promise<{ url: string; arn: string }> {
  const attributes: Record<string, string> = fifo ? { FifoQueue: "true", ContentBasedDeduplication: "false" } : {};
  const { QueueUrl = "" } = await sqs.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? "" };
}

/** The local URL of one of the queues stack's work queues. */
function queueUrl(name: keyof TreatywatchStacks["queues"]["queues"]): string {
  const { queues } = stacks;
  return lookup(`${queues.stackName}/${queues.getLogicalId(queues.queues[name].queue.node.defaultChild as CfnQueue)}`);
}

/** What a queue holds, as the SQS event records Lambda hands its consumer (group ids included). */
async function drain(url: string): Promise<SqsRecord[]> {
  const records: SqsRecord[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return records;
    for (const message of Messages) {
      records.push({
        messageId: message.MessageId ?? "",
        body: message.Body ?? "",
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount,
          MessageGroupId: message.Attributes?.MessageGroupId,
        },
      });
    }
  }
}

/** The treatywatch command, run as the deploy guide says, against the local stand-ins. */
async function treatywatch(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [`${REPO_ROOT}apps/cli/bin/treatywatch.js`, ...args], {
    cwd: REPO_ROOT,
    env: { ...baseEnv, ...sdkEnv, LOG_LEVEL: "silent" },
  });
}

function functionUrlEvent(method: string, path: string, query: string, headers: Record<string, string>, body?: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: query,
    headers,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT,
      apiId: "local",
      domainName: "local.lambda-url.us-east-1.on.aws",
      domainPrefix: "local",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "local" },
      requestId: "local",
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2025:00:00:00 +0000",
      timeEpoch: Date.now(),
    },
  };
}

let api: (event: unknown) => Promise<unknown>;

/** A request to the public URL: what CloudFront does with it, then the API function. */
async function viaPublicUrl(method: string, url: string, init: { key?: string; body?: unknown } = {}) {
  const target = new URL(url.replace(/^https:\/\/[^/]+/, `http://${publicHost}`));
  const response = await fetch(target, {
    method,
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  stacks = buildTreatywatch(app, paramsFromContext(app.node));
  templates = new Map(Object.values(stacks).map((stack: Stack) => [stack, Template.fromStack(stack).toJSON()]));

  [dynamo, sqs, smtp] = await Promise.all([startDynalite(), startLocalSqs(), startSmtpSink()]);
  tableName = await dynamo.freshTable();
  rateLimitTable = `rate-limits-${tableName}`;
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: rateLimitTable,
      AttributeDefinitions: [{ AttributeName: "key", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "key", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
  aws = await startLocalAws({
    smtpPort: smtp.port,
    secrets: { [secretArn("origin")]: ORIGIN_SECRET, [secretArn("webhook-key")]: WEBHOOK_KEY },
    stacks: { "treatywatch-prod-data": { TableName: tableName } },
  });
  Object.assign(sdkEnv, aws.endpoints, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: new URL((await createQueue("probe", false)).url).origin,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    POWERTOOLS_METRICS_DISABLED: "true",
  });

  // The local stand-in of every resource a function's environment names.
  const { data, queues, api: apiStack, email } = stacks;
  local.set(`${data.stackName}/${data.getLogicalId(data.table.node.defaultChild as CfnQueue)}`, tableName);
  local.set(`${data.stackName}/${data.getLogicalId(data.rateLimits.node.defaultChild as CfnQueue)}`, rateLimitTable);
  local.set(
    `${data.stackName}/${data.getLogicalId(data.webhookKey.node.defaultChild as CfnQueue)}`,
    secretArn("webhook-key"),
  );
  local.set(
    `${apiStack.stackName}/${apiStack.getLogicalId(apiStack.originSecret.node.defaultChild as CfnQueue)}`,
    secretArn("origin"),
  );
  for (const [name, work] of Object.entries(queues.queues)) {
    for (const [kind, queue] of [
      ["", work.queue],
      ["-dlq", work.deadLetters],
    ] as const) {
      const created = await createQueue(`${name}${kind}${name === "ingest" ? ".fifo" : ""}`, name === "ingest");
      const id = `${queues.stackName}/${queues.getLogicalId(queue.node.defaultChild as CfnQueue)}`;
      local.set(id, created.url);
      local.set(`${id}.Arn`, created.arn);
      local.set(`${id}.QueueName`, created.url.split("/").at(-1) ?? "");
    }
  }
  local.set(
    `${email.stackName}/${email.getLogicalId(email.configurationSet.node.defaultChild as CfnQueue)}`,
    "local-sending",
  );

  // The local "CloudFront": the template's viewer-request function, its origin header, then the function.
  cloudFront = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const distribution = Object.values(
        (templates.get(apiStack) as { Resources: Record<string, Json> }).Resources,
      ).find((resource) => resource.Type === "AWS::CloudFront::Distribution") as Json;
      const code = Object.values((templates.get(apiStack) as { Resources: Record<string, Json> }).Resources).find(
        (resource) => resource.Type === "AWS::CloudFront::Function",
      ) as { Properties: { FunctionCode: string } };
      const viewerRequest = new Function(`${code.Properties.FunctionCode}; return handler;`)() as (event: unknown) => {
        headers: Record<string, { value: string }>;
      };
      const viewer = viewerRequest({
        request: {
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, { value: String(v) }])),
        },
      });
      const origin = (((distribution.Properties as Json).DistributionConfig as Json).Origins as Json[])[0] as {
        OriginCustomHeaders: Array<{ HeaderName: string; HeaderValue: unknown }>;
      };
      const headers: Record<string, string> = {};
      for (const [name, { value }] of Object.entries(viewer.headers)) if (name !== "host") headers[name] = value;
      for (const header of origin.OriginCustomHeaders) {
        // The template holds a dynamic reference to the secret; CloudFormation would put its value here.
        expect(JSON.stringify(header.HeaderValue)).toContain("resolve:secretsmanager");
        headers[header.HeaderName] = ORIGIN_SECRET;
      }
      const url = new URL(request.url ?? "/", "http://local");
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = (await api(
        functionUrlEvent(request.method ?? "GET", url.pathname, url.search.slice(1), headers, body || undefined),
      )) as { statusCode: number; headers?: Record<string, string>; body?: string };
      response.writeHead(answer.statusCode, answer.headers).end(answer.body ?? "");
    })().catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve) => cloudFront.listen(0, "127.0.0.1", resolve));
  publicHost = `127.0.0.1:${(cloudFront.address() as AddressInfo).port}`;
  local.set(
    `${apiStack.stackName}/${apiStack.getLogicalId(apiStack.distribution.node.defaultChild as CfnQueue)}.DomainName`,
    publicHost,
  );

  feeds = createServer((_request, response) => {
    const now = new Date().toUTCString();
    response
      .writeHead(200, { "content-type": "application/rss+xml" })
      .end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>` +
          `<item><guid>box-1</guid><title>Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines</title>` +
          `<link>https://wire.example/ukraine-ottawa</link><description>Kyiv says Russian use of landmines left it no choice but to leave the mine ban treaty.</description>` +
          `<pubDate>${now}</pubDate></item></channel></rss>`,
      );
  });
  await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));

  api = await deployed(apiStack, apiStack.handler, "@treatywatch/api/lambda");
}, 180_000);

afterAll(async () => {
  process.env = baseEnv;
  for (const server of [feeds, cloudFront]) {
    if (!server) continue;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all([dynamo?.stop(), sqs?.stop(), smtp?.close(), aws?.close()]);
});

describe("AWS in a box: the synthesised functions end to end", () => {
  let key = "";
  let receiver: WebhookReceiver;
  let webhookSecret = "";

  it("creates the first key the documented way, from the data stack's outputs", async () => {
    const created = await treatywatch("keys", "create", "--tenant", "ops", "--scopes", "admin", "--aws");
    key = created.stdout.trim();

    expect(key).toMatch(/^tw_[A-Za-z0-9]{38}$/);
    expect(created.stderr).toContain("for tenant ops, scopes admin");
  });

  it("adds a feed the documented way and lists it", async () => {
    const url = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}/wire.xml`;

    const added = await treatywatch("feeds", "add", url, "--aws");
    const listed = await treatywatch("feeds", "list", "--aws");

    expect(added.stdout).toContain(url);
    expect(listed.stdout).toContain(url);
  });

  it("refuses a direct call to the function URL, without CloudFront's origin header", async () => {
    const direct = (await api(functionUrlEvent("GET", "/v1/stories", "", { host: "local.lambda-url" }))) as {
      statusCode: number;
    };
    const forged = (await api(functionUrlEvent("GET", "/v1/stories", "", { [ORIGIN_SECRET_HEADER]: "guess" }))) as {
      statusCode: number;
    };

    expect([direct.statusCode, forged.statusCode]).toEqual([403, 403]);
  });

  it("queues a confirmation the deliver function mails, whose link, on the public URL, confirms the subscription", async () => {
    const deliver = await deployed(stacks.worker, stacks.worker.deliver, "@treatywatch/worker/lambda/deliver");
    const created = await viaPublicUrl("POST", `https://${publicHost}/v1/subscriptions`, {
      key,
      body: { channel: { type: "email", address: "desk@example.org" }, filter: {}, cadence: { kind: "instant" } },
    });
    const queued = await drain(queueUrl("delivery"));
    const delivered = await deliver({ Records: queued });
    const [mail] = await smtp.received(1);
    const link = /https:\/\/\S+\/v1\/confirm\?token=[\w-]+/.exec(mail?.text ?? "")?.[0] ?? "";

    const page = await viaPublicUrl("GET", link);
    const confirmed = await viaPublicUrl("POST", link);
    const id = (JSON.parse(created.text) as { subscription: { id: string } }).subscription.id;
    const after = await viaPublicUrl("GET", `https://${publicHost}/v1/subscriptions/${id}`, { key });

    const { Items: recorded = [] } = await dynamo.client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: "begins_with(pk, :delivery) AND sk = :record",
        ExpressionAttributeValues: { ":delivery": { S: "DELIVERY#" }, ":record": { S: "DELIVERY" } },
      }),
    );
    expect(created.status).toBe(201);
    expect(queued).toHaveLength(1);
    // Recorded by the API with the retention the template gives it: DynamoDB's TTL ends it.
    expect(recorded.map((delivery) => delivery.expiresAt?.N !== undefined)).toEqual([true]);
    expect(delivered).toEqual({ batchItemFailures: [] });
    expect(link.startsWith(`https://${publicHost}/v1/confirm?token=`)).toBe(true);
    expect(aws.sent[0]).toMatchObject({
      from: "alerts@example.org",
      to: ["desk@example.org"],
      configurationSet: "local-sending",
    });
    expect(page.status).toBe(200);
    expect(confirmed.status).toBe(200);
    expect(JSON.parse(after.text)).toMatchObject({ status: "active" });
  });

  it("counts the requests in the rate-limit table the template names, which every instance shares", async () => {
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: rateLimitTable }));

    expect(Items.map((item) => item.key?.S ?? "").some((name) => name.startsWith("key"))).toBe(true);
  });

  it("verifies a webhook with a ping the receiver checks with standardwebhooks", async () => {
    const created = await viaPublicUrl("POST", `https://${publicHost}/v1/subscriptions`, {
      key,
      body: {
        channel: { type: "webhook", url: "https://hooks.example.org/tw" },
        filter: {},
        cadence: { kind: "instant" },
      },
    });
    const { subscription, signingSecret } = JSON.parse(created.text) as {
      subscription: { id: string };
      signingSecret: string;
    };
    webhookSecret = signingSecret;
    receiver = await startWebhookReceiver(signingSecret);
    // The API takes public https URLs only; the stored subscription is pointed at the loopback receiver.
    const subscriptions = new DynamoSubscriptionStore({ client: dynamo.client, tableName });
    const stored = await subscriptions.findSubscription(subscription.id);
    if (!stored) throw new Error("the subscription was not stored");
    await subscriptions.updateSubscription({ ...stored, channel: { type: "webhook", url: receiver.url } });

    const verified = await viaPublicUrl("POST", `https://${publicHost}/v1/subscriptions/${subscription.id}/verify`, {
      key,
    });

    expect(verified.status).toBe(200);
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted.map((request) => JSON.parse(request.body).type)).toEqual(["subscription.verify"]);
  });

  it("runs a scheduler tick through fetch, ingest, match and deliver to the webhook and the mailbox", async () => {
    const { worker } = stacks;
    const poll = await deployed(worker, worker.poll, "@treatywatch/worker/lambda/poll");
    const fetchFeeds = await deployed(worker, worker.fetch, "@treatywatch/worker/lambda/fetch");
    const ingest = await deployed(worker, worker.ingest, "@treatywatch/worker/lambda/ingest");
    const match = await deployed(worker, worker.match, "@treatywatch/worker/lambda/match");
    const deliver = await deployed(worker, worker.deliver, "@treatywatch/worker/lambda/deliver");

    const tick = await poll({});
    const fetched = await fetchFeeds({ Records: await drain(queueUrl("fetch")) });
    const ingestRecords = await drain(queueUrl("ingest"));
    const ingested = await ingest({ Records: ingestRecords });
    const matched = await match({ Records: await drain(queueUrl("match")) });
    const delivered = await deliver({ Records: await drain(queueUrl("delivery")) });
    const mails = await smtp.received(2);

    expect(tick).toEqual({ enqueued: 1 });
    expect(fetched).toEqual({ batchItemFailures: [] });
    expect(ingestRecords.map((record) => record.attributes?.MessageGroupId)).toEqual([
      expect.stringMatching(/^shard-\d$/),
    ]);
    expect(ingested).toEqual({ batchItemFailures: [] });
    expect(matched).toEqual({ batchItemFailures: [] });
    expect(delivered).toEqual({ batchItemFailures: [] });
    const stories = (await new DynamoStore({ client: dynamo.client, tableName }).listStories({ limit: 5 })).data;
    expect(stories.map((story) => story.title)).toEqual([
      "Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines",
    ]);
    const alert = receiver.accepted.at(-1);
    expect(alert?.headers["webhook-id"]).toBeTruthy();
    const event = new Webhook(webhookSecret).verify(alert?.body ?? "", alert?.headers ?? {}) as {
      type: string;
      data: { story: { id: string } };
    };
    expect(event).toMatchObject({ type: "story.created", data: { story: { id: stories[0]?.id } } });
    const mail = mails[1];
    expect(mail?.subject).toContain("Ottawa Convention");
    expect(mail?.text).toContain(`https://${publicHost}/v1/unsubscribe?token=`);
    await receiver.close();
  });
});
