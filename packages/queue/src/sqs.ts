import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type DeadLetter,
  MAX_BATCH,
  type Queue,
  type QueueMessage,
  type ReceiveOptions,
  type SendOptions,
} from "./port.ts";

type SqsSdk = typeof import("@aws-sdk/client-sqs");
let sdk: Promise<SqsSdk> | undefined;

/**
 * The SQS SDK, loaded the first time a queue is used: a Lambda function that sends nothing
 * on an invocation (or only later in it) does not pay for loading it when it starts.
 */
export function sqsSdk(): Promise<SqsSdk> {
  sdk ??= import("@aws-sdk/client-sqs");
  return sdk;
}

/** A client, or how to make one when it is first needed (with the SDK loaded then). */
export type SqsClientSource = SQSClient | (() => Promise<SQSClient>);

function clientOf(source: SqsClientSource): () => Promise<SQSClient> {
  if (typeof source !== "function") return async () => source;
  let client: Promise<SQSClient> | undefined;
  return () => {
    client ??= source();
    return client;
  };
}

export interface SqsQueueOptions {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** The Queue port on Amazon SQS; dead letters move by the queue's RedrivePolicy. */
export class SqsQueue implements Queue {
  private readonly client: () => Promise<SQSClient>;

  constructor(
    client: SqsClientSource,
    private readonly options: SqsQueueOptions,
  ) {
    this.client = clientOf(client);
  }

  async send(body: string, options: SendOptions = {}): Promise<string> {
    const sqs = await sqsSdk();
    const sent = await (await this.client()).send(
      new sqs.SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: body,
        DelaySeconds: options.delaySeconds,
      }),
    );
    return sent.MessageId ?? "";
  }

  async sendBatch(bodies: readonly string[]): Promise<string[]> {
    const sqs = await sqsSdk();
    if (bodies.length > MAX_BATCH) throw new RangeError(`at most ${MAX_BATCH} messages a batch`);
    if (bodies.length === 0) return [];
    const sent = await (await this.client()).send(
      new sqs.SendMessageBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    const failed = sent.Failed ?? [];
    if (failed.length > 0) throw new Error(`SQS refused ${failed.length} of ${bodies.length} messages`);
    const ids = new Map((sent.Successful ?? []).map((entry) => [entry.Id, entry.MessageId ?? ""]));
    return bodies.map((_, index) => ids.get(String(index)) ?? "");
  }

  async receive(options: ReceiveOptions): Promise<QueueMessage[]> {
    return this.receiveFrom(this.options.queueUrl, options);
  }

  private async receiveFrom(queueUrl: string, options: ReceiveOptions): Promise<QueueMessage[]> {
    const sqs = await sqsSdk();
    const received = await (await this.client()).send(
      new sqs.ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(options.max, 1), MAX_BATCH),
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        WaitTimeSeconds: options.waitSeconds ?? 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        // The legacy spelling too, for emulators that know only it.
        AttributeNames: ["All"],
      }),
    );
    return (received.Messages ?? []).map((message) => ({
      id: message.MessageId ?? "",
      receipt: message.ReceiptHandle ?? "",
      body: message.Body ?? "",
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async ack(receipt: string): Promise<void> {
    const sqs = await sqsSdk();
    await (await this.client()).send(
      new sqs.DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: receipt }),
    );
  }

  async extendVisibility(receipt: string, seconds: number): Promise<void> {
    const sqs = await sqsSdk();
    await (await this.client()).send(
      new sqs.ChangeMessageVisibilityCommand({
        QueueUrl: this.options.queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async release(receipt: string, delaySeconds = 0): Promise<void> {
    await this.extendVisibility(receipt, delaySeconds);
  }

  /** Reads the dead-letter queue without consuming it: what is read is made visible again. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const sqs = await sqsSdk();
    const seen = new Map<string, QueueMessage>();
    while (seen.size < limit) {
      const batch = await this.receiveFrom(this.options.deadLetterQueueUrl, {
        max: Math.min(MAX_BATCH, limit - seen.size),
        visibilityTimeoutSeconds: 30,
      });
      const fresh = batch.filter((message) => !seen.has(message.id));
      if (fresh.length === 0) break;
      for (const message of fresh) seen.set(message.id, message);
    }
    const client = await this.client();
    await Promise.all(
      [...seen.values()].map((message) =>
        client.send(
          new sqs.ChangeMessageVisibilityCommand({
            QueueUrl: this.options.deadLetterQueueUrl,
            ReceiptHandle: message.receipt,
            VisibilityTimeout: 0,
          }),
        ),
      ),
    );
    return [...seen.values()].map(({ id, body, receiveCount }) => ({ id, body, receiveCount }));
  }

  async redrive(ids?: readonly string[]): Promise<number> {
    const sqs = await sqsSdk();
    let moved = 0;
    const skipped = new Set<string>();
    for (;;) {
      const batch = (
        await this.receiveFrom(this.options.deadLetterQueueUrl, { max: MAX_BATCH, visibilityTimeoutSeconds: 30 })
      ).filter((message) => !skipped.has(message.id));
      if (batch.length === 0) break;
      for (const message of batch) {
        if (ids !== undefined && !ids.includes(message.id)) {
          skipped.add(message.id);
          continue;
        }
        await this.send(message.body);
        await (await this.client()).send(
          new sqs.DeleteMessageCommand({ QueueUrl: this.options.deadLetterQueueUrl, ReceiptHandle: message.receipt }),
        );
        moved++;
      }
    }
    return moved;
  }
}

/** One message for a FIFO queue; SQS drops a second one with the same deduplication id for five minutes. */
export interface FifoMessage {
  body: string;
  deduplicationId: string;
  /** Its message group, when not the sender's: a group's messages are consumed one batch at a time, in order. */
  groupId?: string | undefined;
}

export interface SqsFifoSenderOptions {
  queueUrl: string;
  /** The group of messages that name none. */
  groupId: string;
}

/** Sends to an SQS FIFO queue, in batches of at most ten. */
export class SqsFifoSender {
  private readonly client: () => Promise<SQSClient>;

  constructor(
    client: SqsClientSource,
    private readonly options: SqsFifoSenderOptions,
  ) {
    this.client = clientOf(client);
  }

  async sendAll(messages: readonly FifoMessage[]): Promise<void> {
    const sqs = await sqsSdk();
    for (let start = 0; start < messages.length; start += MAX_BATCH) {
      const batch = messages.slice(start, start + MAX_BATCH);
      const sent = await (await this.client()).send(
        new sqs.SendMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            MessageBody: message.body,
            MessageGroupId: message.groupId ?? this.options.groupId,
            MessageDeduplicationId: message.deduplicationId,
          })),
        }),
      );
      const failed = sent.Failed ?? [];
      if (failed.length > 0) throw new Error(`SQS refused ${failed.length} of ${batch.length} messages`);
    }
  }
}

/** Creates (or finds) a queue and its dead-letter queue, wired by a RedrivePolicy. */
export async function createSqsQueuePair(
  client: SQSClient,
  name: string,
  maxReceives: number,
  visibilityTimeoutSeconds = 30,
): Promise<SqsQueueOptions> {
  const sqs = await sqsSdk();
  const dead = await client.send(new sqs.CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterQueueUrl = dead.QueueUrl ?? "";
  const attributes = await client.send(
    new sqs.GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const created = await client.send(
    new sqs.CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: attributes.Attributes?.QueueArn,
          maxReceiveCount: maxReceives,
        }),
      },
    }),
  );
  return { queueUrl: created.QueueUrl ?? "", deadLetterQueueUrl };
}
