import { describe, expect, it } from "vitest";
import { processFifoBatch, processSqsBatch, type SqsRecord } from "./lambda.ts";

const record = (messageId: string, body = messageId): SqsRecord => ({ messageId, body });

describe("processSqsBatch", () => {
  it("reports only the records whose handler failed", async () => {
    const records = [record("m1"), record("m2", "poison"), record("m3")];
    const handled: string[] = [];

    const response = await processSqsBatch(records, async ({ body }) => {
      if (body === "poison") throw new Error("cannot handle");
      handled.push(body);
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(handled.sort()).toEqual(["m1", "m3"]);
  });

  it("reports no failures for a clean batch", async () => {
    expect(await processSqsBatch([record("m1")], async () => {})).toEqual({ batchItemFailures: [] });
  });
});

describe("processFifoBatch", () => {
  it("handles records one at a time, in order", async () => {
    const events: string[] = [];

    await processFifoBatch([record("m1"), record("m2"), record("m3")], async ({ body }) => {
      events.push(`start ${body}`);
      await Promise.resolve();
      events.push(`end ${body}`);
    });

    expect(events).toEqual(["start m1", "end m1", "start m2", "end m2", "start m3", "end m3"]);
  });

  it("stops at the first failure and reports it with every later record", async () => {
    const handled: string[] = [];

    const response = await processFifoBatch([record("m1"), record("m2", "poison"), record("m3")], async ({ body }) => {
      if (body === "poison") throw new Error("cannot handle");
      handled.push(body);
    });

    expect(handled).toEqual(["m1"]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }, { itemIdentifier: "m3" }] });
  });
});
