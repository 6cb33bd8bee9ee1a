import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { classify, foundStory } from "@treatywatch/core";
import { startWebhookReceiver } from "@treatywatch/notify/testing";
import { type LocalSqs, startLocalSqs } from "@treatywatch/queue/testing/local-sqs";
import { DynamoDeliveryStore, DynamoKeyStore, DynamoStore, DynamoSubscriptionStore } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import type { ApiGatewayRequestContextV2 } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anItem } from "../test/factories.ts";
import { issueApiKey } from "./lib/keys.ts";
import { CreatedSubscriptionSchema, SubscriptionSchema } from "./routes/subscriptions/schema.ts";

/** A function-URL request (payload format 2.0), as Lambda hands it to the handler. */
function functionUrlEvent(
  path: string,
  query = "",
  request: { method?: string; key?: string; body?: unknown; forwardedFor?: string } = {},
) {
  const requestContext: ApiGatewayRequestContextV2 = {
    accountId: "123456789012",
    apiId: "url-id",
    authentication: null,
    authorizer: {},
    domainName: "url-id.lambda-url.eu-west-1.on.aws",
    domainPrefix: "url-id",
    http: { method: request.method ?? "GET", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
    requestId: "req-1",
    routeKey: "$default",
    stage: "$default",
    time: "30/Jun/2025:12:00:00 +0000",
    timeEpoch: 1_751_284_800_000,
  };
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: query,
    headers: {
      host: requestContext.domainName,
      "x-request-id": "lambda-test",
      ...(request.key ? { authorization: `Bearer ${request.key}` } : {}),
      ...(request.forwardedFor ? { "x-forwarded-for": request.forwardedFor } : {}),
      ...(request.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext,
  };
}

const emailSubscription = {
  channel: { type: "email", address: "desk@example.org" },
  filter: { treaties: ["mine-ban"] },
  cadence: { kind: "instant" },
};

describe("API Lambda entry", () => {
  let dynamo: LocalDynamo;
  let sqs: LocalSqs;
  let deliveryQueueUrl: string;
  let deliveries: DynamoDeliveryStore;
  const clients = () => ({ sqs: () => sqs.client });
  let storyId: string;
  let writerKey: string;
  let otherTenantKey: string;
  let subscriptions: DynamoSubscriptionStore;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [dynamo, sqs] = await Promise.all([startDynalite(), startLocalSqs()]);
    const tableName = await dynamo.freshTable();
    deliveryQueueUrl =
      (await sqs.client.send(new CreateQueueCommand({ QueueName: "deliveries" }))).QueueUrl ?? "no queue";
    deliveries = new DynamoDeliveryStore({ client: dynamo.client, tableName });
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const item = anItem();
    const verdict = classify(item);
    const story = foundStory(item, verdict, "2025-06-30T12:00:00.000Z");
    await store.saveIngest({ stored: { item, verdict, storyId: story.id }, story });
    storyId = story.id;
    const keys = new DynamoKeyStore({ client: dynamo.client, tableName });
    subscriptions = new DynamoSubscriptionStore({ client: dynamo.client, tableName });
    const now = "2025-06-30T12:00:00.000Z";
    writerKey = (await issueApiKey(keys, { tenant: "Treaty Monitor", scopes: ["write"], now })).key;
    otherTenantKey = (await issueApiKey(keys, { tenant: "Clearance Desk", scopes: ["read"], now })).key;
    Object.assign(process.env, {
      TREATYWATCH_TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      LOG_LEVEL: "silent",
      TREATYWATCH_MAIL_FROM: "alerts@alerts.example.org",
      TREATYWATCH_PUBLIC_URL: "https://alerts.example.org",
      TREATYWATCH_DELIVERY_QUEUE_URL: deliveryQueueUrl,
      // The webhook endpoint below listens on loopback, which the address guard refuses by default.
      TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
    });
  });

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([dynamo.stop(), sqs.stop()]);
  });

  it("answers a function-URL request from the DynamoDB store", async () => {
    const { handler } = await import("./lambda.ts");

    const response = await handler(functionUrlEvent("/v1/stories", "limit=5"));

    expect(response.statusCode).toBe(200);
    expect(response.headers?.["x-request-id"]).toBe("lambda-test");
    const body = JSON.parse(response.body) as { data: Array<{ id: string }> };
    expect(body.data.map((story) => story.id)).toEqual([storyId]);
  });

  it("creates a subscription and reads it back through the handler, from DynamoDB, within its tenant", async () => {
    const { handler } = await import("./lambda.ts");
    const webhook = { type: "webhook", url: "https://hooks.example.org/treatywatch" };

    const created = await handler(
      functionUrlEvent("/v1/subscriptions", "", {
        method: "POST",
        key: writerKey,
        body: { channel: webhook, filter: { treaties: ["mine-ban"] }, cadence: { kind: "instant" } },
      }),
    );
    const { subscription } = CreatedSubscriptionSchema.parse(JSON.parse(created.body));
    const read = await handler(functionUrlEvent(`/v1/subscriptions/${subscription.id}`, "", { key: writerKey }));
    const elsewhere = await handler(
      functionUrlEvent(`/v1/subscriptions/${subscription.id}`, "", { key: otherTenantKey }),
    );

    expect(created.statusCode).toBe(201);
    expect(read.statusCode).toBe(200);
    expect(SubscriptionSchema.parse(JSON.parse(read.body))).toEqual(subscription);
    expect(subscription).toMatchObject({ channel: webhook, status: "pending" });
    expect(elsewhere.statusCode).toBe(404);
  });

  /** The delivery ids waiting on the delivery queue (each received once, then hidden). */
  async function queuedDeliveries(): Promise<string[]> {
    const received = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: deliveryQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    return (received.Messages ?? []).map(
      (message) => (JSON.parse(message.Body ?? "{}") as { deliveryId: string }).deliveryId,
    );
  }

  it("records the confirmation mail as a delivery and queues it for the deliver function", async () => {
    const { lambdaHandler } = await import("./lambda.ts");
    const handler = lambdaHandler(clients());

    const created = await handler(
      functionUrlEvent("/v1/subscriptions", "", { method: "POST", key: writerKey, body: emailSubscription }),
    );

    expect(created.statusCode).toBe(201);
    const { subscription } = CreatedSubscriptionSchema.parse(JSON.parse(created.body));
    const id = `confirm_${subscription.id}_1`;
    expect(await queuedDeliveries()).toEqual([id]);
    expect(await deliveries.get(id)).toMatchObject({
      kind: "confirmation",
      status: "pending",
      channel: { type: "email", address: "desk@example.org" },
    });
    expect((await deliveries.get(id))?.payload).not.toContain("token");
  });

  it.each(["TREATYWATCH_MAIL_FROM", "TREATYWATCH_PUBLIC_URL"])(
    "keeps an email subscription pending and mails nothing without %s",
    async (setting) => {
      const { lambdaHandler } = await import("./lambda.ts");
      const saved = process.env[setting];
      delete process.env[setting];
      const handler = lambdaHandler(clients());
      process.env[setting] = saved;

      const created = await handler(
        functionUrlEvent("/v1/subscriptions", "", { method: "POST", key: writerKey, body: emailSubscription }),
      );

      expect(created.statusCode).toBe(201);
      expect(CreatedSubscriptionSchema.parse(JSON.parse(created.body)).subscription.status).toBe("pending");
      expect(await queuedDeliveries()).toEqual([]);
    },
  );

  it("verifies a webhook with a signed ping that the endpoint checks with standardwebhooks", async () => {
    const { lambdaHandler } = await import("./lambda.ts");
    const handler = lambdaHandler(clients());
    const created = await handler(
      functionUrlEvent("/v1/subscriptions", "", {
        method: "POST",
        key: writerKey,
        body: {
          channel: { type: "webhook", url: "https://hooks.example.org/treatywatch" },
          filter: {},
          cadence: { kind: "instant" },
        },
      }),
    );
    const { subscription, signingSecret } = CreatedSubscriptionSchema.parse(JSON.parse(created.body));
    const receiver = await startWebhookReceiver(signingSecret ?? "");
    // The API takes only public https URLs; the stored subscription is pointed at loopback instead.
    const stored = await subscriptions.findSubscription(subscription.id);
    if (!stored) throw new Error("the subscription was not stored");
    await subscriptions.updateSubscription({ ...stored, channel: { type: "webhook", url: receiver.url } });

    const verified = await handler(
      functionUrlEvent(`/v1/subscriptions/${subscription.id}/verify`, "", { method: "POST", key: writerKey }),
    );
    await receiver.close();

    expect(verified.statusCode).toBe(200);
    // Read as JSON: the answer carries the loopback URL, which the schema would refuse.
    expect(JSON.parse(verified.body)).toMatchObject({ id: subscription.id, status: "active" });
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted.map((request) => JSON.parse(request.body))).toEqual([
      expect.objectContaining({ type: "subscription.verify", subscriptionId: subscription.id }),
    ]);
  });

  it("counts anonymous requests per viewer behind CloudFront, at the configured rate", async () => {
    const { lambdaHandler } = await import("./lambda.ts");
    Object.assign(process.env, { TREATYWATCH_TRUSTED_PROXIES: "1", TREATYWATCH_ANON_RATE_LIMIT: "1" });
    const handler = lambdaHandler(clients());
    delete process.env.TREATYWATCH_TRUSTED_PROXIES;
    delete process.env.TREATYWATCH_ANON_RATE_LIMIT;
    // Every request reaches the function from the same CloudFront address (127.0.0.1 in these events).
    const fromViewer = (viewer: string) => handler(functionUrlEvent("/v1/stories", "", { forwardedFor: viewer }));

    const first = await fromViewer("203.0.113.7");
    const other = await fromViewer("198.51.100.4");
    const again = await fromViewer("203.0.113.7");

    expect([first.statusCode, other.statusCode, again.statusCode]).toEqual([200, 200, 429]);
  });
});
