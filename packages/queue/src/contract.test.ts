import { randomUUID } from "node:crypto";
import { openDatabase } from "@treatywatch/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalSqs, startLocalSqs } from "../test/local-sqs.ts";
import type { Queue, QueueMessage } from "./port.ts";
import { SqliteQueue } from "./sqlite.ts";
import { createSqsQueuePair, SqsQueue } from "./sqs.ts";

const MAX_RECEIVES = 3;

interface Adapter {
  name: string;
  setup(): Promise<void>;
  create(): Promise<Queue>;
  teardown(): Promise<void>;
}

function sqliteAdapter(): Adapter {
  const db = openDatabase(":memory:");
  return {
    name: "sqlite",
    async setup() {},
    async create() {
      return new SqliteQueue(db, { name: randomUUID(), maxReceives: MAX_RECEIVES, pollIntervalMs: 10 });
    },
    async teardown() {
      db.close();
    },
  };
}

function sqsAdapter(lazy = false): Adapter {
  let sqs: LocalSqs | undefined;
  return {
    name: lazy ? "sqs (local-aws-sqs), client made on first use" : "sqs (local-aws-sqs)",
    async setup() {
      sqs = await startLocalSqs();
    },
    async create() {
      if (!sqs) throw new Error("emulator not started");
      const urls = await createSqsQueuePair(sqs.client, `q-${randomUUID()}`, MAX_RECEIVES);
      if (!lazy) return new SqsQueue(sqs.client, urls);
      // As the Lambda functions pass it: made (once) when the queue is first used.
      const client = sqs.client;
      let made = 0;
      return new SqsQueue(async () => {
        made++;
        if (made > 1) throw new Error("the client was made twice");
        return client;
      }, urls);
    },
    async teardown() {
      await sqs?.stop();
    },
  };
}

/** Receives until the queue has nothing visible left. */
async function drain(queue: Queue): Promise<QueueMessage[]> {
  const all: QueueMessage[] = [];
  for (;;) {
    const batch = await queue.receive({ max: 10, visibilityTimeoutSeconds: 30 });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

describe.each([sqliteAdapter(), sqsAdapter(), sqsAdapter(true)])("Queue contract: $name", (adapter) => {
  beforeAll(() => adapter.setup());
  afterAll(() => adapter.teardown());

  it("delivers a sent message with its body and a first receive count", async () => {
    const queue = await adapter.create();
    const id = await queue.send('{"kind":"alert"}');

    const [message, ...rest] = await queue.receive({ max: 10 });

    expect(rest).toEqual([]);
    expect(message).toMatchObject({ id, body: '{"kind":"alert"}', receiveCount: 1 });
  });

  it("sends a batch and receives every message of it", async () => {
    const queue = await adapter.create();
    const bodies = ["a", "b", "c", "d", "e"];

    const ids = await queue.sendBatch(bodies);
    const received = await drain(queue);

    expect(new Set(ids).size).toBe(5);
    expect(received.map((message) => message.body).sort()).toEqual(bodies);
  });

  it("hides a received message until it is released, then counts the second receive", async () => {
    const queue = await adapter.create();
    await queue.send("once");
    const [first] = await queue.receive({ max: 1, visibilityTimeoutSeconds: 30 });
    if (!first) throw new Error("nothing received");

    const whileHidden = await queue.receive({ max: 10 });
    await queue.release(first.receipt);
    const [again] = await queue.receive({ max: 1 });

    expect(whileHidden).toEqual([]);
    expect(again).toMatchObject({ id: first.id, body: "once" });
    // local-aws-sqs also counts a visibility change as a receive (real SQS does not); exact counts
    // through visibility timeouts are checked below.
    expect(again?.receiveCount).toBeGreaterThanOrEqual(2);
  });

  it("keeps a message hidden when its visibility is extended", async () => {
    const queue = await adapter.create();
    await queue.send("long work");
    const [message] = await queue.receive({ max: 1, visibilityTimeoutSeconds: 1 });
    if (!message) throw new Error("nothing received");

    await queue.extendVisibility(message.receipt, 60);

    expect(await queue.receive({ max: 10 })).toEqual([]);
  });

  it("deletes an acknowledged message for good", async () => {
    const queue = await adapter.create();
    await queue.send("done");
    const [message] = await queue.receive({ max: 1 });
    if (!message) throw new Error("nothing received");

    await queue.ack(message.receipt);

    expect(await drain(queue)).toEqual([]);
    expect(await queue.deadLetters(10)).toEqual([]);
  });

  it("waits for a message when long polling", async () => {
    const queue = await adapter.create();

    const waiting = queue.receive({ max: 1, waitSeconds: 5 });
    await queue.send("late");

    expect((await waiting).map((message) => message.body)).toEqual(["late"]);
  });

  it("dead-letters a message after the receive limit, lists it and redrives it", async () => {
    const queue = await adapter.create();
    await queue.send("poison");
    const counts: number[] = [];
    for (;;) {
      const [message] = await queue.receive({ max: 1 });
      if (!message) break;
      counts.push(message.receiveCount);
      await queue.release(message.receipt);
    }

    const afterLimit = await drain(queue);
    const dead = await queue.deadLetters(10);
    const moved = await queue.redrive(dead.map((letter) => letter.id));
    const [redriven] = await queue.receive({ max: 1 });

    expect(afterLimit).toEqual([]);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.length).toBeLessThanOrEqual(MAX_RECEIVES);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(dead.map((letter) => letter.body)).toEqual(["poison"]);
    expect(moved).toBe(1);
    expect(redriven).toMatchObject({ body: "poison", receiveCount: 1 });
    expect(await queue.deadLetters(10)).toEqual([]);
  });

  it("redelivers when the visibility timeout runs out, counting each receive, then dead-letters", async () => {
    const queue = await adapter.create();
    await queue.send("never acked");

    const counts: number[] = [];
    for (;;) {
      // Long polling waits for the message to become visible again; nothing sleeps.
      const [message] = await queue.receive({ max: 1, visibilityTimeoutSeconds: 1, waitSeconds: 3 });
      if (!message) break;
      counts.push(message.receiveCount);
    }

    expect(counts).toEqual([1, 2, 3]);
    expect((await queue.deadLetters(10)).map((letter) => letter.body)).toEqual(["never acked"]);
  }, 20_000);

  it("retries only the poisoned message of a batch, which ends in the dead-letter queue", async () => {
    const queue = await adapter.create();
    await queue.sendBatch(["ok-1", "poison", "ok-2", "ok-3"]);
    const handled: string[] = [];

    for (let round = 0; round < MAX_RECEIVES + 2; round++) {
      for (const message of await drain(queue)) {
        if (message.body === "poison") {
          await queue.release(message.receipt);
        } else {
          handled.push(message.body);
          await queue.ack(message.receipt);
        }
      }
    }

    expect(handled.sort()).toEqual(["ok-1", "ok-2", "ok-3"]);
    expect((await queue.deadLetters(10)).map((letter) => letter.body)).toEqual(["poison"]);
  });
});
