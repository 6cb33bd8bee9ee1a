import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { assess, normaliseEntry } from "@treatywatch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { failingClient } from "../test/failing-client.ts";
import { DynamoStore, DynamoStoryShards, type PreparedForShard } from "./dynamodb.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

/**
 * One event in two languages: an English report of the reaction to Ukraine leaving the mine ban
 * treaty and a Ukrainian report of the decision are too unlike to join, and a report that mixes
 * both wordings is like both, and shows them to be one story.
 */
const PUBLISHED = "2025-06-29T18:00:00.000Z";
/** When each was assigned: the English story is the one first seen. */
const ENGLISH = "2025-06-29T18:10:00.000Z";
const UKRAINIAN = "2025-06-29T18:20:00.000Z";
const BRIDGE = "2025-06-29T18:30:00.000Z";
const LATE = "2025-06-29T18:40:00.000Z";

function report(guid: string, title: string, summary: string, language: string): PreparedForShard {
  const item = normaliseEntry(
    { guid, title, summary, link: `https://${guid}.example/report`, published: PUBLISHED, language },
    { feedId: `fd_${guid}`, feedUrl: `https://${guid}.example/feed`, fetchedAt: PUBLISHED },
  );
  if (!item) throw new Error("entry normalised to nothing");
  const { verdict, fingerprint } = assess(item);
  if (!verdict.relevant) throw new Error(`not relevant: ${item.title}`);
  return { item, verdict, fingerprint };
}

const english = (guid = "wire") =>
  report(
    guid,
    "Ukraine's exit from mine ban treaty draws criticism from campaigners",
    "ICBL says the decision endangers civilians.",
    "en",
  );
const ukrainian = (guid = "ukrinform") =>
  report(
    guid,
    "Україна виходить з Оттавської конвенції про заборону протипіхотних мін",
    "Київ пояснює це застосуванням мін Росією і закупівлею нових мін.",
    "uk",
  );
const bridge = () =>
  report(
    "bridge",
    "Zelensky signs decree: Україна виходить з конвенції про заборону мін",
    "Ukraine leaves the landmine ban.",
    "en",
  );

async function fresh(shards = 4) {
  const tableName = await dynamo.freshTable();
  return {
    tableName,
    shards: new DynamoStoryShards({ client: dynamo.client, tableName, shards, pollMs: 5 }),
    store: new DynamoStore({ client: dynamo.client, tableName }),
  };
}

/** The raw story record under an id: a story, or the redirect a fold leaves. */
async function storyRecordOf(tableName: string, id: string) {
  const { Item } = await dynamo.client.send(
    new GetCommand({ TableName: tableName, Key: { pk: `STORY#${id}`, sk: "STORY" }, ConsistentRead: true }),
  );
  return Item;
}

/**
 * Two writers on a fresh table, each a shard of two: `joining` has founded the English story
 * (shard 0) and the Ukrainian one (shard 1); `folding` has a client of its own, for hooks.
 */
async function foldingBeside() {
  const tableName = await dynamo.freshTable();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const folding = new DynamoStoryShards({ client, tableName, shards: 2, pollMs: 5 });
  const joining = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 2, pollMs: 5 });
  const store = new DynamoStore({ client: dynamo.client, tableName });
  const [first] = await joining.assign(0, [english()], ENGLISH);
  const [second] = await joining.assign(1, [ukrainian()], UKRAINIAN);
  return { client, folding, joining, store, first, second };
}

