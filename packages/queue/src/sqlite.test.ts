import { openDatabase } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { SqliteQueue } from "./sqlite.ts";

function fakeClock(start = Date.parse("2026-03-01T00:00:00Z")) {
  let now = start;
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

function makeQueue(maxReceives = 3) {
  const clock = fakeClock();
  const db = openDatabase(":memory:");
  const queue = new SqliteQueue(db, { name: "deliveries", maxReceives, defaultVisibilityTimeoutSeconds: 30, clock });
  return { clock, db, queue };
}

describe("SqliteQueue", () => {
  it("delivers an unacknowledged message again once its visibility timeout passes", async () => {
    const { clock, queue } = makeQueue();
    await queue.send("alert");
    await queue.receive({ max: 1 });

    clock.advance(29);
    const early = await queue.receive({ max: 1 });
    clock.advance(1);
    const [late] = await queue.receive({ max: 1 });

    expect(early).toEqual([]);
    expect(late).toMatchObject({ body: "alert", receiveCount: 2 });
  });

  it("counts receives exactly and dead-letters on the receive after the limit", async () => {
    const { clock, queue } = makeQueue(3);
    await queue.send("poison");
    const counts: number[] = [];

    for (let attempt = 0; attempt < 4; attempt++) {
      const [message] = await queue.receive({ max: 1 });
      if (message) counts.push(message.receiveCount);
      clock.advance(30);
    }

    expect(counts).toEqual([1, 2, 3]);
    expect(await queue.deadLetters(10)).toMatchObject([{ body: "poison", receiveCount: 3 }]);
  });

  it("holds a delayed message back until its delay ends", async () => {
    const { clock, queue } = makeQueue();
    await queue.send("later", { delaySeconds: 300 });

    const before = await queue.receive({ max: 1 });
    clock.advance(300);
    const after = await queue.receive({ max: 1 });

    expect(before).toEqual([]);
    expect(after.map((message) => message.body)).toEqual(["later"]);
  });

  it("keeps messages across a reopen of the database file", async () => {
    const dir = await import("node:fs/promises").then((fs) => fs.mkdtemp("/tmp/tw-queue-"));
    const path = `${dir}/queue.db`;
    const first = openDatabase(path);
    await new SqliteQueue(first, { name: "q", maxReceives: 3 }).send("durable");
    first.close();

    const second = openDatabase(path);
    const received = await new SqliteQueue(second, { name: "q", maxReceives: 3 }).receive({ max: 1 });
    second.close();

    expect(received.map((message) => message.body)).toEqual(["durable"]);
  });
});
