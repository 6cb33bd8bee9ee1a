import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalSqs, startLocalSqs } from "../test/local-sqs.ts";
import { type FifoMessage, SqsFifoSender } from "./sqs.ts";

let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs();
});

afterAll(async () => {
  await sqs.stop();
});

async function fifoQueue(name: string): Promise<string> {
  const created = await sqs.client.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: "true" } }),
  );
  return created.QueueUrl ?? "";
}

async function drain(queueUrl: string): Promise<Array<{ body: string; group: string | undefined }>> {
  const received: Array<{ body: string; group: string | undefined }> = [];
  for (;;) {
    const batch = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ["MessageGroupId"],
        AttributeNames: ["All"],
      }),
    );
    if (!batch.Messages?.length) return received;
    for (const message of batch.Messages)
      received.push({ body: message.Body ?? "", group: message.Attributes?.MessageGroupId });
  }
}

const message = (n: number, deduplicationId = `item-${n}`): FifoMessage => ({ body: `body-${n}`, deduplicationId });

describe("SqsFifoSender", () => {
  it("sends more than one batch into one group, in order", async () => {
    const queueUrl = await fifoQueue("ordered");
    const sender = new SqsFifoSender(sqs.client, { queueUrl, groupId: "ingest" });
    const messages = Array.from({ length: 13 }, (_, n) => message(n));

    await sender.sendAll(messages);

    const received = await drain(queueUrl);
    expect(received.map((m) => m.body)).toEqual(messages.map((m) => m.body));
    expect(new Set(received.map((m) => m.group))).toEqual(new Set(["ingest"]));
  });

  it("puts a message that names its group in that group, and the rest in the sender's", async () => {
    const queueUrl = await fifoQueue("grouped");
    const sender = new SqsFifoSender(sqs.client, { queueUrl, groupId: "shard-0" });

    await sender.sendAll([{ ...message(1), groupId: "shard-2" }, message(2), { ...message(3), groupId: "shard-1" }]);

    const received = await drain(queueUrl);
    expect(Object.fromEntries(received.map((m) => [m.body, m.group]))).toEqual({
      "body-1": "shard-2",
      "body-2": "shard-0",
      "body-3": "shard-1",
    });
  });

  it("drops a second message with the same deduplication id", async () => {
    const queueUrl = await fifoQueue("deduplicated");
    const sender = new SqsFifoSender(sqs.client, { queueUrl, groupId: "ingest" });

    await sender.sendAll([message(1)]);
    await sender.sendAll([message(2, "item-1"), message(3)]);

    expect((await drain(queueUrl)).map((m) => m.body)).toEqual(["body-1", "body-3"]);
  });
});
