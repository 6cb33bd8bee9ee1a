import type { Clock } from "@treatywatch/core";
import { SqliteQueue } from "@treatywatch/queue";
import { openDatabase, SqliteDeliveryStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { deadLettersCommand, deliveryLogCommand, listFailedDeliveries, replayDeliveries } from "./deliveries.ts";
import type { FeedsOutput } from "./feeds.ts";

const clock: Clock = { now: () => new Date("2026-03-02T09:00:00Z") };

function capture(): FeedsOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => void lines.push(line), err: (line) => void errors.push(line) };
}

function runtimeWithFailure() {
  const db = openDatabase(":memory:");
  const deliveries = new SqliteDeliveryStore(db);
  const deliveryQueue = new SqliteQueue(db, { name: "deliveries", maxReceives: 1, clock });
  deliveries.create({
    id: "msg_1",
    subscriptionId: "sub_1",
    tenantId: "t1",
    kind: "alert",
    eventType: "story.created",
    channel: { type: "webhook", url: "https://hooks.example/x" },
    payload: "{}",
    createdAt: "2026-03-02T08:00:00.000Z",
  });
  deliveries.recordAttempt(
    {
      deliveryId: "msg_1",
      attempt: 1,
      at: "2026-03-02T08:00:00.000Z",
      outcome: "failed",
      statusCode: 410,
      latencyMs: 12,
    },
    { status: "failed", reason: "HTTP 410 Gone" },
  );
  return { deliveries, deliveryQueue, clock };
}

describe("treatywatch deliveries", () => {
  it("lists failed deliveries with their last error", async () => {
    const io = capture();

    await listFailedDeliveries(runtimeWithFailure(), {}, io);

    expect(io.lines).toEqual(["msg_1\tsub_1\tstory.created\t1 attempts\tHTTP 410 Gone"]);
  });

  it("shows a subscription's log with each attempt's status and latency", async () => {
    const io = capture();

    await deliveryLogCommand(runtimeWithFailure(), "sub_1", io);

    expect(io.lines).toEqual([
      "msg_1\tstory.created\tfailed\tcreated 2026-03-02T08:00:00.000Z",
      "  #1\t2026-03-02T08:00:00.000Z\tfailed HTTP 410\t12 ms",
    ]);
  });

  it("replays a failed delivery once, due now", async () => {
    const runtime = runtimeWithFailure();
    const first = capture();
    const again = capture();

    const codes = [
      await replayDeliveries(runtime, ["msg_1"], {}, first),
      await replayDeliveries(runtime, ["msg_1"], {}, again),
    ];

    expect(codes).toEqual([0, 1]);
    expect(runtime.deliveries.get("msg_1")).toMatchObject({
      status: "pending",
      nextAttemptAt: "2026-03-02T09:00:00.000Z",
    });
  });

  it("lists and redrives the queue's dead letters", async () => {
    const runtime = runtimeWithFailure();
    await runtime.deliveryQueue.send('{"deliveryId":"msg_x"}');
    await runtime.deliveryQueue.receive({ max: 1, visibilityTimeoutSeconds: 0 });
    await runtime.deliveryQueue.receive({ max: 1 });
    const listed = capture();
    const redriven = capture();

    await deadLettersCommand(runtime, {}, listed);
    await deadLettersCommand(runtime, { redrive: true }, redriven);

    expect(listed.lines).toEqual([expect.stringMatching(/\t1 receives\t\{"deliveryId":"msg_x"\}$/)]);
    expect(redriven.lines).toEqual(["redrove 1 messages"]);
    expect(await runtime.deliveryQueue.receive({ max: 1 })).toHaveLength(1);
  });
});
