import { describe, expect, it } from "vitest";
import { processSqsBatch, type SqsRecord } from "./lambda.ts";

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
