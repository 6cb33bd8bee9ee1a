// `npm run cost -w @treatywatch/infra`: a monthly cost estimate for 1,000 and 10,000 feeds, read
// from the synthesised templates (alarms, dashboards, secrets, functions and their memory, queues,
// schedules) and a stated usage model. Prices are us-east-1 list prices, in US dollars.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { buildTreatywatch } from "../src/app.ts";
import { paramsFromContext } from "../src/params.ts";

const PRICE = {
  alarm: 0.1,
  dashboard: 3,
  secret: 0.4,
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1e6,
  sqsStandard: 0.4 / 1e6,
  sqsFifo: 0.5 / 1e6,
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  dynamoStorageGb: 0.25,
  pitrGb: 0.2,
  logsIngestGb: 0.5,
  sesPer1000: 0.1,
} as const;

/** The usage model: what one feed and one item cost in requests, stated so it can be checked. */
export const MODEL = {
  /** Average minutes between polls of a feed (adaptive: 5 minutes to 6 hours; news feeds sit low). */
  pollMinutes: 15,
  /** Share of polls answered 200 rather than 304. */
  changedShare: 0.3,
  /** Entries a changed feed carries, every one looked up (id, URL and hash markers). */
  entriesPerFeed: 25,
  /** New entries a feed publishes a day, and the share that is relevant. */
  newPerFeedDay: 10,
  relevantShare: 0.5,
  /** Request units (reads, writes) a fetch costs: feed read, lease, record fetch. */
  fetchReads: 2,
  fetchWrites: 2,
  /**
   * Request units measured by `npm run bench -- aws-ingest` (the table's as DynamoDB bills them, and
   * each index's copy of a record that carries its keys). An entry of a changed feed is looked up
   * by its id, URL and hash markers in batched reads: 3.0 read units. A new entry costs the fetch
   * side 3.2 write units on average (an item that joins no story is stored with its markers; a
   * relevant one is queued for its story shard). A relevant item's assignment by its shard costs
   * 16.9 read units (index records, candidate stories, claims the warm shard cannot account for)
   * and 29.4 write units (the item, its index records and markers, its story, the shard's claim).
   */
  lookupReadsPerEntry: 3,
  newEntryWrites: 3.2,
  assignReads: 16.9,
  assignWrites: 29.4,
  /** Average Lambda run time per invocation, in seconds (fetch waits on remote servers). */
  fetchSeconds: 2,
  ingestSeconds: 0.5,
  /** Stored bytes an item costs (item, markers, index share, story share). */
  bytesPerItem: 6_000,
  /** Log bytes per fetch and per item. */
  logBytesPerFetch: 400,
  logBytesPerItem: 600,
  /** Alerts mailed a month (the rest of delivery cost follows subscribers, not feeds). */
  emailsPerMonth: 10_000,
};

const MONTH_MINUTES = 30 * 24 * 60;

interface Inventory {
  alarms: number;
  dashboards: number;
  secrets: number;
  shards: number;
  fetchMemoryGb: number;
  ingestMemoryGb: number;
  pollMemoryGb: number;
  pollTicksPerMonth: number;
}

function inventory(): Inventory {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const params = paramsFromContext(app.node);
  const stacks = buildTreatywatch(app, params);
  const templates = Object.values(stacks).map((stack) => Template.fromStack(stack));
  const count = (type: string) =>
    templates.reduce((total, template) => total + Object.keys(template.findResources(type)).length, 0);
  const memory = (fn: { node: { defaultChild?: unknown } }) =>
    ((fn.node.defaultChild as { memorySize?: number }).memorySize ?? 128) / 1024;
  const rate = /^rate\((\d+) minutes?\)$/.exec(params.pollSchedule);
  return {
    alarms: count("AWS::CloudWatch::Alarm"),
    dashboards: count("AWS::CloudWatch::Dashboard"),
    secrets: count("AWS::SecretsManager::Secret"),
    shards: params.ingestShards,
    fetchMemoryGb: memory(stacks.worker.fetch),
    ingestMemoryGb: memory(stacks.worker.ingest),
    pollMemoryGb: memory(stacks.worker.poll),
    pollTicksPerMonth: MONTH_MINUTES / Number(rate?.[1] ?? 5),
  };
}

export function estimate(feeds: number, inv: Inventory, model = MODEL): Record<string, number> {
  const fetches = (feeds * MONTH_MINUTES) / model.pollMinutes;
  const changed = fetches * model.changedShare;
  const items = feeds * model.newPerFeedDay * 30;
  const relevant = items * model.relevantShare;
  const reads =
    fetches * model.fetchReads +
    changed * model.entriesPerFeed * model.lookupReadsPerEntry +
    relevant * model.assignReads;
  const writes = fetches * model.fetchWrites + items * model.newEntryWrites + relevant * model.assignWrites;
  const storedGb = (items * model.bytesPerItem) / 1e9;
  const lambdaGbSeconds =
    (fetches / 5) * model.fetchSeconds * inv.fetchMemoryGb +
    (relevant / 10) * model.ingestSeconds * inv.ingestMemoryGb +
    inv.pollTicksPerMonth * 2 * inv.pollMemoryGb;
  const invocations = fetches / 5 + relevant / 10 + inv.pollTicksPerMonth;
  // Each message is sent, received and deleted; Lambda's pollers add about 650,000 empty receives a queue.
  const sqs =
    (fetches * 3 + relevant * 6) * PRICE.sqsStandard + relevant * 3 * PRICE.sqsFifo + 4 * 650_000 * PRICE.sqsStandard;
  return {
    "alarms and dashboard": inv.alarms * PRICE.alarm + inv.dashboards * PRICE.dashboard,
    secrets: inv.secrets * PRICE.secret,
    DynamoDB: reads * PRICE.dynamoRead + writes * PRICE.dynamoWrite + storedGb * (PRICE.dynamoStorageGb + PRICE.pitrGb),
    Lambda: lambdaGbSeconds * PRICE.lambdaGbSecond + invocations * PRICE.lambdaRequest,
    SQS: sqs,
    "CloudWatch Logs": ((fetches * model.logBytesPerFetch + items * model.logBytesPerItem) / 1e9) * PRICE.logsIngestGb,
    SES: (model.emailsPerMonth / 1000) * PRICE.sesPer1000,
  };
}

const money = (value: number) => `$${value.toFixed(2)}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const inv = inventory();
  const sizes = [1_000, 10_000];
  const rows = sizes.map((feeds) => estimate(feeds, inv));
  const lines = Object.keys(rows[0] ?? {}).map(
    (name) => `| ${name} | ${rows.map((row) => money(row[name] ?? 0)).join(" | ")} |`,
  );
  const totals = rows.map((row) => money(Object.values(row).reduce((a, b) => a + b, 0)));
  process.stdout.write(
    [
      `From the synthesised stacks: ${inv.alarms} alarms, ${inv.dashboards} dashboard, ${inv.secrets} secrets, ` +
        `${inv.shards} story shards, fetch ${inv.fetchMemoryGb * 1024} MB, ingest ${inv.ingestMemoryGb * 1024} MB, ` +
        `${inv.pollTicksPerMonth} poll ticks a month.`,
      "",
      `| a month | ${sizes.map((feeds) => `${feeds.toLocaleString("en-US")} feeds`).join(" | ")} |`,
      `| --- | ${sizes.map(() => "---").join(" | ")} |`,
      ...lines,
      `| **total** | ${totals.map((total) => `**${total}**`).join(" | ")} |`,
      "",
    ].join("\n"),
  );
}
