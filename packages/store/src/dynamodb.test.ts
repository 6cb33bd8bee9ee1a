import { inflateRawSync } from "node:zlib";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  assess,
  foundStory,
  indexKeys,
  joinStory,
  lookupKeys,
  mergeStories,
  normaliseEntry,
  pickStory,
  placeReport,
  type Story,
} from "@treatywatch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { failingClient, type PicksCall, putsRecord, sortKeysPut } from "../test/failing-client.ts";
import { storeContract } from "./contract.ts";
import { foldStories } from "./dynamodb/records.ts";
import { documentClient } from "./dynamodb/shared.ts";
import { DynamoStore, expiresAt } from "./dynamodb.ts";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

storeContract("DynamoDB", async () => new DynamoStore({ client: dynamo.client, tableName: await dynamo.freshTable() }));

describe("DynamoDB records", () => {
  it("gives story keys and members an expiry, in epoch seconds, after the cluster window", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName, clusterIndexTtlDays: 14 });
    const item = {
      id: "it_ttl",
      feedId: "fd_ttl",
      title: "Mine action teams survey former front line near Izium",
      summary: "",
      outlet: "Outlet Example",
      fetchedAt: "2025-06-27T10:00:00.000Z",
      contentHash: "hash-ttl",
    };
    const verdict = {
      relevant: true,
      score: 0.9,
      topics: ["clearance" as const],
      categories: [],
      countries: ["UA"],
      treaties: [],
      why: [],
      classifierVersion: "ttl",
    };
    const print = assess(item).fingerprint;
    const story = {
      id: "sty_ttl",
      title: item.title,
      summary: "",
      firstSeenAt: item.fetchedAt,
      updatedAt: item.fetchedAt,
      version: 1,
      score: 0.9,
      topics: verdict.topics,
      categories: [],
      countries: ["UA"],
      treaties: [],
      sources: [],
    };

    await store.saveIngest({ stored: { item, verdict, storyId: story.id }, story, fingerprint: print });

    const read = (pk: string, sk: string) => readRecord(tableName, pk, sk);
    const expected = Date.UTC(2025, 5, 27, 10) / 1000 + 14 * 86_400;
    expect(expiresAt(item.fetchedAt, 14)).toBe(expected);
    expect((await read("STORY#sty_ttl", `MEMBER#${print.at}#it_ttl`))?.expiresAt).toBe(expected);
    expect((await read(`SKEY#${indexKeys(print)[0]}`, `SEEN#${print.at}#sty_ttl`))?.expiresAt).toBe(expected);
    expect((await read("STORY#sty_ttl", "STORY"))?.expiresAt).toBeUndefined();
  });

  it("never takes a story back to an older version when an old write is replayed", async () => {
    const store = new DynamoStore({ client: dynamo.client, tableName: await dynamo.freshTable() });
    const base = {
      id: "sty_replay",
      title: "Treaty depositary confirms withdrawal notice",
      summary: "",
      firstSeenAt: "2025-06-27T10:00:00.000Z",
      updatedAt: "2025-06-27T10:00:00.000Z",
      version: 1,
      score: 0.7,
      topics: [],
      categories: [],
      countries: [],
      treaties: [],
      sources: [],
    };
    const item = {
      id: "it_replay",
      feedId: "fd_replay",
      title: base.title,
      summary: "",
      outlet: "Outlet Example",
      fetchedAt: base.updatedAt,
      contentHash: "hash-replay",
    };
    const verdict = {
      relevant: true,
      score: 0.7,
      topics: [],
      categories: [],
      countries: [],
      treaties: [],
      why: [],
      classifierVersion: "x",
    };
    const newer = { ...base, version: 2, updatedAt: "2025-06-27T11:00:00.000Z" };

    await store.saveIngest({ stored: { item, verdict, storyId: base.id }, story: newer });
    await store.saveIngest({ stored: { item, verdict, storyId: base.id }, story: base });

    expect(await store.getStory(base.id)).toEqual(newer);
  });

  it("keeps a story packed (deflated JSON in base64), and reads one stored earlier as a JSON string or a map", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const story = {
      id: "sty_form",
      title: "Deminers clear 400 hectares in Battambang",
      summary: "",
      firstSeenAt: "2025-06-27T10:00:00.000Z",
      updatedAt: "2025-06-27T10:00:00.000Z",
      version: 1,
      score: 0.8,
      topics: ["clearance" as const],
      categories: [],
      countries: ["KH"],
      treaties: [],
      sources: [],
      languages: [],
    };
    const item = {
      id: "it_form",
      feedId: "fd_form",
      title: story.title,
      summary: "",
      outlet: "Outlet Example",
      fetchedAt: story.updatedAt,
      contentHash: "hash-form",
    };
    const verdict = { relevant: true, score: 0.8, topics: [], categories: [], countries: [], treaties: [], why: [] };
    await store.saveIngest({
      stored: { item, verdict: { ...verdict, classifierVersion: "x" }, storyId: story.id },
      story,
    });
    const packed = (await readRecord(tableName, "STORY#sty_form", "STORY"))?.story;
    expect(typeof packed).toBe("string");
    expect(JSON.parse(inflateRawSync(Buffer.from(packed as string, "base64")).toString("utf8"))).toEqual(story);

    const asString = { ...story, id: "sty_string", updatedAt: "2025-06-27T09:30:00.000Z" };
    await dynamo.client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: "STORY#sty_string",
          sk: "STORY",
          gsi1pk: "STORIES",
          gsi1sk: `${asString.updatedAt}#sty_string`,
          story: JSON.stringify(asString),
        },
      }),
    );
    const older = { ...story, id: "sty_map", updatedAt: "2025-06-27T09:00:00.000Z" };
    await dynamo.client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: "STORY#sty_map",
          sk: "STORY",
          gsi1pk: "STORIES",
          gsi1sk: `${older.updatedAt}#sty_map`,
          story: older,
        },
      }),
    );

    expect(await store.getStory("sty_string")).toEqual(asString);
    expect(await store.getStory("sty_map")).toEqual(older);
    expect((await store.listStories({ limit: 10 })).data).toEqual([story, asString, older]);
  });
});

