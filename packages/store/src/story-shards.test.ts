import { DynamoDBClient, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { InitializeMiddleware } from "@smithy/types";
import { assess, joinStory, normaliseEntry, type RawEntry } from "@treatywatch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountedClient, countedClient } from "../test/counted-client.ts";
import { type LocalDynamo, startDynalite } from "../test/dynalite.ts";
import { type FailingOptions, failingClient, type PicksCall, sortKeysPut } from "../test/failing-client.ts";
import { storyOf, storyRecord } from "./dynamodb/records.ts";
import { DynamoStore, DynamoStoryShards, type PreparedForShard, storyShard } from "./dynamodb.ts";

const NOW = "2025-06-29T18:00:00.000Z";

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

function prepared(entry: RawEntry, feed: string): PreparedForShard {
  const item = normaliseEntry(entry, { feedId: `fd_${feed}`, feedUrl: `https://${feed}.example/feed`, fetchedAt: NOW });
  if (!item) throw new Error("entry normalised to nothing");
  const { verdict, fingerprint } = assess(item);
  if (!verdict.relevant) throw new Error(`not relevant: ${item.title}`);
  return { item, verdict, fingerprint };
}

const EVENTS = [
  [
    "Ukraine formally withdraws from the Ottawa Convention on anti-personnel mines",
    "Kyiv says Russian use of landmines left it no choice.",
  ],
  ["Cluster munitions strike kills 12 in Kharkiv market", "Investigators found submunition remnants at the scene."],
  [
    "Azerbaijan says landmine killed two road workers in Karabakh",
    "The mine went off as they cleared ground near Lachin, the agency said.",
  ],
  [
    "Deminers clear 400 hectares of minefields in Cambodia",
    "Mine action teams in Battambang removed anti-personnel mines.",
  ],
  ["Landmine blast kills three children in Yemen's Taiz", "The mine exploded near a school, local officials said."],
  [
    "Lithuania's parliament votes to leave the convention on cluster munitions",
    "The Seimas backed the withdrawal bill, citing the threat from Russia.",
  ],
  [
    "Laos unexploded cluster bomblets injure farmers in Xieng Khouang",
    "Cluster munition remnants from decades ago still maim.",
  ],
] as const;

/** Two outlets' copies of one wire report; each round a different event. */
function copies(round: number): [PreparedForShard, PreparedForShard] {
  const [title, summary] = EVENTS[round % EVENTS.length] ?? EVENTS[0];
  return [
    prepared({ guid: `w-${round}`, title, summary, link: `https://wire.example/${round}`, published: NOW }, "wire"),
    prepared({ guid: `o-${round}`, title, summary, link: `https://other.example/${round}`, published: NOW }, "other"),
  ];
}

/** Relevant reports of unrelated events, one a country and each of another kind: no two are one story. */
const UNRELATED = [
  [
    "Landmine blast kills four farmers in Cambodia's Battambang province",
    "The anti-personnel mine was left from the civil war, deminers said.",
  ],
  [
    "Angola deminers clear 300 hectares of minefields near Cuito Cuanavale",
    "The HALO Trust handed the land back to villagers for farming.",
  ],
  [
    "Colombia says armed groups laid new anti-personnel mines in Cauca",
    "The army reported improvised mines on paths used by Indigenous communities.",
  ],
  [
    "Cluster bomblet from 1970s wounds two children in Laos",
    "The submunition exploded as the boys played near their school in Xieng Khouang.",
  ],
  [
    "Iraq starts mine risk education in Mosul schools",
    "UNMAS trainers teach pupils to recognise explosive remnants of war.",
  ],
  [
    "Bosnia parliament approves new mine action strategy to 2027",
    "Sarajevo asked donors for funds to finish clearing contaminated land.",
  ],
  [
    "Sri Lankan landmine survivor wins Paralympic gold in Paris",
    "Lost a leg to a mine as a soldier in 2008; now he holds a world record.",
  ],
  [
    "Houthi landmines kill fishermen on Yemen's Red Sea coast",
    "Sea mines washed ashore near Hodeidah, local officials said.",
  ],
  [
    "Lithuania's parliament votes to leave the convention on cluster munitions",
    "The Seimas backed the withdrawal bill, citing the threat from Russia.",
  ],
  [
    "Syria rescuers report cluster munition attack on Idlib",
    "The White Helmets said submunitions fell on a market in the town.",
  ],
] as const;

function unrelated(count: number, tag: string): PreparedForShard[] {
  if (count > UNRELATED.length) throw new Error(`only ${UNRELATED.length} unrelated reports`);
  return UNRELATED.slice(0, count).map(([title, summary], index) =>
    prepared(
      { guid: `${tag}-${index}`, title, summary, link: `https://news.example/${tag}/${index}`, published: NOW },
      "news",
    ),
  );
}

async function freshShards(counted: CountedClient, shards = 4) {
  const tableName = await dynamo.freshTable();
  return {
    shards: new DynamoStoryShards({ client: counted.client, tableName, shards, pollMs: 5 }),
    store: new DynamoStore({ client: dynamo.client, tableName }),
  };
}

describe("sharded story assignment on DynamoDB (dynalite)", () => {
  it("founds one story when two shards assign copies of one report at the same moment", async () => {
    // 15 ms a call: both shards claim their copy before either reads, so each sees the other's claim.
    const counted = countedClient(dynamo.endpoint, 15);
    const { shards, store } = await freshShards(counted);

    for (let round = 0; round < 6; round++) {
      const [wire, other] = copies(round);
      const [first, second] = await Promise.all([
        shards.assign(round % 4, [wire], NOW),
        shards.assign((round + 1) % 4, [other], NOW),
      ]);

      expect(first[0]?.storyId).toBe(second[0]?.storyId);
      expect([first[0]?.outcome, second[0]?.outcome].sort()).toEqual(["founded", "joined"]);
    }
    const stories = (await store.listStories({ limit: 50 })).data;
    expect(stories).toHaveLength(6);
    expect(stories.every((story) => story.sources.length === 2)).toBe(true);
    counted.client.destroy();
  });

  it("founds one story when three shards assign three copies at once", async () => {
    const counted = countedClient(dynamo.endpoint, 15);
    const { shards, store } = await freshShards(counted);
    const [wire, other] = copies(99);
    const third = prepared(
      {
        guid: "t-99",
        title: wire.item.title,
        summary: wire.item.summary,
        link: "https://third.example/99",
        published: NOW,
      },
      "third",
    );

    const outcomes = (
      await Promise.all([shards.assign(2, [third], NOW), shards.assign(0, [wire], NOW), shards.assign(1, [other], NOW)])
    ).flat();

    expect(new Set(outcomes.map((outcome) => outcome.storyId)).size).toBe(1);
    const stories = (await store.listStories({ limit: 10 })).data;
    expect(stories.map((story) => story.sources.length)).toEqual([3]);
    counted.client.destroy();
  });

  it("founds one story when a conflict written meanwhile is seen in one poll and a younger claim waits in the next", async () => {
    // Three copies of one report: x in shard 1 founds its story after shard 0 read, then y in shard 1
    // (half an hour later) publishes while shard 0 waits, and says it waits for shard 0. Each step is held for the next by
    // hooks on the two shards' clients, so the order is the same every run.
    const tableName = await dynamo.freshTable();
    const client = () =>
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
    const first = client();
    const second = client();
    const zero = new DynamoStoryShards({ client: first, tableName, shards: 2, pollMs: 5 });
    const one = new DynamoStoryShards({ client: second, tableName, shards: 2, pollMs: 5 });
    const [title, summary] = EVENTS[0];
    const m = prepared({ guid: "m", title, summary, link: "https://mine.example/m", published: NOW }, "mine");
    const x = prepared({ guid: "x", title, summary, link: "https://xout.example/x", published: NOW }, "xout");
    const y = prepared(
      { guid: "y", title, summary, link: "https://yout.example/y", published: "2025-06-29T18:30:00.000Z" },
      "yout",
    );
    const gate = () => {
      let open = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { opened, open };
    };
    const yPublished = gate();
    const firstPollDone = gate();
    const yWaits = gate();
    let zeroPublished = false;
    let polls = 0;
    let phase: "x" | "y" = "x";
    let yClaims = 0;
    let yAssigned: Promise<unknown> | undefined;
    type Hook = InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes>;
    const holdShardZero: Hook = (next, context) => async (args) => {
      const body = JSON.stringify(args.input);
      if (context.commandName === "PutItemCommand" && body.includes("STORYCLAIM") && !zeroPublished) {
        zeroPublished = true;
        await one.assign(1, [x], NOW);
        phase = "y";
      }
      if (context.commandName === "BatchGetItemCommand" && zeroPublished && !body.includes("SIDX")) {
        polls++;
        if (polls === 1) {
          yAssigned = one.assign(1, [y], NOW);
          await yPublished.opened;
        }
        if (polls === 2) await yWaits.opened;
        const result = await next(args);
        if (polls === 1) firstPollDone.open();
        return result;
      }
      return next(args);
    };
    const holdShardOne: Hook = (next, context) => async (args) => {
      const body = JSON.stringify(args.input);
      if (phase === "y" && context.commandName === "PutItemCommand" && body.includes("STORYCLAIM")) {
        const result = await next(args);
        yClaims++;
        if (yClaims === 1) yPublished.open();
        else if (body.includes('"waitingFor":[0]')) yWaits.open();
        return result;
      }
      if (phase === "y" && yClaims > 0 && context.commandName === "BatchGetItemCommand") await firstPollDone.opened;
      return next(args);
    };
    first.middlewareStack.add(holdShardZero, { step: "initialize", name: "holdShardZero" });
    second.middlewareStack.add(holdShardOne, { step: "initialize", name: "holdShardOne" });

    await zero.assign(0, [m], NOW);
    await yAssigned;

    const stories = (await new DynamoStore({ client: dynamo.client, tableName }).listStories({ limit: 10 })).data;
    expect(stories).toHaveLength(1);
    expect(stories[0]?.sources.map((source) => source.itemId).sort()).toEqual([m.item.id, x.item.id, y.item.id].sort());
    first.destroy();
    second.destroy();
  });

  it("keeps every join when two shards join one story with unlike reports at once", async () => {
    const counted = countedClient(dynamo.endpoint, 10);
    const { shards, store } = await freshShards(counted);
    const [wire] = copies(7);
    await shards.assign(0, [wire], NOW);
    const follow = (guid: string, title: string) =>
      prepared({ guid, title, summary: wire.item.summary, link: `https://${guid}.example/`, published: NOW }, guid);

    await Promise.all([
      shards.assign(
        1,
        [follow("a", "Ukraine leaves Ottawa Convention on anti-personnel mines, Zelensky decree says")],
        NOW,
      ),
      shards.assign(
        2,
        [follow("b", "Ukraine formally quits Ottawa Convention mine ban treaty over Russian landmines")],
        NOW,
      ),
    ]);

    const stories = (await store.listStories({ limit: 10 })).data;
    expect(stories).toHaveLength(1);
    expect(stories[0]?.sources.map((source) => source.itemId).sort()).toHaveLength(3);
    counted.client.destroy();
  });

  it("stores both of two reports of one text that arrive in one batch, in one story", async () => {
    const counted = countedClient(dynamo.endpoint);
    const { shards, store } = await freshShards(counted);
    const [wire, other] = copies(5);

    const outcomes = await shards.assign(0, [wire, other], NOW);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["founded", "joined"]);
    expect((await store.getItem(other.item.id))?.storyId).toBe(outcomes[0]?.storyId);
    counted.client.destroy();
  });

  it("answers `already` for an item assigned before, and writes nothing for it", async () => {
    const counted = countedClient(dynamo.endpoint);
    const { shards } = await freshShards(counted);
    const [wire] = copies(3);
    const [first] = await shards.assign(1, [wire], NOW);

    counted.reset();
    const [again] = await shards.assign(1, [wire], NOW);

    expect(again).toMatchObject({ outcome: "already", storyId: first?.storyId });
    expect(counted.calls.get("BatchWriteItemCommand")).toBeUndefined();
    counted.client.destroy();
  });

  it.each([
    ["a lone item founding a story", 1, false],
    ["a lone item joining a story", 1, true],
    ["a batch of ten unrelated items", 10, false],
    ["a batch of ten items each joining a story", 10, true],
  ])("costs at most 8 DynamoDB calls per fresh item: %s", async (_name, size, joining) => {
    const counted = countedClient(dynamo.endpoint);
    const { shards, store } = await freshShards(counted);
    const earlier = unrelated(size, "early");
    const later = joining
      ? earlier.map((report, index) =>
          prepared(
            {
              guid: `late-${index}`,
              // The same text: a reworded copy may also reach another of these stories, and fold the two.
              title: report.item.title,
              summary: report.item.summary,
              link: `https://late.example/${index}`,
              published: NOW,
            },
            "late",
          ),
        )
      : unrelated(size, "late");
    if (joining) await shards.assign(0, earlier, NOW);

    counted.reset();
    const outcomes = await shards.assign(1, later, NOW);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(later.map(() => (joining ? "joined" : "founded")));
    expect(counted.total() / size).toBeLessThanOrEqual(8);
    expect((await store.listStories({ limit: 50 })).data).toHaveLength(size);
    process.stdout.write(
      `  ${_name}: ${counted.total()} calls (${JSON.stringify(Object.fromEntries(counted.calls))})\n`,
    );
    counted.client.destroy();
  });

  describe("a warm shard (what it remembers between batches)", () => {
    const FOUR_DAYS_EARLIER = "2025-06-25T18:00:00.000Z";
    const [title, summary] = EVENTS[0];
    const report = (guid: string, published: string, outlet: string) =>
      prepared({ guid, title, summary, link: `https://${outlet}.example/${guid}`, published }, outlet);

    /** A client that counts the index records its BatchGetItem calls ask for. */
    function indexReads() {
      const counted = countedClient(dynamo.endpoint);
      const read = { records: 0 };
      counted.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "BatchGetItemCommand") {
            read.records += JSON.stringify(args.input).split("SIDX#").length - 1;
          }
          return next(args);
        },
        { step: "initialize", name: "countIndexReads" },
      );
      return { client: counted.client, read };
    }

    /**
     * Two writers on a fresh table: `warm`, whose index reads are counted and which already
     * remembers the event's keys naming only a story outside the window, and `other` beside it.
     */
    async function warmAndOther() {
      const tableName = await dynamo.freshTable();
      const reads = indexReads();
      const warm = new DynamoStoryShards({ client: reads.client, tableName, shards: 2, pollMs: 5 });
      const other = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 2, pollMs: 5 });
      await warm.assign(0, [report("old", FOUR_DAYS_EARLIER, "archive")], NOW);
      return { reads, warm, other };
    }

    it.each([
      // Another copy of the same shard (another function instance) founds the event's story.
      ["another copy of its shard founded meanwhile", 0],
      ["another shard founded under keys it remembers", 1],
    ])("finds the story %s, taking the index from the founder's claim", async (_name, founderShard) => {
      // The warm copy remembers the event's index records naming only a story outside the window.
      const { reads, warm, other } = await warmAndOther();
      const [founded] = await other.assign(founderShard, [report("first", NOW, "wire")], NOW);

      reads.read.records = 0;
      const [joined] = await warm.assign(0, [report("second", NOW, "other")], NOW);

      expect(founded?.outcome).toBe("founded");
      expect(joined).toMatchObject({ outcome: "joined", storyId: founded?.storyId });
      expect(reads.read.records).toBe(0);
      reads.client.destroy();
    });

    it("reads the index again when another copy of its shard published more than it can account for", async () => {
      const { reads, warm, other } = await warmAndOther();
      const [founded] = await other.assign(0, [report("first", NOW, "wire")], NOW);
      for (const batch of unrelated(2, "between")) await other.assign(0, [batch], NOW);

      reads.read.records = 0;
      const [joined] = await warm.assign(0, [report("second", NOW, "other")], NOW);

      expect(joined).toMatchObject({ outcome: "joined", storyId: founded?.storyId });
      expect(reads.read.records).toBeGreaterThan(0);
      reads.client.destroy();
    });

    it("redoes its join on the newer copy of a story changed behind the claims' back, losing neither", async () => {
      const tableName = await dynamo.freshTable();
      const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 2, pollMs: 5 });
      const store = new DynamoStore({ client: dynamo.client, tableName });
      const first = report("first", NOW, "wire");
      const [founded] = await shards.assign(0, [first], NOW);
      // A writer that announces nothing: the story gains a source and a revision.
      const outside = report("outside", NOW, "outside");
      const key = { pk: `STORY#${founded?.storyId}`, sk: "STORY" };
      const { Item: stored } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: key }));
      if (!stored) throw new Error("the founded story is stored");
      const changed = joinStory(storyOf(stored), outside.item, outside.verdict, NOW).story;
      await dynamo.client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...stored, ...storyRecord(changed), rev: Number(stored.rev) + 1 },
        }),
      );

      const second = report("second", NOW, "other");
      const [joined] = await shards.assign(0, [second], NOW);

      expect(joined).toMatchObject({ outcome: "joined", storyId: founded?.storyId });
      const story = await store.getStory(founded?.storyId ?? "");
      expect(story?.sources.map((source) => source.itemId).sort()).toEqual(
        [first.item.id, outside.item.id, second.item.id].sort(),
      );
    });

    it("assigns a stream of batches to the same stories as shards that remember nothing", async () => {
      const stream = [
        ...Array.from({ length: 7 }, (_, round) => copies(round)),
        ...Array.from({ length: 7 }, (_, round) => copies(round + 7)),
      ];
      const spare = unrelated(10, "stream");
      const batches = stream.map((pair, index) => [...pair, ...(spare[index] ? [spare[index]] : [])]);
      const assignAll = async (shards: DynamoStoryShards) => {
        const storyOfItem = new Map<string, string>();
        for (const [index, batch] of batches.entries()) {
          for (const outcome of await shards.assign(index % 4, batch, NOW)) {
            storyOfItem.set(outcome.itemId, outcome.storyId);
          }
        }
        const members = new Map<string, string[]>();
        for (const [itemId, storyId] of storyOfItem) members.set(storyId, [...(members.get(storyId) ?? []), itemId]);
        return [...members.values()].map((ids) => ids.sort().join(" ")).sort();
      };

      const remembering = await assignAll(
        new DynamoStoryShards({ client: dynamo.client, tableName: await dynamo.freshTable(), shards: 4 }),
      );
      const forgetting = await assignAll(
        new DynamoStoryShards({ client: dynamo.client, tableName: await dynamo.freshTable(), shards: 4, cache: false }),
      );

      expect(remembering).toEqual(forgetting);
      expect(remembering.length).toBeLessThan(batches.flat().length);
    });
  });

  it("puts copies of one report in one shard, and spreads unrelated reports over the shards", () => {
    const [wire, other] = copies(1);
    const spread = new Set(unrelated(10, "spread").map((report) => storyShard(report.fingerprint, 4)));

    expect(storyShard(wire.fingerprint, 4)).toBe(storyShard(other.fingerprint, 4));
    expect(spread.size).toBeGreaterThan(1);
  });
});

