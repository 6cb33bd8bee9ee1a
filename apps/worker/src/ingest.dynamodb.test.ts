import { assess, type Clock, normaliseEntry } from "@treatywatch/core";
import { DynamoStore } from "@treatywatch/store/dynamodb";
import { countedClient } from "@treatywatch/store/testing/counted-client";
import { type LocalDynamo, startDynalite } from "@treatywatch/store/testing/dynalite";
import { failingClient, type PicksCall, putsRecord } from "@treatywatch/store/testing/failing-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestItems, type PreparedItem, replayStoryEvent, type StoryEvent } from "./ingest.ts";

const AT = "2025-06-30T08:00:00.000Z";
const clock: Clock = { now: () => new Date("2025-06-30T12:00:00.000Z") };

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

function report(guid: string, title: string, outlet: string, minutes: number): PreparedItem {
  const fetchedAt = new Date(Date.parse(AT) + minutes * 60_000).toISOString();
  const item = normaliseEntry(
    { guid, title, summary: "", link: `https://${guid}.example/`, published: fetchedAt },
    { feedId: `fd_${guid}`, feedUrl: `https://${guid}.example/feed`, feedTitle: outlet, fetchedAt },
  );
  if (!item) throw new Error("entry normalised to nothing");
  return { item, ...assess(item) };
}

/** A wire report founds the story; another outlet's, with a figure of its own, joins it. */
const REPORTS = [
  report("first", "Deminers clear a village field in Kharkiv region", "Wire", 0),
  report("second", "Kharkiv region: deminers clear a village field, 40 mines found", "Other Outlet", 5),
];

/** A store whose process dies at the first call `dies` picks: that call and every one after it fail. */
function dyingStore(tableName: string, dies: PicksCall): DynamoStore {
  return new DynamoStore({ client: failingClient(dynamo.endpoint, dies, { dies: true }).client, tableName });
}

/** Ingests the reports one at a time, as the single writer does; with `dies`, each first attempt dies and is retried. */
async function ingestEach(dies?: PicksCall): Promise<StoryEvent[][]> {
  const tableName = await dynamo.freshTable();
  const store = new DynamoStore({ client: dynamo.client, tableName });
  const events: StoryEvent[][] = [];
  for (const one of REPORTS) {
    if (dies) {
      await expect(ingestItems([one], { store: dyingStore(tableName, dies), clock })).rejects.toThrow(
        "the process died",
      );
    }
    const summary = await ingestItems([one], { store, clock });
    expect(summary.fresh).toBe(1);
    events.push(summary.events);
  }
  const stories = (await store.listStories({ limit: 5 })).data;
  expect(stories.map((story) => [story.version, story.sources.length])).toEqual([[2, 2]]);
  return events;
}

describe("DynamoDB ingest retried after the process died writing a report (saveIngest, dynalite)", () => {
  let expected: StoryEvent[][];
  beforeAll(async () => {
    expected = await ingestEach();
  });

  it("sends a created and an updated event with its new outlet and figures when nothing fails", () => {
    expect(expected.map((events) => events.map((event) => [event.kind, event.version]))).toEqual([
      [["created", 1]],
      [["updated", 2]],
    ]);
    expect(expected[1]?.[0]?.changes).toEqual([
      { kind: "new-outlet", outlet: "Other Outlet" },
      { kind: "new-figures", figures: ["40"] },
    ]);
  });

  it.each([
    ["the item", putsRecord("ITEM#", "ITEM")],
    ["its URL marker", putsRecord("ITEMURL#", "ITEMURL")],
  ])(
    "sends the same events on the retry when the first attempt wrote the story and died at %s",
    async (_write, dies) => {
      expect(await ingestEach(dies)).toEqual(expected);
    },
  );
});

describe("DynamoDB story events rebuilt from the store (replayStoryEvent, dynalite)", () => {
  const SAID = ["today", "officials say", "on Monday", "police say", "a governor says", "after shelling"];
  /** Outlets' reports of one event, each worded a little differently; the last with a figure of its own. */
  const story = (outlets: number): PreparedItem[] => [
    ...SAID.slice(0, outlets).map((said, index) =>
      report(`copy${index}`, `Deminers clear a village field in Kharkiv region ${said}`, `Outlet ${index}`, index),
    ),
    report("last", "Kharkiv region: deminers clear a village field, 40 mines found", "Last Outlet", outlets),
  ];

  it("reads the reports listed before an item in one batched read, however many there are", async () => {
    const replayed = async (reports: PreparedItem[]) => {
      const tableName = await dynamo.freshTable();
      const store = new DynamoStore({ client: dynamo.client, tableName });
      const summary = await ingestItems(reports, { store, clock });
      expect((await store.listStories({ limit: 5 })).data.map((one) => one.sources.length)).toEqual([reports.length]);
      const counted = countedClient(dynamo.endpoint);
      const event = await replayStoryEvent(
        reports.at(-1)?.item.id ?? "",
        new DynamoStore({ client: counted.client, tableName }),
      );
      const calls = counted.total();
      counted.client.destroy();
      return { sent: summary.events.at(-1), event, calls };
    };
    const few = await replayed(story(1));

    const many = await replayed(story(6));

    for (const { sent, event } of [few, many]) {
      expect(event).toEqual(sent);
      expect(event?.changes).toEqual([
        { kind: "new-outlet", outlet: "Last Outlet" },
        { kind: "new-figures", figures: ["40"] },
      ]);
    }
    expect(many.calls).toBe(few.calls);
  });
});