/** Reports from feeds of their own, each fetched and published `minutes` after `at`, as assessed. */
function reportsFrom(at: string) {
  return (guid: string, title: string, minutes: number) => {
    const fetchedAt = new Date(Date.parse(at) + minutes * 60_000).toISOString();
    const item = normaliseEntry(
      { guid, title, summary: "", link: `https://${guid}.example/`, published: fetchedAt },
      { feedId: `fd_${guid}`, feedUrl: `https://${guid}.example/feed`, fetchedAt },
    );
    if (!item) throw new Error("entry normalised to nothing");
    return { item, ...assess(item) };
  };
}
type Report = ReturnType<ReturnType<typeof reportsFrom>>;

describe("DynamoDB stories folded into another (saveIngest with absorbed)", () => {
  const AT = "2025-06-29T18:00:00.000Z";
  const report = reportsFrom(AT);
  const found = async (store: DynamoStore, one: Report) => {
    const story = foundStory(one.item, one.verdict, one.item.fetchedAt);
    await store.saveIngest({
      stored: { item: one.item, verdict: one.verdict, storyId: story.id },
      story,
      fingerprint: one.fingerprint,
    });
    return story;
  };
  /** As ingest writes a report that matched both stories: the two folded, then the report joined. */
  const bridge = async (store: DynamoStore, a: Story, b: Story, one: Report) => {
    const merged = mergeStories(a, b, one.item.fetchedAt);
    const { story } = joinStory(merged.story, one.item, one.verdict, one.item.fetchedAt);
    await store.saveIngest({
      stored: { item: one.item, verdict: one.verdict, storyId: story.id },
      story,
      fingerprint: one.fingerprint,
      absorbed: [merged.absorbed],
    });
    return { story, absorbed: merged.absorbed };
  };

  it("gives the survivor for the absorbed id, lists it alone, and lists the absorbed story's items under it", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const english = report("wire", "Ukraine's exit from mine ban treaty draws criticism from campaigners", 0);
    const ukrainian = report("ukr", "Україна виходить з Оттавської конвенції про заборону протипіхотних мін", 5);
    const mixed = report("mix", "Zelensky signs decree: Україна виходить з конвенції про заборону мін", 10);
    const a = await found(store, english);
    const b = await found(store, ukrainian);

    const { story, absorbed } = await bridge(store, b, a, mixed);

    expect(story.id).toBe(a.id);
    expect(absorbed).toBe(b.id);
    expect(await store.getStory(b.id)).toEqual(story);
    expect((await store.listStories({ limit: 10 })).data).toEqual([story]);
    expect((await store.getItem(ukrainian.item.id))?.storyId).toBe(a.id);
    const items = (await store.listItems({ storyId: a.id, limit: 10 })).data;
    expect(items.map((stored) => stored.item.id)).toEqual([mixed.item.id, ukrainian.item.id, english.item.id]);
    expect(items.map((stored) => stored.storyId)).toEqual([a.id, a.id, a.id]);
    expect((await store.listItems({ limit: 10 })).data.map((stored) => stored.storyId)).toEqual([a.id, a.id, a.id]);
    // Paged one at a time, across the two stories' items, none lost or repeated.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listItems({ storyId: a.id, limit: 1, cursor });
      paged.push(...page.data.map((stored) => stored.item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(items.map((stored) => stored.item.id));

    const candidates = await store.storyCandidates(lookupKeys(ukrainian.fingerprint), AT, 16);
    expect(candidates.map((candidate) => candidate.storyId)).toEqual([a.id]);
    expect(candidates[0]?.fingerprints).toContainEqual(ukrainian.fingerprint);
    expect(candidates[0]?.fingerprints).toContainEqual(english.fingerprint);
  });

  it("resolves a chain: a story absorbed into one that is absorbed in turn leads to the last", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const first = report("first", "Cambodia deminers clear minefield near Battambang", 0);
    const second = report("second", "Landmine clearance finished in Battambang village", 5);
    const third = report("third", "Battambang mine clearance: CMAC hands land back", 10);
    const bridging = report("bridging", "CMAC deminers finish Battambang minefield clearance", 15);
    const last = report("last", "Battambang minefield cleared, CMAC says", 20);
    const a = await found(store, first);
    const b = await found(store, second);
    const c = await found(store, third);
    const ab = await bridge(store, a, b, bridging);
    // A story first seen before the others takes in the merged one.
    const older = { ...c, firstSeenAt: "2025-06-29T17:00:00.000Z" };
    const abc = await bridge(store, ab.story, older, last);

    expect(abc.story.id).toBe(c.id);
    for (const id of [a.id, b.id, c.id]) expect((await store.getStory(id))?.id).toBe(c.id);
    expect((await store.listStories({ limit: 10 })).data.map((story) => story.id)).toEqual([c.id]);
    const items = (await store.listItems({ storyId: c.id, limit: 10 })).data;
    expect(items.map((stored) => stored.item.id).sort()).toEqual(
      [first, second, third, bridging, last].map((one) => one.item.id).sort(),
    );
    expect((await store.getItem(second.item.id))?.storyId).toBe(c.id);
    const keys = [...new Set([first, second, third].flatMap((one) => lookupKeys(one.fingerprint)))];
    expect((await store.storyCandidates(keys, AT, 16)).map((candidate) => candidate.storyId)).toEqual([c.id]);

    // A redirect written two hops deep (as a fold interrupted between its writes leaves it) is followed too.
    await dynamo.client.send(
      new PutCommand({ TableName: tableName, Item: { pk: `STORY#${b.id}`, sk: "STORY", mergedInto: a.id, rev: 9 } }),
    );
    expect((await store.getStory(b.id))?.id).toBe(c.id);
    expect((await store.getItem(second.item.id))?.storyId).toBe(c.id);
  });

  it("lists none of a story's items under another whose fold of it failed: the story went elsewhere first", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    // Options as the store's own: a document client shares the client's middleware.
    const doc = documentClient(dynamo.client);
    const [one, two, three] = [0, 5, 10].map((minutes) =>
      report(`clearance${minutes}`, `Deminers clear a village field in Kharkiv region (${minutes})`, minutes),
    ) as [Report, Report, Report];
    const kept = await found(store, one);
    const read = await found(store, two);
    const elsewhere = await found(store, three);
    // Two shards read the second story at its revision; one folds it into the third first.
    await foldStories(doc, tableName, elsewhere.id, [{ id: read.id, revision: 0 }]);

    await expect(foldStories(doc, tableName, kept.id, [{ id: read.id, revision: 0 }])).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });

    expect((await store.getItem(two.item.id))?.storyId).toBe(elsewhere.id);
    const itemsOf = async (id: string) =>
      (await store.listItems({ storyId: id, limit: 10 })).data.map((stored) => `${stored.item.id}:${stored.storyId}`);
    expect(await itemsOf(kept.id)).toEqual([`${one.item.id}:${kept.id}`]);
    expect((await itemsOf(elsewhere.id)).sort()).toEqual(
      [`${two.item.id}:${elsewhere.id}`, `${three.item.id}:${elsewhere.id}`].sort(),
    );
  });

  it("leaves standing a story whose fold failed when the story it was to go into is folded in turn", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    // Options as the store's own: a document client shares the client's middleware.
    const doc = documentClient(dynamo.client);
    const [oldest, middle, newest, bridging] = [0, 5, 10, 15].map((minutes) =>
      report(`clearance${minutes}`, `Deminers clear a village field in Kharkiv region (${minutes})`, minutes),
    ) as [Report, Report, Report, Report];
    const first = await found(store, oldest);
    const kept = await found(store, middle);
    const standing = await found(store, newest);
    // Another shard joins the story after this one read it: its fold is refused.
    await dynamo.client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `STORY#${standing.id}`, sk: "STORY" },
        UpdateExpression: "SET rev = :rev",
        ExpressionAttributeValues: { ":rev": 1 },
      }),
    );
    await expect(foldStories(doc, tableName, kept.id, [{ id: standing.id, revision: 0 }])).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });

    // Later a report shows the story it was to go into to be one with the oldest.
    const { story } = await bridge(store, first, kept, bridging);

    expect(story.id).toBe(first.id);
    expect((await store.getStory(standing.id))?.id).toBe(standing.id);
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((one) => one.id).sort()).toEqual([first.id, standing.id].sort());
    expect(listed.find((one) => one.id === standing.id)?.sources.map((source) => source.itemId)).toEqual([
      newest.item.id,
    ]);
    expect((await store.getItem(newest.item.id))?.storyId).toBe(standing.id);
    expect((await store.listItems({ storyId: standing.id, limit: 10 })).data.map((stored) => stored.item.id)).toEqual([
      newest.item.id,
    ]);
    expect(
      (await store.listItems({ storyId: first.id, limit: 10 })).data.map((stored) => stored.item.id).sort(),
    ).toEqual([oldest.item.id, middle.item.id, bridging.item.id].sort());
  });
});