/** A wire report founds a story; another outlet's, with a figure of its own, joins it. */
const founding = (title = "Deminers clear a village field in Kharkiv region") =>
  prepared({ guid: "w-1", title, link: "https://wire.example/1" }, "wire");
const joining = () =>
  prepared(
    {
      guid: "o-1",
      title: "Kharkiv region: deminers clear a village field, 40 mines found",
      link: "https://other.example/1",
    },
    "other",
  );

describe("a shard batch whose writes were cut short, delivered again (dynalite)", () => {
  /** Shards on a fresh table whose client fails each call `fails` picks, as a throttled or lost write would. */
  async function failing(fails: PicksCall, options: FailingOptions = {}) {
    const tableName = await dynamo.freshTable();
    const { client, failed } = failingClient(dynamo.endpoint, fails, options);
    return {
      client,
      failed,
      cutShort: new DynamoStoryShards({ client, tableName, shards: 1 }),
      shards: new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 }),
      store: new DynamoStore({ client: dynamo.client, tableName }),
    };
  }

  it("keeps every item's URL and hash markers when a write of markers without their items failed: copies from other feeds are duplicates", async () => {
    // Nine items and their markers are more than one BatchWriteItem call holds.
    const batch = unrelated(9, "cut");
    const { client, failed, cutShort, shards, store } = await failing(
      (command, input) => {
        const sortKeys = command === "BatchWriteItemCommand" ? sortKeysPut(input) : [];
        return sortKeys.some((sk) => sk === "ITEMURL" || sk === "ITEMHASH") && !sortKeys.includes("ITEM");
      },
      { times: 1 },
    );
    await expect(cutShort.assign(0, batch, NOW)).rejects.toThrow("write failed");
    expect(failed()).toBe(1);

    const again = await shards.assign(0, batch, NOW);

    expect(again).toHaveLength(batch.length);
    const copies = batch.map(({ item }, index) =>
      prepared(
        { guid: `copy-${index}`, title: item.title, summary: item.summary, link: item.url, published: NOW },
        "copies",
      ),
    );
    const found = await store.findDuplicates(copies.map(({ item }) => item));
    expect(found.map((stored) => stored?.item.id)).toEqual(batch.map(({ item }) => item.id));
    client.destroy();
  });

  /** Picks the writes of item records, which go after the stories and the index. */
  const writesItems: PicksCall = (command, input) =>
    command === "BatchWriteItemCommand" && sortKeysPut(input).includes("ITEM");
  /** The batches as shards that never fail assign them. */
  async function expected(batches: PreparedForShard[][]) {
    const tableName = await dynamo.freshTable();
    const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
    const outcomes = [];
    for (const batch of batches) outcomes.push(await shards.assign(0, batch, NOW));
    return outcomes;
  }

  it.each([
    ["a lone item founding a story", [[founding()]]],
    ["a batch that founds a story and joins it", [[founding(), joining()]]],
    ["an item joining a story an earlier batch founded", [[founding()], [joining()]]],
  ])(
    "reports what the first attempt decided once its items' write failed and the batch comes again: %s",
    async (_name, batches) => {
      const { client, cutShort, shards, store } = await failing(writesItems, { times: 1 });
      const earlier = batches.slice(0, -1);
      const last = batches.at(-1) ?? [];
      for (const batch of earlier) await shards.assign(0, batch, NOW);
      await expect(cutShort.assign(0, last, NOW)).rejects.toThrow("write failed");
      // The stories and the index are written, the items not: the story lists each already.
      expect((await store.listStories({ limit: 5 })).data.flatMap((story) => story.sources)).toHaveLength(
        batches.flat().length,
      );

      const again = await shards.assign(0, last, NOW);

      const [wanted = []] = (await expected(batches)).slice(-1);
      // Each at the story's version as it stands, as a redelivered item's outcome is reported again.
      const version = Math.max(...wanted.map((outcome) => outcome.version));
      expect(again).toEqual(wanted.map((outcome) => ({ ...outcome, version })));
      expect(again.at(-1)?.outcome).toBe(last.length === 1 && earlier.length === 0 ? "founded" : "joined");
      if (again.at(-1)?.outcome === "joined") {
        expect(again.at(-1)?.changes).toEqual([
          { kind: "new-outlet", outlet: joining().item.outlet },
          { kind: "new-figures", figures: ["40"] },
        ]);
      }
      // What a later delivery reports again: kept on the item.
      const [kept] = await shards.assign(0, [last[0] as PreparedForShard], NOW);
      expect(kept).toMatchObject({ outcome: "already", reported: { outcome: wanted[0]?.outcome } });
      client.destroy();
    },
  );
});

