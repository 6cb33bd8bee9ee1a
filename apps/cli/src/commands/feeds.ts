import type { Feed } from "@treatywatch/core";
import { checkFeedUrl, readFeedList } from "@treatywatch/feeds";
import type { Runtime } from "../runtime.ts";

export type FeedsRuntime = Pick<Runtime, "store" | "clock">;

export interface FeedsOutput {
  out(line: string): void;
  err(line: string): void;
}

const stdio: FeedsOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** `feeds add`: refuses an invalid URL or one already added, each with a message saying so. */
export async function addFeedCommand(runtime: FeedsRuntime, input: string, io: FeedsOutput = stdio): Promise<number> {
  const check = checkFeedUrl(input);
  if (!check.ok) {
    io.err(`treatywatch feeds: ${check.message}`);
    return 2;
  }
  const { feed, created } = await runtime.store.addFeed(check.url, runtime.clock.now().toISOString());
  if (!created) {
    io.err(`treatywatch feeds: ${check.url} is already added (${feed.id})`);
    return 1;
  }
  io.out(`${feed.id}\t${feed.url}`);
  return 0;
}

/** `feeds import FILE`: adds each feed of a feeds file; prints how many were new and how many known. */
export async function importFeedsCommand(
  runtime: FeedsRuntime,
  path: string,
  io: FeedsOutput = stdio,
): Promise<number> {
  const urls = await readFeedList(path);
  const now = runtime.clock.now().toISOString();
  let added = 0;
  for (const url of urls) {
    const check = checkFeedUrl(url);
    if (!check.ok) {
      io.err(`treatywatch feeds: skipped ${url}: ${check.message}`);
      continue;
    }
    if ((await runtime.store.addFeed(check.url, now)).created) added++;
  }
  io.out(`${added} feeds added, ${urls.length - added} already there or skipped`);
  return 0;
}

async function findFeed(runtime: FeedsRuntime, idOrUrl: string): Promise<Feed | undefined> {
  const byId = await runtime.store.getFeed(idOrUrl);
  if (byId) return byId;
  const check = checkFeedUrl(idOrUrl);
  const url = check.ok ? check.url : idOrUrl;
  return (await runtime.store.listFeeds()).find((feed) => feed.url === url || feed.url === idOrUrl);
}

/** `feeds remove`: by id or URL. */
export async function removeFeedCommand(
  runtime: FeedsRuntime,
  idOrUrl: string,
  io: FeedsOutput = stdio,
): Promise<number> {
  const feed = await findFeed(runtime, idOrUrl);
  if (!feed || !(await runtime.store.removeFeed(feed.id))) {
    io.err(`treatywatch feeds: no feed ${idOrUrl}`);
    return 1;
  }
  io.out(`removed ${feed.id}\t${feed.url}`);
  return 0;
}

/** `feeds list`: id, URL and title, one feed a line. */
export async function listFeedsCommand(
  runtime: FeedsRuntime,
  options: { json?: boolean | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  const feeds = await runtime.store.listFeeds();
  if (options.json) io.out(JSON.stringify(feeds.map(({ id, url, title, addedAt }) => ({ id, url, title, addedAt }))));
  else for (const feed of feeds) io.out(`${feed.id}\t${feed.url}${feed.title ? `\t${feed.title}` : ""}`);
  return 0;
}

export interface FeedHealthReport {
  id: string;
  url: string;
  state: "ok" | "failing" | "new";
  lastSuccessAt?: string | undefined;
  lastErrorAt?: string | undefined;
  lastError?: { kind: string; message: string } | undefined;
  lastDamageAt?: string | undefined;
  lastDamage?: { kind: string; message: string } | undefined;
  consecutiveFailures: number;
  deferred: number;
  nextAttemptAt: string;
}

export function healthOf(feed: Feed): FeedHealthReport {
  const { health } = feed;
  return {
    id: feed.id,
    url: feed.url,
    state: health.consecutiveFailures > 0 ? "failing" : health.lastSuccessAt ? "ok" : "new",
    lastSuccessAt: health.lastSuccessAt,
    lastErrorAt: health.lastErrorAt,
    lastError: health.lastError,
    lastDamageAt: health.lastDamageAt,
    lastDamage: health.lastDamage,
    consecutiveFailures: health.consecutiveFailures,
    deferred: health.deferred ?? 0,
    nextAttemptAt: feed.nextPollAt,
  };
}

/** `feeds health`: each feed's state, last success, last error and its kind, failures in a row, next attempt. */
export async function feedHealthCommand(
  runtime: FeedsRuntime,
  options: { json?: boolean | undefined; failing?: boolean | undefined },
  io: FeedsOutput = stdio,
): Promise<number> {
  const reports = (await runtime.store.listFeeds())
    .map(healthOf)
    .filter((report) => !options.failing || report.state === "failing");
  if (options.json) {
    io.out(JSON.stringify(reports));
    return 0;
  }
  for (const report of reports) {
    const mark = report.state === "failing" ? "✗" : report.state === "ok" ? "✓" : "·";
    io.out(`${mark} ${report.url}`);
    const success = report.lastSuccessAt ? `last success ${report.lastSuccessAt}` : "never fetched successfully";
    io.out(`    ${success}; next attempt ${report.nextAttemptAt}`);
    if (report.state === "failing" && report.lastError) {
      io.out(
        `    ${report.consecutiveFailures} failure(s) in a row; last ${report.lastError.kind}: ${report.lastError.message}`,
      );
    }
    if (report.lastDamage) {
      io.out(`    last repaired ${report.lastDamageAt}: ${report.lastDamage.kind}: ${report.lastDamage.message}`);
    }
    if (report.deferred > 0) io.out(`    ${report.deferred} entries held for the next polls`);
  }
  const failing = reports.filter((report) => report.state === "failing").length;
  io.out(`\n${reports.length} feeds, ${failing} failing`);
  return 0;
}