describe("stories folded by a report that belongs to both (DynamoDB story shards, dynalite)", () => {
  it.each([
    ["four shards", 4],
    ["one shard", 1],
  ])("folds two stories in two languages into the one first seen: %s", async (_name, count) => {
    const { tableName, shards, store } = await fresh(count);
    const en = english();
    const uk = ukrainian();
    const [first] = await shards.assign(0, [en], ENGLISH);
    const [second] = await shards.assign(1 % count, [uk], UKRAINIAN);
    expect([first?.outcome, second?.outcome]).toEqual(["founded", "founded"]);
    expect(first?.storyId).not.toBe(second?.storyId);
    const survivor = first?.storyId ?? "";
    const absorbed = second?.storyId ?? "";

    const by = bridge();
    const [bridged] = await shards.assign(2 % count, [by], BRIDGE);

    expect(bridged).toMatchObject({ outcome: "joined", storyId: survivor, version: 3 });
    // The Ukrainian story's outlet and language, and the bridging report's outlet.
    expect(bridged?.changes).toEqual(
      expect.arrayContaining([
        { kind: "new-outlet", outlet: uk.item.outlet },
        { kind: "new-outlet", outlet: by.item.outlet },
      ]),
    );
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([survivor]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(
      [en.item.id, uk.item.id, by.item.id].sort(),
    );
    expect(listed[0]?.languages?.sort()).toEqual(["en", "uk"]);
    expect(listed[0]?.version).toBe(bridged?.version);
    expect((await store.getStory(absorbed))?.id).toBe(survivor);
    const redirect = await storyRecordOf(tableName, absorbed);
    expect(redirect).toMatchObject({ mergedInto: survivor });
    expect(redirect?.gsi1pk).toBeUndefined();
    expect((await store.getItem(uk.item.id))?.storyId).toBe(survivor);
    const items = (await store.listItems({ storyId: survivor, limit: 10 })).data;
    expect(items.map((stored) => stored.item.id).sort()).toEqual([en.item.id, uk.item.id, by.item.id].sort());
    expect(items.every((stored) => stored.storyId === survivor)).toBe(true);
    expect((await store.listItems({ storyId: absorbed, limit: 10 })).data).toHaveLength(3);

    // A later Ukrainian report finds the story through the index entries that named the folded one.
    const later = ukrainian("ukrpravda");
    const [joined] = await shards.assign(1 % count, [later], LATE);
    expect(joined).toMatchObject({ outcome: "joined", storyId: survivor });
    expect((await storyRecordOf(tableName, absorbed))?.mergedInto).toBe(survivor);
    expect((await store.getStory(survivor))?.sources).toHaveLength(4);
  });

  it("folds within one batch: a later item of the batch joins the merged story, and every item is stored under it", async () => {
    const { shards, store } = await fresh(1);
    const en = english();
    const uk = ukrainian();
    const by = bridge();
    const later = ukrainian("ukrpravda");

    const outcomes = await shards.assign(0, [en, uk, by, later], BRIDGE);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["founded", "founded", "joined", "joined"]);
    // Seen at the same moment: the story of the smaller id is kept.
    const [survivor, absorbed] = [outcomes[0]?.storyId ?? "", outcomes[1]?.storyId ?? ""].sort();
    expect(outcomes.slice(2).map((outcome) => outcome.storyId)).toEqual([survivor, survivor]);
    expect((await store.listStories({ limit: 10 })).data.map((story) => story.id)).toEqual([survivor]);
    expect((await store.getStory(absorbed ?? ""))?.id).toBe(survivor);
    for (const { item } of [en, uk, by, later]) expect((await store.getItem(item.id))?.storyId).toBe(survivor);
    expect((await store.getStory(survivor ?? ""))?.sources).toHaveLength(4);
  });

  it("loses no report when another shard joins the absorbed story while it is folded: the fold takes in the newer copy", async () => {
    const { client, folding, joining, store, first, second } = await foldingBeside();
    const [en, uk] = [english(), ukrainian()];
    const absorbed = second?.storyId ?? "";
    // Another Ukrainian report, joined to the Ukrainian story by the other shard just as the
    // folding shard writes the merged story, before it turns the Ukrainian one into a redirect.
    const late = ukrainian("ukrpravda");
    let joinedMeanwhile: unknown;
    const redirects: string[] = [];
    let publications = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const body = JSON.stringify(args.input);
        if (context.commandName === "PutItemCommand" && body.includes("STORYCLAIM")) publications++;
        if (!joinedMeanwhile && context.commandName === "PutItemCommand" && body.includes(`STORY#${first?.storyId}`)) {
          joinedMeanwhile = await joining.assign(1, [late], LATE);
        }
        if (context.commandName !== "UpdateItemCommand" || !body.includes(`STORY#${absorbed}`)) return next(args);
        try {
          const result = await next(args);
          redirects.push("written");
          return result;
        } catch (error) {
          redirects.push((error as Error).name);
          throw error;
        }
      },
      { step: "initialize", name: "joinWhileFolding" },
    );

    const [folded] = await folding.assign(0, [bridge()], BRIDGE);

    expect(joinedMeanwhile).toMatchObject([{ outcome: "joined", storyId: absorbed }]);
    expect(redirects).toEqual(["ConditionalCheckFailedException", "written"]);
    // Folded again where it failed: the batch was not decided again.
    expect(publications).toBe(1);
    expect(folded).toMatchObject({ outcome: "joined", storyId: first?.storyId });
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([first?.storyId]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(
      [en.item.id, uk.item.id, bridge().item.id, late.item.id].sort(),
    );
    expect((await store.getItem(late.item.id))?.storyId).toBe(first?.storyId);
    client.destroy();
  });

  it("decides the batch again when the survivor too was joined meanwhile, losing no report", async () => {
    const { client, folding, joining, store, first, second } = await foldingBeside();
    const late = ukrainian("ukrpravda");
    const copy = report("copy", english().item.title, english().item.summary, "en");
    const joinedMeanwhile: unknown[] = [];
    let publications = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const body = JSON.stringify(args.input);
        if (context.commandName === "PutItemCommand" && body.includes("STORYCLAIM")) publications++;
        // The Ukrainian story gains a report as the merged story is written, and the merged story
        // one as the Ukrainian story is redirected.
        if (
          joinedMeanwhile.length === 0 &&
          context.commandName === "PutItemCommand" &&
          body.includes(`STORY#${first?.storyId}`)
        ) {
          joinedMeanwhile.push(await joining.assign(1, [late], LATE));
        }
        if (
          joinedMeanwhile.length === 1 &&
          context.commandName === "UpdateItemCommand" &&
          body.includes(`STORY#${second?.storyId}`)
        ) {
          joinedMeanwhile.push(await joining.assign(1, [copy], LATE));
        }
        return next(args);
      },
      { step: "initialize", name: "joinBothWhileFolding" },
    );

    const [folded] = await folding.assign(0, [bridge()], BRIDGE);

    expect(joinedMeanwhile).toMatchObject([
      [{ outcome: "joined", storyId: second?.storyId }],
      [{ outcome: "joined", storyId: first?.storyId }],
    ]);
    expect(publications).toBe(2);
    expect(folded).toMatchObject({ outcome: "joined", storyId: first?.storyId });
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([first?.storyId]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(
      [english(), ukrainian(), bridge(), late, copy].map((one) => one.item.id).sort(),
    );
    client.destroy();
  });

  it("completes a fold a failed write cut short when the batch comes again, counting no report twice", async () => {
    const tableName = await dynamo.freshTable();
    // Once both stories stand, the redirect of the Ukrainian one is throttled, once.
    let absorbed: string | undefined;
    const { client, failed } = failingClient(
      dynamo.endpoint,
      (command, input) =>
        absorbed !== undefined &&
        command === "UpdateItemCommand" &&
        JSON.stringify(input).includes(`STORY#${absorbed}`),
      {
        times: 1,
        error: () => {
          const error = new Error("Rate of requests exceeds the allowed throughput");
          error.name = "ProvisionedThroughputExceededException";
          return error;
        },
      },
    );
    const shards = new DynamoStoryShards({ client, tableName, shards: 2, pollMs: 5 });
    const store = new DynamoStore({ client: dynamo.client, tableName });
    // Three reports a story: folded, with the report that shows them one, they are seven, within the limit.
    const english3 = ["wire", "afp", "dpa"].map((guid) => english(guid));
    const ukrainian3 = ["ukrinform", "ukrpravda", "suspilne"].map((guid) => ukrainian(guid));
    const [first] = await shards.assign(0, english3, ENGLISH);
    const [second] = await shards.assign(0, ukrainian3, UKRAINIAN);
    const survivor = first?.storyId ?? "";
    absorbed = second?.storyId ?? "";
    const by = bridge();
    await expect(shards.assign(0, [by], BRIDGE)).rejects.toMatchObject({
      name: "ProvisionedThroughputExceededException",
    });

    const [again] = await shards.assign(0, [by], BRIDGE);

    expect(failed()).toBe(1);
    expect(again).toMatchObject({ outcome: "joined", storyId: survivor });
    expect((await storyRecordOf(tableName, absorbed))?.mergedInto).toBe(survivor);
    const everyId = [...english3, ...ukrainian3, by].map((one) => one.item.id).sort();
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([survivor]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(everyId);
    for (const { item } of ukrainian3) expect((await store.getItem(item.id))?.storyId).toBe(survivor);
    for (const id of [survivor, absorbed]) {
      const items = (await store.listItems({ storyId: id, limit: 20 })).data;
      expect(items.map((stored) => stored.item.id).sort()).toEqual(everyId);
    }
    client.destroy();
  });

  it("completes a fold begun before a conflict made the batch decide again, though both stories grew meanwhile", async () => {
    const { client, folding, joining, store, first, second } = await foldingBeside();
    const survivor = first?.storyId ?? "";
    const absorbed = second?.storyId ?? "";
    const late = ukrainian("ukrpravda");
    // Enough copies that the stories, their reports counted twice, would be too many to fold.
    const copies = ["afp", "dpa", "ap", "efe", "ansa", "pap"].map((guid) => english(guid));
    const joinedMeanwhile: unknown[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const body = JSON.stringify(args.input);
        // The Ukrainian story gains a report as the merged story is written, and the merged
        // story six as the Ukrainian story is redirected: the fold meets a conflict.
        if (
          joinedMeanwhile.length === 0 &&
          context.commandName === "PutItemCommand" &&
          body.includes(`STORY#${survivor}`)
        ) {
          joinedMeanwhile.push(await joining.assign(1, [late], LATE));
        }
        if (
          joinedMeanwhile.length === 1 &&
          context.commandName === "UpdateItemCommand" &&
          body.includes(`STORY#${absorbed}`)
        ) {
          joinedMeanwhile.push(await joining.assign(1, copies, LATE));
        }
        return next(args);
      },
      { step: "initialize", name: "joinBothWhileFolding" },
    );

    const [folded] = await folding.assign(0, [bridge()], BRIDGE);

    expect(joinedMeanwhile).toMatchObject([
      [{ outcome: "joined", storyId: absorbed }],
      copies.map(() => ({ outcome: "joined", storyId: survivor })),
    ]);
    expect(folded).toMatchObject({ outcome: "joined", storyId: survivor });
    const everyId = [english(), ukrainian(), bridge(), late, ...copies].map((one) => one.item.id).sort();
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([survivor]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(everyId);
    expect((await store.getItem(late.item.id))?.storyId).toBe(survivor);
    const items = (await store.listItems({ storyId: survivor, limit: 20 })).data;
    expect(items.map((stored) => stored.item.id).sort()).toEqual(everyId);
    client.destroy();
  });

  it("never joins a folded story a shard remembers: another shard's fold is taken from its claim", async () => {
    const tableName = await dynamo.freshTable();
    const warm = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 2, pollMs: 5 });
    const other = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 2, pollMs: 5 });
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const [first] = await other.assign(0, [english()], ENGLISH);
    // The warm shard founds the Ukrainian story and remembers it.
    const [second] = await warm.assign(1, [ukrainian()], UKRAINIAN);
    await other.assign(0, [bridge()], BRIDGE);

    const [joined] = await warm.assign(1, [ukrainian("ukrpravda")], LATE);

    expect(joined).toMatchObject({ outcome: "joined", storyId: first?.storyId });
    expect((await store.getStory(second?.storyId ?? ""))?.id).toBe(first?.storyId);
    expect((await store.listStories({ limit: 10 })).data.map((story) => story.sources.length)).toEqual([4]);
  });

  it("never joins a folded story a shard remembers: its own fold leaves it a redirect", async () => {
    const { tableName, shards, store } = await fresh(2);
    const [first] = await shards.assign(0, [english()], ENGLISH);
    const [second] = await shards.assign(0, [ukrainian()], UKRAINIAN);
    await shards.assign(0, [bridge()], BRIDGE);

    const [joined] = await shards.assign(0, [ukrainian("ukrpravda")], LATE);

    expect(joined).toMatchObject({ outcome: "joined", storyId: first?.storyId });
    expect((await storyRecordOf(tableName, second?.storyId ?? ""))?.mergedInto).toBe(first?.storyId);
    expect((await store.getStory(first?.storyId ?? ""))?.sources).toHaveLength(4);
  });
});
