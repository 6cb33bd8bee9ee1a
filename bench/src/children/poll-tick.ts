// One poll tick in a process of its own, so its peak memory is the poller's alone.
import type { LookupAddress } from "node:dns";
import { readFileSync } from "node:fs";
import { systemClock } from "@treatywatch/core";
import { DEFAULT_FETCH_OPTIONS, HttpFetcher } from "@treatywatch/http";
import { SqliteStore } from "@treatywatch/store";
import { DEFAULT_POLL_OPTIONS, pollDueFeeds } from "@treatywatch/worker";

const [databasePath, feedCount] = process.argv.slice(2);
if (!databasePath || !feedCount) throw new Error("usage: poll-tick.ts DATABASE FEEDS");

const store = new SqliteStore(databasePath);
// Every feed host resolves to the local feed server, which the address guard is told to allow.
const loopback: LookupAddress[] = [{ address: "127.0.0.1", family: 4 }];
const fetcher = new HttpFetcher({ ...DEFAULT_FETCH_OPTIONS, allow: ["127.0.0.1"], resolver: async () => loopback });
const before = process.memoryUsage().rss;
const start = performance.now();
const outcomes = await pollDueFeeds(
  { store, fetcher, clock: systemClock },
  { ...DEFAULT_POLL_OPTIONS, batchSize: Number(feedCount) },
);
const ms = performance.now() - start;
const statuses: Record<string, number> = {};
let items = 0;
for (const outcome of outcomes) {
  statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
  items += outcome.summary.fresh;
}
const errors = outcomes
  .filter((outcome) => outcome.error)
  .slice(0, 3)
  .map((outcome) => outcome.error?.message);
await fetcher.close();
await store.close();
process.stdout.write(
  `${JSON.stringify({ ms, peakRssBytes: peakRssBytes(), startRssBytes: before, statuses, items, errors })}\n`,
);

/**
 * This process's peak resident set. On Linux it is read from /proc (VmHWM, this program's own
 * memory since it started): getrusage's maximum is carried over from the process that spawned
 * it, so a child of a benchmark run that had grown to a gigabyte reported a gigabyte.
 */
function peakRssBytes(): number {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // Not Linux: getrusage's maximum is this process's own there.
  }
  return process.resourceUsage().maxRSS * 1024;
}
