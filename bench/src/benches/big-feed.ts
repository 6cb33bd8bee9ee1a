import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openRuntime } from "@treatywatch/cli/runtime";
import { startServer } from "@treatywatch/cli/serve";
import { loadConfig } from "@treatywatch/config";
import type { Fetcher } from "@treatywatch/core";
import { SqliteStore } from "@treatywatch/store";
import { fetchFeed } from "@treatywatch/worker";
import { nearIdenticalRss } from "../../../apps/worker/test/feed-server.ts";
import { type Bench, num, type Row, ratio } from "../report.ts";

const MIB = 1024 * 1024;
/** Just under the fetch cap, so the whole feed is read. */
const FULL = 10 * MIB - 1024;

/** Ingests one feed the way the poller does, tick after tick, until nothing of it is held over. */
async function ingestWhole(body: string, path: string): Promise<{ ms: number; items: number; ticks: number }> {
  const store = new SqliteStore(path);
  const bytes = Buffer.from(body);
  const fetcher: Fetcher = {
    fetch: async () => ({
      status: "ok",
      body: bytes,
      contentType: "application/rss+xml",
      finalUrl: "https://repeat.example/feed.xml",
    }),
  };
  const clock = { now: () => new Date("2026-11-28T12:00:00Z") };
  let feed = (await store.addFeed("https://repeat.example/feed.xml", clock.now().toISOString())).feed;
  const start = performance.now();
  let items = 0;
  let ticks = 0;
  do {
    const outcome = await fetchFeed(feed, { store, fetcher, clock });
    items += outcome.summary.fresh;
    ticks++;
    feed = (await store.getFeed(feed.id)) ?? feed;
  } while ((feed.health.deferred ?? 0) > 0);
  const ms = performance.now() - start;
  await store.close();
  return { ms, items, ticks };
}

/** `/health` asked again and again while `serve` ingests the feed, until all of it is in. */
async function healthDuringIngest(
  body: string,
  dir: string,
): Promise<{ latencies: number[]; idle: number[]; ms: number; loopDelayMaxMs: number }> {
  const feeds = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(body),
  );
  await new Promise<void>((resolve) => feeds.listen(0, "127.0.0.1", resolve));
  const runtime = openRuntime(
    loadConfig({
      TREATYWATCH_DATA_DIR: dir,
      TREATYWATCH_FEEDS_FILE: join(dir, "feeds.txt"),
      PORT: "0",
      LOG_LEVEL: "silent",
      TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
      TREATYWATCH_ANON_RATE_LIMIT: "1000000000",
    }),
  );
  const running = await startServer(runtime, { tickMs: 100 });
  // node:http on one kept-alive connection, as a monitor would ask. The client shares the API's event
  // loop, so its garbage counts against the API: the global fetch's made the slowest answers measured.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ask = () =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now();
      request({ host: "127.0.0.1", port: running.port, path: "/health", agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`/health answered ${response.statusCode}`));
        response.resume();
        response.on("end", () => resolve(performance.now() - start));
      })
        .on("error", reject)
        .end();
    });
  try {
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await ask());
    const { feed } = await runtime.store.addFeed(
      `http://127.0.0.1:${(feeds.address() as AddressInfo).port}/repeat.xml`,
      new Date().toISOString(),
    );
    const latencies: number[] = [];
    // How long this process's event loop was ever held up: the API's own share of the latency.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const start = performance.now();
    // Whether the feed is all in is read every 100 ms, so the check costs the API next to nothing.
    for (let checked = start; ; ) {
      latencies.push(await ask());
      if (performance.now() - checked < 100) continue;
      checked = performance.now();
      const health = (await runtime.store.getFeed(feed.id))?.health;
      if (health?.lastSuccessAt && (health.deferred ?? 0) === 0) break;
    }
    loop.disable();
    return { latencies, idle, ms: performance.now() - start, loopDelayMaxMs: loop.max / 1e6 };
  } finally {
    agent.destroy();
    await running.stop();
    await new Promise((resolve) => feeds.close(resolve));
  }
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

export const bigFeed: Bench = {
  name: "big-feed",
  async run({ quick, log }): Promise<Row[]> {
    const full = quick ? 2 * MIB : FULL;
    const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-big-feed-"));
    try {
      // `serve` first, while this process holds only what an API process holds: the passes below
      // leave hundreds of megabytes of heap behind, which no API process carries and whose
      // collection would count against it.
      const health = await healthDuringIngest(nearIdenticalRss(full), join(dir, "serve"));
      const sizes = [full / 4, full / 2, full];
      const passes = [];
      for (const [n, size] of sizes.entries()) {
        const pass = await ingestWhole(nearIdenticalRss(size), join(dir, `ingest-${n}.db`));
        log(`${num(size / MIB, 1)} MiB: ${num(pass.items)} items in ${num(pass.ms)} ms, ${pass.ticks} ticks`);
        passes.push({ size, ...pass });
      }
      const perMiB = passes.map((pass) => pass.ms / (pass.size / MIB));
      const [smallest, , largest] = passes;
      const growth = (perMiB[2] ?? 0) / (perMiB[0] ?? 1);

      const worst = health.latencies.reduce((most, latency) => Math.max(most, latency), 0);
      log(
        `/health: ${health.latencies.length} answers in ${num(health.ms / 1000, 1)} s of ingest; ` +
          `p50 ${num(percentile(health.latencies, 50), 1)} ms, p99 ${num(percentile(health.latencies, 99), 1)} ms, max ${num(worst, 1)} ms; ` +
          `the API's event loop held up ${num(health.loopDelayMaxMs, 1)} ms at most`,
      );
      return [
        {
          name: "big feed ingest",
          measured: `${num(full / MIB, 1)} MiB (${num(largest?.items ?? 0)} items) in ${num((largest?.ms ?? 0) / 1000, 1)} s: ${num(perMiB[2] ?? 0)} ms/MiB`,
          baseline: `${num((smallest?.size ?? 0) / MIB, 1)} MiB: ${num(perMiB[0] ?? 0)} ms/MiB`,
          ratio: ratio(growth),
          target: "≤ 1.5x (linear)",
          pass: growth <= 1.5,
          note:
            "one RSS feed of near-identical items (one wire story re-sent with a counter, so every item joins one story), " +
            "ingested as the poller does (fetchFeed tick after tick into a SQLite file: parse, normalise, classify, " +
            "1,000 new items a tick, the rest held in the store and taken on the next ticks) at a quarter, half and all " +
            "of its size; the ratio is the cost per MiB of the whole feed over that of its quarter.",
        },
        {
          name: "/health during big-feed ingest",
          measured: `max ${num(worst, 1)} ms (p99 ${num(percentile(health.latencies, 99), 1)} ms, ${num(health.latencies.length)} requests)`,
          baseline: `idle p50 ${num(percentile(health.idle, 50), 1)} ms`,
          ratio: ratio(worst / percentile(health.idle, 50)),
          target: "max ≤ 100 ms",
          pass: worst <= 100,
          note:
            `\`serve\` (API here, poller in its own process) while it ingests the same ${num(full / MIB, 1)} MiB feed from a ` +
            "loopback server, ticking every 100 ms, from its fetch until nothing is held over; one `/health` request after " +
            "another the whole time, over node:http on one kept-alive connection from the API's own process, run " +
            "before the ingest passes above so that process holds no more than an API process does.",
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
