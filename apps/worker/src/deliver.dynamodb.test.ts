import { buildMatchIndex } from "@treatywatch/core";
import { startWebhookReceiver } from "@treatywatch/notify/testing";
import { DynamoDeliveryStore } from "@treatywatch/store/dynamodb";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, newSecret, story, subscription } from "../test/delivery-fixtures.ts";
import { deliver, enqueueDueDeliveries } from "./deliver.ts";
import { matchStory } from "./match.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("delivery on the DynamoDB delivery store", () => {
  it("matches, queues and sends a story once, and logs the attempt", async () => {
    const secret = newSecret();
    const receiver = await startWebhookReceiver(secret);
    const deliveries = new DynamoDeliveryStore({ client: dynamo.client, tableName: await dynamo.freshTable() });
    const harness = deliveryHarness({ sub_1: [secret] }, { deliveries });
    const index = buildMatchIndex([subscription("sub_1", { channel: { type: "webhook", url: receiver.url } })]);

    try {
      const outcome = await matchStory(story("st_1"), undefined, { ...harness, deliveries, index });
      const [delivery] = await deliveries.forSubscription("sub_1", 10);
      if (!delivery) throw new Error("no delivery was created");
      const first = await deliver(delivery.id, harness.deps);
      const again = await deliver(delivery.id, harness.deps);
      const swept = await enqueueDueDeliveries(harness.queue, harness.deps, { limit: 10, leaseSeconds: 60 });

      expect(outcome).toEqual({ matched: 1, enqueued: 1 });
      expect([first, again]).toEqual(["delivered", "skipped"]);
      expect(receiver.accepted.map((received) => received.id)).toEqual([delivery.id]);
      expect(await deliveries.attempts(delivery.id)).toMatchObject([{ attempt: 1, outcome: "delivered" }]);
      expect(await deliveries.get(delivery.id)).toMatchObject({ status: "delivered", attempts: 1 });
      expect(swept).toBe(0);
    } finally {
      await receiver.close();
      await harness.close();
    }
  });
});