describe("DynamoDB ingest cut short (saveIngest), then retried as the single writer retries", () => {
  const AT = "2025-06-30T08:00:00.000Z";
  const report = reportsFrom(AT);

  /** A store whose process dies at the first write `dies` picks: that call and every one after it fail. */
  const dyingStore = (tableName: string, dies: PicksCall) =>
    new DynamoStore({ client: failingClient(dynamo.endpoint, dies, { dies: true }).client, tableName });
  const writesStory = (storyId: string) => (command: string, input: Record<string, unknown>) => {
    const key = (input.Item ?? input.Key) as { pk?: string; sk?: string } | undefined;
    return command !== "GetItemCommand" && key?.pk === `STORY#${storyId}` && key.sk === "STORY";
  };

  /** The single writer's ingest of one report: an item stored already is a duplicate, else it is placed and saved. */
  const ingest = async (store: DynamoStore, one: Report) => {
    if (await store.findDuplicate(one.item)) return;
    const since = new Date(Date.parse(one.fingerprint.at) - 72 * 3_600_000).toISOString();
    const pick = pickStory(one.fingerprint, await store.storyCandidates(lookupKeys(one.fingerprint), since, 16));
    const matched = pick ? await Promise.all([pick.storyId, ...pick.bridges].map((id) => store.getStory(id))) : [];
    const { story, absorbed } = placeReport(one.item, one.verdict, matched, one.item.fetchedAt);
    await store.saveIngest({
      stored: { item: one.item, verdict: one.verdict, storyId: story.id },
      story,
      fingerprint: one.fingerprint,
      ...(absorbed.length > 0 ? { absorbed } : {}),
    });
  };

  it("founds the story on the retry when the first attempt died before writing it", async () => {
    const tableName = await dynamo.freshTable();
    const one = report("first", "Deminers clear a village field in Kharkiv region", 0);
    const storyId = foundStory(one.item, one.verdict, AT).id;

    await expect(ingest(dyingStore(tableName, writesStory(storyId)), one)).rejects.toThrow("the process died");
    const store = new DynamoStore({ client: dynamo.client, tableName });
    await ingest(store, one);

    expect((await store.getItem(one.item.id))?.storyId).toBe(storyId);
    expect((await store.getStory(storyId))?.sources.map((source) => source.itemId)).toEqual([one.item.id]);
    const since = new Date(Date.parse(AT) - 3_600_000).toISOString();
    expect((await store.storyCandidates(lookupKeys(one.fingerprint), since, 16)).map((found) => found.storyId)).toEqual(
      [storyId],
    );
  });

  it("completes the fold on the retry when the first attempt died before folding the story it bridged", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const first = report("first", "Deminers clear a village field in Kharkiv region", 0);
    const second = report("second", "Kharkiv region: deminers clear a village field", 5);
    const bridging = report("bridging", "Deminers clear village field in Kharkiv region, officials say", 10);
    // Two stories of one event, as two shards or an earlier window left them.
    const kept = foundStory(first.item, first.verdict, first.item.fetchedAt);
    const other = foundStory(second.item, second.verdict, second.item.fetchedAt);
    for (const [one, story] of [
      [first, kept],
      [second, other],
    ] as const) {
      await store.saveIngest({
        stored: { item: one.item, verdict: one.verdict, storyId: story.id },
        story,
        fingerprint: one.fingerprint,
      });
    }

    await expect(ingest(dyingStore(tableName, writesStory(other.id)), bridging)).rejects.toThrow("the process died");
    await ingest(store, bridging);

    expect((await store.getStory(other.id))?.id).toBe(kept.id);
    const listed = (await store.listStories({ limit: 10 })).data;
    expect(listed.map((story) => story.id)).toEqual([kept.id]);
    expect(listed[0]?.sources.map((source) => source.itemId).sort()).toEqual(
      [first, second, bridging].map((one) => one.item.id).sort(),
    );
    expect((await store.getItem(bridging.item.id))?.storyId).toBe(kept.id);
  });

  it.each([
    ["its URL marker", putsRecord("ITEMURL#", "ITEMURL")],
    ["its hash marker", putsRecord("ITEMHASH#", "ITEMHASH")],
    ["the item", putsRecord("ITEM#", "ITEM")],
  ])(
    "keeps the item's markers when the first attempt died writing %s: a copy from another feed is a duplicate",
    async (_write, dies) => {
      const tableName = await dynamo.freshTable();
      const one = report("first", "Deminers clear a village field in Kharkiv region", 0);
      const copy = normaliseEntry(
        { guid: "b-9", title: one.item.title, summary: "", link: one.item.url, published: one.item.publishedAt },
        { feedId: "fd_beta", feedUrl: "https://beta.example/feed", fetchedAt: one.item.fetchedAt },
      );
      if (!copy?.canonicalUrl) throw new Error("copy normalised without a URL");
      expect(copy.canonicalUrl).toBe(one.item.canonicalUrl);

      await expect(ingest(dyingStore(tableName, dies), one)).rejects.toThrow("the process died");
      const store = new DynamoStore({ client: dynamo.client, tableName });
      // A marker written before its item names none yet: the retry does not take the report for a copy.
      expect(await store.findDuplicate(one.item)).toBeUndefined();
      await ingest(store, one);

      expect((await store.getItem(one.item.id))?.item.id).toBe(one.item.id);
      expect((await store.findDuplicate(copy))?.item.id).toBe(one.item.id);
      expect((await store.findDuplicates([copy]))[0]?.item.id).toBe(one.item.id);
      // By its text alone, too (a copy whose link differs).
      const retold = { ...copy, id: "itm_retold", canonicalUrl: undefined };
      expect((await store.findDuplicate(retold))?.item.id).toBe(one.item.id);
    },
  );

  it("hands the markers of an item never stored to the next copy stored: a later copy is its duplicate", async () => {
    const tableName = await dynamo.freshTable();
    const one = report("first", "Deminers clear a village field in Kharkiv region", 0);
    /** The same article (link and text) from another feed. */
    const copyFrom = (feed: string, minutes: number): Report => {
      const fetchedAt = new Date(Date.parse(AT) + minutes * 60_000).toISOString();
      const item = normaliseEntry(
        { guid: `${feed}-9`, title: one.item.title, summary: "", link: one.item.url, published: one.item.publishedAt },
        { feedId: `fd_${feed}`, feedUrl: `https://${feed}.example/feed`, fetchedAt },
      );
      if (!item?.canonicalUrl) throw new Error("copy normalised without a URL");
      return { item, ...assess(item) };
    };
    const second = copyFrom("beta", 5);
    const third = copyFrom("gamma", 10);
    expect(third.item.canonicalUrl).toBe(one.item.canonicalUrl);
    expect(third.item.contentHash).toBe(one.item.contentHash);

    // The first attempt dies at the item, after its markers, and its message is never retried.
    await expect(ingest(dyingStore(tableName, putsRecord("ITEM#", "ITEM")), one)).rejects.toThrow("the process died");
    const store = new DynamoStore({ client: dynamo.client, tableName });
    await ingest(store, second);

    expect(await store.getItem(one.item.id)).toBeUndefined();
    expect((await store.findDuplicate(third.item))?.item.id).toBe(second.item.id);
    expect((await store.findDuplicates([third.item]))[0]?.item.id).toBe(second.item.id);
    // By its text alone, too: the hash marker names the copy stored.
    const retold = { ...third.item, id: "itm_retold", canonicalUrl: undefined };
    expect((await store.findDuplicate(retold))?.item.id).toBe(second.item.id);
  });
});