describe("a shard batch that holds one item twice (dynalite)", () => {
  it("founds the story once when an item comes again edited in the same batch, and keeps that on the item", async () => {
    const tableName = await dynamo.freshTable();
    const shards = new DynamoStoryShards({ client: dynamo.client, tableName, shards: 1 });
    const store = new DynamoStore({ client: dynamo.client, tableName });
    const first = founding();
    // Edited at the source: a new title, the same id (its message is not taken for the first one's).
    const edited = founding("Deminers clear a village field in Kharkiv region, officials say");
    expect(edited.item.id).toBe(first.item.id);
    expect(edited.item.contentHash).not.toBe(first.item.contentHash);

    const [founded, again] = await shards.assign(0, [first, edited], NOW);

    expect(founded).toMatchObject({ outcome: "founded" });
    expect(again).toEqual({ ...founded, outcome: "joined", changes: [] });
    const [kept] = await shards.assign(0, [first], NOW);
    expect(kept).toMatchObject({ outcome: "already", reported: { outcome: "founded", storyId: founded?.storyId } });
    expect((await store.getStory(founded?.storyId ?? ""))?.sources).toHaveLength(1);
  });

  it("joins a story once when an item comes twice in one batch, at the cost of one copy", async () => {
    const assigned = async (batch: PreparedForShard[]) => {
      const counted = countedClient(dynamo.endpoint);
      const shards = new DynamoStoryShards({ client: counted.client, tableName: await dynamo.freshTable(), shards: 1 });
      await shards.assign(0, [founding()], NOW);
      counted.reset();
      const outcomes = await shards.assign(0, batch, NOW);
      const calls = Object.fromEntries(counted.calls);
      counted.client.destroy();
      return { outcomes, calls };
    };
    const once = await assigned([joining()]);

    const twice = await assigned([joining(), joining()]);

    const [joined] = once.outcomes;
    expect(joined?.changes).toEqual([
      { kind: "new-outlet", outlet: joining().item.outlet },
      { kind: "new-figures", figures: ["40"] },
    ]);
    expect(twice.outcomes).toEqual([joined, { ...joined, changes: [] }]);
    expect(twice.calls).toEqual(once.calls);
  });
});