describe("DynamoDB items that join no story (saveItems), cut short and fetched again", () => {
  const AT = "2025-07-01T08:00:00.000Z";
  const entry = (feed: string, index: number) => {
    const item = normaliseEntry(
      {
        guid: `${feed}-${index}`,
        title: `Parliament debates the budget for the ${index + 1}th time this year`,
        summary: "",
        link: `https://news.example/budget/${index}`,
        published: AT,
      },
      { feedId: `fd_${feed}`, feedUrl: `https://${feed}.example/feed`, fetchedAt: AT },
    );
    if (!item?.canonicalUrl) throw new Error("entry normalised without a URL");
    return { item, verdict: assess(item).verdict };
  };

  it("keeps every item's markers when a write of markers alone failed: a copy from another feed is a duplicate", async () => {
    const tableName = await dynamo.freshTable();
    // The calls that go out beside the one that fails land although it failed.
    const { client, failed, settled } = failingClient(
      dynamo.endpoint,
      (command, input) => {
        const sortKeys = command === "BatchWriteItemCommand" ? sortKeysPut(input) : [];
        return sortKeys.length > 0 && sortKeys.every((sk) => sk === "ITEMURL" || sk === "ITEMHASH");
      },
      { times: 1 },
    );
    // Nine items and their markers are more than one BatchWriteItem call holds.
    const items = Array.from({ length: 9 }, (_, index) => entry("alpha", index));
    expect(items.every(({ verdict }) => !verdict.relevant)).toBe(true);

    await expect(new DynamoStore({ client, tableName }).saveItems(items)).rejects.toThrow("write failed");
    expect(failed()).toBe(1);
    await settled();
    // The next fetch stores what it does not find stored.
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const found = await store.findDuplicates(items.map(({ item }) => item));
    await store.saveItems(items.filter((_, index) => !found[index]));

    const copies = Array.from({ length: 9 }, (_, index) => entry("beta", index));
    const duplicates = await store.findDuplicates(copies.map(({ item }) => item));
    expect(duplicates.map((stored) => stored?.item.id)).toEqual(items.map(({ item }) => item.id));
    client.destroy();
  });
});

describe("DynamoDB folds on a story's revision (foldStories)", () => {
  const put = (tableName: string, id: string, extra: Record<string, unknown>) =>
    dynamo.client.send(new PutCommand({ TableName: tableName, Item: { pk: `STORY#${id}`, sk: "STORY", ...extra } }));
  const fold = (tableName: string, id: string, revision: number | null) =>
    foldStories(documentClientOf(), tableName, "sty_kept", [{ id, revision }]);
  const documentClientOf = () => DynamoDBDocumentClient.from(dynamo.client);

  it("folds a story read at a revision only while it is still at it", async () => {
    const tableName = await dynamo.freshTable();
    await put(tableName, "sty_read", { rev: 2, gsi1pk: "STORIES" });

    await expect(fold(tableName, "sty_read", 1)).rejects.toMatchObject({ name: "ConditionalCheckFailedException" });
    await fold(tableName, "sty_read", 2);

    expect(await readRecord(tableName, "STORY#sty_read", "STORY")).toEqual({
      pk: "STORY#sty_read",
      sk: "STORY",
      mergedInto: "sty_kept",
      rev: 3,
    });
    expect(await readRecord(tableName, "STORY#sty_kept", "MERGED#sty_read")).toMatchObject({ absorbed: "sty_read" });
  });

  it("folds a story its batch founded whether or not an earlier attempt of the batch wrote it, unless another joined it", async () => {
    const tableName = await dynamo.freshTable();
    await put(tableName, "sty_written", { rev: 0, gsi1pk: "STORIES" });
    await put(tableName, "sty_redirected", { rev: 1, mergedInto: "sty_kept" });
    await put(tableName, "sty_joined", { rev: 1, gsi1pk: "STORIES" });

    await fold(tableName, "sty_never", null);
    await fold(tableName, "sty_written", null);
    await fold(tableName, "sty_redirected", null);
    await expect(fold(tableName, "sty_joined", null)).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
    });

    for (const id of ["sty_never", "sty_written", "sty_redirected"]) {
      expect((await readRecord(tableName, `STORY#${id}`, "STORY"))?.mergedInto).toBe("sty_kept");
    }
    expect((await readRecord(tableName, "STORY#sty_joined", "STORY"))?.mergedInto).toBeUndefined();
  });
});

async function readRecord(tableName: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  const result = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }));
  return result.Item;
}

describe("DynamoDB due feeds", () => {
  it("pages through every due feed of every shard, earliest first, up to the limit", async () => {
    const tableName = await dynamo.freshTable();
    const store = new DynamoStore({ client: dynamo.client, tableName, dueShards: 2, duePageSize: 3 });
    const base = Date.parse("2025-06-01T00:00:00.000Z");
    for (let minute = 0; minute < 20; minute++) {
      await store.addFeed(`https://feeds.example/${minute}.xml`, new Date(base + minute * 60_000).toISOString());
    }

    const due = await store.dueFeeds("2025-06-01T00:16:30.000Z", 12);
    const all = await store.dueFeeds("2025-06-01T00:16:30.000Z", 100);

    expect(due.map((feed) => feed.url)).toEqual(
      Array.from({ length: 12 }, (_, minute) => `https://feeds.example/${minute}.xml`),
    );
    expect(all).toHaveLength(17);
  });
});
